/* See contain.h. */
#include "contain.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "coverage.h"
#include "procfs.h"
#include "sanitizer.h"
#include "security.h"
#include "util.h"

int contain_enter(struct brig_error *err) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return brig_err(err, errno, "prctl PR_SET_DUMPABLE 0");
  return 0;
}

static int cmp_int(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

void contain_close_fds_from(unsigned from, const int *keep, size_t n) {
  int k[CONTAIN_KEEP_MAX + 2];
  size_t m = 0;

  cgroup_forget_root_fd();
  for (size_t i = 0; i < n && i < CONTAIN_KEEP_MAX; i++)
    k[m++] = keep[i];
  k[m++] = sanitizer_report_fd();
  k[m++] = coverage_fd();
  qsort(k, m, sizeof(int), cmp_int);
  for (size_t i = 0; i < m; i++) {
    if (k[i] < 0 || (unsigned)k[i] < from)
      continue;
    if ((unsigned)k[i] > from)
      syscall(SYS_close_range, from, (unsigned)k[i] - 1, 0);
    from = (unsigned)k[i] + 1;
  }
  syscall(SYS_close_range, from, ~0U, 0);
}

void contain_close_fds(int preserve_fds, int keep1, int keep2) {
  int keep[] = {keep1, keep2};
  contain_close_fds_from(first_extra_fd(preserve_fds), keep, 2);
}

int contain_chdir(const char *cwd, bool *later, struct brig_error *err) {
  char buf[PATH_MAX];

  if (chdir(cwd) < 0) {
    if (later != NULL && (errno == EACCES || errno == EPERM)) {
      *later = true;
      return 0;
    }
    return brig_err(err, errno,
                    "chdir to cwd (\"%s\") set in config.json failed", cwd);
  }
  if (later != NULL)
    *later = false;
  /* A directory outside our root (reached through an fd of the runtime)
   * has no path from "/": the kernel says "(unreachable)", glibc ENOENT. */
  errno = 0;
  if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
    return brig_err(err, errno ? errno : ENOENT,
                    "cwd (\"%s\") set in config.json is outside the "
                    "container",
                    cwd);
  return 0;
}

int rootfs_path_check(const char *root_path, const char *bundle,
                      const char *resolved, struct brig_error *err) {
  size_t bl = strlen(bundle);

  if (strcmp(resolved, "/") == 0)
    return brig_err(err, EINVAL, "rootfs (%s) is the host's \"/\": refused",
                    root_path);
  if (root_path[0] != '/' &&
      (strncmp(resolved, bundle, bl) != 0 ||
       (resolved[bl] != '/' && strcmp(bundle, "/") != 0)))
    return brig_err(err, EINVAL,
                    "rootfs (%s) resolves to %s, outside the bundle: refused",
                    root_path, resolved);
  return 0;
}

#ifdef BRIG_FAULTS
void fault_delay(const char *where) {
  const char *ms = getenv("BRIG_FAULT_DELAY_MS");
  const char *at = getenv("BRIG_FAULT_AT");
  uint64_t v;
  struct timespec ts;

  if (ms == NULL || parse_u64(ms, &v) < 0 || v == 0)
    return;
  if (at != NULL && *at != '\0' && strcmp(at, where) != 0)
    return;
  ts.tv_sec = (time_t)(v / 1000);
  ts.tv_nsec = (long)(v % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

void fault_kill(const char *step) {
  const char *at = getenv("BRIG_FAULT_KILL");
  if (at != NULL && strcmp(at, step) == 0)
    raise(SIGKILL);
}

bool fault_fail(const char *step) {
  const char *at = getenv("BRIG_FAULT_FAIL");
  return at != NULL && strcmp(at, step) == 0;
}
#endif

/* The kernel's struct sigaction (x86_64 and the other 64-bit ABIs brig
 * builds for): musl's sigaction refuses signals 32-34, which it keeps for
 * itself, and glibc's 32 and 33; a caller may have ignored them all the
 * same (GNU make's children have 32 and 33 ignored). */
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

bool contain_parse_sigign(const char *status, uint64_t *mask) {
  const char *p = strstr(status, "\nSigIgn:");
  char *end;
  if (p == NULL)
    return false;
  p += strlen("\nSigIgn:");
  p += strspn(p, " \t");
  errno = 0;
  *mask = strtoull(p, &end, 16);
  return errno == 0 && end > p && *end == '\n';
}

/* The ignored signals (bit s - 1 for signal s) from one read of
 * /proc/thread-self/status: ~16 us here with procfs's checks, against ~63
 * us for asking the kernel about each of the 62 signals.  An exec's
 * process is in the container's mount namespace by now: its /proc is
 * only read when it is a procfs (not a FIFO to hang on).  false when it
 * cannot be read. */
static bool ignored_signals(uint64_t *mask) {
  char buf[4096];
  struct brig_error e;
  int fd = procfs_open_thread("status", O_RDONLY | O_CLOEXEC, &e);
  ssize_t n;
  if (fd < 0)
    return false;
  do /* a seq file: one read gives all that fits */
    n = read(fd, buf, sizeof(buf) - 1);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  return contain_parse_sigign(buf, mask);
}

void contain_default_signals(void) {
  struct kernel_sigaction dfl = {.handler = SIG_DFL};
  uint64_t ign = 0;
  bool known = ignored_signals(&ign);
  for (int s = 1; s < NSIG; s++) {
    struct kernel_sigaction old;
    if (s == SIGKILL || s == SIGSTOP)
      continue;
    /* A fault's signal at its default too, whoever handles it (a
     * sanitizer): once a seccomp filter that denies exit_group is loaded,
     * the last way out of a failed start is a faulting instruction. */
    bool fault = s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE ||
                 s == SIGTRAP || s == SIGSYS;
    if (fault || (known ? (ign >> (s - 1)) & 1
                        : syscall(SYS_rt_sigaction, s, NULL, &old,
                                  sizeof(old.mask)) == 0 &&
                              old.handler == SIG_IGN))
      syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(dfl.mask));
  }
}

void contain_unblock_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The handler of contain_exit_on_signals: never returns, so the frame's
 * restorer (which x86_64 requires the kernel be given) is never used. */
static void exit_by_signal(int sig) {
  _exit(128 + sig);
}
static void no_return(void) {
  _exit(255);
}

void contain_exit_on_signals(bool on) {
  /* The signals whose default action ends a process, but the faults (left
   * at their defaults: contain_default_signals) and SIGPIPE (a write to a
   * starter that went away fails with EPIPE, and the init says so). */
  static const int ending[] = {SIGHUP,  SIGINT,    SIGQUIT, SIGABRT,   SIGUSR1,
                               SIGUSR2, SIGALRM,   SIGTERM, SIGSTKFLT, SIGXCPU,
                               SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,     SIGPWR};
  struct kernel_sigaction act = {.handler = exit_by_signal,
                                 .flags = 0x04000000 /* SA_RESTORER */,
                                 .restorer = no_return};
  if (!on)
    act = (struct kernel_sigaction){.handler = SIG_DFL};
  for (size_t i = 0; i < sizeof(ending) / sizeof(*ending); i++)
    syscall(SYS_rt_sigaction, ending[i], &act, NULL, sizeof(act.mask));
  for (int s = 32; s < NSIG; s++) /* the real-time ones, musl's too */
    syscall(SYS_rt_sigaction, s, &act, NULL, sizeof(act.mask));
}
