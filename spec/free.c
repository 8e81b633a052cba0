/* Freeing the model: every function accepts NULL and partial structs (a
 * parse that failed half-way). */
#include <stdlib.h>

#include "internal.h"
#include "util.h"

void free_kv(struct spec_kv *kv, size_t n) {
  for (size_t i = 0; kv != NULL && i < n; i++) {
    free(kv[i].key);
    free(kv[i].value);
  }
  free(kv);
}

static void free_hooks(struct spec_hook *h, size_t n) {
  for (size_t i = 0; h != NULL && i < n; i++) {
    free(h[i].path);
    strv_free(h[i].args);
    strv_free(h[i].env);
  }
  free(h);
}

void spec_process_free(struct spec_process *p) {
  if (p == NULL)
    return;
  free(p->user.additional_gids);
  free(p->user.username);
  strv_free(p->args);
  free(p->command_line);
  strv_free(p->env);
  free(p->cwd);
  if (p->capabilities != NULL) {
    strv_free(p->capabilities->bounding);
    strv_free(p->capabilities->effective);
    strv_free(p->capabilities->inheritable);
    strv_free(p->capabilities->permitted);
    strv_free(p->capabilities->ambient);
    free(p->capabilities);
  }
  for (size_t i = 0; p->rlimits != NULL && i < p->n_rlimits; i++)
    free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  if (p->scheduler != NULL) {
    free(p->scheduler->policy);
    strv_free(p->scheduler->flags);
    free(p->scheduler);
  }
  if (p->io_priority != NULL) {
    free(p->io_priority->class_);
    free(p->io_priority);
  }
  if (p->exec_cpu_affinity != NULL) {
    free(p->exec_cpu_affinity->initial);
    free(p->exec_cpu_affinity->final);
    free(p->exec_cpu_affinity);
  }
  free(p);
}

void free_resources_fields(struct spec_resources *r) {
  for (size_t i = 0; r->devices != NULL && i < r->n_devices; i++) {
    free(r->devices[i].type);
    free(r->devices[i].access);
  }
  free(r->devices);
  free(r->memory);
  if (r->cpu != NULL) {
    free(r->cpu->cpus);
    free(r->cpu->mems);
    free(r->cpu);
  }
  if (r->block_io != NULL) {
    free(r->block_io->weight_device);
    free(r->block_io->throttle_read_bps_device);
    free(r->block_io->throttle_write_bps_device);
    free(r->block_io->throttle_read_iops_device);
    free(r->block_io->throttle_write_iops_device);
    free(r->block_io);
  }
  for (size_t i = 0; r->hugepage_limits != NULL && i < r->n_hugepage_limits;
       i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  if (r->network != NULL) {
    for (size_t i = 0;
         r->network->priorities != NULL && i < r->network->n_priorities; i++)
      free(r->network->priorities[i].name);
    free(r->network->priorities);
    free(r->network);
  }
  for (size_t i = 0; r->rdma != NULL && i < r->n_rdma; i++)
    free(r->rdma[i].device);
  free(r->rdma);
  free_kv(r->unified, r->n_unified);
}

void spec_resources_free(struct spec_resources *r) {
  if (r == NULL)
    return;
  free_resources_fields(r);
  free(r);
}

static void free_seccomp(struct spec_seccomp *s) {
  if (s == NULL)
    return;
  free(s->default_action);
  strv_free(s->architectures);
  strv_free(s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; s->syscalls != NULL && i < s->n_syscalls; i++) {
    struct spec_seccomp_syscall *sc = &s->syscalls[i];
    strv_free(sc->names);
    free(sc->action);
    for (size_t j = 0; sc->args != NULL && j < sc->n_args; j++)
      free(sc->args[j].op);
    free(sc->args);
  }
  free(s->syscalls);
  free(s);
}

void free_linux(struct spec_linux *l) {
  if (l == NULL)
    return;
  for (size_t i = 0; l->namespaces != NULL && i < l->n_namespaces; i++)
    free(l->namespaces[i].path);
  free(l->namespaces);
  free(l->uid_mappings);
  free(l->gid_mappings);
  for (size_t i = 0; l->devices != NULL && i < l->n_devices; i++)
    free(l->devices[i].path);
  free(l->devices);
  free(l->cgroups_path);
  spec_resources_free(l->resources);
  if (l->intel_rdt != NULL) {
    free(l->intel_rdt->clos_id);
    free(l->intel_rdt->l3_cache_schema);
    free(l->intel_rdt->mem_bw_schema);
    strv_free(l->intel_rdt->schemata);
    free(l->intel_rdt);
  }
  free_kv(l->sysctl, l->n_sysctl);
  free_seccomp(l->seccomp);
  free(l->rootfs_propagation);
  strv_free(l->masked_paths);
  strv_free(l->readonly_paths);
  free(l->mount_label);
  if (l->personality != NULL) {
    free(l->personality->domain);
    strv_free(l->personality->flags);
    free(l->personality);
  }
  if (l->memory_policy != NULL) {
    free(l->memory_policy->mode);
    free(l->memory_policy->nodes);
    strv_free(l->memory_policy->flags);
    free(l->memory_policy);
  }
  for (size_t i = 0; l->net_devices != NULL && i < l->n_net_devices; i++) {
    free(l->net_devices[i].host_name);
    free(l->net_devices[i].name);
  }
  free(l->net_devices);
  free(l);
}

void spec_free(struct spec_config *cfg) {
  if (cfg == NULL)
    return;
  free(cfg->oci_version);
  if (cfg->root != NULL) {
    free(cfg->root->path);
    free(cfg->root);
  }
  for (size_t i = 0; cfg->mounts != NULL && i < cfg->n_mounts; i++) {
    struct spec_mount *m = &cfg->mounts[i];
    free(m->destination);
    free(m->type);
    free(m->source);
    strv_free(m->options);
    free(m->uid_mappings);
    free(m->gid_mappings);
  }
  free(cfg->mounts);
  spec_process_free(cfg->process);
  free(cfg->hostname);
  free(cfg->domainname);
  if (cfg->hooks != NULL) {
    free_hooks(cfg->hooks->prestart, cfg->hooks->n_prestart);
    free_hooks(cfg->hooks->create_runtime, cfg->hooks->n_create_runtime);
    free_hooks(cfg->hooks->create_container, cfg->hooks->n_create_container);
    free_hooks(cfg->hooks->start_container, cfg->hooks->n_start_container);
    free_hooks(cfg->hooks->poststart, cfg->hooks->n_poststart);
    free_hooks(cfg->hooks->poststop, cfg->hooks->n_poststop);
    free(cfg->hooks);
  }
  free_kv(cfg->annotations, cfg->n_annotations);
  free_linux(cfg->linux_);
  free(cfg);
}
