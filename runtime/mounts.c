/* Config mounts: each destination resolved inside the rootfs through fds
 * (openat2 RESOLVE_IN_ROOT), then a bind (open_tree + move_mount), a
 * filesystem (mount(2) on /proc/self/fd/N), or the cgroup layout. */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "kapi.h"
#include "log.h"
#include "namespaces.h"
#include "procfs.h"
#include "rootfs.h"
#include "util.h"

int in_root_open(int rootfd, const char *path, int flags) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  do
    fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* The next component of *p (skipping slashes); advances *p.  Returns its
 * length, 0 at the end. */
static size_t next_component(const char **p, const char **start) {
  const char *s = *p;
  while (*s == '/')
    s++;
  *start = s;
  while (*s != '\0' && *s != '/')
    s++;
  *p = s;
  return (size_t)(s - *start);
}

#define MAX_LINK_DEPTH 40

static int make_path(int rootfd, const char *path, bool last_is_file,
                     mode_t mode, int depth);

/* Make (if missing) the component `name` under parent_fd, then open the
 * whole prefix again inside the root.  A dangling symlink is followed by
 * making its target, inside the root too. */
static int make_component(int rootfd, int parent_fd, const char *prefix,
                          const char *name, bool file, mode_t mode, int depth) {
  char target[PATH_MAX];
  _cleanup_free_ char *next = NULL;
  ssize_t n;
  int fd = in_root_open(rootfd, prefix, O_PATH);

  if (fd >= 0 || errno != ENOENT)
    return fd;
  if (file) {
    int f = openat(parent_fd, name,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (f >= 0) {
      close(f);
      return in_root_open(rootfd, prefix, O_PATH);
    }
  } else if (mkdirat(parent_fd, name, mode) == 0) {
    return in_root_open(rootfd, prefix, O_PATH);
  }
  if (errno != EEXIST)
    return -1;
  n = readlinkat(parent_fd, name, target, sizeof(target) - 1);
  if (n < 0)
    return -1;
  target[n] = '\0';
  if (depth >= MAX_LINK_DEPTH) {
    errno = ELOOP;
    return -1;
  }
  /* Relative targets start from the symlink's directory (prefix minus its
   * last component); ".." cannot climb above the root. */
  if (target[0] == '/') {
    next = xstrdup(target);
  } else {
    size_t dir_len = strlen(prefix) - strlen(name);
    next = xasprintf("%.*s%s", (int)dir_len, prefix, target);
  }
  fd = make_path(rootfd, next, file, mode, depth + 1);
  if (fd < 0)
    return -1;
  close(fd);
  return in_root_open(rootfd, prefix, O_PATH);
}

static int make_path(int rootfd, const char *path, bool last_is_file,
                     mode_t mode, int depth) {
  _cleanup_free_ char *prefix = xmalloc(strlen(path) + 2);
  /* The first parent is the root itself: rootfd, which openat2 of "."
   * inside it would only open again (no mount is crossed on "."). */
  int fd = rootfd;
  const char *p = path, *start;
  size_t len, used = 0;

  prefix[0] = '\0';
  while ((len = next_component(&p, &start)) > 0) {
    _cleanup_free_ char *name = xasprintf("%.*s", (int)len, start);
    bool last;
    int next;

    prefix[used] = '/';
    memcpy(prefix + used + 1, start, len);
    used += len + 1;
    prefix[used] = '\0';
    while (*p == '/')
      p++;
    last = *p == '\0';
    next = make_component(rootfd, fd, prefix, name, last && last_is_file,
                          last && last_is_file ? 0644 : mode, depth);
    if (fd != rootfd)
      close(fd);
    if (next < 0)
      return -1;
    fd = next;
  }
  /* No component ("/"): the root, as a fd of its own. */
  return fd != rootfd ? fd : in_root_open(rootfd, ".", O_PATH | O_DIRECTORY);
}

int in_root_mkdir_p(int rootfd, const char *path, mode_t mode) {
  return make_path(rootfd, path, false, mode, 0);
}

int in_root_make_dest(int rootfd, const char *path, bool want_file) {
  return make_path(rootfd, path, want_file, 0755, 0);
}

int bind_fd(int src_fd, int dest_fd, bool recursive) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
  int tree;
  if (recursive)
    flags |= AT_RECURSIVE;
  tree = open_tree(src_fd, "", flags);
  if (tree < 0)
    return -1;
  if (move_mount(tree, "", dest_fd, "",
                 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
    int saved = errno;
    close(tree);
    errno = saved;
    return -1;
  }
  return tree;
}

int mount_setattr_fd(int fd, bool recursive, uint64_t attr_set,
                     uint64_t attr_clr, uint64_t propagation) {
  struct mount_attr attr = {
      .attr_set = attr_set,
      .attr_clr = attr_clr,
      .propagation = propagation,
  };
  if (attr_set == 0 && attr_clr == 0 && propagation == 0)
    return 0;
  return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
                       &attr, sizeof(attr));
}

