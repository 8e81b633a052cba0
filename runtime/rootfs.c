/* The container's root: propagation, the rootfs bind, config mounts and
 * /dev (rootfs_prepare), pivot_root or MS_MOVE + chroot (rootfs_pivot),
 * /dev/console, masked and read-only paths and root.readonly
 * (rootfs_finalize). */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kapi.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "selfexe.h"
#include "util.h"

static int rootfs_propagation_flags(const char *name, unsigned long *flags) {
  static const struct {
    const char *name;
    unsigned long flags;
  } props[] = {
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  for (size_t i = 0; i < sizeof(props) / sizeof(*props); i++) {
    if (strcmp(name, props[i].name) == 0) {
      *flags = props[i].flags;
      return 0;
    }
  }
  return -1;
}

/* linux.rootfsPropagation as MS_* flags; 0 when unset. */
static int configured_propagation(const struct rootfs_ctx *ctx,
                                  unsigned long *flags,
                                  struct brig_error *err) {
  const struct spec_linux *l = ctx->cfg->linux_;
  *flags = 0;
  if (l == NULL || l->rootfs_propagation == NULL ||
      l->rootfs_propagation[0] == '\0')
    return 0;
  if (rootfs_propagation_flags(l->rootfs_propagation, flags) < 0)
    return brig_err(err, EINVAL, "unknown rootfsPropagation \"%s\"",
                    l->rootfs_propagation);
  return 0;
}

bool rootfs_path_is(const char *path, const char *dir) {
  const char *p = path, *d = dir;
  for (;;) {
    while (*p == '/' || (p[0] == '.' && (p[1] == '/' || p[1] == '\0')))
      p++;
    while (*d == '/')
      d++;
    if (*p == '\0' || *d == '\0')
      return *p == '\0' && *d == '\0';
    while (*p != '\0' && *p != '/' && *p == *d) {
      p++;
      d++;
    }
    if ((*p != '\0' && *p != '/') || (*d != '\0' && *d != '/'))
      return false;
  }
}

/* The mount point (from /proc/self/mountinfo) of the mount holding path;
 * NULL when mountinfo cannot be read. */
static char *mount_point_of(const char *path) {
  FILE *f = fopen_re("/proc/self/mountinfo");
  _cleanup_free_ char *line = NULL;
  char *best = NULL;
  size_t cap = 0, best_len = 0;

  if (f == NULL)
    return NULL;
  while (getline(&line, &cap, f) > 0) {
    char mp[PATH_MAX];
    size_t len;
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
      continue;
    len = strcmp(mp, "/") == 0 ? 0 : strlen(mp);
    if (strncmp(path, mp, len) != 0 || (path[len] != '/' && path[len] != '\0'))
      continue;
    if (best == NULL || len >= best_len) {
      free(best);
      best = xstrdup(mp);
      best_len = len;
    }
  }
  fclose(f);
  return best ? best : xstrdup("/");
}

/* pivot_root and MS_MOVE refuse a shared parent mount: make the mount that
 * holds the rootfs private (only in this mount namespace). */
static int make_rootfs_parent_private(const char *rootfs,
                                      struct brig_error *err) {
  _cleanup_free_ char *real = realpath(rootfs, NULL);
  _cleanup_free_ char *mp = NULL;

  if (real == NULL)
    return brig_err(err, errno, "rootfs \"%s\"", rootfs);
  mp = mount_point_of(real);
  if (mp == NULL)
    return brig_err(err, errno, "open /proc/self/mountinfo");
  if (mount(NULL, mp, NULL, MS_PRIVATE, NULL) < 0)
    return brig_err(err, errno,
                    "make the parent mount \"%s\" of the rootfs private", mp);
  return 0;
}

static const struct spec_mount *sysfs_mount(const struct spec_config *cfg) {
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (cfg->mounts[i].type != NULL &&
        strcmp(cfg->mounts[i].type, "sysfs") == 0 &&
        !mount_is_bind(&cfg->mounts[i]))
      return &cfg->mounts[i];
  return NULL;
}

int rootfs_sysfs_prefetch(const struct spec_config *cfg, pid_t pid,
                          struct brig_error *err) {
  const struct spec_namespace *net = ns_find(cfg->linux_, SPEC_NS_NETWORK);
  const struct spec_mount *m = sysfs_mount(cfg);
  _cleanup_close_ int own = -1, theirs = -1;
  struct mount_opts o;
  struct stat a, b;
  bool ro, plain;
  char path[64];
  int fs;

  if (m == NULL || net == NULL || (net->path != NULL && *net->path != '\0') ||
      ns_find(cfg->linux_, SPEC_NS_USER) != NULL)
    return -1;
  mount_opts_parse(m->options, &o);
  ro = (o.flags & MS_RDONLY) != 0;
  /* what mount(2) would give the superblock, but "ro" (the rest of the
   * flags belong to the mount) */
  plain = o.data == NULL &&
          (o.flags & (MS_SYNCHRONOUS | MS_MANDLOCK | MS_DIRSYNC | MS_SILENT |
                      MS_POSIXACL | MS_LAZYTIME | MS_I_VERSION)) == 0;
  mount_opts_free(&o);
  if (!plain)
    return -1;
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  theirs = open(path, O_RDONLY | O_CLOEXEC);
  /* ours still (the init makes its own after the clone and says so with
   * SYNC_EARLY, which the caller has read by now): nothing to gain */
  if (own < 0 || theirs < 0 || fstat(own, &a) < 0 || fstat(theirs, &b) < 0 ||
      (a.st_ino == b.st_ino && a.st_dev == b.st_dev) ||
      setns(theirs, CLONE_NEWNET) < 0)
    return -1;
  /* sysfs takes the network namespace of the process that opens it */
  fs = fsopen("sysfs", FSOPEN_CLOEXEC);
  if (setns(own, CLONE_NEWNET) < 0) {
    if (fs >= 0)
      close(fs);
    return brig_err(err, errno, "return to the runtime's network namespace"),
           -2;
  }
  if (fs >= 0 && ((ro && fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0) ||
                  fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)) {
    close(fs);
    fs = -1;
  }
  return fs;
}

int rootfs_prepare(const struct rootfs_ctx *ctx, struct brig_error *err) {
  const struct spec_config *cfg = ctx->cfg;
  unsigned long prop;
  _cleanup_close_ int rootfd = -1;
  bool dev_is_bind = false;

  if (configured_propagation(ctx, &prop, err) < 0)
    return -1;
  /* Nothing done here may reach the host: slave by default. */
  if (mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
    return brig_err(err, errno, "set the propagation of \"/\"");
  /* After rslave or rprivate no mount is shared (nor unbindable, which
   * the bind below refuses): the parent need not be found. */
  if (prop != 0 && prop != (MS_SLAVE | MS_REC) &&
      prop != (MS_PRIVATE | MS_REC) &&
      make_rootfs_parent_private(ctx->rootfs, err) < 0)
    return -1;
  if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return brig_err(err, errno, "bind the rootfs \"%s\" onto itself",
                    ctx->rootfs);
  rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return brig_err(err, errno, "open the rootfs \"%s\"", ctx->rootfs);
  /* The bind copies its parent's propagation (a slave after rslave): by
   * default the container's root mount is made private, so no host mount
   * event reaches it (rootfsPropagation applies to "/" after the pivot).
   * A configured slave or rslave asks for those events: as runc, the
   * bind stays the slave it is. */
  if (!(prop & MS_SLAVE) &&
      mount_setattr_fd(rootfd, false, 0, 0, MS_PRIVATE) < 0)
    return brig_err(err, errno, "make the rootfs \"%s\" private", ctx->rootfs);

  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const struct spec_mount *m = &cfg->mounts[i];
    if (m->destination == NULL)
      return brig_err(err, EINVAL, "mounts[%zu]: no destination", i);
    int idmap_fd = ctx->idmap_fds != NULL ? ctx->idmap_fds[i] : -1;
    if (ctx->idmap_fds != NULL)
      ctx->idmap_fds[i] = -1; /* taken by mount_one */
    if (mount_one(ctx, rootfd, m, idmap_fd, err) < 0)
      return brig_err_wrap(err, "mounts[%zu]", i);
    if (rootfs_path_is(m->destination, "/dev"))
      dev_is_bind = mount_is_bind(m);
  }
  /* A bound /dev is the host's directory: no node is made in it (runc
   * makes none either, linux.devices included).  Without a /dev mount the
   * nodes go in the rootfs's own /dev, as runc makes them: the default
   * devices are the runtime-spec's MUSTs. */
  if (!dev_is_bind && setup_dev(ctx, rootfd, err) < 0)
    return -1;
  /* As runc: a process.cwd the rootfs lacks is made (root's, 0755), after
   * the mounts (it may lie in one) and before the root may become
   * read-only.  One that cannot be made is left to the chdir to say; "/"
   * is there (no walk on every create). */
  if (cfg->process != NULL && cfg->process->cwd != NULL &&
      !rootfs_path_is(cfg->process->cwd, "/")) {
    int fd = in_root_mkdir_p(rootfd, cfg->process->cwd, 0755);
    if (fd >= 0)
      close(fd);
  }
  return 0;
}

/* The detached overlay brig runs from (selfexe.h), attached on the
 * rootfs's old place in the old root, which is a slave by now (nothing
 * reaches the host) and about to be unmounted: it goes in the same
 * unmount, one RCU grace period for all, instead of one more when its last
 * fd closes.  Whatever fails, the fd is closed and the kernel dissolves
 * the mount as before. */
static void attach_selfexe(const char *rootfs) {
  if (selfexe_mnt < 0)
    return;
  if (rootfs[0] == '/' && rootfs[1] != '\0')
    syscall(SYS_move_mount, selfexe_mnt, "", AT_FDCWD, rootfs + 1,
            MOVE_MOUNT_F_EMPTY_PATH);
  close(selfexe_mnt);
  selfexe_mnt = -1;
}

int rootfs_pivot(const struct rootfs_ctx *ctx, struct brig_error *err) {
  unsigned long prop;
  _cleanup_close_ int rootfd = -1;

  if (configured_propagation(ctx, &prop, err) < 0)
    return -1;
  rootfd = open(ctx->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 || fchdir(rootfd) < 0)
    return brig_err(err, errno, "enter the rootfs \"%s\"", ctx->rootfs);
  if (ctx->no_pivot) {
    if (mount(ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
      return brig_err(err, errno, "move the rootfs \"%s\" onto \"/\"",
                      ctx->rootfs);
    if (chroot(".") < 0)
      return brig_err(err, errno, "chroot into \"%s\"", ctx->rootfs);
  } else {
    _cleanup_close_ int oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (oldroot < 0)
      return brig_err(err, errno, "open the old root");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
      return brig_err(err, errno, "pivot_root into \"%s\"", ctx->rootfs);
    /* The old root sits on top of the new one now; "." could name either,
     * so enter the old one by fd.  Make it a slave first so its unmount
     * cannot propagate to the host's mounts (and the new root's mounts
     * keep their propagation). */
    if (fchdir(oldroot) < 0)
      return brig_err(err, errno, "enter the old root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
      return brig_err(err, errno, "make the old root a slave");
    attach_selfexe(ctx->rootfs);
    if (umount2(".", MNT_DETACH) < 0)
      return brig_err(err, errno, "unmount the old root");
  }
  if (chdir("/") < 0)
    return brig_err(err, errno, "chdir \"/\"");
  /* Applied to the container's "/" only now: on the old "/" a shared or
   * slave setting would have reached the host. */
  if (prop != 0 && mount(NULL, "/", NULL, prop, NULL) < 0)
    return brig_err(err, errno, "set rootfsPropagation \"%s\" on \"/\"",
                    ctx->cfg->linux_->rootfs_propagation);
  return 0;
}

int rootfs_bind_console(int pty_fd, const char *pty_path,
                        struct brig_error *err) {
  _cleanup_close_ int rootfd = -1, dest = -1, mnt = -1;
  struct stat st;

  /* Bound from the pty's own fd: no path is walked for the source. */
  if (fstat(pty_fd, &st) < 0)
    return brig_err(err, errno, "console \"%s\"", pty_path);
  if (!S_ISCHR(st.st_mode))
    return brig_err(err, ENOTTY, "console \"%s\"", pty_path);
  rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return brig_err(err, errno, "open \"/\"");
  dest = in_root_make_dest(rootfd, "/dev/console", true);
  if (dest < 0)
    return brig_err(err, errno, "create \"/dev/console\"");
  mnt = bind_fd(pty_fd, dest, false);
  if (mnt < 0)
    return brig_err(err, errno, "mount \"%s\" on \"/dev/console\"", pty_path);
  return 0;
}

/* What masking reuses from one masked path to the next: the read-only
 * empty tmpfs mounted over the first masked directory (the others get a
 * bind of it: one superblock, empty and read-only for all of them) and
 * /dev/null, checked once. */
struct masker {
  int tmpfs; /* the first masked directory's tmpfs mount, -1 before */
  int null;  /* /dev/null, -1 before */
};

/* A read-only, empty tmpfs over the directory at dest_fd. */
static int mount_empty_tmpfs(struct masker *mk, int dest_fd) {
  _cleanup_close_ int fs = -1, mnt = -1;
  if (mk->tmpfs >= 0) {
    mnt = bind_fd(mk->tmpfs, dest_fd, false);
    return mnt < 0 ? -1 : 0;
  }
  fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mnt = fsmount(fs, FSMOUNT_CLOEXEC,
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                    MOUNT_ATTR_NOEXEC);
  if (mnt < 0 ||
      move_mount(mnt, "", dest_fd, "",
                 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return -1;
  mk->tmpfs = mnt;
  mnt = -1;
  return 0;
}

static int mask_path(struct masker *mk, int rootfd, const char *path,
                     struct brig_error *err) {
  _cleanup_close_ int fd = -1, mnt = -1;
  struct stat st;

  fd = in_root_open(rootfd, path, O_PATH);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0 || fstat(fd, &st) < 0)
    return brig_err(err, errno, "mask \"%s\"", path);
  if (S_ISDIR(st.st_mode)) {
    if (mount_empty_tmpfs(mk, fd) < 0)
      return brig_err(err, errno, "mask \"%s\" with a read-only tmpfs", path);
    return 0;
  }
  if (mk->null < 0) {
    mk->null = in_root_open(rootfd, "/dev/null", O_PATH);
    if (mk->null < 0 || fstat(mk->null, &st) < 0)
      return brig_err(err, errno, "mask \"%s\": open \"/dev/null\"", path);
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
      return brig_err(err, EINVAL, "mask \"%s\": \"/dev/null\" is not 1:3",
                      path);
  }
  mnt = bind_fd(mk->null, fd, false);
  if (mnt < 0)
    return brig_err(err, errno, "mask \"%s\" with \"/dev/null\"", path);
  return 0;
}

static int readonly_path(int rootfd, const char *path, struct brig_error *err) {
  _cleanup_close_ int fd = -1, mnt = -1;

  fd = in_root_open(rootfd, path, O_PATH);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return brig_err(err, errno, "read-only path \"%s\"", path);
  mnt = bind_fd(fd, fd, true);
  if (mnt < 0)
    return brig_err(err, errno, "bind \"%s\" onto itself", path);
  /* Only "ro" is added: nosuid, nodev, noexec stay as they were. */
  if (mount_setattr_fd(mnt, true, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    return brig_err(err, errno, "remount \"%s\" read-only", path);
  return 0;
}

/* A /dev mount (not a bind) with "ro": mounted writable (mount_one), for
 * its nodes and the mounts under it, and made read-only here, last, as
 * runc does.  The last /dev mount's options decide. */
static bool dev_read_only(const struct spec_config *cfg) {
  bool ro = false;
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const struct spec_mount *m = &cfg->mounts[i];
    struct mount_opts o;
    if (m->destination == NULL || !rootfs_path_is(m->destination, "/dev") ||
        mount_is_bind(m))
      continue;
    mount_opts_parse(m->options, &o);
    ro = (o.flags & MS_RDONLY) != 0;
    mount_opts_free(&o);
  }
  return ro;
}

int rootfs_finalize(const struct rootfs_ctx *ctx, struct brig_error *err) {
  const struct spec_linux *l = ctx->cfg->linux_;
  _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  struct masker mk = {-1, -1};
  int ret = 0;

  if (rootfd < 0)
    return brig_err(err, errno, "open \"/\"");
  for (size_t i = 0; l != NULL && l->masked_paths && l->masked_paths[i]; i++)
    if ((ret = mask_path(&mk, rootfd, l->masked_paths[i], err)) < 0) {
      brig_err_wrap(err, "linux.maskedPaths[%zu]", i);
      break;
    }
  if (mk.tmpfs >= 0)
    close(mk.tmpfs);
  if (mk.null >= 0)
    close(mk.null);
  if (ret < 0)
    return -1;
  for (size_t i = 0; l != NULL && l->readonly_paths && l->readonly_paths[i];
       i++)
    if (readonly_path(rootfd, l->readonly_paths[i], err) < 0)
      return brig_err_wrap(err, "linux.readonlyPaths[%zu]", i);
  if (dev_read_only(ctx->cfg)) {
    _cleanup_close_ int dev =
        in_root_open(rootfd, "/dev", O_PATH | O_DIRECTORY);
    if (dev < 0 || mount_setattr_fd(dev, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
      return brig_err(err, errno, "remount \"/dev\" read-only");
  }
  if (ctx->cfg->root != NULL && ctx->cfg->root->readonly &&
      mount_setattr_fd(rootfd, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    return brig_err(err, errno, "remount \"/\" read-only");
  return 0;
}
