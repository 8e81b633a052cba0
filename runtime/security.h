/* The process's security and scheduling attributes, applied in the child
 * after the root filesystem is final:
 *   proc_apply_attrs      rlimits, oomScoreAdj, personality, scheduler,
 *                         ioPriority, execCPUAffinity.initial, memoryPolicy,
 *                         umask
 *   security_prepare      build the seccomp filter (libseccomp) if any
 *   security_apply        additionalGids, gid, uid (keep-caps), the five
 *                         capability sets, no_new_privs; loads seccomp here
 *                         when noNewPrivileges is false (before
 *                         CAP_SYS_ADMIN is gone)
 *   security_before_exec  loads seccomp when noNewPrivileges is true (as late
 *                         as possible), sends the notify fd to listenerPath
 * Each returns < 0 with err naming the field and errno. */
#ifndef BRIG_SECURITY_H
#define BRIG_SECURITY_H

#include "error.h"
#include "spec.h"

struct security_ctx;

int proc_apply_attrs(const struct spec_config *cfg,
                     const struct spec_process *p, struct brig_error *err);
int security_prepare(const struct spec_config *cfg,
                     const struct spec_process *p, struct security_ctx **out,
                     struct brig_error *err);
int security_apply(struct security_ctx *ctx, struct brig_error *err);
int security_before_exec(struct security_ctx *ctx, struct brig_error *err);
void security_free(struct security_ctx *ctx);

#endif
