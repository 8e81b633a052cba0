/* See procfs.h. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kapi.h"
#include "util.h"

#define PROC_ROOT_INO 1

static int openat2_fd(int dirfd, const char *path, int flags,
                      uint64_t resolve) {
  struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
                         .resolve = resolve};
  int fd;
  do
    fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

bool procfs_fd_on_procfs(int fd) {
  struct statfs sfs;
  return fstatfs(fd, &sfs) == 0 &&
         sfs.f_type == (typeof(sfs.f_type))PROC_SUPER_MAGIC;
}

/* "/proc", checked to be the root of a procfs (not a symlink, not another
 * filesystem, not a procfs directory bound over it); `what` names the
 * access for the error. */
static int proc_root(const char *what, struct brig_error *err) {
  struct stat st;
  int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (proc < 0)
    return brig_err(err, errno, "open \"/proc\" for %s", what);
  if (!procfs_fd_on_procfs(proc) || fstat(proc, &st) < 0 ||
      st.st_ino != PROC_ROOT_INO) {
    close(proc);
    return brig_err(err, EXDEV,
                    "\"/proc\" is not the root of a procfs: refusing to "
                    "use it for %s",
                    what);
  }
  return proc;
}

/* path under the verified proc root, crossing no symlink and no mount, and
 * on procfs itself. */
static int open_under_root(int proc, const char *path, int flags,
                           struct brig_error *err) {
  int fd = openat2_fd(proc, path, flags,
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                          RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
  if (fd < 0)
    return brig_err(err, errno, "open /proc/%s", path);
  if (!procfs_fd_on_procfs(fd)) {
    close(fd);
    return brig_err(err, EXDEV, "/proc/%s is not on procfs", path);
  }
  return fd;
}

/* "<thread-self>/rel" under the proc root: thread-self names us as this
 * procfs's pid namespace sees us.  NULL with err. */
static char *thread_path(int proc, const char *rel, struct brig_error *err) {
  char self[64];
  ssize_t n = readlinkat(proc, "thread-self", self, sizeof(self) - 1);

  if (n <= 0) {
    brig_err(err, errno, "readlink /proc/thread-self");
    return NULL;
  }
  self[n] = '\0';
  return xasprintf("%s/%s", self, rel);
}

/* rel under /proc/thread-self; `what` names the use for the error. */
static int open_thread(const char *what, const char *rel, int flags,
                       struct brig_error *err) {
  _cleanup_close_ int proc = proc_root(what, err);
  _cleanup_free_ char *path = NULL;

  if (proc < 0 || (path = thread_path(proc, rel, err)) == NULL)
    return -1;
  return open_under_root(proc, path, flags, err);
}

int procfs_open_thread(const char *rel, int flags, struct brig_error *err) {
  return open_thread(rel, rel, flags, err);
}

/* Whether fds a and b are on the same mount: by mount id, or by device
 * where a seccomp filter denies statx (a procfs mount is its own
 * superblock). */
static bool same_mount(int a, int b) {
  struct statx sa, sb;
  struct stat da, db;

  if (statx(a, "", AT_EMPTY_PATH, STATX_MNT_ID, &sa) == 0 &&
      statx(b, "", AT_EMPTY_PATH, STATX_MNT_ID, &sb) == 0 &&
      (sa.stx_mask & sb.stx_mask & STATX_MNT_ID))
    return sa.stx_mnt_id == sb.stx_mnt_id;
  return fstat(a, &da) == 0 && fstat(b, &db) == 0 && da.st_dev == db.st_dev;
}

/* /proc/thread-self/fd (O_PATH) of a verified procfs, with plain openat:
 * this runs after the seccomp filter may be loaded, which may not allow
 * openat2.  No symlink is followed (procfs has none on the way, and
 * O_NOFOLLOW covers the last) and no mount crossed (same mount id as the
 * proc root). */
static int open_fd_dir(const char *what, struct brig_error *err) {
  _cleanup_close_ int proc = proc_root(what, err);
  _cleanup_free_ char *path = NULL;
  int dir;

  if (proc < 0 || (path = thread_path(proc, "fd", err)) == NULL)
    return -1;
  dir = openat(proc, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0)
    return brig_err(err, errno, "open /proc/%s", path);
  if (!same_mount(proc, dir) || !procfs_fd_on_procfs(dir)) {
    close(dir);
    return brig_err(err, EXDEV, "/proc/%s is not on the procfs of \"/proc\"",
                    path);
  }
  return dir;
}

int procfs_check_fd_dir(const char *what, struct brig_error *err) {
  int dir = open_fd_dir(what, err);
  if (dir < 0)
    return -1;
  close(dir);
  return 0;
}

int procfs_reopen_fd(int fd, int flags, const char *what,
                     struct brig_error *err) {
  _cleanup_close_ int dir = -1;
  struct stat want, got;
  char name[16];
  int r;

  if (fstat(fd, &want) < 0)
    return brig_err(err, errno, "fstat fd %d", fd);
  dir = open_fd_dir(what, err);
  if (dir < 0)
    return -1;
  snprintf(name, sizeof(name), "%d", fd);
  /* The one magic link followed: fd/N of a verified procfs. */
  r = openat(dir, name, flags | O_CLOEXEC);
  if (r < 0)
    return brig_err(err, errno, "open /proc/thread-self/fd/%d", fd);
  if (fstat(r, &got) < 0 || got.st_dev != want.st_dev ||
      got.st_ino != want.st_ino) {
    close(r);
    return brig_err(err, EXDEV,
                    "/proc/thread-self/fd/%d is not the file of fd %d: "
                    "refused",
                    fd, fd);
  }
  return r;
}

int procfs_open_sys(const char *rel, int flags, struct brig_error *err) {
  _cleanup_close_ int proc = -1;
  _cleanup_free_ char *path = xasprintf("sys/%s", rel);

  proc = proc_root(path, err);
  if (proc < 0)
    return -1;
  return open_under_root(proc, path, flags, err);
}

int procfs_check_mount_dest(int rootfd, const char *dest, const char *type,
                            struct brig_error *err) {
  int fd;

  while (*dest == '/')
    dest++;
  fd =
      openat2_fd(rootfd, *dest ? dest : ".", O_PATH,
                 RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  if (errno == ENOENT)
    return 0; /* made as a directory by the mount code */
  if (errno == ELOOP)
    return brig_err(err, ELOOP,
                    "mount destination \"/%s\" of \"%s\" goes through a "
                    "symlink: refused",
                    dest, type);
  return brig_err(err, errno, "mount destination \"/%s\"", dest);
}