/* Propagation and recursive attributes, the same for every kind of mount;
 * mnt_fd is the fd of the new mount. */
static int apply_after(int mnt_fd, const struct spec_mount *m,
                       const struct mount_opts *o, struct brig_error *err) {
  if (o->propagation != 0 &&
      mount_setattr_fd(mnt_fd, (o->propagation & MS_REC) != 0, 0, 0,
                       o->propagation & ~(unsigned long)MS_REC) < 0)
    return brig_err(err, errno, "set propagation of \"%s\"", m->destination);
  if ((o->rec_set || o->rec_clr) &&
      mount_setattr_fd(mnt_fd, true, o->rec_set, o->rec_clr, 0) < 0)
    return brig_err(err, errno, "set recursive options of \"%s\"",
                    m->destination);
  return 0;
}

static char *bind_source_path(const char *bundle, const struct spec_mount *m) {
  if (m->source[0] == '/' || bundle == NULL)
    return xstrdup(m->source);
  return xasprintf("%s/%s", bundle, m->source);
}

bool rootfs_mount_is_idmapped(const struct spec_mount *m) {
  struct mount_opts o;
  bool idmap;
  if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0)
    return true;
  mount_opts_parse(m->options, &o);
  idmap = o.idmap;
  mount_opts_free(&o);
  return idmap;
}

int rootfs_check_idmap_mounts(const struct spec_config *cfg,
                              struct brig_error *err) {
  bool userns = false;
  const struct spec_linux *l = cfg->linux_;
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    userns = userns || l->namespaces[i].type == SPEC_NS_USER;
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const struct spec_mount *m = &cfg->mounts[i];
    if (!rootfs_mount_is_idmapped(m))
      continue;
    if (!mount_is_bind(m))
      return brig_err(err, 0,
                      "mounts[%zu] (\"%s\"): idmapped mounts "
                      "are supported for bind mounts only",
                      i, m->destination);
    if ((m->n_uid_mappings > 0) != (m->n_gid_mappings > 0))
      return brig_err(err, 0,
                      "mounts[%zu] (\"%s\"): an idmapped mount "
                      "needs both uidMappings and gidMappings",
                      i, m->destination);
    if (m->n_uid_mappings == 0 && !userns)
      return brig_err(err, 0,
                      "mounts[%zu] (\"%s\"): \"idmap\" "
                      "without uidMappings/gidMappings of its own takes the "
                      "container's: it needs a user namespace",
                      i, m->destination);
  }
  return 0;
}

