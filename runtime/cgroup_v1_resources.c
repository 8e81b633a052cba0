/* linux.resources on cgroup v1 (and hybrid): one function per controller.
 * A controller or file the host lacks, or a value the kernel refuses,
 * fails with one line naming the resource and the file. */
#include "cgroup_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The hierarchy of `ctrl`, or an error naming the resource and the file it
 * would have written. */
static struct cgroup_hier *need(struct cgroup *cg, const char *ctrl,
                                const char *resource, const char *file,
                                struct brig_error *err) {
  struct cgroup_hier *h = cg_hier(cg, ctrl);
  if (h == NULL)
    brig_err(err, 0,
             "linux.resources.%s: the %s cgroup controller is not mounted "
             "on this host (%s)",
             resource, ctrl, file);
  return h;
}

/* ---- memory ---- */

static int set_memory_limit(const char *dir, int64_t limit,
                            struct brig_error *err) {
  if (cg_write_i64(dir, "memory.limit_in_bytes", limit, err) < 0) {
    if (err->errnum == EBUSY) {
      uint64_t usage = 0, peak = 0;
      cg_read_u64(dir, "memory.usage_in_bytes", &usage);
      cg_read_u64(dir, "memory.max_usage_in_bytes", &peak);
      size_t l = strlen(err->msg);
      snprintf(err->msg + l, sizeof(err->msg) - l,
               " (current usage: %" PRIu64 ", peak usage: %" PRIu64 ")", usage,
               peak);
    }
    return -1;
  }
  return 0;
}

static int apply_memory(struct cgroup *cg, const struct spec_memory *m,
                        bool update, struct brig_error *err) {
  struct cgroup_hier *h =
      need(cg, "memory", "memory", "memory.limit_in_bytes", err);
  if (h == NULL)
    return -1;
  const char *dir = h->dir;
  /* As runc: 0 means "leave alone"; unlimited memory implies unlimited
   * memory+swap, since memsw may never be below the limit. */
  int64_t limit = m->limit.set ? m->limit.v : 0;
  int64_t swap = m->swap.set ? m->swap.v : 0;
  if (limit == -1 && swap == 0)
    swap = -1;
  if (swap != 0 && !cg_file_exists(dir, "memory.memsw.limit_in_bytes")) {
    if (!m->swap.set)
      swap = 0; /* implied only */
    else
      return brig_err(err, 0,
                      "linux.resources.memory.swap: "
                      "memory.memsw.limit_in_bytes does not exist on this "
                      "host (swap accounting is off)");
  }
  if (cg_check_memory_before_update(dir, m, update, limit,
                                    "memory.limit_in_bytes",
                                    "memory.usage_in_bytes", err) < 0)
    return -1;
  if (limit != 0 && swap != 0) {
    /* memsw >= limit at every step: raise memsw first, lower it last */
    uint64_t cur = 0;
    cg_read_u64(dir, "memory.limit_in_bytes", &cur);
    if (swap == -1 || cur < (uint64_t)swap) {
      if (cg_write_i64(dir, "memory.memsw.limit_in_bytes", swap, err) < 0 ||
          set_memory_limit(dir, limit, err) < 0)
        return -1;
    } else {
      if (set_memory_limit(dir, limit, err) < 0 ||
          cg_write_i64(dir, "memory.memsw.limit_in_bytes", swap, err) < 0)
        return -1;
    }
  } else {
    if (limit != 0 && set_memory_limit(dir, limit, err) < 0)
      return -1;
    if (swap != 0 &&
        cg_write_i64(dir, "memory.memsw.limit_in_bytes", swap, err) < 0)
      return -1;
  }
  if (m->reservation.set && m->reservation.v != 0 &&
      cg_write_i64(dir, "memory.soft_limit_in_bytes", m->reservation.v, err) <
          0)
    return -1;
  /* memory.kernel and kernelTCP: ignored, as runc 1.1 (cgroup_apply
   * warns); the kmem limit is deprecated, refused by Linux 5.16-6.0, a
   * no-op after */
  if (m->swappiness.set) {
    if (m->swappiness.v > 100)
      return brig_err(err, 0,
                      "linux.resources.memory.swappiness: %" PRIu64
                      " is out of range 0-100 (memory.swappiness)",
                      m->swappiness.v);
    if (cg_write_u64(dir, "memory.swappiness", m->swappiness.v, err) < 0)
      return -1;
  }
  if (m->disable_oom_killer.set && (m->disable_oom_killer.v || update) &&
      cg_write(dir, "memory.oom_control", m->disable_oom_killer.v ? "1" : "0",
               err) < 0)
    return -1;
  return 0;
}

