/* Private to the cgroup drivers: the hierarchy list, the driver operations
 * and the file helpers they share. */
#ifndef BRIG_CGROUP_INTERNAL_H
#define BRIG_CGROUP_INTERNAL_H

#include "cgroup.h"

#include <stdint.h>

/* One mounted hierarchy and the container's directory in it. */
struct cgroup_hier {
  char *controllers; /* as /proc/self/cgroup names them: "cpu,cpuacct",
                        "name=systemd"; "" for cgroup2 */
  char *mount;       /* mount point, e.g. /sys/fs/cgroup/memory */
  char *rel;         /* the container's path inside the hierarchy */
  char *dir;         /* mount + rel */
  bool unified;      /* the cgroup2 hierarchy */
};

struct cgroup_driver {
  const char *name;
  /* `which`: CGROUP_HIER_V1 and/or CGROUP_HIER_V2 */
  int (*create)(struct cgroup *cg, unsigned which, struct brig_error *err);
  int (*apply)(struct cgroup *cg, const struct spec_resources *res, bool update,
               struct brig_error *err);
  int (*add_pid)(struct cgroup *cg, pid_t pid, unsigned which,
                 struct brig_error *err);
  int (*freeze)(struct cgroup *cg, bool freeze, struct brig_error *err);
  int (*is_frozen)(struct cgroup *cg);
  /* SIGKILL every process at once (v2's cgroup.kill); NULL when the
   * driver has no such file: each pid is signalled */
  int (*kill)(struct cgroup *cg, struct brig_error *err);
  /* the directory whose cgroup.procs lists every process */
  const char *(*procs_dir)(struct cgroup *cg);
  int (*remove)(struct cgroup *cg, struct brig_error *err);
  int (*stats)(struct cgroup *cg, struct events_stats *st,
               struct brig_error *err);
  int (*oom_eventfd)(struct cgroup *cg, struct brig_error *err);
};

struct cgroup {
  const struct cgroup_driver *drv;
  enum cgroup_layout layout;
  char *path; /* what cgroup_path() returns */
  struct cgroup_hier *h;
  size_t n;
  char **made; /* directories cgroup_create made, parents first */
  size_t n_made;
  /* a leaf was there already, with processes (cg_mkdir_path refused it):
   * cgroup_destroy removes only what this process made */
  bool foreign;
};

extern const struct cgroup_driver cgroup_driver_v1;
extern const struct cgroup_driver cgroup_driver_v2;
/* cgroup_v2.c: runc's cpu.shares -> cpu.weight conversion */
uint64_t cgroup_v2_shares_to_weight(uint64_t shares);
/* cgroup_v1_resources.c */
int cgroup_v1_apply(struct cgroup *cg, const struct spec_resources *res,
                    bool update, struct brig_error *err);

/* cgroup_resources.c: what the v1 and v2 resource writers share.
 * runc's checkBeforeUpdate: on an update that asks for it, a memory limit
 * below the usage in dir/usage_file fails with EBUSY, naming limit_file. */
int cg_check_memory_before_update(const char *dir, const struct spec_memory *m,
                                  bool update, int64_t limit,
                                  const char *limit_file,
                                  const char *usage_file,
                                  struct brig_error *err);
/* hugepageLimits[i].pageSize ("2MB"), or NULL with an error naming it. */
const char *cg_hugetlb_page_size(const struct spec_hugepage_limit *l, size_t i,
                                 struct brig_error *err);
/* Each linux.resources.rdma entry to dir/rdma.max as a line
 * "mlx5_0 hca_handle=2 hca_object=max". */
int cg_write_rdma(const char *dir, const struct spec_resources *res,
                  struct brig_error *err);
/* The controller a linux.resources.unified key names ("memory" for
 * "memory.max", malloc'd), or NULL with an error for a bad key. */
char *cg_unified_controller(const char *key, struct brig_error *err);

/* One device rule: 'a', 'c' or 'b'; -1 for a '*' number. */
struct cg_dev_rule {
  bool allow;
  char type;
  int64_t major, minor;
  char access[4]; /* some of "rwm" */
};
/* cgroup_devices.c: the device allow-list in the order it is applied:
 * "deny all", runc's defaults that the config names, the config's rules
 * (validated; less a leading "deny all"), the other defaults (malloc'd
 * list). */
