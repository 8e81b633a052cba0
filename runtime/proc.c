#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int proc_start_time(pid_t pid, uint64_t *out, char *state) {
  char path[64], buf[1024];
  const char *p;
  int fd;
  ssize_t n;
  unsigned long long st;

  if (pid <= 0)
    return -1;
  /* "/proc/%d/stat" without printf (list reads one per container) */
  memcpy(path, "/proc/", 6);
  memcpy(path + 6 + fmt_u64(path + 6, (unsigned long long)pid), "/stat", 6);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields start after the last ')'.
   * No field after comm has one, and comm is short (16 bytes, 64 for a
   * kernel thread's): looked for in the first 128 bytes, then in all. */
  p = memrchr(buf, ')', n < 128 ? (size_t)n : 128);
  if (p == NULL)
    p = memrchr(buf, ')', (size_t)n);
  if (p == NULL || p[1] != ' ')
    return -1;
  p += 2;
  if (state != NULL)
    *state = *p;
  /* p is at field 3; skip to field 22. */
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (p == NULL)
      return -1;
    p++;
  }
  if (*p < '0' || *p > '9')
    return -1;
  for (st = 0; *p >= '0' && *p <= '9'; p++)
    st = st * 10 + (unsigned long long)(*p - '0');
  *out = st;
  return 0;
}

bool proc_alive(pid_t pid, uint64_t start_time) {
  uint64_t st;
  char state;
  if (pid <= 0 || proc_start_time(pid, &st, &state) < 0)
    return false;
  if (state == 'Z' || state == 'X')
    return false;
  return start_time == 0 || st == start_time;
}

int proc_pidfd_open(pid_t pid, uint64_t start_time, struct brig_error *err) {
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0)
    return brig_err(err, errno, "pidfd_open %d", (int)pid);
  /* The pidfd pins the process: if the start time still matches now, the
   * fd refers to the container's process and not to a reused pid. */
  if (!proc_alive(pid, start_time)) {
    close(fd);
    return brig_err(err, ESRCH, "process %d", (int)pid);
  }
  return fd;
}

int proc_take_fd(pid_t pid, int fd, struct brig_error *err) {
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  int got;
  if (pidfd < 0)
    return brig_err(err, errno, "pidfd_open %d", (int)pid);
  got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
  if (got < 0)
    return brig_err(err, errno, "pidfd_getfd %d of process %d", fd, (int)pid);
  return got;
}

int proc_pidfd_signal(int pidfd, int sig) {
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static const struct {
  const char *name;
  int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT},
    {"ILL", SIGILL},   {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
    {"IOT", SIGIOT},   {"BUS", SIGBUS},       {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},
    {"CONT", SIGCONT}, {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH},   {"IO", SIGIO},
    {"POLL", SIGPOLL}, {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

#define RT_FIRST 34
#define RT_LAST 64

int signal_parse(const char *s) {
  uint64_t n;
  if (s == NULL || *s == '\0')
    return -1;
  if (parse_u64(s, &n) == 0)
    return (n >= 1 && n <= RT_LAST) ? (int)n : -1;
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
    if (strcasecmp(s, signals[i].name) == 0)
      return signals[i].sig;
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    int64_t off = 0;
    bool min = strncasecmp(s, "RTMIN", 5) == 0;
    if (s[5] != '\0' && parse_i64(s + 5, &off) < 0)
      return -1;
    /* glibc's numbers, which kill(1), systemd and engines use: musl keeps
     * 32-34 for itself, so its SIGRTMIN is 35, not 34. */
    int sig = (min ? RT_FIRST : RT_LAST) + (int)off;
    return (sig >= RT_FIRST && sig <= RT_LAST) ? sig : -1;
  }
  return -1;
}
