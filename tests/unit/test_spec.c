/* spec/: parsing config.json into the model, the error lines for malformed
 * configs, emitting, the default spec and features.json.
 * Run from the top of the tree (data under tests/unit/data). */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tree_equal.h"
#include "internal.h"
#include "spec.h"
#include "tap.h"
#include "util.h"

#define DATA "tests/unit/data/"

static char *slurp(const char *path, size_t *len) {
  struct brig_error err = {0};
  char *buf = NULL;
  if (read_file_at(AT_FDCWD, path, 16 << 20, &buf, len, &err) < 0) {
    printf("# %s\n", err.msg);
    return NULL;
  }
  return buf;
}

/* Strip whitespace outside strings (the golden file is written by hand,
 * spec_emit's compact output has none). */
static char *minify(const char *s) {
  char *out = xmalloc(strlen(s) + 1), *o = out;
  bool in_string = false;
  for (; *s; s++) {
    if (in_string) {
      *o++ = *s;
      if (*s == '\\')
        *o++ = *++s;
      else if (*s == '"')
        in_string = false;
    } else if (*s == '"') {
      in_string = true;
      *o++ = *s;
    } else if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') {
      *o++ = *s;
    }
  }
  *o = '\0';
  return out;
}

static bool strv_is(char **v, const char *const *want) {
  size_t i;
  if (v == NULL)
    return false;
  for (i = 0; want[i] != NULL; i++)
    if (v[i] == NULL || strcmp(v[i], want[i]) != 0)
      return false;
  return v[i] == NULL;
}
#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void check_hook(const struct spec_hook *h, const char *path,
                       const char *what) {
  is_str(h->path, path, "%s path", what);
}

static void test_golden_process(const struct spec_process *p) {
  ok(p->terminal, "process.terminal");
  ok(p->has_console_size && p->console_height == 24 && p->console_width == 80,
     "process.consoleSize 24x80");
  ok(p->user.uid == 1000, "user.uid");
  ok(p->user.gid == 1001, "user.gid");
  ok(p->user.umask.set && p->user.umask.v == 18, "user.umask");
  ok(p->user.n_additional_gids == 2 && p->user.additional_gids[0] == 5 &&
         p->user.additional_gids[1] == 2147483647u,
     "user.additionalGids incl. 2^32-1");
  is_str(p->user.username, "alice", "user.username");
  ok(strv_is(p->args, STRV("/bin/app", "--flag", "a b")), "process.args");
  is_str(p->command_line, "app --flag", "process.commandLine");
  ok(strv_is(p->env, STRV("PATH=/usr/bin:/bin", "QUOTE=say \"hi\"\tnow\nend",
                          "UTF8=\xc3\xa9\xe2\x82\xac")),
     "process.env with escapes and UTF-8");
  is_str(p->cwd, "/work/dir", "process.cwd");
  ok(p->capabilities != NULL, "process.capabilities");
  ok(strv_is(p->capabilities->bounding,
             STRV("CAP_CHOWN", "CAP_CHECKPOINT_RESTORE")),
     "capabilities.bounding");
  ok(strv_is(p->capabilities->effective, STRV("CAP_KILL")),
     "capabilities.effective");
  /* a name brig does not know is kept: dropped with a warning at start */
  ok(strv_is(p->capabilities->inheritable,
             STRV("CAP_NET_RAW", "CAP_FROM_A_NEWER_KERNEL")),
     "capabilities.inheritable, an unknown name kept");
  ok(strv_is(p->capabilities->permitted, STRV("CAP_KILL", "CAP_SYS_ADMIN")),
     "capabilities.permitted");
  ok(strv_is(p->capabilities->ambient, STRV("CAP_BPF")),
     "capabilities.ambient");
  ok(p->n_rlimits == 2, "two rlimits");
  is_str(p->rlimits[0].type, "RLIMIT_NOFILE", "rlimits[0].type");
  ok(p->rlimits[0].resource == RLIMIT_NOFILE, "rlimits[0] resolved");
  ok(p->rlimits[0].hard == UINT64_MAX, "rlimits[0].hard = 2^64-1");
  ok(p->rlimits[0].soft == 1024, "rlimits[0].soft");
  ok(p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].hard == 0 &&
         p->rlimits[1].soft == 0,
     "rlimits[1] RLIMIT_CORE 0/0");
  ok(p->no_new_privileges, "process.noNewPrivileges");
  is_str(p->apparmor_profile, "brig-default", "process.apparmorProfile");
  ok(p->oom_score_adj.set && p->oom_score_adj.v == -500, "oomScoreAdj");
  ok(p->scheduler != NULL, "process.scheduler");
  is_str(p->scheduler->policy, "SCHED_DEADLINE", "scheduler.policy");
  ok(p->scheduler->nice.set && p->scheduler->nice.v == -5, "scheduler.nice");
  ok(p->scheduler->priority.set && p->scheduler->priority.v == 10,
     "scheduler.priority");
  ok(strv_is(p->scheduler->flags,
             STRV("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM")),
     "scheduler.flags");
  ok(p->scheduler->runtime.set && p->scheduler->runtime.v == 10000000,
     "scheduler.runtime");
  ok(p->scheduler->deadline.set && p->scheduler->deadline.v == 20000000,
     "scheduler.deadline");
  ok(p->scheduler->period.set && p->scheduler->period.v == 30000000,
     "scheduler.period");
  is_str(p->selinux_label, "system_u:system_r:container_t:s0",
         "process.selinuxLabel");
  ok(p->io_priority != NULL && p->io_priority->priority == 4,
     "ioPriority.priority");
  is_str(p->io_priority->class_, "IOPRIO_CLASS_BE", "ioPriority.class");
  ok(p->exec_cpu_affinity != NULL, "execCPUAffinity");
  is_str(p->exec_cpu_affinity->initial, "0-3", "execCPUAffinity.initial");
  is_str(p->exec_cpu_affinity->final, "4,5", "execCPUAffinity.final");
}

