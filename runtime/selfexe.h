/* CVE-2019-5736: brig processes that enter a container run from a copy of
 * brig no one can write to (a read-only overlayfs of its directory, or a
 * sealed memfd), never from the host's binary as it is (see contain.h for
 * the rest of what such a process does).
 *   selfexe_needed     whether a command enters a container (create, run,
 *                      exec, execute)
 *   selfexe_seal       unless already running from such a copy, re-exec
 *                      brig from one with the same argv and environment
 *                      (returns only on error)
 *   selfexe_mnt        after a re-exec from the overlay: the fd of its
 *                      detached mount (close-on-exec), else -1; the init
 *                      attaches it under the old root before unmounting
 *                      that (rootfs_pivot) */
#ifndef BRIG_SELFEXE_H
#define BRIG_SELFEXE_H

#include <stdbool.h>

#include "error.h"

bool selfexe_needed(const char *command);
int selfexe_seal(char **argv, struct brig_error *err);

extern int selfexe_mnt;

#endif
