/* Lifecycle: create, start, kill, delete over the state directory
 * <root>/<id>/ (state.json, the exec FIFO, the lock). */
#ifndef BRIG_CONTAINER_H
#define BRIG_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"
#include "state.h"

struct container {
  char *id;
  char *dir;   /* <root>/<id> */
  int dirfd;   /* O_PATH|O_DIRECTORY fd of dir (-1 from container_peek) */
  int lock_fd; /* flock(LOCK_EX) held while loaded */
  /* Known to have no kept config (HOOKS_CONFIG): the create that made it
   * wrote none, so container_load_hooks need not look. */
  bool no_hooks_config;
  /* run: create already sent the start byte (create_opts.start_early) */
  bool started;
  struct container_state st;
};

/* Validate an id: at most 255 bytes of [A-Za-z0-9_.+-], not "." or "..". */
int container_id_valid(const char *id, struct brig_error *err);
/* Load an existing container: lock it, read state.json, refresh st.status
 * from the live process (pid + start time, exec FIFO, freezer).  A missing
 * container fails with errnum ENOENT and "container does not exist". */
int container_load(const char *root, const char *id, struct container **out,
                   struct brig_error *err);
/* container_load for readers that change nothing (`list`): without the
 * lock (and without dirfd) when state.json reads whole and is past
 * "creating" (it is only ever replaced whole); else container_load itself.
 * rootfd: root opened. */
int container_peek(int rootfd, const char *root, const char *id,
                   struct container **out, struct brig_error *err);
#define EXEC_FIFO "exec.fifo"
/* A copy of config.json, kept only when it has poststart/poststop hooks. */
#define HOOKS_CONFIG "config.json"

/* Load the kept config (NULL in *out when there is none). */
int container_load_hooks(struct container *c, struct spec_config **out,
                         struct brig_error *err);

/* Open (and with create, make with mode 0700) the state root. */
int container_root_open(const char *root, bool create, struct brig_error *err);
/* The status from the live init: stopped (gone, reused pid, zombie),
 * paused (frozen cgroup), created (exec FIFO present) or running. */
const char *container_live_status(const struct container *c);
/* Lock c's state dir again (c->lock_fd, which must be -1). */
int container_lock(struct container *c, struct brig_error *err);
/* Remove the state directory and everything in it. */
int container_remove_dir(struct container *c, struct brig_error *err);
/* Write st to state.json atomically. */
int container_save(struct container *c, struct brig_error *err);
void container_free(struct container *c);

/* The lifecycle (container.c). */
struct create_opts {
  const char *root;
  const char *id;
  const char *bundle; /* NULL = current directory */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  /* run in the foreground without --console-socket: brig receives the pty
   * master itself (returned in *console_master). */
  bool receive_console;
  bool detached; /* create / run -d: a terminal needs a console socket */
  bool use_init; /* --init / execute: brig's init is PID 1 */
  /* run: nothing the caller does between create and start has to come
   * before the process (no --console-file check): create may start the
   * init as soon as its state is saved (container.started) */
  bool start_early;
  char **args;             /* execute -- CMD: replaces process.args */
  const char *config_file; /* --config FILE: instead of config.json */
  char **sets;             /* --set PATH=VALUE..., NULL-terminated */
};

/* start_fd NULL: the init waits on exec.fifo for `start`; else (run) on
 * a socket returned there, to hand to container_start_held.  held (run;
 * NULL for create): the container made, still locked, for
 * container_start_held and container_remove_exited, which need not read
 * it back. */
int container_create(const struct create_opts *o, pid_t *pid,
                     int *console_master, int *start_fd,
                     struct container **held, struct brig_error *err);
/* `start`: through exec.fifo. */
int container_start(const char *root, const char *id, struct brig_error *err);
/* run: start the container create held, over start_fd (the socket from
 * container_create, closed here).  Unlocks c, on failure too; on failure
 * the container may be gone already (a failed hook removes it). */
int container_start_held(struct container *c, int start_fd,
                         struct brig_error *err);
/* run, after the init of the container it holds (c, unlocked) exited:
 * remove what is left, as `delete --force` would, from what create
 * recorded in c instead of state.json.  Nothing when another command
 * removed the state dir meanwhile. */
int container_remove_exited(struct container *c, struct brig_error *err);
int container_kill(const char *root, const char *id, int sig, bool all,
                   struct brig_error *err);
int container_delete(const char *root, const char *id, bool force,
                     struct brig_error *err);
/* Record the process's exit code in state.json (run knows it). */
int container_record_exit(const char *root, const char *id, int code,
                          struct brig_error *err);
/* RFC 3339 UTC time with nanoseconds (trailing zeros trimmed, as Go). */
char *rfc3339_now(void);

#endif
