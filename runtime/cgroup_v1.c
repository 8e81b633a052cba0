/* The cgroup v1 driver, also used on hybrid hosts (v1 controllers plus a
 * cgroup2 mount at /sys/fs/cgroup/unified, which is created and joined at
 * the same path).  Resources are in cgroup_v1_resources.c. */
#include "cgroup_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void msleep(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static char *parent_dir(const char *dir) {
  char *p = xstrdup(dir);
  char *slash = strrchr(p, '/');
  if (slash != NULL && slash != p)
    *slash = '\0';
  return p;
}

/* The kernel refuses tasks in a cpuset whose cpus or mems are empty, and a
 * new cpuset starts empty: copy the parent's values down (1 when it had
 * to).  A parent brig makes gets cgroup.clone_children, so the kernel
 * fills in its children at mkdir: writing cpuset.cpus checks it against
 * every sibling under the global cpuset lock, costly with many containers
 * alive. */
static int cpuset_inherit(const char *dir, struct brig_error *err) {
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  _cleanup_free_ char *parent = parent_dir(dir);
  int copied = 0;
  for (size_t i = 0; i < 2; i++) {
    _cleanup_free_ char *cur = NULL, *up = NULL;
    if (cg_read(dir, files[i], &cur) < 0)
      return brig_err(err, errno, "read %s/%s", dir, files[i]);
    if (cur[strspn(cur, " \n")] != '\0')
      continue; /* already set */
    if (cg_read(parent, files[i], &up) < 0)
      return brig_err(err, errno, "read %s/%s", parent, files[i]);
    up[strcspn(up, "\n")] = '\0';
    if (*up == '\0') {
      /* a parent brig did not make, as empty: filled first, as runc
       * fills every empty cpuset on the way (the root never is) */
      free(up);
      up = NULL;
      if (cpuset_inherit(parent, err) < 0)
        return -1;
      if (cg_read(parent, files[i], &up) < 0)
        return brig_err(err, errno, "read %s/%s", parent, files[i]);
      up[strcspn(up, "\n")] = '\0';
    }
    if (*up && cg_write(dir, files[i], up, err) < 0)
      return -1;
    copied = 1;
  }
  return copied;
}

/* A parent on the way to the container's cgroup, just made. */
static int cpuset_made(const char *dir, bool leaf, struct brig_error *err) {
  if (leaf) /* v1_create sees to it */
    return 0;
  if (cpuset_inherit(dir, err) < 0)
    return -1;
  return cg_write(dir, "cgroup.clone_children", "1", err);
}

static int v1_create(struct cgroup *cg, unsigned which,
                     struct brig_error *err) {
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_hier *h = &cg->h[i];
    bool cpuset = !h->unified && cg_hier(cg, "cpuset") == h;
    _cleanup_free_ char *up = NULL, *updir = NULL;
    struct brig_error ignored = {0};
    int copied;
    if (!(which & (h->unified ? CGROUP_HIER_V2 : CGROUP_HIER_V1)))
      continue;
    if (cg_mkdir_path(cg, h, cpuset ? cpuset_made : NULL, err) < 0)
      return -1;
    if (!cpuset)
      continue;
    copied = cpuset_inherit(h->dir, err);
    if (copied < 0)
      return -1;
    /* brig's own /brig made by an older brig, without clone_children:
     * set it once, so the next containers need no copy. */
    up = parent_dir(h->rel);
    updir = parent_dir(h->dir);
    if (copied && strcmp(up, CGROUP_DEFAULT_PARENT) == 0)
      cg_write(updir, "cgroup.clone_children", "1", &ignored);
  }
  return 0;
}

static int v1_add_pid(struct cgroup *cg, pid_t pid, unsigned which,
                      struct brig_error *err) {
  char buf[16];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  for (size_t i = 0; i < cg->n; i++)
    if ((which & (cg->h[i].unified ? CGROUP_HIER_V2 : CGROUP_HIER_V1)) &&
        cg_write(cg->h[i].dir, "cgroup.procs", buf, err) < 0)
      return brig_err_wrap(err, "join cgroup %s", cg->h[i].dir);
  return 0;
}

static int freezer_state(const char *dir, char *buf, size_t len) {
  if (cg_read_small(dir, "freezer.state", buf, len) < 0)
    return -1;
  buf[strcspn(buf, "\n")] = '\0';
  return 0;
}

/* Frozen by its own freezer.state, not only by an ancestor's: runc reads
 * freezer.self_freezing, and a cgroup frozen through its parent alone is
 * not paused (true where the kernel lacks the file). */