int rootfs_idmap_open(const struct spec_mount *m, const char *bundle,
                      int userns_fd, struct brig_error *err) {
  _cleanup_free_ char *src = NULL;
  _cleanup_close_ int own_ns = -1;
  struct mount_opts o;
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP};
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  int tree;

  if (m->source == NULL)
    return brig_err(err, EINVAL, "mount on \"%s\": bind mount without source",
                    m->destination);
  mount_opts_parse(m->options, &o);
  mount_opts_free(&o);
  if (m->n_uid_mappings > 0) {
    own_ns = ns_userns_with_maps(m->uid_mappings, m->n_uid_mappings,
                                 m->gid_mappings, m->n_gid_mappings, err);
    if (own_ns < 0)
      return brig_err_wrap(err, "idmapped mount on \"%s\"", m->destination);
    userns_fd = own_ns;
  }
  src = bind_source_path(bundle, m);
  if (o.recursive)
    flags |= AT_RECURSIVE;
  tree = open_tree(AT_FDCWD, src, flags);
  if (tree < 0) {
    if (errno == EPERM)
      return brig_err(err, EPERM,
                      "idmapped mount of \"%s\" on \"%s\": cloning a mount "
                      "needs privilege (CAP_SYS_ADMIN), which a rootless "
                      "runtime has not",
                      src, m->destination);
    return brig_err(err, errno, "mount source \"%s\" of \"%s\"", src,
                    m->destination);
  }
  attr.userns_fd = (uint64_t)userns_fd;
  if (mount_setattr(tree, "",
                    AT_EMPTY_PATH | (o.idmap_recursive ? AT_RECURSIVE : 0),
                    &attr, sizeof(attr)) < 0) {
    int e = errno;
    close(tree);
    if (e == EPERM)
      return brig_err(err, e,
                      "idmapped mount of \"%s\" on \"%s\": needs privilege "
                      "over its filesystem (CAP_SYS_ADMIN in the user "
                      "namespace that mounted it)",
                      src, m->destination);
    if (e == EINVAL)
      return brig_err(err, e,
                      "idmapped mount of \"%s\" on \"%s\": the filesystem "
                      "does not support idmapped mounts (or the mount is "
                      "already idmapped)",
                      src, m->destination);
    return brig_err(err, e, "idmapped mount of \"%s\" on \"%s\"", src,
                    m->destination);
  }
  return tree;
}

/* A directory is bound on a directory, anything else on a non-directory:
 * the kernel says only EINVAL (move_mount) or ENOTDIR (mount) otherwise. */
static int check_same_kind(mode_t src_mode, int dest_fd, const char *src,
                           const struct spec_mount *m, struct brig_error *err) {
  struct stat dst;
  if (fstat(dest_fd, &dst) < 0)
    return brig_err(err, errno, "mount destination \"%s\"", m->destination);
  if (S_ISDIR(src_mode) == S_ISDIR(dst.st_mode))
    return 0;
  brig_err(err, 0, "mount \"%s\" on \"%s\": %s", src, m->destination,
           S_ISDIR(src_mode)
               ? "a directory cannot be bound on a non-directory"
               : "a non-directory cannot be bound on a directory");
  err->errnum = S_ISDIR(src_mode) ? ENOTDIR : EISDIR;
  return -1;
}

/* The idmapped tree the runtime made (tree, taken) attached on the
 * destination. */
