/* OCI hooks: run each in order with the state JSON on stdin, its args and
 * env, and its timeout. */
#ifndef BRIG_HOOKS_H
#define BRIG_HOOKS_H

#include <stddef.h>

#include "error.h"
#include "spec.h"

/* Run hooks[0..n) of `kind` ("createRuntime"...).  The first failure
 * (exit status != 0, killed, timed out, cannot exec) stops and fills err
 * with "<kind> hook #i (<path>): ...". */
int hooks_run(const struct spec_hook *hooks, size_t n, const char *kind,
              const char *state_json, struct brig_error *err);

/* poststart and poststop (runtime-spec): every hook runs; a failure is a
 * warning "<what>: <kind> hook #i (<path>): ...", and the lifecycle goes
 * on as if it had succeeded. */
void hooks_run_warn(const struct spec_hook *hooks, size_t n, const char *kind,
                    const char *state_json, const char *what);

/* The directory the runtime's hooks run in from now on in this process:
 * create and run give the bundle, as runc (which chdirs into it). */
void hooks_set_dir(const char *dir);
/* The environment of a hook that gives none (NULL: brig's own, as the
 * runtime's hooks get; the container's for those the init runs, as runc's
 * init has cleared its own for the process's).  Not copied: kept by the
 * caller while hooks run. */
void hooks_set_env(char *const *env);

#endif
