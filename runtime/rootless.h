/* Rootless containers: what a runtime without privilege does differently
 * about cgroups (--rootless true|false|auto). */
#ifndef BRIG_ROOTLESS_H
#define BRIG_ROOTLESS_H

#include <stdbool.h>

#include "cgroup.h"
#include "error.h"
#include "spec.h"

/* Whether cgroup permission errors are tolerated: --rootless true, or
 * auto (the default) when brig is not root or runs in a user namespace,
 * as runc. */
bool rootless_cgroups(void);
/* cgroup_create, except that a rootless runtime the cgroup hierarchies
 * refuse (no delegated cgroup) goes on without one (*out NULL), unless the
 * config needs one: a resource limit or a cgroup mount, then the error
 * says so. */
int rootless_cgroup_create(const char *id, const struct spec_config *cfg,
                           struct cgroup **out, struct brig_error *err);

#endif
