/* Names <-> numbers: namespaces, rlimits, capabilities, and the name lists
 * the parser accepts (shared with features.json). */
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <yajl/yajl_version.h>

#include "internal.h"

static const char *const ns_names[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "network",
    [SPEC_NS_MOUNT] = "mount",   [SPEC_NS_IPC] = "ipc",
    [SPEC_NS_UTS] = "uts",       [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

const char *spec_ns_type_name(enum spec_ns_type t) {
  if ((unsigned)t >= SPEC_NS_COUNT)
    return NULL;
  return ns_names[t];
}

int spec_ns_type_from_name(const char *name) {
  for (int i = 0; i < SPEC_NS_COUNT; i++)
    if (strcmp(ns_names[i], name) == 0)
      return i;
  return -1;
}

static const struct {
  const char *name;
  int resource;
} rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int spec_rlimit_from_name(const char *name) {
  for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++)
    if (strcmp(rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -1;
}

/* Indexed by the kernel's capability numbers. */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

int spec_capability_from_name(const char *name) {
  /* every name is "CAP_" and more: compare what follows, first byte first */
  if (strncmp(name, "CAP_", 4) != 0)
    return -1;
  name += 4;
  for (int i = 0; i < N_CAPS; i++)
    if (cap_names[i][4] == name[0] && strcmp(cap_names[i] + 4, name) == 0)
      return i;
  return -1;
}

const char *spec_capability_name(int cap) {
  if (cap < 0 || cap >= N_CAPS)
    return NULL;
  return cap_names[cap];
}

int spec_capability_last(void) {
  return N_CAPS - 1;
}

const char *spec_yajl_version(void) {
#define STR_(x) #x
#define STR(x) STR_(x)
  return STR(YAJL_MAJOR) "." STR(YAJL_MINOR) "." STR(YAJL_MICRO);
}

const char *const spec_seccomp_actions[] = {
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      NULL};

const char *const spec_seccomp_operators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL};

/* The architectures libseccomp 2.5 knows. */
const char *const spec_seccomp_archs[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_RISCV64",     NULL};

const char *const spec_seccomp_known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL};

const char *const spec_seccomp_supported_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL};

const char *const spec_mount_propagations[] = {
    "shared", "slave",    "private",     "unbindable", "rshared",
    "rslave", "rprivate", "runbindable", NULL};

/* Options the mount code maps to MS_* flags, propagation changes, the
 * recursive mount_setattr attributes ("rro"... as runc 1.1, which
 * containerd's CRI and Docker look for) and tmpcopyup; sorted, as runc
 * lists them. */
/* clang-format off */
const char *const spec_mount_options[] = {
    "acl",            "async",          "atime",          "bind",
    "defaults",       "dev",            "diratime",       "dirsync",
    "exec",           "idmap",          "iversion",       "lazytime",
    "loud",           "mand",           "noacl",          "noatime",
    "nodev",          "nodiratime",     "noexec",         "noiversion",
    "nolazytime",     "nomand",         "norelatime",     "nostrictatime",
    "nosuid",         "nosymfollow",    "private",        "ratime",
    "rbind",          "rdev",           "rdiratime",      "relatime",
    "remount",        "rexec",          "ridmap",         "rnoatime",
    "rnodev",         "rnodiratime",    "rnoexec",        "rnorelatime",
    "rnostrictatime", "rnosuid",        "rnosymfollow",   "ro",
    "rprivate",       "rrelatime",      "rro",            "rrw",
    "rshared",        "rslave",         "rstrictatime",   "rsuid",
    "rsymfollow",     "runbindable",    "rw",             "shared",
    "silent",         "slave",          "strictatime",    "suid",
    "symfollow",      "sync",           "tmpcopyup",      "unbindable",
    NULL};
/* clang-format on */

const char *const spec_hook_kinds[] = {"prestart",
                                       "createRuntime",
                                       "createContainer",
                                       "startContainer",
                                       "poststart",
                                       "poststop",
                                       NULL};
