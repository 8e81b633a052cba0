/* brig events [--stats] [--interval D] ID: runc's event stream, one JSON
 * object a line: a "stats" event every interval, an "oom" event when the
 * kernel's OOM killer acts in the container, until the container stops.
 * --stats prints one stats event and exits. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "events.h"
#include "log.h"
#include "util.h"

static const char usage[] =
    "usage: brig events [command options] <container-id>\n\n"
    "Display container events such as OOM notifications, cpu, memory, and "
    "IO usage statistics.\n\n"
    "Options:\n"
    "   --interval value  set the stats collection interval (default: 5s)\n"
    "   --stats           display the container's stats then exit\n";

/* 1 running (or paused/created), 0 stopped or gone, -1 error. */
static int container_live(const char *id, struct brig_error *err) {
  struct container *c = NULL;
  int r;
  if (container_load(brig_g.root, id, &c, err) < 0) {
    r = (c == NULL && err->errnum == ENOENT) ? 0 : -1;
  } else {
    r = strcmp(c->st.status, "stopped") != 0;
  }
  container_free(c);
  return r;
}

static int print_stats(struct cgroup *cg, const char *id,
                       struct brig_error *err) {
  struct events_stats st;
  int ret = -1;
  if (cgroup_stats(cg, &st, err) == 0) {
    char *js = events_emit_stats(id, &st, err);
    if (js != NULL) {
      printf("%s\n", js);
      fflush(stdout);
      free(js);
      ret = 0;
    }
  }
  events_stats_free(&st);
  return ret;
}

static int print_oom(const char *id, struct brig_error *err) {
  char *js = events_emit_simple("oom", id, err);
  if (js == NULL)
    return -1;
  printf("%s\n", js);
  fflush(stdout);
  free(js);
  return 0;
}

static int stream(struct cgroup *cg, const char *id, int64_t interval,
                  struct brig_error *err) {
  struct brig_error e = {0};
  _cleanup_close_ int efd = cgroup_oom_eventfd(cg, &e);
  if (efd < 0)
    log_warn("events %s: %s", id, e.msg);
  /* the OOM kills so far, and the oom events printed since: a kill that
   * ends the container may stop it before the watcher has said so */
  uint64_t kills = cgroup_oom_kills(cg), printed = 0;
  int64_t next = monotonic_ms() + interval;
  for (;;) {
    int64_t wait = next - monotonic_ms();
    /* wake at least every 200 ms to notice the container stopping */
    struct pollfd pf = {.fd = efd, .events = POLLIN};
    int n = poll(&pf, 1, (int)(wait < 0 ? 0 : wait > 200 ? 200 : wait));
    if (n < 0 && errno != EINTR)
      return brig_err(err, errno, "events: poll");
    if (n > 0 && (pf.revents & POLLIN)) {
      uint64_t count;
      if (read(efd, &count, sizeof(count)) == (ssize_t)sizeof(count)) {
        /* v1's eventfd also fires when the cgroup is removed */
        _cleanup_free_ char *oc = NULL;
        if (cgroup_get_value(cg, "cgroup.procs", &oc, &e) < 0)
          return 0;
        if (print_oom(id, err) < 0)
          return -1;
        printed++;
      }
    }
    if (monotonic_ms() >= next) {
      if (print_stats(cg, id, &e) < 0)
        log_error("events %s: %s", id, e.msg);
      next += interval;
      if (next < monotonic_ms())
        next = monotonic_ms() + interval;
    }
    int live = container_live(id, &e);
    if (live <= 0) {
      if (efd >= 0 && cgroup_oom_kills(cg) > kills + printed)
        return print_oom(id, err);
      return 0;
    }
  }
}

CMD(events) {
  static const struct option opts[] = {
      {"interval", required_argument, NULL, 'i'},
      {"stats", no_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int64_t interval = 5000;
  bool stats_only = false;
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  int opt, ret = 1;

  while ((opt = cli_next(argc, argv, "events", "", opts, usage, err)) != -1) {
    if (opt == CLI_HELP)
      return 0;
    if (opt == CLI_ERROR)
      return 1;
    if (opt == 's') {
      stats_only = true;
    } else if (cli_parse_go_duration(optarg, &interval) < 0) {
      brig_err(err, 0,
               "invalid value \"%s\" for flag --interval: "
               "time: invalid duration",
               optarg);
      return 1;
    }
  }
  if (interval <= 0) {
    brig_err(err, 0, "duration interval must be greater than 0");
    return 1;
  }
  if (cli_exact_args(argc, 1, "events", err) < 0)
    return 1;
  const char *id = argv[optind];
  if (container_load(brig_g.root, id, &c, err) < 0)
    goto out;
  if (strcmp(c->st.status, "stopped") == 0) {
    brig_err(err, 0, "container with id %s is not running", id);
    goto out;
  }
  if (cgroup_open(c->st.cgroup_path, &cg, err) < 0)
    goto out;
  container_free(c); /* do not hold the lock while streaming */
  c = NULL;
  if (stats_only ? print_stats(cg, id, err) < 0
                 : stream(cg, id, interval, err) < 0)
    goto out;
  ret = 0;
out:
  cgroup_free(cg);
  container_free(c);
  return ret;
}
