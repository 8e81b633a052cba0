/* brig checkconfig (lxc-checkconfig): what the kernel offers brig, from its
 * config (/proc/config.gz or /boot/config-*) and live probes.  Exit 0 when
 * everything required is there. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "util.h"

static const char usage[] =
    "usage: brig checkconfig\n\n"
    "Report each kernel feature brig can use, required or optional "
    "(lxc-checkconfig); exit 0 when every required one is there.\n";

static char *kconfig; /* the kernel config text, NULL when unknown */
static bool color;
static int missing_required;

static void load_kconfig(void) {
  struct utsname u;
  char path[300];
  struct brig_error e = {0};
  size_t len;
  FILE *p;

  uname(&u);
  snprintf(path, sizeof(path), "/boot/config-%s", u.release);
  if (read_file_at(AT_FDCWD, path, 1 << 22, &kconfig, &len, &e) == 0)
    return;
  if (access("/proc/config.gz", R_OK) != 0)
    return;
  /* Not on any start path: gzip(1) is simpler than a new library here. */
  p = popen("gzip -dc /proc/config.gz 2>/dev/null", "r");
  if (p == NULL)
    return;
  size_t cap = 1 << 16, used = 0;
  kconfig = xmalloc(cap);
  for (;;) {
    size_t n;
    if (used + 4096 > cap)
      kconfig = xrealloc(kconfig, cap *= 2);
    n = fread(kconfig + used, 1, cap - used - 1, p);
    if (n == 0)
      break;
    used += n;
  }
  kconfig[used] = '\0';
  if (pclose(p) != 0 || used == 0) {
    free(kconfig);
    kconfig = NULL;
  }
}

/* "y", "m", or NULL when unset / unknown. */
static const char *kopt(const char *name) {
  char key[128];
  const char *p;
  if (kconfig == NULL)
    return NULL;
  snprintf(key, sizeof(key), "\n%s=", name);
  p = strstr(kconfig, key);
  if (p == NULL)
    return NULL;
  p += strlen(key);
  return *p == 'y' ? "y" : *p == 'm' ? "m" : NULL;
}

static void report(const char *what, bool ok, bool required,
                   const char *detail) {
  const char *state = ok ? "enabled" : required ? "missing" : "not available";
  const char *on = "", *off = "";
  if (color) {
    on = ok ? "\033[1;32m" : required ? "\033[1;31m" : "\033[1;33m";
    off = "\033[0m";
  }
  printf("%-34s %s%s%s%s%s%s\n", what, on, state, off,
         required ? "" : " (optional)", detail ? ": " : "",
         detail ? detail : "");
  if (!ok && required)
    missing_required++;
}

static bool ns_ok(const char *ns, const char *kopt_name) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
  return access(path, F_OK) == 0 || kopt(kopt_name) != NULL;
}

static bool syscall_exists(long nr, long a, long b, long c, long d, long e) {
  errno = 0;
  if (syscall(nr, a, b, c, d, e) == 0)
    return true;
  return errno != ENOSYS;
}

static bool fs_known(const char *fs) {
  _cleanup_free_ char *data = NULL;
  struct brig_error e = {0};
  char key[64];
  if (read_file_at(AT_FDCWD, "/proc/filesystems", 1 << 16, &data, NULL, &e) < 0)
    return false;
  snprintf(key, sizeof(key), "\t%s\n", fs);
  return strstr(data, key) != NULL;
}

static void check_cgroups(void) {
  static const char *ctrls[] = {"cpu",     "cpuacct", "cpuset",   "memory",
                                "devices", "freezer", "blkio",    "pids",
                                "hugetlb", "net_cls", "net_prio", "rdma"};
  static const char *names[] = {"v1", "hybrid", "v2"};
  enum cgroup_layout l = cgroup_detect_layout();
  _cleanup_free_ char *procs = NULL;
  struct brig_error e = {0};
  char detail[64];

  snprintf(detail, sizeof(detail), "%s layout", names[l]);
  report("cgroups", true, true, detail);
  read_file_at(AT_FDCWD, "/proc/cgroups", 1 << 16, &procs, NULL, &e);
  for (size_t i = 0; i < sizeof(ctrls) / sizeof(ctrls[0]); i++) {
    char what[64], v1dir[64], key[32];
    bool in_kernel = procs && (snprintf(key, sizeof(key), "\n%s\t", ctrls[i]),
                               strstr(procs, key) != NULL);
    bool mounted;
    snprintf(v1dir, sizeof(v1dir), "/sys/fs/cgroup/%s", ctrls[i]);
    mounted = access(v1dir, F_OK) == 0;
    if (l == CGROUP_LAYOUT_V2 || (!mounted && l == CGROUP_LAYOUT_HYBRID)) {
      _cleanup_free_ char *c2 = NULL;
      const char *root =
          l == CGROUP_LAYOUT_V2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
      _cleanup_free_ char *f = xasprintf("%s/cgroup.controllers", root);
      /* v2 names: cpuacct's counters are cpu.stat, devices an eBPF
       * program, the freezer cgroup.freeze, all in cgroup2's core */
      const char *name = l != CGROUP_LAYOUT_V2            ? ctrls[i]
                         : strcmp(ctrls[i], "blkio") == 0 ? "io"
                         : strcmp(ctrls[i], "cpuacct") == 0 ||
                                 strcmp(ctrls[i], "devices") == 0 ||
                                 strcmp(ctrls[i], "freezer") == 0
                             ? NULL
                             : ctrls[i];
      if (name == NULL)
        mounted = true;
      else if (read_file_at(AT_FDCWD, f, 4096, &c2, NULL, &e) == 0)
        mounted = words_contain(c2, name);
    }
    snprintf(what, sizeof(what), "cgroup controller %s", ctrls[i]);
    bool required = i < 8 && i != 6; /* all but blkio and the last four */
    report(what, in_kernel && mounted, required,
           !in_kernel ? "not in the kernel"
           : !mounted ? "not mounted"
                      : NULL);
  }
}

