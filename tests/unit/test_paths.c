/* The hand-made formatting on list's path (one call per container):
 * container_file gives snprintf's "%s/%s", cut the same way;
 * proc_start_time reads field 22 after the last ')' whatever comm holds;
 * cg_read_small reads dir/file however long the path. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "container.h"
#include "proc.h"
#include "tap.h"
#include "util.h"

static void bail(const char *what) {
  perror(what);
  exit(1);
}

/* snprintf(want, CONTAINER_FILE_MAX, "%s/%s", kind, id), spelled out (gcc
 * warns of the cut that is the point here) */
static void cut_join(char *want, const char *kind, const char *id) {
  char full[1024];
  int n = snprintf(full, sizeof(full), "%s/%s", kind, id);
  size_t keep =
      (size_t)n < CONTAINER_FILE_MAX ? (size_t)n : CONTAINER_FILE_MAX - 1;
  memcpy(want, full, keep);
  want[keep] = '\0';
}

static void test_container_file(void) {
  static const size_t lens[] = {0,   1,   2,   100, 290, 291, 292,
                                293, 294, 295, 298, 299, 300, 400};
  const char *kinds[] = {STATE_KIND, FIFO_KIND, "", "k"};
  char id[512], got[CONTAINER_FILE_MAX], want[CONTAINER_FILE_MAX];
  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
      for (size_t j = 0; j < lens[i]; j++)
        id[j] = (char)('a' + j % 26);
      id[lens[i]] = '\0';
      memset(got, 'X', sizeof(got));
      container_file(got, id, kinds[k]);
      cut_join(want, kinds[k], id);
      is_str(got, want, "container_file(\"%s\", id of %zu bytes)", kinds[k],
             lens[i]);
    }
  /* a kind as long as the buffer: cut, as snprintf cuts */
  char kind[CONTAINER_FILE_MAX + 8];
  memset(kind, 'k', sizeof(kind) - 1);
  kind[sizeof(kind) - 1] = '\0';
  for (size_t cut = CONTAINER_FILE_MAX - 3; cut < sizeof(kind); cut++) {
    char saved = kind[cut];
    kind[cut] = '\0';
    container_file(got, "id", kind);
    cut_join(want, kind, "id");
    is_str(got, want, "container_file with a kind of %zu bytes", cut);
    kind[cut] = saved;
  }
}

/* Field 22 as strrchr and sscanf read it, for comparison. */
static int start_time_by_libc(pid_t pid, uint64_t *out, char *state) {
  char path[64], buf[1024];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
  if (fd >= 0)
    close(fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  unsigned long long st;
  if (p == NULL ||
      sscanf(p + 2,
             "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
             "%*d %*d %*d %llu",
             state, &st) != 2)
    return -1;
  *out = st;
  return 0;
}

static void test_proc_start_time(void) {
  static const char *names[] = {"plain", "a) b (c", ")))) ) )", "x)", ""};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    int go[2];
    if (pipe(go) < 0)
      bail("pipe");
    pid_t pid = fork();
    if (pid == 0) {
      char c;
      prctl(PR_SET_NAME, names[i], 0, 0, 0);
      close(go[1]);
      (void)!read(go[0], &c, 1); /* until the parent has looked */
      _exit(0);
    }
    close(go[0]);
    /* the name is set once the child's stat shows it */
    char want_comm[64], path[64], buf[1024];
    snprintf(want_comm, sizeof(want_comm), "(%s) ", names[i]);
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    bool named = false;
    for (int tries = 0; tries < 1000 && !named; tries++) {
      int fd = open(path, O_RDONLY);
      ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
      if (fd >= 0)
        close(fd);
      buf[n > 0 ? n : 0] = '\0';
      named = strstr(buf, want_comm) != NULL;
      if (!named)
        usleep(1000);
    }
    ok(named, "the child's stat shows the name \"%s\"", names[i]);
    uint64_t got = 0, want = 1;
    char gs = '?', ws = '!';
    ok(proc_start_time(pid, &got, &gs) == 0 &&
           start_time_by_libc(pid, &want, &ws) == 0 && got == want && gs == ws,
       "proc_start_time of a process named \"%s\": %" PRIu64 " %c (libc: "
       "%" PRIu64 " %c)",
       names[i], got, gs, want, ws);
    ok(proc_alive(pid, want), "and it is alive at that start time");
    ok(!proc_alive(pid, want + 1), "not at another");
    close(go[1]);
    waitpid(pid, NULL, 0);
    ok(proc_start_time(pid, &got, NULL) < 0, "gone once reaped");
  }
  uint64_t t;
  ok(proc_start_time(0, &t, NULL) < 0 && proc_start_time(-5, &t, NULL) < 0,
     "no start time for pid 0 or a negative one");
}

static void test_cg_read_small(void) {
  char tmpl[] = "/tmp/brig-unit-paths-XXXXXX";
  char *top = mkdtemp(tmpl);
  if (top == NULL)
    bail("mkdtemp");
  /* a directory whose path is longer than cg_read_small's stack buffer */
  char dir[1200];
  size_t len = (size_t)snprintf(dir, sizeof(dir), "%s", top);
  int depth = 0;
  while (len < 700) {
    len += (size_t)snprintf(dir + len, sizeof(dir) - len, "/%s",
                            "0123456789012345678901234567890123456789");
    if (mkdir(dir, 0700) < 0)
      bail("mkdir");
    depth++;
  }
  const char *dirs[] = {top, dir};
  for (size_t i = 0; i < 2; i++) {
    char path[1300], buf[16];
    snprintf(path, sizeof(path), "%s/freezer.state", dirs[i]);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, "THAWED\n", 7) != 7)
      bail(path);
    close(fd);
    ok(cg_read_small(dirs[i], "freezer.state", buf, sizeof(buf)) == 0 &&
           strcmp(buf, "THAWED\n") == 0,
       "cg_read_small with a path of %zu bytes", strlen(path));
    ok(cg_read_small(dirs[i], "missing", buf, sizeof(buf)) < 0,
       "a missing file fails");
    /* the writers and cg_read build dir/file the same way */
    struct brig_error e;
    _cleanup_free_ char *back = NULL;
    ok(cg_write(dirs[i], "freezer.state", "FROZEN", &e) == 0 &&
           cg_read(dirs[i], "freezer.state", &back) == 0 &&
           strncmp(back, "FROZEN", 6) == 0,
       "cg_write then cg_read with a path of %zu bytes", strlen(path));
    int wfd = cg_open_write(dirs[i], "freezer.state");
    ok(wfd >= 0 && write(wfd, "THAWED", 6) == 6 &&
           cg_read_small(dirs[i], "freezer.state", buf, sizeof(buf)) == 0 &&
           strncmp(buf, "THAWED", 6) == 0,
       "cg_open_write with a path of %zu bytes", strlen(path));
    if (wfd >= 0)
      close(wfd);
    char want[1400];
    snprintf(want, sizeof(want), "set missing=1: %s/missing does not exist",
             dirs[i]);
    ok(cg_write(dirs[i], "missing", "1", &e) < 0 && e.errnum == ENOENT &&
           strncmp(e.msg, want, strlen(want)) == 0,
       "cg_write names the whole missing path (%zu bytes)", strlen(want));
    unlink(path);
  }
  for (; depth > 0; depth--) {
    rmdir(dir);
    *strrchr(dir, '/') = '\0';
  }
  rmdir(top);
}

int main(void) {
  test_container_file();
  test_proc_start_time();
  test_cg_read_small();
  return tap_done();
}
