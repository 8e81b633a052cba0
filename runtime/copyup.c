/* tmpcopyup: copy a directory tree (the destination's contents in the
 * rootfs) into a fresh tmpfs, keeping owners, modes, times and symlinks. */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define COPY_MAX_DEPTH 128

static int copy_data(int in, int out) {
  char buf[65536];
  for (;;) {
    ssize_t r = read(in, buf, sizeof(buf));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    if (r == 0)
      return 0;
    if (write_all(out, buf, (size_t)r) < 0)
      return -1;
  }
}

static int copy_meta(int dst_dir, const char *name, const struct stat *st) {
  struct timespec times[2] = {st->st_atim, st->st_mtim};
  if (fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  if (!S_ISLNK(st->st_mode) && fchmodat(dst_dir, name, st->st_mode & 07777, 0))
    return -1;
  return utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW);
}

static int copy_entry(int src_dir, int dst_dir, const char *name, int depth,
                      struct brig_error *err);

static int copy_dir(int src_dir, int dst_dir, int depth,
                    struct brig_error *err) {
  int dup_fd = dup(src_dir);
  DIR *d;
  struct dirent *e;
  int ret = 0;

  if (depth > COPY_MAX_DEPTH)
    return brig_err(err, ELOOP, "tree deeper than %d", COPY_MAX_DEPTH);
  if (dup_fd < 0 || (d = fdopendir(dup_fd)) == NULL) {
    int saved = errno;
    if (dup_fd >= 0)
      close(dup_fd);
    return brig_err(err, saved, "read directory");
  }
  rewinddir(d);
  while (ret == 0 && (errno = 0, e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    ret = copy_entry(src_dir, dst_dir, e->d_name, depth, err);
  }
  if (ret == 0 && errno != 0)
    ret = brig_err(err, errno, "read directory");
  closedir(d);
  return ret;
}

static int copy_entry(int src_dir, int dst_dir, const char *name, int depth,
                      struct brig_error *err) {
  struct stat st;

  if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return brig_err(err, errno, "stat \"%s\"", name);
  if (S_ISDIR(st.st_mode)) {
    _cleanup_close_ int in = -1, out = -1;
    if (mkdirat(dst_dir, name, 0700) < 0 && errno != EEXIST)
      return brig_err(err, errno, "mkdir \"%s\"", name);
    in = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    out =
        openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0 || out < 0)
      return brig_err(err, errno, "open directory \"%s\"", name);
    if (copy_dir(in, out, depth + 1, err) < 0)
      return brig_err_wrap(err, "%s", name);
  } else if (S_ISREG(st.st_mode)) {
    _cleanup_close_ int in = -1, out = -1;
    in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
      return brig_err(err, errno, "open \"%s\"", name);
    out = openat(dst_dir, name,
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
      return brig_err(err, errno, "create \"%s\"", name);
    if (copy_data(in, out) < 0)
      return brig_err(err, errno, "copy \"%s\"", name);
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(src_dir, name, target, sizeof(target) - 1);
    if (n < 0)
      return brig_err(err, errno, "readlink \"%s\"", name);
    target[n] = '\0';
    if (symlinkat(target, dst_dir, name) < 0)
      return brig_err(err, errno, "symlink \"%s\"", name);
  } else if (mknodat(dst_dir, name, st.st_mode & S_IFMT, st.st_rdev) < 0) {
    return brig_err(err, errno, "mknod \"%s\"", name);
  }
  if (copy_meta(dst_dir, name, &st) < 0)
    return brig_err(err, errno, "owner and mode of \"%s\"", name);
  return 0;
}

int copy_tree(int src_dir, int dst_dir, struct brig_error *err) {
  return copy_dir(src_dir, dst_dir, 0, err);
}
