#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "events.h"
#include "util.h"

void report_begin(struct report_start *r) {
  r->started = rfc3339_now();
  r->start_ms = monotonic_ms();
}

int report_write(const char *path, const char *root, const char *id,
                 const struct report_start *r, int code,
                 struct brig_error *err) {
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  struct events_stats st;
  _cleanup_free_ char *ended = rfc3339_now();
  _cleanup_free_ char *json = NULL;
  uint64_t ooms = 0;
  bool have_stats = false;
  char pids_peak[32] = "null"; /* pids.peak: cgroup v2 only */
  int ret;

  memset(&st, 0, sizeof(st));
  if (container_load(root, id, &c, err) == 0 && c->st.cgroup_path != NULL &&
      *c->st.cgroup_path != '\0' &&
      cgroup_open(c->st.cgroup_path, &cg, err) == 0) {
    char *v = NULL;
    have_stats = cgroup_stats(cg, &st, err) == 0;
    ooms = cgroup_oom_kills(cg);
    if (cgroup_get_value(cg, "pids.peak", &v, err) == 0)
      snprintf(pids_peak, sizeof(pids_peak), "%llu", strtoull(v, NULL, 10));
    free(v);
  }
  brig_err_clear(err);
  json = xasprintf(
      "{\"id\":\"%s\",\"exit_code\":%d,\"signal\":%d,\"oom_killed\":%s,"
      "\"wall_time_ms\":%lld,\"cpu_user_ns\":%llu,\"cpu_system_ns\":%llu,"
      "\"cpu_total_ns\":%llu,\"memory_peak_bytes\":%llu,\"pids_current\":%llu,"
      "\"pids_peak\":%s,"
      "\"block_io_bytes\":%llu,\"stats\":%s,\"started\":\"%s\","
      "\"ended\":\"%s\"}\n",
      id, code, code > 128 ? code - 128 : 0, ooms > 0 ? "true" : "false",
      (long long)(monotonic_ms() - r->start_ms),
      (unsigned long long)st.cpu.user, (unsigned long long)st.cpu.kernel,
      (unsigned long long)st.cpu.total, (unsigned long long)st.memory.usage.max,
      (unsigned long long)st.pids.current, pids_peak,
      (unsigned long long)cgroup_io_bytes(&st), have_stats ? "true" : "false",
      r->started, ended);
  if (have_stats)
    events_stats_free(&st);
  cgroup_free(cg);
  container_free(c);
  {
    _cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      return brig_err(err, errno, "write report %s", path);
    ret = write_all(fd, json, strlen(json));
    close(fd);
    if (ret < 0 || rename(tmp, path) < 0)
      return brig_err(err, errno, "write report %s", path);
  }
  return 0;
}
