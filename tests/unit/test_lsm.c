/* lsm.c: the attr files written for AppArmor/SELinux, pointed at a temp
 * directory, and the refusal when the LSM is absent. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "security.h"
#include "security_impl.h"
#include "tap.h"
#include "util.h"

static char *slurp(const char *path) {
  char *buf = NULL;
  size_t len;
  struct brig_error err;
  if (read_file_at(AT_FDCWD, path, 4096, &buf, &len, &err) < 0)
    return NULL;
  return buf;
}

static void touch(const char *path) {
  FILE *f = fopen(path, "w");
  if (f)
    fclose(f);
}

int main(void) {
  char dir[] = "/tmp/brig-lsm.XXXXXX";
  char path[512], aa_dir[512], link[512];
  int dfd;
  struct brig_error err = {0};
  struct spec_process p = {0};
  char *got;

  if (mkdtemp(dir) == NULL)
    return 1;
  snprintf(path, sizeof(path), "%s/exec", dir);
  snprintf(aa_dir, sizeof(aa_dir), "%s/apparmor", dir);

  /* lsm_write_attr writes exactly the value. */
  touch(path);
  dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  ok(lsm_write_attr(dfd, "exec", "hello", &err) == 0,
     "lsm_write_attr succeeds");
  got = slurp(path);
  is_str(got, "hello", "lsm_write_attr wrote the value");
  free(got);
  ok(lsm_write_attr(dfd, "nonexistent/exec", "x", &err) < 0 &&
         strstr(err.msg, "attr/nonexistent/exec") != NULL,
     "lsm_write_attr names the path it could not open");
  /* A symlink in place of the attr file is never followed. */
  snprintf(link, sizeof(link), "%s/current", dir);
  if (symlink("exec", link) == 0)
    ok(lsm_write_attr(dfd, "current", "x", &err) < 0 && err.errnum == ELOOP,
       "lsm_write_attr refuses a symlink (%s)", err.msg);

  /* AppArmor without attr/apparmor/: the shared exec file. */
  touch(path);
  truncate(path, 0);
  p.apparmor_profile = "brig-test";
  ok(lsm_apply_at(&p, dfd, &err) == 0, "lsm_apply apparmor (shared file)");
  got = slurp(path);
  is_str(got, "exec brig-test", "apparmor writes \"exec <profile>\" to exec");
  free(got);

  /* With attr/apparmor/exec (stacking kernels) that one is used. */
  mkdir(aa_dir, 0755);
  snprintf(path, sizeof(path), "%s/apparmor/exec", dir);
  touch(path);
  ok(lsm_apply_at(&p, dfd, &err) == 0, "lsm_apply apparmor (apparmor/exec)");
  got = slurp(path);
  is_str(got, "exec brig-test", "apparmor prefers attr/apparmor/exec");
  free(got);

  /* SELinux: the label as is, to attr/exec. */
  p.apparmor_profile = NULL;
  p.selinux_label = "system_u:system_r:container_t:s0:c1,c2";
  snprintf(path, sizeof(path), "%s/exec", dir);
  truncate(path, 0);
  ok(lsm_apply_at(&p, dfd, &err) == 0, "lsm_apply selinux");
  got = slurp(path);
  is_str(got, "system_u:system_r:container_t:s0:c1,c2",
         "selinux writes the label to exec");
  free(got);

  /* Nothing asked: nothing written. */
  p.selinux_label = NULL;
  truncate(path, 0);
  ok(lsm_apply_at(&p, dfd, &err) == 0, "lsm_apply with nothing to do");
  got = slurp(path);
  is_str(got, "", "nothing written when no label is asked for");
  free(got);

  /* This host has neither LSM: asking is an error naming the profile. */
  p.apparmor_profile = "x";
  if (!apparmor_enabled()) {
    ok(lsm_check(&p, false, &err) < 0 &&
           strcmp(err.msg, "apparmor profile \"x\" requested but AppArmor "
                           "is not enabled on this host") == 0,
       "apparmor requested without AppArmor: clear error (%s)", err.msg);
    ok(lsm_check(&p, true, &err) < 0 &&
           strcmp(err.msg, "process.apparmorProfile: apparmor profile \"x\" "
                           "requested but AppArmor is not enabled on this "
                           "host") == 0,
       "a config's profile: the field named (%s)", err.msg);
  } else {
    ok(lsm_check(&p, false, &err) == 0, "apparmor enabled: accepted");
  }
  p.apparmor_profile = NULL;
  p.selinux_label = "system_u:system_r:container_t:s0";
  if (!selinux_enabled())
    ok(lsm_check(&p, false, &err) < 0 &&
           strstr(err.msg, "SELinux is not enabled"),
       "selinux requested without SELinux: clear error (%s)", err.msg);
  else
    ok(lsm_check(&p, false, &err) == 0, "selinux enabled: accepted");
  p.selinux_label = "";
  ok(lsm_check(&p, false, &err) == 0, "an empty label asks for nothing");

  /* On the host's real procfs the attr directory opens. */
  p.selinux_label = NULL;
  ok(lsm_apply(&p, &err) == 0, "lsm_apply with nothing asked touches nothing");
  {
    int fd = procfs_open_thread("attr", O_PATH | O_DIRECTORY, &err);
    ok(fd >= 0, "procfs_open_thread(attr) on the host's /proc (%s)", err.msg);
    if (fd >= 0)
      close(fd);
    fd = procfs_open_thread("oom_score_adj", O_RDONLY, &err);
    ok(fd >= 0, "procfs_open_thread(oom_score_adj) (%s)", err.msg);
    if (fd >= 0)
      close(fd);
  }
  close(dfd);
  snprintf(path, sizeof(path), "rm -rf %s", dir);
  if (system(path) != 0)
    return 1;
  return tap_done();
}