/* ---- cpu, cpuset ---- */

/* cpu.rt_runtime_us refused with EINVAL: most often over the parent's own
 * share (a new cgroup's is 0, /brig's among them), which is said. */
static int rt_runtime_refused(const char *dir, struct brig_error *err) {
  _cleanup_free_ char *parent = xstrdup(dir);
  char *slash = strrchr(parent, '/');
  uint64_t share;
  if (err->errnum != EINVAL || slash == NULL)
    return -1;
  *slash = '\0';
  if (cg_read_u64(parent, "cpu.rt_runtime_us", &share) < 0)
    return -1;
  _cleanup_free_ char *msg = xstrdup(err->msg);
  brig_err(err, 0,
           "%s (the parent cgroup's cpu.rt_runtime_us is %" PRIu64
           ": a cgroup gets at most its parent's real-time share)",
           msg, share);
  err->errnum = EINVAL;
  return -1;
}

static int apply_cpu(struct cgroup *cg, const struct spec_cpu *c,
                     struct brig_error *err) {
  bool any_cpu = c->shares.set || c->quota.set || c->period.set ||
                 c->burst.set || c->realtime_runtime.set ||
                 c->realtime_period.set || c->idle.set;
  if (any_cpu) {
    struct cgroup_hier *h = need(cg, "cpu", "cpu", "cpu.shares", err);
    if (h == NULL)
      return -1;
    const char *dir = h->dir;
    if (c->shares.set && c->shares.v != 0) {
      uint64_t got;
      if (cg_write_u64(dir, "cpu.shares", c->shares.v, err) < 0)
        return -1;
      /* the kernel clamps silently: say so */
      if (cg_read_u64(dir, "cpu.shares", &got) == 0 && got != c->shares.v)
        return brig_err(
            err, 0, "set cpu.shares=%" PRIu64 ": the kernel allows %s %" PRIu64,
            c->shares.v, got > c->shares.v ? "at least" : "at most", got);
    }
    /* cfs_burst_us <= cfs_quota_us at every step: when both change, try
     * the burst first, then the quota, then the burst again. */
    if (c->burst.set && c->quota.set) {
      struct brig_error ignored;
      cg_write_u64(dir, "cpu.cfs_burst_us", c->burst.v, &ignored);
    }
    if (c->period.set && c->period.v != 0) {
      if (cg_write_u64(dir, "cpu.cfs_period_us", c->period.v, err) < 0) {
        /* a shorter period can be refused by the current quota */
        if (!(c->quota.set && c->quota.v != 0) ||
            cg_write_i64(dir, "cpu.cfs_quota_us", c->quota.v, err) < 0 ||
            cg_write_u64(dir, "cpu.cfs_period_us", c->period.v, err) < 0)
          return -1;
      }
    }
    if (c->quota.set && c->quota.v != 0 &&
        cg_write_i64(dir, "cpu.cfs_quota_us", c->quota.v, err) < 0)
      return -1;
    if (c->burst.set &&
        cg_write_u64(dir, "cpu.cfs_burst_us", c->burst.v, err) < 0)
      return -1;
    /* The kernel checks each write against the other value's current
     * one (runtime <= period, the parent's share): a period it refuses
     * is written again after the runtime (runc 1.1.13). */
    bool period = c->realtime_period.set && c->realtime_period.v != 0;
    bool runtime = c->realtime_runtime.set && c->realtime_runtime.v != 0;
    bool period_again = false;
    if (period &&
        cg_write_u64(dir, "cpu.rt_period_us", c->realtime_period.v, err) < 0) {
      if (err->errnum != EINVAL || !runtime)
        return -1;
      brig_err_clear(err);
      period_again = true;
    }
    if (runtime &&
        cg_write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime.v, err) < 0)
      return rt_runtime_refused(dir, err);
    if (period_again &&
        cg_write_u64(dir, "cpu.rt_period_us", c->realtime_period.v, err) < 0)
      return -1;
    if (c->idle.set && (c->idle.v != 0 || cg_file_exists(dir, "cpu.idle")) &&
        cg_write_i64(dir, "cpu.idle", c->idle.v, err) < 0)
      return -1;
  }
  if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
    struct cgroup_hier *h = need(cg, "cpuset", "cpu.cpus", "cpuset.cpus", err);
    if (h == NULL)
      return -1;
    if (c->cpus && *c->cpus &&
        cg_write(h->dir, "cpuset.cpus", c->cpus, err) < 0)
      return -1;
    if (c->mems && *c->mems &&
        cg_write(h->dir, "cpuset.mems", c->mems, err) < 0)
      return -1;
  }
  return 0;
}