static bool self_frozen(const char *dir) {
  char s[8];
  return cg_read_small(dir, "freezer.self_freezing", s, sizeof(s)) < 0 ||
         s[0] != '0';
}

static int v1_freeze(struct cgroup *cg, bool freeze, struct brig_error *err) {
  struct cgroup_hier *h = cg_hier(cg, "freezer");
  const char *want = freeze ? "FROZEN" : "THAWED";
  char state[32];
  if (h == NULL)
    return brig_err(err, 0,
                    "the freezer cgroup controller is not mounted "
                    "on this host");
  if (cg_write(h->dir, "freezer.state", want, err) < 0)
    return -1;
  /* About 10 s.  A freeze can stall on a task in an uninterruptible
   * sleep: thaw and try again now and then, as runc does. */
  for (int i = 0; i < 1000; i++) {
    if (freezer_state(h->dir, state, sizeof(state)) < 0)
      return brig_err(err, errno, "read %s/freezer.state", h->dir);
    if (strcmp(state, want) == 0 || (!freeze && !self_frozen(h->dir)))
      return 0; /* thawed; a frozen ancestor keeps it FROZEN (runc) */
    if (freeze && i % 50 == 49) {
      if (cg_write(h->dir, "freezer.state", "THAWED", err) < 0 ||
          cg_write(h->dir, "freezer.state", "FROZEN", err) < 0)
        return -1;
    }
    msleep(i < 10 ? 1 : 10);
  }
  if (freeze)
    cg_write(h->dir, "freezer.state", "THAWED", err);
  return brig_err(err, EBUSY, "%s %s: freezer.state stays %s",
                  freeze ? "freeze" : "thaw", h->dir, state);
}

static int v1_is_frozen(struct cgroup *cg) {
  struct cgroup_hier *h = cg_hier(cg, "freezer");
  char state[32];
  if (h == NULL)
    return 0;
  if (freezer_state(h->dir, state, sizeof(state)) < 0)
    return errno == ENOENT ? 0 : -1;
  return strcmp(state, "FROZEN") == 0 && self_frozen(h->dir);
}

static const char *v1_procs_dir(struct cgroup *cg) {
  static const char *const prefer[] = {"pids", "freezer", "memory", "cpu"};
  for (size_t i = 0; i < sizeof(prefer) / sizeof(prefer[0]); i++) {
    struct cgroup_hier *h = cg_hier(cg, prefer[i]);
    if (h != NULL)
      return h->dir;
  }
  return cg->h[0].dir;
}

static int v1_remove(struct cgroup *cg, struct brig_error *err) {
  int ret = 0;
  for (size_t i = 0; i < cg->n; i++) {
    if (cg_rmdir_tree(cg->h[i].dir) < 0 && ret == 0)
      ret = brig_err(err, errno, "remove cgroup %s", cg->h[i].dir);
  }
  cg_rmdir_made(cg, false); /* parents a failed create made */
  return ret;
}

/* ---- stats ---- */

static void list_push(struct events_u64_list *l, uint64_t v) {
  l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
  l->v[l->n++] = v;
}

static void read_u64_list(const char *dir, const char *file,
                          struct events_u64_list *l) {
  _cleanup_free_ char *s = NULL;
  if (cg_read(dir, file, &s) < 0)
    return;
  for (char *t = strtok(s, " \n"); t; t = strtok(NULL, " \n")) {
    uint64_t v;
    if (parse_u64(t, &v) == 0)
      list_push(l, v);
  }
}

static void cpuacct_stat_kv(void *ctx, const char *k, uint64_t v) {
  struct events_cpu *c = ctx;
  long hz = sysconf(_SC_CLK_TCK);
  uint64_t ns = v * (1000000000ULL / (uint64_t)(hz > 0 ? hz : 100));
  if (strcmp(k, "user") == 0)
    c->user = ns;
  else if (strcmp(k, "system") == 0)
    c->kernel = ns;
}

static void cpu_stat_kv(void *ctx, const char *k, uint64_t v) {
  struct events_cpu *c = ctx;
  if (strcmp(k, "nr_periods") == 0)
    c->periods = v;
  else if (strcmp(k, "nr_throttled") == 0)
    c->throttled_periods = v;
  else if (strcmp(k, "throttled_time") == 0)
    c->throttled_time = v;
}

static void memory_stat_kv(void *ctx, const char *k, uint64_t v) {
  struct events_memory *m = ctx;
  m->raw = xrealloc(m->raw, (m->n_raw + 1) * sizeof(*m->raw));
  m->raw[m->n_raw++] = (struct events_u64_kv){xstrdup(k), v};
  if (strcmp(k, "cache") == 0)
    m->cache = v;
}