static int attach_tree(int rootfd, int tree, const struct spec_mount *m,
                       struct brig_error *err) {
  _cleanup_close_ int dest_fd = -1;
  struct stat st;

  if (fstat(tree, &st) < 0)
    return brig_err(err, errno, "idmapped mount on \"%s\"", m->destination);
  dest_fd = in_root_make_dest(rootfd, m->destination, !S_ISDIR(st.st_mode));
  if (dest_fd < 0)
    return brig_err(err, errno, "mount destination \"%s\" in the rootfs",
                    m->destination);
  if (check_same_kind(st.st_mode, dest_fd, m->source ? m->source : "", m, err) <
      0)
    return -1;
  if (move_mount(tree, "", dest_fd, "",
                 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return brig_err(err, errno, "attach the idmapped mount on \"%s\"",
                    m->destination);
  return 0;
}

/* As runc: on /proc itself only proc or a bind of a procfs directory
 * (src_fd; -1 for other mounts); into a procfs nothing (a volume whose
 * path runs through a symlink of the image to /proc would cover what the
 * kernel shows there, /proc/self/attr included), except over the files
 * lxcfs emulates. */
static int check_proc_dest(int dest_fd, int src_fd, const struct spec_mount *m,
                           struct brig_error *err) {
  static const char *const lxcfs[] = {
      "/proc/cpuinfo", "/proc/diskstats",
      "/proc/meminfo", "/proc/stat",
      "/proc/swaps",   "/proc/uptime",
      "/proc/loadavg", "/proc/slabinfo",
      "/proc/net/dev", "/proc/sys/kernel/ns_last_pid"};
  if (rootfs_path_is(m->destination, "/proc")) {
    if ((m->type != NULL && strcmp(m->type, "proc") == 0) ||
        (src_fd >= 0 && procfs_fd_on_procfs(src_fd)))
      return 0;
    return brig_err(err, EPERM,
                    "mount on \"/proc\": only proc (or a bind of a procfs "
                    "directory) may be mounted there");
  }
  if (!procfs_fd_on_procfs(dest_fd))
    return 0;
  for (size_t i = 0; i < sizeof(lxcfs) / sizeof(*lxcfs); i++)
    if (rootfs_path_is(m->destination, lxcfs[i]))
      return 0;
  return brig_err(err, EPERM,
                  "mount on \"%s\": it is inside /proc, where only proc (and "
                  "lxcfs's files) may be mounted",
                  m->destination);
}

static int mount_bind(const struct rootfs_ctx *ctx, int rootfd,
                      const struct spec_mount *m, const struct mount_opts *o,
                      int idmap_fd, struct brig_error *err) {
  _cleanup_free_ char *src = NULL;
  _cleanup_close_ int src_fd = -1, dest_fd = -1, mnt_fd = idmap_fd;
  struct stat st;
  uint64_t set, clr;

  if (mnt_fd >= 0) {
    if (attach_tree(rootfd, mnt_fd, m, err) < 0)
      return -1;
  } else {
    if (o->idmap)
      return brig_err(err, EINVAL,
                      "mount on \"%s\": idmapped, but no idmapped tree was "
                      "made for it",
                      m->destination);
    if (m->source == NULL)
      return brig_err(err, EINVAL, "mount on \"%s\": bind mount without source",
                      m->destination);
    src = bind_source_path(ctx->bundle, m);
    /* The source is the caller's (host) path: symlinks in it are
     * followed. */
    src_fd = open(src, O_PATH | O_CLOEXEC);
    if (src_fd < 0 || fstat(src_fd, &st) < 0)
      return brig_err(err, errno, "mount source \"%s\" of \"%s\"", src,
                      m->destination);
    dest_fd = in_root_make_dest(rootfd, m->destination, !S_ISDIR(st.st_mode));
    if (dest_fd < 0)
      return brig_err(err, errno, "mount destination \"%s\" in the rootfs",
                      m->destination);
    if (check_proc_dest(dest_fd, src_fd, m, err) < 0 ||
        check_same_kind(st.st_mode, dest_fd, src, m, err) < 0)
      return -1;
    mnt_fd = bind_fd(src_fd, dest_fd, o->recursive);
    if (mnt_fd < 0)
      return brig_err(err, errno, "mount \"%s\" on \"%s\"", src,
                      m->destination);
  }
  /* The per-mount flags ("ro", "nosuid"...) of a bind are a remount of the
   * new mount alone; flags not named stay as they are (locked ones too). */
  mount_flags_to_attr(o->flags, o->clear, &set, &clr);
  if (mount_setattr_fd(mnt_fd, false, set, clr, 0) < 0)
    return brig_err(err, errno, "remount \"%s\" with its options",
                    m->destination);
  return apply_after(mnt_fd, m, o, err);
}

/* mount(2) of a filesystem on the fd dest_fd. */
static int mount_on_fd(const char *source, int dest_fd, const char *type,
                       unsigned long flags, const char *data) {
  char target[64];
  snprintf(target, sizeof(target), "/proc/self/fd/%d", dest_fd);
  return mount(source, target, type, flags, data);
}

static int mount_tmpfs_copyup(int rootfd, int dest_fd,
                              const struct spec_mount *m,
                              const struct mount_opts *o,
                              struct brig_error *err) {
  _cleanup_close_ int old_dir = -1, new_dir = -1;
  struct stat st;
  unsigned long flags = o->flags & ~(unsigned long)MS_RDONLY;

  old_dir = in_root_open(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
  if (old_dir < 0 || fstat(old_dir, &st) < 0)
    return brig_err(err, errno, "tmpcopyup: open \"%s\"", m->destination);
  if (mount_on_fd(m->source ? m->source : "tmpfs", dest_fd, "tmpfs", flags,
                  o->data) < 0)
    return brig_err(err, errno, "mount \"tmpfs\" on \"%s\"", m->destination);
  new_dir = in_root_open(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
  if (new_dir < 0)
    return brig_err(err, errno, "tmpcopyup: open new \"%s\"", m->destination);
  if (copy_tree(old_dir, new_dir, err) < 0)
    return brig_err_wrap(err, "tmpcopyup \"%s\"", m->destination);
  /* The tmpfs root takes the directory's owner, and its mode unless the
   * options chose one. */
  if (fchown(new_dir, st.st_uid, st.st_gid) < 0 ||
      ((o->data == NULL || strstr(o->data, "mode=") == NULL) &&
       fchmod(new_dir, st.st_mode & 07777) < 0))
    return brig_err(err, errno, "tmpcopyup: owner and mode of \"%s\"",
                    m->destination);
  if ((o->flags & MS_RDONLY) &&
      mount_setattr_fd(new_dir, false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    return brig_err(err, errno, "remount \"%s\" read-only", m->destination);
  return 0;
}

/* On a v1/hybrid host: a tmpfs at the destination, and under it each
 * hierarchy's directory of the container's own cgroup, bound (read-only
 * when the mount is).
 * The hierarchies and directories are the ones the runtime made the
 * cgroup in (no second reading of mountinfo); the tmpfs is new and empty,
 * so its mount points are made right under it and reached by name. */
static int bind_host_dir(const char *path, bool recursive, int dest_fd,
                         const struct spec_mount *m, const struct mount_opts *o,
                         struct brig_error *err);

static int mount_cgroup_v1(const struct rootfs_ctx *ctx, int rootfd,
                           int dest_fd, const struct spec_mount *m,
                           const struct mount_opts *o, struct brig_error *err) {
  const uint64_t rw_attrs =
      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  const uint64_t ro_attrs = MOUNT_ATTR_RDONLY | rw_attrs;
  const bool ro = (o->flags & MS_RDONLY) != 0;
  _cleanup_close_ int top = -1;
  const char *name, *dir;

  /* No cgroup of the container's own (rootless, none delegated): the
   * host's hierarchies, bound with the mount's options (read-only in the
   * default config), where runc shows the caller's. */
  if (ctx->cg == NULL)
    return bind_host_dir("/sys/fs/cgroup", true, dest_fd, m, o, err);
  if (mount_on_fd("tmpfs", dest_fd, "tmpfs",
                  (o->flags & ~(unsigned long)MS_RDONLY) | MS_NOSUID |
                      MS_NODEV | MS_NOEXEC,
                  "mode=755") < 0)
    return brig_err(err, errno, "mount \"cgroup\" on \"%s\"", m->destination);
  top = in_root_open(rootfd, m->destination, O_PATH | O_DIRECTORY);
  if (top < 0)
    return brig_err(err, errno, "cgroup mount: open \"%s\"", m->destination);
  for (size_t i = 0; cgroup_v1_dir_at(ctx->cg, i, &name, &dir); i++) {
    _cleanup_close_ int tree = -1;

    /* a detached copy of the directory, made read-only, then attached */
    tree = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) {
      if (errno == ENOENT)
        continue; /* the container is not in this hierarchy */
      return brig_err(err, errno, "cgroup mount: open \"%s\"", dir);
    }
    if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
      return brig_err(err, errno, "cgroup mount: create \"%s/%s\"",
                      m->destination, name);
    /* A read-only mount gets its attributes below, all at once; a
     * writable one (a privileged container's, for nested containers) is
     * writable in each hierarchy too, as runc binds them. */
    if ((!ro && mount_setattr_fd(tree, false, rw_attrs, 0, 0) < 0) ||
        move_mount(tree, "", top, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return brig_err(err, errno, "mount \"%s\" on \"%s/%s\"", dir,
                      m->destination, name);
    /* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct". */
    if (strchr(name, ',') != NULL) {
      _cleanup_free_ char *names = xstrdup(name);
      char *save = NULL;
      for (char *c = strtok_r(names, ",", &save); c;
           c = strtok_r(NULL, ",", &save))
        if (symlinkat(name, top, c) < 0 && errno != EEXIST)
          return brig_err(err, errno, "cgroup mount: symlink \"%s/%s\"",
                          m->destination, c);
    }
  }
  /* The tmpfs and every directory on it: one call, not one per bind. */
  if (ro && mount_setattr_fd(top, true, ro_attrs, 0, 0) < 0)
    return brig_err(err, errno, "remount \"%s\" read-only", m->destination);
  return 0;
}

/* The host's directory `path` bound on dest_fd with the mount's options
 * (recursive or not), where the kernel refuses a new superblock in a user
 * namespace: sysfs without a network namespace of the container's own,
 * cgroup2 without a cgroup namespace (runc does the same). */
static int bind_host_dir(const char *path, bool recursive, int dest_fd,
                         const struct spec_mount *m, const struct mount_opts *o,
                         struct brig_error *err) {
  _cleanup_close_ int src_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int mnt_fd = -1;
  uint64_t set, clr;

  if (src_fd < 0)
    return brig_err(err, errno, "mount \"%s\": open %s", m->destination, path);
  mnt_fd = bind_fd(src_fd, dest_fd, recursive);
  if (mnt_fd < 0)
    return brig_err(err, errno, "bind \"%s\" on \"%s\"", path, m->destination);
  mount_flags_to_attr(o->flags, o->clear, &set, &clr);
  if (mount_setattr_fd(mnt_fd, recursive, set, clr, 0) < 0)
    return brig_err(err, errno, "remount \"%s\" with its options",
                    m->destination);
  return 0;
}

static int mount_cgroup(const struct rootfs_ctx *ctx, int rootfd, int dest_fd,
                        const struct spec_mount *m, const struct mount_opts *o,
                        struct brig_error *err) {
  struct statfs sfs;
  if (statfs("/sys/fs/cgroup", &sfs) == 0 &&
      sfs.f_type == (typeof(sfs.f_type))CGROUP2_SUPER_MAGIC) {
    if (mount_on_fd("cgroup2", dest_fd, "cgroup2",
                    o->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, o->data) == 0)
      return 0;
    /* in a user namespace without a cgroup namespace of its own the
     * kernel refuses: the host's /sys/fs/cgroup bound, as runc (#2158) */
    if ((errno == EPERM || errno == EBUSY) && ctx->userns)
      return bind_host_dir("/sys/fs/cgroup", false, dest_fd, m, o, err);
    return brig_err(err, errno, "mount \"cgroup2\" on \"%s\"", m->destination);
  }
  return mount_cgroup_v1(ctx, rootfd, dest_fd, m, o, err);
}

int mount_one(const struct rootfs_ctx *ctx, int rootfd,
              const struct spec_mount *m, int idmap_fd,
              struct brig_error *err) {
  struct mount_opts o;
  _cleanup_close_ int dest_fd = -1, mnt_fd = -1;
  int ret = 0;

  mount_opts_parse(m->options, &o);
  o.idmap = o.idmap || m->n_uid_mappings > 0 || m->n_gid_mappings > 0;
  if (mount_is_bind(m)) {
    ret = mount_bind(ctx, rootfd, m, &o, idmap_fd, err);
    mount_opts_free(&o);
    return ret;
  }
  if (m->type == NULL) {
    mount_opts_free(&o);
    return brig_err(err, EINVAL, "mount on \"%s\": no type and no bind option",
                    m->destination);
  }
  /* a read-only /dev becomes so last (rootfs_finalize) */
  if (rootfs_path_is(m->destination, "/dev"))
    o.flags &= ~(unsigned long)MS_RDONLY;
  /* CVE-2023-27561/28642: a /proc that is a symlink would make brig's
   * procfs writes land elsewhere; runc refuses it for sysfs too. */
  if ((strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0) &&
      procfs_check_mount_dest(rootfd, m->destination, m->type, err) < 0) {
    mount_opts_free(&o);
    return -1;
  }
  /* A tmpfs over a directory of the rootfs takes its mode unless the
   * options give one (runc): a 0755 /run does not become 1777. */
  size_t own_data = 0; /* the length of what brig put before the options */
  if (strcmp(m->type, "tmpfs") == 0 && !o.tmpcopyup &&
      (o.data == NULL || strstr(o.data, "mode=") == NULL)) {
    struct stat st;
    dest_fd = in_root_open(rootfd, m->destination, O_PATH | O_DIRECTORY);
    if (dest_fd >= 0 && fstat(dest_fd, &st) == 0) {
      char *data = xasprintf("mode=%o%s%s", (unsigned)(st.st_mode & 07777),
                             o.data ? "," : "", o.data ? o.data : "");
      own_data = strlen(data) - (o.data ? strlen(o.data) : 0);
      free(o.data);
      o.data = data;
    }
  }
  if (dest_fd < 0)
    dest_fd = in_root_make_dest(rootfd, m->destination, false);
  if (dest_fd < 0) {
    ret = brig_err(err, errno, "mount destination \"%s\" in the rootfs",
                   m->destination);
  } else if (strcmp(m->type, "proc") != 0 &&
             check_proc_dest(dest_fd, -1, m, err) < 0) {
    ret = -1;
  } else if (strcmp(m->type, "cgroup") == 0) {
    ret = mount_cgroup(ctx, rootfd, dest_fd, m, &o, err);
  } else if (strcmp(m->type, "tmpfs") == 0 && o.tmpcopyup) {
    ret = mount_tmpfs_copyup(rootfd, dest_fd, m, &o, err);
  } else if (mount_on_fd(m->source ? m->source : m->type, dest_fd, m->type,
                         o.flags, o.data) < 0) {
    /* In a user namespace without its own network namespace the kernel
     * refuses sysfs: bind the host's /sys instead, as runc does. */
    if (errno == EPERM && ctx->userns && strcmp(m->type, "sysfs") == 0)
      ret = bind_host_dir("/sys", true, dest_fd, m, &o, err);
    else if (errno == EINVAL && o.data != NULL && o.data[own_data] != '\0')
      /* the file system refused an option: say which were given */
      ret = brig_err(err, errno, "mount \"%s\" on \"%s\" with \"%s\"", m->type,
                     m->destination, o.data + own_data);
    else
      ret = brig_err(err, errno, "mount \"%s\" on \"%s\"", m->type,
                     m->destination);
  }
  if (ret == 0 && (o.propagation || o.rec_set || o.rec_clr)) {
    mnt_fd = in_root_open(rootfd, m->destination, O_PATH);
    if (mnt_fd < 0)
      ret = brig_err(err, errno, "open mount \"%s\"", m->destination);
    else
      ret = apply_after(mnt_fd, m, &o, err);
  }
  mount_opts_free(&o);
  return ret;
}
