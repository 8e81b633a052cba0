/* The cgroup v2 driver (a host whose /sys/fs/cgroup is cgroup2): create
 * with the controllers enabled down the path, resources as runc's fs2
 * writes them, stats, freeze through cgroup.freeze, kill through
 * cgroup.kill, OOM events from memory.events, devices as eBPF
 * (cgroup_v2_devices.c), and the no-internal-processes rule on join. */
#include "cgroup_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "util.h"

static const char *dir_of(struct cgroup *cg) {
  return cg->h[0].dir;
}

/* ---- create ---- */

/* Enable in dir's cgroup.subtree_control every controller dir has, all at
 * once, else one by one; one that cannot be enabled (dir holds processes,
 * a controller the kernel refuses there) is left off, as runc does: a
 * resource that needs it then fails naming it. */
static void enable_controllers(const char *dir) {
  _cleanup_free_ char *avail = NULL;
  struct brig_error ignored;
  if (cg_read(dir, "cgroup.controllers", &avail) < 0)
    return;
  _cleanup_free_ char *all = xstrdup("");
  for (char *t = strtok(avail, " \n"); t; t = strtok(NULL, " \n")) {
    char *n = xasprintf("%s%s+%s", all, *all ? " " : "", t);
    free(all);
    all = n;
  }
  if (*all == '\0' ||
      cg_write(dir, "cgroup.subtree_control", all, &ignored) == 0)
    return;
  for (char *t = strtok(all, " "); t; t = strtok(NULL, " "))
    cg_write(dir, "cgroup.subtree_control", t, &ignored);
}

static int v2_create(struct cgroup *cg, unsigned which,
                     struct brig_error *err) {
  struct cgroup_hier *h = &cg->h[0];
  if (!(which & CGROUP_HIER_V2))
    return 0;
  if (cg_mkdir_path(cg, h, NULL, err) < 0)
    return -1;
  /* every ancestor, from the mount down to the container's parent */
  _cleanup_free_ char *rel = xstrdup(h->rel);
  _cleanup_free_ char *dir = xstrdup(h->mount);
  char *save = NULL;
  char *c = strtok_r(rel, "/", &save);
  while (c != NULL) {
    enable_controllers(dir);
    char *next = xasprintf("%s/%s", dir, c);
    free(dir);
    dir = next;
    c = strtok_r(NULL, "/", &save);
  }
  return 0;
}

/* ---- resources ---- */

/* The controller must be enabled for the container's cgroup. */
static int need(struct cgroup *cg, const char *ctrl, const char *resource,
                const char *file, struct brig_error *err) {
  _cleanup_free_ char *list = NULL;
  if (cg_read(dir_of(cg), "cgroup.controllers", &list) == 0 &&
      words_contain(list, ctrl))
    return 0;
  return brig_err(err, 0,
                  "linux.resources.%s: the %s controller is not enabled for "
                  "%s (not in its parent's cgroup.subtree_control) (%s)",
                  resource, ctrl, cg->h[0].rel, file);
}

static int write_max(const char *dir, const char *file, int64_t v,
                     struct brig_error *err) {
  return v < 0 ? cg_write(dir, file, "max", err)
               : cg_write_i64(dir, file, v, err);
}

/* OCI's swap is memory+swap; v2's memory.swap.max is the swap alone
 * (runc's ConvertMemorySwapToCgroupV2Value).  Sets *out (SWAP_LEAVE: not
 * written; 0 when swap equals the limit: no swap, as runc writes it). */
#define SWAP_LEAVE INT64_MIN
static int swap_v2(int64_t swap, int64_t limit, int64_t *out,
                   struct brig_error *err) {
  *out = SWAP_LEAVE;
  if (limit == -1 && swap == 0) {
    *out = -1;
    return 0;
  }
  if (swap == 0)
    return 0;
  if (swap == -1) {
    *out = -1;
    return 0;
  }
  if (limit == 0 || limit == -1)
    return brig_err(err, 0,
                    "linux.resources.memory.swap: a swap limit needs a "
                    "memory limit on cgroup v2 (memory.swap.max)");
  if (swap < limit)
    return brig_err(err, 0,
                    "linux.resources.memory.swap: %" PRId64
                    " is below the memory limit %" PRId64
                    " (memory+swap must be >= memory)",
                    swap, limit);
  *out = swap - limit;
  return 0;
}

