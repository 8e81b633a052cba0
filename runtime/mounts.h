/* Internal to the rootfs code (rootfs.c, mounts.c, devices.c, sysctl.c):
 * mount options, path resolution inside the rootfs, and the kernel calls
 * that place one mount.  Every path inside the rootfs goes through
 * in_root_open / in_root_mkdir_p (openat2 RESOLVE_IN_ROOT), never through a
 * host path string. */
#ifndef BRIG_MOUNTS_H
#define BRIG_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* The options of one config mount, sorted by how they are applied. */
struct mount_opts {
  unsigned long flags;       /* MS_* given to mount(2) (or set on a bind) */
  unsigned long clear;       /* MS_* cleared by "rw", "suid", "dev"... */
  unsigned long propagation; /* MS_SHARED|MS_SLAVE|... | MS_REC, 0 none */
  uint64_t rec_set;          /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
  uint64_t rec_clr;
  bool bind;      /* "bind" or "rbind" */
  bool recursive; /* "rbind" */
  bool tmpcopyup; /* crun's: copy the destination's contents into a tmpfs */
  bool idmap;     /* "idmap" or "ridmap" (or per-mount id mappings) */
  bool idmap_recursive; /* "ridmap": submounts of an rbind idmapped too */
  char *data;           /* every other option, comma-joined; NULL when none */
};

/* Sort options into o (zeroed first).  Unknown options become data, as
 * mount(8) does.  Never fails. */
void mount_opts_parse(char *const *options, struct mount_opts *o);
void mount_opts_free(struct mount_opts *o);
/* Whether a config mount is a bind mount: type "bind", or a "bind"/"rbind"
 * option. */
bool mount_is_bind(const struct spec_mount *m);
/* MS_* flags (as in mount_opts.flags/.clear) -> struct mount_attr sets. */
void mount_flags_to_attr(unsigned long set, unsigned long clr,
                         uint64_t *attr_set, uint64_t *attr_clr);

/* Open `path` (absolute or not, taken relative to the root) inside the root
 * directory rootfd with RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS: symlinks and
 * ".." never leave the root.  flags are open(2) flags (O_CLOEXEC added).
 * Returns the fd or -1 with errno. */
int in_root_open(int rootfd, const char *path, int flags);
/* mkdir -p inside the root: each missing component is made with mkdirat
 * relative to its already resolved parent.  Returns an O_PATH fd of the
 * directory, or -1 with errno. */
int in_root_mkdir_p(int rootfd, const char *path, mode_t mode);
/* Resolve (creating when missing) a mount destination: parents as
 * directories, the last component a directory, or an empty file when
 * want_file.  Returns an O_PATH fd or -1 with errno. */
int in_root_make_dest(int rootfd, const char *path, bool want_file);

/* Mount the config mount m on its destination inside rootfd.  ctx gives
 * the bundle (relative bind sources) and the container's cgroup path.
 * idmap_fd (taken, -1 when none) is the detached idmapped tree the runtime
 * made for an idmapped bind mount (mount_idmap_open). */
struct rootfs_ctx;
int mount_one(const struct rootfs_ctx *ctx, int rootfd,
              const struct spec_mount *m, int idmap_fd, struct brig_error *err);

/* Clone the mount (tree) at fd src_fd and attach it on dest_fd (both may be
 * O_PATH).  Returns the fd of the new mount (for mount_setattr) or -1 with
 * errno. */
int bind_fd(int src_fd, int dest_fd, bool recursive);
/* mount_setattr on the mount at fd. */
int mount_setattr_fd(int fd, bool recursive, uint64_t attr_set,
                     uint64_t attr_clr, uint64_t propagation);

/* Copy the tree at src_dir (an O_RDONLY|O_DIRECTORY fd) into dst_dir,
 * keeping owners, modes and symlinks (tmpcopyup). */
int copy_tree(int src_dir, int dst_dir, struct brig_error *err);

/* /dev (a mount of its own, or the rootfs's directory; not a bind):
 * linux.devices, then the default devices and symlinks. */
int setup_dev(const struct rootfs_ctx *ctx, int rootfd, struct brig_error *err);

#endif