/* ---- block io ---- */

static int write_throttle(const char *dir, const char *file,
                          const struct spec_throttle_device *d, size_t n,
                          struct brig_error *err) {
  for (size_t i = 0; i < n; i++) {
    char line[96];
    snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major,
             d[i].minor, d[i].rate);
    if (cg_write(dir, file, line, err) < 0)
      return -1;
  }
  return 0;
}

static int apply_blkio(struct cgroup *cg, const struct spec_block_io *b,
                       struct brig_error *err) {
  bool any = b->weight.set || b->leaf_weight.set || b->n_weight_device ||
             b->n_throttle_read_bps_device || b->n_throttle_write_bps_device ||
             b->n_throttle_read_iops_device || b->n_throttle_write_iops_device;
  if (!any)
    return 0;
  struct cgroup_hier *h = need(cg, "blkio", "blockIO", "blkio.weight", err);
  if (h == NULL)
    return -1;
  const char *dir = h->dir;
  /* CFQ's blkio.weight, else BFQ's (as runc 1.1) */
  bool bfq = !cg_file_exists(dir, "blkio.weight") &&
             cg_file_exists(dir, "blkio.bfq.weight");
  const char *wfile = bfq ? "blkio.bfq.weight" : "blkio.weight";
  const char *wdfile = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
  if (b->weight.set && b->weight.v != 0) {
    if (!cg_file_exists(dir, wfile))
      return brig_err(err, 0,
                      "linux.resources.blockIO.weight: neither blkio.weight "
                      "nor blkio.bfq.weight exists on this host");
    if (cg_write_u64(dir, wfile, b->weight.v, err) < 0)
      return -1;
  }
  if (b->leaf_weight.set && b->leaf_weight.v != 0) {
    if (!cg_file_exists(dir, "blkio.leaf_weight"))
      return brig_err(err, 0,
                      "linux.resources.blockIO.leafWeight: blkio.leaf_weight "
                      "does not exist on this host (no CFQ scheduler)");
    if (cg_write_u64(dir, "blkio.leaf_weight", b->leaf_weight.v, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const struct spec_weight_device *d = &b->weight_device[i];
    char line[96];
    /* 0: not given (runc writes neither then) */
    if (d->weight.set && d->weight.v != 0) {
      if (!cg_file_exists(dir, wdfile))
        return brig_err(err, 0,
                        "linux.resources.blockIO.weightDevice: neither "
                        "blkio.weight_device nor blkio.bfq.weight_device "
                        "exists on this host");
      snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
               d->minor, d->weight.v);
      if (cg_write(dir, wdfile, line, err) < 0)
        return -1;
    }
    if (d->leaf_weight.set && d->leaf_weight.v != 0) {
      if (!cg_file_exists(dir, "blkio.leaf_weight_device"))
        return brig_err(err, 0,
                        "linux.resources.blockIO.weightDevice.leafWeight: "
                        "blkio.leaf_weight_device does not exist on this "
                        "host (no CFQ scheduler)");
      snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
               d->minor, d->leaf_weight.v);
      if (cg_write(dir, "blkio.leaf_weight_device", line, err) < 0)
        return -1;
    }
  }
  if (write_throttle(dir, "blkio.throttle.read_bps_device",
                     b->throttle_read_bps_device, b->n_throttle_read_bps_device,
                     err) < 0 ||
      write_throttle(dir, "blkio.throttle.write_bps_device",
                     b->throttle_write_bps_device,
                     b->n_throttle_write_bps_device, err) < 0 ||
      write_throttle(dir, "blkio.throttle.read_iops_device",
                     b->throttle_read_iops_device,
                     b->n_throttle_read_iops_device, err) < 0 ||
      write_throttle(dir, "blkio.throttle.write_iops_device",
                     b->throttle_write_iops_device,
                     b->n_throttle_write_iops_device, err) < 0)
    return -1;
  return 0;
}

