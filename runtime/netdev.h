/* linux.netDevices: move host network interfaces into the container's
 * network namespace (rtnetlink), renaming them as configured; and the
 * loopback device of a new network namespace, brought up as runc and crun
 * do. */
#ifndef BRIG_NETDEV_H
#define BRIG_NETDEV_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Move every configured device into the network namespace of pid, as
 * the runtime-spec asks: all checked first (there, named uniquely, not
 * "lo"), then moved and renamed, brought up, and given back their
 * permanent global addresses (which a move drops). */
int netdev_move_all(const struct spec_linux *l, pid_t pid,
                    struct brig_error *err);
/* Bring up "lo" in the caller's network namespace (a new one: 127.0.0.1
 * and ::1 work in the container). */
int netdev_loopback_up(struct brig_error *err);

#endif
