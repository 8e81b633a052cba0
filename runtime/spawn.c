#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
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

#include "alloc.h"
#include "contain.h"
#include "container.h"
#include "coverage.h"
#include "hooks.h"
#include "log.h"
#include "init.h"
#include "namespaces.h"
#include "netdev.h"
#include "proc.h"
#include "procfs.h"
#include "rootfs.h"
#include "sanitizer.h"
#include "security.h"
#include "selfexe.h"
#include "supervise.h"
#include "terminal.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* SYNC_SECCOMP carries the number of the init's seccomp notify fd (in
 * errnum); the parent takes it (pidfd_getfd), forwards it to listenerPath
 * and answers SYNC_GO.  The init only writes and reads meanwhile: a
 * profile may notify any other syscall (runc refuses write alone). */
/* SYNC_HOOKS asks the parent to run the prestart and createRuntime hooks
 * (the container's mounts and /dev are made, before its pivot); it
 * answers SYNC_GO. */
/* SYNC_IDMAP, before SYNC_GO, carries the detached idmapped tree of
 * mounts[errnum] (SCM_RIGHTS). */
/* SYNC_EARLY says the init did what it does before SYNC_GO (its network
 * namespace made, its session keyring joined), else SYNC_ERROR: the parent
 * reads it before it needs that namespace, and before SYNC_GO only when it
 * has something to do in the init's namespaces first. */
enum sync_type {
  SYNC_GO = 1,
  SYNC_READY,
  SYNC_ERROR,
  SYNC_SECCOMP,
  SYNC_HOOKS,
  SYNC_IDMAP,
  SYNC_EARLY
};

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
  if (type == SYNC_ERROR)
    coverage_flush(); /* the parent may kill the sender at once */
  return send(sock, &m, sizeof(m), MSG_NOSIGNAL) == sizeof(m) ? 0 : -1;
}

/* The init's SYNC_READY, sent under the seccomp filter: write, not send,
 * which a profile without networking denies (sendto; runc's init sends
 * nothing under its filter).  A starter gone ends the init either way:
 * EPIPE, or SIGPIPE outside a pid namespace of its own. */
static int sync_send_ready(int sock) {
  struct sync_msg m = {.type = SYNC_READY};
  return write(sock, &m, sizeof(m)) == sizeof(m) ? 0 : -1;
}

/* A sync_msg with room for one fd (SCM_RIGHTS): what recvmsg and sendmsg
 * are given. */
struct sync_fd_msg {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov;
  struct msghdr mh;
};

static struct msghdr *sync_fd_msg_init(struct sync_fd_msg *f,
                                       struct sync_msg *m) {
  memset(f, 0, sizeof(*f));
  f->iov.iov_base = m;
  f->iov.iov_len = sizeof(*m);
  f->mh.msg_iov = &f->iov;
  f->mh.msg_iovlen = 1;
  f->mh.msg_control = f->control.buf;
  f->mh.msg_controllen = sizeof(f->control.buf);
  return &f->mh;
}

/* 0 and a message, or -1 on EOF / error.  A passed fd lands in *fd when
 * fd is not NULL (else it is closed); -1 when none came. */
