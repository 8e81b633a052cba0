/* exec: a helper child joins the container's cgroup (or brig joins it
 * meanwhile) and namespaces, then
 * clones (CLONE_PARENT, so brig can wait for it) the process that execs;
 * that one reports a failure over the sync socket, or execs and the socket
 * closes on exec. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "cgroup.h"
#include "contain.h"
#include "container.h"
#include "coverage.h"
#include "namespaces.h"
#include "proc.h"
#include "sanitizer.h"
#include "security.h"
#include "spawn.h"
#include "supervise.h"
#include "terminal.h"
#include "util.h"

struct exec_msg {
  int32_t pid;    /* helper -> brig: the process's host pid; process ->
                     brig: EXEC_NOTIFY_FD, with errnum its seccomp notify
                     fd's number (brig takes it with pidfd_getfd) */
  int32_t errnum; /* process -> brig: failure */
  char msg[BRIG_ERROR_MAX];
};
#define EXEC_NOTIFY_FD (-1)

struct spec_config *exec_load_config(const char *root, const char *id,
                                     struct container **c,
                                     struct brig_error *err) {
  _cleanup_free_ char *path = NULL;
  struct spec_config *kept = NULL;
  *c = NULL;
  /* the config create used: kept when it was not config.json as is */
  if (container_load(root, id, c, err) < 0 ||
      container_load_kept(*c, &kept, err) < 0) {
    container_free(*c);
    *c = NULL;
    return NULL;
  }
  if (kept != NULL)
    return kept;
  path = xasprintf("%s/config.json", (*c)->st.bundle);
  return spec_load_file(path, err);
}

/* write, not send: the process may be under its seccomp filter, which a
 * profile without networking denies sendto (spawn.c's SYNC_READY). */
static void send_failure(int sock, const struct brig_error *e) {
  struct exec_msg m = {.errnum = e->errnum ? e->errnum : EINVAL};
  memcpy(m.msg, e->msg, sizeof(m.msg));
  coverage_flush(); /* brig may kill the sender at once */
  if (write(sock, &m, sizeof(m)) < 0)
    fprintf(stderr, "brig: %s\n", e->msg);
}

/* The process: tell brig its seccomp notify fd's number; brig takes the
 * fd and sends it to listenerPath from the host with the process's host
 * pid (runc); wait for its word that the listener has it.  write and read
 * only, as the init (spawn.c): the filter may notify any other. */
static int exec_send_notify_fd(int notify_fd, void *data,
                               struct brig_error *err) {
  int sock = *(int *)data;
  struct exec_msg m = {.pid = EXEC_NOTIFY_FD, .errnum = notify_fd};
  char ack;
  if (write(sock, &m, sizeof(m)) != sizeof(m))
    return brig_err(err, errno, "send the seccomp notify fd to brig");
  if (read(sock, &ack, 1) != 1)
    _exit(1); /* brig failed to pass it on, and reports that */
  return 0;
}

/* The container was made without --no-new-keyring: the process joins
 * the init's session keyring. */
static bool join_keyring;

/* The process itself, inside every namespace of the container. */
static void exec_process(const struct spec_config *cfg,
                         const struct exec_opts *o, int sock, int console_sock,
                         const char *state_json) {
  const struct spec_process *p = o->process;
  struct brig_error err = {0};
  struct security_ctx *sec = NULL;
  char *exe, **env;
  bool cwd_later = false;

  supervise_pipes_install();
  /* No fd of the runtime (cgroup, state dir) lives on in the container,
   * nor may serve as a way out (cwd /proc/self/fd/N). */
  sanitizer_container_side();
  coverage_container_side();
  contain_close_fds(o->preserve_fds, sock, console_sock);
  contain_unblock_signals();
  contain_default_signals();
  if (setsid() < 0) {
    brig_err(&err, errno, "setsid");
    goto fail;
  }
  if (p->terminal && terminal_setup_child(console_sock, p, false,
                                          o->console_socket == NULL, &err) < 0)
    goto fail;
  if (console_sock >= 0)
    close(console_sock);
  if (join_keyring &&
      security_join_session_keyring(o->id, false, false, &err) < 0)
    goto fail;
  env = process_env(p);
  if (proc_apply_attrs(cfg, p, &err) < 0 ||
      security_prepare(cfg, p, &sec, &err) < 0)
    goto fail;
  security_set_state_json(sec, state_json, getpid());
  security_set_notify_handler(sec, exec_send_notify_fd, &sock);
  if (contain_chdir(p->cwd, &cwd_later, &err) < 0 ||
      security_apply(sec, &err) < 0 ||
      (cwd_later && contain_chdir(p->cwd, NULL, &err) < 0))
    goto fail;
  exe = find_executable(p, env, &err);
  if (exe == NULL)
    goto fail;
  if (close_extra_fds(o->preserve_fds, &err) < 0 ||
      security_finish(sec, &err) < 0)
    goto fail;
  fault_delay("exec");
  coverage_flush();
  execve(exe, p->args, env);
  brig_err(&err, errno, "exec %s", exe);
fail:
  send_failure(sock, &err);
  _exit(255);
}

