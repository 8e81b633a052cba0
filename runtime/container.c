/* The lifecycle: create, start, kill, delete. */
#include "container.h"
#include "contain.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "create_config.h"
#include "hooks.h"
#include "log.h"
#include "namespaces.h"
#include "notify.h"
#include "proc.h"
#include "rootfs.h"
#include "rootless.h"
#include "security.h"
#include "spawn.h"
#include "supervise.h"
#include "terminal.h"
#include "util.h"

char *rfc3339_at(const struct timespec *t) {
  char buf[64], frac[16];
  int n;

  format_utc(buf, sizeof(buf), t->tv_sec);
  n = snprintf(frac, sizeof(frac), "%09ld", t->tv_nsec);
  while (n > 0 && frac[n - 1] == '0')
    frac[--n] = '\0';
  return n > 0 ? xasprintf("%s.%sZ", buf, frac) : xasprintf("%sZ", buf);
}

char *rfc3339_now(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return rfc3339_at(&ts);
}

/* Checks that need the whole config and the runtime's view. */
static int validate_for_create(const struct spec_config *cfg,
                               const struct create_opts *o,
                               struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
  if (cfg->process == NULL)
    return brig_err(err, 0, "process: required by create");
  if (cfg->root == NULL || cfg->root->path == NULL)
    return brig_err(err, 0, "root.path: required on Linux");
  if (ns_find(l, SPEC_NS_MOUNT) == NULL)
    return brig_err(err, 0,
                    "linux.namespaces: a mount namespace is "
                    "required");
  if ((cfg->hostname != NULL || cfg->domainname != NULL) &&
      ns_find(l, SPEC_NS_UTS) == NULL) {
    const char *field = cfg->hostname != NULL ? "hostname" : "domainname";
    return brig_err(err, 0,
                    "%s: unable to set %s without a private "
                    "UTS namespace",
                    field, field);
  }
  /* a new network namespace or one joined by path (a pod's, made by the
   * engine): not the host's */
  if (l != NULL && l->n_net_devices > 0 &&
      (ns_find(l, SPEC_NS_NETWORK) == NULL || ns_joins_host_netns(cfg)))
    return brig_err(err, 0,
                    "linux.netDevices: requires a network namespace of the "
                    "container's own (.linux.namespaces)");
  if (l != NULL && l->intel_rdt != NULL) {
    if (access("/sys/fs/resctrl/info", F_OK) < 0)
      return brig_err(err, 0,
                      "linux.intelRdt: resctrl is not "
                      "mounted on this host (/sys/fs/resctrl)");
    return brig_err(err, 0,
                    "linux.intelRdt: not supported by "
                    "brig yet");
  }
  if (l != NULL && l->cgroups_path != NULL &&
      !cgroup_path_is_clean(l->cgroups_path))
    return brig_err(err, 0,
                    "linux.cgroupsPath: \"%s\" must not contain \".\" "
                    "or \"..\"",
                    l->cgroups_path);
  if (rootfs_sysctl_check_host(cfg, err) < 0 ||
      proc_check_affinity(cfg->process, err) < 0)
    return -1;
  if (o->use_init) {
    const struct spec_namespace *pidns = ns_find(l, SPEC_NS_PID);
    if (pidns == NULL || (pidns->path != NULL && *pidns->path != '\0'))
      return brig_err(err, 0,
                      "--init requires a new pid namespace "
                      "(.linux.namespaces)");
  }
  if (cfg->process->terminal && o->detached && o->console_socket == NULL)
    return brig_err(err, 0,
                    "cannot allocate tty if brig will detach without setting "
                    "console socket");
  /* runc's checkTerminal: a foreground run relays the terminal itself */
  if ((!cfg->process->terminal || !o->detached) && o->console_socket != NULL)
    return brig_err(err, 0,
                    "cannot use console socket if brig will not detach or "
                    "allocate tty");
  return 0;
}

static int by_key(const void *a, const void *b) {
  return strcmp(((const struct spec_kv *)a)->key,
                ((const struct spec_kv *)b)->key);
}

/* Without a cgroup, `delete --force` after a crash finds the init only by
 * the pid in state.json ("creating" still): record it at once. */
