/* config.json -> struct spec_config: the top level, root, mounts, process,
 * hooks and annotations (linux.* lives in parse_linux.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"
#include "util.h"

int parse_id_mapping(struct pctx *c, yajl_val v, void *out) {
  struct spec_id_mapping *m = out;
  if (f_req_u32(c, v, "containerID", &m->container_id) < 0 ||
      f_req_u32(c, v, "hostID", &m->host_id) < 0 ||
      f_req_u32(c, v, "size", &m->size) < 0)
    return -1;
  /* the kernel refuses these with a bare EINVAL on uid_map */
  if ((uint64_t)m->container_id + m->size > (uint64_t)UINT32_MAX + 1 ||
      (uint64_t)m->host_id + m->size > (uint64_t)UINT32_MAX + 1) {
    bool host = (uint64_t)m->host_id + m->size > (uint64_t)UINT32_MAX + 1;
    size_t mark = p_push_key(c, "size");
    p_fail(c, "%s %u + size %u is past the last id, 4294967295",
           host ? "hostID" : "containerID", host ? m->host_id : m->container_id,
           m->size);
    p_pop(c, mark);
    return -1;
  }
  return 0;
}

static int parse_root(struct pctx *c, yajl_val v, void *out) {
  struct spec_root *r = out;
  if (f_req_str(c, v, "path", &r->path) < 0 ||
      f_bool(c, v, "readonly", &r->readonly) < 0)
    return -1;
  return 0;
}

/* A required absolute path field. */
static int f_abs_path(struct pctx *c, yajl_val obj, const char *key,
                      char **out) {
  if (f_req_str(c, obj, key, out) < 0)
    return -1;
  return f_check_absolute(c, key, *out);
}

static int parse_mount(struct pctx *c, yajl_val v, void *out) {
  struct spec_mount *m = out;
  if (f_req_str(c, v, "destination", &m->destination) < 0)
    return -1;
  /* runtime-spec 1.1: a relative destination is taken relative to "/"
   * (deprecated; runc warns and mounts it) */
  if (m->destination[0] != '\0' && m->destination[0] != '/') {
    char *abs = xasprintf("/%s", m->destination);
    free(m->destination);
    m->destination = abs;
  }
  if (f_check_absolute(c, "destination", m->destination) < 0 ||
      f_str(c, v, "type", &m->type) < 0 ||
      f_str(c, v, "source", &m->source) < 0 ||
      f_strv(c, v, "options", &m->options) < 0 ||
      f_array(c, v, "uidMappings", sizeof(struct spec_id_mapping),
              parse_id_mapping, &m->uid_mappings, &m->n_uid_mappings) < 0 ||
      f_array(c, v, "gidMappings", sizeof(struct spec_id_mapping),
              parse_id_mapping, &m->gid_mappings, &m->n_gid_mappings) < 0)
    return -1;
  return 0;
}

static int parse_console_size(struct pctx *c, yajl_val v, void *out) {
  struct spec_process *p = out;
  p->has_console_size = true;
  if (f_req_u32(c, v, "height", &p->console_height) < 0 ||
      f_req_u32(c, v, "width", &p->console_width) < 0)
    return -1;
  return 0;
}

/* As runc: a process's ids are 0-2147483647.  4294967295 is (uid_t)-1,
 * which setresuid and setresgid take as "leave it": the process would
 * stay root. */
#define SPEC_ID_MAX INT32_MAX

