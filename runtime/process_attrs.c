/* Process attributes that need no privilege change: rlimits, oomScoreAdj,
 * personality, scheduler, ioPriority, execCPUAffinity, memoryPolicy,
 * umask.  Each is applied or refused with an error naming the field. */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "procfs.h"
#include "security_impl.h"
#include "util.h"

#define ULONG_BITS (sizeof(unsigned long) * CHAR_BIT)

struct name_value {
  const char *name;
  long value;
};

static long lookup(const struct name_value *t, const char *name) {
  for (; name != NULL && t->name != NULL; t++)
    if (strcmp(t->name, name) == 0)
      return t->value;
  return -1;
}

int parse_id_list(const char *s, unsigned long *mask, size_t nbits,
                  const char *what, struct brig_error *err) {
  int highest = -1;
  const char *p = s;

  memset(mask, 0, (nbits + ULONG_BITS - 1) / ULONG_BITS * sizeof(*mask));
  if (s == NULL || *s == '\0')
    return brig_err(err, 0, "%s: empty list", what);
  while (*p != '\0') {
    char *end;
    unsigned long lo, hi;
    if (*p < '0' || *p > '9')
      return brig_err(err, 0, "%s: invalid list \"%s\"", what, s);
    errno = 0;
    lo = strtoul(p, &end, 10);
    hi = lo;
    if (*end == '-') {
      p = end + 1;
      if (*p < '0' || *p > '9')
        return brig_err(err, 0, "%s: invalid list \"%s\"", what, s);
      hi = strtoul(p, &end, 10);
    }
    if (errno != 0 || hi < lo)
      return brig_err(err, 0, "%s: invalid range in \"%s\"", what, s);
    if (hi >= nbits)
      return brig_err(err, 0, "%s: %lu is out of range (max %zu) in \"%s\"",
                      what, hi, nbits - 1, s);
    for (unsigned long i = lo; i <= hi; i++)
      mask[i / ULONG_BITS] |= 1UL << (i % ULONG_BITS);
    if ((int)hi > highest)
      highest = (int)hi;
    if (*end == ',' && end[1] != '\0')
      end++;
    else if (*end != '\0')
      return brig_err(err, 0, "%s: invalid list \"%s\"", what, s);
    p = end;
  }
  return highest;
}

/* ---- rlimits ---- */

static int apply_rlimits(const struct spec_process *p, struct brig_error *err) {
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const struct spec_rlimit *r = &p->rlimits[i];
    int res = r->type ? spec_rlimit_from_name(r->type) : r->resource;
    struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (res < 0)
      return brig_err(err, 0, "process.rlimits: unknown type \"%s\"",
                      r->type ? r->type : "");
    if (setrlimit(res, &rl) < 0)
      return brig_err(
          err, errno, "process.rlimits: setrlimit %s (soft %llu, hard %llu)",
          r->type, (unsigned long long)r->soft, (unsigned long long)r->hard);
  }
  return 0;
}

/* ---- oomScoreAdj ---- */

bool proc_oom_written;

int proc_write_oom_score_adj(pid_t pid, const struct spec_process *p,
                             struct brig_error *err) {
  _cleanup_close_ int fd = -1;
  char buf[32], path[48];
  if (!p->oom_score_adj.set)
    return 0;
  /* the host's /proc: this runs before any of the container's */
  snprintf(path, sizeof(path), "/proc/%d/oom_score_adj",
           pid > 0 ? (int)pid : (int)getpid());
  snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.v);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all(fd, buf, strlen(buf)) < 0)
    return brig_err(err, errno, "process.oomScoreAdj: write %s to %s", buf,
                    path);
  proc_oom_written = true;
  return 0;
}

static int apply_oom_score_adj(const struct spec_process *p,
                               struct brig_error *err) {
  _cleanup_close_ int fd = -1;
  char buf[32];
  if (!p->oom_score_adj.set || proc_oom_written)
    return 0;
  snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.v);
  fd = procfs_open_thread("oom_score_adj", O_WRONLY, err);
  if (fd < 0)
    return brig_err_wrap(err, "process.oomScoreAdj");
  if (write_all(fd, buf, strlen(buf)) < 0)
    return brig_err(err, errno, "process.oomScoreAdj: write %s", buf);
  return 0;
}

/* ---- personality ---- */

int personality_domain_from_name(const char *name) {
  static const struct name_value t[] = {
      {"LINUX", PER_LINUX}, {"LINUX32", PER_LINUX32}, {NULL, 0}};
  return (int)lookup(t, name);
}

static int apply_personality(const struct spec_config *cfg,
                             struct brig_error *err) {
  const struct spec_personality *pers =
      cfg->linux_ ? cfg->linux_->personality : NULL;
  unsigned long persona;
  int domain;

  if (pers == NULL)
    return 0;
  domain = personality_domain_from_name(pers->domain);
  if (domain < 0)
    return brig_err(err, 0,
                    "linux.personality.domain: unknown \"%s\" (LINUX or "
                    "LINUX32)",
                    pers->domain ? pers->domain : "");
  persona = (unsigned long)domain;
  /* "Currently no flag values are supported" (runtime-spec); some would
   * weaken the container (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC): ignored
   * with a warning, as runc 1.2 */
  if (pers->flags != NULL && pers->flags[0] != NULL)
    log_warn("linux.personality.flags: ignored: the runtime-spec supports "
             "no flag yet (runc ignores them too)");
  if (personality(persona) < 0)
    return brig_err(err, errno, "linux.personality: personality(%#lx)",
                    persona);
  return 0;
}