/* ---- hugetlb, net_cls/net_prio, rdma, unified ---- */

static bool unified_has_controller(const struct cgroup_hier *u,
                                   const char *ctrl) {
  _cleanup_free_ char *list = NULL;
  return cg_read(u->dir, "cgroup.controllers", &list) == 0 &&
         words_contain(list, ctrl);
}

static int apply_hugetlb(struct cgroup *cg, const struct spec_resources *res,
                         struct brig_error *err) {
  for (size_t i = 0; i < res->n_hugepage_limits; i++) {
    const struct spec_hugepage_limit *l = &res->hugepage_limits[i];
    const char *ps = cg_hugetlb_page_size(l, i, err);
    char file[96];
    if (ps == NULL)
      return -1;
    struct cgroup_hier *h = cg_hier(cg, "hugetlb");
    if (h != NULL) {
      snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", ps);
      if (cg_write_u64(h->dir, file, l->limit, err) < 0)
        return -1;
      continue;
    }
    struct cgroup_hier *u = cg_hier(cg, "");
    snprintf(file, sizeof(file), "hugetlb.%s.max", ps);
    if (u == NULL)
      return brig_err(err, 0,
                      "linux.resources.hugepageLimits: the hugetlb cgroup "
                      "controller is not mounted on this host (%s)",
                      file);
    if (!unified_has_controller(u, "hugetlb"))
      return brig_err(err, 0,
                      "linux.resources.hugepageLimits: the hugetlb "
                      "controller exists only on the cgroup2 mount %s, and "
                      "is not enabled for %s there (not in its parent's "
                      "cgroup.subtree_control) (%s)",
                      u->mount, u->rel, file);
    if (cg_write_u64(u->dir, file, l->limit, err) < 0)
      return -1;
  }
  return 0;
}

