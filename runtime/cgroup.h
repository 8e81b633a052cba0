/* One cgroup driver interface, with a v1 (and hybrid) and a v2
 * implementation chosen from the layout detected at run time. */
#ifndef BRIG_CGROUP_H
#define BRIG_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "events.h"
#include "spec.h"

enum cgroup_layout { CGROUP_LAYOUT_V1, CGROUP_LAYOUT_HYBRID, CGROUP_LAYOUT_V2 };

struct cgroup; /* opaque: driver + the container's path */

enum cgroup_layout cgroup_detect_layout(void);

/* Resolve linux.cgroupsPath (NULL/empty = "/brig/<id>") and create the
 * container's cgroup in every hierarchy.  Fails if it cannot be created. */
int cgroup_create(const char *id, const char *cgroups_path, struct cgroup **out,
                  struct brig_error *err);
/* The parent of every container whose config has no cgroupsPath; brig
 * keeps it (other containers may be entering it). */
#define CGROUP_DEFAULT_PARENT "/brig"
/* The cgroup of such a container: /brig/<id> (malloc'd). */
char *cgroup_default_path(const char *id);
/* cgroup_create in two steps: resolve the paths (nothing made yet:
 * cgroup_path() can be recorded first), then make the directories
 * (undone on failure; cg is still the caller's to free). */
/* No "." or ".." component: the path stays inside the hierarchy. */
bool cgroup_path_is_clean(const char *p);
int cgroup_resolve(const char *id, const char *cgroups_path,
                   struct cgroup **out, struct brig_error *err);
int cgroup_make(struct cgroup *cg, struct brig_error *err);
/* cgroup_make for the hierarchies in `which` (CGROUP_HIER_*) only: the
 * cgroup2 one before the init is cloned into it, the v1 ones while it
 * starts. */
int cgroup_make_some(struct cgroup *cg, unsigned which, struct brig_error *err);
/* Reopen the cgroup of an existing container from the path recorded in its
 * state (cgroup_path()). */
int cgroup_open(const char *path, struct cgroup **out, struct brig_error *err);
/* exec --cgroup, runc's format: args (NULL-terminated) are
 * "[controller[,controller...]:]path"; one without a prefix moves every
 * hierarchy to that sub-cgroup, prefixed ones only the named controllers'
 * (the others stay at the container's cgroup).  Each must exist. */
int cgroup_descend(struct cgroup *cg, char *const *args,
                   struct brig_error *err);
const char *cgroup_path(const struct cgroup *cg);
void cgroup_free(struct cgroup *cg);

/* Write the resources; `update` is true for `brig update`. */
int cgroup_apply(struct cgroup *cg, const struct spec_resources *res,
                 bool update, struct brig_error *err);
/* Sets of hierarchies, for cgroup_make_some and cgroup_add_pid. */
#define CGROUP_HIER_V1 1U /* the v1 ones */
#define CGROUP_HIER_V2 2U /* the cgroup2 one: v2, or a hybrid's unified */
#define CGROUP_HIER_ALL (CGROUP_HIER_V1 | CGROUP_HIER_V2)
int cgroup_add_pid(struct cgroup *cg, pid_t pid, unsigned which,
                   struct brig_error *err);
/* The calling thread, alone in its process, joins the container's v1
 * hierarchies by writing "0" to their "tasks": a thread moving itself
 * takes no global lock, where a pid written to cgroup.procs takes the
 * cgroup threadgroup rwsem for writing, which waits for an RCU grace
 * period (5-15 ms on an idle host).  A no-op on v2. */
int cgroup_join_self_v1(struct cgroup *cg, struct brig_error *err);
/* Forget the per-process fd of /sys/fs/cgroup (without closing it): for a
 * child about to close the fds it inherited. */
void cgroup_forget_root_fd(void);
/* Close it: before a process enters the container's namespaces. */
void cgroup_close_root_fd(void);
/* An fd of the container's cgroup2 directory for clone3's
 * CLONE_INTO_CGROUP (v2, and the unified hierarchy of a hybrid host: -1 on
 * v1, or when it cannot be opened).  The caller closes it; when the clone
 * could not use it, cgroup_add_pid() with CGROUP_HIER_V2 is the
 * fallback. */
int cgroup_clone_fd(struct cgroup *cg);
int cgroup_freeze(struct cgroup *cg, bool freeze, struct brig_error *err);
/* 1 when frozen, 0 when not, -1 on error. */
int cgroup_is_frozen(struct cgroup *cg);
/* cgroup_is_frozen of the cgroup at a recorded path (cgroup_path()),
 * without opening all of it: 1 frozen, 0 not (or no freezer), -1 error. */
int cgroup_path_is_frozen(const char *path);
/* The file cgroup_is_frozen reads first for cg (the freezer hierarchy's
 * freezer.state on v1 and hybrid hosts, cgroup.freeze on v2), malloc'd;
 * NULL when cg has no freezer. */
char *cgroup_freezer_file(struct cgroup *cg);
/* cgroup_is_frozen of the cgroup whose freezer file that is, without
 * looking for the host's hierarchies: 1 frozen, 0 not (or gone), -1 error
 * or not a freezer file. */
int cgroup_file_is_frozen(const char *file);
/* Host pids of every process in the cgroup (malloc'd array). */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n,
                struct brig_error *err);
int cgroup_kill_all(struct cgroup *cg, int sig, struct brig_error *err);
/* Whether any of the container's cgroup directories is still there. */
bool cgroup_exists(const struct cgroup *cg);
/* Kill what is left, remove the cgroup from every hierarchy.  Safe on a
 * cgroup that was only partly created or is already gone. */
int cgroup_destroy(struct cgroup *cg, struct brig_error *err);

/* The layout this cgroup lives in. */
enum cgroup_layout cgroup_get_layout(const struct cgroup *cg);
/* The v1 hierarchies of cg, one per call (i from 0 until it returns
 * false): the mount point's last component ("cpu", "systemd") and the
 * container's directory in it (host path).  The cgroup2 one is skipped. */
bool cgroup_v1_dir_at(const struct cgroup *cg, size_t i, const char **name,
                      const char **dir);
/* The bytes the container read and wrote on block devices: v1's "Total"
 * lines, or v2's Read and Write (io.stat has no total). */
uint64_t cgroup_io_bytes(const struct events_stats *st);
/* Read the statistics `events` prints (free with events_stats_free). */
int cgroup_stats(struct cgroup *cg, struct events_stats *st,
                 struct brig_error *err);
/* An eventfd that becomes readable on each OOM kill in the cgroup (v1:
 * memory.oom_control through cgroup.event_control).  The caller closes it. */
int cgroup_oom_eventfd(struct cgroup *cg, struct brig_error *err);
/* Read / write one cgroup file by name ("memory.limit_in_bytes"); the
 * controller is the part before the first dot. */
/* How many processes the OOM killer ended in cg ("oom_kill N" of
 * memory.oom_control (v1) or memory.events (v2)); 0 when unknown. */
uint64_t cgroup_oom_kills(struct cgroup *cg);
int cgroup_get_value(struct cgroup *cg, const char *key, char **value,
                     struct brig_error *err);
int cgroup_set_value(struct cgroup *cg, const char *key, const char *value,
                     struct brig_error *err);

/* The container's directory in hierarchy i (0, 1, ...), NULL past the
 * last: every cgroup dir it has, for `info`. */
const char *cgroup_dir_at(const struct cgroup *cg, size_t i);

#endif