static void test_golden_top(const struct spec_config *c) {
  is_str(c->oci_version, "1.3.0", "ociVersion");
  ok(c->root != NULL && c->root->readonly, "root.readonly");
  is_str(c->root->path, "rootfs", "root.path");
  is_str(c->hostname, "golden", "hostname");
  is_str(c->domainname, "example.org", "domainname");
  ok(c->n_mounts == 2, "two mounts");
  is_str(c->mounts[0].destination, "/proc", "mounts[0].destination");
  is_str(c->mounts[0].type, "proc", "mounts[0].type");
  is_str(c->mounts[0].source, "proc", "mounts[0].source");
  ok(c->mounts[0].options == NULL && c->mounts[0].uid_mappings == NULL,
     "mounts[0] has no options or mappings");
  is_str(c->mounts[1].destination, "/data", "mounts[1].destination");
  is_str(c->mounts[1].type, "none", "mounts[1].type");
  is_str(c->mounts[1].source, "/srv/data", "mounts[1].source");
  ok(strv_is(c->mounts[1].options, STRV("rbind", "ro", "idmap")),
     "mounts[1].options");
  ok(c->mounts[1].n_uid_mappings == 1 &&
         c->mounts[1].uid_mappings[0].container_id == 0 &&
         c->mounts[1].uid_mappings[0].host_id == 100000 &&
         c->mounts[1].uid_mappings[0].size == 65536,
     "mounts[1].uidMappings");
  ok(c->mounts[1].n_gid_mappings == 1 &&
         c->mounts[1].gid_mappings[0].container_id == 1 &&
         c->mounts[1].gid_mappings[0].host_id == 200000 &&
         c->mounts[1].gid_mappings[0].size == 10,
     "mounts[1].gidMappings");

  const struct spec_hooks *h = c->hooks;
  ok(h != NULL, "hooks");
  ok(h->n_prestart == 1, "one prestart hook");
  check_hook(&h->prestart[0], "/hooks/prestart", "prestart[0]");
  ok(strv_is(h->prestart[0].args, STRV("prestart", "-v")), "prestart args");
  ok(strv_is(h->prestart[0].env, STRV("A=1")), "prestart env");
  ok(h->prestart[0].timeout.set && h->prestart[0].timeout.v == 5,
     "prestart timeout");
  ok(h->n_create_runtime == 1 && !h->create_runtime[0].timeout.set &&
         h->create_runtime[0].args == NULL,
     "createRuntime: no timeout, no args");
  check_hook(&h->create_runtime[0], "/hooks/create-runtime", "createRuntime");
  ok(h->n_create_container == 1 && h->create_container[0].timeout.v == 1,
     "createContainer timeout 1");
  check_hook(&h->create_container[0], "/hooks/create-container",
             "createContainer");
  ok(h->n_start_container == 1 &&
         strv_is(h->start_container[0].args, STRV("sc")),
     "startContainer args");
  check_hook(&h->start_container[0], "/hooks/start-container",
             "startContainer");
  ok(h->n_poststart == 1 && strv_is(h->poststart[0].env, STRV("B=2", "C=3")),
     "poststart env");
  check_hook(&h->poststart[0], "/hooks/poststart", "poststart");
  ok(h->n_poststop == 2 && h->poststop[0].timeout.v == 60,
     "two poststop hooks");
  check_hook(&h->poststop[1], "/hooks/poststop-2", "poststop[1]");

  ok(c->n_annotations == 3, "three annotations");
  is_str(c->annotations[0].key, "org.example.key", "annotation 0 key");
  is_str(c->annotations[0].value, "value", "annotation 0 value");
  is_str(c->annotations[1].value, "/a/b/c", "annotation 1 value");
  is_str(c->annotations[2].key, "empty", "annotation 2 key (file order)");
  is_str(c->annotations[2].value, "", "annotation 2 empty value");
}

