/* linux.netDevices: move host network interfaces into the container's
 * network namespace (rtnetlink), renaming them as configured. */
#ifndef BRIG_NETDEV_H
#define BRIG_NETDEV_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Move every configured device into the network namespace of pid. */
int netdev_move_all(const struct spec_linux *l, pid_t pid,
                    struct brig_error *err);

#endif
