/* /dev: the default devices (null, zero, full, random, urandom, tty), the
 * standard symlinks, and linux.devices.  Nodes are made with mknodat in
 * their resolved parent; in a user namespace, where mknod is refused, the
 * host's node is bind-mounted onto an empty file instead. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

struct dev_node {
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct dev_node default_devices[] = {
    {"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},
    {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},
    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0},
    {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

static const struct {
  const char *target, *link;
} default_symlinks[] = {
    {"/proc/self/fd", "/dev/fd"},       {"/proc/self/fd/0", "/dev/stdin"},
    {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
    {"pts/ptmx", "/dev/ptmx"},
};

/* The resolved (created) parent directory of the last node or link made:
 * the next one in the same directory (every default one is in /dev) reuses
 * its fd instead of resolving the directory again. */
struct dev_parent {
  char *dir; /* as written in the path ("/dev"); NULL before the first */
  int fd;
  uid_t uid; /* the owner mknod gives a node in it */
  gid_t gid; /* the group: the directory's when it is set-group-ID */
};

static void dev_parent_close(struct dev_parent *p) {
  free(p->dir);
  p->dir = NULL;
  if (p->fd >= 0)
    close(p->fd);
  p->fd = -1;
}

/* Split path into its parent directory's fd (borrowed from p) and the last
 * name.  -1 with errno when the parent cannot be resolved or made. */
static int open_parent(int rootfd, struct dev_parent *p, const char *path,
                       const char **name) {
  struct stat st;
  const char *slash = strrchr(path, '/');
  char *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
  *name = slash ? slash + 1 : path;
  if (p->dir != NULL && strcmp(p->dir, dir) == 0) {
    free(dir);
    return p->fd;
  }
  dev_parent_close(p);
  p->fd = slash == NULL ? in_root_open(rootfd, ".", O_PATH | O_DIRECTORY)
                        : in_root_mkdir_p(rootfd, dir, 0755);
  if (p->fd < 0 || fstat(p->fd, &st) < 0) {
    free(dir);
    return -1;
  }
  p->uid = geteuid();
  p->gid = (st.st_mode & S_ISGID) ? st.st_gid : getegid();
  p->dir = dir;
  return p->fd;
}

/* In a user namespace mknod is refused: the host's node at the same path
 * is bound instead, and it must be the same device. */
static int bind_host_node(int rootfd, const struct dev_node *d,
                          struct brig_error *err) {
  _cleanup_close_ int src = -1, dest = -1, mnt = -1;
  struct stat st;
  src = open(d->path, O_PATH | O_CLOEXEC);
  if (src < 0 && errno != ENOENT)
    return brig_err(err, errno, "device \"%s\": open the host's node", d->path);
  if (src < 0 || fstat(src, &st) < 0 ||
      (st.st_mode & S_IFMT) != (d->type & S_IFMT) ||
      st.st_rdev != makedev(d->major, d->minor))
    return brig_err(err, EPERM,
                    "device \"%s\" (%u:%u): creating a device node needs "
                    "privilege, which a user namespace has not, and the "
                    "host has no such node at that path to bind",
                    d->path, d->major, d->minor);
  dest = in_root_make_dest(rootfd, d->path, true);
  if (dest < 0)
    return brig_err(err, errno, "device \"%s\": create the file", d->path);
  mnt = bind_fd(src, dest, false);
  if (mnt < 0)
    return brig_err(err, errno, "device \"%s\": bind the host's node", d->path);
  return 0;
}

/* A file already at the node's path: a default device leaves it (the
 * rootfs's own /dev may have its nodes), a linux.devices entry must find
 * that very device there (runtime-spec: "MUST generate an error"). */
static int node_exists(int parent, const char *name, const struct dev_node *d,
                       bool strict, struct brig_error *err) {
  struct stat st;
  if (!strict)
    return 0;
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return brig_err(err, errno, "device \"%s\": stat the file there", d->path);
  if ((st.st_mode & S_IFMT) != (d->type & S_IFMT) ||
      (d->type != S_IFIFO && st.st_rdev != makedev(d->major, d->minor)))
    return brig_err(err, EEXIST,
                    "device \"%s\" (%u:%u): a file already there is not that "
                    "device",
                    d->path, d->major, d->minor);
  return 0;
}

