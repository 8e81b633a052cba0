/* The order of the security steps (see security.h); the work is in
 * process_attrs.c, caps.c, seccomp.c and lsm.c. */
#include "security.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "security_impl.h"
#include "selfexe.h"
#include "util.h"

struct security_ctx {
  const struct spec_config *cfg;
  const struct spec_process *p;
  struct cap_plan caps;
  struct brig_seccomp *seccomp;
  int notify_fd;
  security_notify_fn notify_fn;
  void *notify_data;
  char *state_json;
  pid_t state_pid;
};

static const struct spec_seccomp *cfg_seccomp(const struct spec_config *cfg) {
  return cfg && cfg->linux_ ? cfg->linux_->seccomp : NULL;
}

void security_warn_caps(const struct spec_process *p) {
  struct cap_plan plan;
  struct brig_error e;
  (void)caps_resolve(p->capabilities, &plan, true, &e);
}

int security_check_host(const struct spec_config *cfg, struct brig_error *err) {
  const struct spec_seccomp *sc = cfg_seccomp(cfg);
  const char *mount_label = cfg->linux_ ? cfg->linux_->mount_label : NULL;

  /* Probe now, on the host: the child inherits the cached answers. */
  (void)apparmor_enabled();
  (void)selinux_enabled();
  if (cfg->process != NULL && lsm_check(cfg->process, true, err) < 0)
    return -1;
  if (cfg->process != NULL)
    security_warn_caps(cfg->process);
  if (mount_label != NULL && *mount_label != '\0' && !selinux_enabled())
    return brig_err(err, 0,
                    "linux.mountLabel: \"%s\" requested but SELinux "
                    "is not enabled on this host",
                    mount_label);
  for (char **f = sc ? sc->flags : NULL; f && *f; f++) {
    int attr;
    if (seccomp_flag_attr(*f, &attr, err) < 0)
      return -1;
  }
  return 0;
}

void security_precompile(const struct spec_config *cfg, const char *root) {
  _cleanup_free_ char *dir = NULL;
  if (cfg_seccomp(cfg) == NULL || root == NULL)
    return;
  /* '@' is not allowed in a container id: no clash with a state dir. */
  dir = xasprintf("%s/" SECCOMP_CACHE_DIR, root);
  seccomp_precompile(cfg_seccomp(cfg), dir);
}

int security_prepare(const struct spec_config *cfg,
                     const struct spec_process *p, struct security_ctx **out,
                     struct brig_error *err) {
  struct security_ctx *ctx;

  *out = NULL;
  if (lsm_check(p, false, err) < 0)
    return -1;
  ctx = xcalloc(1, sizeof(*ctx));
  ctx->cfg = cfg;
  ctx->p = p;
  ctx->notify_fd = -1;
  if (caps_resolve(p->capabilities, &ctx->caps, false, err) < 0 ||
      seccomp_build(cfg_seccomp(cfg), &ctx->seccomp, err) < 0) {
    security_free(ctx);
    return -1;
  }
  *out = ctx;
  return 0;
}

void security_set_notify_handler(struct security_ctx *ctx,
                                 security_notify_fn fn, void *data) {
  ctx->notify_fn = fn;
  ctx->notify_data = data;
}

void security_set_state_json(struct security_ctx *ctx, const char *state_json,
                             pid_t pid) {
  free(ctx->state_json);
  ctx->state_json = state_json ? xstrdup(state_json) : NULL;
  ctx->state_pid = pid;
}

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif
#ifndef KEYCTL_SETPERM
#define KEYCTL_SETPERM 5
#endif
#ifndef KEYCTL_DESCRIBE
#define KEYCTL_DESCRIBE 6
#endif
#define KEY_USR_SEARCH 0x00080000u
#define KEY_OTH_SEARCH 0x00000008u

int security_join_session_keyring(const char *id, bool share, bool userns,
                                  struct brig_error *err) {
  _cleanup_free_ char *name = xasprintf("_ses.%s", id);
  char desc[512];
  long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  if (key < 0)
    return errno == ENOSYS ? 0 : brig_err(err, errno, "join session keyring");
  if (!share)
    return 0;
  /* "type;uid;gid;perm;description", perm in hex */
  long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof(desc));
  if (n < 0)
    return brig_err(err, errno, "describe the session keyring");
  desc[sizeof(desc) - 1] = '\0';
  const char *f = desc;
  for (int i = 0; i < 3 && f != NULL; i++)
    f = strchr(f, ';') != NULL ? strchr(f, ';') + 1 : NULL;
  char *end = NULL;
  unsigned long perm = f != NULL ? strtoul(f, &end, 16) : 0;
  if (f == NULL || end == f || *end != ';')
    return brig_err(err, EINVAL, "describe the session keyring: \"%s\"", desc);
  perm |= userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH;
  if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, (uint32_t)perm) < 0)
    return brig_err(err, errno, "set the session keyring's permissions");
  return 0;
}

