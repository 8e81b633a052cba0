/* struct spec_config -> JSON (yajl_gen).  Every field that is set is
 * written, in the order of the runtime-spec's Go types. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "util.h"

void em_init(struct emitter *e, const char *indent) {
  e->g = yajl_gen_alloc(NULL);
  e->st = e->g != NULL ? yajl_gen_status_ok : yajl_gen_in_error_state;
  if (e->g == NULL)
    return;
  yajl_gen_config(e->g, yajl_gen_validate_utf8, 1);
  yajl_gen_config(e->g, yajl_gen_escape_solidus, 0);
  if (indent != NULL) {
    yajl_gen_config(e->g, yajl_gen_beautify, 1);
    yajl_gen_config(e->g, yajl_gen_indent_string, indent);
  }
}

char *em_finish(struct emitter *e, struct brig_error *err) {
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (e->st == yajl_gen_status_ok &&
      yajl_gen_get_buf(e->g, &buf, &len) == yajl_gen_status_ok) {
    out = xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = '\0';
  } else if (e->st == yajl_gen_invalid_string) {
    brig_err(err, 0, "emit JSON: a string is not valid UTF-8");
  } else {
    brig_err(err, 0, "emit JSON: generator error %d", (int)e->st);
  }
  if (e->g != NULL)
    yajl_gen_free(e->g);
  e->g = NULL;
  return out;
}

#define EM(e, call)                                                            \
  do {                                                                         \
    if ((e)->st == yajl_gen_status_ok)                                         \
      (e)->st = (call);                                                        \
  } while (0)

void em_open(struct emitter *e) {
  EM(e, yajl_gen_map_open(e->g));
}

void em_close(struct emitter *e) {
  EM(e, yajl_gen_map_close(e->g));
}

void em_array_open(struct emitter *e) {
  EM(e, yajl_gen_array_open(e->g));
}

void em_array_close(struct emitter *e) {
  EM(e, yajl_gen_array_close(e->g));
}

void em_str(struct emitter *e, const char *s) {
  EM(e, yajl_gen_string(e->g, (const unsigned char *)s, strlen(s)));
}

void em_key(struct emitter *e, const char *key) {
  em_str(e, key);
}

void em_u64(struct emitter *e, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
  EM(e, yajl_gen_number(e->g, buf, (size_t)n));
}

void em_i64(struct emitter *e, int64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
  EM(e, yajl_gen_number(e->g, buf, (size_t)n));
}

void em_bool(struct emitter *e, bool v) {
  EM(e, yajl_gen_bool(e->g, v));
}

void em_kstr(struct emitter *e, const char *key, const char *s) {
  if (s == NULL)
    return;
  em_key(e, key);
  em_str(e, s);
}

void em_kstrv(struct emitter *e, const char *key, char *const *v) {
  if (v == NULL)
    return;
  em_key(e, key);
  em_array_open(e);
  for (size_t i = 0; v[i] != NULL; i++)
    em_str(e, v[i]);
  em_array_close(e);
}

void em_ku64(struct emitter *e, const char *key, uint64_t v) {
  em_key(e, key);
  em_u64(e, v);
}

void em_ki64(struct emitter *e, const char *key, int64_t v) {
  em_key(e, key);
  em_i64(e, v);
}

void em_kbool(struct emitter *e, const char *key, bool v) {
  em_key(e, key);
  em_bool(e, v);
}

void em_kopt_u64(struct emitter *e, const char *key, struct opt_u64 v) {
  if (v.set)
    em_ku64(e, key, v.v);
}

void em_kopt_i64(struct emitter *e, const char *key, struct opt_i64 v) {
  if (v.set)
    em_ki64(e, key, v.v);
}

void em_kopt_bool(struct emitter *e, const char *key, struct opt_bool v) {
  if (v.set)
    em_kbool(e, key, v.v);
}

/* A bool the Go types mark omitempty: written only when true. */
static void em_ktrue(struct emitter *e, const char *key, bool v) {
  if (v)
    em_kbool(e, key, true);
}

static void em_kv(struct emitter *e, const char *key, const struct spec_kv *kv,
                  size_t n) {
  if (kv == NULL)
    return;
  em_key(e, key);
  em_open(e);
  for (size_t i = 0; i < n; i++)
    em_kstr(e, kv[i].key, kv[i].value);
  em_close(e);
}