static int make_node(int rootfd, struct dev_parent *dp,
                     const struct dev_node *d, bool userns, bool strict,
                     struct brig_error *err) {
  const char *name;
  int parent;

  if (userns && d->type != S_IFIFO) /* a fifo needs no privilege */
    return bind_host_node(rootfd, d, err);
  parent = open_parent(rootfd, dp, d->path, &name);
  if (parent < 0)
    return brig_err(err, errno, "device \"%s\": parent directory", d->path);
  if (mknodat(parent, name, d->type | (d->mode & 07777),
              makedev(d->major, d->minor)) < 0) {
    if (errno == EEXIST)
      return node_exists(parent, name, d, strict, err);
    /* brig itself in a user namespace (rootless podman's), or without
     * CAP_MKNOD: the host's node is bound instead, as runc does */
    if (errno == EPERM && d->type != S_IFIFO)
      return bind_host_node(rootfd, d, err);
    return brig_err(err, errno, "mknod \"%s\"", d->path);
  }
  /* The umask is 0 here (setup_dev), so mknod gave the exact permission
   * bits; set-ID and sticky bits are set again whatever mknod kept, and
   * the owner only when it is not already the one wanted. */
  if (((d->mode & 07000) != 0 &&
       fchmodat(parent, name, d->mode & 07777, 0) < 0) ||
      ((d->uid != dp->uid || d->gid != dp->gid) &&
       fchownat(parent, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0))
    return brig_err(err, errno, "device \"%s\": mode and owner", d->path);
  return 0;
}

static int device_from_spec(const struct spec_device *s, struct dev_node *d,
                            struct brig_error *err) {
  memset(d, 0, sizeof(*d));
  d->path = s->path;
  switch (s->type) {
  case 'c':
  case 'u':
    d->type = S_IFCHR;
    break;
  case 'b':
    d->type = S_IFBLK;
    break;
  case 'p':
    d->type = S_IFIFO;
    break;
  default:
    return brig_err(err, EINVAL, "\"%s\": unknown type '%c'", s->path, s->type);
  }
  /* anywhere in the container, "notably outside of /dev" (runtime-spec) */
  if (s->path == NULL || s->path[0] != '/' || rootfs_path_is(s->path, "/"))
    return brig_err(err, EINVAL,
                    "path \"%s\" is not an absolute path to a file",
                    s->path ? s->path : "");
  d->major = (unsigned)s->major;
  d->minor = (unsigned)s->minor;
  d->mode = s->file_mode.set ? (mode_t)s->file_mode.v : 0666;
  d->uid = s->uid.set ? (uid_t)s->uid.v : 0;
  d->gid = s->gid.set ? (gid_t)s->gid.v : 0;
  return 0;
}

static bool spec_lists_device(const struct spec_linux *l, const char *path) {
  for (size_t i = 0; l != NULL && i < l->n_devices; i++)
    if (l->devices[i].path && strcmp(l->devices[i].path, path) == 0)
      return true;
  return false;
}

static int make_symlink(int rootfd, struct dev_parent *dp, const char *target,
                        const char *link, struct brig_error *err) {
  const char *name;
  int parent = open_parent(rootfd, dp, link, &name);
  if (parent < 0 || (symlinkat(target, parent, name) < 0 && errno != EEXIST))
    return brig_err(err, errno, "symlink \"%s\" -> \"%s\"", link, target);
  return 0;
}

/* The defaults, in a fresh /dev (dev_parent's fd for all of them). */
static int make_defaults(int rootfd, struct dev_parent *dp,
                         const struct spec_linux *l, bool userns,
                         struct brig_error *err) {
  _cleanup_close_ int shm = -1;

  for (size_t i = 0; i < sizeof(default_devices) / sizeof(*default_devices);
       i++) {
    if (spec_lists_device(l, default_devices[i].path))
      continue;
    if (make_node(rootfd, dp, &default_devices[i], userns, false, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < sizeof(default_symlinks) / sizeof(*default_symlinks);
       i++)
    if (make_symlink(rootfd, dp, default_symlinks[i].target,
                     default_symlinks[i].link, err) < 0)
      return -1;
  /* Made (1777: the umask is 0 here) only when no mount made it: a
   * config's /dev/shm mount is left as it is (a bind's source is the
   * host's directory). */
  shm = in_root_open(rootfd, "/dev/shm", O_PATH | O_DIRECTORY);
  if (shm < 0 && errno == ENOENT)
    shm = in_root_mkdir_p(rootfd, "/dev/shm", 01777);
  if (shm < 0)
    return brig_err(err, errno, "mkdir \"/dev/shm\"");
  return 0;
}

int setup_dev(const struct rootfs_ctx *ctx, int rootfd,
              struct brig_error *err) {
  const struct spec_linux *l = ctx->cfg->linux_;
  struct dev_parent dp = {.dir = NULL, .fd = -1};
  mode_t mask = umask(0); /* nodes get exactly the config's mode */
  int ret = 0;

  for (size_t i = 0; ret == 0 && l != NULL && i < l->n_devices; i++) {
    struct dev_node d;
    if (device_from_spec(&l->devices[i], &d, err) < 0 ||
        /* /dev/ptmx is the devpts one, a symlink (below), as with runc */
        (!rootfs_path_is(d.path, "/dev/ptmx") &&
         make_node(rootfd, &dp, &d, ctx->userns, true, err) < 0))
      ret = brig_err_wrap(err, "linux.devices[%zu]", i);
  }
  if (ret == 0)
    ret = make_defaults(rootfd, &dp, l, ctx->userns, err);
  dev_parent_close(&dp);
  umask(mask);
  return ret;
}