static void mem_entry(const char *dir, const char *prefix,
                      struct events_mem_entry *e) {
  char f[96];
  snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
  e->limit = cg_read_u64_or_0(dir, f);
  snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
  e->usage = cg_read_u64_or_0(dir, f);
  snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
  e->max = cg_read_u64_or_0(dir, f);
  snprintf(f, sizeof(f), "%s.failcnt", prefix);
  e->failcnt = cg_read_u64_or_0(dir, f);
}

/* "8:0 Read 4096" lines; the "Total N" summary is skipped. */
static void read_blkio(const char *dir, const char *file,
                       struct events_blkio_list *l) {
  _cleanup_free_ char *s = NULL;
  if (cg_read(dir, file, &s) < 0)
    return;
  for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
    struct events_blkio_entry e = {0};
    char op[16] = "";
    int n = sscanf(line, "%" SCNu64 ":%" SCNu64 " %15s %" SCNu64, &e.major,
                   &e.minor, op, &e.value);
    if (n == 3) { /* "8:0 1234": no op */
      e.value = strtoull(op, NULL, 10);
      op[0] = '\0';
    } else if (n != 4) {
      continue;
    }
    snprintf(e.op, sizeof(e.op), "%s", op);
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = e;
  }
}

static void hugetlb_stats(const char *dir, struct events_stats *st) {
  char sizes[8][24];
  size_t n = cg_hugepage_sizes(sizes, 8);
  for (size_t i = 0; i < n; i++) {
    char f[256];
    snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", sizes[i]);
    if (!cg_file_exists(dir, f))
      continue;
    struct events_hugetlb hs = {.page_size = xstrdup(sizes[i])};
    hs.usage = cg_read_u64_or_0(dir, f);
    snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", sizes[i]);
    hs.max = cg_read_u64_or_0(dir, f);
    snprintf(f, sizeof(f), "hugetlb.%s.failcnt", sizes[i]);
    hs.failcnt = cg_read_u64_or_0(dir, f);
    st->hugetlb = xrealloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(hs));
    st->hugetlb[st->n_hugetlb++] = hs;
  }
}

