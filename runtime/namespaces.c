#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contain.h"
#include "log.h"
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
  return ns_join_at(AT_FDCWD, path, t, err);
}

int ns_join_entry(const struct spec_config *cfg,
                  const struct spec_namespace *ns, struct brig_error *err) {
  if (ns_join_path(ns->path, ns->type, err) < 0)
    return brig_err_wrap(err, "linux.namespaces[%td].path",
                         ns - cfg->linux_->namespaces);
  return 0;
}

int ns_join_at(int dirfd, const char *path, enum spec_ns_type t,
               struct brig_error *err) {
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open %s namespace %s", spec_ns_type_name(t),
                    path);
  if (setns(fd, ns_clone_flag(t)) < 0)
    return brig_err(err, errno, "join %s namespace %s", spec_ns_type_name(t),
                    path);
  return 0;
}

static char *format_map(const struct spec_id_mapping *m, size_t n) {
  size_t cap = n * 40 + 1, used = 0;
  char *buf = xmalloc(cap);
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(buf + used, cap - used, "%u %u %u\n",
                             m[i].container_id, m[i].host_id, m[i].size);
  return buf;
}

static int write_proc(pid_t pid, const char *file, const char *data,
                      struct brig_error *err) {
  char path[64];
  size_t len = strlen(data);
  _cleanup_close_ int fd = -1;

  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open %s", path);
  if (write(fd, data, len) != (ssize_t)len)
    return brig_err(err, errno, "write %s", path);
  return 0;
}

/* newuidmap / newgidmap PID ID HOSTID SIZE...: their message is kept. */
static int run_map_helper(const char *helper, pid_t pid,
                          const struct spec_id_mapping *m, size_t n,
                          struct brig_error *err) {
  _cleanup_free_ char **argv = xcalloc(3 * n + 3, sizeof(char *));
  char msg[256];
  int pp[2], status, ret = -1;
  size_t got = 0;
  ssize_t r;
  pid_t child;

  argv[0] = (char *)helper;
  argv[1] = xasprintf("%d", (int)pid);
  for (size_t i = 0; i < n; i++) {
    argv[2 + 3 * i] = xasprintf("%u", m[i].container_id);
    argv[3 + 3 * i] = xasprintf("%u", m[i].host_id);
    argv[4 + 3 * i] = xasprintf("%u", m[i].size);
  }
  if (pipe2(pp, O_CLOEXEC) < 0) {
    brig_err(err, errno, "pipe");
    goto out;
  }
  child = fork();
  if (child == 0) {
    contain_unblock_signals();
    dup2(pp[1], STDOUT_FILENO);
    dup2(pp[1], STDERR_FILENO);
    execvp(helper, argv);
    dprintf(pp[1], "%s", errno == ENOENT ? "not found" : brig_strerror(errno));
    _exit(127);
  }
  close(pp[1]);
  if (child < 0) {
    close(pp[0]);
    brig_err(err, errno, "fork %s", helper);
    goto out;
  }
  while (got < sizeof(msg) - 1 &&
         ((r = read(pp[0], msg + got, sizeof(msg) - 1 - got)) > 0 ||
          (r < 0 && errno == EINTR)))
    got += r > 0 ? (size_t)r : 0;
  close(pp[0]);
  msg[got] = '\0';
  msg[strcspn(msg, "\n")] = '\0';
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      ret = brig_err(err, 0,
                     "%s: %s (as a non-root user, id mappings other than the "
                     "user's own id need %s, Debian package uidmap)",
                     helper, msg, helper);
    else if (strncmp(msg, helper, strlen(helper)) == 0)
      ret = brig_err(err, 0, "%s", msg); /* "newuidmap: ..." */
    else
      ret = brig_err(err, 0, "%s: %s", helper, *msg ? msg : "failed");
  } else {
    ret = 0;
  }
out:
  for (size_t i = 1; argv[i] != NULL; i++)
    free(argv[i]);
  return ret;
}

/* One map of pid.  As root: written directly.  As another user: a single
 * mapping of one's own id is written directly too (gid_map after
 * setgroups "deny", as the kernel requires of an unprivileged writer);
 * anything else goes through newuidmap / newgidmap. */
static int write_map(pid_t pid, bool gid, const struct spec_id_mapping *m,
                     size_t n, struct brig_error *err) {
  const char *file = gid ? "gid_map" : "uid_map";
  unsigned own = gid ? (unsigned)getegid() : (unsigned)geteuid();
  _cleanup_free_ char *data = NULL;

  if (n == 0)
    return 0;
  if (geteuid() != 0 && !(n == 1 && m[0].host_id == own && m[0].size == 1)) {
    if (run_map_helper(gid ? "newgidmap" : "newuidmap", pid, m, n, err) < 0)
      return brig_err_wrap(err, "write %s of pid %d", file, (int)pid);
    return 0;
  }
  if (geteuid() != 0 && gid && write_proc(pid, "setgroups", "deny", err) < 0)
    return -1;
  data = format_map(m, n);
  return write_proc(pid, file, data, err);
}

