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
/* brig runs in a user namespace other than the host's (its uid_map is not
 * the identity over every id). */
bool rootless_in_userns(void);
/* cgroup_make of a resolved *cg, except that a rootless runtime the cgroup
 * hierarchies refuse (no delegated cgroup) goes on without one (*cg freed,
 * NULL), unless the config needs one: a resource limit or a cgroup mount,
 * then the error says so.  On failure *cg is freed and NULL. */
int rootless_cgroup_make(struct cgroup **cg, const struct spec_config *cfg,
                         struct brig_error *err);

#endif
