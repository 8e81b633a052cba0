/* Lifecycle: create, start, kill, delete over a container's files in the
 * state root.  No directory of its own (on a disk-backed root each costs a
 * block, and freeing it a discard): its files lie in a few directories
 * all containers share, under its id (so any id of up to 255 bytes):
 *   <root>/<id>           its own file, empty: there while the container
 *                         is, flock'ed by the command working on it
 *   <root>/.state/<id>    state.json (replaced whole through .tmp/<id>)
 *   <root>/.fifo/<id>     the exec FIFO, between create and start
 *   <root>/.config/<id>   the config, kept for poststart/poststop hooks
 *   <root>/.notify/<id>/  NOTIFY_SOCKET's socket, bound in the container
 * Names with a leading '.' are never containers (`list`). */
#ifndef BRIG_CONTAINER_H
#define BRIG_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"
#include "state.h"

struct container {
  char *id;
  char *root;  /* the state root */
  int rootfd;  /* its fd (-1 from container_peek) */
  int selffd;  /* <root>/<id> (-1 from container_peek): the same file
                * across an unlock and a lock, whatever is made under the
                * id meanwhile */
  bool locked; /* flock(LOCK_EX) of selffd held (container_load) */
  /* Known to have no kept config (KEPT_CONFIG): the create that made it
   * wrote none, so container_load_kept need not look. */
  bool no_kept_config;
  /* run: create already sent the start byte (create_opts.start_early) */
  bool started;
  /* a foreground run: the child running the poststart hooks while the
   * process's output is relayed (0: none); container_poststart_wait */
  pid_t poststart_pid;
  int poststart_pidfd; /* its pidfd (-1: none), valid while the pid is set */
  struct container_state st;
};

/* Validate an id: at most 255 bytes of [A-Za-z0-9_.+-], not "." or "..",
 * nor a name the state root uses itself (.state, .monitors, ...), nor
 * any other name with a leading '.'. */
int container_id_valid(const char *id, struct brig_error *err);
/* Load an existing container: lock it, read state.json, refresh st.status
 * from the live process (pid + start time, exec FIFO, freezer).  A missing
 * container fails with errnum ENOENT and "container does not exist". */
int container_load(const char *root, const char *id, struct container **out,
                   struct brig_error *err);
/* container_load that does not wait for the lock: -1 with errnum
 * EWOULDBLOCK while a command holds it (wait, which has a deadline). */
int container_load_try(const char *root, const char *id, struct container **out,
                       struct brig_error *err);
/* container_load for readers that change nothing (`list`): without the
 * lock (and without rootfd, selffd): state.json is read whole, whatever
 * its size (it is only ever replaced whole), and a create holding the
 * lock is "creating", never waited for; a missing or "creating" file with
 * the lock free (a create that died) and a damaged one: container_load.
 * rootfd: root opened.  The exec FIFO is not looked for: a created
 * container reads "running", and the caller tells it apart by the FIFO
 * directory's listing, read after its peeks (one getdents for all the
 * containers of a `list` instead of a stat each). */
int container_peek(int rootfd, const char *root, const char *id,
                   struct container **out, struct brig_error *err);
/* container_peek with the root opened here (`state`, `kill`): a hook of
 * the container's that runs `brig state` or `brig kill` while create or
 * start holds the lock does not wait for that very create or start. */
int container_read(const char *root, const char *id, struct container **out,
                   struct brig_error *err);
/* container_read that does not wait for the lock even for a damaged
 * state.json (`monitor`): -1 with errnum EWOULDBLOCK then. */
int container_read_try(const char *root, const char *id, struct container **out,
                       struct brig_error *err);
/* Labels of the state and the kept config, in messages. */
#define STATE_FILE "state.json"
#define KEPT_CONFIG "config.json"
#define STATE_KIND ".state"
#define TMP_KIND ".tmp"
#define FIFO_KIND ".fifo"
#define KEPT_KIND ".config"
#define NOTIFY_KIND ".notify"
#define NOTIFY_SOCKET_NAME "notify.sock"
/* <kind>/<id>: the path of one of id's files under the root. */
#define CONTAINER_FILE_MAX 300
void container_file(char buf[CONTAINER_FILE_MAX], const char *id,
                    const char *kind);
/* An O_PATH fd of <root>/<kind>, made first if missing and make; never
 * through a symlink (a symlink or other file there fails, ENOTDIR). */
int container_kind_dir(int rootfd, const char *kind, bool make,
                       struct brig_error *err);
/* Write data as c's file of kind (state.json: container_save), swapped
 * in whole from .tmp/<id>. */
int container_write(struct container *c, const char *kind, const char *data,
                    struct brig_error *err);

/* Load the kept config (NULL in *out when there is none): the config as
 * create parsed it, kept when it has poststart/poststop hooks or did not
 * come from the bundle's config.json alone (--config, --set). */
int container_load_kept(struct container *c, struct spec_config **out,
                        struct brig_error *err);

/* Open (and with create, make with mode 0700) the state root. */
int container_root_open(const char *root, bool create, struct brig_error *err);
/* The status from the live init: stopped (gone, reused pid, zombie),
 * paused (frozen cgroup), created (exec FIFO present) or running. */
const char *container_live_status(const struct container *c);
/* Lock c again (it must be unlocked); fails with errnum ENOENT when c
 * was removed meanwhile. */
int container_lock(struct container *c, struct brig_error *err);
void container_unlock(struct container *c);
/* Unlock and close c's fds: what was read stays (a reader that keeps many
 * containers, `list`, holds no fd per container). */
void container_release(struct container *c);
/* Remove c's files, its own last. */
int container_remove_files(struct container *c, struct brig_error *err);
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
  bool detached;   /* create / run -d: a terminal needs a console socket */
  bool foreground; /* run without -d: no terminal, the stdio is relayed */
  bool use_init;   /* --init / execute: brig's init is PID 1 */
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
 * the container may be gone already (a failed hook removes it).
 * notify NULL (run -d): wait for the container's READY=1, as `start`
 * does, when NOTIFY_SOCKET is set; else (a foreground run, which
 * supervises the container and waits for READY=1 meanwhile) *notify is
 * the socket to give supervise, -1 when there is none. */
/* After a foreground run's process has exited: the poststart hooks
 * have all run (they may outlast it), before the container goes. */
void container_poststart_wait(struct container *c);
int container_start_held(struct container *c, int start_fd, int *notify,
                         struct brig_error *err);
/* run, after the init of the container it holds (c, unlocked) exited:
 * remove what is left, as `delete --force` would, from what create
 * recorded in c instead of state.json.  Nothing when another command
 * removed it meanwhile. */
int container_remove_exited(struct container *c, struct brig_error *err);
int container_kill(const char *root, const char *id, int sig, bool all,
                   struct brig_error *err);
int container_delete(const char *root, const char *id, bool force,
                     struct brig_error *err);
/* Record the process's exit code in the state.json of c (held by run,
 * unlocked); nothing when another command removed it meanwhile. */
int container_record_exit(struct container *c, int code,
                          struct brig_error *err);
/* RFC 3339 UTC time with nanoseconds (trailing zeros trimmed, as Go). */
char *rfc3339_now(void);
/* t as RFC 3339 in UTC, nanoseconds without trailing zeros (Go's
 * RFC3339Nano). */
char *rfc3339_at(const struct timespec *t);

#endif
