/* Create the container's init: clone with the namespace flags, then a
 * parent/child protocol over a SOCK_SEQPACKET socketpair.  The child sets
 * up the container, reports READY (or its failure with step and errno),
 * then blocks opening the exec FIFO until `start`. */
#ifndef BRIG_SPAWN_H
#define BRIG_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "spec.h"
#include "state.h"

struct spawn_opts {
  const struct spec_config *cfg;
  const char *id;
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute */
  int state_rootfd;   /* holds .fifo/<id>, the exec FIFO */
  /* run: no exec.fifo; the init waits for start on the sync socket,
   * returned in spawn_result.start_fd */
  bool start_by_socket;
  /* start_by_socket: send the start byte right after on_go, not leave it to
   * the caller (spawn_result.started says it went) */
  bool start_at_go;
  struct cgroup *cg;
  int console_sock; /* connected console socket, -1 when none */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool use_init; /* PID 1 is brig's built-in init, the process PID 2 */
  /* The state sent with a seccomp notify fd to listenerPath (pid filled
   * in), NULL when the caller has none. */
  const struct container_state *state;
  /* Called in the parent right after the clone (NULL: none): create
   * records the pid when there is no cgroup to find the init by. */
  void (*on_clone)(pid_t pid, void *arg);
  void *on_clone_arg;
  /* Called in the parent once the init is in its cgroup and set off on
   * its set-up (NULL: none), with the init's start time (read once, also
   * returned in spawn_result): run saves its state there, in parallel with
   * that set-up.  Returns < 0 (err filled) to fail the spawn. */
  int (*on_go)(pid_t pid, uint64_t start_time, void *arg,
               struct brig_error *err);
  /* Called in the parent between the clone and SYNC_GO (NULL: none), while
   * the init does what needs no cgroup of its own (its network namespace,
   * its session keyring): create makes the v1 cgroups and writes the
   * resources there, which the init joins after SYNC_GO.  Root without a
   * user namespace, on v1 and hybrid hosts only. */
  int (*late_cgroup)(void *arg, struct brig_error *err);
  void *late_cgroup_arg;
};

struct spawn_result {
  pid_t pid;
  uint64_t start_time;
  int start_fd; /* start_by_socket: the init's socket, else -1 */
  bool started; /* start_at_go: the start byte was sent */
};

/* Resolve process.args[0] as exec.LookPath does (PATH from env, the
 * process's as process_env made it); errors in runc's wording.  Returns a
 * malloc'd path or NULL. */
char *find_executable(const struct spec_process *p, char *const *env,
                      struct brig_error *err);

/* process.env as runc passes it on (a name given twice once, at its first
 * place, with its last value), with HOME added as runc and crun add it
 * when it is missing or empty: the home directory of process.user.uid in
 * the container's /etc/passwd, "/" without an entry.  Call in the
 * container's root, before the user switch.  A new array (of p->env's
 * strings, and a new HOME). */
char **process_env(const struct spec_process *p);

int spawn_container(const struct spawn_opts *o, struct spawn_result *r,
                    struct brig_error *err);

#endif
