/* The container's state: state.json in <root>/<id>/ (the runtime's private
 * record) and the runtime-spec state printed by `brig state` and given to
 * hooks on stdin. */
#ifndef BRIG_STATE_JSON_H
#define BRIG_STATE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct container_state {
  char *oci_version;
  char *id;
  char *status; /* creating, created, running, paused, stopped */
  pid_t pid;    /* init pid, 0 when none */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339, UTC, nanoseconds */
  char *owner;   /* "" for root, as runc */
  struct spec_kv *annotations;
  size_t n_annotations;
  /* Private, kept only in state.json: */
  uint64_t init_start_time; /* /proc/<pid>/stat field 22 */
  char *cgroup_path;
  /* the file that says whether the container is frozen (its v1
   * freezer.state, its cgroup2 cgroup.freeze), as create made it: `state`
   * reads it without finding the host's hierarchies; NULL without one, and
   * in a state.json from before it was recorded */
  char *freezer_file;
  bool use_init;   /* PID 1 is brig's built-in init */
  int exit_status; /* the process's exit code, -1 when not known */
  bool systemd_cgroup;
  bool no_new_keyring; /* create --no-new-keyring: exec joins none either */
};

/* The runtime-spec state (what `brig state` prints and hooks read).
 * pretty: indented as runc prints it.  Returns a malloc'd string.  A
 * stopped container's pid is 0, as runc prints it. */
char *state_emit_public(const struct container_state *st, bool pretty);
/* The same, compact, for a hook's stdin: a stopped container's pid is
 * left out, as runc's specs.State does (the pid may be another's now). */
char *state_emit_hook(const struct container_state *st);
/* The private state.json (public fields + brig's own). */
char *state_emit_file(const struct container_state *st);
/* Parse state.json; `name` appears in messages.  The plain reader first,
 * then the tree parser for what it leaves. */
int state_parse_file(const char *data, size_t len, const char *name,
                     struct container_state *out, struct brig_error *err);
/* The plain reader alone: 0 with *out filled as the tree parser would, or
 * -1 (nothing to free) for any text it does not take. */
int state_parse_plain(const char *data, size_t len,
                      struct container_state *out);
/* The tree parser alone (yajl). */
int state_parse_tree(const char *data, size_t len, const char *name,
                     struct container_state *out, struct brig_error *err);
void state_clear(struct container_state *st);

#endif