static int apply_memory(struct cgroup *cg, const struct spec_memory *m,
                        bool update, struct brig_error *err) {
  const char *dir = dir_of(cg);
  int64_t limit = m->limit.set ? m->limit.v : 0;
  int64_t swap = SWAP_LEAVE;
  if (!(limit || (m->swap.set && m->swap.v) ||
        (m->reservation.set && m->reservation.v)))
    return 0; /* kernel, kernelTCP, swappiness, disableOOMKiller: no v2
                 files; ignored as runc's fs2 does */
  if (need(cg, "memory", "memory", "memory.max", err) < 0 ||
      swap_v2(m->swap.set ? m->swap.v : 0, limit, &swap, err) < 0)
    return -1;
  if (cg_check_memory_before_update(dir, m, update, limit, "memory.max",
                                    "memory.current", err) < 0)
    return -1;
  if (swap != SWAP_LEAVE) {
    if (!cg_file_exists(dir, "memory.swap.max")) {
      if (m->swap.set && m->swap.v != 0 && m->swap.v != -1)
        return brig_err(err, 0,
                        "linux.resources.memory.swap: memory.swap.max does "
                        "not exist on this host (swap accounting is off)");
    } else if (write_max(dir, "memory.swap.max", swap, err) < 0) {
      return -1;
    }
  }
  if (limit != 0 && write_max(dir, "memory.max", limit, err) < 0)
    return -1;
  if (m->reservation.set && m->reservation.v != 0 &&
      write_max(dir, "memory.low", m->reservation.v, err) < 0)
    return -1;
  return 0;
}

/* runc 1.1: cpu.shares [2, 262144] -> cpu.weight [1, 10000] */
uint64_t cgroup_v2_shares_to_weight(uint64_t shares) {
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

static int apply_cpu(struct cgroup *cg, const struct spec_cpu *c,
                     struct brig_error *err) {
  const char *dir = dir_of(cg);
  if ((c->realtime_runtime.set && c->realtime_runtime.v != 0) ||
      (c->realtime_period.set && c->realtime_period.v != 0))
    return brig_err(err, 0,
                    "linux.resources.cpu.realtimeRuntime/realtimePeriod: "
                    "cgroup v2 has no realtime CPU controller");
  bool quota =
      (c->quota.set && c->quota.v != 0) || (c->period.set && c->period.v != 0);
  if ((c->shares.set && c->shares.v) || quota || c->burst.set || c->idle.set) {
    if (need(cg, "cpu", "cpu", "cpu.max", err) < 0)
      return -1;
    /* the kernel refuses a weight while the group is idle: idle 0 before
     * the weight, idle 1 after it */
    if (c->idle.set && c->idle.v == 0 &&
        cg_write_i64(dir, "cpu.idle", 0, err) < 0)
      return -1;
    if (c->shares.set && c->shares.v != 0 &&
        cg_write_u64(dir, "cpu.weight", cgroup_v2_shares_to_weight(c->shares.v),
                     err) < 0)
      return -1;
    struct brig_error ignored;
    /* burst <= quota at every step: the burst first, then again after */
    if (c->burst.set && quota)
      cg_write_u64(dir, "cpu.max.burst", c->burst.v, &ignored);
    if (quota) {
      char buf[64];
      _cleanup_free_ char *cur = NULL;
      int l;
      /* a period alone (update --cpu-period) keeps the quota */
      if (c->quota.set && c->quota.v != 0)
        l = c->quota.v > 0 ? snprintf(buf, sizeof(buf), "%" PRId64, c->quota.v)
                           : snprintf(buf, sizeof(buf), "max");
      else if (cg_read(dir, "cpu.max", &cur) == 0)
        l = snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(cur, " \n"), cur);
      else
        l = snprintf(buf, sizeof(buf), "max");
      if (c->period.set && c->period.v != 0)
        snprintf(buf + l, sizeof(buf) - (size_t)l, " %" PRIu64, c->period.v);
      if (cg_write(dir, "cpu.max", buf, err) < 0)
        return -1;
    }
    if (c->burst.set && cg_write_u64(dir, "cpu.max.burst", c->burst.v, err) < 0)
      return -1;
    if (c->idle.set && c->idle.v != 0 &&
        cg_write_i64(dir, "cpu.idle", c->idle.v, err) < 0)
      return -1;
  }
  if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
    if (need(cg, "cpuset", "cpu.cpus", "cpuset.cpus", err) < 0)
      return -1;
    if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
      return -1;
    if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
      return -1;
  }
  return 0;
}

