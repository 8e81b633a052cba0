/* linux.resources: every cgroup controller of the runtime-spec. */
#include <string.h>

#include "internal.h"
#include "util.h"

static int parse_device_cgroup(struct pctx *c, yajl_val v, void *out) {
  struct spec_device_cgroup *d = out;
  yajl_val f;
  size_t mark;
  static const char *const types[] = {"a", "c", "b", NULL};
  if (p_field(c, v, "allow", &f) < 0)
    return -1;
  if (f == NULL)
    return f_missing(c, "allow");
  if (f_bool(c, v, "allow", &d->allow) < 0 || f_str(c, v, "type", &d->type) < 0)
    return -1;
  if (f_check_name(c, "type", d->type, types, "device type") < 0)
    return -1;
  if (f_opt_i64(c, v, "major", -1, INT64_MAX, &d->major) < 0 ||
      f_opt_i64(c, v, "minor", -1, INT64_MAX, &d->minor) < 0 ||
      f_str(c, v, "access", &d->access) < 0)
    return -1;
  if (d->access != NULL && strspn(d->access, "rwm") != strlen(d->access)) {
    mark = p_push_key(c, "access");
    p_fail(c, "expected a combination of \"r\", \"w\" and \"m\", got \"%.40s\"",
           d->access);
    p_pop(c, mark);
    return -1;
  }
  return 0;
}