/* One message on exec's socket (its length; 0 at EOF, -1 with errno). */
static ssize_t exec_recv(int sock, struct exec_msg *m) {
  ssize_t n;
  int resets = 0;
  /* A helper that failed before it read brig's "g" closed its end with
   * that byte unread: the kernel reports ECONNRESET once, and the
   * helper's message is still queued behind it. */
  do
    n = recv(sock, m, sizeof(*m), 0);
  while (n < 0 && (errno == EINTR || (errno == ECONNRESET && resets++ == 0)));
  if (n == sizeof(*m))
    m->msg[sizeof(m->msg) - 1] = '\0';
  return n;
}

/* The process's notify fd (its number there: fdnum) to listenerPath, with
 * its host pid and the container's state, then the word to go on. */
static int exec_forward_notify(const struct spec_config *cfg, int fdnum,
                               pid_t pid, const char *state_json, int sock,
                               struct brig_error *err) {
  const struct spec_seccomp *sc =
      cfg->linux_ != NULL ? cfg->linux_->seccomp : NULL;
  int ret = -1, fd = -1;
  if (sc == NULL || sc->listener_path == NULL)
    brig_err(err, EINVAL, "seccomp notify fd: no linux.seccomp.listenerPath");
  else if ((fd = proc_take_fd(pid, fdnum, err)) < 0)
    brig_err_wrap(err, "seccomp notify fd");
  else if (seccomp_notify_send(sc->listener_path, fd, sc->listener_metadata,
                               pid, state_json, err) == 0)
    ret = send(sock, "g", 1, MSG_NOSIGNAL) == 1
              ? 0
              : brig_err(err, errno, "seccomp notify fd: tell the process");
  if (fd >= 0)
    close(fd);
  return ret;
}

/* The init's /proc directory as an fd, checked to be the container's
 * init: the pidfd, verified by start time, still shows it alive once the
 * directory is open, so the pid was not reused in between.  Through it,
 * an init gone later is an error, never another process's namespaces. */
static int open_init_dir(pid_t pid, uint64_t start_time,
                         struct brig_error *err) {
  _cleanup_close_ int pidfd = proc_pidfd_open(pid, start_time, err);
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
  char path[32];
  int dir;

  if (pidfd < 0)
    return brig_err_wrap(err, "container init");
  snprintf(path, sizeof(path), "/proc/%d", (int)pid);
  dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return brig_err(err, errno, "open %s", path);
  if (poll(&pfd, 1, 0) != 0) {
    close(dir);
    return brig_err(err, ESRCH, "container init %d exited", (int)pid);
  }
  return dir;
}

static int join_container_namespaces(int initdir, pid_t pid,
                                     struct brig_error *err) {
  /* time first: brig makes a container's time namespace in the runtime,
   * outside its user namespace, so joining it needs the caller's
   * privilege; then user (the others belong to it), mount last. */
  static const enum spec_ns_type order[] = {
      SPEC_NS_TIME,    SPEC_NS_USER, SPEC_NS_IPC,    SPEC_NS_UTS,
      SPEC_NS_NETWORK, SPEC_NS_PID,  SPEC_NS_CGROUP, SPEC_NS_MOUNT};
  static const char *files[] = {"time", "user", "ipc",    "uts",
                                "net",  "pid",  "cgroup", "mnt"};
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    char theirs[16], ours[32];
    struct stat a, b;
    snprintf(theirs, sizeof(theirs), "ns/%s", files[i]);
    snprintf(ours, sizeof(ours), "/proc/self/ns/%s", files[i]);
    if (stat(ours, &b) < 0)
      continue; /* a kind this kernel lacks */
    /* the init's is always there while it lives: gone, it exited */
    if (fstatat(initdir, theirs, &a, 0) < 0)
      return brig_err(err, errno, "container init %d: %s namespace", (int)pid,
                      files[i]);
    if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
      continue; /* shared with the host: nothing to join */
    if (ns_join_at(initdir, theirs, order[i], err) < 0)
      return brig_err_wrap(err, "container init %d", (int)pid);
  }
  return 0;
}