static void record_init(pid_t pid, void *arg) {
  struct container *c = arg;
  struct brig_error e = {0};
  c->st.pid = pid;
  if (proc_start_time(pid, &c->st.init_start_time, NULL) < 0 ||
      container_save(c, &e) < 0)
    log_warn("record the pid of container init %d: %s", (int)pid, e.msg);
}

/* run: state.json is written while the init sets itself up, with the
 * status create gives it once the init is ready ("created", which without
 * an exec FIFO reads as running): the new file costs up to ~1 ms on ext4
 * without a journal, off the critical path here.  Nobody can start a run's
 * container but run itself; a failed set-up removes its files. */
static int save_early(pid_t pid, uint64_t start_time, void *arg,
                      struct brig_error *err) {
  struct container *c = arg;
  c->st.pid = pid;
  c->st.init_start_time = start_time;
  free(c->st.status);
  c->st.status = xstrdup("created");
  return container_save(c, err);
}

/* spawn_opts.late_cgroup: the v1 hierarchies, then the resources. */
struct late_cgroup {
  struct cgroup *cg;
  const struct spec_config *cfg;
};

/* The config's linux.resources on cg (a failure names the field; the
 * command adds the config's name: create_config_error). */
static int apply_resources(struct cgroup *cg, const struct spec_config *cfg,
                           struct brig_error *err) {
  return cgroup_apply(cg, cfg->linux_ ? cfg->linux_->resources : NULL, false,
                      err);
}

static int make_late_cgroup(void *arg, struct brig_error *err) {
  struct late_cgroup *lc = arg;
  if (cgroup_make_some(lc->cg, CGROUP_HIER_V1, err) < 0)
    return -1;
  fault_kill("create-cgroup");
  return apply_resources(lc->cg, lc->cfg, err);
}

/* Undo a failed create: kill, cgroup, files.  Keeps err.  hooks: once
 * the container's environment was being made (the init cloned), its
 * poststop hooks run after, as the runtime-spec's lifecycle goes on
 * after a failed prestart, createRuntime or createContainer hook (and
 * runc's destroy does). */
static void create_cleanup(struct container *c, struct cgroup *cg,
                           const struct spec_hooks *hooks) {
  struct brig_error e = {0};
  if (c->st.pid > 0)
    kill(c->st.pid, SIGKILL);
  if (cg != NULL && cgroup_destroy(cg, &e) < 0)
    log_warn("cleanup: %s", e.msg);
  container_remove_files(c, &e);
  if (hooks != NULL && hooks->n_poststop > 0) {
    _cleanup_free_ char *json = NULL, *what = NULL;
    free(c->st.status);
    c->st.status = xstrdup("stopped");
    json = state_emit_hook(&c->st);
    what = xasprintf("create %s", c->id);
    hooks_run_warn(hooks->poststop, hooks->n_poststop, "poststop", json, what);
  }
}