static int parse_user(struct pctx *c, yajl_val v, struct spec_user *u) {
  struct opt_u64 id = {0};
  yajl_val gids;
  if (f_opt_u64(c, v, "uid", SPEC_ID_MAX, &id) < 0)
    return -1;
  u->uid = (uint32_t)id.v;
  id.v = 0;
  if (f_opt_u64(c, v, "gid", SPEC_ID_MAX, &id) < 0)
    return -1;
  u->gid = (uint32_t)id.v;
  if (f_opt_u64(c, v, "umask", UINT32_MAX, &u->umask) < 0)
    return -1;
  if (p_field(c, v, "additionalGids", &gids) < 0)
    return -1;
  if (gids != NULL) {
    size_t mark = p_push_key(c, "additionalGids");
    if (!YAJL_IS_ARRAY(gids)) {
      char got[128];
      p_describe(gids, got, sizeof(got));
      return p_fail(c, "expected an array, got %s", got);
    }
    u->additional_gids = xcalloc(gids->u.array.len, sizeof(uint32_t));
    u->n_additional_gids = gids->u.array.len;
    for (size_t i = 0; i < gids->u.array.len; i++) {
      uint64_t g;
      size_t emark = p_push_index(c, i);
      if (p_uint(c, gids->u.array.values[i], SPEC_ID_MAX, &g) < 0)
        return -1;
      u->additional_gids[i] = (uint32_t)g;
      p_pop(c, emark);
    }
    p_pop(c, mark);
  }
  return f_str(c, v, "username", &u->username);
}

static int parse_capabilities(struct pctx *c, yajl_val v, void *out) {
  struct spec_capabilities *caps = out;
  static const char *const keys[] = {"bounding", "effective", "inheritable",
                                     "permitted", "ambient"};
  char ***lists[] = {&caps->bounding, &caps->effective, &caps->inheritable,
                     &caps->permitted, &caps->ambient};
  /* A name this kernel or brig does not know is not refused: it is
   * dropped with a warning when the process starts (runtime-spec 1.1+,
   * runc), so a config written for a newer kernel still runs. */
  for (size_t i = 0; i < 5; i++)
    if (f_strv(c, v, keys[i], lists[i]) < 0)
      return -1;
  return 0;
}

static int parse_rlimit(struct pctx *c, yajl_val v, void *out) {
  struct spec_rlimit *r = out;
  size_t mark;
  if (f_req_str(c, v, "type", &r->type) < 0)
    return -1;
  mark = p_push_key(c, "type");
  r->resource = spec_rlimit_from_name(r->type);
  if (r->resource < 0) {
    static const char *const none[] = {NULL};
    return p_check_name(c, r->type, none, "rlimit type");
  }
  p_pop(c, mark);
  if (f_req_u64(c, v, "hard", UINT64_MAX, &r->hard) < 0 ||
      f_req_u64(c, v, "soft", UINT64_MAX, &r->soft) < 0)
    return -1;
  return 0;
}

