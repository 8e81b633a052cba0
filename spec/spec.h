/* The OCI runtime-spec (1.3) model for Linux: config.json as plain C structs.
 *
 * Everything about JSON lives in spec/: parsing (yajl tree API) into these
 * structs, semantic validation, and emitting JSON.  Nothing outside spec/
 * includes a yajl header.
 *
 * Conventions:
 *  - strings are NUL-terminated, heap-allocated, NULL when absent;
 *  - string lists are NULL-terminated arrays (char **), NULL when absent;
 *  - arrays of structs are a pointer plus a count (n_*);
 *  - an optional number is a struct opt_* whose .set says it was given;
 *  - string maps are struct spec_kv arrays (keys kept in file order).
 */
#ifndef BRIG_SPEC_H
#define BRIG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SPEC_OCI_VERSION "1.3.0"
/* Limits on what the parser accepts (documented in the README). */
#define SPEC_MAX_CONFIG_SIZE (8u * 1024 * 1024)
#define SPEC_MAX_DEPTH 64

struct opt_i64 {
  bool set;
  int64_t v;
};
struct opt_u64 {
  bool set;
  uint64_t v;
};
struct opt_bool {
  bool set;
  bool v;
};

struct spec_kv {
  char *key;
  char *value;
};

struct spec_id_mapping {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct spec_mount {
  char *destination; /* required, absolute on Linux */
  char *type;
  char *source;
  char **options;
  struct spec_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct spec_id_mapping *gid_mappings;
  size_t n_gid_mappings;
};

struct spec_rlimit {
  char *type;   /* "RLIMIT_NOFILE" ... */
  int resource; /* resolved RLIMIT_* number */
  uint64_t hard;
  uint64_t soft;
};

struct spec_user {
  uint32_t uid;
  uint32_t gid;
  struct opt_u64 umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username; /* Windows only; kept for completeness */
};

struct spec_capabilities {
  char **bounding;
  char **effective;
  char **inheritable;
  char **permitted;
  char **ambient;
};

struct spec_scheduler {
  char *policy; /* SCHED_OTHER ... required when scheduler is present */
  struct opt_i64 nice;
  struct opt_i64 priority;
  char **flags;
  struct opt_u64 runtime;
  struct opt_u64 deadline;
  struct opt_u64 period;
};

struct spec_io_priority {
  char *class_; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
  int64_t priority;
};

struct spec_exec_cpu_affinity {
  char *initial;
  char *final;
};

struct spec_process {
  bool terminal;
  bool has_console_size;
  uint32_t console_height;
  uint32_t console_width;
  struct spec_user user;
  char **args; /* required, non-empty */
  char *command_line;
  char **env;
  char *cwd;                              /* required, absolute */
  struct spec_capabilities *capabilities; /* NULL when absent */
  struct spec_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  char *selinux_label;
  struct opt_i64 oom_score_adj;
  struct spec_scheduler *scheduler;                 /* NULL when absent */
  struct spec_io_priority *io_priority;             /* NULL when absent */
  struct spec_exec_cpu_affinity *exec_cpu_affinity; /* NULL when absent */
};

struct spec_root {
  char *path;
  bool readonly;
};

struct spec_hook {
  char *path; /* required, absolute */
  char **args;
  char **env;
  struct opt_i64 timeout; /* seconds, > 0 */
};

struct spec_hooks {
  struct spec_hook *prestart;
  size_t n_prestart;
  struct spec_hook *create_runtime;
  size_t n_create_runtime;
  struct spec_hook *create_container;
  size_t n_create_container;
  struct spec_hook *start_container;
  size_t n_start_container;
  struct spec_hook *poststart;
  size_t n_poststart;
  struct spec_hook *poststop;
  size_t n_poststop;
};

enum spec_ns_type {
  SPEC_NS_PID,
  SPEC_NS_NETWORK,
  SPEC_NS_MOUNT,
  SPEC_NS_IPC,
  SPEC_NS_UTS,
  SPEC_NS_USER,
  SPEC_NS_CGROUP,
  SPEC_NS_TIME,
  SPEC_NS_COUNT
};

struct spec_namespace {
  enum spec_ns_type type;
  char *path; /* join this one when set */
};

struct spec_time_offset {
  bool set;
  int64_t secs;
  uint32_t nanosecs;
};

struct spec_device {
  char type; /* 'c', 'b', 'u', 'p' */
  char *path;
  int64_t major;
  int64_t minor;
  struct opt_u64 file_mode;
  struct opt_u64 uid;
  struct opt_u64 gid;
};

struct spec_device_cgroup {
  bool allow;
  char *type; /* "a", "c", "b" or NULL (= all) */
  struct opt_i64 major;
  struct opt_i64 minor;
  char *access;
};

struct spec_memory {
  struct opt_i64 limit;
  struct opt_i64 reservation;
  struct opt_i64 swap;
  struct opt_i64 kernel;
  struct opt_i64 kernel_tcp;
  struct opt_u64 swappiness;
  struct opt_bool disable_oom_killer;
  struct opt_bool use_hierarchy;
  struct opt_bool check_before_update;
};

struct spec_cpu {
  struct opt_u64 shares;
  struct opt_i64 quota;
  struct opt_u64 burst;
  struct opt_u64 period;
  struct opt_i64 realtime_runtime;
  struct opt_u64 realtime_period;
  char *cpus;
  char *mems;
  struct opt_i64 idle;
};

struct spec_weight_device {
  int64_t major;
  int64_t minor;
  struct opt_u64 weight;
  struct opt_u64 leaf_weight;
};

struct spec_throttle_device {
  int64_t major;
  int64_t minor;
  uint64_t rate;
};

struct spec_block_io {
  struct opt_u64 weight;
  struct opt_u64 leaf_weight;
  struct spec_weight_device *weight_device;
  size_t n_weight_device;
  struct spec_throttle_device *throttle_read_bps_device;
  size_t n_throttle_read_bps_device;
  struct spec_throttle_device *throttle_write_bps_device;
  size_t n_throttle_write_bps_device;
  struct spec_throttle_device *throttle_read_iops_device;
  size_t n_throttle_read_iops_device;
  struct spec_throttle_device *throttle_write_iops_device;
  size_t n_throttle_write_iops_device;
};

struct spec_hugepage_limit {
  char *page_size;
  uint64_t limit;
};

struct spec_net_priority {
  char *name;
  uint32_t priority;
};

struct spec_network {
  struct opt_u64 class_id;
  struct spec_net_priority *priorities;
  size_t n_priorities;
};

struct spec_rdma {
  char *device;
  struct opt_u64 hca_handles;
  struct opt_u64 hca_objects;
};

struct spec_resources {
  struct spec_device_cgroup *devices;
  size_t n_devices;
  struct spec_memory *memory; /* NULL when absent, likewise below */
  struct spec_cpu *cpu;
  struct opt_i64 pids_limit; /* .pids.limit */
  bool has_pids;
  struct spec_block_io *block_io;
  struct spec_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  struct spec_network *network;
  struct spec_rdma *rdma;
  size_t n_rdma;
  struct spec_kv *unified;
  size_t n_unified;
};

struct spec_intel_rdt {
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  char **schemata;
  bool enable_cmt;
  bool enable_mbm;
};

struct spec_seccomp_arg {
  uint32_t index;
  uint64_t value;
  uint64_t value_two;
  char *op; /* SCMP_CMP_* */
};

struct spec_seccomp_syscall {
  char **names;
  char *action; /* SCMP_ACT_* */
  struct opt_u64 errno_ret;
  struct spec_seccomp_arg *args;
  size_t n_args;
};

struct spec_seccomp {
  char *default_action;
  struct opt_u64 default_errno_ret;
  char **architectures; /* SCMP_ARCH_* */
  char **flags;         /* SECCOMP_FILTER_FLAG_* */
  char *listener_path;
  char *listener_metadata;
  struct spec_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct spec_personality {
  char *domain; /* LINUX | LINUX32 */
  char **flags;
};

struct spec_memory_policy {
  char *mode; /* MPOL_* */
  char *nodes;
  char **flags;
};

struct spec_net_device {
  char *host_name; /* the key of linux.netDevices */
  char *name;      /* name inside the container (defaults to host_name) */
};

struct spec_linux {
  struct spec_namespace *namespaces;
  size_t n_namespaces;
  struct spec_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  struct spec_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  struct spec_time_offset time_monotonic;
  struct spec_time_offset time_boottime;
  struct spec_device *devices;
  size_t n_devices;
  char *cgroups_path;
  struct spec_resources *resources; /* NULL when absent */
  struct spec_intel_rdt *intel_rdt; /* NULL when absent */
  struct spec_kv *sysctl;
  size_t n_sysctl;
  struct spec_seccomp *seccomp; /* NULL when absent */
  char *rootfs_propagation;     /* shared|slave|private|unbindable (+r) */
  char **masked_paths;
  char **readonly_paths;
  char *mount_label;
  struct spec_personality *personality;     /* NULL when absent */
  struct spec_memory_policy *memory_policy; /* NULL when absent */
  struct spec_net_device *net_devices;
  size_t n_net_devices;
};

struct spec_config {
  char *oci_version;      /* required */
  struct spec_root *root; /* NULL when absent */
  struct spec_mount *mounts;
  size_t n_mounts;
  struct spec_process *process; /* NULL when absent */
  char *hostname;
  char *domainname;
  struct spec_hooks *hooks; /* NULL when absent */
  struct spec_kv *annotations;
  size_t n_annotations;
  struct spec_linux *linux_; /* NULL when absent */
};

/* Parse a config.json held in memory.  `name` is used in messages
 * ("config.json").  On failure returns NULL and fills err with one line:
 * "<name>: <json path>: <what was wrong>". */
struct spec_config *spec_parse(const char *data, size_t len, const char *name,
                               struct brig_error *err);
/* Read and parse <path>; the message names the path given. */
struct spec_config *spec_load_file(const char *path, struct brig_error *err);
void spec_free(struct spec_config *cfg);

/* The configuration on the command line: parse a config with the --set
 * list applied (sets: "PATH=VALUE" / "PATH+=VALUE", NULL-terminated, NULL
 * for none; syntax in spec/patch.c).  A refusal caused by a --set is
 * "--set <arg>: <json path>: <what>"; a --set outside the spec is refused.
 * spec_load_with reads path; name (NULL: its base name) is used in
 * messages about the file. */
struct spec_config *spec_parse_with(const char *data, size_t len,
                                    const char *name, char *const *sets,
                                    struct brig_error *err);
struct spec_config *spec_load_with(const char *path, const char *name,
                                   char *const *sets, struct brig_error *err);

/* Parse just a process object (exec --process FILE); same rules. */
struct spec_process *spec_parse_process(const char *data, size_t len,
                                        const char *name,
                                        struct brig_error *err);
void spec_process_free(struct spec_process *p);

/* Parse a LinuxResources object (update --resources FILE|-). */
struct spec_resources *spec_parse_resources(const char *data, size_t len,
                                            const char *name,
                                            struct brig_error *err);
void spec_resources_free(struct spec_resources *r);

/* Emit a config as JSON (every field set is written).  Returns a malloc'd
 * NUL-terminated string, or NULL with err filled. */
char *spec_emit(const struct spec_config *cfg, bool pretty,
                struct brig_error *err);

/* The default config.json written by `brig spec` (runc's equivalent). */
char *spec_default_json(bool rootless, struct brig_error *err);

/* The features.json printed by `brig features`. */
char *spec_features_json(struct brig_error *err);

/* Names -> numbers, shared with the runtime.  Each returns -1 when unknown. */
const char *spec_ns_type_name(enum spec_ns_type t); /* "pid", "network"... */
int spec_ns_type_from_name(const char *name);
int spec_rlimit_from_name(const char *name);
int spec_capability_from_name(const char *name); /* "CAP_CHOWN" -> 0 */
const char *spec_capability_name(int cap);
int spec_capability_last(void); /* highest number any kernel knows */

/* yajl's version as "2.1.0" (for `brig --version`). */
const char *spec_yajl_version(void);

#endif