static int v1_stats(struct cgroup *cg, struct events_stats *st,
                    struct brig_error *err) {
  struct cgroup_hier *h;
  (void)err;
  if ((h = cg_hier(cg, "cpuacct")) != NULL) {
    st->cpu.total = cg_read_u64_or_0(h->dir, "cpuacct.usage");
    read_u64_list(h->dir, "cpuacct.usage_percpu", &st->cpu.percpu);
    read_u64_list(h->dir, "cpuacct.usage_percpu_sys", &st->cpu.percpu_kernel);
    read_u64_list(h->dir, "cpuacct.usage_percpu_user", &st->cpu.percpu_user);
    cg_read_kv(h->dir, "cpuacct.stat", cpuacct_stat_kv, &st->cpu);
  }
  if ((h = cg_hier(cg, "cpu")) != NULL)
    cg_read_kv(h->dir, "cpu.stat", cpu_stat_kv, &st->cpu);
  if ((h = cg_hier(cg, "cpuset")) != NULL) {
    struct events_cpuset *c = &st->cpuset;
    _cleanup_free_ char *lvl = NULL;
    c->present = true;
    cg_read_range_list(h->dir, "cpuset.cpus", &c->cpus);
    cg_read_range_list(h->dir, "cpuset.mems", &c->mems);
    c->cpu_exclusive = cg_read_u64_or_0(h->dir, "cpuset.cpu_exclusive");
    c->mem_hardwall = cg_read_u64_or_0(h->dir, "cpuset.mem_hardwall");
    c->mem_exclusive = cg_read_u64_or_0(h->dir, "cpuset.mem_exclusive");
    c->memory_migrate = cg_read_u64_or_0(h->dir, "cpuset.memory_migrate");
    c->memory_spread_page =
        cg_read_u64_or_0(h->dir, "cpuset.memory_spread_page");
    c->memory_spread_slab =
        cg_read_u64_or_0(h->dir, "cpuset.memory_spread_slab");
    c->memory_pressure = cg_read_u64_or_0(h->dir, "cpuset.memory_pressure");
    c->sched_load_balance =
        cg_read_u64_or_0(h->dir, "cpuset.sched_load_balance");
    if (cg_read(h->dir, "cpuset.sched_relax_domain_level", &lvl) == 0)
      c->sched_relax_domain_level = strtoll(lvl, NULL, 10);
  }
  if ((h = cg_hier(cg, "memory")) != NULL) {
    mem_entry(h->dir, "memory", &st->memory.usage);
    mem_entry(h->dir, "memory.memsw", &st->memory.swap);
    mem_entry(h->dir, "memory.kmem", &st->memory.kernel);
    mem_entry(h->dir, "memory.kmem.tcp", &st->memory.kernel_tcp);
    cg_read_kv(h->dir, "memory.stat", memory_stat_kv, &st->memory);
  }
  if ((h = cg_hier(cg, "pids")) != NULL) {
    st->pids.current = cg_read_u64_or_0(h->dir, "pids.current");
    st->pids.limit = cg_read_u64_or_0(h->dir, "pids.max");
    if (st->pids.limit == UINT64_MAX)
      st->pids.limit = 0; /* "max": no limit, as runc reports it */
  }
  if ((h = cg_hier(cg, "blkio")) != NULL) {
    /* The first of CFQ's, BFQ's and the throttle counters that has an
     * entry, as runc: BFQ's files exist but stay empty on a disk another
     * scheduler drives. */
    static const char *const sets[][2] = {
        {"blkio.io_service_bytes_recursive", "blkio.io_serviced_recursive"},
        {"blkio.bfq.io_service_bytes_recursive",
         "blkio.bfq.io_serviced_recursive"},
        {"blkio.throttle.io_service_bytes_recursive",
         "blkio.throttle.io_serviced_recursive"},
    };
    for (size_t i = 0; i < 3; i++) {
      read_blkio(h->dir, sets[i][0], &st->blkio[EVENTS_BLKIO_SERVICE_BYTES]);
      if (st->blkio[EVENTS_BLKIO_SERVICE_BYTES].n == 0)
        continue;
      read_blkio(h->dir, sets[i][1], &st->blkio[EVENTS_BLKIO_SERVICED]);
      if (i == 0) {
        read_blkio(h->dir, "blkio.io_queued_recursive",
                   &st->blkio[EVENTS_BLKIO_QUEUED]);
        read_blkio(h->dir, "blkio.io_service_time_recursive",
                   &st->blkio[EVENTS_BLKIO_SERVICE_TIME]);
        read_blkio(h->dir, "blkio.io_wait_time_recursive",
                   &st->blkio[EVENTS_BLKIO_WAIT_TIME]);
        read_blkio(h->dir, "blkio.io_merged_recursive",
                   &st->blkio[EVENTS_BLKIO_MERGED]);
        read_blkio(h->dir, "blkio.time_recursive",
                   &st->blkio[EVENTS_BLKIO_TIME]);
        read_blkio(h->dir, "blkio.sectors_recursive",
                   &st->blkio[EVENTS_BLKIO_SECTORS]);
      }
      break;
    }
  }
  if ((h = cg_hier(cg, "hugetlb")) != NULL)
    hugetlb_stats(h->dir, st);
  return 0;
}

static int v1_oom_eventfd(struct cgroup *cg, struct brig_error *err) {
  struct cgroup_hier *h = cg_hier(cg, "memory");
  _cleanup_close_ int efd = -1, ofd = -1;
  char buf[32];
  if (h == NULL)
    return brig_err(err, 0,
                    "oom events: the memory cgroup controller is "
                    "not mounted on this host");
  _cleanup_free_ char *oc = xasprintf("%s/memory.oom_control", h->dir);
  efd = eventfd(0, EFD_CLOEXEC);
  if (efd < 0)
    return brig_err(err, errno, "oom events: eventfd");
  ofd = open(oc, O_RDONLY | O_CLOEXEC);
  if (ofd < 0)
    return brig_err(err, errno, "oom events: open %s", oc);
  snprintf(buf, sizeof(buf), "%d %d", efd, ofd);
  if (cg_write(h->dir, "cgroup.event_control", buf, err) < 0)
    return brig_err_wrap(err, "oom events");
  return steal_fd(&efd);
}

const struct cgroup_driver cgroup_driver_v1 = {
    .name = "cgroupfs-v1",
    .create = v1_create,
    .apply = cgroup_v1_apply,
    .add_pid = v1_add_pid,
    .freeze = v1_freeze,
    .is_frozen = v1_is_frozen,
    .procs_dir = v1_procs_dir,
    .remove = v1_remove,
    .stats = v1_stats,
    .oom_eventfd = v1_oom_eventfd,
};