static void test_golden_resources(const struct spec_resources *r) {
  ok(r->n_devices == 3, "three device rules");
  ok(!r->devices[0].allow && r->devices[0].type == NULL &&
         !r->devices[0].major.set && !r->devices[0].minor.set,
     "devices[0] deny all");
  is_str(r->devices[0].access, "rwm", "devices[0].access");
  ok(r->devices[1].allow && r->devices[1].major.v == 10 &&
         r->devices[1].minor.v == 229,
     "devices[1] allow 10:229");
  is_str(r->devices[1].type, "c", "devices[1].type");
  ok(r->devices[2].minor.set && r->devices[2].minor.v == -1,
     "devices[2].minor -1 (wildcard)");
  const struct spec_memory *m = r->memory;
  ok(m != NULL && m->limit.set && m->limit.v == 536870912, "memory.limit");
  ok(m->reservation.v == 268435456, "memory.reservation");
  ok(m->swap.v == 1073741824, "memory.swap");
  ok(m->kernel.set && m->kernel.v == -1, "memory.kernel");
  ok(m->kernel_tcp.v == INT64_MAX, "memory.kernelTCP");
  ok(m->swappiness.set && m->swappiness.v == 60, "memory.swappiness");
  ok(m->disable_oom_killer.set && m->disable_oom_killer.v,
     "memory.disableOOMKiller");
  ok(m->use_hierarchy.set && !m->use_hierarchy.v,
     "memory.useHierarchy set to false");
  ok(m->check_before_update.set && m->check_before_update.v,
     "memory.checkBeforeUpdate");
  const struct spec_cpu *p = r->cpu;
  ok(p != NULL && p->shares.v == 512, "cpu.shares");
  ok(p->quota.v == 50000, "cpu.quota");
  ok(p->burst.v == 10000, "cpu.burst");
  ok(p->period.v == 100000, "cpu.period");
  ok(p->realtime_runtime.v == 950000, "cpu.realtimeRuntime");
  ok(p->realtime_period.v == 1000000, "cpu.realtimePeriod");
  is_str(p->cpus, "0-1", "cpu.cpus");
  is_str(p->mems, "0", "cpu.mems");
  ok(p->idle.set && p->idle.v == 1, "cpu.idle");
  ok(r->has_pids && r->pids_limit.set && r->pids_limit.v == 32771,
     "pids.limit");
  const struct spec_block_io *b = r->block_io;
  ok(b != NULL && b->weight.v == 500 && b->leaf_weight.v == 300,
     "blockIO weights");
  ok(b->n_weight_device == 1 && b->weight_device[0].major == 8 &&
         b->weight_device[0].weight.v == 400 &&
         b->weight_device[0].leaf_weight.v == 200,
     "blockIO.weightDevice");
  ok(b->n_throttle_read_bps_device == 1 &&
         b->throttle_read_bps_device[0].rate == 1048576,
     "throttleReadBpsDevice");
  ok(b->n_throttle_write_bps_device == 1 &&
         b->throttle_write_bps_device[0].minor == 16 &&
         b->throttle_write_bps_device[0].rate == 2097152,
     "throttleWriteBpsDevice");
  ok(b->n_throttle_read_iops_device == 1 &&
         b->throttle_read_iops_device[0].minor == 32 &&
         b->throttle_read_iops_device[0].rate == 100,
     "throttleReadIOPSDevice");
  ok(b->n_throttle_write_iops_device == 1 &&
         b->throttle_write_iops_device[0].minor == 48 &&
         b->throttle_write_iops_device[0].rate == 200,
     "throttleWriteIOPSDevice");
  ok(r->n_hugepage_limits == 1 && r->hugepage_limits[0].limit == 209715200,
     "hugepageLimits");
  is_str(r->hugepage_limits[0].page_size, "2MB", "hugepageLimits pageSize");
  ok(r->network != NULL && r->network->class_id.v == 1048577,
     "network.classID");
  ok(r->network->n_priorities == 2 &&
         r->network->priorities[1].priority == 1000,
     "network.priorities");
  is_str(r->network->priorities[0].name, "eth0", "network priority name");
  ok(r->n_rdma == 2, "two rdma devices");
  is_str(r->rdma[0].device, "mlx5_1", "rdma[0] device");
  ok(r->rdma[0].hca_handles.v == 3 && r->rdma[0].hca_objects.v == 10000,
     "rdma[0] limits");
  ok(!r->rdma[1].hca_handles.set && r->rdma[1].hca_objects.v == 1000,
     "rdma[1] only hcaObjects");
  ok(r->n_unified == 2, "two unified keys");
  is_str(r->unified[0].key, "io.max", "unified[0] key");
  is_str(r->unified[0].value, "259:0 rbps=2097152", "unified[0] value");
  is_str(r->unified[1].value, "max", "unified[1] value");
}