/* runc: blkio weight [10, 1000] -> io.weight [1, 10000] */
static uint64_t blkio_to_io_weight(uint64_t w) {
  if (w == 0)
    return 0;
  if (w < 10)
    w = 10;
  return 1 + (w - 10) * 9999 / 990;
}

static int write_io_max(const char *dir, const char *key,
                        const struct spec_throttle_device *d, size_t n,
                        struct brig_error *err) {
  for (size_t i = 0; i < n; i++) {
    char line[96];
    /* 0 lifts the limit, as it does on v1 */
    if (d[i].rate == 0)
      snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %s=max", d[i].major,
               d[i].minor, key);
    else
      snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
               d[i].major, d[i].minor, key, d[i].rate);
    if (cg_write(dir, "io.max", line, err) < 0)
      return -1;
  }
  return 0;
}

static int apply_io(struct cgroup *cg, const struct spec_block_io *b,
                    struct brig_error *err) {
  const char *dir = dir_of(cg);
  bool any = (b->weight.set && b->weight.v) || b->n_weight_device ||
             b->n_throttle_read_bps_device || b->n_throttle_write_bps_device ||
             b->n_throttle_read_iops_device || b->n_throttle_write_iops_device;
  for (size_t i = 0; i < b->n_weight_device; i++)
    if (b->weight_device[i].leaf_weight.set)
      return brig_err(err, 0,
                      "linux.resources.blockIO.weightDevice[%zu].leafWeight: "
                      "cgroup v2 has no leaf weight",
                      i);
  if (b->leaf_weight.set && b->leaf_weight.v != 0)
    return brig_err(err, 0,
                    "linux.resources.blockIO.leafWeight: cgroup v2 has no "
                    "leaf weight");
  if (!any)
    return 0;
  if (need(cg, "io", "blockIO", "io.max", err) < 0)
    return -1;
  /* BFQ takes the v1 range as it is; io.weight its own (as runc) */
  bool bfq = cg_file_exists(dir, "io.bfq.weight");
  if (b->weight.set && b->weight.v != 0) {
    if (bfq ? cg_write_u64(dir, "io.bfq.weight", b->weight.v, err) < 0
            : cg_write_u64(dir, "io.weight", blkio_to_io_weight(b->weight.v),
                           err) < 0)
      return -1;
  }
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const struct spec_weight_device *d = &b->weight_device[i];
    if (!d->weight.set || d->weight.v == 0)
      continue;
    /* Only BFQ takes a weight per device (io.weight's needs blk-iocost on
     * that device): without it runc skips them, brig says so */
    if (!bfq) {
      log_warn("linux.resources.blockIO.weightDevice[%zu]: skipped: a "
               "weight per device needs the BFQ scheduler (io.bfq.weight)",
               i);
      continue;
    }
    char line[96];
    snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
             d->minor, d->weight.v);
    if (cg_write(dir, "io.bfq.weight", line, err) < 0)
      return -1;
  }
  if (write_io_max(dir, "rbps", b->throttle_read_bps_device,
                   b->n_throttle_read_bps_device, err) < 0 ||
      write_io_max(dir, "wbps", b->throttle_write_bps_device,
                   b->n_throttle_write_bps_device, err) < 0 ||
      write_io_max(dir, "riops", b->throttle_read_iops_device,
                   b->n_throttle_read_iops_device, err) < 0 ||
      write_io_max(dir, "wiops", b->throttle_write_iops_device,
                   b->n_throttle_write_iops_device, err) < 0)
    return -1;
  return 0;
}

