/* Internals shared by process_attrs.c, caps.c, seccomp.c, lsm.c and
 * security.c, and exposed for the unit tests.  Not for other callers:
 * security.h is the interface. */
#ifndef BRIG_SECURITY_IMPL_H
#define BRIG_SECURITY_IMPL_H

#include <linux/filter.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* ---- process_attrs.c ---- */

/* Parse a list like "0-2,4,7" into a bit mask of nbits bits (mask holds
 * nbits/ULONG bits, zeroed first).  what names the field in errors.
 * Returns the highest bit set (>= 0), or -1 with err (empty list, junk,
 * reversed range, a number >= nbits). */
int parse_id_list(const char *s, unsigned long *mask, size_t nbits,
                  const char *what, struct brig_error *err);
/* Names -> numbers; -1 when unknown. */
int sched_policy_from_name(const char *name);
int sched_flag_from_name(const char *name); /* returns the flag bit */
int ioprio_class_from_name(const char *name);
int mempolicy_mode_from_name(const char *name);
int mempolicy_flag_from_name(const char *name);
int personality_domain_from_name(const char *name);
/* execCPUAffinity.final (right before execve). */
int proc_apply_final_affinity(const struct spec_process *p,
                              struct brig_error *err);

/* ---- caps.c ---- */

enum cap_set_kind {
  CAPSET_BOUNDING,
  CAPSET_EFFECTIVE,
  CAPSET_PERMITTED,
  CAPSET_INHERITABLE,
  CAPSET_AMBIENT,
  CAPSET_COUNT
};

struct cap_plan {
  uint64_t sets[CAPSET_COUNT]; /* bit n = capability n */
  int last_cap;                /* highest capability the kernel knows */
};

/* Resolve the configured names (NULL = every set empty, as runc).  A name
 * unknown, beyond the kernel's last capability, or missing from our own
 * bounding set is dropped; warn: one log_warn listing them (the runtime
 * warns, in security_check_host; the child, whose log fd is closed, only
 * logs at debug level). */
int caps_resolve(const struct spec_capabilities *c, struct cap_plan *plan,
                 bool warn, struct brig_error *err);
/* Drop every capability not in the bounding set (needs CAP_SETPCAP). */
int caps_apply_bounding(const struct cap_plan *plan, struct brig_error *err);
/* Set effective/permitted/inheritable, then raise ambient. */
int caps_apply_sets(const struct cap_plan *plan, struct brig_error *err);
/* setgroups(additionalGids), setresgid, setresuid. */
int user_apply(const struct spec_user *u, struct brig_error *err);

/* ---- seccomp.c ---- */

struct brig_seccomp;

/* Build the filter (no privileges needed).  NULL *out when sc is NULL. */
int seccomp_build(const struct spec_seccomp *sc, struct brig_seccomp **out,
                  struct brig_error *err);
/* Load it into the kernel; *notify_fd gets the notify fd or -1. */
int seccomp_load_filter(struct brig_seccomp *f, int *notify_fd,
                        struct brig_error *err);
void seccomp_filter_free(struct brig_seccomp *f);
/* In the runtime, before the child is made: find sc's BPF program in
 * cache_dir (or build it and store it there) so the child's seccomp_build
 * for the same sc needs no libseccomp work.  Best effort: on any failure
 * the child builds the filter itself. */
void seccomp_precompile(const struct spec_seccomp *sc, const char *cache_dir);
/* libseccomp's BPF program for sc (out->filter malloc'd); -1 when it
 * does not build or has SCMP_ACT_NOTIFY rules. */
int seccomp_export_program(const struct spec_seccomp *sc,
                           struct sock_fprog *out);
/* The filter has SCMP_ACT_NOTIFY rules. */
bool seccomp_filter_notifies(const struct brig_seccomp *f);
/* "SCMP_ACT_ERRNO" + errnoRet -> a libseccomp action; -1 if unknown. */
int seccomp_action_from_name(const char *name, bool errno_set,
                             uint64_t errno_ret, uint32_t *action);
int seccomp_op_from_name(const char *name); /* enum scmp_compare, -1 */
/* "SECCOMP_FILTER_FLAG_LOG" -> enum scmp_filter_attr, or -1 with err. */
int seccomp_flag_attr(const char *name, int *attr, struct brig_error *err);
/* "SCMP_ARCH_X86_64" -> libseccomp token; 0 if unknown. */
uint32_t seccomp_arch_from_name(const char *name);
/* The containerProcessState JSON (malloc'd). */
char *seccomp_process_state_json(const char *metadata, pid_t pid,
                                 const char *state_json);

/* ---- lsm.c ---- */

/* Write value to attr_dir/rel (no symlink, no mount crossed). */
int lsm_write_attr(int attr_dir, const char *rel, const char *value,
                   struct brig_error *err);
/* Error unless the LSM a profile/label asks for is enabled; with field,
 * the message names it (process.apparmorProfile, process.selinuxLabel:
 * create's config), else not (exec's --apparmor, --process-label). */
int lsm_check(const struct spec_process *p, bool field, struct brig_error *err);
/* Set the exec labels: AppArmor "exec <profile>", SELinux label, in
 * /proc/thread-self/attr once it is proven to be procfs (procfs.h). */
int lsm_apply(const struct spec_process *p, struct brig_error *err);
/* The same in the attr directory attr_dir (tests use a temp dir). */
int lsm_apply_at(const struct spec_process *p, int attr_dir,
                 struct brig_error *err);

#endif
