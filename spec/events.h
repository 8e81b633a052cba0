/* The `events` model: runc's stats event (types/events.go in runc 1.1) as
 * plain C structs, filled by the cgroup drivers and emitted as JSON here.
 * Zero numbers and empty lists are left out where runc leaves them out. */
#ifndef BRIG_EVENTS_H
#define BRIG_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct events_u64_list {
  uint64_t *v;
  size_t n;
};

struct events_cpu {
  uint64_t total, kernel, user; /* nanoseconds */
  struct events_u64_list percpu, percpu_kernel, percpu_user;
  uint64_t periods, throttled_periods, throttled_time;
};

struct events_cpuset {
  bool present;
  struct events_u64_list cpus, mems;
  uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate,
      memory_spread_page, memory_spread_slab, memory_pressure,
      sched_load_balance;
  int64_t sched_relax_domain_level;
};

struct events_mem_entry {
  uint64_t limit, usage, max, failcnt;
};

struct events_u64_kv {
  char *key;
  uint64_t value;
};

struct events_memory {
  uint64_t cache;
  struct events_mem_entry usage, swap, kernel, kernel_tcp;
  struct events_u64_kv *raw; /* memory.stat, in file order */
  size_t n_raw;
};

struct events_pids {
  uint64_t current, limit;
};

struct events_blkio_entry {
  uint64_t major, minor;
  char op[16];
  uint64_t value;
};

struct events_blkio_list {
  struct events_blkio_entry *v;
  size_t n;
};

enum events_blkio_kind {
  EVENTS_BLKIO_SERVICE_BYTES,
  EVENTS_BLKIO_SERVICED,
  EVENTS_BLKIO_QUEUED,
  EVENTS_BLKIO_SERVICE_TIME,
  EVENTS_BLKIO_WAIT_TIME,
  EVENTS_BLKIO_MERGED,
  EVENTS_BLKIO_TIME,
  EVENTS_BLKIO_SECTORS,
  EVENTS_BLKIO_KINDS
};

struct events_hugetlb {
  char *page_size; /* "2MB" */
  uint64_t usage, max, failcnt;
};

struct events_stats {
  struct events_cpu cpu;
  struct events_cpuset cpuset;
  struct events_memory memory;
  struct events_pids pids;
  struct events_blkio_list blkio[EVENTS_BLKIO_KINDS];
  struct events_hugetlb *hugetlb;
  size_t n_hugetlb;
};

void events_stats_free(struct events_stats *s);

/* {"type":"stats","id":ID,"data":{...}} on one line, no newline.
 * Returns a malloc'd string, or NULL with err filled. */
char *events_emit_stats(const char *id, const struct events_stats *s,
                        struct brig_error *err);
/* {"type":TYPE,"id":ID} (e.g. "oom"). */
char *events_emit_simple(const char *type, const char *id,
                         struct brig_error *err);
/* A JSON array of integers ("[1,2]", "[]"), as `ps --format json`. */
char *events_emit_int_array(const long long *v, size_t n,
                            struct brig_error *err);

#endif