static int apply_hugetlb(struct cgroup *cg, const struct spec_resources *res,
                         struct brig_error *err) {
  const char *dir = dir_of(cg);
  for (size_t i = 0; i < res->n_hugepage_limits; i++) {
    const struct spec_hugepage_limit *l = &res->hugepage_limits[i];
    const char *ps = cg_hugetlb_page_size(l, i, err);
    char file[96];
    if (ps == NULL)
      return -1;
    snprintf(file, sizeof(file), "hugetlb.%s.max", ps);
    if (need(cg, "hugetlb", "hugepageLimits", file, err) < 0 ||
        cg_write_u64(dir, file, l->limit, err) < 0)
      return -1;
    /* reservations are limited alike where the kernel has them (runc) */
    snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", ps);
    if (cg_file_exists(dir, file) && cg_write_u64(dir, file, l->limit, err) < 0)
      return -1;
  }
  return 0;
}

/* linux.resources.unified: each file written as given, after the rest so
 * that it has the last word (runc). */
static int apply_unified(struct cgroup *cg, const struct spec_resources *res,
                         struct brig_error *err) {
  for (size_t i = 0; i < res->n_unified; i++) {
    const char *key = res->unified[i].key;
    _cleanup_free_ char *ctrl = cg_unified_controller(key, err);
    if (ctrl == NULL)
      return -1;
    if (strcmp(ctrl, "cgroup") != 0 && need(cg, ctrl, "unified", key, err) < 0)
      return -1;
    if (cg_write(dir_of(cg), key, res->unified[i].value, err) < 0)
      return brig_err_wrap(err, "linux.resources.unified[\"%s\"]", key);
  }
  return 0;
}

static int v2_apply(struct cgroup *cg, const struct spec_resources *res,
                    bool update, struct brig_error *err) {
  if (res->network &&
      (res->network->class_id.set || res->network->n_priorities))
    return brig_err(err, 0,
                    "linux.resources.network: cgroup v2 has no net_cls or "
                    "net_prio controller");
  if (res->memory && apply_memory(cg, res->memory, update, err) < 0)
    return -1;
  if (res->cpu && apply_cpu(cg, res->cpu, err) < 0)
    return -1;
  if (res->has_pids && res->pids_limit.set && res->pids_limit.v != 0) {
    if (need(cg, "pids", "pids.limit", "pids.max", err) < 0 ||
        write_max(dir_of(cg), "pids.max", res->pids_limit.v, err) < 0)
      return -1;
  }
  if (res->block_io && apply_io(cg, res->block_io, err) < 0)
    return -1;
  if (apply_hugetlb(cg, res, err) < 0)
    return -1;
  if (res->n_rdma && (need(cg, "rdma", "rdma", "rdma.max", err) < 0 ||
                      cg_write_rdma(dir_of(cg), res, err) < 0))
    return -1;
  if (apply_unified(cg, res, err) < 0)
    return -1;
  if (cg_devices_wanted(update)) {
    _cleanup_free_ struct cg_dev_rule *rules = NULL;
    size_t n = 0;
    if (cg_device_rules(res, &rules, &n, err) < 0 ||
        cg_v2_set_devices(dir_of(cg), rules, n, err) < 0)
      return -1;
  }
  return 0;
}

/* ---- join: the no-internal-processes rule ---- */

static bool is_leaf(const char *dir) {
  _cleanup_free_ char *sc = NULL;
  return cg_read(dir, "cgroup.subtree_control", &sc) == 0 &&
         sc[strspn(sc, " \n")] == '\0';
}

static bool has_procs(const char *dir) {
  _cleanup_free_ char *p = NULL;
  return cg_read(dir, "cgroup.procs", &p) == 0 && p[strspn(p, " \n")] != '\0';
}

/* A leaf below dir: one holding processes first (the container's own
 * choice, as runc joins the init's cgroup), else any; NULL if none. */
static char *find_leaf(const char *dir, bool want_procs, int depth) {
  DIR *d = depth < 32 ? opendir(dir) : NULL;
  struct dirent *e;
  char *found = NULL;
  while (d != NULL && found == NULL && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    _cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
    if (is_leaf(sub) && (!want_procs || has_procs(sub)))
      found = xstrdup(sub);
    else
      found = find_leaf(sub, want_procs, depth + 1);
  }
  if (d != NULL)
    closedir(d);
  return found;
}