static bool joins_userns(int initdir) {
  struct stat a, b;
  return fstatat(initdir, "ns/user", &a, 0) == 0 &&
         stat("/proc/self/ns/user", &b) == 0 &&
         (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

/* The helper: cgroup, namespaces, then the process as brig's child.
 * With parent_joins, brig writes the helper into the cgroups while it
 * joins the namespaces (the first cgroup.procs write waits ~0.4-1 ms
 * here), and says "g" when done: the process it clones starts in them. */
static void exec_helper(const struct spec_config *cfg,
                        const struct exec_opts *o, pid_t init, int initdir,
                        struct cgroup *cg, bool parent_joins, int sock,
                        int console_sock, const char *state_json) {
  struct brig_error err = {0};
  struct exec_msg m = {0};
  pid_t pid;
  char go;
  ssize_t r;

  sanitizer_container_side();
  coverage_container_side();
  if (contain_enter(&err) < 0 ||
      proc_apply_initial_affinity(o->process, &err) < 0)
    goto fail;
  if (cg != NULL && !parent_joins &&
      cgroup_add_pid(cg, getpid(), CGROUP_HIER_ALL, &err) < 0)
    goto fail;
  cgroup_close_root_fd();
  /* Inside a user namespace the process could not open its own
   * oom_score_adj: written here, before the join; the process inherits. */
  if (joins_userns(initdir) &&
      proc_write_oom_score_adj(0, o->process, &err) < 0)
    goto fail;
  fault_delay("exec-join");
  if (join_container_namespaces(initdir, init, &err) < 0)
    goto fail;
  close(initdir); /* a host /proc fd: not for the container's side */
  if (parent_joins) {
    do
      r = recv(sock, &go, 1, 0);
    while (r < 0 && errno == EINTR);
    if (r != 1)
      _exit(1); /* brig failed to join it (and says why) or went away */
  }
  fault_kill("exec-helper");
  pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL,
                       NULL, NULL, 0);
  if (pid < 0) {
    brig_err(&err, errno, "clone");
    goto fail;
  }
  if (pid == 0) {
    brig_alloc_forked();
    exec_process(cfg, o, sock, console_sock, state_json);
  }
  m.pid = pid;
  if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0)
    _exit(1);
  _exit(0);
fail:
  send_failure(sock, &err);
  _exit(1);
}