CMD(checkconfig) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  struct open_how how = {.flags = O_PATH, .resolve = RESOLVE_IN_ROOT};
  struct utsname u;
  char buf[128];
  int c, fd;
  bool pidfd, clone3, setattr, v2;

  while ((c = cli_next(argc, argv, "checkconfig", "", opts, usage, err)) != -1)
    return c == CLI_HELP ? 0 : 1;
  color = isatty(1);
  load_kconfig();
  uname(&u);
  printf("Kernel %s, config: %s\n\n", u.release,
         kconfig ? "found" : "not found (live probes only)");

  printf("--- Namespaces ---\n");
  report("pid namespace", ns_ok("pid", "CONFIG_PID_NS"), true, NULL);
  report("network namespace", ns_ok("net", "CONFIG_NET_NS"), true, NULL);
  report("mount namespace", ns_ok("mnt", "CONFIG_NAMESPACES"), true, NULL);
  report("ipc namespace", ns_ok("ipc", "CONFIG_IPC_NS"), true, NULL);
  report("uts namespace", ns_ok("uts", "CONFIG_UTS_NS"), true, NULL);
  report("cgroup namespace", ns_ok("cgroup", "CONFIG_CGROUPS"), false, NULL);
  report("time namespace", ns_ok("time", "CONFIG_TIME_NS"), false, NULL);
  {
    _cleanup_free_ char *max = NULL;
    struct brig_error e = {0};
    bool ok = ns_ok("user", "CONFIG_USER_NS");
    if (read_file_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", 64, &max,
                     NULL, &e) == 0) {
      max[strcspn(max, "\n")] = '\0';
      snprintf(buf, sizeof(buf), "max_user_namespaces=%s", max);
      ok = ok && strcmp(max, "0") != 0;
    }
    report("user namespace", ok, false, max ? buf : NULL);
  }

  printf("\n--- Control groups ---\n");
  check_cgroups();
  v2 = cgroup_detect_layout() == CGROUP_LAYOUT_V2;

  printf("\n--- Security ---\n");
  report("seccomp filter",
         syscall_exists(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
                        (long)&(unsigned){0}, 0, 0),
         true, NULL);
  {
    struct seccomp_notif_sizes sz;
    report("seccomp notify",
           syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0, false,
           NULL);
  }
  report("no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) >= 0, true,
         NULL);
  report("capability bounding set", prctl(PR_CAPBSET_READ, 0, 0, 0, 0) >= 0,
         true, NULL);
  report("eBPF device cgroup",
         kopt("CONFIG_CGROUP_BPF") != NULL ||
             syscall_exists(SYS_bpf, -1, 0, 0, 0, 0),
         false, v2 ? NULL : "used with cgroup v2 only");

  printf("\n--- System calls ---\n");
  fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  pidfd = fd >= 0;
  if (fd >= 0)
    close(fd);
  report("pidfd_open, pidfd_send_signal", pidfd, true, NULL);
  fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
  report("openat2 (RESOLVE_IN_ROOT)", fd >= 0, true, NULL);
  if (fd >= 0)
    close(fd);
  report("close_range", syscall_exists(SYS_close_range, ~0L, ~0L, 0, 0, 0),
         true, NULL);
  clone3 = syscall_exists(SYS_clone3, 0, 0, 0, 0, 0);
  report("clone3", clone3, false, NULL);
  report("CLONE_INTO_CGROUP", clone3 && v2, false,
         v2 ? NULL : "needs the cgroup v2 layout");
  setattr = syscall_exists(SYS_mount_setattr, -1, (long)"", 0, 0, 0);
  report("mount_setattr (recursive flags)", setattr, false, NULL);
  report("idmapped mounts",
         setattr && syscall_exists(SYS_open_tree, -1, (long)"", 0, 0, 0), false,
         NULL);

  printf("\n--- Other ---\n");
  report("overlayfs", fs_known("overlay") || kopt("CONFIG_OVERLAY_FS"), false,
         NULL);

  free(kconfig);
  if (missing_required > 0) {
    brig_err(err, 0, "checkconfig: %d required feature(s) missing",
             missing_required);
    return 1;
  }
  return 0;
}