static int v2_add_pid(struct cgroup *cg, pid_t pid, unsigned which,
                      struct brig_error *err) {
  char buf[16];
  const char *dir = dir_of(cg);
  if (!(which & CGROUP_HIER_V2))
    return 0;
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  if (cg_write(dir, "cgroup.procs", buf, err) == 0)
    return 0;
  if (err->errnum != EBUSY || is_leaf(dir))
    return brig_err_wrap(err, "join cgroup %s", dir);
  /* The container enabled controllers for cgroups of its own: a process
   * may only join a leaf. */
  _cleanup_free_ char *leaf = find_leaf(dir, true, 0);
  if (leaf == NULL)
    leaf = find_leaf(dir, false, 0);
  if (leaf == NULL)
    return brig_err(err, EBUSY,
                    "join cgroup %s: it has controllers enabled for its "
                    "children (cgroup.subtree_control) and no leaf cgroup "
                    "below it to join",
                    dir);
  if (cg_write(leaf, "cgroup.procs", buf, err) < 0)
    return brig_err_wrap(err, "join cgroup %s", leaf);
  return 0;
}

/* ---- freeze, kill ---- */

static int v2_is_frozen(struct cgroup *cg) {
  uint64_t v;
  if (cg_read_u64(dir_of(cg), "cgroup.freeze", &v) < 0)
    return errno == ENOENT ? 0 : -1;
  return v == 1;
}

