/* The container's filesystem: run in the child, inside its new mount
 * namespace, in this order:
 *   rootfs_prepare   propagation, bind the rootfs, config mounts in order,
 *                    /dev (default devices, symlinks, linux.devices)
 *   [createContainer hooks run here by the caller]
 *   rootfs_pivot     pivot_root (or MS_MOVE + chroot with no_pivot)
 *   rootfs_sysctl    linux.sysctl (before /proc/sys turns read-only)
 *   [the caller sets up the terminal and may call rootfs_bind_console]
 *   rootfs_finalize  maskedPaths, readonlyPaths, root.readonly
 * Paths inside the rootfs are resolved with openat2(RESOLVE_IN_ROOT) and
 * mounted through the fd, so no symlink leads outside the rootfs. */
#ifndef BRIG_ROOTFS_H
#define BRIG_ROOTFS_H

#include <stdbool.h>

#include "error.h"
#include "spec.h"

struct rootfs_ctx {
  const struct spec_config *cfg;
  const char *rootfs; /* absolute host path of root.path */
  const char *bundle; /* absolute bundle dir: relative mount sources */
  bool no_pivot;
  bool userns; /* in a new user namespace: bind devices, no mknod */
  /* The container's cgroup path (same in every hierarchy), for a "cgroup"
   * mount on a v1/hybrid host. */
  const char *cgroup_path;
};

int rootfs_prepare(const struct rootfs_ctx *ctx, struct brig_error *err);
int rootfs_pivot(const struct rootfs_ctx *ctx, struct brig_error *err);
int rootfs_sysctl(const struct rootfs_ctx *ctx, struct brig_error *err);
/* The checks rootfs_sysctl makes before writing, for the parent to refuse a
 * config early: every key namespaced (ipc keys need an ipc namespace, net.*
 * a network one, kernel.hostname/domainname a uts one), no "/" or "..". */
int rootfs_sysctl_check(const struct spec_config *cfg, struct brig_error *err);
int rootfs_sysctl_check_key(const struct spec_config *cfg, const char *key,
                            struct brig_error *err);
/* Bind-mount the pty slave pty_fd (pty_path names it in messages) over
 * /dev/console. */
int rootfs_bind_console(int pty_fd, const char *pty_path,
                        struct brig_error *err);
int rootfs_finalize(const struct rootfs_ctx *ctx, struct brig_error *err);

#endif
