#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces.h"
#include "proc.h"
#include "rootfs.h"
#include "security.h"
#include "terminal.h"
#include "util.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

enum sync_type { SYNC_GO = 1, SYNC_READY, SYNC_ERROR };

struct sync_msg {
  int32_t type;
  int32_t errnum;
  char msg[BRIG_ERROR_MAX];
};

static int sync_send(int sock, int type, const struct brig_error *e) {
  struct sync_msg m = {.type = type};
  if (e != NULL) {
    m.errnum = e->errnum;
    memcpy(m.msg, e->msg, sizeof(m.msg));
  }
  return send(sock, &m, sizeof(m), MSG_NOSIGNAL) == sizeof(m) ? 0 : -1;
}

/* 0 and a message, or -1 on EOF / error. */
static int sync_recv(int sock, struct sync_msg *m) {
  ssize_t n;
  do
    n = recv(sock, m, sizeof(*m), 0);
  while (n < 0 && errno == EINTR);
  if (n != sizeof(*m))
    return -1;
  m->msg[sizeof(m->msg) - 1] = '\0';
  return 0;
}

static const char *env_get(char *const *env, const char *key) {
  size_t kl = strlen(key);
  for (size_t i = 0; env != NULL && env[i] != NULL; i++)
    if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=')
      return env[i] + kl + 1;
  return NULL;
}

static int check_exec(const char *path) {
  struct stat sb;
  if (stat(path, &sb) < 0)
    return -1;
  if (!S_ISREG(sb.st_mode)) {
    errno = EACCES;
    return -1;
  }
  return access(path, X_OK);
}

/* As exec.LookPath: a name with '/' is used as is, else searched in the
 * process's PATH.  Messages use runc's wording (engines match on them). */
static char *find_executable(const struct spec_process *p,
                             struct brig_error *err) {
  const char *name = p->args[0];
  const char *path = env_get(p->env, "PATH");

  if (strchr(name, '/') != NULL) {
    if (check_exec(name) == 0)
      return xstrdup(name);
    if (errno == ENOENT) {
      brig_err(err, 0, "exec: \"%s\": stat %s: no such file or directory", name,
               name);
      err->errnum = ENOENT;
    } else {
      brig_err(err, 0, "exec: \"%s\": permission denied", name);
      err->errnum = EACCES;
    }
    return NULL;
  }
  if (path == NULL)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  _cleanup_free_ char *copy = xstrdup(path);
  char *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir != NULL;
       dir = strtok_r(NULL, ":", &save)) {
    char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);
    if (check_exec(cand) == 0)
      return cand;
    free(cand);
  }
  brig_err(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
  err->errnum = ENOENT;
  return NULL;
}

static int join_namespaces(const struct spec_linux *l, struct brig_error *err) {
  /* The user namespace first: the others are owned by it. */
  static const enum spec_ns_type order[] = {SPEC_NS_USER,   SPEC_NS_IPC,
                                            SPEC_NS_UTS,    SPEC_NS_NETWORK,
                                            SPEC_NS_CGROUP, SPEC_NS_MOUNT};
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    const struct spec_namespace *ns = ns_find(l, order[i]);
    if (ns != NULL && ns->path != NULL && *ns->path != '\0' &&
        ns_join_path(ns->path, order[i], err) < 0)
      return -1;
  }
  return 0;
}

/* Everything the child does up to READY.  Returns the resolved executable
 * path, or NULL with err. */
static char *child_setup(const struct spawn_opts *o, int sock,
                         struct security_ctx **sec, struct brig_error *err) {
  const struct spec_config *cfg = o->cfg;
  const struct spec_linux *l = cfg->linux_;
  const struct spec_process *p = cfg->process;
  const struct spec_namespace *cgns = ns_find(l, SPEC_NS_CGROUP);
  struct rootfs_ctx rc = {.cfg = cfg,
                          .rootfs = o->rootfs,
                          .bundle = o->bundle,
                          .no_pivot = o->no_pivot,
                          .userns = ns_find(l, SPEC_NS_USER) != NULL,
                          .cgroup_path = o->cg ? cgroup_path(o->cg) : NULL};
  struct sync_msg m;

  if (sync_recv(sock, &m) < 0 || m.type != SYNC_GO)
    _exit(1); /* the parent is gone and cleans up */
  if (setsid() < 0) {
    brig_err(err, errno, "setsid");
    return NULL;
  }
  if (join_namespaces(l, err) < 0)
    return NULL;
  /* After the parent put us in our cgroup, so it becomes our cgroup root. */
  if (cgns != NULL && (cgns->path == NULL || *cgns->path == '\0') &&
      unshare(CLONE_NEWCGROUP) < 0) {
    brig_err(err, errno, "unshare cgroup namespace");
    return NULL;
  }
  if (rc.userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
    brig_err(err, errno, "become root in the user namespace");
    return NULL;
  }
  if (cfg->hostname != NULL &&
      sethostname(cfg->hostname, strlen(cfg->hostname)) < 0) {
    brig_err(err, errno, "sethostname %s", cfg->hostname);
    return NULL;
  }
  if (cfg->domainname != NULL &&
      setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0) {
    brig_err(err, errno, "setdomainname %s", cfg->domainname);
    return NULL;
  }
  if (rootfs_prepare(&rc, err) < 0 || rootfs_pivot(&rc, err) < 0 ||
      rootfs_sysctl(&rc, err) < 0)
    return NULL;
  if (p->terminal && terminal_setup_child(o->console_sock, p, err) < 0)
    return NULL;
  if (rootfs_finalize(&rc, err) < 0)
    return NULL;
  if (!o->no_new_keyring &&
      syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, o->id) < 0 &&
      errno != ENOSYS) {
    brig_err(err, errno, "join session keyring");
    return NULL;
  }
  if (proc_apply_attrs(cfg, p, err) < 0 ||
      security_prepare(cfg, p, sec, err) < 0 || security_apply(*sec, err) < 0)
    return NULL;
  if (chdir(p->cwd) < 0) {
    brig_err(err, errno, "chdir to cwd (\"%s\") set in config.json failed",
             p->cwd);
    return NULL;
  }
  return find_executable(p, err);
}