static int v2_freeze(struct cgroup *cg, bool freeze, struct brig_error *err) {
  const char *dir = dir_of(cg);
  if (cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
    return -1;
  /* A thaw takes effect at the write; "frozen 1" may stay in cgroup.events
   * only through a frozen ancestor, and the container is no longer paused
   * by its own cgroup.freeze (runc checks only that file). */
  if (!freeze)
    return 0;
  /* cgroup.events says "frozen 1" once every task has stopped */
  for (int i = 0; i < 1000; i++) {
    _cleanup_free_ char *ev = NULL;
    if (cg_read(dir, "cgroup.events", &ev) < 0)
      return brig_err(err, errno, "read %s/cgroup.events", dir);
    if (strstr(ev, "frozen 1") != NULL)
      return 0;
    struct timespec ts = {0, 10000000L};
    nanosleep(&ts, NULL);
  }
  return brig_err(err, EBUSY, "freeze %s: timed out", dir);
}

static int v2_kill(struct cgroup *cg, struct brig_error *err) {
  if (!cg_file_exists(dir_of(cg), "cgroup.kill"))
    return brig_err(err, ENOTSUP, "cgroup.kill: not in this kernel");
  return cg_write(dir_of(cg), "cgroup.kill", "1", err);
}

static const char *v2_procs_dir(struct cgroup *cg) {
  return dir_of(cg);
}

static int v2_remove(struct cgroup *cg, struct brig_error *err) {
  if (cg_rmdir_tree(dir_of(cg)) < 0)
    return brig_err(err, errno, "remove cgroup %s", dir_of(cg));
  cg_rmdir_made(cg, false); /* parents a failed create made */
  return 0;
}

/* ---- stats ---- */

static void cpu_stat_kv(void *ctx, const char *k, uint64_t v) {
  struct events_cpu *c = ctx;
  if (strcmp(k, "usage_usec") == 0)
    c->total = v * 1000;
  else if (strcmp(k, "user_usec") == 0)
    c->user = v * 1000;
  else if (strcmp(k, "system_usec") == 0)
    c->kernel = v * 1000;
  else if (strcmp(k, "nr_periods") == 0)
    c->periods = v;
  else if (strcmp(k, "nr_throttled") == 0)
    c->throttled_periods = v;
  else if (strcmp(k, "throttled_usec") == 0)
    c->throttled_time = v * 1000;
}

static void memory_stat_kv(void *ctx, const char *k, uint64_t v) {
  struct events_memory *m = ctx;
  m->raw = xrealloc(m->raw, (m->n_raw + 1) * sizeof(*m->raw));
  m->raw[m->n_raw++] = (struct events_u64_kv){xstrdup(k), v};
  if (strcmp(k, "file") == 0)
    m->cache = v;
}

static void push_blkio(struct events_blkio_list *l, uint64_t maj, uint64_t min,
                       const char *op, uint64_t v) {
  l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
  struct events_blkio_entry *e = &l->v[l->n++];
  *e = (struct events_blkio_entry){.major = maj, .minor = min, .value = v};
  snprintf(e->op, sizeof(e->op), "%s", op);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static void io_stats(const char *dir, struct events_stats *st) {
  _cleanup_free_ char *s = NULL;
  if (cg_read(dir, "io.stat", &s) < 0)
    return;
  char *save = NULL;
  for (char *line = strtok_r(s, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    uint64_t maj, min;
    int off = 0;
    if (sscanf(line, "%" SCNu64 ":%" SCNu64 "%n", &maj, &min, &off) != 2)
      continue;
    char *save2 = NULL;
    for (char *kv = strtok_r(line + off, " ", &save2); kv;
         kv = strtok_r(NULL, " ", &save2)) {
      char key[16];
      uint64_t v;
      if (sscanf(kv, "%15[^=]=%" SCNu64, key, &v) != 2)
        continue;
      if (strcmp(key, "rbytes") == 0)
        push_blkio(&st->blkio[EVENTS_BLKIO_SERVICE_BYTES], maj, min, "Read", v);
      else if (strcmp(key, "wbytes") == 0)
        push_blkio(&st->blkio[EVENTS_BLKIO_SERVICE_BYTES], maj, min, "Write",
                   v);
      else if (strcmp(key, "rios") == 0)
        push_blkio(&st->blkio[EVENTS_BLKIO_SERVICED], maj, min, "Read", v);
      else if (strcmp(key, "wios") == 0)
        push_blkio(&st->blkio[EVENTS_BLKIO_SERVICED], maj, min, "Write", v);
    }
  }
}

static void hugetlb_stats(const char *dir, struct events_stats *st) {
  char sizes[8][24];
  size_t n = cg_hugepage_sizes(sizes, 8);
  for (size_t i = 0; i < n; i++) {
    char f[256];
    snprintf(f, sizeof(f), "hugetlb.%s.current", sizes[i]);
    if (!cg_file_exists(dir, f))
      continue;
    struct events_hugetlb hs = {.page_size = xstrdup(sizes[i])};
    hs.usage = cg_read_u64_or_0(dir, f);
    _cleanup_free_ char *ev = NULL;
    snprintf(f, sizeof(f), "hugetlb.%s.events", sizes[i]);
    if (cg_read(dir, f, &ev) == 0)
      sscanf(ev, "max %" SCNu64, &hs.failcnt);
    st->hugetlb = xrealloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(hs));
    st->hugetlb[st->n_hugetlb++] = hs;
  }
}

static int v2_stats(struct cgroup *cg, struct events_stats *st,
                    struct brig_error *err) {
  const char *dir = dir_of(cg);
  if (!cg_dir_exists(dir))
    return brig_err(err, ENOENT, "stats: cgroup %s is gone", dir);
  cg_read_kv(dir, "cpu.stat", cpu_stat_kv, &st->cpu);
  if (cg_file_exists(dir, "cpuset.cpus.effective")) {
    st->cpuset.present = true;
    cg_read_range_list(dir, "cpuset.cpus.effective", &st->cpuset.cpus);
    cg_read_range_list(dir, "cpuset.mems.effective", &st->cpuset.mems);
  }
  if (cg_file_exists(dir, "memory.current")) {
    struct events_memory *m = &st->memory;
    m->usage.usage = cg_read_u64_or_0(dir, "memory.current");
    m->usage.limit = cg_read_u64_or_0(dir, "memory.max");
    m->usage.max = cg_read_u64_or_0(dir, "memory.peak");
    /* runc reports swap as memory+swap, like v1's memsw */
    m->swap.usage =
        cg_read_u64_or_0(dir, "memory.swap.current") + m->usage.usage;
    m->swap.limit = cg_read_u64_or_0(dir, "memory.swap.max");
    if (m->swap.limit != UINT64_MAX && m->usage.limit != UINT64_MAX)
      m->swap.limit += m->usage.limit;
    else
      m->swap.limit = UINT64_MAX;
    _cleanup_free_ char *ev = NULL;
    if (cg_read(dir, "memory.events", &ev) == 0) {
      char *p = strstr(ev, "\nmax ");
      if (p != NULL)
        m->usage.failcnt = strtoull(p + 5, NULL, 10);
    }
    cg_read_kv(dir, "memory.stat", memory_stat_kv, m);
  }
  if (cg_file_exists(dir, "pids.current")) {
    st->pids.current = cg_read_u64_or_0(dir, "pids.current");
    st->pids.limit = cg_read_u64_or_0(dir, "pids.max");
    if (st->pids.limit == UINT64_MAX)
      st->pids.limit = 0; /* "max", as runc reports it */
  }
  io_stats(dir, st);
  hugetlb_stats(dir, st);
  return 0;
}

/* ---- OOM events ---- */

/* The oom_kill count in memory.events, -1 when unreadable. */
static int64_t oom_kills(const char *dir) {
  _cleanup_free_ char *ev = NULL;
  if (cg_read(dir, "memory.events", &ev) < 0)
    return -1;
  char *p = strstr(ev, "oom_kill ");
  return p ? (int64_t)strtoull(p + 9, NULL, 10) : 0;
}

struct oom_watch {
  char *dir;
  int ino, efd;
  int64_t seen;
};

/* The kernel notifies memory.events with IN_MODIFY on every change; a rise
 * of oom_kill adds the difference to the eventfd.  The thread ends when
 * the cgroup goes (IN_IGNORED). */
static void *oom_thread(void *arg) {
  struct oom_watch *w = arg;
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool gone = false;
  while (!gone) {
    ssize_t n = read(w->ino, buf, sizeof(buf));
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      break;
    }
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      if (ev->mask & (IN_IGNORED | IN_DELETE_SELF))
        gone = true;
      p += sizeof(*ev) + ev->len;
    }
    int64_t now = oom_kills(w->dir);
    if (now > w->seen) {
      uint64_t add = (uint64_t)(now - w->seen);
      w->seen = now;
      if (write(w->efd, &add, sizeof(add)) < 0)
        break;
    }
  }
  close(w->ino);
  close(w->efd);
  free(w->dir);
  free(w);
  return NULL;
}