int container_create(const struct create_opts *o, pid_t *pid_out,
                     int *console_master, int *start_fd,
                     struct container **held, struct brig_error *err) {
  _cleanup_free_ char *bundle = NULL, *rootfs = NULL;
  _cleanup_free_ char *root_joined = NULL;
  const char *cgroups_path;
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int console_sock = -1, console_peer = -1;
  struct spec_config *cfg = NULL;
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  struct spawn_result res = {0};
  struct late_cgroup late_cg = {0};
  bool late, spawned = false;
  struct stat sb;
  int ret = -1;

  if (container_id_valid(o->id, err) < 0)
    return -1;
  bundle = realpath(o->bundle ? o->bundle : ".", NULL);
  if (bundle == NULL)
    return brig_err(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
  /* runc chdirs into the bundle for create and run: their hooks run there */
  hooks_set_dir(bundle);
  cfg = create_load_config(o, bundle, err);
  if (cfg == NULL)
    return -1;
  /* As runc (its signal handler is up before the create): a SIGTERM or a
   * ^C does not end a create or a run (detached too) halfway; what comes
   * is dropped at exit or forwarded.  Not before the config is read: a
   * config.json that is a FIFO nobody writes blocks in open(), and that
   * wait must end on a ^C. */
  supervise_block_signals();
  if (o->args != NULL && cfg->process != NULL) {
    size_t n = strv_len(o->args);
    strv_free(cfg->process->args);
    cfg->process->args = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
      cfg->process->args[i] = xstrdup(o->args[i]);
  }
  security_take_listen_fds();
  security_reserve_fds(o->preserve_fds);
  if (validate_for_create(cfg, o, err) < 0)
    goto out;
  /* LSM and seccomp requests the host cannot honour fail before anything
   * is created. */
  if (security_check_host(cfg, err) < 0)
    goto out;
  root_joined = cfg->root->path[0] == '/'
                    ? xstrdup(cfg->root->path)
                    : xasprintf("%s/%s", bundle, cfg->root->path);
  rootfs = realpath(root_joined, NULL);
  if (rootfs == NULL || stat(rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
    brig_err(err, rootfs ? ENOTDIR : errno,
             "root.path: rootfs (%s) does not exist", cfg->root->path);
    goto out;
  }
  if (rootfs_path_check(cfg->root->path, bundle, rootfs, err) < 0)
    goto out;
  rootfd = container_root_open(o->root, true, err);
  if (rootfd < 0)
    goto out;
  security_precompile(cfg, o->root);
  c = xcalloc(1, sizeof(*c));
  c->id = xstrdup(o->id);
  c->root = xstrdup(o->root);
  c->rootfd = rootfd;
  rootfd = -1;
  c->selffd =
      openat(c->rootfd, o->id,
             O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (c->selffd < 0) {
    if (errno == EEXIST)
      brig_err(err, 0, "container with id exists: %s", o->id);
    else
      brig_err(err, errno, "create %s/%s", o->root, o->id);
    container_free(c);
    c = NULL;
    goto out;
  }
  if (flock(c->selffd, LOCK_EX) < 0) {
    brig_err(err, errno, "lock %s/%s", o->root, o->id);
    container_remove_files(c, err);
    goto out;
  }
  c->locked = true;
  c->st.oci_version = xstrdup(cfg->oci_version);
  c->st.id = xstrdup(o->id);
  c->st.status = xstrdup("creating");
  c->st.bundle = xstrdup(bundle);
  c->st.rootfs = xstrdup(rootfs);
  c->st.created = rfc3339_now();
  c->st.owner = xstrdup("");
  c->st.use_init = o->use_init;
  c->st.no_new_keyring = o->no_new_keyring;
  c->st.exit_status = -1;
  if (cfg->n_annotations > 0) {
    c->st.annotations = xcalloc(cfg->n_annotations, sizeof(struct spec_kv));
    for (size_t i = 0; i < cfg->n_annotations; i++) {
      c->st.annotations[i].key = xstrdup(cfg->annotations[i].key);
      c->st.annotations[i].value = xstrdup(cfg->annotations[i].value);
    }
    c->st.n_annotations = cfg->n_annotations;
    /* runc's state and list give them by key (a Go map's order) */
    qsort(c->st.annotations, c->st.n_annotations, sizeof(struct spec_kv),
          by_key);
  }

  fault_kill("create-file");
  cgroups_path = cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
  if (cgroup_resolve(o->id, cgroups_path, &cg, err) < 0)
    goto fail;
  c->st.cgroup_path = xstrdup(cgroup_path(cg));
  /* A cgroupsPath from the config is recorded before the cgroup is made:
   * a crash from here on leaves a state.json ("creating") that `delete
   * --force` cleans up.  The default one, /brig/<id>, it finds from the id
   * alone in a state dir without state.json: no save (each new file costs
   * on a file system like ext4 without a journal). */
  if (cgroups_path != NULL && *cgroups_path != '\0') {
    if (container_save(c, err) < 0) {
      cgroup_free(cg);
      cg = NULL;
      goto fail;
    }
    fault_kill("create-saved");
  }
  /* As root without a user namespace on a v1 or hybrid host, only the
   * cgroup2 directory (which the init is cloned into) now: the v1 ones and
   * the resources are made while the init makes its network namespace,
   * before it joins them (spawn_opts.late_cgroup).  (On v2 the limits are
   * written before the init is cloned into them.)  Rootless without a
   * delegated cgroup: none (cg NULL, path ""). */
  late = !rootless_cgroups() && ns_find(cfg->linux_, SPEC_NS_USER) == NULL &&
         cgroup_get_layout(cg) != CGROUP_LAYOUT_V2;
  if (late) {
    if (cgroup_make_some(cg, CGROUP_HIER_V2, err) < 0)
      goto fail;
    late_cg.cg = cg;
    late_cg.cfg = cfg;
  } else {
    if (rootless_cgroup_make(&cg, cfg, err) < 0)
      goto fail;
    if (cg == NULL) {
      free(c->st.cgroup_path);
      c->st.cgroup_path = xstrdup("");
      if (container_save(c, err) < 0)
        goto fail;
    }
    fault_kill("create-cgroup");
  }
  if (cg != NULL)
    c->st.freezer_file = cgroup_freezer_file(cg);
  if (notify_prepare(cfg, c->rootfd, c->root, c->id, err) < 0)
    goto fail;
  if (!late && cg != NULL && apply_resources(cg, cfg, err) < 0)
    goto fail;
  /* start and delete read only state.json, unless there are hooks for
   * them; exec reads the bundle's config.json, unless this one came from
   * elsewhere (--config, --set): keep the config those need. */
  if ((cfg->hooks != NULL &&
       cfg->hooks->n_poststart + cfg->hooks->n_poststop) ||
      o->config_file != NULL || (o->sets != NULL && o->sets[0] != NULL)) {
    /* as parsed: --config and --set included */
    _cleanup_free_ char *data = spec_emit(cfg, false, err);
    if (data == NULL || container_write(c, KEPT_KIND, data, err) < 0)
      goto fail;
  } else {
    c->no_kept_config = true;
  }

  if (o->console_socket != NULL) {
    /* runc has entered the bundle by then: a relative path is the
     * bundle's */
    _cleanup_free_ char *sock =
        o->console_socket[0] == '/'
            ? xstrdup(o->console_socket)
            : xasprintf("%s/%s", bundle, o->console_socket);
    console_sock = console_socket_connect(sock, err);
    if (console_sock < 0)
      goto fail;
  } else if (cfg->process->terminal && o->receive_console) {
    /* brig relays: the pty starts at the size of the terminal the user
     * sits at (supervise follows its changes), so a process that asks at
     * once never sees 0x0 (as exec) */
    struct spec_process *p = cfg->process;
    if (!p->has_console_size &&
        terminal_host_size(&p->console_height, &p->console_width))
      p->has_console_size = true;
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
      brig_err(err, errno, "console socketpair");
      goto fail;
    }
    console_sock = sp[0];
    console_peer = sp[1];
  } else if (!cfg->process->terminal && o->foreground &&
             supervise_pipes_make(cfg->linux_, err) < 0) {
    goto fail;
  }

  bool saved_early = start_fd != NULL && cg != NULL;
  /* run may start the init once its state is saved when nothing else has
   * to come first: the pid file, the terminal handed over, the notify
   * socket's listener, hooks and a seccomp listener that answer on the
   * same socket before the init is set up. */
  const struct spec_hooks *hk = cfg->hooks;
  bool start_at_go =
      saved_early && o->start_early && o->pid_file == NULL &&
      !cfg->process->terminal && !notify_wanted(cfg) &&
      (hk == NULL || hk->n_prestart + hk->n_create_runtime == 0) &&
      (cfg->linux_ == NULL || cfg->linux_->seccomp == NULL ||
       cfg->linux_->seccomp->listener_path == NULL);
  struct spawn_opts so = {.cfg = cfg,
                          .id = o->id,
                          .bundle = bundle,
                          .rootfs = rootfs,
                          .state_rootfd = c->rootfd,
                          .start_by_socket = start_fd != NULL,
                          .start_at_go = start_at_go,
                          .cg = cg,
                          .console_sock = console_sock,
                          .no_pivot = o->no_pivot,
                          .no_new_keyring = o->no_new_keyring,
                          .preserve_fds = o->preserve_fds,
                          .use_init = o->use_init,
                          .state = &c->st,
                          .on_clone = cg == NULL ? record_init : NULL,
                          .on_clone_arg = c,
                          .on_go = saved_early ? save_early : NULL,
                          .late_cgroup = late ? make_late_cgroup : NULL,
                          .late_cgroup_arg = &late_cg};
  res.start_fd = -1;
  spawned = true;
  if (spawn_container(&so, &res, err) < 0) {
    c->st.pid = 0; /* killed and reaped there: the pid is free for reuse */
    goto fail;
  }
  fault_kill("create-spawned");
  c->st.pid = res.pid;
  c->st.init_start_time = res.start_time;
  c->started = res.started;
  free(c->st.status);
  c->st.status = xstrdup("created");
  if (console_peer >= 0) {
    *console_master = fd_recv(console_peer, err);
    if (*console_master < 0)
      goto fail;
    if (terminal_clear_onlcr(*console_master, err) < 0) {
      close(*console_master);
      *console_master = -1;
      goto fail;
    }
  }
  if (!saved_early && container_save(c, err) < 0)
    goto fail;
  fault_kill("create-done");
  if (o->pid_file != NULL && write_pid_file(o->pid_file, res.pid, err) < 0)
    goto fail;
  if (pid_out != NULL)
    *pid_out = res.pid;
  if (start_fd != NULL)
    *start_fd = steal_fd(&res.start_fd);
  if (held != NULL)
    *held = steal_pointer(&c);
  ret = 0;
  goto out;
fail:
  create_cleanup(c, cg, spawned ? cfg->hooks : NULL);
out:
  if (res.start_fd >= 0)
    close(res.start_fd);
  cgroup_free(cg);
  container_free(c);
  spec_free(cfg);
  return ret;
}

static int destroy(struct container *c, const struct spec_config *hooks_cfg,
                   struct brig_error *err);

/* Wait for the init's answer on the exec FIFO (or run's socket): "0" to
 * go on, or "1<message>" when a startContainer hook failed. */
static int await_started(struct container *c, int fifo,
                         struct brig_error *err) {
  char buf[BRIG_ERROR_MAX + 2];
  size_t got = 0;
  for (;;) {
    struct pollfd pf = {.fd = fifo, .events = POLLIN};
    int n = poll(&pf, 1, 100);
    if (n < 0 && errno != EINTR)
      return brig_err(err, errno, "wait on exec fifo");
    if (n > 0) {
      ssize_t r = read(fifo, buf + got, sizeof(buf) - 1 - got);
      if (r > 0) {
        got += (size_t)r;
        if (buf[0] == '0')
          return 0;
        if (got < sizeof(buf) - 1)
          continue;
      }
      if (r < 0 && errno == EAGAIN)
        continue;
      if (got > 0) { /* EOF after a failure message */
        buf[got] = '\0';
        return brig_err(err, 0, "%s", buf + 1);
      }
    }
    if (!proc_alive(c->st.pid, c->st.init_start_time))
      return brig_err(err, 0, "container init exited before start");
  }
}

/* Start the loaded (locked) container c: through exec.fifo, or (run,
 * start_fd >= 0) over the init's socket. */
static int start_loaded(struct container *c, int start_fd, int *notify_out,
                        struct brig_error *err) {
  const char *id = c->id;
  struct spec_config *hooks_cfg = NULL;
  _cleanup_close_ int fifo = start_fd, notify = -1;
  int ret = -1;

  /* run made it a moment ago: without a FIFO it already counts as
   * running; await_started finds out if its init died. */
  if (start_fd < 0 && strcmp(c->st.status, "created") != 0) {
    if (strcmp(c->st.status, "stopped") == 0)
      brig_err(err, 0, "cannot start a container that has stopped");
    else if (strcmp(c->st.status, "running") == 0)
      brig_err(err, 0, "cannot start an already running container");
    else
      brig_err(err, 0, "cannot start a container in the %s state",
               c->st.status);
    goto out;
  }
  /* start waits for READY=1 only for a caller that has a NOTIFY_SOCKET
   * (runc's notifySocketStart); run's create had it if it listens. */
  const char *want_notify = getenv("NOTIFY_SOCKET");
  if (start_fd >= 0 || (want_notify != NULL && *want_notify != '\0')) {
    notify = notify_listen(c->rootfd, c->id, err);
    if (notify < 0 && err->msg[0] != '\0')
      goto out;
  }
  if (start_fd >= 0) {
    /* run: one byte on the init's socket starts it (create may have sent
     * it already). */
    if (!c->started && send(start_fd, "g", 1, MSG_NOSIGNAL) != 1) {
      brig_err(err, errno, "start container init");
      goto out;
    }
  } else {
    _cleanup_close_ int dirfd =
        container_kind_dir(c->rootfd, FIFO_KIND, false, err);
    /* Non-blocking open: the init may have died; poll while it lives. */
    if (dirfd >= 0)
      fifo =
          openat(dirfd, c->id, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fifo < 0) {
      brig_err(err, errno, "open exec fifo");
      goto out;
    }
    /* The open let the init go on: from now on it is no longer "created",
     * even if this start dies before the init answers. */
    unlinkat(dirfd, c->id, 0);
  }
  fault_kill("start-opened");
  if (await_started(c, fifo, err) < 0) {
    /* A failed startContainer hook: stop and remove the container, then
     * its poststop hooks (runtime-spec lifecycle). */
    struct brig_error e = {0};
    if (container_load_kept(c, &hooks_cfg, &e) < 0)
      brig_err_clear(&e);
    if (destroy(c, hooks_cfg, &e) < 0)
      log_warn("start %s: remove: %s", id, e.msg);
    goto out;
  }
  /* Not saved: "created" is the exec FIFO's being there (none for run);
   * the poststart hooks see it running. */
  fault_kill("start-released");
  free(c->st.status);
  c->st.status = xstrdup("running");
  if (container_load_kept(c, &hooks_cfg, err) < 0)
    goto out;
  /* A failed poststart hook is a warning; the others still run and the
   * container stays (runtime-spec; runc stops it instead). */
  if (hooks_cfg != NULL && hooks_cfg->hooks != NULL &&
      hooks_cfg->hooks->n_poststart > 0) {
    _cleanup_free_ char *json = state_emit_hook(&c->st);
    _cleanup_free_ char *what = xasprintf("start %s", id);
    /* The container has started: a hook may `exec` into it, `pause` it
     * or read its `ps`, which take its lock (runc holds none). */
    container_unlock(c);
    /* A foreground run relays the process's output meanwhile, as runc's
     * copy goroutines do: a hook that waits on what the process writes
     * would otherwise wait on a full pipe. */
    pid_t parent = getpid();
    pid_t hp = notify_out != NULL ? fork() : -1;
    if (hp == 0) {
      /* brig's ends closed (EOF and EPIPE stay what the process does);
       * brig killed, the hooks left to run end (the caller's fds held) */
      supervise_pipes_forget();
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(1);
      hooks_run_warn(hooks_cfg->hooks->poststart, hooks_cfg->hooks->n_poststart,
                     "poststart", json, what);
      _exit(0);
    }
    if (hp > 0) {
      c->poststart_pid = hp;
      /* not reaped yet (only brig reaps): the pidfd is this child's */
      c->poststart_pidfd = (int)syscall(SYS_pidfd_open, hp, 0);
    } else
      hooks_run_warn(hooks_cfg->hooks->poststart, hooks_cfg->hooks->n_poststart,
                     "poststart", json, what);
  }
  if (notify_out != NULL) {
    /* a foreground run: supervise waits for READY=1 while it relays the
     * terminal and forwards signals */
    *notify_out = notify;
    notify = -1;
  } else if (notify >= 0) {
    /* As runc: start returns once the container said READY=1. */
    pid_t pid = c->st.pid;
    uint64_t st = c->st.init_start_time;
    container_unlock(c);
    if (notify_relay(notify, pid, st, pid, err) < 0)
      goto out;
  }
  ret = 0;
out:
  spec_free(hooks_cfg);
  return ret;
}

int container_start(const char *root, const char *id, struct brig_error *err) {
  struct container *c = NULL;
  int ret = -1;
  if (container_load(root, id, &c, err) == 0)
    ret = start_loaded(c, -1, NULL, err);
  container_free(c);
  return ret;
}

void container_poststart_wait(struct container *c) {
  if (c->poststart_pid <= 0)
    return;
  if (c->poststart_pidfd >= 0) {
    /* supervise, a subreaper's, may have reaped it: its pid could be
     * another's now, its pidfd is still its own (readable once exited) */
    struct pollfd pf = {.fd = c->poststart_pidfd, .events = POLLIN};
    siginfo_t si;
    while (poll(&pf, 1, -1) < 0 && errno == EINTR)
      ;
    waitid((idtype_t)3 /* P_PIDFD */, (id_t)c->poststart_pidfd, &si,
           WEXITED | WNOHANG);
    close(c->poststart_pidfd);
  } else {
    while (waitpid(c->poststart_pid, NULL, 0) < 0 && errno == EINTR)
      ;
  }
  c->poststart_pid = 0;
  c->poststart_pidfd = -1;
}

int container_start_held(struct container *c, int start_fd, int *notify,
                         struct brig_error *err) {
  int ret;
  if (notify != NULL)
    *notify = -1;
  ret = start_loaded(c, start_fd, notify, err);
  container_unlock(c);
  return ret;
}

int container_kill(const char *root, const char *id, int sig, bool all,
                   struct brig_error *err) {
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  _cleanup_close_ int pidfd = -1;
  int ret = -1;

  if (container_read(root, id, &c, err) < 0)
    goto out;
  bool stopped = strcmp(c->st.status, "stopped") == 0;
  bool has_cg = c->st.cgroup_path != NULL && *c->st.cgroup_path != '\0';
  if ((stopped && !all) || strcmp(c->st.status, "creating") == 0) {
    brig_err(err, 0, "container not running");
    goto out;
  }
  /* As runc: --all of a stopped container signals what is left in its
   * cgroup (the init gone, processes it left behind, without a pid
   * namespace: containerd's shim kills them so), and is no error once
   * the cgroup is gone too. */
  if (stopped && (!has_cg || cgroup_open(c->st.cgroup_path, &cg, err) < 0 ||
                  !cgroup_exists(cg))) {
    ret = 0;
    goto out;
  }
  /* Without a cgroup (rootless), --all signals the init alone. */
  if (all && has_cg) {
    if ((cg == NULL && cgroup_open(c->st.cgroup_path, &cg, err) < 0) ||
        cgroup_kill_all(cg, sig, err) < 0)
      goto out;
  } else {
    pidfd = proc_pidfd_open(c->st.pid, c->st.init_start_time, err);
    if (pidfd < 0) {
      if (err->errnum == ESRCH)
        brig_err(err, 0, "container not running");
      goto out;
    }
    if (proc_pidfd_signal(pidfd, sig) < 0) {
      brig_err(err, errno, "signal %d to container init", sig);
      goto out;
    }
  }
  /* A frozen process gets no signal until thawed. */
  if (sig == SIGKILL && strcmp(c->st.status, "paused") == 0) {
    if (cg == NULL && cgroup_open(c->st.cgroup_path, &cg, err) < 0)
      goto out;
    if (cgroup_freeze(cg, false, err) < 0)
      goto out;
  }
  ret = 0;
out:
  cgroup_free(cg);
  container_free(c);
  return ret;
}

/* Wait up to timeout_ms for the process behind pidfd to exit. */
static bool wait_pidfd(int pidfd, int timeout_ms) {
  struct pollfd pf = {.fd = pidfd, .events = POLLIN};
  return poll(&pf, 1, timeout_ms) > 0;
}

/* Kill the init (thawing it if frozen), remove the cgroup and the files,
 * then run the poststop hooks of hooks_cfg (failures are warnings). */
static int destroy(struct container *c, const struct spec_config *hooks_cfg,
                   struct brig_error *err) {
  struct cgroup *cg = NULL;
  struct brig_error e = {0};
  int ret = -1;

  if (c->st.pid > 0 && proc_alive(c->st.pid, c->st.init_start_time)) {
    int pidfd = proc_pidfd_open(c->st.pid, c->st.init_start_time, &e);
    if (pidfd >= 0) {
      proc_pidfd_signal(pidfd, SIGKILL);
      if (c->st.cgroup_path && cgroup_open(c->st.cgroup_path, &cg, &e) == 0 &&
          cgroup_is_frozen(cg) == 1)
        cgroup_freeze(cg, false, &e);
      wait_pidfd(pidfd, 10000);
      close(pidfd);
    }
  }
  fault_kill("delete-killed");
  if (c->st.cgroup_path != NULL && *c->st.cgroup_path != '\0') {
    /* A cgroup the kernel will not remove (a process stuck in D state,
     * no pid namespace) is left behind with a warning: the container
     * goes, as runc's destroy does, or no later delete could end it. */
    if ((cg == NULL && cgroup_open(c->st.cgroup_path, &cg, &e) < 0) ||
        (fault_fail("delete-cgroup")
             ? brig_err(&e, EBUSY, "remove cgroup %s", c->st.cgroup_path)
             : cgroup_destroy(cg, &e)) < 0)
      log_warn("delete %s: its cgroup is left behind: %s", c->id, e.msg);
  }
  fault_kill("delete-cgroup");
  if (container_remove_files(c, err) < 0)
    goto out;
  ret = 0;
  if (hooks_cfg != NULL && hooks_cfg->hooks != NULL &&
      hooks_cfg->hooks->n_poststop > 0) {
    _cleanup_free_ char *json = NULL, *what = NULL;
    free(c->st.status);
    c->st.status = xstrdup("stopped");
    json = state_emit_hook(&c->st);
    what = xasprintf("delete %s", c->id);
    hooks_run_warn(hooks_cfg->hooks->poststop, hooks_cfg->hooks->n_poststop,
                   "poststop", json, what);
  }
out:
  cgroup_free(cg);
  return ret;
}

int container_delete(const char *root, const char *id, bool force,
                     struct brig_error *err) {
  struct container *c = NULL;
  struct spec_config *hooks_cfg = NULL;
  int ret = -1;

  if (container_load(root, id, &c, err) < 0) {
    if (c == NULL) {
      /* Gone: --force succeeds, as runc. */
      if (force && err->errnum == ENOENT) {
        brig_err_clear(err);
        return 0;
      }
      return -1;
    }
    /* A torn or missing state.json: only --force may clean it up. */
    if (!force)
      goto out;
    log_warn("delete %s: %s; removing it", id, err->msg);
    brig_err_clear(err);
    /* Its init and cgroup are unknown: empty and remove the default
     * cgroup, /brig/<id>, so no process or cgroup is left behind. */
    if (c->st.cgroup_path == NULL || *c->st.cgroup_path == '\0') {
      free(c->st.cgroup_path);
      c->st.cgroup_path = cgroup_default_path(id);
    }
  }
  if (!force && (strcmp(c->st.status, "running") == 0 ||
                 strcmp(c->st.status, "paused") == 0)) {
    brig_err(err, 0, "cannot delete container %s that is not stopped: %s", id,
             c->st.status);
    goto out;
  }
  if (container_load_kept(c, &hooks_cfg, err) < 0) {
    if (!force)
      goto out;
    brig_err_clear(err);
  }
  if (destroy(c, hooks_cfg, err) < 0)
    goto out;
  ret = 0;
out:
  spec_free(hooks_cfg);
  container_free(c);
  return ret;
}

int container_remove_exited(struct container *c, struct brig_error *err) {
  struct spec_config *hooks_cfg = NULL;
  int ret;

  /* A `delete --force` removed it meanwhile (an id made again since is
   * another container, with another file). */
  if (container_lock(c, err) < 0) {
    if (err->errnum != ENOENT)
      return -1;
    brig_err_clear(err);
    return 0;
  }
  /* As delete --force: a kept config that does not load runs no hooks. */
  if (container_load_kept(c, &hooks_cfg, err) < 0)
    brig_err_clear(err);
  ret = destroy(c, hooks_cfg, err);
  spec_free(hooks_cfg);
  return ret;
}

int container_record_exit(struct container *c, int code,
                          struct brig_error *err) {
  int ret;
  /* through its own file: gone (a delete meanwhile), nothing to record */
  if (container_lock(c, err) < 0)
    return err->errnum == ENOENT ? (brig_err_clear(err), 0) : -1;
  c->st.exit_status = code;
  ret = container_save(c, err);
  container_unlock(c);
  return ret;
}
