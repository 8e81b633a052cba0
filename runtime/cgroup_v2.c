/* The cgroup v2 driver: the skeleton (create, join, freeze, remove) that
 * the lifecycle needs; resources, stats and oom events are the next issue
 * and fail clearly until then. */
#include "cgroup_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static int v2_create(struct cgroup *cg, struct brig_error *err) {
  return cg_mkdir_path(cg, &cg->h[0], NULL, err);
}

static int v2_apply(struct cgroup *cg, const struct spec_resources *res,
                    bool update, struct brig_error *err) {
  (void)cg, (void)update;
  if (res->memory || res->cpu || res->has_pids || res->block_io ||
      res->n_hugepage_limits || res->network || res->n_rdma || res->n_unified ||
      res->n_devices)
    return brig_err(err, ENOTSUP,
                    "linux.resources: the cgroup v2 driver "
                    "does not apply resources yet");
  return 0;
}

static int v2_add_pid(struct cgroup *cg, pid_t pid, struct brig_error *err) {
  char buf[16];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  if (cg_write(cg->h[0].dir, "cgroup.procs", buf, err) < 0)
    return brig_err_wrap(err, "join cgroup %s", cg->h[0].dir);
  return 0;
}

static int v2_is_frozen(struct cgroup *cg) {
  uint64_t v;
  if (cg_read_u64(cg->h[0].dir, "cgroup.freeze", &v) < 0)
    return errno == ENOENT ? 0 : -1;
  return v == 1;
}

static int v2_freeze(struct cgroup *cg, bool freeze, struct brig_error *err) {
  const char *dir = cg->h[0].dir;
  if (cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
    return -1;
  /* cgroup.events says "frozen 1" once every task has stopped */
  for (int i = 0; i < 1000; i++) {
    _cleanup_free_ char *ev = NULL;
    if (cg_read(dir, "cgroup.events", &ev) < 0)
      return brig_err(err, errno, "read %s/cgroup.events", dir);
    if (strstr(ev, freeze ? "frozen 1" : "frozen 0") != NULL)
      return 0;
    struct timespec ts = {0, 10000000L};
    nanosleep(&ts, NULL);
  }
  return brig_err(err, EBUSY, "%s %s: timed out", freeze ? "freeze" : "thaw",
                  dir);
}

static const char *v2_procs_dir(struct cgroup *cg) {
  return cg->h[0].dir;
}

static int v2_remove(struct cgroup *cg, struct brig_error *err) {
  if (cg_rmdir_tree(cg->h[0].dir) < 0)
    return brig_err(err, errno, "remove cgroup %s", cg->h[0].dir);
  return 0;
}

static int v2_stats(struct cgroup *cg, struct events_stats *st,
                    struct brig_error *err) {
  (void)cg, (void)st;
  return brig_err(err, ENOTSUP, "stats: the cgroup v2 driver has none yet");
}

static int v2_oom_eventfd(struct cgroup *cg, struct brig_error *err) {
  (void)cg;
  return brig_err(err, ENOTSUP,
                  "oom events: the cgroup v2 driver has none yet");
}

const struct cgroup_driver cgroup_driver_v2 = {
    .name = "cgroupfs-v2",
    .create = v2_create,
    .apply = v2_apply,
    .add_pid = v2_add_pid,
    .freeze = v2_freeze,
    .is_frozen = v2_is_frozen,
    .procs_dir = v2_procs_dir,
    .remove = v2_remove,
    .stats = v2_stats,
    .oom_eventfd = v2_oom_eventfd,
};
