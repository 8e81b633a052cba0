/* AppArmor profile and SELinux labels: set on the next execve through
 * /proc/thread-self/attr (checked to be procfs, see procfs.h), only when the
 * host has the LSM enabled; asked for on a host without it, a clear error
 * (never silently ignored). */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "procfs.h"
#include "security_impl.h"
#include "util.h"

#define SELINUX_MAGIC 0xf97cff8c

/* -1 = not probed yet; probed once (in the runtime, before clone, by
 * security_check_host) so the child inherits the host's answer. */
static int apparmor_state = -1;
static int selinux_state = -1;

static bool probe_apparmor(void) {
  char buf[8] = "";
  int fd =
      open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return false;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  return n > 0 && buf[0] == 'Y';
}

static bool probe_selinux(void) {
  struct statfs sfs;
  if (statfs("/sys/fs/selinux", &sfs) == 0 &&
      (unsigned long)sfs.f_type == SELINUX_MAGIC)
    return true;
  return false;
}

bool apparmor_enabled(void) {
  if (apparmor_state < 0)
    apparmor_state = probe_apparmor();
  return apparmor_state == 1;
}

bool selinux_enabled(void) {
  if (selinux_state < 0)
    selinux_state = probe_selinux();
  return selinux_state == 1;
}

/* Open rel beneath attr_dir, crossing no symlink and no mount. */
static int open_attr(int attr_dir, const char *rel) {
  struct open_how how = {.flags = O_WRONLY | O_CLOEXEC,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
  return (int)syscall(SYS_openat2, attr_dir, rel, &how, sizeof(how));
}

int lsm_write_attr(int attr_dir, const char *rel, const char *value,
                   struct brig_error *err) {
  _cleanup_close_ int fd = open_attr(attr_dir, rel);
  size_t len = strlen(value);
  ssize_t n;

  if (fd < 0)
    return brig_err(err, errno, "open attr/%s", rel);
  /* One write: the kernel takes the attribute from a single call. */
  n = write(fd, value, len);
  if (n < 0)
    return brig_err(err, errno, "write \"%s\" to attr/%s", value, rel);
  if ((size_t)n != len)
    return brig_err(err, EIO, "short write to attr/%s", rel);
  return 0;
}

int lsm_check(const struct spec_process *p, bool field,
              struct brig_error *err) {
  if (p->apparmor_profile != NULL && *p->apparmor_profile != '\0' &&
      !apparmor_enabled())
    return brig_err(err, 0,
                    "%sapparmor profile \"%s\" requested but AppArmor is "
                    "not enabled on this host",
                    field ? "process.apparmorProfile: " : "",
                    p->apparmor_profile);
  if (p->selinux_label != NULL && *p->selinux_label != '\0' &&
      !selinux_enabled())
    return brig_err(err, 0,
                    "%sselinux label \"%s\" requested but SELinux is not "
                    "enabled on this host",
                    field ? "process.selinuxLabel: " : "", p->selinux_label);
  return 0;
}

int lsm_apply_at(const struct spec_process *p, int attr_dir,
                 struct brig_error *err) {
  if (p->apparmor_profile != NULL && *p->apparmor_profile != '\0') {
    _cleanup_free_ char *val = xasprintf("exec %s", p->apparmor_profile);
    /* The LSM-specific file (stacking kernels), else the shared one. */
    if (lsm_write_attr(attr_dir, "apparmor/exec", val, err) < 0 &&
        (err->errnum != ENOENT ||
         lsm_write_attr(attr_dir, "exec", val, err) < 0))
      return brig_err_wrap(err, "process.apparmorProfile");
  }
  if (p->selinux_label != NULL && *p->selinux_label != '\0' &&
      lsm_write_attr(attr_dir, "exec", p->selinux_label, err) < 0)
    return brig_err_wrap(err, "process.selinuxLabel");
  return 0;
}

int lsm_apply(const struct spec_process *p, struct brig_error *err) {
  _cleanup_close_ int attr = -1;
  bool aa = p->apparmor_profile != NULL && *p->apparmor_profile != '\0';
  bool se = p->selinux_label != NULL && *p->selinux_label != '\0';

  if (!aa && !se)
    return 0;
  /* Our own /proc/thread-self/attr, never a look-alike (CVE-2019-16884). */
  attr = procfs_open_thread("attr", O_PATH | O_DIRECTORY, err);
  if (attr < 0)
    return brig_err_wrap(err, aa ? "process.apparmorProfile"
                                 : "process.selinuxLabel");
  return lsm_apply_at(p, attr, err);
}