static void test_golden_linux(const struct spec_linux *l) {
  ok(l->n_uid_mappings == 2 && l->uid_mappings[1].host_id == 100000 &&
         l->uid_mappings[1].size == 65535,
     "linux.uidMappings");
  ok(l->n_gid_mappings == 1 && l->gid_mappings[0].host_id == 1001,
     "linux.gidMappings");
  ok(l->time_monotonic.set && l->time_monotonic.secs == -86400 &&
         l->time_monotonic.nanosecs == 500,
     "timeOffsets.monotonic");
  ok(l->time_boottime.set && l->time_boottime.secs == 3600 &&
         l->time_boottime.nanosecs == 999999999,
     "timeOffsets.boottime");
  ok(l->n_sysctl == 2, "two sysctls");
  is_str(l->sysctl[0].key, "net.ipv4.ip_forward", "sysctl[0] key");
  is_str(l->sysctl[0].value, "1", "sysctl[0] value");
  is_str(l->sysctl[1].key, "kernel.shm_rmid_forced", "sysctl[1] key");
  ok(l->resources != NULL, "linux.resources");
  test_golden_resources(l->resources);
  is_str(l->cgroups_path, "/brig/golden", "cgroupsPath");
  ok(l->n_namespaces == 8, "eight namespaces");
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    ok(l->namespaces[t].type == (enum spec_ns_type)t, "namespaces[%d] is %s", t,
       spec_ns_type_name((enum spec_ns_type)t));
  is_str(l->namespaces[1].path, "/var/run/netns/golden", "network ns path");
  ok(l->namespaces[0].path == NULL, "pid ns has no path");
  ok(l->n_devices == 3, "three devices");
  ok(l->devices[0].type == 'c' && l->devices[0].major == 10 &&
         l->devices[0].minor == 229 && l->devices[0].file_mode.v == 438 &&
         l->devices[0].uid.set && l->devices[0].uid.v == 0,
     "devices[0] /dev/fuse");
  is_str(l->devices[0].path, "/dev/fuse", "devices[0].path");
  ok(l->devices[1].type == 'b' && l->devices[1].uid.v == 5 &&
         l->devices[1].gid.v == 6 && l->devices[1].file_mode.v == 432,
     "devices[1] /dev/sda");
  ok(l->devices[2].type == 'p' && !l->devices[2].file_mode.set,
     "devices[2] fifo");
  ok(l->n_net_devices == 2, "two netDevices");
  is_str(l->net_devices[0].host_name, "eth1", "netDevices[0] host name");
  is_str(l->net_devices[0].name, "ctr0", "netDevices[0] name");
  ok(l->net_devices[1].name == NULL, "netDevices[1] keeps its name");

  const struct spec_seccomp *s = l->seccomp;
  ok(s != NULL, "linux.seccomp");
  is_str(s->default_action, "SCMP_ACT_ERRNO", "seccomp.defaultAction");
  ok(s->default_errno_ret.set && s->default_errno_ret.v == 38,
     "seccomp.defaultErrnoRet");
  ok(strv_is(s->architectures,
             STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")),
     "seccomp.architectures");
  ok(strv_is(s->flags,
             STRV("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                  "SECCOMP_FILTER_FLAG_SPEC_ALLOW")),
     "seccomp.flags");
  is_str(s->listener_path, "/run/seccomp-agent.sock", "seccomp.listenerPath");
  is_str(s->listener_metadata, "meta", "seccomp.listenerMetadata");
  ok(s->n_syscalls == 5, "five syscall rules");
  ok(strv_is(s->syscalls[0].names, STRV("read", "write")), "syscalls[0]");
  ok(!s->syscalls[0].errno_ret.set && s->syscalls[0].args == NULL,
     "syscalls[0] no errnoRet, no args");
  ok(s->syscalls[1].errno_ret.set && s->syscalls[1].errno_ret.v == 1,
     "syscalls[1].errnoRet");
  ok(s->syscalls[2].n_args == 2, "syscalls[2] two args");
  ok(s->syscalls[2].args[0].index == 0 && s->syscalls[2].args[0].value == 8 &&
         s->syscalls[2].args[0].value_two == 0,
     "args[0]");
  is_str(s->syscalls[2].args[0].op, "SCMP_CMP_EQ", "args[0].op");
  ok(s->syscalls[2].args[1].index == 5 &&
         s->syscalls[2].args[1].value == UINT64_MAX &&
         s->syscalls[2].args[1].value_two == 4,
     "args[1] index 5, 2^64-1, valueTwo");
  is_str(s->syscalls[2].args[1].op, "SCMP_CMP_MASKED_EQ", "args[1].op");
  is_str(s->syscalls[3].action, "SCMP_ACT_NOTIFY", "syscalls[3].action");
  is_str(s->syscalls[4].action, "SCMP_ACT_KILL_PROCESS", "syscalls[4].action");

  is_str(l->rootfs_propagation, "rslave", "rootfsPropagation");
  ok(strv_is(l->masked_paths, STRV("/proc/kcore", "/sys/firmware")),
     "maskedPaths");
  ok(strv_is(l->readonly_paths, STRV("/proc/sys", "/proc/bus")),
     "readonlyPaths");
  is_str(l->mount_label, "system_u:object_r:container_file_t:s0", "mountLabel");
  const struct spec_intel_rdt *rdt = l->intel_rdt;
  ok(rdt != NULL && rdt->enable_cmt && rdt->enable_mbm, "intelRdt enables");
  is_str(rdt->clos_id, "guaranteed_group", "intelRdt.closID");
  is_str(rdt->l3_cache_schema, "L3:0=7f0;1=1f", "intelRdt.l3CacheSchema");
  is_str(rdt->mem_bw_schema, "MB:0=20;1=70", "intelRdt.memBwSchema");
  ok(strv_is(rdt->schemata, STRV("L2:0=f;1=f")), "intelRdt.schemata");
  ok(l->memory_policy != NULL, "memoryPolicy");
  is_str(l->memory_policy->mode, "MPOL_INTERLEAVE", "memoryPolicy.mode");
  is_str(l->memory_policy->nodes, "0-3", "memoryPolicy.nodes");
  ok(strv_is(l->memory_policy->flags, STRV("MPOL_F_STATIC_NODES")),
     "memoryPolicy.flags");
  ok(l->personality != NULL && l->personality->flags != NULL &&
         l->personality->flags[0] == NULL,
     "personality.flags empty list kept");
  is_str(l->personality->domain, "LINUX32", "personality.domain");
}

static void test_golden(void) {
  struct brig_error err = {0};
  size_t len = 0;
  char *text = slurp(DATA "golden.json", &len);
  struct spec_config *c = spec_load_file(DATA "golden.json", &err);
  ok(c != NULL, "golden config parses (%s)", err.msg);
  if (c == NULL || text == NULL) {
    free(text);
    return;
  }
  test_golden_top(c);
  ok(c->process != NULL, "process");
  test_golden_process(c->process);
  ok(c->linux_ != NULL, "linux");
  test_golden_linux(c->linux_);

  /* Emitted compactly, the golden file comes back byte for byte. */
  char *want = minify(text);
  char *got = spec_emit(c, false, &err);
  is_str(got, want, "golden emits as the (minified) golden file");
  /* Pretty output parses to the same model: emit it again to compare. */
  char *pretty = spec_emit(c, true, &err);
  struct spec_config *again =
      pretty ? spec_parse(pretty, strlen(pretty), "pretty.json", &err) : NULL;
  char *got2 = again ? spec_emit(again, false, &err) : NULL;
  is_str(got2, want, "pretty output round-trips");
  ok(pretty != NULL && strstr(pretty, "\n\t\"ociVersion\": \"1.3.0\"") &&
         strstr(pretty, "\"/run/seccomp-agent.sock\""),
     "pretty output uses tabs and unescaped slashes");
  free(got2);
  spec_free(again);
  free(pretty);
  free(got);
  free(want);
  free(text);
  spec_free(c);
}

static void unquote(char *s) {
  for (; *s; s++)
    if (*s == '\'')
      *s = '"';
}

static void test_bad_configs(void) {
  size_t len = 0, n = 0;
  char *table = slurp(DATA "bad_configs.txt", &len);
  char *save = NULL;
  ok(table != NULL, "bad config table read");
  for (char *line = table ? strtok_r(table, "\n", &save) : NULL; line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    struct brig_error err = {0};
    char *tab = strchr(line, '\t');
    struct spec_config *cfg;
    if (line[0] == '#' || tab == NULL)
      continue;
    *tab = '\0';
    unquote(line);
    unquote(tab + 1);
    cfg = spec_parse(line, strlen(line), "config.json", &err);
    ok(cfg == NULL, "refused: %.60s", line);
    is_str(err.msg, tab + 1, "message for: %.60s", line);
    spec_free(cfg);
    n++;
  }
  ok(n >= 60, "at least 60 malformed configs (%zu)", n);
  free(table);
}

static void expect_error(const char *data, size_t len, const char *want,
                         const char *what) {
  struct brig_error err = {0};
  struct spec_config *cfg = spec_parse(data, len, "config.json", &err);
  ok(cfg == NULL, "refused: %s", what);
  is_str(err.msg, want, "message: %s", what);
  spec_free(cfg);
}

/* A config nested `levels` deep, with brackets inside a string too. */
static char *nested(int levels) {
  char *s = xmalloc(4096);
  size_t n = (size_t)sprintf(s, "{\"ociVersion\":\"[[[[\",\"x\":");
  for (int i = 1; i < levels; i++)
    s[n++] = '[';
  for (int i = 1; i < levels; i++)
    s[n++] = ']';
  s[n++] = '}';
  s[n] = '\0';
  return s;
}

static void test_bad_bytes(void) {
  static const char nul[] = "{\"ociVersion\":\"1.0\0\"}";
  static const char utf8[] = "{\"ociVersion\":\"1.0\xff\"}";
  static const char esc[] = "{\"ociVersion\":\"1.0\\u0000x\"}";
  static const char overlong[] = "{\"ociVersion\":\"\xc0\xaf\"}";
  static const char surrogate[] = "{\"ociVersion\":\"x\xed\xa0\x80\"}";
  static const char truncated[] = "{\"ociVersion\":\"\xe2\x82\"}";
  char *deep, *big;
  size_t n;

  expect_error(nul, sizeof(nul) - 1,
               "config.json: contains a NUL byte at offset 18", "NUL byte");
  expect_error(utf8, sizeof(utf8) - 1,
               "config.json: invalid UTF-8 at offset 18", "invalid UTF-8");
  expect_error(overlong, sizeof(overlong) - 1,
               "config.json: invalid UTF-8 at offset 15", "overlong UTF-8");
  expect_error(surrogate, sizeof(surrogate) - 1,
               "config.json: invalid UTF-8 at offset 16", "UTF-8 surrogate");
  expect_error(truncated, sizeof(truncated) - 1,
               "config.json: invalid UTF-8 at offset 15", "truncated UTF-8");
  expect_error(esc, sizeof(esc) - 1,
               "config.json: .ociVersion: a string contains a NUL character "
               "(\\u0000)",
               "escaped NUL");
  /* where an escape the parser refuses lies, found by walking the text */
  static const struct {
    const char *text, *want;
  } at[] = {
      {"{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\","
       "\"b\\\"\\\\\\u0000\"]}}",
       "config.json: .process.args[1]: a string contains a NUL character "
       "(\\u0000)"},
      {"{\"a\":{\"b\":[[1,{\"c\":\"x\"},{\"d\":\"\\u0000\"}]]}}",
       "config.json: .a.b[0][2].d: a string contains a NUL character "
       "(\\u0000)"},
      {"{\"annotations\":{\"k\\u0000\":\"v\"}}",
       "config.json: .annotations: a string contains a NUL character "
       "(\\u0000)"},
      {"{\"annotations\":{\"a.b\":\"\\ud83dz\"}}",
       "config.json: .annotations[\"a.b\"]: a string contains an unpaired "
       "surrogate (\\ud83d)"},
      {"{\"a\\rb\\u0041\\/\":\"\\u0000\"}",
       "config.json: [\"a\\rb?/\"]: a string contains a NUL character "
       "(\\u0000)"},
      {"[\"\\udc00\"]",
       "config.json: [0]: a string contains an unpaired surrogate (\\udc00)"},
  };
  for (size_t i = 0; i < sizeof(at) / sizeof(*at); i++)
    expect_error(at[i].text, strlen(at[i].text), at[i].want, at[i].text);
  /* a syntax error: the path, and the line and column where yajl stopped
   * (the bad token's last byte), or the end of the text */
  static const struct {
    const char *text, *want;
  } syn[] = {
      {"{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": "
       "[\"true\"] x}\n}\n",
       "config.json: .process.args: invalid JSON near line 3, column 32: "
       "lexical error: invalid char in json text."},
      {"{\"a\": [1, 2, {\"b\": 1,, \"c\": 2}]}",
       "config.json: .a[2]: invalid JSON near line 1, column 22: parse "
       "error: invalid object key (must be a string)"},
      {"{\"a\": 1}\n\n y",
       "config.json: invalid JSON near line 3, column 2: parse error: "
       "trailing garbage"},
      {"{\"a\": {\"b\": [\"c\"",
       "config.json: .a.b[0]: invalid JSON at the end of the text: parse "
       "error: premature EOF"},
  };
  for (size_t i = 0; i < sizeof(syn) / sizeof(*syn); i++)
    expect_error(syn[i].text, strlen(syn[i].text), syn[i].want, syn[i].text);

  /* 64 levels are fine, 65 are not; brackets in strings do not count. */
  deep = nested(64);
  struct brig_error err = {0};
  struct spec_config *cfg = spec_parse(deep, strlen(deep), "config.json", &err);
  ok(cfg != NULL, "64 levels accepted (%s)", err.msg);
  spec_free(cfg);
  free(deep);
  deep = nested(65);
  expect_error(deep, strlen(deep), "config.json: nested deeper than 64 levels",
               "65 levels");
  free(deep);
  /* An escaped quote does not end a string (65 brackets after it do not
   * count); an escaped backslash before "u0000" is no NUL escape. */
  deep = xmalloc(4096);
  n = (size_t)sprintf(deep, "{\"ociVersion\":\"\\\"");
  memset(deep + n, '[', 65);
  strcpy(deep + n + 65, "\\\\u0000\"}");
  cfg = spec_parse(deep, strlen(deep), "config.json", &err);
  ok(cfg != NULL && strncmp(cfg->oci_version, "\"[[[", 4) == 0 &&
         strcmp(cfg->oci_version + 66, "\\u0000") == 0,
     "a string with \\\", 65 brackets and \\\\u0000 in it (%s)", err.msg);
  spec_free(cfg);
  free(deep);
  deep = xmalloc(200001);
  memset(deep, '[', 200000);
  expect_error(deep, 200000, "config.json: nested deeper than 64 levels",
               "200000 open brackets");
  free(deep);

  /* yajl would take them; JSON and runc do not */
  expect_error("/* c */ {\"ociVersion\":\"1.0.0\"}", 30,
               "config.json: invalid JSON: a comment at offset 0", "comment");
  expect_error("{\"ociVersion\":\"1.0.0\"} // c", 27,
               "config.json: invalid JSON: a comment at offset 23",
               "line comment");

  n = SPEC_MAX_CONFIG_SIZE + 1;
  big = xmalloc(n);
  memset(big, ' ', n);
  expect_error(big, n, "config.json: larger than 8388608 bytes", "over 8 MiB");
  free(big);
}

static struct spec_config *parse_ok(const char *json, const char *what) {
  struct brig_error err = {0};
  struct spec_config *cfg = spec_parse(json, strlen(json), "config.json", &err);
  ok(cfg != NULL, "accepted: %s (%s)", what, err.msg);
  return cfg;
}

static void test_accepted(void) {
  struct spec_config *c = parse_ok("{\"ociVersion\":\"1.0.0\"}", "minimal");
  if (c != NULL)
    ok(c->process == NULL && c->root == NULL && c->linux_ == NULL &&
           c->mounts == NULL && c->hooks == NULL,
       "minimal config has nothing else");
  spec_free(c);

  c = parse_ok("{\"ociVersion\":\"1.0.0\",\"future\":{\"x\":[1,2]},"
               "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"unknown\":1},"
               "\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"more\":true}],"
               "\"newThing\":null},\"windows\":{\"layerFolders\":[]}}",
               "unknown fields at every level");
  if (c != NULL)
    ok(c->linux_->n_namespaces == 1 && c->process->args != NULL,
       "known fields beside unknown ones");
  spec_free(c);

  c = parse_ok("{\"ociVersion\":\"1.0.0\",\"hostname\":null,"
               "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
               "\"user\":{\"uid\":0,\"gid\":0},\"oomScoreAdj\":null}}",
               "null as absent");
  if (c != NULL)
    ok(c->hostname == NULL && !c->process->oom_score_adj.set,
       "null fields stay unset");
  spec_free(c);

  c = parse_ok("{\"ociVersion\":\"1.0.0\",\"linux\":{\"rootfsPropagation\":"
               "\"\",\"devices\":[{\"type\":\"p\",\"path\":\"/dev/p\"}]}}",
               "empty propagation, fifo without numbers");
  spec_free(c);
}

static void test_load_file(void) {
  struct brig_error err = {0};
  struct spec_config *c = spec_load_file("/nonexistent/config.json", &err);
  ok(c == NULL, "missing file refused");
  is_str(err.msg, "open /nonexistent/config.json: No such file or directory",
         "missing file names the path as given");
  char dir[] = "/tmp/brig-test-spec.XXXXXX";
  ok(mkdtemp(dir) != NULL, "temp dir");
  char *path = xasprintf("%s/config.json", dir);
  int dfd = open(dir, O_DIRECTORY | O_RDONLY);
  ok(write_file_atomic(dfd, "config.json", "{\"ociVersion\":2}", 16, 0644,
                       &err) == 0,
     "config written");
  close(dfd);
  c = spec_load_file(path, &err);
  ok(c == NULL, "bad file refused");
  is_str(err.msg, "config.json: .ociVersion: expected a string, got 2",
         "parse errors name the base name");
  unlink(path);
  rmdir(dir);
  free(path);
}

static void test_process_and_resources(void) {
  struct brig_error err = {0};
  const char *proc = "{\"args\":[\"ls\"],\"cwd\":\"/tmp\",\"terminal\":true}";
  struct spec_process *p =
      spec_parse_process(proc, strlen(proc), "process.json", &err);
  ok(p != NULL && p->terminal && strcmp(p->cwd, "/tmp") == 0,
     "spec_parse_process");
  spec_process_free(p);
  p = spec_parse_process("{\"args\":[\"ls\"]}", 15, "process.json", &err);
  ok(p == NULL, "process without cwd refused");
  is_str(err.msg, "process.json: .cwd: required field missing",
         "process paths start at the object");
  const char *res = "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":10}}";
  struct spec_resources *r =
      spec_parse_resources(res, strlen(res), "resources.json", &err);
  ok(r != NULL && r->memory->limit.v == 1048576 && r->pids_limit.v == 10,
     "spec_parse_resources");
  spec_resources_free(r);
  r = spec_parse_resources("{\"cpu\":{\"shares\":\"x\"}}", 22, "-", &err);
  ok(r == NULL, "bad resources refused");
  is_str(err.msg, "-: .cpu.shares: expected an integer, got \"x\"",
         "resources message");
}

static void test_names(void) {
  static const char *const ns[] = {"pid", "network", "mount",  "ipc",
                                   "uts", "user",    "cgroup", "time"};
  for (int i = 0; i < SPEC_NS_COUNT; i++) {
    is_str(spec_ns_type_name((enum spec_ns_type)i), ns[i], "ns %d name", i);
    ok(spec_ns_type_from_name(ns[i]) == i, "ns %s number", ns[i]);
  }
  ok(spec_ns_type_from_name("net") == -1, "\"net\" is not a namespace type");
  ok(spec_rlimit_from_name("RLIMIT_NOFILE") == RLIMIT_NOFILE, "RLIMIT_NOFILE");
  ok(spec_rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME, "RLIMIT_RTTIME");
  ok(spec_rlimit_from_name("RLIMIT_AS") == RLIMIT_AS, "RLIMIT_AS");
  ok(spec_rlimit_from_name("NOFILE") == -1, "rlimit needs its prefix");
  ok(spec_capability_last() == 40, "last capability is 40");
  ok(spec_capability_from_name("CAP_CHOWN") == 0, "CAP_CHOWN = 0");
  ok(spec_capability_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN = 21");
  ok(spec_capability_from_name("CAP_AUDIT_READ") == 37, "CAP_AUDIT_READ = 37");
  ok(spec_capability_from_name("CAP_CHECKPOINT_RESTORE") == 40,
     "CAP_CHECKPOINT_RESTORE = 40");
  ok(spec_capability_from_name("CAP_TEST") == -1, "CAP_TEST unknown");
  is_str(spec_capability_name(38), "CAP_PERFMON", "cap 38 name");
  ok(spec_capability_name(41) == NULL && spec_capability_name(-1) == NULL,
     "out-of-range capability numbers have no name");
  is_str(spec_yajl_version(), "2.1.0", "yajl version");
}

static void test_default_and_features(void) {
  struct brig_error err = {0};
  char *json = spec_default_json(false, &err);
  struct spec_config *c =
      json ? spec_parse(json, strlen(json), "default.json", &err) : NULL;
  ok(c != NULL, "default config parses back (%s)", err.msg);
  if (c != NULL) {
    is_str(c->oci_version, SPEC_OCI_VERSION, "default ociVersion");
    is_str(c->hostname, "brig", "default hostname");
    ok(c->process->terminal && strv_is(c->process->args, STRV("sh")),
       "default process: terminal sh");
    ok(c->n_mounts == 7 && c->linux_->n_namespaces == 5 &&
           c->linux_->resources->n_devices == 1 &&
           !c->linux_->resources->devices[0].allow,
       "default: 7 mounts, 5 namespaces, devices deny-all");
    ok(c->linux_->uid_mappings == NULL, "default: no id mappings");
  }
  spec_free(c);
  free(json);
  json = spec_default_json(true, &err);
  c = json ? spec_parse(json, strlen(json), "default.json", &err) : NULL;
  ok(c != NULL, "rootless default parses back (%s)", err.msg);
  if (c != NULL) {
    bool has_user = false, has_net = false;
    for (size_t i = 0; i < c->linux_->n_namespaces; i++) {
      has_user |= c->linux_->namespaces[i].type == SPEC_NS_USER;
      has_net |= c->linux_->namespaces[i].type == SPEC_NS_NETWORK;
    }
    ok(has_user && !has_net, "rootless: user ns, no network ns");
    ok(c->linux_->n_uid_mappings == 1 &&
           c->linux_->uid_mappings[0].host_id == geteuid() &&
           c->linux_->gid_mappings[0].host_id == getegid(),
       "rootless: caller's uid/gid mapped");
    ok(c->n_mounts == 7 && strcmp(c->mounts[5].source, "/sys") == 0 &&
           strcmp(c->mounts[5].options[0], "rbind") == 0 &&
           strcmp(c->mounts[6].type, "cgroup") == 0,
       "rootless: /sys bound, the cgroup mount kept (as runc)");
    ok(c->linux_->resources == NULL, "rootless: no resources");
  }
  spec_free(c);
  free(json);
  json = spec_features_json(&err);
  ok(json != NULL && strstr(json, "\"ociVersionMax\": \"1.3.0\"") &&
         strstr(json, "\"CAP_CHECKPOINT_RESTORE\"") &&
         strstr(json, "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"") &&
         strstr(json, "\"io.github.seccomp.libseccomp.version\""),
     "features.json has versions, caps, flags, annotations");
  free(json);
}

/* p_utf8_invalid_at's ASCII steps of eight bytes: the offset of the first
 * bad byte wherever it lies against them, and valid or cut-short
 * sequences across their edges. */
static void test_utf8_offsets(void) {
  static const char *const valid[] = {"\xC3\xA9", "\xE2\x82\xAC",
                                      "\xF0\x9F\x98\x80"};
  unsigned char buf[64];
  size_t bad = 0, n = 0;
  for (size_t len = 1; len <= 40; len++) {
    for (size_t at = 0; at < len; at++, n++) {
      memset(buf, 'a', len);
      buf[at] = 0xFF;
      if (p_utf8_invalid_at(buf, len) != at && bad++ < 5)
        printf("#   0xFF at %zu of %zu: got %zu\n", at, len,
               p_utf8_invalid_at(buf, len));
    }
    for (size_t v = 0; v < 3; v++) {
      size_t sl = strlen(valid[v]);
      for (size_t at = 0; at + sl <= len; at++, n++) {
        memset(buf, 'a', len);
        memcpy(buf + at, valid[v], sl);
        if (p_utf8_invalid_at(buf, len) != len && bad++ < 5)
          printf("#   valid %zu at %zu of %zu refused\n", v, at, len);
        /* the same sequence cut by the end of the text */
        if (at + sl == len && sl > 1 && (n++, 1) &&
            p_utf8_invalid_at(buf, len - 1) != at && bad++ < 5)
          printf("#   cut %zu at %zu not found\n", v, at);
      }
    }
  }
  ok(bad == 0, "invalid UTF-8 found at its offset in %zu texts", n);
}

/* p_doc_parse gives what p_tree (yajl_tree_parse) gives: the same tree for
 * good text, the same error line for bad. */
static void test_doc_matches_yajl_tree(void) {
  static const char *const texts[] = {
      "{}",
      "[]",
      "{\"a\": {}, \"b\": [], \"c\": [[], {}], \"d\": null}",
      "{\"k\": 1, \"k\": 2, \"\": \"\", \"esc\\u00e9\\n\": "
      "\"\\\"q\\\" \\u2603 \\ud83d\\ude00\"}",
      "[0, -0, 1, -1, 42, 9223372036854775807, -9223372036854775808, "
      "9223372036854775808, -9223372036854775809, 18446744073709551615, "
      "99999999999999999999999, 1.5, -2.25e3, 1e400, 1E-400, 0.0]",
      "[true, false, null, \"x\", {\"n\": [1, [2, [3, {\"m\": 4}]]]}]",
      "/* a comment */ {\"a\": 1 // another\n}",
      "\"top-level string\"",
      "12",
      "-7.5",
      "null",
      "{\"a\": [1, 2,]}",
      "{\"a\" 1}",
      "{\"a\": tru}",
      "[1, 2",
      "{\"a\": 1} x",
      "{\"a\": \"\\x\"}",
      "{\"a\": 01}",
      "{\"a\": -}",
  };
  size_t len;
  char *golden = slurp(DATA "golden.json", &len);
  for (size_t i = 0; i <= sizeof(texts) / sizeof(*texts); i++) {
    const char *t = i < sizeof(texts) / sizeof(*texts) ? texts[i] : golden;
    struct brig_error e1 = {0}, e2 = {0};
    struct pctx c1 = {.name = "t.json", .err = &e1};
    struct pctx c2 = {.name = "t.json", .err = &e2};
    struct p_doc doc;
    yajl_val tree;
    int r;
    if (t == NULL)
      continue;
    tree = p_tree(&c1, t, strlen(t));
    r = p_doc_parse(&c2, t, strlen(t), &doc);
    ok((tree != NULL) == (r == 0), "text %zu: both parse or both fail", i);
    if (tree != NULL && r == 0)
      ok(tree_equal(tree, doc.root), "text %zu: the same tree", i);
    else
      is_str(e2.msg, e1.msg, "text %zu: the same error line", i);
    yajl_tree_free(tree);
    if (r == 0)
      p_doc_free(&doc);
  }
  free(golden);
}

int main(void) {
  test_utf8_offsets();
  test_doc_matches_yajl_tree();
  test_golden();
  test_bad_configs();
  test_bad_bytes();
  test_accepted();
  test_load_file();
  test_process_and_resources();
  test_names();
  test_default_and_features();
  return tap_done();
}