static void child_main(const struct spawn_opts *o, int sock, int fifo_path_fd) {
  struct brig_error err = {0};
  struct security_ctx *sec = NULL;
  char fifo[64];
  int fifo_fd;
  char *exe;

  exe = child_setup(o, sock, &sec, &err);
  if (exe == NULL) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  /* Open the FIFO through our fd: the state dir is not in our root. */
  snprintf(fifo, sizeof(fifo), "/proc/self/fd/%d", fifo_path_fd);
  if (sync_send(sock, SYNC_READY, NULL) < 0)
    _exit(1);
  close(sock);
  fifo_fd = open(fifo, O_WRONLY | O_CLOEXEC);
  if (fifo_fd < 0 || write(fifo_fd, "0", 1) != 1) {
    fprintf(stderr, "brig: open exec fifo: %m\n");
    _exit(1);
  }
  close(fifo_fd);
  close(fifo_path_fd);
  if (security_before_exec(sec, &err) < 0) {
    fprintf(stderr, "brig: %s\n", err.msg);
    _exit(1);
  }
  /* Only 0, 1, 2 and --preserve-fds reach the process. */
  syscall(SYS_close_range, 3 + o->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(exe, o->cfg->process->args, o->cfg->process->env);
  fprintf(stderr, "brig: exec %s: %m\n", exe);
  _exit(127);
}

static void kill_child(pid_t pid) {
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

int spawn_container(const struct spawn_opts *o, struct spawn_result *r,
                    struct brig_error *err) {
  const struct spec_linux *l = o->cfg->linux_;
  int sp[2];
  _cleanup_close_ int fifo_path_fd = -1;
  struct sync_msg m;
  pid_t pid;
  int status;

  if (mkfifoat(o->state_dirfd, "exec.fifo", 0622) < 0)
    return brig_err(err, errno, "create exec fifo");
  fifo_path_fd = openat(o->state_dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
  if (fifo_path_fd < 0)
    return brig_err(err, errno, "open exec fifo");
  /* pid and time namespaces apply to children: prepare them here. */
  if (ns_prepare_pid(l, err) < 0 || ns_prepare_time(l, err) < 0)
    return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return brig_err(err, errno, "socketpair");
  fflush(NULL);
  pid = (pid_t)syscall(SYS_clone, (unsigned long)(ns_clone_flags(l) | SIGCHLD),
                       NULL, NULL, NULL, 0);
  if (pid < 0) {
    int saved = errno;
    close(sp[0]);
    close(sp[1]);
    return brig_err(err, saved, "clone");
  }
  if (pid == 0) {
    close(sp[0]);
    child_main(o, sp[1], fifo_path_fd);
    _exit(1);
  }
  close(sp[1]);
  if (ns_find(l, SPEC_NS_USER) != NULL &&
      (ns_find(l, SPEC_NS_USER)->path == NULL ||
       *ns_find(l, SPEC_NS_USER)->path == '\0') &&
      ns_write_id_maps(pid, l, err) < 0)
    goto fail;
  if (o->cg != NULL && cgroup_add_pid(o->cg, pid, err) < 0)
    goto fail;
  if (sync_send(sp[0], SYNC_GO, NULL) < 0) {
    brig_err(err, errno, "sync with container init");
    goto fail;
  }
  if (sync_recv(sp[0], &m) < 0) {
    if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
      brig_err(err, 0, "container init killed by signal %d", WTERMSIG(status));
    else
      brig_err(err, 0, "container init exited unexpectedly");
    close(sp[0]);
    return -1;
  }
  if (m.type == SYNC_ERROR) {
    brig_err(err, 0, "%s", m.msg);
    err->errnum = m.errnum;
    goto fail;
  }
  close(sp[0]);
  r->pid = pid;
  if (proc_start_time(pid, &r->start_time, NULL) < 0) {
    brig_err(err, errno, "read start time of container init %d", (int)pid);
    kill_child(pid);
    return -1;
  }
  return 0;
fail:
  close(sp[0]);
  kill_child(pid);
  return -1;
}
