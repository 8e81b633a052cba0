#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int ns_clone_flag(enum spec_ns_type t) {
  switch (t) {
  case SPEC_NS_PID:
    return CLONE_NEWPID;
  case SPEC_NS_NETWORK:
    return CLONE_NEWNET;
  case SPEC_NS_MOUNT:
    return CLONE_NEWNS;
  case SPEC_NS_IPC:
    return CLONE_NEWIPC;
  case SPEC_NS_UTS:
    return CLONE_NEWUTS;
  case SPEC_NS_USER:
    return CLONE_NEWUSER;
  case SPEC_NS_CGROUP:
    return CLONE_NEWCGROUP;
  case SPEC_NS_TIME:
    return CLONE_NEWTIME;
  default:
    return 0;
  }
}

const struct spec_namespace *ns_find(const struct spec_linux *l,
                                     enum spec_ns_type t) {
  if (l == NULL)
    return NULL;
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == t)
      return &l->namespaces[i];
  return NULL;
}

int ns_clone_flags(const struct spec_linux *l) {
  int flags = 0;
  if (l == NULL)
    return 0;
  for (size_t i = 0; i < l->n_namespaces; i++) {
    const struct spec_namespace *ns = &l->namespaces[i];
    if (ns->path != NULL && *ns->path != '\0')
      continue;
    if (ns->type == SPEC_NS_CGROUP || ns->type == SPEC_NS_TIME)
      continue;
    flags |= ns_clone_flag(ns->type);
  }
  return flags;
}

int ns_join_path(const char *path, enum spec_ns_type t,
                 struct brig_error *err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open %s namespace %s", spec_ns_type_name(t),
                    path);
  if (setns(fd, ns_clone_flag(t)) < 0)
    return brig_err(err, errno, "join %s namespace %s", spec_ns_type_name(t),
                    path);
  return 0;
}

static int write_map(pid_t pid, const char *file,
                     const struct spec_id_mapping *m, size_t n,
                     struct brig_error *err) {
  char path[64];
  size_t cap = n * 40 + 1, used = 0;
  _cleanup_free_ char *buf = xmalloc(cap);
  _cleanup_close_ int fd = -1;

  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(buf + used, cap - used, "%u %u %u\n",
                             m[i].container_id, m[i].host_id, m[i].size);
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open %s", path);
  if (write(fd, buf, used) != (ssize_t)used)
    return brig_err(err, errno, "write %s", path);
  return 0;
}

int ns_write_id_maps(pid_t pid, const struct spec_linux *l,
                     struct brig_error *err) {
  if (write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
    return -1;
  return write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}

int ns_prepare_time(const struct spec_linux *l, struct brig_error *err) {
  const struct spec_namespace *ns = ns_find(l, SPEC_NS_TIME);
  char buf[128];
  int n = 0;

  if (ns == NULL) {
    if (l != NULL && (l->time_monotonic.set || l->time_boottime.set))
      return brig_err(err, 0,
                      "linux.timeOffsets requires a new time namespace");
    return 0;
  }
  if (ns->path != NULL && *ns->path != '\0') {
    if (l->time_monotonic.set || l->time_boottime.set)
      return brig_err(err, 0,
                      "linux.timeOffsets cannot be set when joining "
                      "an existing time namespace");
    return ns_join_path(ns->path, SPEC_NS_TIME, err);
  }
  if (unshare(CLONE_NEWTIME) < 0)
    return brig_err(err, errno, "unshare time namespace");
  if (l->time_monotonic.set)
    n +=
        snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
                 (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
  if (l->time_boottime.set)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
                  (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
  if (n > 0) {
    _cleanup_close_ int fd =
        open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return brig_err(err, errno, "open /proc/self/timens_offsets");
    if (write(fd, buf, (size_t)n) != n)
      return brig_err(err, errno, "write timens_offsets");
  }
  return 0;
}

int ns_prepare_pid(const struct spec_linux *l, struct brig_error *err) {
  const struct spec_namespace *ns = ns_find(l, SPEC_NS_PID);
  if (ns == NULL || ns->path == NULL || *ns->path == '\0')
    return 0;
  return ns_join_path(ns->path, SPEC_NS_PID, err);
}
