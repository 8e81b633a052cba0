/* See selfexe.h.  Two ways to a binary a container cannot write to:
 *
 *  - a read-only overlayfs made with the new mount API and never attached
 *    anywhere (fsopen, fsmount): its top layer is the directory brig lies
 *    in, reached through an fd, so the file is brig's own and the mount
 *    costs a few tens of microseconds.  Without an upper layer the
 *    superblock itself is read-only: clearing MOUNT_ATTR_RDONLY changes
 *    nothing and a remount cannot make it writable.  The mount goes away
 *    with the last process running from it.  Needs CAP_SYS_ADMIN;
 *  - otherwise (rootless, no overlayfs, a path overlayfs cannot take) a
 *    sealed memfd copy: one read of the whole binary.
 *
 * Either way it costs one execve per create/run/exec/execute; commands
 * that stay outside (state, kill, ...) never pay it.
 *
 * The overlay's mount fd outlives the re-exec (its number in MNT_ENV, the
 * fd checked against the binary's own mount before it is used, and
 * close-on-exec from then on): closed as it is, the detached mount goes
 * away at once, and that costs a synchronous RCU grace period (~50 us
 * idle, ~0.2 ms on a loaded host).  The init attaches it under the old
 * root it unmounts anyway (rootfs_pivot), which takes one grace period for
 * all of it. */
#include "selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "coverage.h"
#include "kapi.h"
#include "util.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

#define MNT_ENV "_BRIG_SELFEXE_MNT"
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

int selfexe_mnt = -1;

bool selfexe_needed(const char *command) {
  static const char *const entering[] = {"create", "run", "exec", "execute"};
#ifdef BRIG_NO_SELFEXE
  /* build/valgrind/brig only (make valgrind): memcheck cannot follow the
   * re-exec; build/brig never has this. */
  (void)entering;
  (void)command;
  return false;
#endif
  for (size_t i = 0; i < sizeof(entering) / sizeof(*entering); i++)
    if (command != NULL && strcmp(command, entering[i]) == 0)
      return true;
  return false;
}

static bool fd_is_sealed(int fd) {
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

/* The kernel's word, never an environment variable a caller could set: a
 * sealed memfd, or a file on a read-only mount or superblock.  A host
 * mount that is read-only is not in any container's mount namespace, so
 * no container can make it writable either. */
static bool fd_is_protected(int fd) {
  struct statvfs sv;
  return fd_is_sealed(fd) ||
         (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY));
}

/* Overlayfs wants two layers when there is no upper one.  The second only
 * has to exist and not nest with brig's directory: the top layer hides
 * whatever it holds under brig's name. */
static const char *const second_layers[] = {"/dev", "/run", "/tmp", "/etc"};

static int overlay_of(int dirfd, const char *second) {
  char lower[80];
  _cleanup_close_ int fs = -1;
  snprintf(lower, sizeof(lower), "/proc/self/fd/%d:%s", dirfd, second);
  fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0 ||
      syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) <
          0 ||
      syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  /* Not close-on-exec: the new image takes it over (adopt_mount_fd). */
  return (int)syscall(SYS_fsmount, fs, 0, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

/* After a re-exec from the overlay: the fd named in MNT_ENV, if it is the
 * root of the mount this binary runs from (the environment is the
 * caller's: anything else there is left alone). */
static void adopt_mount_fd(int exe) {
  const char *v = getenv(MNT_ENV);
  struct statx a, b;
  char *end;
  long fd;

  if (v == NULL)
    return;
  errno = 0;
  fd = strtol(v, &end, 10);
  unsetenv(MNT_ENV);
  if (errno != 0 || end == v || *end != '\0' || fd < 3 || fd > INT_MAX)
    return;
  if (statx((int)fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &a) < 0 ||
      statx(exe, "", AT_EMPTY_PATH, STATX_MNT_ID, &b) < 0 ||
      !(a.stx_mask & b.stx_mask & STATX_MNT_ID) ||
      a.stx_mnt_id != b.stx_mnt_id || !S_ISDIR(a.stx_mode) ||
      !(a.stx_attributes & STATX_ATTR_MOUNT_ROOT) ||
      fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
    return;
  selfexe_mnt = (int)fd;
}

/* Re-exec from a read-only overlay of brig's directory; returns only when
 * that cannot be done (the caller then copies). */
static void exec_from_overlay(char **argv, const struct stat *exe_st) {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  _cleanup_close_ int dirfd = -1;
  struct stat st;
  char *base;

  if (n <= 0 || (size_t)n >= sizeof(path) - 1)
    return;
  path[n] = '\0';
  base = strrchr(path, '/');
  if (base == NULL || base[1] == '\0')
    return;
  *base++ = '\0';
  dirfd = open(path[0] ? path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  /* Still the binary we run (not renamed over or deleted since)? */
  if (dirfd < 0 || fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
      st.st_dev != exe_st->st_dev || st.st_ino != exe_st->st_ino)
    return;
  for (size_t i = 0; i < sizeof(second_layers) / sizeof(*second_layers); i++) {
    _cleanup_close_ int mnt = overlay_of(dirfd, second_layers[i]);
    char num[16];
    if (mnt < 0) {
      if (errno == EPERM || errno == ENODEV || errno == ENOSYS)
        return; /* no privilege or no overlayfs: no other layer helps */
      continue;
    }
    snprintf(num, sizeof(num), "%d", mnt);
    if (setenv(MNT_ENV, num, 1) < 0)
      return;
    coverage_flush();
    syscall(SYS_execveat, mnt, base, argv, environ, 0);
    unsetenv(MNT_ENV);
    return;
  }
}

int selfexe_seal(char **argv, struct brig_error *err) {
  _cleanup_close_ int exe = -1, mfd = -1;
  struct stat st;
  off_t done = 0;

  exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return brig_err(err, errno, "open /proc/self/exe");
  if (fd_is_protected(exe)) {
    adopt_mount_fd(exe);
    /* execveat named a memfd copy after its fd ("3"): keep "brig". */
    if (fd_is_sealed(exe))
      prctl(PR_SET_NAME, "brig", 0, 0, 0);
    return 0;
  }
  if (fstat(exe, &st) < 0)
    return brig_err(err, errno, "stat /proc/self/exe");
  exec_from_overlay(argv, &st);
  mfd = memfd_create("brig", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return brig_err(err, errno, "memfd_create");
  while (done < st.st_size) {
    ssize_t n = sendfile(mfd, exe, NULL, (size_t)(st.st_size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return brig_err(err, n < 0 ? errno : EIO, "copy brig into a memfd");
    done += n;
  }
  if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
    return brig_err(err, errno, "seal the memfd copy of brig");
  /* The fd is close-on-exec: the new image keeps only its mapping. */
  coverage_flush();
  syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
  return brig_err(err, errno, "re-exec brig from its sealed copy");
}
