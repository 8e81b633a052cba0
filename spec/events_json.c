/* JSON for `brig events` and `brig ps --format json`, field for field as
 * runc 1.1 prints them (Go's encoding/json: omitempty drops zero numbers
 * and empty lists; map keys come out sorted). */
#include "events.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "util.h"

static void gen_key(yajl_gen g, const char *key) {
  yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

static void gen_u64(yajl_gen g, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
  yajl_gen_number(g, buf, (size_t)n);
}

static void gen_key_u64(yajl_gen g, const char *key, uint64_t v) {
  gen_key(g, key);
  gen_u64(g, v);
}

/* omitempty: only when non-zero */
static void gen_key_u64_nz(yajl_gen g, const char *key, uint64_t v) {
  if (v != 0)
    gen_key_u64(g, key, v);
}

static void gen_key_list_ne(yajl_gen g, const char *key,
                            const struct events_u64_list *l) {
  if (l->n == 0)
    return;
  gen_key(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < l->n; i++)
    gen_u64(g, l->v[i]);
  yajl_gen_array_close(g);
}

static void gen_cpu(yajl_gen g, const struct events_cpu *c) {
  gen_key(g, "cpu");
  yajl_gen_map_open(g);
  gen_key(g, "usage");
  yajl_gen_map_open(g);
  gen_key_u64_nz(g, "total", c->total);
  gen_key_list_ne(g, "percpu", &c->percpu);
  gen_key_list_ne(g, "percpu_kernel", &c->percpu_kernel);
  gen_key_list_ne(g, "percpu_user", &c->percpu_user);
  gen_key_u64(g, "kernel", c->kernel);
  gen_key_u64(g, "user", c->user);
  yajl_gen_map_close(g);
  gen_key(g, "throttling");
  yajl_gen_map_open(g);
  gen_key_u64_nz(g, "periods", c->periods);
  gen_key_u64_nz(g, "throttledPeriods", c->throttled_periods);
  gen_key_u64_nz(g, "throttledTime", c->throttled_time);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

static void gen_cpuset(yajl_gen g, const struct events_cpuset *c) {
  gen_key(g, "cpuset");
  yajl_gen_map_open(g);
  gen_key_list_ne(g, "cpus", &c->cpus);
  gen_key_u64(g, "cpu_exclusive", c->cpu_exclusive);
  gen_key_list_ne(g, "mems", &c->mems);
  gen_key_u64(g, "mem_hardwall", c->mem_hardwall);
  gen_key_u64(g, "mem_exclusive", c->mem_exclusive);
  gen_key_u64(g, "memory_migrate", c->memory_migrate);
  gen_key_u64(g, "memory_spread_page", c->memory_spread_page);
  gen_key_u64(g, "memory_spread_slab", c->memory_spread_slab);
  gen_key_u64(g, "memory_pressure", c->memory_pressure);
  gen_key_u64(g, "sched_load_balance", c->sched_load_balance);
  gen_key(g, "sched_relax_domain_level");
  yajl_gen_integer(g, c->sched_relax_domain_level);
  yajl_gen_map_close(g);
}

static void gen_mem_entry(yajl_gen g, const char *key,
                          const struct events_mem_entry *e) {
  gen_key(g, key);
  yajl_gen_map_open(g);
  gen_key_u64(g, "limit", e->limit);
  gen_key_u64_nz(g, "usage", e->usage);
  gen_key_u64_nz(g, "max", e->max);
  gen_key_u64(g, "failcnt", e->failcnt);
  yajl_gen_map_close(g);
}

static int kv_cmp(const void *a, const void *b) {
  const struct events_u64_kv *x = a, *y = b;
  return strcmp(x->key, y->key);
}

static void gen_memory(yajl_gen g, const struct events_memory *m) {
  gen_key(g, "memory");
  yajl_gen_map_open(g);
  gen_key_u64_nz(g, "cache", m->cache);
  gen_mem_entry(g, "usage", &m->usage);
  gen_mem_entry(g, "swap", &m->swap);
  gen_mem_entry(g, "kernel", &m->kernel);
  gen_mem_entry(g, "kernelTCP", &m->kernel_tcp);
  if (m->n_raw > 0) {
    struct events_u64_kv *sorted = xmalloc(m->n_raw * sizeof(*sorted));
    memcpy(sorted, m->raw, m->n_raw * sizeof(*sorted));
    qsort(sorted, m->n_raw, sizeof(*sorted), kv_cmp);
    gen_key(g, "raw");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < m->n_raw; i++)
      gen_key_u64(g, sorted[i].key, sorted[i].value);
    yajl_gen_map_close(g);
    free(sorted);
  }
  yajl_gen_map_close(g);
}

static const char *const blkio_keys[EVENTS_BLKIO_KINDS] = {
    "ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive",
    "ioServiceTimeRecursive",  "ioWaitTimeRecursive", "ioMergedRecursive",
    "ioTimeRecursive",         "sectorsRecursive",
};

static void gen_blkio(yajl_gen g, const struct events_blkio_list *lists) {
  gen_key(g, "blkio");
  yajl_gen_map_open(g);
  for (int k = 0; k < EVENTS_BLKIO_KINDS; k++) {
    const struct events_blkio_list *l = &lists[k];
    if (l->n == 0)
      continue;
    gen_key(g, blkio_keys[k]);
    yajl_gen_array_open(g);
    for (size_t i = 0; i < l->n; i++) {
      yajl_gen_map_open(g);
      gen_key_u64_nz(g, "major", l->v[i].major);
      gen_key_u64_nz(g, "minor", l->v[i].minor);
      if (l->v[i].op[0] != '\0') {
        gen_key(g, "op");
        gen_key(g, l->v[i].op);
      }
      gen_key_u64_nz(g, "value", l->v[i].value);
      yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
  }
  yajl_gen_map_close(g);
}

static char *gen_finish(yajl_gen g, struct brig_error *err) {
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
    out = xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = '\0';
  } else {
    brig_err(err, 0, "emit events JSON: generator error");
  }
  yajl_gen_free(g);
  return out;
}

char *events_emit_stats(const char *id, const struct events_stats *s,
                        struct brig_error *err) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    return brig_err(err, 0, "emit events JSON: out of memory"), NULL;
  yajl_gen_map_open(g);
  gen_key(g, "type");
  gen_key(g, "stats");
  gen_key(g, "id");
  gen_key(g, id);
  gen_key(g, "data");
  yajl_gen_map_open(g);
  gen_cpu(g, &s->cpu);
  if (s->cpuset.present)
    gen_cpuset(g, &s->cpuset);
  gen_memory(g, &s->memory);
  gen_key(g, "pids");
  yajl_gen_map_open(g);
  gen_key_u64_nz(g, "current", s->pids.current);
  gen_key_u64_nz(g, "limit", s->pids.limit);
  yajl_gen_map_close(g);
  gen_blkio(g, s->blkio);
  gen_key(g, "hugetlb");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < s->n_hugetlb; i++) {
    gen_key(g, s->hugetlb[i].page_size);
    yajl_gen_map_open(g);
    gen_key_u64_nz(g, "usage", s->hugetlb[i].usage);
    gen_key_u64_nz(g, "max", s->hugetlb[i].max);
    gen_key_u64(g, "failcnt", s->hugetlb[i].failcnt);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  gen_key(g, "intel_rdt");
  yajl_gen_map_open(g);
  yajl_gen_map_close(g);
  gen_key(g, "network_interfaces");
  yajl_gen_null(g);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  return gen_finish(g, err);
}