static int parse_memory(struct pctx *c, yajl_val v, void *out) {
  struct spec_memory *m = out;
  if (f_opt_i64(c, v, "limit", -1, INT64_MAX, &m->limit) < 0 ||
      f_opt_i64(c, v, "reservation", -1, INT64_MAX, &m->reservation) < 0 ||
      f_opt_i64(c, v, "swap", -1, INT64_MAX, &m->swap) < 0 ||
      f_opt_i64(c, v, "kernel", -1, INT64_MAX, &m->kernel) < 0 ||
      f_opt_i64(c, v, "kernelTCP", -1, INT64_MAX, &m->kernel_tcp) < 0 ||
      f_opt_u64(c, v, "swappiness", 100, &m->swappiness) < 0 ||
      f_opt_bool(c, v, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
      f_opt_bool(c, v, "useHierarchy", &m->use_hierarchy) < 0 ||
      f_opt_bool(c, v, "checkBeforeUpdate", &m->check_before_update) < 0)
    return -1;
  return 0;
}

static int parse_cpu(struct pctx *c, yajl_val v, void *out) {
  struct spec_cpu *p = out;
  if (f_opt_u64(c, v, "shares", UINT64_MAX, &p->shares) < 0 ||
      f_opt_i64(c, v, "quota", INT64_MIN, INT64_MAX, &p->quota) < 0 ||
      f_opt_u64(c, v, "burst", UINT64_MAX, &p->burst) < 0 ||
      f_opt_u64(c, v, "period", UINT64_MAX, &p->period) < 0 ||
      f_opt_i64(c, v, "realtimeRuntime", INT64_MIN, INT64_MAX,
                &p->realtime_runtime) < 0 ||
      f_opt_u64(c, v, "realtimePeriod", UINT64_MAX, &p->realtime_period) < 0 ||
      f_str(c, v, "cpus", &p->cpus) < 0 || f_str(c, v, "mems", &p->mems) < 0 ||
      f_opt_i64(c, v, "idle", INT64_MIN, INT64_MAX, &p->idle) < 0)
    return -1;
  return 0;
}

static int parse_weight_device(struct pctx *c, yajl_val v, void *out) {
  struct spec_weight_device *w = out;
  if (f_req_i64(c, v, "major", 0, INT64_MAX, &w->major) < 0 ||
      f_req_i64(c, v, "minor", 0, INT64_MAX, &w->minor) < 0 ||
      f_opt_u64(c, v, "weight", UINT16_MAX, &w->weight) < 0 ||
      f_opt_u64(c, v, "leafWeight", UINT16_MAX, &w->leaf_weight) < 0)
    return -1;
  return 0;
}

static int parse_throttle_device(struct pctx *c, yajl_val v, void *out) {
  struct spec_throttle_device *t = out;
  if (f_req_i64(c, v, "major", 0, INT64_MAX, &t->major) < 0 ||
      f_req_i64(c, v, "minor", 0, INT64_MAX, &t->minor) < 0 ||
      f_req_u64(c, v, "rate", UINT64_MAX, &t->rate) < 0)
    return -1;
  return 0;
}

static int parse_block_io(struct pctx *c, yajl_val v, void *out) {
  struct spec_block_io *b = out;
  size_t tsize = sizeof(struct spec_throttle_device);
  if (f_opt_u64(c, v, "weight", UINT16_MAX, &b->weight) < 0 ||
      f_opt_u64(c, v, "leafWeight", UINT16_MAX, &b->leaf_weight) < 0 ||
      f_array(c, v, "weightDevice", sizeof(struct spec_weight_device),
              parse_weight_device, &b->weight_device,
              &b->n_weight_device) < 0 ||
      f_array(c, v, "throttleReadBpsDevice", tsize, parse_throttle_device,
              &b->throttle_read_bps_device,
              &b->n_throttle_read_bps_device) < 0 ||
      f_array(c, v, "throttleWriteBpsDevice", tsize, parse_throttle_device,
              &b->throttle_write_bps_device,
              &b->n_throttle_write_bps_device) < 0 ||
      f_array(c, v, "throttleReadIOPSDevice", tsize, parse_throttle_device,
              &b->throttle_read_iops_device,
              &b->n_throttle_read_iops_device) < 0 ||
      f_array(c, v, "throttleWriteIOPSDevice", tsize, parse_throttle_device,
              &b->throttle_write_iops_device,
              &b->n_throttle_write_iops_device) < 0)
    return -1;
  return 0;
}

static int parse_hugepage_limit(struct pctx *c, yajl_val v, void *out) {
  struct spec_hugepage_limit *h = out;
  if (f_req_str(c, v, "pageSize", &h->page_size) < 0 ||
      f_req_u64(c, v, "limit", UINT64_MAX, &h->limit) < 0)
    return -1;
  return 0;
}

static int parse_net_priority(struct pctx *c, yajl_val v, void *out) {
  struct spec_net_priority *p = out;
  if (f_req_str(c, v, "name", &p->name) < 0 ||
      f_req_u32(c, v, "priority", &p->priority) < 0)
    return -1;
  return 0;
}

static int parse_network(struct pctx *c, yajl_val v, void *out) {
  struct spec_network *n = out;
  if (f_opt_u64(c, v, "classID", UINT32_MAX, &n->class_id) < 0 ||
      f_array(c, v, "priorities", sizeof(struct spec_net_priority),
              parse_net_priority, &n->priorities, &n->n_priorities) < 0)
    return -1;
  return 0;
}

static int parse_pids(struct pctx *c, yajl_val v, void *out) {
  struct spec_resources *r = out;
  r->has_pids = true;
  return f_opt_i64(c, v, "limit", INT64_MIN, INT64_MAX, &r->pids_limit);
}

static int rdma_entry(struct pctx *c, const char *key, yajl_val v, void *elem) {
  struct spec_rdma *r = elem;
  r->device = xstrdup(key);
  if (p_expect_object(c, v) < 0 ||
      f_opt_u64(c, v, "hcaHandles", UINT32_MAX, &r->hca_handles) < 0 ||
      f_opt_u64(c, v, "hcaObjects", UINT32_MAX, &r->hca_objects) < 0)
    return -1;
  if (!r->hca_handles.set && !r->hca_objects.set)
    return p_fail(c, "needs hcaHandles or hcaObjects");
  return 0;
}

int parse_resources(struct pctx *c, yajl_val v, void *out) {
  struct spec_resources *r = out;
  yajl_val pids;
  if (f_array(c, v, "devices", sizeof(struct spec_device_cgroup),
              parse_device_cgroup, &r->devices, &r->n_devices) < 0 ||
      f_object(c, v, "memory", sizeof(struct spec_memory), parse_memory,
               &r->memory) < 0 ||
      f_object(c, v, "cpu", sizeof(struct spec_cpu), parse_cpu, &r->cpu) < 0)
    return -1;
  if (p_field(c, v, "pids", &pids) < 0)
    return -1;
  if (pids != NULL) {
    size_t mark = p_push_key(c, "pids");
    if (p_expect_object(c, pids) < 0 || parse_pids(c, pids, r) < 0)
      return -1;
    p_pop(c, mark);
  }
  if (f_object(c, v, "blockIO", sizeof(struct spec_block_io), parse_block_io,
               &r->block_io) < 0 ||
      f_array(c, v, "hugepageLimits", sizeof(struct spec_hugepage_limit),
              parse_hugepage_limit, &r->hugepage_limits,
              &r->n_hugepage_limits) < 0 ||
      f_object(c, v, "network", sizeof(struct spec_network), parse_network,
               &r->network) < 0 ||
      f_map(c, v, "rdma", sizeof(struct spec_rdma), rdma_entry, &r->rdma,
            &r->n_rdma) < 0 ||
      f_kv(c, v, "unified", &r->unified, &r->n_unified) < 0)
    return -1;
  return 0;
}
