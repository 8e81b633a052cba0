/* The process's security and scheduling attributes, applied in the child
 * after the root filesystem is final:
 *   proc_apply_attrs      rlimits, oomScoreAdj, personality, scheduler,
 *                         ioPriority, memoryPolicy, umask
 *   proc_apply_initial_affinity  execCPUAffinity.initial, for exec, in its
 *                         helper before it joins the container's cgroup
 *                         (runtime-spec: "before the transition to
 *                         container's cgroup")
 *   security_prepare      resolve capabilities, build the seccomp filter
 *                         (libseccomp) if any, check the LSM requests
 *   security_apply        AppArmor/SELinux exec labels, bounding set,
 *                         additionalGids, gid, uid (keep-caps), the other
 *                         capability sets, no_new_privs; loads seccomp here
 *                         when noNewPrivileges is false (before
 *                         CAP_SYS_ADMIN is gone)
 *   security_finish       execCPUAffinity.final; loads seccomp when
 *                         noNewPrivileges is true: exec's process right
 *                         before its execve, the init before create says
 *                         ready (runc's order: startContainer hooks and the
 *                         wait for start run under the filter)
 * Each returns < 0 with err naming the field and errno.
 *
 * Seccomp notify (SCMP_ACT_NOTIFY): right after the filter is loaded the
 * notify fd goes to the handler set with security_set_notify_handler (the
 * child passes it to the runtime over the sync socket; the runtime, which
 * sees the host's listenerPath and knows the host pid, calls
 * seccomp_notify_send).  Without a handler the child sends it itself to
 * listenerPath with the state given by security_set_state_json. */
#ifndef BRIG_SECURITY_H
#define BRIG_SECURITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct security_ctx;

/* Join the container's session keyring, "_ses.<id>", as runc does: a
 * process never keeps the session keyring of whoever ran brig.  The init
 * makes it (share true) and lets its owner search it (with a user
 * namespace: anyone in it), so exec's processes join the same one by
 * name (share false: they may not change it). */
int security_join_session_keyring(const char *id, bool share, bool userns,
                                  struct brig_error *err);
/* With a user namespace, oomScoreAdj is written from outside it first (its
 * /proc file is the host's): pid's (0: this process, whose children
 * inherit it); then proc_apply_attrs leaves it (proc_oom_written). */
extern bool proc_oom_written;
int proc_write_oom_score_adj(pid_t pid, const struct spec_process *p,
                             struct brig_error *err);
int proc_apply_attrs(const struct spec_config *cfg,
                     const struct spec_process *p, struct brig_error *err);
int proc_apply_initial_affinity(const struct spec_process *p,
                                struct brig_error *err);
/* create: execCPUAffinity's lists well formed (the init does not apply
 * them, but a bad config is refused all the same). */
int proc_check_affinity(const struct spec_process *p, struct brig_error *err);
int security_prepare(const struct spec_config *cfg,
                     const struct spec_process *p, struct security_ctx **out,
                     struct brig_error *err);
int security_apply(struct security_ctx *ctx, struct brig_error *err);
int security_finish(struct security_ctx *ctx, struct brig_error *err);
void security_free(struct security_ctx *ctx);

/* Check, in the runtime before anything is created, what the host must
 * offer for cfg: AppArmor/SELinux when a profile/label is asked for,
 * seccomp flags libseccomp supports.  Also caches the LSM probe so the
 * child (a clone) need not look at the host's /sys. */
/* Warns, from the runtime, about each capability p names that the kernel
 * or brig's bounding set does not have: the process goes without it. */
void security_warn_caps(const struct spec_process *p);
int security_check_host(const struct spec_config *cfg, struct brig_error *err);

/* In the runtime before the child is made: the compiled seccomp filter
 * from the cache under the state root (built and stored on a miss), so
 * the child loads it without libseccomp.  Best effort, no error. */
#define SECCOMP_CACHE_DIR ".bpf@cache"
void security_precompile(const struct spec_config *cfg, const char *root);

/* Seccomp notify: called with the notify fd right after the filter is
 * loaded; the fd stays owned by the ctx (the handler dups or sends it). */
typedef int (*security_notify_fn)(int notify_fd, void *data,
                                  struct brig_error *err);
void security_set_notify_handler(struct security_ctx *ctx,
                                 security_notify_fn fn, void *data);
/* For the child-side fallback: the runtime-spec state (JSON object) and the
 * pid as the runtime sees it, sent in containerProcessState. */
void security_set_state_json(struct security_ctx *ctx, const char *state_json,
                             pid_t pid);

/* Connect to listener_path and send notify_fd with SCM_RIGHTS plus the
 * containerProcessState JSON {ociVersion, fds:["seccompFd"], pid, metadata,
 * state}.  state_json is the runtime-spec state object (NULL = {}). */
int seccomp_notify_send(const char *listener_path, int notify_fd,
                        const char *metadata, pid_t pid, const char *state_json,
                        struct brig_error *err);

/* Mark every fd above 2 + preserve_fds (+ the socket-activation fds, see
 * security_take_listen_fds) close-on-exec, so the exec FIFO and sync
 * socket stay usable until execve.  Call right before execve. */
int close_extra_fds(int preserve_fds, struct brig_error *err);
/* Fill the fds the process is to get (3 up to first_extra_fd) that the
 * caller left closed with /dev/null, before brig opens its own: one of
 * brig's there (the container's lock) would reach the init as a
 * preserved fd and live on in it (start then waited on that lock for
 * ever). */
void security_reserve_fds(int preserve_fds);
/* The first fd that is not stdio, --preserve-fds or a socket-activation
 * fd. */
unsigned int first_extra_fd(int preserve_fds);
/* create and run (not exec), in the runtime: socket activation as runc
 * takes it (systemd's sd_listen_fds): $LISTEN_FDS fds from 3 on, only
 * when $LISTEN_PID is this process.  Their number, 0 without; the
 * container's process gets them with LISTEN_FDS=N and LISTEN_PID=1. */
unsigned int security_take_listen_fds(void);
/* The number taken (0 in exec, which takes none, as runc's). */
unsigned int security_listen_fds(void);

/* SELinux is enabled on this host (mountLabel becomes a context= mount
 * option only then). */
bool selinux_enabled(void);
bool apparmor_enabled(void);

#endif
