/* Placeholder: bind + pivot_root only.  Replaced by the rootfs work. */
#include "rootfs.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int rootfs_prepare(const struct rootfs_ctx *ctx, struct brig_error *err) {
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return brig_err(err, errno, "make / private");
  if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return brig_err(err, errno, "bind rootfs");
  return 0;
}

int rootfs_pivot(const struct rootfs_ctx *ctx, struct brig_error *err) {
  if (chdir(ctx->rootfs) < 0)
    return brig_err(err, errno, "chdir rootfs");
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return brig_err(err, errno, "pivot_root");
  if (umount2(".", MNT_DETACH) < 0)
    return brig_err(err, errno, "umount old root");
  if (chdir("/") < 0)
    return brig_err(err, errno, "chdir /");
  if (mount("proc", "/proc", "proc", 0, NULL) < 0)
    return brig_err(err, errno, "mount proc");
  return 0;
}

int rootfs_sysctl(const struct rootfs_ctx *ctx, struct brig_error *err) {
  (void)ctx;
  (void)err;
  return 0;
}

int rootfs_bind_console(const char *pty_path, struct brig_error *err) {
  (void)pty_path;
  (void)err;
  return 0;
}

int rootfs_finalize(const struct rootfs_ctx *ctx, struct brig_error *err) {
  (void)ctx;
  (void)err;
  return 0;
}
