#include "init.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contain.h"
#include "coverage.h"
#include "sanitizer.h"
#include "util.h"

static const int forwarded[] = {SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
                                SIGUSR1, SIGUSR2, SIGWINCH};

static void die(const char *what) {
  fprintf(stderr, "brig: init: %s: %s\n", what, brig_strerror(errno));
  _exit(255);
}

void init_run(const struct spec_process *p, const char *exe, char **env) {
  sigset_t mask;
  pid_t app;
  int sfd, status = 0, code;

  /* No one in the container may open /proc/1/exe or /proc/1/mem of the
   * init (which runs brig's binary). */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die("set non-dumpable");
  sigemptyset(&mask);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    sigaddset(&mask, forwarded[i]);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  app = fork();
  if (app < 0)
    die("fork");
  if (app == 0) {
    contain_unblock_signals();
    coverage_flush();
    execve(exe, p->args, env);
    char safe[512];
    fprintf(stderr, "brig: exec %s: %s\n", one_line(exe, safe, sizeof(safe)),
            brig_strerror(errno));
    _exit(127);
  }
  /* The init keeps nothing of the host: only stdio, which the app shares. */
  sanitizer_release();
  coverage_release();
  syscall(SYS_close_range, 3u, ~0u, 0);
  sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0)
    die("signalfd");
  for (;;) {
    struct signalfd_siginfo si;
    pid_t w;
    if (read(sfd, &si, sizeof(si)) != sizeof(si)) {
      if (errno == EINTR)
        continue;
      die("read signalfd");
    }
    if (si.ssi_signo != SIGCHLD) {
      kill(app, (int)si.ssi_signo);
      continue;
    }
    /* Reap every child: the app and any orphan re-parented to us. */
    while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
      if (w != app)
        continue;
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      /* The app is gone: end what is left, then leave with its status. */
      if (getpid() == 1) /* only ever in our own pid namespace */
        kill(-1, SIGKILL);
      while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
      _exit(code);
    }
  }
}