static int v2_oom_eventfd(struct cgroup *cg, struct brig_error *err) {
  const char *dir = dir_of(cg);
  _cleanup_close_ int efd = -1, ino = -1, mine = -1;
  if (!cg_file_exists(dir, "memory.events"))
    return brig_err(err, 0,
                    "oom events: %s/memory.events does not exist (the memory "
                    "controller is not enabled)",
                    dir);
  efd = eventfd(0, EFD_CLOEXEC);
  if (efd < 0)
    return brig_err(err, errno, "oom events: eventfd");
  ino = inotify_init1(IN_CLOEXEC);
  if (ino < 0)
    return brig_err(err, errno, "oom events: inotify_init1");
  _cleanup_free_ char *path = xasprintf("%s/memory.events", dir);
  if (inotify_add_watch(ino, path, IN_MODIFY) < 0)
    return brig_err(err, errno, "oom events: watch %s", path);
  /* the thread keeps its own descriptor: the caller closes the one it
   * gets whenever it likes */
  mine = fcntl(efd, F_DUPFD_CLOEXEC, 3);
  if (mine < 0)
    return brig_err(err, errno, "oom events: dup");
  struct oom_watch *w = xcalloc(1, sizeof(*w));
  w->dir = xstrdup(dir);
  w->ino = ino;
  w->efd = mine;
  w->seen = oom_kills(dir);
  pthread_t t;
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  brig_alloc_threaded();
  int r = pthread_create(&t, &at, oom_thread, w);
  pthread_attr_destroy(&at);
  if (r != 0) {
    free(w->dir);
    free(w);
    return brig_err(err, r, "oom events: start the watcher");
  }
  ino = -1;
  mine = -1;
  return steal_fd(&efd);
}

const struct cgroup_driver cgroup_driver_v2 = {
    .name = "cgroupfs-v2",
    .create = v2_create,
    .apply = v2_apply,
    .add_pid = v2_add_pid,
    .freeze = v2_freeze,
    .is_frozen = v2_is_frozen,
    .kill = v2_kill,
    .procs_dir = v2_procs_dir,
    .remove = v2_remove,
    .stats = v2_stats,
    .oom_eventfd = v2_oom_eventfd,
};