static int sync_recv_fd(int sock, struct sync_msg *m, int *fd) {
  struct sync_fd_msg f;
  struct msghdr *mh = sync_fd_msg_init(&f, m);
  struct cmsghdr *cm;
  int got = -1;
  ssize_t n;

  int resets = 0;

  /* ECONNRESET: the peer exited with something of ours unread (run's
   * start byte, sent while the init was failing).  The kernel reports
   * that before the messages still queued, and once: read on for them. */
  do
    n = recvmsg(sock, mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && (errno == EINTR || (errno == ECONNRESET && resets++ == 0)));
  for (cm = n > 0 ? CMSG_FIRSTHDR(mh) : NULL; cm; cm = CMSG_NXTHDR(mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      memcpy(&got, CMSG_DATA(cm), sizeof(int));
  if (fd != NULL)
    *fd = got;
  else if (got >= 0)
    close(got);
  if (n != sizeof(*m))
    return -1;
  m->msg[sizeof(m->msg) - 1] = '\0';
  return 0;
}

static int sync_recv(int sock, struct sync_msg *m) {
  return sync_recv_fd(sock, m, NULL);
}

/* Send m with fd attached (SCM_RIGHTS). */
static int send_fd_msg(int sock, struct sync_msg *m, int fd) {
  struct sync_fd_msg f;
  struct msghdr *mh = sync_fd_msg_init(&f, m);
  struct cmsghdr *cm = CMSG_FIRSTHDR(mh);

  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  return sendmsg(sock, mh, MSG_NOSIGNAL) == sizeof(*m) ? 0 : -1;
}

/* Child: tell the parent the seccomp notify fd's number and wait for its
 * answer (the fd is then with the listener).  write and read only: every
 * other syscall may be one the filter notifies, which would wait for a
 * listener that has no fd yet. */
static int send_notify_fd(int notify_fd, void *data, struct brig_error *err) {
  int sock = *(int *)data;
  struct sync_msg m = {.type = SYNC_SECCOMP, .errnum = notify_fd};

  if (write(sock, &m, sizeof(m)) != sizeof(m))
    return brig_err(err, errno, "send seccomp notify fd to the runtime");
  if (read(sock, &m, sizeof(m)) != sizeof(m) || m.type != SYNC_GO)
    _exit(1); /* the parent failed and reports it */
  return 0;
}

/* Parent: forward a notify fd to listenerPath with the state. */
static int forward_notify_fd(const struct spawn_opts *o, pid_t pid, int fd,
                             struct brig_error *err) {
  const struct spec_seccomp *sc = o->cfg->linux_->seccomp;
  _cleanup_free_ char *state = NULL;
  int ret;

  if (o->state != NULL) {
    /* The init is still setting itself up (run has already saved it as
     * "created"): the listener sees it creating, as with runc. */
    struct container_state st = *o->state;
    st.pid = pid;
    st.status = (char *)"creating";
    state = state_emit_public(&st, false);
  }
  ret = seccomp_notify_send(sc->listener_path, fd, sc->listener_metadata, pid,
                            state, err);
  close(fd);
  return ret;
}

static const char *env_get(char *const *env, const char *key) {
  size_t kl = strlen(key);
  for (size_t i = 0; env != NULL && env[i] != NULL; i++)
    if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=')
      return env[i] + kl + 1;
  return NULL;
}

/* The home field of one /etc/passwd line if it is uid's (malloc'd). */
static char *passwd_line_home(char *line, uint32_t uid) {
  /* name:password:uid:gid:gecos:home:shell */
  char *f[7] = {line};
  size_t nf = 1;
  uint64_t v;
  for (char *c = line; *c && nf < 7; c++)
    if (*c == ':') {
      *c = '\0';
      f[nf++] = c + 1;
    }
  if (nf < 3 || parse_u64(f[2], &v) < 0 || v != uid)
    return NULL;
  return xstrdup(nf >= 6 ? f[5] : ""); /* runc's: a short line, "" */
}

/* The home field of uid's first line in /etc/passwd (malloc'd), or NULL.
 * Read as a stream through a buffer on the stack, nothing allocated by the
 * file's size (the init may already be in a small memory cgroup); only a
 * regular file (an image's FIFO or device there must not block or feed
 * the init), at most 4 MiB of it; a line longer than the buffer is
 * skipped. */
static char *passwd_home(uint32_t uid) {
  _cleanup_close_ int fd =
      open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  char buf[65536]; /* the longest line Go's bufio.Scanner (runc) reads */
  size_t have = 0, total = 0;
  bool skipping = false; /* inside an overlong line */
  struct stat sb;

  if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
    return NULL;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return NULL;
    total += (size_t)n;
    have += (size_t)n;
    buf[have] = '\0';
    bool eof = n == 0 || total > (4u << 20);
    char *line = buf, *end = buf + have;
    while (line < end) {
      char *nl = memchr(line, '\n', (size_t)(end - line));
      if (nl == NULL && !eof)
        break;
      if (nl != NULL)
        *nl = '\0';
      if (!skipping) {
        char *home = passwd_line_home(line, uid);
        if (home != NULL)
          return home;
      }
      skipping = false;
      line = nl != NULL ? nl + 1 : end;
    }
    if (eof)
      return NULL;
    have = (size_t)(end - line);
    if (have == sizeof(buf) - 1) {
      have = 0; /* an overlong line: drop what we have of it */
      skipping = true;
    } else {
      memmove(buf, line, have);
    }
  }
}

/* The length of an entry's name, "=" included. */
static size_t env_key_len(const char *kv) {
  const char *eq = strchr(kv, '=');
  return eq != NULL ? (size_t)(eq - kv) + 1 : strlen(kv);
}

/* process.env as runc's init sets it one by one: a name given twice is
 * there once, at its first place, with its last value; room for one more.
 * *count: the entries. */
static char **env_set_in_order(const struct spec_process *p, size_t *count) {
  size_t n = strv_len(p->env), k = 0;
  char **env = xcalloc(n + 2, sizeof(char *));

  for (size_t i = 0; i < n; i++) {
    size_t kl = env_key_len(p->env[i]), j;
    for (j = 0; j < k; j++)
      if (strncmp(env[j], p->env[i], kl) == 0)
        break;
    env[j] = p->env[i];
    if (j == k)
      k++;
  }
  *count = k;
  return env;
}

char **process_env(const struct spec_process *p) {
  size_t k, at;
  char **env = env_set_in_order(p, &k); /* PATH is looked up in it */
  const char *home;

  home = env_get(env, "HOME");
  if (home != NULL && *home != '\0')
    return env;
  for (at = 0; at < k && strcmp(env[at], "HOME=") != 0; at++)
    ; /* an empty HOME is replaced where it is */
  _cleanup_free_ char *dir = passwd_home(p->user.uid);
  env[at] = xasprintf("HOME=%s", dir != NULL ? dir : "/");
  return env;
}

/* env with LISTEN_FDS=n and LISTEN_PID=1 in place of any it had (the
 * socket-activation fds, from 3 on, are the process's: runc's way). */
static char **env_with_listen_fds(char **env, unsigned int n) {
  size_t len = strv_len(env), k = 0;
  char **out = xcalloc(len + 3, sizeof(char *));
  for (size_t i = 0; i < len; i++)
    if (strncmp(env[i], "LISTEN_FDS=", 11) != 0 &&
        strncmp(env[i], "LISTEN_PID=", 11) != 0)
      out[k++] = env[i];
  out[k++] = xasprintf("LISTEN_FDS=%u", n);
  out[k] = xstrdup("LISTEN_PID=1");
  return out;
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
char *find_executable(const struct spec_process *p, char *const *env,
                      struct brig_error *err) {
  const char *name = p->args[0];
  const char *path = env_get(env, "PATH");

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
  /* Go's LookPath (runc's): every entry, an empty one being "."; the
   * first match wins, and one found through a relative entry is refused
   * (Go 1.19's ErrDot): never a program of the working directory by
   * surprise */
  for (const char *dir = path;; dir++) {
    size_t n = strcspn(dir, ":");
    char *cand = xasprintf("%.*s/%s", (int)(n ? n : 1), n ? dir : ".", name);
    if (check_exec(cand) == 0) {
      if (cand[0] == '/')
        return cand;
      free(cand);
      brig_err(err, 0,
               "exec: \"%s\": cannot run executable found relative to "
               "current directory",
               name);
      err->errnum = ENOENT;
      return NULL;
    }
    free(cand);
    dir += n;
    if (*dir == '\0')
      break;
  }
  brig_err(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
  err->errnum = ENOENT;
  return NULL;
}

/* Set in the parent before the clone, so the child sees them too. */
/* The child was cloned in a user namespace joined by path (clone_init). */
static bool in_joined_userns;
/* The parent is not root and maps the child's new user namespace itself:
 * the child stays dumpable (its /proc files its owner's) until then. */
static bool defer_contain;
/* The child joins its v1 cgroups itself (cgroup_join_self_v1: no grace
 * period to wait for), first thing after SYNC_GO.  Not in a user
 * namespace, where it may not write the host's cgroup files: the parent
 * writes its pid there. */
static bool child_joins_v1;
/* The parent makes the v1 cgroups after the clone (spawn_opts.late_cgroup):
 * the child joins its session keyring meanwhile, before SYNC_GO. */
static bool keyring_early;
/* The new namespaces the init makes itself (unshare) right after the
 * clone instead of with it: mount, uts, ipc and network, when nothing of
 * the parent's needs them before SYNC_GO (late_net).  That work then
 * overlaps with the parent's cgroups instead of lengthening the clone. */
static unsigned long late_unshare;
/* A new ipc namespace with a new user namespace: made by the init once it
 * is root in that user namespace (as crun), so that the mqueue filesystem's
 * root, which takes its owner from the creator, is the container's root's
 * and not the unmapped host root's (nobody, in the container). */
static bool ipc_as_root;
/* The init's network namespace is a new one: its loopback device is
 * brought up (runc and crun do), right after it is made (late_net) or once
 * the parent is done with the init (SYNC_GO: a user namespace mapped,
 * netDevices moved in). */
static bool new_netns;

/* The namespaces joined by path, the user namespace first: the others
 * are owned by it.  When created with the others they are owned by it
 * already (clone_init). */
static const enum spec_ns_type join_order[] = {SPEC_NS_USER,   SPEC_NS_IPC,
                                               SPEC_NS_UTS,    SPEC_NS_NETWORK,
                                               SPEC_NS_CGROUP, SPEC_NS_MOUNT};
#define N_JOIN (sizeof(join_order) / sizeof(join_order[0]))

/* The init was cloned into a new user namespace by a helper that had
 * joined the config's other namespaces first (clone_init). */
static bool joined_before_clone;

static int join_namespaces(const struct spec_config *cfg,
                           struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
  const enum spec_ns_type *order = join_order;
  if (joined_before_clone)
    return 0;
  for (size_t i = in_joined_userns ? 1 : 0; i < N_JOIN; i++) {
    const struct spec_namespace *ns = ns_find(l, order[i]);
    if (ns != NULL && ns->path != NULL && *ns->path != '\0' &&
        ns_join_entry(cfg, ns, err) < 0)
      return -1;
  }
  return 0;
}

static int join_session_keyring(const struct spawn_opts *o,
                                struct brig_error *err) {
  if (o->no_new_keyring)
    return 0;
  return security_join_session_keyring(
      o->id, true, ns_find(o->cfg->linux_, SPEC_NS_USER) != NULL, err);
}

/* Hooks run by the container init itself, in the container's namespaces.
 * As runc, their state carries the init's pid in its own namespace. */
static int run_child_hooks(const struct spawn_opts *o,
                           const struct spec_hook *h, size_t n,
                           const char *kind, const char *status,
                           struct brig_error *err) {
  struct container_state st = *o->state;
  _cleanup_free_ char *json = NULL;
  st.pid = getpid();
  st.status = (char *)status;
  json = state_emit_hook(&st);
  return hooks_run(h, n, kind, json, err);
}

/* Everything the child does up to READY.  Returns the resolved executable
 * path (and in *env the process's environment), or NULL with err. */
static char *child_setup(const struct spawn_opts *o, int sock, int *idmap_fds,
                         struct security_ctx **sec, char ***env,
                         struct brig_error *err) {
  const struct spec_config *cfg = o->cfg;
  const struct spec_linux *l = cfg->linux_;
  const struct spec_process *p = cfg->process;
  const struct spec_namespace *cgns = ns_find(l, SPEC_NS_CGROUP);
  struct rootfs_ctx rc = {.cfg = cfg,
                          .rootfs = o->rootfs,
                          .bundle = o->bundle,
                          .no_pivot = o->no_pivot,
                          .userns = ns_find(l, SPEC_NS_USER) != NULL,
                          .cg = o->cg,
                          .idmap_fds = idmap_fds};
  struct sync_msg m;
  bool cwd_later = false;

  if (setsid() < 0) {
    brig_err(err, errno, "setsid");
    return NULL;
  }
  /* execCPUAffinity "is not applicable to the container's init process"
   * (runtime-spec): exec's only.  A copy without it, for as long as the
   * init lives. */
  if (p->exec_cpu_affinity != NULL) {
    struct spec_process *ip = xmalloc(sizeof(*ip));
    *ip = *p;
    ip->exec_cpu_affinity = NULL;
    p = ip;
  }
  if (join_namespaces(cfg, err) < 0)
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
  if (ipc_as_root && unshare(CLONE_NEWIPC) < 0) {
    brig_err(err, errno, "unshare the ipc namespace");
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
  if (rootfs_prepare(&rc, err) < 0)
    return NULL;
  /* As runc: prestart and createRuntime once the mounts and /dev are made
   * (what a hook adds under the rootfs is not covered by them), before
   * the pivot (the host's / still reachable in this mount namespace). */
  if (cfg->hooks != NULL &&
      cfg->hooks->n_prestart + cfg->hooks->n_create_runtime > 0) {
    if (sync_send(sock, SYNC_HOOKS, NULL) < 0 || sync_recv(sock, &m) < 0 ||
        m.type != SYNC_GO)
      _exit(1); /* the parent reports the hook's failure */
  }
  if (cfg->hooks != NULL && cfg->hooks->n_create_container > 0) {
    /* As runc's init runs them: in the rootfs (not yet the root), with
     * the process's environment as given (its own it has cleared; HOME
     * comes with the user, later) */
    size_t k;
    _cleanup_free_ char **cenv = env_set_in_order(p, &k);
    hooks_set_dir(o->rootfs);
    hooks_set_env(cenv);
    int r = run_child_hooks(o, cfg->hooks->create_container,
                            cfg->hooks->n_create_container, "createContainer",
                            "creating", err);
    hooks_set_dir(NULL);
    hooks_set_env(NULL);
    if (r < 0)
      return NULL;
  }
  if (rootfs_pivot(&rc, err) < 0 || rootfs_sysctl(&rc, err) < 0)
    return NULL;
  if (p->terminal) {
    if (terminal_setup_child(o->console_sock, p, true, false, err) < 0)
      return NULL;
    /* sent: the receiver sees the connection end now, not at the start
     * (runc's init closes it too) */
    if (o->console_sock >= 0)
      close(o->console_sock);
  }
  if (rootfs_finalize(&rc, err) < 0)
    return NULL;
  /* The container's /proc is final now: the exec FIFO is reopened through
   * it after READY; refuse a fake one while create can still say so.
   * (run has no FIFO: it starts the init over the sync socket.) */
  if (!o->start_by_socket && procfs_check_fd_dir("the exec FIFO", err) < 0)
    return NULL;
  if (!keyring_early && join_session_keyring(o, err) < 0)
    return NULL;
  *env = process_env(p);
  if (security_listen_fds() > 0)
    *env = env_with_listen_fds(*env, security_listen_fds());
  if (proc_apply_attrs(cfg, p, err) < 0 ||
      security_prepare(cfg, p, sec, err) < 0)
    return NULL;
  security_set_notify_handler(*sec, send_notify_fd, &sock);
  if (contain_chdir(p->cwd, &cwd_later, err) < 0 ||
      security_apply(*sec, err) < 0 ||
      (cwd_later && contain_chdir(p->cwd, NULL, err) < 0))
    return NULL;
  return find_executable(p, *env, err);
}

/* Wait for the parent's SYNC_GO, keeping the idmapped trees sent before
 * it (fds[mount index]). */
static void await_go(int sock, int *fds, size_t n) {
  struct sync_msg m;
  int fd;
  for (;;) {
    if (sync_recv_fd(sock, &m, &fd) < 0)
      _exit(1); /* the parent is gone and cleans up */
    if (m.type == SYNC_GO)
      return;
    if (m.type != SYNC_IDMAP || fd < 0 || m.errnum < 0 || (size_t)m.errnum >= n)
      _exit(1);
    fds[m.errnum] = fd;
  }
}

/* Block until the container is started; returns the fd to answer on.
 * create: the exec FIFO, whose open for writing waits for `start` to open
 * it for reading.  run (no FIFO): the sync socket, on which the parent
 * sends one byte to start (EOF: it died, so do we). */
static int await_start(int sock, int fifo_path_fd) {
  struct brig_error err = {0};
  int fd;
  ssize_t n;

  if (fifo_path_fd < 0) {
    char go;
    do
      n = read(sock, &go, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
      _exit(1);
    return sock;
  }
  close(sock);
  /* Open the FIFO through our fd (the state root is not in our root), in a
   * procfs checked to be one: a fake /proc would let us run before
   * `start`, writing to whatever it put at fd/N. */
  fd = procfs_reopen_fd(fifo_path_fd, O_WRONLY, "the exec FIFO", &err);
  if (fd < 0) {
    fprintf(stderr, "brig: open exec fifo: %s\n", err.msg);
    _exit(1);
  }
  close(fifo_path_fd);
  return fd;
}

static void child_main(const struct spawn_opts *o, int sock, int fifo_path_fd,
                       bool late_net) {
  struct brig_error err = {0};
  struct security_ctx *sec = NULL;
  size_t n_mounts = o->cfg->n_mounts;
  int *idmap_fds = xcalloc(n_mounts + 1, sizeof(int));
  /* The log fd too (close-on-exec), so the child may still log, and the
   * overlay brig runs from until rootfs_pivot attaches it (selfexe.h). */
  int keep[] = {sock, fifo_path_fd, o->console_sock, log_fd(), selfexe_mnt};
  int start_fd;
  char *exe, **env = NULL;

  supervise_pipes_install();
  sanitizer_container_side();
  coverage_container_side();
  /* A clone of brig until it execs: nothing in the container may trace it
   * or open its exe, fds or memory. */
  if (!defer_contain && contain_enter(&err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  contain_close_fds_from(first_extra_fd(o->preserve_fds), keep,
                         sizeof(keep) / sizeof(keep[0]));
  /* `run` blocks the signals it forwards: the process starts clean. */
  contain_unblock_signals();
  contain_default_signals();
  /* createContainer and startContainer hooks run in the container: not
   * in the bundle's directory, which the runtime's hooks run in */
  hooks_set_dir(NULL);
  for (size_t i = 0; i < n_mounts; i++)
    idmap_fds[i] = -1;
  /* The new network namespace costs ~0.5 ms of kernel work, a copy of the
   * host's mounts some more: made here, they overlap with the parent's work
   * after the clone (the v1 cgroups, as root on a v1 or hybrid host)
   * instead of lengthening the clone. */
  if (late_unshare != 0 && unshare((int)late_unshare) < 0) {
    brig_err(&err, errno, "unshare the new namespaces");
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  if (late_net && netdev_loopback_up(&err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  /* Nothing here is charged to the v1 memory cgroup the init joins after
   * SYNC_GO: the namespaces a clone makes are charged to the caller too,
   * keys count in the user's key quota. */
  if (keyring_early && join_session_keyring(o, &err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  if ((late_net || keyring_early) && sync_send(sock, SYNC_EARLY, NULL) < 0)
    _exit(1);
  await_go(sock, idmap_fds, n_mounts);
  if (defer_contain && contain_enter(&err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  if (new_netns && !late_net && netdev_loopback_up(&err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  /* Before any namespace is joined (the network one made above changes no
   * path): the host's cgroup files are where the parent found them, and the
   * cgroup namespace made later is rooted at this cgroup. */
  if (child_joins_v1 && cgroup_join_self_v1(o->cg, &err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  exe = child_setup(o, sock, idmap_fds, &sec, &env, &err);
  /* Only 0, 1, 2 and --preserve-fds (+ LISTEN_FDS) reach the process:
   * marked before the seccomp filter may deny close_range.  With
   * noNewPrivileges the filter is loaded here, before create says ready
   * (runc's order): a filter the kernel refuses fails create, and the
   * startContainer hooks (and brig's init) run under it. */
  if (exe == NULL || close_extra_fds(o->preserve_fds, &err) < 0 ||
      security_finish(sec, &err) < 0) {
    sync_send(sock, SYNC_ERROR, &err);
    _exit(1);
  }
  if (sync_send_ready(sock) < 0)
    _exit(1);
  contain_exit_on_signals(true);
  start_fd = await_start(sock, fifo_path_fd);
  /* Back to the defaults for what runs here first; with nothing to run,
   * execve resets the handlers itself (47 fewer syscalls), and a signal
   * until then ends the process instead of being dropped. */
  if (o->use_init ||
      (o->cfg->hooks != NULL && o->cfg->hooks->n_start_container > 0))
    contain_exit_on_signals(false);
  /* The starter is reading: "0" means go on; "1<message>" a failure it
   * reports (and then removes the container). */
  /* in the process's working directory, with its environment (runc) */
  hooks_set_env(env);
  if (o->cfg->hooks != NULL && o->cfg->hooks->n_start_container > 0 &&
      run_child_hooks(o, o->cfg->hooks->start_container,
                      o->cfg->hooks->n_start_container, "startContainer",
                      "created", &err) < 0) {
    char msg[BRIG_ERROR_MAX + 1];
    int len = snprintf(msg, sizeof(msg), "1%s", err.msg);
    if (write(start_fd, msg, (size_t)len) < 0)
      fprintf(stderr, "brig: %s\n", err.msg);
    _exit(1);
  }
  if (write(start_fd, "0", 1) != 1) {
    fprintf(stderr, "brig: answer start: %s\n", brig_strerror(errno));
    _exit(1);
  }
  close(start_fd);
  if (o->use_init)
    init_run(o->cfg->process, exe, env);
  fault_delay("init");
  coverage_flush();
  execve(exe, o->cfg->process->args, env);
  {
    char safe[512];
    fprintf(stderr, "brig: exec %s: %s\n", one_line(exe, safe, sizeof(safe)),
            brig_strerror(errno));
  }
  _exit(127);
}

/* prestart (deprecated) then createRuntime, in the runtime's namespaces. */
static int run_runtime_hooks(const struct spawn_opts *o, pid_t pid,
                             struct brig_error *err) {
  const struct spec_hooks *h = o->cfg->hooks;
  struct container_state st = *o->state;
  _cleanup_free_ char *json = NULL;
  st.pid = pid;
  st.status = "creating";
  json = state_emit_hook(&st);
  if (hooks_run(h->prestart, h->n_prestart, "prestart", json, err) < 0)
    return -1;
  return hooks_run(h->create_runtime, h->n_create_runtime, "createRuntime",
                   json, err);
}

struct clone_result {
  int32_t pid;
  int32_t errnum;
  char msg[BRIG_ERROR_MAX];
};

/* A new user namespace and another namespace joined by path: that one is
 * not the new user namespace's own, and joining it takes privilege over
 * its owner, which only the runtime has (the init has none outside its
 * user namespace).  So it is joined before the user namespace is made,
 * as runc's nsexec does. */
static bool join_before_userns(const struct spec_linux *l) {
  const struct spec_namespace *u = ns_find(l, SPEC_NS_USER);
  if (u == NULL || (u->path != NULL && *u->path != '\0'))
    return false;
  for (size_t i = 1; i < N_JOIN; i++) {
    const struct spec_namespace *ns = ns_find(l, join_order[i]);
    if (ns != NULL && ns->path != NULL && *ns->path != '\0')
      return true;
  }
  return false;
}

/* In clone_init's helper: what is joined before the clone. */
static int helper_join(const struct spec_config *cfg, struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
  const struct spec_namespace *u = ns_find(l, SPEC_NS_USER);
  if (u->path != NULL && *u->path != '\0')
    return ns_join_path(u->path, SPEC_NS_USER, err);
  for (size_t i = 1; i < N_JOIN; i++) {
    const struct spec_namespace *ns = ns_find(l, join_order[i]);
    if (ns != NULL && ns->path != NULL && *ns->path != '\0' &&
        ns_join_entry(cfg, ns, err) < 0)
      return -1;
  }
  return 0;
}

/* Clone the container's init with its new namespaces.  They must belong to
 * its user namespace: when that one is joined by path, a helper joins it
 * first and clones the init from there (CLONE_PARENT: still our child; a
 * new pid namespace made at that clone); when it is new and other
 * namespaces are joined by path, the helper joins those first
 * (join_before_userns).  *in_cgroup: the init started in the cgroup2
 * directory cgfd.  Not the late_unshare ones: the init makes those.
 * Returns 0 in the init. */
static pid_t clone_init(const struct spec_config *cfg, int cgfd,
                        bool *in_cgroup, struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
  const struct spec_namespace *u = ns_find(l, SPEC_NS_USER);
  unsigned long flags = ((unsigned long)ns_clone_flags(l) & ~late_unshare &
                         ~(ipc_as_root ? (unsigned long)CLONE_NEWIPC : 0)) |
                        SIGCHLD;
  struct clone_result r = {0};
  bool before = join_before_userns(l);
  int pp[2];
  pid_t pid, helper;
  ssize_t n;

  if (!before && (u == NULL || u->path == NULL || *u->path == '\0')) {
    /* cgroup2: clone3 starts the init inside its cgroup; an older
     * kernel falls back to clone, and the parent moves it there */
    if (cgfd >= 0) {
      struct clone_args ca = {
          .flags = (flags & ~0xffUL) | CLONE_INTO_CGROUP,
          .exit_signal = SIGCHLD,
          .cgroup = (uint64_t)cgfd,
      };
      pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
      if (pid > 0) {
        log_debug("init %d cloned into its cgroup (CLONE_INTO_CGROUP)",
                  (int)pid);
        *in_cgroup = true;
      }
      if (pid >= 0)
        return pid;
      log_debug("clone3 CLONE_INTO_CGROUP: %s; clone, then join",
                brig_strerror(errno));
    }
    pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0);
    if (pid < 0)
      brig_err(err, errno, "clone");
    return pid;
  }
  if (pipe2(pp, O_CLOEXEC) < 0)
    return brig_err(err, errno, "pipe");
  helper = fork();
  if (helper == 0) {
    struct brig_error e = {0};
    close(pp[0]);
    pid = -1;
    /* Not dumpable before the join (and the init, its clone, neither):
     * whoever owns that user namespace could otherwise ptrace this
     * process, or open its /proc/<pid>/fd, holding brig's fds. */
    if (contain_enter(&e) == 0 && helper_join(cfg, &e) == 0) {
      pid =
          (pid_t)syscall(SYS_clone, flags | CLONE_PARENT, NULL, NULL, NULL, 0);
      if (pid == 0) {
        in_joined_userns = !before;
        joined_before_clone = before;
        close(pp[1]);
        return 0;
      }
      if (pid < 0 && before)
        brig_err(&e, errno, "clone");
      else if (pid < 0)
        brig_err(&e, errno, "clone in the user namespace %s", u->path);
    }
    r.pid = pid;
    r.errnum = e.errnum;
    memcpy(r.msg, e.msg, sizeof(r.msg));
    _exit(write(pp[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
  }
  close(pp[1]);
  if (helper < 0) {
    close(pp[0]);
    return brig_err(err, errno, "fork");
  }
  do
    n = read(pp[0], &r, sizeof(r));
  while (n < 0 && errno == EINTR);
  close(pp[0]);
  while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
    ;
  if (n != sizeof(r))
    return brig_err(err, 0, "the helper joining the namespaces died");
  if (r.pid <= 0) {
    brig_err(err, 0, "%s", r.msg);
    err->errnum = r.errnum;
    return -1;
  }
  return r.pid;
}

/* Make the idmapped trees and send them to the init (before SYNC_GO). */
static int send_idmap_mounts(const struct spawn_opts *o, pid_t pid, int sock,
                             struct brig_error *err) {
  const struct spec_config *cfg = o->cfg;
  const struct spec_namespace *u = ns_find(cfg->linux_, SPEC_NS_USER);
  _cleanup_close_ int userns = -1;
  char path[64];

  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const struct spec_mount *m = &cfg->mounts[i];
    struct sync_msg msg = {.type = SYNC_IDMAP, .errnum = (int32_t)i};
    int tree;

    if (!rootfs_mount_is_idmapped(m))
      continue;
    if (userns < 0 && u != NULL) {
      snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
      userns = open(path, O_RDONLY | O_CLOEXEC);
      if (userns < 0)
        return brig_err(err, errno, "open the container's user namespace");
    }
    tree = rootfs_idmap_open(m, o->bundle, userns, err);
    if (tree < 0)
      return -1;
    if (send_fd_msg(sock, &msg, tree) < 0) {
      close(tree);
      return brig_err(err, errno, "send an idmapped mount to the init");
    }
    close(tree);
  }
  return 0;
}

/* The init's SYNC_EARLY, or the failure it reports instead. */
static int await_early(int sock, struct brig_error *err) {
  struct sync_msg m;
  if (sync_recv(sock, &m) < 0)
    return brig_err(err, 0, "container init exited unexpectedly");
  if (m.type == SYNC_EARLY)
    return 0;
  brig_err(err, 0, "%s",
           m.type == SYNC_ERROR ? m.msg : "sync with container init");
  err->errnum = m.errnum;
  return -1;
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
  int status, got, notify_fd = -1;
  _cleanup_close_ int sysfs_fd = -1;
  bool new_userns, in_cgroup = false, go_sent;
  int own_pid, own_time;
  unsigned join = CGROUP_HIER_ALL;

  r->start_fd = -1;
  r->started = false;
  if (!o->start_by_socket) {
    _cleanup_close_ int dirfd =
        container_kind_dir(o->state_rootfd, FIFO_KIND, true, err);
    if (dirfd < 0)
      return -1;
    /* 0622 whatever the umask: a non-root process.user opens it to write. */
    if (mkfifoat(dirfd, o->id, 0622) < 0 || fchmodat(dirfd, o->id, 0622, 0) < 0)
      return brig_err(err, errno, "create exec fifo");
    fifo_path_fd = openat(dirfd, o->id, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fifo_path_fd < 0)
      return brig_err(err, errno, "open exec fifo");
  }
  if (ns_check_user(l, err) < 0 || rootfs_check_idmap_mounts(o->cfg, err) < 0)
    return -1;
  /* pid and time namespaces apply to children: prepare them here, and
   * take the runtime's own back once the init is cloned, so that its
   * hooks, helpers and relays run in the host's (as runc's do). */
  own_pid = ns_own_for_children(l, SPEC_NS_PID);
  own_time = ns_own_for_children(l, SPEC_NS_TIME);
  if (ns_prepare_pid(o->cfg, err) < 0 || ns_prepare_time(o->cfg, err) < 0)
    goto fail_ns;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
    brig_err(err, errno, "socketpair");
    goto fail_ns;
  }
  new_userns = ns_find(l, SPEC_NS_USER) != NULL &&
               (ns_find(l, SPEC_NS_USER)->path == NULL ||
                *ns_find(l, SPEC_NS_USER)->path == '\0');
  defer_contain = new_userns && geteuid() != 0;
  const struct spec_namespace *ipc = ns_find(l, SPEC_NS_IPC);
  ipc_as_root =
      new_userns && ipc != NULL && (ipc->path == NULL || *ipc->path == '\0');
  /* A new network namespace the parent does not touch before SYNC_GO (no
   * netDevices to move in, no user namespace to map first) is made by the
   * init itself, with the new mount, uts and ipc ones (late_unshare), in
   * parallel with the parent's work after the clone. */
  const struct spec_namespace *net = ns_find(l, SPEC_NS_NETWORK);
  new_netns = net != NULL && (net->path == NULL || *net->path == '\0');
  bool late_net =
      new_netns && ns_find(l, SPEC_NS_USER) == NULL && l->n_net_devices == 0;
  child_joins_v1 = o->cg != NULL && ns_find(l, SPEC_NS_USER) == NULL;
  keyring_early = o->late_cgroup != NULL;
  late_unshare =
      late_net ? (unsigned long)ns_clone_flags(l) &
                     (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)
               : 0;
  /* In a user namespace the init cannot write its own oomScoreAdj (its
   * /proc file is not its to open): the runtime does, before the go. */
  bool oom_outside =
      ns_find(l, SPEC_NS_USER) != NULL && o->cfg->process->oom_score_adj.set;
  proc_oom_written = oom_outside;
  fflush(NULL);
  int cgfd = cgroup_clone_fd(o->cg);
  pid = clone_init(o->cfg, cgfd, &in_cgroup, err);
  if (pid >= 0)
    brig_alloc_forked(); /* each side keeps off the heap pages it shares */
  if (cgfd >= 0)
    close(cgfd);
  if (pid != 0) {
    ns_restore_for_children(&own_pid, SPEC_NS_PID);
    ns_restore_for_children(&own_time, SPEC_NS_TIME);
  }
  if (pid < 0) {
    close(sp[0]);
    close(sp[1]);
    return -1;
  }
  if (pid == 0) {
    close(sp[0]);
    child_main(o, sp[1], fifo_path_fd, late_net);
    _exit(1);
  }
  close(sp[1]);
  if (o->on_clone != NULL)
    o->on_clone(pid, o->on_clone_arg);
  fault_kill("create-clone");
  if (new_userns && ns_write_id_maps(pid, l, err) < 0)
    goto fail;
  if (oom_outside && proc_write_oom_score_adj(pid, o->cfg->process, err) < 0)
    goto fail;
  if (send_idmap_mounts(o, pid, sp[0], err) < 0)
    goto fail;
  if (o->late_cgroup != NULL && o->late_cgroup(o->late_cgroup_arg, err) < 0)
    goto fail;
  if (in_cgroup)
    join &= ~CGROUP_HIER_V2;
  if (child_joins_v1)
    join &= ~CGROUP_HIER_V1;
  if (o->cg == NULL)
    join = 0;
  /* Nothing left for the parent to do in the init's namespaces before the
   * go (no pid to write, no device to move): the go first, while the init
   * may still be making its network namespace, which then reads it at
   * once instead of sleeping until the parent has its SYNC_EARLY.  (Not
   * sent: the init died, and await_early says why.) */
  go_sent = (late_net || keyring_early) && join == 0 &&
            (l == NULL || l->n_net_devices == 0) &&
            sync_send(sp[0], SYNC_GO, NULL) == 0;
  if ((late_net || keyring_early) && await_early(sp[0], err) < 0)
    goto fail;
  if (join != 0 && cgroup_add_pid(o->cg, pid, join, err) < 0)
    goto fail;
  if (netdev_move_all(l, pid, err) < 0)
    goto fail;
  if (!go_sent && sync_send(sp[0], SYNC_GO, NULL) < 0) {
    brig_err(err, errno, "sync with container init");
    goto fail;
  }
  /* while the init starts its set-up */
  sysfs_fd = rootfs_sysfs_prefetch(o->cfg, pid, err);
  if (sysfs_fd == -2)
    goto fail;
  if (proc_start_time(pid, &r->start_time, NULL) < 0) {
    brig_err(err, errno, "read start time of container init %d", (int)pid);
    goto fail;
  }
  if (o->on_go != NULL &&
      o->on_go(pid, r->start_time, o->on_clone_arg, err) < 0)
    goto fail;
  /* The init reads the byte once it is set up and has said so: it finds it
   * there instead of sleeping until the caller sends it (two wake-ups
   * fewer).  Not sent (the init died): the loop below says why. */
  if (o->start_at_go) {
    fault_kill("run-start");
    r->started = send(sp[0], "g", 1, MSG_NOSIGNAL) == 1;
    fault_delay("run-sent");
  }
  while ((got = sync_recv_fd(sp[0], &m, &notify_fd)) == 0 &&
         (m.type == SYNC_SECCOMP || m.type == SYNC_HOOKS)) {
    if (m.type == SYNC_HOOKS) {
      if (run_runtime_hooks(o, pid, err) < 0)
        goto fail;
      if (sync_send(sp[0], SYNC_GO, NULL) < 0) {
        brig_err(err, errno, "sync with container init");
        goto fail;
      }
      continue;
    }
    if (notify_fd >= 0)
      close(notify_fd);
    notify_fd = proc_take_fd(pid, m.errnum, err);
    if (notify_fd < 0) {
      brig_err_wrap(err, "seccomp notify fd of the container init");
      goto fail;
    }
    if (forward_notify_fd(o, pid, steal_fd(&notify_fd), err) < 0)
      goto fail;
    if (sync_send(sp[0], SYNC_GO, NULL) < 0) {
      brig_err(err, errno, "sync with container init");
      goto fail;
    }
  }
  if (notify_fd >= 0)
    close(notify_fd);
  if (got < 0) {
    bool killed = waitpid(pid, &status, 0) == pid && WIFSIGNALED(status);
    if (killed && WTERMSIG(status) == SIGKILL && o->cg != NULL &&
        cgroup_oom_kills(o->cg) > 0)
      brig_err(err, 0,
               "linux.resources.memory.limit: container init was "
               "OOM-killed (memory limit too low?)");
    else if (killed)
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
  r->pid = pid;
  if (o->start_by_socket)
    r->start_fd = sp[0];
  else
    close(sp[0]);
  return 0;
fail:
  close(sp[0]);
  kill_child(pid);
  return -1;
fail_ns:
  ns_restore_for_children(&own_pid, SPEC_NS_PID);
  ns_restore_for_children(&own_time, SPEC_NS_TIME);
  return -1;
}
