/* brig monitor [-f text|json] [ID...] (lxc-monitor): print each state change
 * as it happens, until interrupted.  No daemon: inotify sees what any brig
 * command records in the state root, pidfds see init exits. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "exitnote.h"
#include "proc.h"
#include "util.h"
#include "watch.h"

static const char usage[] =
    "usage: brig monitor [command options] [container-id...]\n\n"
    "Print each state change of the named containers (default: all under "
    "--root) as it happens: created, running, paused, resumed, stopped, "
    "oom, deleted (lxc-monitor).\n\n"
    "Options:\n"
    "   --format value, -f value  text or json (default: \"text\")\n";

struct watched {
  char *id;
  char *status; /* last seen; "" before the first look */
  int pidfd;    /* its init, -1 when none */
  int oomfd;    /* memory.oom_control eventfd, -1 when none */
  int exit;     /* exit status a run sent (exitnote), -1 when none */
  char *cgpath; /* the cgroup oomfd watches */
};

static int note_fd = -1; /* exit statuses from foreground runs */

static struct watched *ws;
static size_t nws;
static bool json;

static void emit_status(const char *id, const char *event, int status) {
  _cleanup_free_ char *t = rfc3339_now();
  if (json && status >= 0)
    printf("{\"time\":\"%s\",\"id\":\"%s\",\"event\":\"%s\","
           "\"status\":%d}\n",
           t, id, event, status);
  else if (json)
    printf("{\"time\":\"%s\",\"id\":\"%s\",\"event\":\"%s\"}\n", t, id, event);
  else if (status >= 0)
    printf("%s %s %s %d\n", t, id, event, status);
  else
    printf("%s %s %s\n", t, id, event);
  fflush(stdout);
}

static void emit(const char *id, const char *event) {
  emit_status(id, event, -1);
}

static struct watched *find(const char *id) {
  for (size_t i = 0; i < nws; i++)
    if (strcmp(ws[i].id, id) == 0)
      return &ws[i];
  return NULL;
}

static struct watched *add(const char *id) {
  ws = xrealloc(ws, (nws + 1) * sizeof(*ws));
  ws[nws] = (struct watched){.id = xstrdup(id),
                             .status = xstrdup(""),
                             .pidfd = -1,
                             .oomfd = -1,
                             .exit = -1};
  return &ws[nws++];
}

static void read_notes(void) {
  char *id;
  int st;
  while (note_fd >= 0 && exitnote_recv(note_fd, &id, &st)) {
    struct watched *w = find(id);
    if (w != NULL)
      w->exit = st;
    free(id);
  }
}

/* A foreground `run` sends the exit status as its process ends: the note
 * may still be on its way when the pidfd says the process is gone. */
static int exit_status(struct watched *w) {
  read_notes();
  for (int i = 0; w->exit < 0 && note_fd >= 0 && i < 10; i++) {
    struct pollfd pf = {.fd = note_fd, .events = POLLIN};
    if (poll(&pf, 1, 100) > 0)
      read_notes();
  }
  return w->exit;
}