static void em_id_mappings(struct emitter *e, const char *key,
                           const struct spec_id_mapping *m, size_t n) {
  if (m == NULL)
    return;
  em_key(e, key);
  em_array_open(e);
  for (size_t i = 0; i < n; i++) {
    em_open(e);
    em_ku64(e, "containerID", m[i].container_id);
    em_ku64(e, "hostID", m[i].host_id);
    em_ku64(e, "size", m[i].size);
    em_close(e);
  }
  em_array_close(e);
}

static void em_user(struct emitter *e, const struct spec_user *u) {
  em_key(e, "user");
  em_open(e);
  em_ku64(e, "uid", u->uid);
  em_ku64(e, "gid", u->gid);
  em_kopt_u64(e, "umask", u->umask);
  if (u->additional_gids != NULL) {
    em_key(e, "additionalGids");
    em_array_open(e);
    for (size_t i = 0; i < u->n_additional_gids; i++)
      em_u64(e, u->additional_gids[i]);
    em_array_close(e);
  }
  em_kstr(e, "username", u->username);
  em_close(e);
}

static void em_process(struct emitter *e, const struct spec_process *p) {
  em_open(e);
  em_ktrue(e, "terminal", p->terminal);
  if (p->has_console_size) {
    em_key(e, "consoleSize");
    em_open(e);
    em_ku64(e, "height", p->console_height);
    em_ku64(e, "width", p->console_width);
    em_close(e);
  }
  em_user(e, &p->user);
  em_kstrv(e, "args", p->args);
  em_kstr(e, "commandLine", p->command_line);
  em_kstrv(e, "env", p->env);
  em_kstr(e, "cwd", p->cwd);
  if (p->capabilities != NULL) {
    em_key(e, "capabilities");
    em_open(e);
    em_kstrv(e, "bounding", p->capabilities->bounding);
    em_kstrv(e, "effective", p->capabilities->effective);
    em_kstrv(e, "inheritable", p->capabilities->inheritable);
    em_kstrv(e, "permitted", p->capabilities->permitted);
    em_kstrv(e, "ambient", p->capabilities->ambient);
    em_close(e);
  }
  if (p->rlimits != NULL) {
    em_key(e, "rlimits");
    em_array_open(e);
    for (size_t i = 0; i < p->n_rlimits; i++) {
      em_open(e);
      em_kstr(e, "type", p->rlimits[i].type);
      em_ku64(e, "hard", p->rlimits[i].hard);
      em_ku64(e, "soft", p->rlimits[i].soft);
      em_close(e);
    }
    em_array_close(e);
  }
  em_ktrue(e, "noNewPrivileges", p->no_new_privileges);
  em_kstr(e, "apparmorProfile", p->apparmor_profile);
  em_kopt_i64(e, "oomScoreAdj", p->oom_score_adj);
  if (p->scheduler != NULL) {
    const struct spec_scheduler *s = p->scheduler;
    em_key(e, "scheduler");
    em_open(e);
    em_kstr(e, "policy", s->policy);
    em_kopt_i64(e, "nice", s->nice);
    em_kopt_i64(e, "priority", s->priority);
    em_kstrv(e, "flags", s->flags);
    em_kopt_u64(e, "runtime", s->runtime);
    em_kopt_u64(e, "deadline", s->deadline);
    em_kopt_u64(e, "period", s->period);
    em_close(e);
  }
  em_kstr(e, "selinuxLabel", p->selinux_label);
  if (p->io_priority != NULL) {
    em_key(e, "ioPriority");
    em_open(e);
    em_kstr(e, "class", p->io_priority->class_);
    em_ki64(e, "priority", p->io_priority->priority);
    em_close(e);
  }
  if (p->exec_cpu_affinity != NULL) {
    em_key(e, "execCPUAffinity");
    em_open(e);
    em_kstr(e, "initial", p->exec_cpu_affinity->initial);
    em_kstr(e, "final", p->exec_cpu_affinity->final);
    em_close(e);
  }
  em_close(e);
}

static void em_mounts(struct emitter *e, const struct spec_mount *m, size_t n) {
  if (m == NULL)
    return;
  em_key(e, "mounts");
  em_array_open(e);
  for (size_t i = 0; i < n; i++) {
    em_open(e);
    em_kstr(e, "destination", m[i].destination);
    em_kstr(e, "type", m[i].type);
    em_kstr(e, "source", m[i].source);
    em_kstrv(e, "options", m[i].options);
    em_id_mappings(e, "uidMappings", m[i].uid_mappings, m[i].n_uid_mappings);
    em_id_mappings(e, "gidMappings", m[i].gid_mappings, m[i].n_gid_mappings);
    em_close(e);
  }
  em_array_close(e);
}

