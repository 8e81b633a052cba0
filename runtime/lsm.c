/* AppArmor profile and SELinux labels: set on the next execve through
 * /proc/self/attr, only when the host has the LSM enabled; asked for on a
 * host without it, a clear error (never silently ignored). */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

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

int lsm_write_attr(const char *path, const char *value,
                   struct brig_error *err) {
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen(value);
  ssize_t n;

  if (fd < 0)
    return brig_err(err, errno, "open %s", path);
  /* One write: the kernel takes the attribute from a single call. */
  n = write(fd, value, len);
  if (n < 0)
    return brig_err(err, errno, "write \"%s\" to %s", value, path);
  if ((size_t)n != len)
    return brig_err(err, EIO, "short write to %s", path);
  return 0;
}

int lsm_check(const struct spec_process *p, struct brig_error *err) {
  if (p->apparmor_profile != NULL && *p->apparmor_profile != '\0' &&
      !apparmor_enabled())
    return brig_err(err, 0,
                    "apparmor profile \"%s\" requested but AppArmor is not "
                    "enabled on this host",
                    p->apparmor_profile);
  if (p->selinux_label != NULL && *p->selinux_label != '\0' &&
      !selinux_enabled())
    return brig_err(err, 0,
                    "selinux label \"%s\" requested but SELinux is not "
                    "enabled on this host",
                    p->selinux_label);
  return 0;
}

int lsm_apply(const struct spec_process *p, const char *attr_dir,
              struct brig_error *err) {
  char path[256];

  if (p->apparmor_profile != NULL && *p->apparmor_profile != '\0') {
    _cleanup_free_ char *val = xasprintf("exec %s", p->apparmor_profile);
    /* The LSM-specific file (stacking kernels), else the shared one. */
    snprintf(path, sizeof(path), "%s/apparmor/exec", attr_dir);
    if (access(path, F_OK) != 0)
      snprintf(path, sizeof(path), "%s/exec", attr_dir);
    if (lsm_write_attr(path, val, err) < 0)
      return brig_err_wrap(err, "process.apparmorProfile");
  }
  if (p->selinux_label != NULL && *p->selinux_label != '\0') {
    snprintf(path, sizeof(path), "%s/exec", attr_dir);
    if (lsm_write_attr(path, p->selinux_label, err) < 0)
      return brig_err_wrap(err, "process.selinuxLabel");
  }
  return 0;
}
