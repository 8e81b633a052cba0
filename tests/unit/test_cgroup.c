/* The cgroup driver on this host (v1 controllers + cgroup2 at
 * /sys/fs/cgroup/unified): create, apply, join, freeze, stats, kill,
 * destroy, for a sleeping child, under /brig/unit-<pid>. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "tap.h"
#include "util.h"

/* The cmd_*.c objects refer to main.c's globals, which unit tests do not
 * link; weak, so a definition moved out of main.c wins. */
__attribute__((weak)) struct brig_globals brig_g;

static char *read_cg(const char *ctrl, const char *path, const char *file) {
  char *p = xasprintf("/sys/fs/cgroup/%s%s/%s", ctrl, path, file);
  char *s = NULL;
  size_t len;
  struct brig_error e;
  if (read_file_at(AT_FDCWD, p, 1 << 20, &s, &len, &e) < 0)
    s = xstrdup("(unreadable)");
  else if (len > 0 && s[len - 1] == '\n')
    s[len - 1] = '\0';
  free(p);
  return s;
}

static bool exists(const char *ctrl, const char *path) {
  char *p = xasprintf("/sys/fs/cgroup/%s%s", ctrl, path);
  struct stat st;
  bool r = stat(p, &st) == 0;
  free(p);
  return r;
}

static const char *const ctrls[] = {"cpu",     "cpuacct", "cpuset", "memory",
                                    "devices", "freezer", "blkio",  "pids",
                                    "systemd", "unified"};
#define N_CTRLS (sizeof(ctrls) / sizeof(ctrls[0]))

static bool exists_everywhere(const char *path) {
  for (size_t i = 0; i < N_CTRLS; i++)
    if (!exists(ctrls[i], path))
      return false;
  return true;
}

static bool gone_everywhere(const char *path) {
  for (size_t i = 0; i < N_CTRLS; i++)
    if (exists(ctrls[i], path))
      return false;
  return true;
}

static void check_refused(const char *id, struct spec_resources *res,
                          const char *want, const char *what) {
  struct brig_error err = {0};
  struct cgroup *cg = NULL;
  char *path = xasprintf("/brig/%s", id);
  int r = cgroup_create(id, NULL, &cg, &err);
  ok(r == 0, "%s: create", what);
  if (r == 0) {
    r = cgroup_apply(cg, res, false, &err);
    ok(r < 0 && strstr(err.msg, want) != NULL, "%s: refused: %s", what,
       err.msg);
    struct brig_error e2 = {0};
    ok(cgroup_destroy(cg, &e2) == 0 && gone_everywhere(path),
       "%s: destroyed (%s)", what, e2.msg);
    cgroup_free(cg);
  }
  free(path);
}

/* cgroup_io_bytes: v1's Total lines, else v2's Read + Write */
static void check_io_bytes(void) {
  struct events_blkio_entry v1[] = {{8, 0, "Read", 10},
                                    {8, 0, "Write", 20},
                                    {8, 0, "Total", 30},
                                    {8, 16, "Read", 1},
                                    {8, 16, "Total", 1}};
  struct events_blkio_entry v2[] = {
      {8, 0, "Read", 10}, {8, 0, "Write", 20}, {8, 16, "Read", 5}};
  struct events_stats st = {0};
  st.blkio[EVENTS_BLKIO_SERVICE_BYTES] = (struct events_blkio_list){v1, 5};
  ok(cgroup_io_bytes(&st) == 31, "io bytes: v1 totals");
  st.blkio[EVENTS_BLKIO_SERVICE_BYTES] = (struct events_blkio_list){v2, 3};
  ok(cgroup_io_bytes(&st) == 35, "io bytes: v2 read + write");
  st.blkio[EVENTS_BLKIO_SERVICE_BYTES] = (struct events_blkio_list){NULL, 0};
  ok(cgroup_io_bytes(&st) == 0, "io bytes: none");
}

