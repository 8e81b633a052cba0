/* The linux section of config.json (resources: parse_resources.c). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static const char *const memory_policy_modes[] = {
    "MPOL_DEFAULT",    "MPOL_BIND",
    "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED",  "MPOL_PREFERRED_MANY",
    "MPOL_LOCAL",      NULL};
static const char *const memory_policy_flags[] = {"MPOL_F_NUMA_BALANCING",
                                                  "MPOL_F_RELATIVE_NODES",
                                                  "MPOL_F_STATIC_NODES", NULL};
static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};
static const char *const device_types[] = {"c", "b", "u", "p", NULL};

static int parse_namespace(struct pctx *c, yajl_val v, void *out) {
  struct spec_namespace *ns = out;
  _cleanup_free_ char *type = NULL;
  size_t mark;
  int t;
  if (f_req_str(c, v, "type", &type) < 0)
    return -1;
  mark = p_push_key(c, "type");
  t = spec_ns_type_from_name(type);
  if (t < 0) {
    static const char *const none[] = {NULL};
    return p_check_name(c, type, none, "namespace type");
  }
  p_pop(c, mark);
  ns->type = (enum spec_ns_type)t;
  if (f_str(c, v, "path", &ns->path) < 0)
    return -1;
  if (ns->path != NULL && *ns->path == '\0') { /* as runc: not given */
    free(ns->path);
    ns->path = NULL;
  }
  return f_check_absolute(c, "path", ns->path);
}

static int parse_device(struct pctx *c, yajl_val v, void *out) {
  struct spec_device *d = out;
  _cleanup_free_ char *type = NULL;
  char *path = NULL;
  yajl_val f;
  if (f_req_str(c, v, "type", &type) < 0)
    return -1;
  if (f_check_name(c, "type", type, device_types, "device type") < 0)
    return -1;
  d->type = type[0];
  if (f_req_str(c, v, "path", &path) < 0)
    return -1;
  d->path = path;
  if (f_check_absolute(c, "path", path) < 0)
    return -1;
  if (d->type == 'p') {
    /* A fifo has no numbers; accept them when given. */
    if (p_field(c, v, "major", &f) < 0)
      return -1;
    if (f != NULL &&
        f_req_i64(c, v, "major", INT64_MIN, INT64_MAX, &d->major) < 0)
      return -1;
    if (p_field(c, v, "minor", &f) < 0)
      return -1;
    if (f != NULL &&
        f_req_i64(c, v, "minor", INT64_MIN, INT64_MAX, &d->minor) < 0)
      return -1;
  } else if (f_req_i64(c, v, "major", 0, INT64_MAX, &d->major) < 0 ||
             f_req_i64(c, v, "minor", 0, INT64_MAX, &d->minor) < 0) {
    return -1;
  }
  if (f_opt_u64(c, v, "fileMode", UINT32_MAX, &d->file_mode) < 0 ||
      f_opt_u64(c, v, "uid", UINT32_MAX, &d->uid) < 0 ||
      f_opt_u64(c, v, "gid", UINT32_MAX, &d->gid) < 0)
    return -1;
  return 0;
}

static int parse_time_offsets(struct pctx *c, yajl_val v,
                              struct spec_linux *l) {
  for (size_t i = 0; i < v->u.object.len; i++) {
    const char *clock = v->u.object.keys[i];
    yajl_val o = v->u.object.values[i];
    struct spec_time_offset *t;
    struct opt_i64 secs = {0};
    struct opt_u64 nsecs = {0};
    size_t mark = p_push_mapkey(c, clock);
    p_touch(c, o);
    if (strcmp(clock, "monotonic") == 0) {
      t = &l->time_monotonic;
    } else if (strcmp(clock, "boottime") == 0) {
      t = &l->time_boottime;
    } else {
      static const char *const none[] = {NULL};
      return p_check_name(c, clock, none, "clock");
    }
    if (t->set)
      return p_fail(c, "duplicate key \"%s\"", clock);
    if (p_expect_object(c, o) < 0 ||
        f_opt_i64(c, o, "secs", INT64_MIN, INT64_MAX, &secs) < 0 ||
        f_opt_u64(c, o, "nanosecs", 999999999, &nsecs) < 0)
      return -1;
    t->set = true;
    t->secs = secs.v;
    t->nanosecs = (uint32_t)nsecs.v;
    p_pop(c, mark);
  }
  return 0;
}

