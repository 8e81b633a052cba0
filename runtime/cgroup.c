/* Placeholder until the cgroup driver lands: no cgroup at all. */
#include "cgroup.h"

#include <stdlib.h>

#include "util.h"

struct cgroup {
  char *path;
};

enum cgroup_layout cgroup_detect_layout(void) {
  return CGROUP_LAYOUT_HYBRID;
}

int cgroup_create(const char *id, const char *cgroups_path, struct cgroup **out,
                  struct brig_error *err) {
  struct cgroup *cg = xcalloc(1, sizeof(*cg));
  (void)err;
  cg->path = cgroups_path && *cgroups_path ? xstrdup(cgroups_path)
                                           : xasprintf("/brig/%s", id);
  *out = cg;
  return 0;
}

int cgroup_open(const char *path, struct cgroup **out, struct brig_error *err) {
  struct cgroup *cg = xcalloc(1, sizeof(*cg));
  (void)err;
  cg->path = xstrdup(path);
  *out = cg;
  return 0;
}

const char *cgroup_path(const struct cgroup *cg) {
  return cg->path;
}

void cgroup_free(struct cgroup *cg) {
  if (cg == NULL)
    return;
  free(cg->path);
  free(cg);
}

int cgroup_apply(struct cgroup *cg, const struct spec_resources *res,
                 bool update, struct brig_error *err) {
  (void)cg, (void)res, (void)update, (void)err;
  return 0;
}

int cgroup_add_pid(struct cgroup *cg, pid_t pid, struct brig_error *err) {
  (void)cg, (void)pid, (void)err;
  return 0;
}

int cgroup_freeze(struct cgroup *cg, bool freeze, struct brig_error *err) {
  (void)cg, (void)freeze;
  return brig_err(err, 0, "freezer not implemented");
}

int cgroup_is_frozen(struct cgroup *cg) {
  (void)cg;
  return 0;
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n,
                struct brig_error *err) {
  (void)cg, (void)err;
  *pids = NULL;
  *n = 0;
  return 0;
}

int cgroup_kill_all(struct cgroup *cg, int sig, struct brig_error *err) {
  (void)cg, (void)sig, (void)err;
  return 0;
}

int cgroup_destroy(struct cgroup *cg, struct brig_error *err) {
  (void)cg, (void)err;
  return 0;
}