int cg_device_rules(const struct spec_resources *res, struct cg_dev_rule **out,
                    size_t *n, struct brig_error *err);
/* Whether the device rules are applied: at create, as root in the initial
 * user namespace (runc skips them in a user namespace), and never by
 * `update` (runc's -r ignores them; rewriting them would deny the running
 * container everything for a moment, and v1 refuses "deny all" once the
 * cgroup has children). */
bool cg_devices_wanted(bool update);
/* cgroup_v2_devices.c: compile the rules to a BPF_PROG_TYPE_CGROUP_DEVICE
 * program and attach it to dir, replacing the ones attached before. */
int cg_v2_set_devices(const char *dir, const struct cg_dev_rule *rules,
                      size_t n, struct brig_error *err);

/* The v1 hierarchy holding `controller`, or the cgroup2 one for "". */
struct cgroup_hier *cg_hier(struct cgroup *cg, const char *controller);
/* A container cgroup directory exists (not removed yet). */
bool cg_dir_exists(const char *dir);

/* dir/file as a number, 0 when unreadable (for stats). */
uint64_t cg_read_u64_or_0(const char *dir, const char *file);
/* Each "key value" line of dir/file to fn (for stats). */
void cg_read_kv(const char *dir, const char *file,
                void (*fn)(void *ctx, const char *k, uint64_t v), void *ctx);

/* A cpu/node list ("0-3,5") in dir/file appended to l (for stats). */
void cg_read_range_list(const char *dir, const char *file,
                        struct events_u64_list *l);

/* dir/file opened for writing (reached from the cgroup root's fd); -1
 * with errno. */
int cg_open_write(const char *dir, const char *file);
/* Write val to dir/file in one write(2).  Errors name the file and value:
 * "set memory.limit_in_bytes=1048576: Device or resource busy". */
int cg_write(const char *dir, const char *file, const char *val,
             struct brig_error *err);
int cg_write_u64(const char *dir, const char *file, uint64_t v,
                 struct brig_error *err);
int cg_write_i64(const char *dir, const char *file, int64_t v,
                 struct brig_error *err);
/* cgroup_undo.c: an update's files as they were, put back when it fails
 * (begin, the writes (cg_write notes each file), restore on failure,
 * end) */
void cg_undo_begin(void);
void cg_undo_note(const char *dir, const char *file, const char *val);
void cg_undo_restore(void);
void cg_undo_end(void);
/* Read dir/file (trailing newline kept).  -1 with errno set, no message. */
int cg_read(const char *dir, const char *file, char **out);
/* A small file (a state, a number) in one read into buf, NUL-terminated:
 * -1 with errno set, EFBIG when it may not have fitted. */
int cg_read_small(const char *dir, const char *file, char *buf, size_t len);
/* The host's huge page sizes as the hugetlb files name them ("2MB",
 * "1GB", "64KB"), from /sys/kernel/mm/hugepages: at most max, their
 * number returned. */
size_t cg_hugepage_sizes(char (*sizes)[24], size_t max);
/* rmdir what this process made (cg->made), deepest first, but /brig, and
 * but the leaves unless `leaves` (cgroup_destroy removes those). */
void cg_rmdir_made(struct cgroup *cg, bool leaves);
/* Read a single number ("max" reads as UINT64_MAX).  -1 with errno. */
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
bool cg_file_exists(const char *dir, const char *file);

/* The pids in dir/cgroup.procs and in every cgroup below dir. */
int cg_read_pids(const char *dir, pid_t **pids, size_t *n,
                 struct brig_error *err);
/* rmdir dir and every cgroup below it, deepest first (walking dir only
 * when rmdir finds it busy: children or tasks), retrying briefly
 * while tasks exit.  0 when gone (or never there), -1 with errno. */
int cg_rmdir_tree(const char *dir);

/* mkdir every missing component of h->rel below h->mount, recording what
 * was made in cg->made; `made_hook` runs for each new directory. */
int cg_mkdir_path(struct cgroup *cg, struct cgroup_hier *h,
                  int (*made_hook)(const char *dir, bool leaf,
                                   struct brig_error *err),
                  struct brig_error *err);

#endif