char *events_emit_simple(const char *type, const char *id,
                         struct brig_error *err) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    return brig_err(err, 0, "emit events JSON: out of memory"), NULL;
  yajl_gen_map_open(g);
  gen_key(g, "type");
  gen_key(g, type);
  gen_key(g, "id");
  gen_key(g, id);
  yajl_gen_map_close(g);
  return gen_finish(g, err);
}

char *events_emit_int_array(const long long *v, size_t n,
                            struct brig_error *err) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    return brig_err(err, 0, "emit JSON: out of memory"), NULL;
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++)
    yajl_gen_integer(g, v[i]);
  yajl_gen_array_close(g);
  return gen_finish(g, err);
}

static void list_free(struct events_u64_list *l) {
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

void events_stats_free(struct events_stats *s) {
  list_free(&s->cpu.percpu);
  list_free(&s->cpu.percpu_kernel);
  list_free(&s->cpu.percpu_user);
  list_free(&s->cpuset.cpus);
  list_free(&s->cpuset.mems);
  for (size_t i = 0; i < s->memory.n_raw; i++)
    free(s->memory.raw[i].key);
  free(s->memory.raw);
  for (int k = 0; k < EVENTS_BLKIO_KINDS; k++)
    free(s->blkio[k].v);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    free(s->hugetlb[i].page_size);
  free(s->hugetlb);
  memset(s, 0, sizeof(*s));
}
