/* Placeholder until the security work lands: applies only uid/gid. */
#include "security.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

struct security_ctx {
  const struct spec_process *p;
};

int proc_apply_attrs(const struct spec_config *cfg,
                     const struct spec_process *p, struct brig_error *err) {
  (void)cfg, (void)p, (void)err;
  return 0;
}

int security_prepare(const struct spec_config *cfg,
                     const struct spec_process *p, struct security_ctx **out,
                     struct brig_error *err) {
  (void)cfg, (void)err;
  *out = xcalloc(1, sizeof(**out));
  (*out)->p = p;
  return 0;
}

int security_apply(struct security_ctx *ctx, struct brig_error *err) {
  const struct spec_user *u = &ctx->p->user;
  if (setgroups(u->n_additional_gids, u->additional_gids) < 0)
    return brig_err(err, errno, "setgroups");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return brig_err(err, errno, "setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return brig_err(err, errno, "setuid %u", u->uid);
  return 0;
}

int security_before_exec(struct security_ctx *ctx, struct brig_error *err) {
  (void)ctx, (void)err;
  return 0;
}

void security_free(struct security_ctx *ctx) {
  free(ctx);
}
