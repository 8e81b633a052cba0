/* The cgroup v2 driver's pure parts, and its eBPF device program on this
 * host's cgroup2 mount (hybrid: /sys/fs/cgroup/unified; the v2 guest runs
 * the rest, tests/bats/cgroup2): runc's conversions, the rule list, and a
 * child in a cgroup2 directory with the program attached, replaced. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "cli.h"
#include "tap.h"
#include "util.h"

__attribute__((weak)) struct brig_globals brig_g;

/* Fork a child that joins dir and opens path with flags: 0 when it
 * could, else the errno it got. */
static int open_in(const char *dir, const char *path, int flags) {
  pid_t pid = fork();
  if (pid == 0) {
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", (int)getpid());
    struct brig_error e;
    if (cg_write(dir, "cgroup.procs", buf, &e) < 0)
      _exit(200);
    int fd = open(path, flags | O_CLOEXEC);
    _exit(fd < 0 ? errno : 0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

int main(void) {
  struct brig_error err = {0};
  /* messages print err.msg: empty unless the call failed */

  ok(cgroup_v2_shares_to_weight(0) == 0, "shares 0 -> weight unset");
  ok(cgroup_v2_shares_to_weight(2) == 1, "shares 2 -> 1");
  ok(cgroup_v2_shares_to_weight(1024) == 39, "shares 1024 -> 39 (runc)");
  ok(cgroup_v2_shares_to_weight(262144) == 10000, "shares 262144 -> 10000");

  struct spec_device_cgroup devs[] = {
      {.allow = false, .access = "rwm"},
      {.allow = false, .type = "c", .major = {true, 1}, .minor = {true, 5}},
  };
  struct spec_resources res = {.devices = devs, .n_devices = 2};
  struct cg_dev_rule *rules = NULL;
  size_t n = 0;
  ok(cg_device_rules(&res, &rules, &n, &err) == 0, "rules (%s)", err.msg);
  ok(n == 13,
     "deny-all + runc's 11 defaults + the config's one rule (its own "
     "deny-all is the first): %zu",
     n);
  ok(n > 0 && !rules[0].allow && rules[0].type == 'a',
     "an allow-list: deny-all first, whatever the config starts with");
  ok(n == 13 && rules[1].allow && rules[1].major == 1 && rules[1].minor == 5 &&
         !rules[2].allow && rules[2].major == 1 && rules[2].minor == 5,
     "a default the config names comes just before the config's rules, "
     "which refine it: a denied default device stays denied");
  ok(n == 13 && rules[3].allow && rules[3].type == 'c' && rules[3].major < 0 &&
         strcmp(rules[3].access, "m") == 0,
     "the other defaults after them (\"c *:* m\" lets /dev be made)");
  free(rules);
  struct spec_resources none = {0};
  ok(cg_device_rules(&none, &rules, &n, &err) == 0 && n == 12,
     "no rules: deny-all and runc's 11 defaults (%zu)", n);
  free(rules);
  struct spec_device_cgroup bad[] = {{.allow = true, .type = "x"}};
  struct spec_resources badres = {.devices = bad, .n_devices = 1};
  ok(cg_device_rules(&badres, &rules, &n, &err) < 0 &&
         strstr(err.msg, "\"x\" is not a, c or b") != NULL,
     "a bad type is refused: %s", err.msg);

  /* the program itself, on the host's cgroup2 directory */
  const char *mnt = cgroup_detect_layout() == CGROUP_LAYOUT_V2
                        ? "/sys/fs/cgroup"
                        : "/sys/fs/cgroup/unified";
  char *dir = xasprintf("%s/brig-unit-v2-%d", mnt, (int)getpid());
  if (mkdir(dir, 0755) < 0) {
    ok(0, "mkdir %s: %s", dir, strerror(errno));
    return tap_done();
  }
  struct cg_dev_rule deny_zero_read[] = {
      {false, 'c', 1, 5, "r"},
  };
  err.msg[0] = '\0';
  ok(cg_v2_set_devices(dir, deny_zero_read, 1, &err) == 0,
     "attach a program denying reads of /dev/zero (%s)", err.msg);
  ok(open_in(dir, "/dev/zero", O_RDONLY) == EPERM, "/dev/zero read: EPERM");
  ok(open_in(dir, "/dev/zero", O_WRONLY) == 0, "/dev/zero write: allowed");
  ok(open_in(dir, "/dev/null", O_RDWR) == 0, "/dev/null: allowed");
  ok(open_in(dir, "/dev/zero", O_RDWR) == EPERM,
     "/dev/zero read+write: EPERM (one refused access is enough)");

  struct cg_dev_rule only_null[] = {
      {false, 'a', -1, -1, "rwm"},
      {true, 'c', 1, 3, "rw"},
      {true, 'c', 1, 9, "r"},
  };
  ok(cg_v2_set_devices(dir, only_null, 3, &err) == 0,
     "replace it: deny all but /dev/null, /dev/urandom read-only (%s)",
     err.msg);
  ok(open_in(dir, "/dev/null", O_RDWR) == 0, "/dev/null: allowed");
  ok(open_in(dir, "/dev/urandom", O_RDONLY) == 0, "/dev/urandom read: allowed");
  ok(open_in(dir, "/dev/urandom", O_RDWR) == EPERM,
     "/dev/urandom read+write: EPERM (allow needs every access)");
  ok(open_in(dir, "/dev/zero", O_WRONLY) == EPERM,
     "/dev/zero write: EPERM now (the old program is gone)");
  ok(open_in(dir, "/dev/full", O_RDONLY) == EPERM, "/dev/full: EPERM");
  ok(open_in(dir, "/dev/tty", O_RDONLY) != 0, "/dev/tty: refused");

  ok(rmdir(dir) == 0, "rmdir %s", dir);
  free(dir);
  return tap_done();
}