static void em_hook_list(struct emitter *e, const char *key,
                         const struct spec_hook *h, size_t n) {
  if (h == NULL)
    return;
  em_key(e, key);
  em_array_open(e);
  for (size_t i = 0; i < n; i++) {
    em_open(e);
    em_kstr(e, "path", h[i].path);
    em_kstrv(e, "args", h[i].args);
    em_kstrv(e, "env", h[i].env);
    em_kopt_i64(e, "timeout", h[i].timeout);
    em_close(e);
  }
  em_array_close(e);
}

static void em_hooks(struct emitter *e, const struct spec_hooks *h) {
  em_key(e, "hooks");
  em_open(e);
  em_hook_list(e, "prestart", h->prestart, h->n_prestart);
  em_hook_list(e, "createRuntime", h->create_runtime, h->n_create_runtime);
  em_hook_list(e, "createContainer", h->create_container,
               h->n_create_container);
  em_hook_list(e, "startContainer", h->start_container, h->n_start_container);
  em_hook_list(e, "poststart", h->poststart, h->n_poststart);
  em_hook_list(e, "poststop", h->poststop, h->n_poststop);
  em_close(e);
}

static void em_throttle(struct emitter *e, const char *key,
                        const struct spec_throttle_device *t, size_t n) {
  if (t == NULL)
    return;
  em_key(e, key);
  em_array_open(e);
  for (size_t i = 0; i < n; i++) {
    em_open(e);
    em_ki64(e, "major", t[i].major);
    em_ki64(e, "minor", t[i].minor);
    em_ku64(e, "rate", t[i].rate);
    em_close(e);
  }
  em_array_close(e);
}

static void em_block_io(struct emitter *e, const struct spec_block_io *b) {
  em_key(e, "blockIO");
  em_open(e);
  em_kopt_u64(e, "weight", b->weight);
  em_kopt_u64(e, "leafWeight", b->leaf_weight);
  if (b->weight_device != NULL) {
    em_key(e, "weightDevice");
    em_array_open(e);
    for (size_t i = 0; i < b->n_weight_device; i++) {
      em_open(e);
      em_ki64(e, "major", b->weight_device[i].major);
      em_ki64(e, "minor", b->weight_device[i].minor);
      em_kopt_u64(e, "weight", b->weight_device[i].weight);
      em_kopt_u64(e, "leafWeight", b->weight_device[i].leaf_weight);
      em_close(e);
    }
    em_array_close(e);
  }
  em_throttle(e, "throttleReadBpsDevice", b->throttle_read_bps_device,
              b->n_throttle_read_bps_device);
  em_throttle(e, "throttleWriteBpsDevice", b->throttle_write_bps_device,
              b->n_throttle_write_bps_device);
  em_throttle(e, "throttleReadIOPSDevice", b->throttle_read_iops_device,
              b->n_throttle_read_iops_device);
  em_throttle(e, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
              b->n_throttle_write_iops_device);
  em_close(e);
}

