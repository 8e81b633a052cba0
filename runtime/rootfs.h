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
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct cgroup;

/* Whether path names directory `dir` ("/dev", "//dev/", "/dev/." alike). */
bool rootfs_path_is(const char *path, const char *dir);

struct rootfs_ctx {
  const struct spec_config *cfg;
  const char *rootfs; /* absolute host path of root.path */
  const char *bundle; /* absolute bundle dir: relative mount sources */
  bool no_pivot;
  bool userns; /* in a new user namespace: bind devices, no mknod */
  /* The container's cgroup (NULL when it has none), for a "cgroup" mount
   * on a v1/hybrid host. */
  const struct cgroup *cg;
  /* cfg->n_mounts fds (or NULL): the detached idmapped tree of each
   * idmapped mount, -1 for the others.  rootfs_prepare takes them. */
  int *idmap_fds;
};

/* Idmapped bind mounts ("idmap"/"ridmap", per-mount uidMappings and
 * gidMappings): the kernel lets only a process privileged over the source's
 * filesystem idmap it, so the runtime makes each one as a detached tree
 * (rootfs_idmap_open) and hands it to the container's init, which attaches
 * it in its turn among the other mounts. */
bool rootfs_mount_is_idmapped(const struct spec_mount *m);
/* Refuse what cannot be idmapped: not a bind, mappings for uids only or
 * gids only, "idmap" without mappings of its own nor a user namespace. */
int rootfs_check_idmap_mounts(const struct spec_config *cfg,
                              struct brig_error *err);
/* The detached tree of the bind mount m (source relative to bundle),
 * idmapped with its own mappings, or else with the user namespace
 * userns_fd (the container's).  Returns the fd or -1 with err. */
int rootfs_idmap_open(const struct spec_mount *m, const char *bundle,
                      int userns_fd, struct brig_error *err);

/* Made by the runtime while the init does its first mounts: the superblock
 * of the container's sysfs, in the init's new network namespace (pid's).
 * Getting one scans every sysfs superblock on the machine, one per network
 * namespace alive (~0.3 ms with 1,000 containers); the init's own sysfs
 * mount then finds this one first (the newest heads the kernel's list) and
 * shares it, as two mounts of sysfs in one network namespace do.  Without a
 * new network namespace, in a user namespace, with no sysfs mount or with
 * options for the superblock other than "ro": nothing to do (-1), nor when
 * the kernel says no or the init is still in the runtime's network
 * namespace (the init makes it as before).  Else an fd holding the
 * superblock, to close once the init is ready.  -2 with err only when the
 * runtime could not return to its own network namespace. */
int rootfs_sysfs_prefetch(const struct spec_config *cfg, pid_t pid,
                          struct brig_error *err);

int rootfs_prepare(const struct rootfs_ctx *ctx, struct brig_error *err);
int rootfs_pivot(const struct rootfs_ctx *ctx, struct brig_error *err);
int rootfs_sysctl(const struct rootfs_ctx *ctx, struct brig_error *err);
/* The checks rootfs_sysctl makes before writing, for the parent to refuse a
 * config early: every key namespaced (ipc keys need an ipc namespace, net.*
 * a network one, kernel.hostname/domainname a uts one), no "/" or "..". */
int rootfs_sysctl_check(const struct spec_config *cfg, struct brig_error *err);
/* The same, in the runtime before anything is made, and a net.* key with
 * a network namespace joined by path that is the runtime's own (runc's
 * isHostNetNS) refused: its keys are the host's. */
int rootfs_sysctl_check_host(const struct spec_config *cfg,
                             struct brig_error *err);
int rootfs_sysctl_check_key(const struct spec_config *cfg, const char *key,
                            struct brig_error *err);
/* Bind-mount the pty slave pty_fd (pty_path names it in messages) over
 * /dev/console. */
int rootfs_bind_console(int pty_fd, const char *pty_path,
                        struct brig_error *err);
int rootfs_finalize(const struct rootfs_ctx *ctx, struct brig_error *err);

#endif