int main(void) {
  struct brig_error err = {0};
  struct cgroup *cg = NULL;
  char id[64], path[96];
  check_io_bytes();
  snprintf(id, sizeof(id), "unit-%d", (int)getpid());
  snprintf(path, sizeof(path), "/brig/%s", id);

  ok(cgroup_detect_layout() == CGROUP_LAYOUT_HYBRID, "layout is hybrid");
  ok(cgroup_create(id, NULL, &cg, &err) == 0, "create %s (%s)", path, err.msg);
  if (cg == NULL)
    return tap_done();
  is_str(cgroup_path(cg), path, "recorded path");
  ok(exists_everywhere(path), "made in every hierarchy incl. unified");
  char *cpus = read_cg("cpuset", path, "cpuset.cpus");
  ok(*cpus != '\0' && strcmp(cpus, "(unreadable)") != 0,
     "cpuset.cpus copied from the parent: %s", cpus);
  free(cpus);

  struct spec_memory mem = {.limit = {true, 64 << 20},
                            .swap = {true, 128 << 20},
                            .reservation = {true, 32 << 20},
                            .swappiness = {true, 10}};
  struct spec_cpu cpu = {.shares = {true, 512},
                         .quota = {true, 50000},
                         .period = {true, 100000},
                         .burst = {true, 10000},
                         .cpus = "0",
                         .mems = "0"};
  struct spec_device_cgroup devs[] = {
      {.allow = false, .access = "rwm"},
      {.allow = true,
       .type = "c",
       .major = {true, 1},
       .minor = {true, 3},
       .access = "rw"},
  };
  struct spec_throttle_device rbps = {254, 0, 1048576};
  struct spec_block_io bio = {.throttle_read_bps_device = &rbps,
                              .n_throttle_read_bps_device = 1};
  struct spec_resources res = {.memory = &mem,
                               .cpu = &cpu,
                               .has_pids = true,
                               .pids_limit = {true, 42},
                               .devices = devs,
                               .n_devices = 2,
                               .block_io = &bio};
  ok(cgroup_apply(cg, &res, false, &err) == 0, "apply (%s)", err.msg);
  struct {
    const char *ctrl, *file, *want;
  } checks[] = {
      {"memory", "memory.limit_in_bytes", "67108864"},
      {"memory", "memory.memsw.limit_in_bytes", "134217728"},
      {"memory", "memory.soft_limit_in_bytes", "33554432"},
      {"memory", "memory.swappiness", "10"},
      {"cpu", "cpu.shares", "512"},
      {"cpu", "cpu.cfs_quota_us", "50000"},
      {"cpu", "cpu.cfs_period_us", "100000"},
      {"cpu", "cpu.cfs_burst_us", "10000"},
      {"cpuset", "cpuset.cpus", "0"},
      {"pids", "pids.max", "42"},
      {"blkio", "blkio.throttle.read_bps_device", "254:0 1048576"},
  };
  for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
    char *got = read_cg(checks[i].ctrl, path, checks[i].file);
    is_str(got, checks[i].want, "%s", checks[i].file);
    free(got);
  }
  char *dl = read_cg("devices", path, "devices.list");
  ok(strstr(dl, "c 1:3 rw") && strstr(dl, "c 136:* rwm") &&
         strstr(dl, "c *:* m") && !strstr(dl, "a *:*"),
     "devices.list: deny all, c 1:3 rw, defaults");
  free(dl);

  /* raise, then lower, memory and memsw together: ordering matters */
  mem = (struct spec_memory){.limit = {true, 512 << 20},
                             .swap = {true, 1024 << 20}};
  struct spec_resources up = {.memory = &mem};
  ok(cgroup_apply(cg, &up, true, &err) == 0, "raise limit+swap (%s)", err.msg);
  mem =
      (struct spec_memory){.limit = {true, 8 << 20}, .swap = {true, 16 << 20}};
  ok(cgroup_apply(cg, &up, true, &err) == 0, "lower limit+swap (%s)", err.msg);
  char *lim = read_cg("memory", path, "memory.memsw.limit_in_bytes");
  is_str(lim, "16777216", "memsw lowered");
  free(lim);

  /* The child joins the v1 hierarchies itself ("0" to tasks), the
   * parent writes its pid to the cgroup2 one only. */
  int joined[2];
  char answer = 'x';
  ok(pipe(joined) == 0, "pipe");
  pid_t child = fork();
  if (child == 0) {
    struct brig_error e = {0};
    char c = cgroup_join_self_v1(cg, &e) == 0 ? 'y' : 'n';
    if (write(joined[1], &c, 1) != 1)
      _exit(1);
    pause();
    _exit(0);
  }
  ok(read(joined[0], &answer, 1) == 1 && answer == 'y', "child joined v1");
  close(joined[0]);
  close(joined[1]);
  char *procs = read_cg("memory", path, "cgroup.procs");
  char *procs2 = read_cg("unified", path, "cgroup.procs");
  ok(atoi(procs) == child && *procs2 == '\0',
     "in the v1 hierarchies, not yet in the cgroup2 one");
  free(procs);
  free(procs2);
  for (size_t i = 0; i < sizeof(ctrls) / sizeof(ctrls[0]); i++) {
    if (strcmp(ctrls[i], "unified") == 0)
      continue;
    procs = read_cg(ctrls[i], path, "tasks");
    ok(atoi(procs) == child, "joined %s", ctrls[i]);
    free(procs);
  }
  ok(cgroup_add_pid(cg, child, CGROUP_HIER_V2, &err) == 0, "add pid (%s)",
     err.msg);
  pid_t *pids = NULL;
  size_t n = 0;
  ok(cgroup_pids(cg, &pids, &n, &err) == 0 && n == 1 && pids[0] == child,
     "pids lists the child");
  free(pids);
  procs = read_cg("unified", path, "cgroup.procs");
  ok(atoi(procs) == child, "joined the unified hierarchy too");
  free(procs);
  int cgfd = cgroup_clone_fd(cg);
  ok(cgfd >= 0, "hybrid: an fd of the unified directory for clone3");
  if (cgfd >= 0)
    close(cgfd);

  ok(cgroup_freeze(cg, true, &err) == 0 && cgroup_is_frozen(cg) == 1,
     "freeze (%s)", err.msg);
  /* what `state` and `list` read: the recorded path, one line or a
   * "controllers:path" line per hierarchy */
  char *lines = xasprintf("memory:%s\nfreezer:%s\n:%s", path, path, path);
  char *no_freezer = xasprintf("memory:%s\n:%s", path, path);
  ok(cgroup_path_is_frozen(cgroup_path(cg)) == 1, "frozen by recorded path");
  ok(cgroup_path_is_frozen(lines) == 1, "frozen by per-hierarchy lines");
  /* what create records for them: the freezer hierarchy's file */
  char *ff = cgroup_freezer_file(cg);
  char *want = xasprintf("/sys/fs/cgroup/freezer%s/freezer.state", path);
  is_str(ff, want, "hybrid: the freezer file is the v1 freezer's");
  ok(ff != NULL && cgroup_file_is_frozen(ff) == 1, "frozen by freezer file");
  ok(cgroup_path_is_frozen(no_freezer) == 0,
     "no freezer line: not frozen (as cgroup_open + cgroup_is_frozen)");
  ok(cgroup_freeze(cg, false, &err) == 0 && cgroup_is_frozen(cg) == 0,
     "thaw (%s)", err.msg);
  ok(cgroup_path_is_frozen(cgroup_path(cg)) == 0 &&
         cgroup_path_is_frozen(lines) == 0,
     "thawed by recorded path and by lines");
  ok(ff != NULL && cgroup_file_is_frozen(ff) == 0, "thawed by freezer file");
  ok(cgroup_file_is_frozen("freezer.state") == -1 &&
         cgroup_file_is_frozen("/sys/fs/cgroup/freezer/tasks") == -1 &&
         cgroup_file_is_frozen("/freezer.state") == -1,
     "not a freezer file (relative, another file, no directory): -1");
  ok(cgroup_file_is_frozen("/sys/fs/cgroup/freezer/brig-unit-none/"
                           "freezer.state") == 0,
     "a freezer file gone (its cgroup removed): not frozen");
  free(ff);
  free(want);
  free(lines);
  free(no_freezer);

  struct events_stats st;
  ok(cgroup_stats(cg, &st, &err) == 0 && st.pids.current == 1 &&
         st.pids.limit == 42 && st.memory.usage.limit == 8 << 20 &&
         st.cpu.percpu.n > 0 && st.memory.n_raw > 0,
     "stats: pids, memory, cpu");
  char *js = events_emit_stats(id, &st, &err);
  ok(js && strstr(js, "\"pids\":{\"current\":1,\"limit\":42}") &&
         strstr(js, "\"network_interfaces\":null"),
     "stats JSON");
  free(js);
  events_stats_free(&st);

  int efd = cgroup_oom_eventfd(cg, &err);
  ok(efd >= 0, "oom eventfd (%s)", err.msg);
  if (efd >= 0)
    close(efd);

  char *v = NULL;
  ok(cgroup_get_value(cg, "pids.max", &v, &err) == 0 && atoi(v) == 42,
     "get pids.max");
  free(v);
  ok(cgroup_set_value(cg, "pids.max", "43", &err) == 0, "set pids.max");

  /* a refused value: one line naming the field, the file and the value */
  struct spec_cpu tiny = {.quota = {true, 100}};
  struct spec_resources bad = {.cpu = &tiny};
  ok(cgroup_apply(cg, &bad, true, &err) < 0 &&
         strcmp(err.msg, "linux.resources.cpu.quota: set cpu.cfs_quota_us=100: "
                         "Invalid argument") == 0,
     "refused: %s", err.msg);

  /* paused + SIGKILL: killed and thawed */
  ok(cgroup_freeze(cg, true, &err) == 0, "freeze again");
  ok(cgroup_kill_all(cg, SIGKILL, &err) == 0, "kill all");
  int status = 0;
  ok(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
         WTERMSIG(status) == SIGKILL,
     "child killed");

  struct cgroup *again = NULL;
  ok(cgroup_open(path, &again, &err) == 0, "open by recorded path");
  ok(again && cgroup_destroy(again, &err) == 0, "destroy (%s)", err.msg);
  cgroup_free(again);
  ok(gone_everywhere(path), "removed from every hierarchy");
  ok(cgroup_destroy(cg, &err) == 0, "destroy twice is fine (%s)", err.msg);
  cgroup_free(cg);

  /* what this host lacks */
  struct spec_network net = {.class_id = {true, 0x100001}};
  struct spec_resources r1 = {.network = &net};
  check_refused(id, &r1, "net_cls cgroup controller is not mounted", "net_cls");
  struct spec_rdma rd = {.device = "mlx4_0", .hca_handles = {true, 2}};
  struct spec_resources r2 = {.rdma = &rd, .n_rdma = 1};
  check_refused(id, &r2, "rdma cgroup controller is not mounted", "rdma");
  struct spec_hugepage_limit hp = {.page_size = "2MB", .limit = 1 << 21};
  struct spec_resources r3 = {.hugepage_limits = &hp, .n_hugepage_limits = 1};
  check_refused(id, &r3, "hugetlb.2MB.max", "hugetlb");
  struct spec_block_io lw = {.leaf_weight = {true, 500}};
  struct spec_resources r4 = {.block_io = &lw};
  check_refused(id, &r4, "blkio.leaf_weight does not exist", "leafWeight");
  struct spec_kv uni = {"memory.max", "1000000"};
  struct spec_resources r5 = {.unified = &uni, .n_unified = 1};
  check_refused(id, &r5, "memory controller is not available on the cgroup2",
                "unified");

  /* a cgroup the container made inside its own: its processes are
   * found, killed, and the tree removed */
  ok(cgroup_create(id, NULL, &cg, &err) == 0, "create for nesting");
  if (cg != NULL) {
    pid_t inner = fork();
    if (inner == 0) {
      pause();
      _exit(0);
    }
    char *nested = xasprintf("/sys/fs/cgroup/pids%s/inner", path);
    char *procs_file = xasprintf("%s/cgroup.procs", nested);
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", (int)inner);
    ok(cgroup_add_pid(cg, inner, CGROUP_HIER_ALL, &err) == 0 &&
           mkdir(nested, 0755) == 0 && write_file_str(procs_file, buf) == 0,
       "child moved into a nested cgroup");
    pids = NULL;
    ok(cgroup_pids(cg, &pids, &n, &err) == 0 && n == 1 && pids[0] == inner,
       "pids finds it below");
    free(pids);
    ok(cgroup_destroy(cg, &err) == 0, "destroy the tree (%s)", err.msg);
    ok(waitpid(inner, &status, 0) == inner && WIFSIGNALED(status),
       "nested child killed");
    ok(gone_everywhere(path), "tree removed");
    free(nested);
    free(procs_file);
    cgroup_free(cg);
  }

  /* bad paths never reach the filesystem */
  ok(cgroup_create(id, "/brig/../etc", &cg, &err) < 0, "\"..\" refused: %s",
     err.msg);
  return tap_done();
}
