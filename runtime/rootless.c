/* See rootless.h. */
#include "rootless.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "util.h"

bool rootless_in_userns(void) {
  FILE *f = fopen_re("/proc/self/uid_map");
  unsigned long a, b, c;
  int n;
  if (f == NULL)
    return false;
  n = fscanf(f, "%lu %lu %lu", &a, &b, &c);
  fclose(f);
  return n == 3 && !(a == 0 && b == 0 && c == 4294967295UL);
}

bool rootless_cgroups(void) {
  static int known = -1; /* one answer per process: the uid_map read once */
  const char *v = brig_g.rootless ? brig_g.rootless : "auto";
  if (strcmp(v, "true") == 0)
    return true;
  if (strcmp(v, "false") == 0)
    return false;
  if (known < 0)
    known = geteuid() != 0 || rootless_in_userns();
  return known == 1;
}

/* A value that asks for a write (runc writes none for Go's zero values:
 * an empty "memory": {} or "pids": {"limit": 0} needs no cgroup). */
static bool i64_on(struct opt_i64 o) {
  return o.set && o.v != 0;
}
static bool u64_on(struct opt_u64 o) {
  return o.set && o.v != 0;
}

static bool memory_on(const struct spec_memory *m) {
  return m != NULL && (i64_on(m->limit) || i64_on(m->reservation) ||
                       i64_on(m->swap) || m->swappiness.set ||
                       (m->disable_oom_killer.set && m->disable_oom_killer.v));
}

static bool cpu_on(const struct spec_cpu *c) {
  return c != NULL &&
         (u64_on(c->shares) || i64_on(c->quota) || u64_on(c->burst) ||
          u64_on(c->period) || i64_on(c->realtime_runtime) ||
          u64_on(c->realtime_period) || (c->cpus != NULL && *c->cpus) ||
          (c->mems != NULL && *c->mems) || c->idle.set);
}

static bool block_io_on(const struct spec_block_io *b) {
  return b != NULL &&
         (u64_on(b->weight) || u64_on(b->leaf_weight) ||
          b->n_weight_device > 0 || b->n_throttle_read_bps_device > 0 ||
          b->n_throttle_write_bps_device > 0 ||
          b->n_throttle_read_iops_device > 0 ||
          b->n_throttle_write_iops_device > 0);
}

/* The first thing in cfg that needs a cgroup of the container's own, or
 * NULL.  Device rules are not one: without a cgroup only the devices
 * bound into /dev are reachable anyway; nor is a cgroup mount, which then
 * binds the host's hierarchies with the mount's own options (mounts.c).
 * A cgroupsPath is (runc):
 * "the runtime MUST consistently attach to the same place". */
static const char *needs_cgroup(const struct spec_config *cfg) {
  const struct spec_resources *r =
      cfg->linux_ != NULL ? cfg->linux_->resources : NULL;
  if (cfg->linux_ != NULL && cfg->linux_->cgroups_path != NULL &&
      *cfg->linux_->cgroups_path != '\0')
    return ".linux.cgroupsPath";
  if (r == NULL)
    return NULL;
  if (memory_on(r->memory))
    return ".linux.resources.memory";
  if (cpu_on(r->cpu))
    return ".linux.resources.cpu";
  if (r->has_pids && i64_on(r->pids_limit))
    return ".linux.resources.pids";
  if (block_io_on(r->block_io))
    return ".linux.resources.blockIO";
  if (r->n_hugepage_limits > 0)
    return ".linux.resources.hugepageLimits";
  if (r->network != NULL)
    return ".linux.resources.network";
  if (r->n_rdma > 0)
    return ".linux.resources.rdma";
  if (r->n_unified > 0)
    return ".linux.resources.unified";
  return NULL;
}

int rootless_cgroup_make(struct cgroup **cg, const struct spec_config *cfg,
                         struct brig_error *err) {
  const char *what;

  if (cgroup_make(*cg, err) == 0)
    return 0;
  cgroup_free(*cg);
  *cg = NULL;
  if (!rootless_cgroups() ||
      (err->errnum != EACCES && err->errnum != EPERM && err->errnum != EROFS))
    return -1;
  what = needs_cgroup(cfg);
  if (what != NULL)
    return brig_err_wrap(err,
                         "rootless: %s needs a cgroup, and creating one needs "
                         "privilege or a cgroup delegated to this user "
                         "(.linux.cgroupsPath)",
                         what);
  log_debug("rootless: no cgroup: %s", err->msg);
  brig_err_clear(err);
  return 0;
}