static void em_resources_body(struct emitter *e,
                              const struct spec_resources *r) {
  em_open(e);
  if (r->devices != NULL) {
    em_key(e, "devices");
    em_array_open(e);
    for (size_t i = 0; i < r->n_devices; i++) {
      const struct spec_device_cgroup *d = &r->devices[i];
      em_open(e);
      em_kbool(e, "allow", d->allow);
      em_kstr(e, "type", d->type);
      em_kopt_i64(e, "major", d->major);
      em_kopt_i64(e, "minor", d->minor);
      em_kstr(e, "access", d->access);
      em_close(e);
    }
    em_array_close(e);
  }
  if (r->memory != NULL) {
    const struct spec_memory *m = r->memory;
    em_key(e, "memory");
    em_open(e);
    em_kopt_i64(e, "limit", m->limit);
    em_kopt_i64(e, "reservation", m->reservation);
    em_kopt_i64(e, "swap", m->swap);
    em_kopt_i64(e, "kernel", m->kernel);
    em_kopt_i64(e, "kernelTCP", m->kernel_tcp);
    em_kopt_u64(e, "swappiness", m->swappiness);
    em_kopt_bool(e, "disableOOMKiller", m->disable_oom_killer);
    em_kopt_bool(e, "useHierarchy", m->use_hierarchy);
    em_kopt_bool(e, "checkBeforeUpdate", m->check_before_update);
    em_close(e);
  }
  if (r->cpu != NULL) {
    const struct spec_cpu *c = r->cpu;
    em_key(e, "cpu");
    em_open(e);
    em_kopt_u64(e, "shares", c->shares);
    em_kopt_i64(e, "quota", c->quota);
    em_kopt_u64(e, "burst", c->burst);
    em_kopt_u64(e, "period", c->period);
    em_kopt_i64(e, "realtimeRuntime", c->realtime_runtime);
    em_kopt_u64(e, "realtimePeriod", c->realtime_period);
    em_kstr(e, "cpus", c->cpus);
    em_kstr(e, "mems", c->mems);
    em_kopt_i64(e, "idle", c->idle);
    em_close(e);
  }
  if (r->has_pids) {
    em_key(e, "pids");
    em_open(e);
    em_kopt_i64(e, "limit", r->pids_limit);
    em_close(e);
  }
  if (r->block_io != NULL)
    em_block_io(e, r->block_io);
  if (r->hugepage_limits != NULL) {
    em_key(e, "hugepageLimits");
    em_array_open(e);
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
      em_open(e);
      em_kstr(e, "pageSize", r->hugepage_limits[i].page_size);
      em_ku64(e, "limit", r->hugepage_limits[i].limit);
      em_close(e);
    }
    em_array_close(e);
  }
  if (r->network != NULL) {
    em_key(e, "network");
    em_open(e);
    em_kopt_u64(e, "classID", r->network->class_id);
    if (r->network->priorities != NULL) {
      em_key(e, "priorities");
      em_array_open(e);
      for (size_t i = 0; i < r->network->n_priorities; i++) {
        em_open(e);
        em_kstr(e, "name", r->network->priorities[i].name);
        em_ku64(e, "priority", r->network->priorities[i].priority);
        em_close(e);
      }
      em_array_close(e);
    }
    em_close(e);
  }
  if (r->rdma != NULL) {
    em_key(e, "rdma");
    em_open(e);
    for (size_t i = 0; i < r->n_rdma; i++) {
      em_key(e, r->rdma[i].device);
      em_open(e);
      em_kopt_u64(e, "hcaHandles", r->rdma[i].hca_handles);
      em_kopt_u64(e, "hcaObjects", r->rdma[i].hca_objects);
      em_close(e);
    }
    em_close(e);
  }
  em_kv(e, "unified", r->unified, r->n_unified);
  em_close(e);
}

static void em_time_offset(struct emitter *e, const char *clock,
                           const struct spec_time_offset *t) {
  if (!t->set)
    return;
  em_key(e, clock);
  em_open(e);
  em_ki64(e, "secs", t->secs);
  em_ku64(e, "nanosecs", t->nanosecs);
  em_close(e);
}

static void em_seccomp(struct emitter *e, const struct spec_seccomp *s) {
  em_key(e, "seccomp");
  em_open(e);
  em_kstr(e, "defaultAction", s->default_action);
  em_kopt_u64(e, "defaultErrnoRet", s->default_errno_ret);
  em_kstrv(e, "architectures", s->architectures);
  em_kstrv(e, "flags", s->flags);
  em_kstr(e, "listenerPath", s->listener_path);
  em_kstr(e, "listenerMetadata", s->listener_metadata);
  if (s->syscalls != NULL) {
    em_key(e, "syscalls");
    em_array_open(e);
    for (size_t i = 0; i < s->n_syscalls; i++) {
      const struct spec_seccomp_syscall *sc = &s->syscalls[i];
      em_open(e);
      em_kstrv(e, "names", sc->names);
      em_kstr(e, "action", sc->action);
      em_kopt_u64(e, "errnoRet", sc->errno_ret);
      if (sc->args != NULL) {
        em_key(e, "args");
        em_array_open(e);
        for (size_t j = 0; j < sc->n_args; j++) {
          em_open(e);
          em_ku64(e, "index", sc->args[j].index);
          em_ku64(e, "value", sc->args[j].value);
          if (sc->args[j].value_two != 0)
            em_ku64(e, "valueTwo", sc->args[j].value_two);
          em_kstr(e, "op", sc->args[j].op);
          em_close(e);
        }
        em_array_close(e);
      }
      em_close(e);
    }
    em_array_close(e);
  }
  em_close(e);
}

