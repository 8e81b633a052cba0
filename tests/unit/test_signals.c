/* contain_default_signals: the signals a caller ignored are at their
 * default after it, whether it learnt them from /proc/self/status or, with
 * no /proc, by asking the kernel about each; contain_parse_sigign. */
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "contain.h"
#include "tap.h"

/* the kernel's struct sigaction: libcs refuse signals 32-34 */
struct ksa {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

static void (*disposition(int s))(int) {
  struct ksa old = {0};
  syscall(SYS_rt_sigaction, s, NULL, &old, sizeof(old.mask));
  return old.handler;
}

static void set_disposition(int s, void (*h)(int)) {
  struct ksa a = {.handler = h};
  syscall(SYS_rt_sigaction, s, &a, NULL, sizeof(a.mask));
}

static void handler(int s) {
  (void)s;
}

static void restorer(void) {}

static void set_handler(int s) {
  struct ksa a = {.handler = handler,
                  .flags = 0x04000000 /* SA_RESTORER */,
                  .restorer = restorer};
  syscall(SYS_rt_sigaction, s, &a, NULL, sizeof(a.mask));
}

/* HUP, USR1, 34 (musl's own) and 64 ignored; USR2 and SEGV handled */
static const int ignored[] = {SIGHUP, SIGUSR1, 34, 64};

/* The failures, one bit each: 1 a signal still ignored, 2 USR2's handler
 * lost, 4 SEGV's handler kept, 8 the /proc mask wrong, 16 set-up. */
static int child(bool hide_proc) {
  int bad = 0;
  uint64_t want = 0, got = 0;
  for (size_t i = 0; i < sizeof(ignored) / sizeof(*ignored); i++)
    set_disposition(ignored[i], SIG_IGN);
  set_handler(SIGUSR2);
  set_handler(SIGSEGV);
  /* what the kernel says is ignored, against what /proc says */
  for (int s = 1; s < 65; s++)
    if (disposition(s) == SIG_IGN)
      want |= 1ULL << (s - 1);
  if (hide_proc) {
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("none", "/proc", "tmpfs", 0, NULL) < 0 ||
        access("/proc/self/status", F_OK) == 0)
      return 16;
  } else {
    FILE *f = fopen("/proc/self/status", "r");
    char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
      fclose(f);
    buf[n] = '\0';
    if (!contain_parse_sigign(buf, &got) || got != want ||
        (want & 0x8000000200000201ULL) != 0x8000000200000201ULL)
      bad |= 8;
  }
  contain_default_signals();
  for (size_t i = 0; i < sizeof(ignored) / sizeof(*ignored); i++)
    if (disposition(ignored[i]) != SIG_DFL)
      bad |= 1;
  if (disposition(SIGUSR2) != handler)
    bad |= 2;
  if (disposition(SIGSEGV) != SIG_DFL)
    bad |= 4;
  return bad;
}

static int run_child(bool hide_proc) {
  int st;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    _exit(child(hide_proc));
  if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
    return 32;
  return WEXITSTATUS(st);
}

static void test_default_signals(void) {
  int r = run_child(false);
  ok(!(r & 8),
     "/proc/self/status's SigIgn is the kernel's own answer (the ignored "
     "signals set)");
  ok(!(r & ~8), "with /proc: ignored signals at their default (got %d)",
     r & ~8);
  if (geteuid() != 0) {
    printf("# not root: the no-/proc case needs a mount namespace\n");
    return;
  }
  r = run_child(true);
  ok(r == 0, "with /proc hidden: the same, asked signal by signal (got %d)", r);
}

static void test_parse(void) {
  uint64_t m = 1;
  ok(contain_parse_sigign("Name:\tx\nSigIgn:\t0000000200001001\nSigCgt:\t0\n",
                          &m) &&
         m == 0x200001001ULL,
     "parse a SigIgn line");
  ok(!contain_parse_sigign("Name:\tx\nSigCgt:\t0\n", &m), "no SigIgn line");
  ok(!contain_parse_sigign("Name:\tx\nSigIgn:\tzz\n", &m), "not hex");
  ok(!contain_parse_sigign("Name:\tx\nSigIgn:\t12", &m), "cut short");
  ok(!contain_parse_sigign("XSigIgn:\t1\n", &m), "only at a line's start");
}

int main(void) {
  test_parse();
  test_default_signals();
  return tap_done();
}