static int parse_intel_rdt(struct pctx *c, yajl_val v, void *out) {
  struct spec_intel_rdt *r = out;
  if (f_str(c, v, "closID", &r->clos_id) < 0 ||
      f_str(c, v, "l3CacheSchema", &r->l3_cache_schema) < 0 ||
      f_str(c, v, "memBwSchema", &r->mem_bw_schema) < 0 ||
      f_strv(c, v, "schemata", &r->schemata) < 0 ||
      f_bool(c, v, "enableCMT", &r->enable_cmt) < 0 ||
      f_bool(c, v, "enableMBM", &r->enable_mbm) < 0)
    return -1;
  return 0;
}

static bool action_takes_errno(const char *action) {
  return strcmp(action, "SCMP_ACT_ERRNO") == 0 ||
         strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static int check_errno_action(struct pctx *c, const char *key,
                              const struct opt_u64 *ret, const char *action) {
  size_t mark;
  if (!ret->set || action_takes_errno(action))
    return 0;
  mark = p_push_key(c, key);
  p_fail(c, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", action);
  p_pop(c, mark);
  return -1;
}

static int parse_seccomp_arg(struct pctx *c, yajl_val v, void *out) {
  struct spec_seccomp_arg *a = out;
  uint64_t index = 0;
  struct opt_u64 two = {0};
  if (f_req_u64(c, v, "index", 5, &index) < 0 ||
      f_req_u64(c, v, "value", UINT64_MAX, &a->value) < 0 ||
      f_opt_u64(c, v, "valueTwo", UINT64_MAX, &two) < 0 ||
      f_req_str(c, v, "op", &a->op) < 0 ||
      f_check_name(c, "op", a->op, spec_seccomp_operators, "seccomp operator") <
          0)
    return -1;
  a->index = (uint32_t)index;
  a->value_two = two.v;
  return 0;
}

static int parse_seccomp_syscall(struct pctx *c, yajl_val v, void *out) {
  struct spec_seccomp_syscall *s = out;
  if (f_strv(c, v, "names", &s->names) < 0)
    return -1;
  if (s->names == NULL)
    return f_missing(c, "names");
  if (s->names[0] == NULL) {
    size_t mark = p_push_key(c, "names");
    p_fail(c, "must not be empty");
    p_pop(c, mark);
    return -1;
  }
  if (f_req_str(c, v, "action", &s->action) < 0 ||
      f_check_name(c, "action", s->action, spec_seccomp_actions,
                   "seccomp action") < 0 ||
      f_opt_u64(c, v, "errnoRet", 4095, &s->errno_ret) < 0 ||
      check_errno_action(c, "errnoRet", &s->errno_ret, s->action) < 0 ||
      f_array(c, v, "args", sizeof(struct spec_seccomp_arg), parse_seccomp_arg,
              &s->args, &s->n_args) < 0)
    return -1;
  return 0;
}

static int parse_seccomp(struct pctx *c, yajl_val v, void *out) {
  struct spec_seccomp *s = out;
  if (f_req_str(c, v, "defaultAction", &s->default_action) < 0 ||
      f_check_name(c, "defaultAction", s->default_action, spec_seccomp_actions,
                   "seccomp action") < 0)
    return -1;
  if (strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0) {
    size_t mark = p_push_key(c, "defaultAction");
    p_fail(c, "SCMP_ACT_NOTIFY cannot be the default action");
    p_pop(c, mark);
    return -1;
  }
  if (f_opt_u64(c, v, "defaultErrnoRet", 4095, &s->default_errno_ret) < 0 ||
      check_errno_action(c, "defaultErrnoRet", &s->default_errno_ret,
                         s->default_action) < 0 ||
      f_strv(c, v, "architectures", &s->architectures) < 0 ||
      f_check_names(c, "architectures", s->architectures, spec_seccomp_archs,
                    "seccomp architecture") < 0 ||
      f_strv(c, v, "flags", &s->flags) < 0 ||
      f_check_names(c, "flags", s->flags, spec_seccomp_known_flags,
                    "seccomp flag") < 0 ||
      f_str(c, v, "listenerPath", &s->listener_path) < 0 ||
      f_str(c, v, "listenerMetadata", &s->listener_metadata) < 0)
    return -1;
  if (s->listener_metadata != NULL && s->listener_path == NULL) {
    size_t mark = p_push_key(c, "listenerMetadata");
    p_fail(c, "set without listenerPath");
    p_pop(c, mark);
    return -1;
  }
  return f_array(c, v, "syscalls", sizeof(struct spec_seccomp_syscall),
                 parse_seccomp_syscall, &s->syscalls, &s->n_syscalls);
}

static int parse_personality(struct pctx *c, yajl_val v, void *out) {
  struct spec_personality *p = out;
  if (f_req_str(c, v, "domain", &p->domain) < 0 ||
      f_check_name(c, "domain", p->domain, personality_domains,
                   "personality domain") < 0 ||
      f_strv(c, v, "flags", &p->flags) < 0)
    return -1;
  return 0;
}

static int parse_memory_policy(struct pctx *c, yajl_val v, void *out) {
  struct spec_memory_policy *m = out;
  if (f_req_str(c, v, "mode", &m->mode) < 0 ||
      f_check_name(c, "mode", m->mode, memory_policy_modes,
                   "memory policy mode") < 0 ||
      f_str(c, v, "nodes", &m->nodes) < 0 ||
      f_strv(c, v, "flags", &m->flags) < 0 ||
      f_check_names(c, "flags", m->flags, memory_policy_flags,
                    "memory policy flag") < 0)
    return -1;
  return 0;
}

static int net_device_entry(struct pctx *c, const char *key, yajl_val v,
                            void *elem) {
  struct spec_net_device *d = elem;
  d->host_name = xstrdup(key);
  if (p_expect_object(c, v) < 0 || f_str(c, v, "name", &d->name) < 0)
    return -1;
  return 0;
}

int parse_linux(struct pctx *c, yajl_val v, void *out) {
  struct spec_linux *l = out;
  yajl_val f;
  size_t mark;

  if (f_array(c, v, "namespaces", sizeof(struct spec_namespace),
              parse_namespace, &l->namespaces, &l->n_namespaces) < 0)
    return -1;
  for (size_t i = 1; i < l->n_namespaces; i++) {
    for (size_t j = 0; j < i; j++) {
      if (l->namespaces[i].type != l->namespaces[j].type)
        continue;
      mark = p_push_key(c, "namespaces");
      p_push_index(c, i);
      p_push_key(c, "type");
      p_fail(c, "duplicate namespace type \"%s\"",
             spec_ns_type_name(l->namespaces[i].type));
      p_pop(c, mark);
      return -1;
    }
  }
  if (f_array(c, v, "uidMappings", sizeof(struct spec_id_mapping),
              parse_id_mapping, &l->uid_mappings, &l->n_uid_mappings) < 0 ||
      f_array(c, v, "gidMappings", sizeof(struct spec_id_mapping),
              parse_id_mapping, &l->gid_mappings, &l->n_gid_mappings) < 0)
    return -1;
  if (p_field(c, v, "timeOffsets", &f) < 0)
    return -1;
  if (f != NULL) {
    mark = p_push_key(c, "timeOffsets");
    if (p_expect_object(c, f) < 0 || parse_time_offsets(c, f, l) < 0)
      return -1;
    p_pop(c, mark);
  }
  if (f_array(c, v, "devices", sizeof(struct spec_device), parse_device,
              &l->devices, &l->n_devices) < 0 ||
      f_str(c, v, "cgroupsPath", &l->cgroups_path) < 0 ||
      f_object(c, v, "resources", sizeof(struct spec_resources),
               parse_resources, &l->resources) < 0 ||
      f_object(c, v, "intelRdt", sizeof(struct spec_intel_rdt), parse_intel_rdt,
               &l->intel_rdt) < 0 ||
      f_kv(c, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0 ||
      f_object(c, v, "seccomp", sizeof(struct spec_seccomp), parse_seccomp,
               &l->seccomp) < 0 ||
      f_str(c, v, "rootfsPropagation", &l->rootfs_propagation) < 0)
    return -1;
  if (l->rootfs_propagation != NULL && l->rootfs_propagation[0] != '\0' &&
      f_check_name(c, "rootfsPropagation", l->rootfs_propagation,
                   spec_mount_propagations, "mount propagation") < 0)
    return -1;
  if (f_strv(c, v, "maskedPaths", &l->masked_paths) < 0 ||
      f_check_absolutes(c, "maskedPaths", l->masked_paths) < 0 ||
      f_strv(c, v, "readonlyPaths", &l->readonly_paths) < 0 ||
      f_check_absolutes(c, "readonlyPaths", l->readonly_paths) < 0 ||
      f_str(c, v, "mountLabel", &l->mount_label) < 0 ||
      f_object(c, v, "personality", sizeof(struct spec_personality),
               parse_personality, &l->personality) < 0 ||
      f_object(c, v, "memoryPolicy", sizeof(struct spec_memory_policy),
               parse_memory_policy, &l->memory_policy) < 0 ||
      f_map(c, v, "netDevices", sizeof(struct spec_net_device),
            net_device_entry, &l->net_devices, &l->n_net_devices) < 0)
    return -1;
  return 0;
}
