/* The config.json `brig spec` writes: runc's default, built as a model and
 * emitted, so it always parses back. */
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

static char *caps_default[] = {"CAP_AUDIT_WRITE", "CAP_KILL",
                               "CAP_NET_BIND_SERVICE", NULL};
static char *args_default[] = {"sh", NULL};
static char *env_default[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "TERM=xterm", NULL};
static char *opts_dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k",
                           NULL};
static char *opts_pts[] = {
    "nosuid",    "noexec", "newinstance", "ptmxmode=0666",
    "mode=0620", "gid=5",  NULL};
static char *opts_pts_rootless[] = {"nosuid",        "noexec",    "newinstance",
                                    "ptmxmode=0666", "mode=0620", NULL};
static char *opts_shm[] = {"nosuid",    "noexec",      "nodev",
                           "mode=1777", "size=65536k", NULL};
static char *opts_mqueue[] = {"nosuid", "noexec", "nodev", NULL};
static char *opts_sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
static char *opts_sys_rootless[] = {"rbind", "nosuid", "noexec",
                                    "nodev", "ro",     NULL};
static char *opts_cgroup[] = {"nosuid",   "noexec", "nodev",
                              "relatime", "ro",     NULL};
static char *masked_default[] = {"/proc/acpi",
                                 "/proc/asound",
                                 "/proc/kcore",
                                 "/proc/keys",
                                 "/proc/latency_stats",
                                 "/proc/timer_list",
                                 "/proc/timer_stats",
                                 "/proc/sched_debug",
                                 "/sys/firmware",
                                 "/proc/scsi",
                                 NULL};
static char *readonly_default[] = {"/proc/bus",           "/proc/fs",
                                   "/proc/irq",           "/proc/sys",
                                   "/proc/sysrq-trigger", NULL};

char *spec_default_json(bool rootless, struct brig_error *err) {
  struct spec_capabilities caps = {
      .bounding = caps_default,
      .effective = caps_default,
      .permitted = caps_default,
      .ambient = caps_default,
  };
  struct spec_rlimit rlimit = {
      .type = "RLIMIT_NOFILE", .hard = 1024, .soft = 1024};
  struct spec_process process = {
      .terminal = true,
      .args = args_default,
      .env = env_default,
      .cwd = "/",
      .capabilities = &caps,
      .rlimits = &rlimit,
      .n_rlimits = 1,
      .no_new_privileges = true,
  };
  struct spec_root root = {.path = "rootfs", .readonly = true};
  struct spec_mount mounts[] = {
      {.destination = "/proc", .type = "proc", .source = "proc"},
      {.destination = "/dev",
       .type = "tmpfs",
       .source = "tmpfs",
       .options = opts_dev},
      {.destination = "/dev/pts",
       .type = "devpts",
       .source = "devpts",
       .options = rootless ? opts_pts_rootless : opts_pts},
      {.destination = "/dev/shm",
       .type = "tmpfs",
       .source = "shm",
       .options = opts_shm},
      {.destination = "/dev/mqueue",
       .type = "mqueue",
       .source = "mqueue",
       .options = opts_mqueue},
      {.destination = "/sys",
       .type = rootless ? "none" : "sysfs",
       .source = rootless ? "/sys" : "sysfs",
       .options = rootless ? opts_sys_rootless : opts_sys},
      /* Rootless too, as runc: without a cgroup of the container's own
       * the host's hierarchies are bound, read-only (mounts.c). */
      {.destination = "/sys/fs/cgroup",
       .type = "cgroup",
       .source = "cgroup",
       .options = opts_cgroup},
  };
  struct spec_device_cgroup deny_all = {.allow = false, .access = "rwm"};
  struct spec_resources resources = {.devices = &deny_all, .n_devices = 1};
  struct spec_namespace ns_root[] = {
      {.type = SPEC_NS_PID}, {.type = SPEC_NS_NETWORK}, {.type = SPEC_NS_IPC},
      {.type = SPEC_NS_UTS}, {.type = SPEC_NS_MOUNT},
  };
  struct spec_namespace ns_rootless[] = {
      {.type = SPEC_NS_PID},   {.type = SPEC_NS_IPC},  {.type = SPEC_NS_UTS},
      {.type = SPEC_NS_MOUNT}, {.type = SPEC_NS_USER},
  };
  struct spec_id_mapping uid_map = {
      .container_id = 0, .host_id = (uint32_t)geteuid(), .size = 1};
  struct spec_id_mapping gid_map = {
      .container_id = 0, .host_id = (uint32_t)getegid(), .size = 1};
  struct spec_linux linux_ = {
      .namespaces = rootless ? ns_rootless : ns_root,
      .n_namespaces = 5,
      .masked_paths = masked_default,
      .readonly_paths = readonly_default,
  };
  struct spec_config cfg = {
      .oci_version = SPEC_OCI_VERSION,
      .root = &root,
      .mounts = mounts,
      .n_mounts = sizeof(mounts) / sizeof(mounts[0]),
      .process = &process,
      .hostname = "brig",
      .linux_ = &linux_,
  };
  if (rootless) {
    linux_.uid_mappings = &uid_map;
    linux_.n_uid_mappings = 1;
    linux_.gid_mappings = &gid_map;
    linux_.n_gid_mappings = 1;
  } else {
    linux_.resources = &resources;
  }
  return spec_emit(&cfg, true, err);
}