static void em_linux(struct emitter *e, const struct spec_linux *l) {
  em_key(e, "linux");
  em_open(e);
  em_id_mappings(e, "uidMappings", l->uid_mappings, l->n_uid_mappings);
  em_id_mappings(e, "gidMappings", l->gid_mappings, l->n_gid_mappings);
  if (l->time_monotonic.set || l->time_boottime.set) {
    em_key(e, "timeOffsets");
    em_open(e);
    em_time_offset(e, "monotonic", &l->time_monotonic);
    em_time_offset(e, "boottime", &l->time_boottime);
    em_close(e);
  }
  em_kv(e, "sysctl", l->sysctl, l->n_sysctl);
  if (l->resources != NULL) {
    em_key(e, "resources");
    em_resources_body(e, l->resources);
  }
  em_kstr(e, "cgroupsPath", l->cgroups_path);
  if (l->namespaces != NULL) {
    em_key(e, "namespaces");
    em_array_open(e);
    for (size_t i = 0; i < l->n_namespaces; i++) {
      em_open(e);
      em_kstr(e, "type", spec_ns_type_name(l->namespaces[i].type));
      em_kstr(e, "path", l->namespaces[i].path);
      em_close(e);
    }
    em_array_close(e);
  }
  if (l->devices != NULL) {
    em_key(e, "devices");
    em_array_open(e);
    for (size_t i = 0; i < l->n_devices; i++) {
      const struct spec_device *d = &l->devices[i];
      char type[2] = {d->type, '\0'};
      em_open(e);
      em_kstr(e, "path", d->path);
      em_kstr(e, "type", type);
      em_ki64(e, "major", d->major);
      em_ki64(e, "minor", d->minor);
      em_kopt_u64(e, "fileMode", d->file_mode);
      em_kopt_u64(e, "uid", d->uid);
      em_kopt_u64(e, "gid", d->gid);
      em_close(e);
    }
    em_array_close(e);
  }
  if (l->net_devices != NULL) {
    em_key(e, "netDevices");
    em_open(e);
    for (size_t i = 0; i < l->n_net_devices; i++) {
      em_key(e, l->net_devices[i].host_name);
      em_open(e);
      em_kstr(e, "name", l->net_devices[i].name);
      em_close(e);
    }
    em_close(e);
  }
  if (l->seccomp != NULL)
    em_seccomp(e, l->seccomp);
  em_kstr(e, "rootfsPropagation", l->rootfs_propagation);
  em_kstrv(e, "maskedPaths", l->masked_paths);
  em_kstrv(e, "readonlyPaths", l->readonly_paths);
  em_kstr(e, "mountLabel", l->mount_label);
  if (l->intel_rdt != NULL) {
    const struct spec_intel_rdt *r = l->intel_rdt;
    em_key(e, "intelRdt");
    em_open(e);
    em_kstr(e, "closID", r->clos_id);
    em_kstr(e, "l3CacheSchema", r->l3_cache_schema);
    em_kstr(e, "memBwSchema", r->mem_bw_schema);
    em_kstrv(e, "schemata", r->schemata);
    em_ktrue(e, "enableCMT", r->enable_cmt);
    em_ktrue(e, "enableMBM", r->enable_mbm);
    em_close(e);
  }
  if (l->memory_policy != NULL) {
    em_key(e, "memoryPolicy");
    em_open(e);
    em_kstr(e, "mode", l->memory_policy->mode);
    em_kstr(e, "nodes", l->memory_policy->nodes);
    em_kstrv(e, "flags", l->memory_policy->flags);
    em_close(e);
  }
  if (l->personality != NULL) {
    em_key(e, "personality");
    em_open(e);
    em_kstr(e, "domain", l->personality->domain);
    em_kstrv(e, "flags", l->personality->flags);
    em_close(e);
  }
  em_close(e);
}

char *spec_emit(const struct spec_config *cfg, bool pretty,
                struct brig_error *err) {
  struct emitter e;
  em_init(&e, pretty ? "\t" : NULL);
  em_open(&e);
  em_kstr(&e, "ociVersion", cfg->oci_version);
  if (cfg->process != NULL) {
    em_key(&e, "process");
    em_process(&e, cfg->process);
  }
  if (cfg->root != NULL) {
    em_key(&e, "root");
    em_open(&e);
    em_kstr(&e, "path", cfg->root->path);
    em_ktrue(&e, "readonly", cfg->root->readonly);
    em_close(&e);
  }
  em_kstr(&e, "hostname", cfg->hostname);
  em_kstr(&e, "domainname", cfg->domainname);
  em_mounts(&e, cfg->mounts, cfg->n_mounts);
  if (cfg->hooks != NULL)
    em_hooks(&e, cfg->hooks);
  em_kv(&e, "annotations", cfg->annotations, cfg->n_annotations);
  if (cfg->linux_ != NULL)
    em_linux(&e, cfg->linux_);
  em_close(&e);
  return em_finish(&e, err);
}
