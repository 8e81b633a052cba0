#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "proc.h"
#include "util.h"

static bool wait_exit(int pidfd, int64_t timeout_ms) {
  struct pollfd pf = {.fd = pidfd, .events = POLLIN};
  int64_t deadline = monotonic_ms() + timeout_ms;
  for (;;) {
    int64_t left = deadline - monotonic_ms();
    int n = poll(&pf, 1, left < 0 ? 0 : (int)(left > 60000 ? 60000 : left));
    if (n > 0)
      return true;
    if (n == 0 && monotonic_ms() >= deadline)
      return false;
  }
}

int container_stop(const char *root, const char *id, int sig,
                   int64_t timeout_ms, struct brig_error *err) {
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  int pidfd = -1, ret = -1;
  bool paused;

  if (container_load(root, id, &c, err) < 0)
    goto out;
  if (strcmp(c->st.status, "stopped") == 0) {
    ret = 0;
    goto out;
  }
  paused = strcmp(c->st.status, "paused") == 0;
  pidfd = proc_pidfd_open(c->st.pid, c->st.init_start_time, err);
  if (pidfd < 0) {
    if (err->errnum == ESRCH) {
      brig_err_clear(err);
      ret = 0;
    }
    goto out;
  }
  if (c->st.cgroup_path != NULL && *c->st.cgroup_path != '\0' &&
      cgroup_open(c->st.cgroup_path, &cg, err) < 0)
    goto out;
  /* The lock is not held while waiting. */
  container_unlock(c);
  if (proc_pidfd_signal(pidfd, sig) < 0) {
    brig_err(err, errno, "signal %d to container init", sig);
    goto out;
  }
  /* A frozen process handles its signal only once thawed. */
  if (paused && cg != NULL && cgroup_freeze(cg, false, err) < 0)
    goto out;
  if (!wait_exit(pidfd, timeout_ms)) {
    proc_pidfd_signal(pidfd, SIGKILL);
    if (cg != NULL && cgroup_is_frozen(cg) == 1)
      cgroup_freeze(cg, false, err);
    if (!wait_exit(pidfd, 10000)) {
      brig_err(err, 0, "container init did not exit after SIGKILL");
      goto out;
    }
  }
  ret = 0;
out:
  if (pidfd >= 0)
    close(pidfd);
  cgroup_free(cg);
  container_free(c);
  return ret;
}

/* The status now; "deleted" when the container's file is gone; NULL with
 * err filled when it cannot be read at all (the root not a directory,
 * unreadable, a damaged state.json): waiting would never end. */
static char *status_now(const char *root, const char *id,
                        struct brig_error *err) {
  struct container *c = NULL;
  struct brig_error e = {0};
  char *s;
  if (container_load_try(root, id, &c, &e) < 0) {
    container_free(c);
    if (e.errnum == ENOENT && c == NULL)
      return xstrdup("deleted");
    /* a create, start or delete at work (its hooks may take long): look
     * again, within the deadline */
    if (e.errnum == EWOULDBLOCK)
      return xstrdup("creating");
    *err = e;
    return NULL;
  }
  s = xstrdup(c->st.status);
  container_free(c);
  return s;
}

void watch_kind(int ino, const char *root, const char *kind, uint32_t mask) {
  _cleanup_free_ char *dir = xasprintf("%s/%s", root, kind);
  inotify_add_watch(ino, dir, mask | IN_ONLYDIR | IN_DONT_FOLLOW);
}

/* want: one state or several, "running|stopped" (lxc-wait's -s), in
 * any case. */
static bool reached(const char *status, const char *want) {
  for (const char *w = want; *w != '\0';) {
    size_t len = strcspn(w, "|");
    if ((strlen(status) == len && strncasecmp(status, w, len) == 0) ||
        /* A deleted container is past every state but is certainly
         * stopped. */
        (strcmp(status, "deleted") == 0 && len == 7 &&
         strncasecmp(w, "stopped", 7) == 0))
      return true;
    w += len + (w[len] == '|');
  }
  return false;
}

int container_wait(const char *root, const char *id, const char *state,
                   int64_t timeout_ms, struct brig_error *err) {
  static const char *states[] = {"created", "running", "paused", "stopped",
                                 "deleted"};
  int64_t deadline = monotonic_ms() + timeout_ms;
  int ino = -1, pidfd = -1, ret = -1;
  bool known = false;

  for (const char *w = state; *w != '\0' || w == state;) {
    size_t len = strcspn(w, "|");
    known = false;
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
      known |= strlen(states[i]) == len && strncasecmp(w, states[i], len) == 0;
    if (!known)
      break;
    w += len + (w[len] == '|');
  }
  if (!known)
    return brig_err(err, 0,
                    "wait: unknown state \"%s\" (created, running, "
                    "paused, stopped, deleted)",
                    state);
  if (container_id_valid(id, err) < 0)
    return -1;
  ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (ino < 0)
    return brig_err(err, errno, "inotify");
  /* The container's own file (made, removed), state.json (replaced by
   * rename), the exec FIFO (removed by start). */
  inotify_add_watch(ino, root, IN_CREATE | IN_DELETE);
  watch_kind(ino, root, STATE_KIND, IN_MOVED_TO);
  watch_kind(ino, root, FIFO_KIND, IN_DELETE);
  for (;;) {
    _cleanup_free_ char *st = status_now(root, id, err);
    struct pollfd pf[2];
    int64_t left;
    int n;

    if (st == NULL)
      break;
    if (reached(st, state)) {
      ret = 0;
      break;
    }
    if (strcmp(st, "deleted") == 0) { /* and not waited for */
      brig_err(err, 0, "container does not exist");
      break;
    }
    if (pidfd == -1 && strcmp(st, "deleted") != 0) {
      struct container *c = NULL;
      struct brig_error e = {0};
      if (container_load_try(root, id, &c, &e) == 0 && c->st.pid > 0)
        pidfd = proc_pidfd_open(c->st.pid, c->st.init_start_time, &e);
      container_free(c);
    }
    left = timeout_ms < 0 ? 1000 : deadline - monotonic_ms();
    if (left <= 0) {
      ret = 1;
      break;
    }
    pf[0] = (struct pollfd){.fd = ino, .events = POLLIN};
    pf[1] = (struct pollfd){.fd = pidfd, .events = POLLIN};
    /* Freezing is not seen by inotify: look again each second at most. */
    n = poll(pf, 2, (int)(left > 1000 ? 1000 : left));
    if (n > 0 && (pf[0].revents & POLLIN)) {
      char buf[4096];
      while (read(ino, buf, sizeof(buf)) > 0)
        ;
    }
    if (n > 0 && (pf[1].revents & POLLIN)) {
      close(pidfd);
      pidfd = -2; /* exited: no new pidfd needed */
    }
  }
  if (pidfd >= 0)
    close(pidfd);
  close(ino);
  return ret;
}
