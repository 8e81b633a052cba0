/* Uses of procfs that cannot be redirected (CVE-2019-16884,
 * CVE-2023-27561/28642, CVE-2025-52881): a container image, a config
 * mount or a racing container process may put a symlink at /proc, another
 * filesystem over it, or a bind mount over one of its files.
 *   procfs_open_thread  open <rel> under /proc/thread-self, only after
 *                       checking that /proc is the root of a procfs
 *                       (fstatfs + inode), and with openat2 RESOLVE_BENEATH
 *                       | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
 *                       RESOLVE_NO_XDEV, so no symlink or mount is crossed
 *   procfs_open_sys     open <rel> under /proc/sys (a sysctl), with the same
 *                       checks: a mount at or below /proc/sys is refused
 *   procfs_reopen_fd    reopen our fd through /proc/thread-self/fd/N (the
 *                       exec FIFO, after pivot_root), with the same checks
 *                       of /proc but plain openat (a seccomp filter may be
 *                       loaded) and a mount id check instead of
 *                       RESOLVE_NO_XDEV; any other file than fd's is refused
 *   procfs_check_fd_dir  those checks alone, to fail early
 *   procfs_check_mount_dest  a "proc" or "sysfs" mount's destination
 *                       must not go through a symlink inside the rootfs
 *                       (runc since CVE-2023-28642: both) */
#ifndef BRIG_PROCFS_H
#define BRIG_PROCFS_H

#include <stdbool.h>

#include "error.h"

int procfs_open_thread(const char *rel, int flags, struct brig_error *err);
int procfs_open_sys(const char *rel, int flags, struct brig_error *err);
int procfs_check_fd_dir(const char *what, struct brig_error *err);
int procfs_reopen_fd(int fd, int flags, const char *what,
                     struct brig_error *err);
int procfs_check_mount_dest(int rootfd, const char *dest, const char *type,
                            struct brig_error *err);

/* Whether fd is on a procfs. */
bool procfs_fd_on_procfs(int fd);

#endif