/* ---- scheduler ---- */

/* The kernel's struct sched_attr (glibc 2.36 lacks it). */
struct brig_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

int sched_policy_from_name(const char *name) {
  static const struct name_value t[] = {
      {"SCHED_OTHER", 0},    {"SCHED_FIFO", 1}, {"SCHED_RR", 2},
      {"SCHED_BATCH", 3},    {"SCHED_ISO", 4},  {"SCHED_IDLE", 5},
      {"SCHED_DEADLINE", 6}, {NULL, 0}};
  return (int)lookup(t, name);
}

int sched_flag_from_name(const char *name) {
  static const struct name_value t[] = {
      {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
      {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
      {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
      {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0}};
  return (int)lookup(t, name);
}

static int apply_scheduler(const struct spec_process *p,
                           struct brig_error *err) {
  const struct spec_scheduler *s = p->scheduler;
  struct brig_sched_attr attr = {.size = sizeof(attr)};
  int policy;

  if (s == NULL)
    return 0;
  policy = sched_policy_from_name(s->policy);
  if (policy < 0)
    return brig_err(err, 0, "process.scheduler.policy: unknown \"%s\"",
                    s->policy ? s->policy : "");
  attr.sched_policy = (uint32_t)policy;
  for (char **f = s->flags; f && *f; f++) {
    int bit = sched_flag_from_name(*f);
    if (bit < 0)
      return brig_err(err, 0, "process.scheduler.flags: unknown flag \"%s\"",
                      *f);
    attr.sched_flags |= (uint64_t)bit;
  }
  if (s->nice.set) {
    if (s->nice.v < -20 || s->nice.v > 19)
      return brig_err(err, 0,
                      "process.scheduler.nice: %lld is out of range -20..19",
                      (long long)s->nice.v);
    attr.sched_nice = (int32_t)s->nice.v;
  }
  if (s->priority.set) {
    if (s->priority.v < 0 || s->priority.v > 99)
      return brig_err(err, 0,
                      "process.scheduler.priority: %lld is out of range 0..99",
                      (long long)s->priority.v);
    attr.sched_priority = (uint32_t)s->priority.v;
  }
  /* runc's validator: what the kernel would ignore, or refuse with a
   * bare EINVAL, named here */
  if (s->priority.set && s->priority.v != 0 && policy != SCHED_FIFO &&
      policy != SCHED_RR)
    return brig_err(err, 0,
                    "process.scheduler.priority: only for SCHED_FIFO or "
                    "SCHED_RR, not %s",
                    s->policy);
  if (policy != SCHED_DEADLINE &&
      ((s->runtime.set && s->runtime.v) || (s->deadline.set && s->deadline.v) ||
       (s->period.set && s->period.v)))
    return brig_err(err, 0,
                    "process.scheduler.runtime/deadline/period: only for "
                    "SCHED_DEADLINE, not %s",
                    s->policy);
  attr.sched_runtime = s->runtime.set ? s->runtime.v : 0;
  attr.sched_deadline = s->deadline.set ? s->deadline.v : 0;
  attr.sched_period = s->period.set ? s->period.v : 0;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return brig_err(err, errno, "process.scheduler: sched_setattr %s",
                    s->policy);
  return 0;
}

/* ---- ioPriority ---- */

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

int ioprio_class_from_name(const char *name) {
  static const struct name_value t[] = {{"IOPRIO_CLASS_RT", 1},
                                        {"IOPRIO_CLASS_BE", 2},
                                        {"IOPRIO_CLASS_IDLE", 3},
                                        {NULL, 0}};
  return (int)lookup(t, name);
}

static int apply_io_priority(const struct spec_process *p,
                             struct brig_error *err) {
  const struct spec_io_priority *io = p->io_priority;
  int cls, prio;

  if (io == NULL)
    return 0;
  cls = ioprio_class_from_name(io->class_);
  if (cls < 0)
    return brig_err(err, 0, "process.ioPriority.class: unknown \"%s\"",
                    io->class_ ? io->class_ : "");
  if (io->priority < 0 || io->priority > 7)
    return brig_err(err, 0,
                    "process.ioPriority.priority: %lld is out of range 0..7",
                    (long long)io->priority);
  prio = (cls << IOPRIO_CLASS_SHIFT) | (int)io->priority;
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
    return brig_err(err, errno, "process.ioPriority: ioprio_set %s %lld",
                    io->class_, (long long)io->priority);
  return 0;
}

/* ---- execCPUAffinity ---- */

static int apply_affinity(const char *list, const char *what,
                          struct brig_error *err) {
  cpu_set_t set;
  unsigned long mask[CPU_SETSIZE / ULONG_BITS];

  if (list == NULL)
    return 0;
  if (parse_id_list(list, mask, CPU_SETSIZE, what, err) < 0)
    return -1;
  CPU_ZERO(&set);
  for (size_t i = 0; i < CPU_SETSIZE; i++)
    if (mask[i / ULONG_BITS] & (1UL << (i % ULONG_BITS)))
      CPU_SET(i, &set);
  if (sched_setaffinity(0, sizeof(set), &set) < 0)
    return brig_err(err, errno, "%s: sched_setaffinity \"%s\"", what, list);
  return 0;
}

int proc_check_affinity(const struct spec_process *p, struct brig_error *err) {
  unsigned long mask[CPU_SETSIZE / ULONG_BITS];
  const struct spec_exec_cpu_affinity *a = p->exec_cpu_affinity;
  if (a == NULL)
    return 0;
  if (a->initial != NULL &&
      parse_id_list(a->initial, mask, CPU_SETSIZE,
                    "process.execCPUAffinity.initial", err) < 0)
    return -1;
  if (a->final != NULL &&
      parse_id_list(a->final, mask, CPU_SETSIZE,
                    "process.execCPUAffinity.final", err) < 0)
    return -1;
  return 0;
}

int proc_apply_initial_affinity(const struct spec_process *p,
                                struct brig_error *err) {
  if (p->exec_cpu_affinity == NULL)
    return 0;
  return apply_affinity(p->exec_cpu_affinity->initial,
                        "process.execCPUAffinity.initial", err);
}

int proc_apply_final_affinity(const struct spec_process *p,
                              struct brig_error *err) {
  if (p->exec_cpu_affinity == NULL)
    return 0;
  return apply_affinity(p->exec_cpu_affinity->final,
                        "process.execCPUAffinity.final", err);
}

/* ---- memoryPolicy ---- */

#define MPOL_MAX_NODES 1024

int mempolicy_mode_from_name(const char *name) {
  static const struct name_value t[] = {{"MPOL_DEFAULT", 0},
                                        {"MPOL_PREFERRED", 1},
                                        {"MPOL_BIND", 2},
                                        {"MPOL_INTERLEAVE", 3},
                                        {"MPOL_LOCAL", 4},
                                        {"MPOL_PREFERRED_MANY", 5},
                                        {"MPOL_WEIGHTED_INTERLEAVE", 6},
                                        {NULL, 0}};
  return (int)lookup(t, name);
}

int mempolicy_flag_from_name(const char *name) {
  static const struct name_value t[] = {{"MPOL_F_NUMA_BALANCING", 1 << 13},
                                        {"MPOL_F_RELATIVE_NODES", 1 << 14},
                                        {"MPOL_F_STATIC_NODES", 1 << 15},
                                        {NULL, 0}};
  return (int)lookup(t, name);
}

static int apply_memory_policy(const struct spec_config *cfg,
                               struct brig_error *err) {
  const struct spec_memory_policy *mp =
      cfg->linux_ ? cfg->linux_->memory_policy : NULL;
  unsigned long nodes[MPOL_MAX_NODES / ULONG_BITS];
  unsigned long maxnode = 0;
  int mode;

  if (mp == NULL)
    return 0;
  mode = mempolicy_mode_from_name(mp->mode);
  if (mode < 0)
    return brig_err(err, 0, "linux.memoryPolicy.mode: unknown \"%s\"",
                    mp->mode ? mp->mode : "");
  for (char **f = mp->flags; f && *f; f++) {
    int bit = mempolicy_flag_from_name(*f);
    if (bit < 0)
      return brig_err(err, 0, "linux.memoryPolicy.flags: unknown flag \"%s\"",
                      *f);
    mode |= bit;
  }
  if (mp->nodes != NULL && *mp->nodes != '\0') {
    int hi = parse_id_list(mp->nodes, nodes, MPOL_MAX_NODES,
                           "linux.memoryPolicy.nodes", err);
    if (hi < 0)
      return -1;
    /* The kernel reads maxnode - 1 bits. */
    maxnode = (unsigned long)hi + 2;
  }
  if (syscall(SYS_set_mempolicy, mode, maxnode ? nodes : NULL, maxnode) < 0)
    return brig_err(err, errno, "linux.memoryPolicy: set_mempolicy %s%s%s",
                    mp->mode, mp->nodes ? " nodes " : "",
                    mp->nodes ? mp->nodes : "");
  return 0;
}

int proc_apply_attrs(const struct spec_config *cfg,
                     const struct spec_process *p, struct brig_error *err) {
  mode_t mask = 0022;

  if (apply_rlimits(p, err) < 0 || apply_oom_score_adj(p, err) < 0 ||
      apply_personality(cfg, err) < 0 || apply_scheduler(p, err) < 0 ||
      apply_io_priority(p, err) < 0 || apply_memory_policy(cfg, err) < 0)
    return -1;
  if (p->user.umask.set) {
    if (p->user.umask.v > 0777)
      return brig_err(err, 0, "process.user.umask: %#llo is not a mode",
                      (unsigned long long)p->user.umask.v);
    mask = (mode_t)p->user.umask.v;
  }
  umask(mask);
  return 0;
}