static int apply_network(struct cgroup *cg, const struct spec_network *n,
                         struct brig_error *err) {
  if (n->class_id.set) {
    struct cgroup_hier *h =
        need(cg, "net_cls", "network.classID", "net_cls.classid", err);
    if (h == NULL ||
        cg_write_u64(h->dir, "net_cls.classid", n->class_id.v, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < n->n_priorities; i++) {
    struct cgroup_hier *h =
        need(cg, "net_prio", "network.priorities", "net_prio.ifpriomap", err);
    if (h == NULL)
      return -1;
    _cleanup_free_ char *line =
        xasprintf("%s %u", n->priorities[i].name ? n->priorities[i].name : "",
                  n->priorities[i].priority);
    if (cg_write(h->dir, "net_prio.ifpriomap", line, err) < 0)
      return -1;
  }
  return 0;
}

static int apply_rdma(struct cgroup *cg, const struct spec_resources *res,
                      struct brig_error *err) {
  struct cgroup_hier *h;
  if (res->n_rdma == 0)
    return 0;
  h = need(cg, "rdma", "rdma", "rdma.max", err);
  return h == NULL ? -1 : cg_write_rdma(h->dir, res, err);
}

static int apply_unified(struct cgroup *cg, const struct spec_resources *res,
                         struct brig_error *err) {
  if (res->n_unified == 0)
    return 0;
  struct cgroup_hier *u = cg_hier(cg, "");
  if (u == NULL)
    return brig_err(err, 0,
                    "linux.resources.unified: needs a cgroup2 hierarchy, and "
                    "this host has cgroup v1 only (%s)",
                    res->unified[0].key);
  for (size_t i = 0; i < res->n_unified; i++) {
    const char *key = res->unified[i].key;
    _cleanup_free_ char *ctrl = cg_unified_controller(key, err);
    if (ctrl == NULL)
      return -1;
    if (strcmp(ctrl, "cgroup") != 0 && !unified_has_controller(u, ctrl))
      return brig_err(err, 0,
                      "linux.resources.unified: %s: the %s controller is not "
                      "available on the cgroup2 mount %s%s",
                      key, ctrl, u->mount,
                      cg_hier(cg, ctrl) ? " (it is a v1 controller here)" : "");
    if (cg_write(u->dir, key, res->unified[i].value, err) < 0)
      return brig_err_wrap(err, "linux.resources.unified[\"%s\"]", key);
  }
  return 0;
}

/* ---- devices ---- */

/* The rules in order, one write each, to devices.allow or devices.deny
 * (each opened once). */
static int apply_devices(struct cgroup *cg, const struct spec_resources *res,
                         bool update, struct brig_error *err) {
  /* without the controller, only a config's own rules are an error */
  if (!cg_devices_wanted(update) ||
      (cg_hier(cg, "devices") == NULL && res->n_devices == 0))
    return 0;
  struct cgroup_hier *h = need(cg, "devices", "devices", "devices.allow", err);
  _cleanup_free_ struct cg_dev_rule *rules = NULL;
  _cleanup_close_ int deny_fd = -1, allow_fd = -1;
  size_t n = 0;
  if (h == NULL || cg_device_rules(res, &rules, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const struct cg_dev_rule *r = &rules[i];
    const char *file = r->allow ? "devices.allow" : "devices.deny";
    char maj[24] = "*", min[24] = "*", line[96];
    int *fd = r->allow ? &allow_fd : &deny_fd;
    if (r->major >= 0)
      snprintf(maj, sizeof(maj), "%" PRId64, r->major);
    if (r->minor >= 0)
      snprintf(min, sizeof(min), "%" PRId64, r->minor);
    snprintf(line, sizeof(line), "%c %s:%s %s", r->type, maj, min, r->access);
    if (*fd < 0 && (*fd = cg_open_write(h->dir, file)) < 0)
      return brig_err(err, errno, "set %s=%s: open %s/%s", file, line, h->dir,
                      file);
    if (write(*fd, line, strlen(line)) < 0)
      return brig_err(err, errno, "set %s=%s", file, line);
  }
  return 0;
}

int cgroup_v1_apply(struct cgroup *cg, const struct spec_resources *res,
                    bool update, struct brig_error *err) {
  if (res->memory && apply_memory(cg, res->memory, update, err) < 0)
    return -1;
  if (res->cpu && apply_cpu(cg, res->cpu, err) < 0)
    return -1;
  if (res->has_pids && res->pids_limit.set && res->pids_limit.v != 0) {
    struct cgroup_hier *h = need(cg, "pids", "pids.limit", "pids.max", err);
    if (h == NULL)
      return -1;
    if (res->pids_limit.v > 0
            ? cg_write_i64(h->dir, "pids.max", res->pids_limit.v, err) < 0
            : cg_write(h->dir, "pids.max", "max", err) < 0)
      return -1;
  }
  if (res->block_io && apply_blkio(cg, res->block_io, err) < 0)
    return -1;
  if (apply_hugetlb(cg, res, err) < 0)
    return -1;
  if (res->network && apply_network(cg, res->network, err) < 0)
    return -1;
  if (apply_rdma(cg, res, err) < 0 || apply_unified(cg, res, err) < 0)
    return -1;
  if (apply_devices(cg, res, update, err) < 0)
    return -1;
  return 0;
}