/* Look at the container again; print the transition, if any. */
static void refresh(struct watched *w, bool quiet) {
  struct container *c = NULL;
  struct brig_error e = {0};
  _cleanup_free_ char *now = NULL;
  int known_exit = -1;

  /* without waiting for the lock: a create's or start's hooks may hold it
   * for long, and every other container's events would wait */
  if (container_read_try(brig_g.root, w->id, &c, &e) < 0) {
    now = xstrdup((c == NULL && e.errnum == ENOENT) ? "deleted" : "creating");
  } else {
    now = xstrdup(c->st.status);
    known_exit = c->st.exit_status;
    if (w->pidfd < 0 && c->st.pid > 0 && strcmp(now, "stopped") != 0)
      w->pidfd = proc_pidfd_open(c->st.pid, c->st.init_start_time, &e);
    if (w->oomfd < 0 && c->st.cgroup_path && *c->st.cgroup_path &&
        strcmp(now, "stopped") != 0) {
      struct cgroup *cg = NULL;
      if (cgroup_open(c->st.cgroup_path, &cg, &e) == 0)
        w->oomfd = cgroup_oom_eventfd(cg, &e);
      cgroup_free(cg);
      free(w->cgpath);
      w->cgpath = xstrdup(c->st.cgroup_path);
    }
  }
  /* Release the container's lock before anything that may load it again. */
  container_free(c);
  if (strcmp(now, w->status) != 0 && strcmp(now, "creating") != 0) {
    if (!quiet) {
      if (strcmp(now, "running") == 0 && strcmp(w->status, "paused") == 0)
        emit(w->id, "resumed");
      else if (strcmp(now, "stopped") == 0) {
        emit_status(w->id, now, known_exit >= 0 ? known_exit : exit_status(w));
        w->exit = -1; /* told: a later container of this id has its own */
      } else if (strcmp(now, "deleted") == 0 &&
                 (strcmp(w->status, "created") == 0 ||
                  strcmp(w->status, "running") == 0 ||
                  strcmp(w->status, "paused") == 0)) {
        /* A fast `run` removes its state before we look again: it did
         * stop first (its exit status came as a note). */
        emit_status(w->id, "stopped", exit_status(w));
        w->exit = -1;
        emit(w->id, now);
      } else if (strcmp(now, "deleted") != 0 || *w->status != '\0')
        emit(w->id, now);
    }
    free(w->status);
    w->status = xstrdup(now);
  }
  if (strcmp(now, "deleted") == 0 || strcmp(now, "stopped") == 0) {
    if (w->pidfd >= 0)
      close(w->pidfd);
    w->pidfd = -1;
  }
  if (strcmp(now, "deleted") == 0) {
    if (w->oomfd >= 0)
      close(w->oomfd);
    w->oomfd = -1;
  }
}

/* v1's memory.oom_control eventfd also fires when the cgroup goes: only
 * an OOM while the cgroup is there is one. */
static void oom_fired(struct watched *w) {
  struct cgroup *cg = NULL;
  struct brig_error e = {0};
  uint64_t cnt;
  if (read(w->oomfd, &cnt, sizeof(cnt)) != sizeof(cnt))
    return;
  if (w->cgpath != NULL && cgroup_open(w->cgpath, &cg, &e) == 0 &&
      cgroup_exists(cg)) {
    emit(w->id, "oom");
  } else {
    close(w->oomfd);
    w->oomfd = -1;
  }
  cgroup_free(cg);
}

static bool wanted(char **ids, int n, const char *id) {
  if (n == 0)
    return id[0] != '.';
  for (int i = 0; i < n; i++)
    if (strcmp(ids[i], id) == 0)
      return true;
  return false;
}

/* Look at every container the root holds (wanted ones) and every one
 * followed: at the start (quiet), and when the kernel dropped inotify
 * events (IN_Q_OVERFLOW), whatever changed meanwhile. */
static void rescan(char **ids, int nids, bool quiet) {
  struct brig_error e = {0};
  _cleanup_close_ int rfd = container_root_open(brig_g.root, false, &e);
  DIR *d = rfd >= 0 ? fdopendir(dup(rfd)) : NULL;
  struct dirent *de;
  for (int i = 0; i < nids; i++)
    if (find(ids[i]) == NULL)
      add(ids[i]);
  while (d != NULL && (de = readdir(d)) != NULL)
    if (de->d_name[0] != '.' && wanted(ids, nids, de->d_name) &&
        find(de->d_name) == NULL)
      add(de->d_name);
  if (d != NULL)
    closedir(d);
  for (size_t i = 0; i < nws; i++)
    refresh(&ws[i], quiet);
}

/* A container seen deleted, with nothing open of it, is forgotten: a
 * monitor of a busy root keeps only what lives.  A later container of
 * that id is found again by its file. */