int ns_write_maps(pid_t pid, const struct spec_id_mapping *uid, size_t n_uid,
                  const struct spec_id_mapping *gid, size_t n_gid,
                  struct brig_error *err) {
  if (write_map(pid, false, uid, n_uid, err) < 0)
    return -1;
  return write_map(pid, true, gid, n_gid, err);
}

int ns_write_id_maps(pid_t pid, const struct spec_linux *l,
                     struct brig_error *err) {
  return ns_write_maps(pid, l->uid_mappings, l->n_uid_mappings, l->gid_mappings,
                       l->n_gid_mappings, err);
}

int ns_userns_with_maps(const struct spec_id_mapping *uid, size_t n_uid,
                        const struct spec_id_mapping *gid, size_t n_gid,
                        struct brig_error *err) {
  char path[64];
  int pp[2], fd = -1;
  pid_t pid;

  if (pipe2(pp, O_CLOEXEC) < 0)
    return brig_err(err, errno, "pipe");
  pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD),
                       NULL, NULL, NULL, 0);
  if (pid == 0) {
    char c;
    /* Live until the parent has the namespace open (EOF). */
    close(pp[1]);
    while (read(pp[0], &c, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(pp[0]);
  if (pid < 0) {
    close(pp[1]);
    return brig_err(err, errno, "clone a user namespace for an idmap");
  }
  if (ns_write_maps(pid, uid, n_uid, gid, n_gid, err) == 0) {
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      brig_err(err, errno, "open %s", path);
  }
  close(pp[1]);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

static bool map_zero(const struct spec_id_mapping *m, size_t n,
                     uint32_t *host) {
  for (size_t i = 0; i < n; i++)
    if (m[i].container_id == 0 && m[i].size > 0) {
      *host = m[i].host_id;
      return true;
    }
  return false;
}

bool ns_host_root(const struct spec_linux *l, uid_t *uid, gid_t *gid) {
  uint32_t u, g;
  if (l == NULL || !map_zero(l->uid_mappings, l->n_uid_mappings, &u) ||
      !map_zero(l->gid_mappings, l->n_gid_mappings, &g))
    return false;
  *uid = (uid_t)u;
  *gid = (gid_t)g;
  return true;
}

int ns_check_user(const struct spec_linux *l, struct brig_error *err) {
  const struct spec_namespace *ns = ns_find(l, SPEC_NS_USER);
  bool maps = l != NULL && (l->n_uid_mappings > 0 || l->n_gid_mappings > 0);

  if (ns == NULL) {
    if (maps)
      return brig_err(err, 0,
                      "linux.uidMappings: id mappings need a "
                      "user namespace in .linux.namespaces");
    return 0;
  }
  /* Joined: its mappings are the namespace's own (any in the config are
   * not written). */
  if (ns->path != NULL && *ns->path != '\0')
    return 0;
  if (l->n_uid_mappings == 0 || l->n_gid_mappings == 0)
    return brig_err(err, 0,
                    "linux.%s: a new user namespace needs "
                    "uid and gid mappings",
                    l->n_uid_mappings == 0 ? "uidMappings" : "gidMappings");
  return 0;
}

int ns_prepare_time(const struct spec_config *cfg, struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
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
    return ns_join_entry(cfg, ns, err);
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

int ns_own_for_children(const struct spec_linux *l, enum spec_ns_type t) {
  const struct spec_namespace *ns = ns_find(l, t);
  /* a new pid namespace comes with the clone: nothing is changed */
  if (ns == NULL ||
      (t == SPEC_NS_PID && (ns->path == NULL || *ns->path == '\0')))
    return -1;
  return open(t == SPEC_NS_PID ? "/proc/self/ns/pid_for_children"
                               : "/proc/self/ns/time_for_children",
              O_RDONLY | O_CLOEXEC);
}

void ns_restore_for_children(int *fd, enum spec_ns_type t) {
  if (*fd < 0)
    return;
  if (setns(*fd, ns_clone_flag(t)) < 0)
    log_warn("take back the runtime's %s namespace: %s", spec_ns_type_name(t),
             brig_strerror(errno));
  close(*fd);
  *fd = -1;
}

int ns_prepare_pid(const struct spec_config *cfg, struct brig_error *err) {
  const struct spec_namespace *ns = ns_find(cfg->linux_, SPEC_NS_PID);
  if (ns == NULL || ns->path == NULL || *ns->path == '\0')
    return 0;
  return ns_join_entry(cfg, ns, err);
}

bool ns_joins_host_netns(const struct spec_config *cfg) {
  const struct spec_namespace *net =
      cfg->linux_ != NULL ? ns_find(cfg->linux_, SPEC_NS_NETWORK) : NULL;
  struct stat a, b;
  return net != NULL && net->path != NULL && *net->path != '\0' &&
         stat(net->path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}