static int load_seccomp(struct security_ctx *ctx, struct brig_error *err) {
  const struct spec_seccomp *sc = cfg_seccomp(ctx->cfg);

  if (seccomp_load_filter(ctx->seccomp, &ctx->notify_fd, err) < 0)
    return -1;
  if (ctx->notify_fd < 0)
    return 0;
  int ret = ctx->notify_fn != NULL
                ? ctx->notify_fn(ctx->notify_fd, ctx->notify_data, err)
                : seccomp_notify_send(
                      sc->listener_path, ctx->notify_fd, sc->listener_metadata,
                      ctx->state_pid ? ctx->state_pid : getpid(),
                      ctx->state_json, err);
  /* Handed over (the runtime has taken it by the time notify_fn returns):
   * this process's copy goes (runc's init closes it), so a notified
   * syscall made before the exec, in a startContainer hook, fails with
   * ENOSYS once the agent is gone instead of waiting for ever. */
  close(ctx->notify_fd);
  ctx->notify_fd = -1;
  return ret;
}

int security_apply(struct security_ctx *ctx, struct brig_error *err) {
  const struct spec_process *p = ctx->p;

  if (lsm_apply(p, err) < 0)
    return -1;
  /* Without no_new_privs, loading needs CAP_SYS_ADMIN: do it while we
   * still have it.  A notifying filter loads here too, whatever
   * noNewPrivileges says, while the runtime still listens to hand the fd
   * on (as runc does before the exec FIFO). */
  if (ctx->seccomp != NULL &&
      (!p->no_new_privileges || seccomp_filter_notifies(ctx->seccomp)) &&
      load_seccomp(ctx, err) < 0)
    return -1;
  if (caps_apply_bounding(&ctx->caps, err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return brig_err(err, errno, "prctl PR_SET_KEEPCAPS");
  if (user_apply(&p->user, err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return brig_err(err, errno, "prctl PR_SET_KEEPCAPS");
  if (caps_apply_sets(&ctx->caps, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return brig_err(err, errno, "process.noNewPrivileges: prctl");
  return 0;
}

int security_finish(struct security_ctx *ctx, struct brig_error *err) {
  if (proc_apply_final_affinity(ctx->p, err) < 0)
    return -1;
  if (ctx->seccomp != NULL && ctx->p->no_new_privileges &&
      !seccomp_filter_notifies(ctx->seccomp) && load_seccomp(ctx, err) < 0)
    return -1;
  return 0;
}

void security_free(struct security_ctx *ctx) {
  if (ctx == NULL)
    return;
  seccomp_filter_free(ctx->seccomp);
  if (ctx->notify_fd >= 0)
    close(ctx->notify_fd);
  free(ctx->state_json);
  free(ctx);
}

/* Fallback without close_range: walk /proc/self/fd. */
static int cloexec_from_proc(int first, struct brig_error *err) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *de;

  if (d == NULL)
    return brig_err(err, errno, "open /proc/self/fd");
  while ((de = readdir(d)) != NULL) {
    char *end;
    long fd = strtol(de->d_name, &end, 10);
    if (*end != '\0' || de->d_name[0] == '.' || fd < first || fd == dirfd(d))
      continue;
    int flags = fcntl((int)fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC))
      fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC);
  }
  closedir(d);
  return 0;
}

static unsigned int listen_fds; /* security_take_listen_fds */

unsigned int security_take_listen_fds(void) {
  const char *n = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
  int64_t count, owner;
  if (n == NULL || pid == NULL || parse_i64(n, &count) < 0 || count <= 0 ||
      count > INT_MAX / 2 || parse_i64(pid, &owner) < 0 || owner != getpid())
    return 0;
  listen_fds = (unsigned)count;
  return listen_fds;
}

unsigned int security_listen_fds(void) {
  return listen_fds;
}

unsigned int first_extra_fd(int preserve_fds) {
  return 3u + (unsigned)(preserve_fds < 0 ? 0 : preserve_fds) + listen_fds;
}

/* *fd (brig's own, opened before the slots were known: the log, the
 * re-exec's mount) moved to end or above. */
static void move_above(int *fd, unsigned end) {
  if (*fd < 3 || (unsigned)*fd >= end)
    return;
  int hi = fcntl(*fd, F_DUPFD_CLOEXEC, (int)end);
  if (hi >= 0) {
    close(*fd);
    *fd = hi;
  }
}

void security_reserve_fds(int preserve_fds) {
  unsigned end = first_extra_fd(preserve_fds);
  if (end <= 3)
    return;
  move_above(&selfexe_mnt, end);
  move_above(log_fd_ref(), end);
  for (unsigned fd = 3; fd < end; fd++) {
    if (fcntl((int)fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    int n = open("/dev/null", O_RDWR); /* the lowest free: fd itself */
    if (n >= 0 && n != (int)fd) {
      dup2(n, (int)fd);
      close(n);
    }
  }
}

int close_extra_fds(int preserve_fds, struct brig_error *err) {
  unsigned int first;

  if (preserve_fds < 0)
    return brig_err(err, EINVAL, "--preserve-fds %d", preserve_fds);
  first = first_extra_fd(preserve_fds);
  if (syscall(SYS_close_range, first, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
    return brig_err(err, errno, "close_range %u", first);
  return cloexec_from_proc((int)first, err);
}