static const char *const sched_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL};
static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
static const char *const ioprio_classes[] = {
    "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL};

static int parse_scheduler(struct pctx *c, yajl_val v, void *out) {
  struct spec_scheduler *s = out;
  if (f_req_str(c, v, "policy", &s->policy) < 0 ||
      f_check_name(c, "policy", s->policy, sched_policies, "scheduler policy") <
          0)
    return -1;
  if (f_opt_i64(c, v, "nice", -20, 19, &s->nice) < 0 ||
      f_opt_i64(c, v, "priority", INT32_MIN, INT32_MAX, &s->priority) < 0 ||
      f_strv(c, v, "flags", &s->flags) < 0 ||
      f_check_names(c, "flags", s->flags, sched_flags, "scheduler flag") < 0 ||
      f_opt_u64(c, v, "runtime", UINT64_MAX, &s->runtime) < 0 ||
      f_opt_u64(c, v, "deadline", UINT64_MAX, &s->deadline) < 0 ||
      f_opt_u64(c, v, "period", UINT64_MAX, &s->period) < 0)
    return -1;
  return 0;
}

static int parse_io_priority(struct pctx *c, yajl_val v, void *out) {
  struct spec_io_priority *io = out;
  if (f_req_str(c, v, "class", &io->class_) < 0 ||
      f_check_name(c, "class", io->class_, ioprio_classes, "ioPriority class") <
          0)
    return -1;
  return f_req_i64(c, v, "priority", 0, 7, &io->priority);
}

static int parse_cpu_affinity(struct pctx *c, yajl_val v, void *out) {
  struct spec_exec_cpu_affinity *a = out;
  if (f_str(c, v, "initial", &a->initial) < 0 ||
      f_str(c, v, "final", &a->final) < 0)
    return -1;
  return 0;
}

int parse_process(struct pctx *c, yajl_val v, void *out) {
  struct spec_process *p = out;
  yajl_val user;
  size_t mark;

  if (f_bool(c, v, "terminal", &p->terminal) < 0)
    return -1;
  if (p_field(c, v, "consoleSize", &user) < 0)
    return -1;
  if (user != NULL) {
    mark = p_push_key(c, "consoleSize");
    if (p_expect_object(c, user) < 0 || parse_console_size(c, user, p) < 0)
      return -1;
    p_pop(c, mark);
  }
  if (p_field(c, v, "user", &user) < 0)
    return -1;
  if (user != NULL) {
    mark = p_push_key(c, "user");
    if (p_expect_object(c, user) < 0 || parse_user(c, user, &p->user) < 0)
      return -1;
    p_pop(c, mark);
  }
  if (f_strv(c, v, "args", &p->args) < 0 ||
      f_str(c, v, "commandLine", &p->command_line) < 0)
    return -1;
  if (p->args == NULL)
    return f_missing(c, "args");
  if (p->args[0] == NULL) {
    mark = p_push_key(c, "args");
    p_fail(c, "must not be empty");
    p_pop(c, mark);
    return -1;
  }
  if (f_env(c, v, "env", &p->env) < 0 || f_abs_path(c, v, "cwd", &p->cwd) < 0 ||
      f_object(c, v, "capabilities", sizeof(struct spec_capabilities),
               parse_capabilities, &p->capabilities) < 0 ||
      f_array(c, v, "rlimits", sizeof(struct spec_rlimit), parse_rlimit,
              &p->rlimits, &p->n_rlimits) < 0)
    return -1;
  for (size_t i = 1; i < p->n_rlimits; i++) {
    for (size_t j = 0; j < i; j++) {
      if (p->rlimits[i].resource == p->rlimits[j].resource) {
        mark = p_push_key(c, "rlimits");
        p_push_index(c, i);
        p_push_key(c, "type");
        p_fail(c, "duplicate rlimit type \"%s\"", p->rlimits[i].type);
        p_pop(c, mark);
        return -1;
      }
    }
  }
  if (f_bool(c, v, "noNewPrivileges", &p->no_new_privileges) < 0 ||
      f_str(c, v, "apparmorProfile", &p->apparmor_profile) < 0 ||
      f_str(c, v, "selinuxLabel", &p->selinux_label) < 0 ||
      f_opt_i64(c, v, "oomScoreAdj", -1000, 1000, &p->oom_score_adj) < 0 ||
      f_object(c, v, "scheduler", sizeof(struct spec_scheduler),
               parse_scheduler, &p->scheduler) < 0 ||
      f_object(c, v, "ioPriority", sizeof(struct spec_io_priority),
               parse_io_priority, &p->io_priority) < 0 ||
      f_object(c, v, "execCPUAffinity", sizeof(struct spec_exec_cpu_affinity),
               parse_cpu_affinity, &p->exec_cpu_affinity) < 0)
    return -1;
  return 0;
}

static int parse_hook(struct pctx *c, yajl_val v, void *out) {
  struct spec_hook *h = out;
  if (f_abs_path(c, v, "path", &h->path) < 0 ||
      f_strv(c, v, "args", &h->args) < 0 || f_env(c, v, "env", &h->env) < 0 ||
      f_opt_i64(c, v, "timeout", 1, INT32_MAX, &h->timeout) < 0)
    return -1;
  return 0;
}

static void empty_is_none(char **s) {
  if (*s != NULL && **s == '\0') {
    free(*s);
    *s = NULL;
  }
}

static int parse_hooks(struct pctx *c, yajl_val v, void *out) {
  struct spec_hooks *h = out;
  struct {
    const char *key;
    struct spec_hook **list;
    size_t *n;
  } kinds[] = {
      {"prestart", &h->prestart, &h->n_prestart},
      {"createRuntime", &h->create_runtime, &h->n_create_runtime},
      {"createContainer", &h->create_container, &h->n_create_container},
      {"startContainer", &h->start_container, &h->n_start_container},
      {"poststart", &h->poststart, &h->n_poststart},
      {"poststop", &h->poststop, &h->n_poststop},
  };
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (f_array(c, v, kinds[i].key, sizeof(struct spec_hook), parse_hook,
                kinds[i].list, kinds[i].n) < 0)
      return -1;
  return 0;
}

int parse_config(struct pctx *c, yajl_val v, struct spec_config *cfg) {
  if (f_req_str(c, v, "ociVersion", &cfg->oci_version) < 0)
    return -1;
  if (cfg->oci_version[0] == '\0') {
    size_t mark = p_push_key(c, "ociVersion");
    p_fail(c, "must not be empty");
    p_pop(c, mark);
    return -1;
  }
  if (f_object(c, v, "root", sizeof(struct spec_root), parse_root, &cfg->root) <
          0 ||
      f_array(c, v, "mounts", sizeof(struct spec_mount), parse_mount,
              &cfg->mounts, &cfg->n_mounts) < 0 ||
      f_object(c, v, "process", sizeof(struct spec_process), parse_process,
               &cfg->process) < 0 ||
      f_str(c, v, "hostname", &cfg->hostname) < 0 ||
      f_str(c, v, "domainname", &cfg->domainname) < 0 ||
      f_object(c, v, "hooks", sizeof(struct spec_hooks), parse_hooks,
               &cfg->hooks) < 0 ||
      f_kv(c, v, "annotations", &cfg->annotations, &cfg->n_annotations) < 0 ||
      f_object(c, v, "linux", sizeof(struct spec_linux), parse_linux,
               &cfg->linux_) < 0)
    return -1;
  /* an empty hostname or domainname is none, as runc reads it (Go's "") */
  empty_is_none(&cfg->hostname);
  empty_is_none(&cfg->domainname);
  return 0;
}

/* Parse text into a document whose top level must be an object. */
static int parse_top(struct pctx *c, const char *data, size_t len,
                     struct p_doc *doc) {
  if (p_doc_parse(c, data, len, doc) < 0)
    return -1;
  if (p_expect_object(c, doc->root) < 0) {
    p_doc_free(doc);
    return -1;
  }
  return 0;
}

struct spec_config *spec_parse(const char *data, size_t len, const char *name,
                               struct brig_error *err) {
  struct pctx c = {.name = name, .err = err};
  struct spec_config *cfg;
  struct p_doc doc;
  if (parse_top(&c, data, len, &doc) < 0)
    return NULL;
  cfg = xcalloc(1, sizeof(*cfg));
  if (parse_config(&c, doc.root, cfg) < 0) {
    spec_free(cfg);
    cfg = NULL;
  }
  p_doc_free(&doc);
  return cfg;
}

struct spec_config *spec_load_file(const char *path, struct brig_error *err) {
  _cleanup_free_ char *data = NULL;
  const char *base = strrchr(path, '/');
  size_t len = 0;
  if (read_file_at(AT_FDCWD, path, SPEC_MAX_CONFIG_SIZE, &data, &len, err) < 0)
    return NULL;
  base = base != NULL && base[1] != '\0' ? base + 1 : path;
  return spec_parse(data, len, base, err);
}

struct spec_process *spec_parse_process(const char *data, size_t len,
                                        const char *name,
                                        struct brig_error *err) {
  struct pctx c = {.name = name, .err = err};
  struct spec_process *p;
  struct p_doc doc;
  if (parse_top(&c, data, len, &doc) < 0)
    return NULL;
  p = xcalloc(1, sizeof(*p));
  if (parse_process(&c, doc.root, p) < 0) {
    spec_process_free(p);
    p = NULL;
  }
  p_doc_free(&doc);
  return p;
}

struct spec_resources *spec_parse_resources(const char *data, size_t len,
                                            const char *name,
                                            struct brig_error *err) {
  struct pctx c = {.name = name, .err = err};
  struct spec_resources *r;
  struct p_doc doc;
  if (parse_top(&c, data, len, &doc) < 0)
    return NULL;
  r = xcalloc(1, sizeof(*r));
  if (parse_resources(&c, doc.root, r) < 0) {
    spec_resources_free(r);
    r = NULL;
  }
  p_doc_free(&doc);
  return r;
}