static void forget_deleted(void) {
  size_t n = 0;
  for (size_t i = 0; i < nws; i++) {
    struct watched *w = &ws[i];
    if (strcmp(w->status, "deleted") == 0 && w->pidfd < 0 && w->oomfd < 0) {
      free(w->id);
      free(w->status);
      free(w->cgpath);
      continue;
    }
    ws[n++] = *w;
  }
  nws = n;
}

CMD(monitor) {
  char **ids;
  _cleanup_free_ char *note_path = NULL;
  int nids, c, ino, sfd;
  sigset_t mask;

  c = cli_format_only(argc, argv, "monitor", usage, &json, err);
  if (c != 0)
    return c == CLI_HELP ? 0 : 1;
  ids = argv + optind;
  nids = argc - optind;
  for (int i = 0; i < nids; i++)
    if (container_id_valid(ids[i], err) < 0)
      return 1;
  if (mkdir_p(brig_g.root, 0700) < 0) {
    brig_err(err, errno, "create state root %s", brig_g.root);
    return 1;
  }
  ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  /* A container's own file (made, removed), its state.json (replaced by
   * rename), its exec FIFO (removed by start): the container is the name
   * in each directory. */
  if (ino < 0 || inotify_add_watch(ino, brig_g.root,
                                   IN_CREATE | IN_DELETE | IN_ONLYDIR) < 0) {
    brig_err(err, errno, "watch %s", brig_g.root);
    return 1;
  }
  {
    _cleanup_close_ int rfd = container_root_open(brig_g.root, false, err);
    _cleanup_close_ int state = -1, fifo = -1;
    if (rfd < 0 ||
        (state = container_kind_dir(rfd, STATE_KIND, true, err)) < 0 ||
        (fifo = container_kind_dir(rfd, FIFO_KIND, true, err)) < 0)
      return 1;
  }
  watch_kind(ino, brig_g.root, STATE_KIND, IN_MOVED_TO);
  watch_kind(ino, brig_g.root, FIFO_KIND, IN_DELETE);
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  note_fd = exitnote_listen(brig_g.root, &note_path);
  rescan(ids, nids, true);
  for (;;) {
    struct pollfd *pf = xcalloc(3 + 2 * nws, sizeof(*pf));
    size_t n = 3;
    pf[0] = (struct pollfd){.fd = ino, .events = POLLIN};
    pf[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
    pf[2] = (struct pollfd){.fd = note_fd, .events = POLLIN};
    for (size_t i = 0; i < nws; i++) {
      pf[n++] = (struct pollfd){.fd = ws[i].pidfd, .events = POLLIN};
      pf[n++] = (struct pollfd){.fd = ws[i].oomfd, .events = POLLIN};
    }
    if (poll(pf, n, -1) < 0 && errno != EINTR) {
      free(pf);
      break;
    }
    if (pf[1].revents & POLLIN) {
      free(pf);
      break;
    }
    if (pf[2].revents & POLLIN)
      read_notes();
    for (size_t i = 0; i < nws; i++) {
      if (pf[4 + 2 * i].revents & POLLIN)
        oom_fired(&ws[i]);
      if (pf[3 + 2 * i].revents & POLLIN) {
        /* that init is gone, whatever the id names now: a pidfd left
         * open would be readable for ever */
        close(ws[i].pidfd);
        ws[i].pidfd = -1;
        refresh(&ws[i], false);
      }
    }
    free(pf);
    { /* the inotify events: the name is the container's */
      char buf[4096] __attribute__((aligned(8)));
      ssize_t len;
      while ((len = read(ino, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + len;) {
          struct inotify_event *ev = (struct inotify_event *)p;
          p += sizeof(*ev) + ev->len;
          if (ev->mask & IN_Q_OVERFLOW)
            rescan(ids, nids, false);
          else if (ev->len > 0 && wanted(ids, nids, ev->name)) {
            struct watched *w = find(ev->name);
            if (w == NULL)
              w = add(ev->name);
            refresh(w, false);
          }
        }
      }
    }
    forget_deleted();
  }
  if (note_path != NULL)
    exitnote_unlisten(brig_g.root, note_path);
  return 0;
}
