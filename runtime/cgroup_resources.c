/* linux.resources checks and lines the v1 and v2 drivers share: only the
 * file names differ between them. */
#include "cgroup_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int cg_check_memory_before_update(const char *dir, const struct spec_memory *m,
                                  bool update, int64_t limit,
                                  const char *limit_file,
                                  const char *usage_file,
                                  struct brig_error *err) {
  uint64_t usage;
  if (!update || !m->check_before_update.set || !m->check_before_update.v ||
      limit <= 0)
    return 0;
  if (cg_read_u64(dir, usage_file, &usage) == 0 && (uint64_t)limit < usage)
    return brig_err(err, EBUSY,
                    "set %s=%" PRId64 ": below the current usage %" PRIu64
                    " (checkBeforeUpdate)",
                    limit_file, limit, usage);
  return 0;
}

const char *cg_hugetlb_page_size(const struct spec_hugepage_limit *l, size_t i,
                                 struct brig_error *err) {
  const char *ps = l->page_size ? l->page_size : "";
  if (*ps == '\0' || strpbrk(ps, "/.") != NULL) {
    brig_err(err, 0,
             "linux.resources.hugepageLimits[%zu].pageSize: \"%s\" "
             "is not a page size like \"2MB\"",
             i, ps);
    return NULL;
  }
  return ps;
}

int cg_write_rdma(const char *dir, const struct spec_resources *res,
                  struct brig_error *err) {
  for (size_t i = 0; i < res->n_rdma; i++) {
    const struct spec_rdma *r = &res->rdma[i];
    char handles[40] = "", objects[40] = "";
    /* only the limits given: an unset one stays as it is (runc) */
    if (r->hca_handles.set)
      snprintf(handles, sizeof(handles), " hca_handle=%" PRIu64,
               r->hca_handles.v);
    if (r->hca_objects.set)
      snprintf(objects, sizeof(objects), " hca_object=%" PRIu64,
               r->hca_objects.v);
    _cleanup_free_ char *line =
        xasprintf("%s%s%s", r->device ? r->device : "", handles, objects);
    if (cg_write(dir, "rdma.max", line, err) < 0)
      return -1;
  }
  return 0;
}

char *cg_unified_controller(const char *key, struct brig_error *err) {
  size_t l = strcspn(key, ".");
  if (key[l] == '\0' || l == 0 || strchr(key, '/') != NULL) {
    brig_err(err, 0,
             "linux.resources.unified: \"%s\" is not a cgroup file "
             "name",
             key);
    return NULL;
  }
  return xasprintf("%.*s", (int)l, key);
}