int container_exec(const struct exec_opts *o, int *code,
                   struct brig_error *err) {
  struct container *c = NULL;
  const struct spec_config *cfg;
  struct cgroup *cg = NULL;
  _cleanup_free_ char *state_json = NULL;
  _cleanup_close_ int console_sock = -1, console_peer = -1, initdir = -1;
  int sp[2] = {-1, -1}, master = -1, status = 0, ret = -1, notify_num = -1;
  struct exec_msg m;
  pid_t helper, pid = -1, init;
  ssize_t n;
  struct exec_opts local;
  struct spec_process sized;
  bool parent_joins;

  c = o->c;
  if (c == NULL && container_load(o->root, o->id, &c, err) < 0)
    goto out;
  if (strcmp(c->st.status, "stopped") == 0 ||
      strcmp(c->st.status, "creating") == 0) {
    brig_err(err, 0, "cannot exec in a stopped container");
    goto out;
  }
  if (strcmp(c->st.status, "paused") == 0 && !o->ignore_paused) {
    brig_err(err, 0,
             "cannot exec in a paused container (use --ignore-paused to "
             "override)");
    goto out;
  }
  security_warn_caps(o->process);
  init = c->st.pid;
  initdir = open_init_dir(init, c->st.init_start_time, err);
  if (initdir < 0)
    goto out;
  state_json = state_emit_public(&c->st, false);
  join_keyring = !c->st.no_new_keyring;
  cfg = o->cfg;
  if (c->st.cgroup_path != NULL && *c->st.cgroup_path != '\0') {
    if (cgroup_open(c->st.cgroup_path, &cg, err) < 0 ||
        (o->cgroups != NULL && cgroup_descend(cg, o->cgroups, err) < 0))
      goto out;
  }
  /* The lock is not held while the process runs. */
  container_free(c);
  c = NULL;

  if (o->process->terminal) {
    if (o->console_socket != NULL && !o->detach) {
      /* runc's checkTerminal: a foreground exec relays the pty itself */
      brig_err(err, 0,
               "cannot use console socket if brig will not detach or "
               "allocate tty");
      goto out;
    } else if (o->console_socket != NULL) {
      console_sock = console_socket_connect(o->console_socket, err);
      if (console_sock < 0)
        goto out;
    } else if (o->detach) {
      brig_err(err, 0,
               "cannot allocate tty if brig will detach without "
               "setting console socket");
      goto out;
    } else {
      int tp[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tp) < 0) {
        brig_err(err, errno, "console socketpair");
        goto out;
      }
      console_sock = tp[0];
      console_peer = tp[1];
      /* brig relays: the pty starts at the size of the terminal the user
       * sits at (not consoleSize: runc resizes to it), before the process
       * runs (its later changes follow) */
      sized = *o->process;
      if (terminal_host_size(&sized.console_height, &sized.console_width)) {
        sized.has_console_size = true;
        local = *o;
        local.process = &sized;
        o = &local;
      }
    }
  } else if (o->console_socket != NULL) {
    brig_err(err, 0,
             "cannot use console socket if brig will not detach or "
             "allocate tty");
    goto out;
  }
  supervise_block_signals(); /* exec -d too, as runc's */
  if (!o->detach && !o->process->terminal &&
      supervise_pipes_make(cfg->linux_, err) < 0)
    goto out;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
    brig_err(err, errno, "socketpair");
    goto out;
  }
  security_precompile(cfg, o->root);
  /* an initial CPU affinity is set before the join (the cpuset's then
   * narrows it, runc's order): the helper joins itself after it */
  parent_joins = cg != NULL && (o->process->exec_cpu_affinity == NULL ||
                                o->process->exec_cpu_affinity->initial == NULL);
  fflush(NULL);
  helper = fork();
  if (helper < 0) {
    brig_err(err, errno, "fork");
    goto out;
  }
  brig_alloc_forked(); /* each side keeps off the heap pages it shares */
  if (helper == 0) {
    close(sp[0]);
    exec_helper(cfg, o, init, initdir, cg, parent_joins, sp[1], console_sock,
                state_json);
  }
  close(sp[1]);
  sp[1] = -1;
  close(initdir);
  initdir = -1;
  /* The helper and the process have theirs: a process that fails before
   * sending the pty closes the last one, which ends the wait for it. */
  if (console_sock >= 0) {
    close(console_sock);
    console_sock = -1;
  }
  fault_kill("exec-forked");
  if (parent_joins && cgroup_add_pid(cg, helper, CGROUP_HIER_ALL, err) < 0) {
    kill(helper, SIGKILL);
    while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
      ;
    /* a helper that failed first (and is gone) said why: that is the
     * cause, this write's failure only its consequence */
    if (exec_recv(sp[0], &m) == sizeof(m) && m.pid == 0)
      brig_err(err, 0, "%s", m.msg);
    goto out;
  }
  /* the helper may have failed and gone: its status and message follow */
  if (parent_joins)
    send(sp[0], "g", 1, MSG_NOSIGNAL);
  while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
    ;
  /* the process's notify fd may come before the helper's pid */
  while ((n = exec_recv(sp[0], &m)) == sizeof(m) && m.pid == EXEC_NOTIFY_FD)
    notify_num = m.errnum;
  if (n != sizeof(m) || m.pid <= 0) {
    if (n == sizeof(m))
      brig_err(err, 0, "%s", m.msg);
    else if (WIFSIGNALED(status))
      brig_err(err, 0, "exec helper killed by signal %d", WTERMSIG(status));
    else
      brig_err(err, 0, "exec helper exited unexpectedly (status %d)",
               WEXITSTATUS(status));
    goto out;
  }
  pid = m.pid;
  if (notify_num >= 0) {
    if (exec_forward_notify(cfg, notify_num, pid, state_json, sp[0], err) < 0)
      goto out;
  }
  fault_kill("exec-pid");
  if (console_peer >= 0) {
    master = fd_recv(console_peer, err);
    if (master < 0) {
      /* the process failed before sending it: its message follows */
      n = recv(sp[0], &m, sizeof(m), 0);
      if (n == sizeof(m))
        brig_err(err, 0, "%s", m.msg);
      goto out;
    }
  }
  /* EOF: the socket closed on execve.  A message: the process failed (or
   * handed over its seccomp notify fd, and goes on). */
  while ((n = exec_recv(sp[0], &m)) == sizeof(m) && m.pid == EXEC_NOTIFY_FD)
    if (exec_forward_notify(cfg, m.errnum, pid, state_json, sp[0], err) < 0)
      goto out;
  if (n == sizeof(m)) {
    brig_err(err, 0, "%s", m.msg);
    err->errnum = m.errnum;
    goto out;
  }
  if (o->pid_file != NULL && write_pid_file(o->pid_file, pid, err) < 0)
    goto out;
  fault_kill("exec-started");
  if (o->detach) {
    ret = 0;
    pid = -1; /* the caller (or its subreaper) reaps it */
    goto out;
  }
  *code = supervise(pid, master, -1);
  master = -1;
  pid = -1;
  ret = 0;
out:
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  if (master >= 0)
    close(master);
  if (sp[0] >= 0)
    close(sp[0]);
  cgroup_free(cg);
  container_free(c);
  return ret;
}
