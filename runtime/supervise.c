/* The foreground side of run and exec: wait for the process, forwarding
 * signals and relaying the terminal when brig holds its master. */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "terminal.h"
#include "util.h"

int exit_code(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

/* As runc: every signal but those that cannot be caught, SIGCHLD (its
 * own wake-up), SIGWINCH (a resize of the terminal, not passed on: httpd
 * takes it for a graceful stop) and SIGURG; and not the faults brig's own
 * code would raise.  musl's own (32-34) are not in any set. */
static void forwarded_set(sigset_t *mask) {
  static const int not_forwarded[] = {SIGKILL, SIGSTOP, SIGURG,
                                      SIGSEGV, SIGBUS,  SIGFPE,
                                      SIGILL,  SIGTRAP, SIGSYS};
  sigemptyset(mask);
  for (int s = 1; s < NSIG; s++)
    sigaddset(mask, s); /* musl refuses its own; the others go in */
  for (size_t i = 0; i < sizeof(not_forwarded) / sizeof(*not_forwarded); i++)
    sigdelset(mask, not_forwarded[i]);
}

/* Wait for the init, forwarding signals and relaying the terminal.  The
 * signals were blocked before create, so none is lost in between. */
/* Copy what is left on the master to stdout: until it hangs up (the last
 * slave fd is gone) or stays quiet for 100 ms (a child still holds it). */
static void drain(int master) {
  char buf[8192];
  for (;;) {
    struct pollfd pf = {.fd = master, .events = POLLIN};
    ssize_t n;
    if (poll(&pf, 1, 100) <= 0 || !(pf.revents & POLLIN))
      return;
    n = read(master, buf, sizeof(buf));
    if (n <= 0)
      return;
    write_all(1, buf, (size_t)n);
  }
}

int supervise(pid_t pid, int master, int notify) {
  struct termios saved;
  bool raw = false, stdin_open = master >= 0, con_opened = false;
  sigset_t mask;
  int sfd, status = 0;
  int con = master >= 0 ? terminal_host_console(&con_opened) : -1;

  forwarded_set(&mask);
  sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (con >= 0 && tcgetattr(con, &saved) == 0) {
    struct termios t = saved;
    struct winsize ws;
    cfmakeraw(&t);
    /* as runc: output processing stays on, so our terminal still ends
     * each line of the process's (ONLCR is off on its pty) with \r\n */
    t.c_oflag |= OPOST;
    raw = tcsetattr(con, TCSANOW, &t) == 0;
    if (ioctl(con, TIOCGWINSZ, &ws) == 0)
      ioctl(master, TIOCSWINSZ, &ws);
  }
  for (;;) {
    struct pollfd pf[4] = {{.fd = sfd, .events = POLLIN},
                           {.fd = master, .events = POLLIN},
                           {.fd = stdin_open ? 0 : -1, .events = POLLIN},
                           {.fd = notify, .events = POLLIN}};
    pid_t w;
    int st;
    /* Any child: as a subreaper (run without --no-subreaper), brig gets
     * the container's orphans when it has no pid namespace of its own,
     * and reaps them as runc does, not at its own exit. */
    while ((w = waitpid(-1, &st, WNOHANG)) > 0 && w != pid)
      ;
    if (w < 0 && errno == ECHILD) { /* reaped by someone else */
      status = 255 << 8;
      break;
    }
    if (w == pid) {
      status = st;
      /* What the process wrote just before exiting is still in the pty. */
      if (master >= 0)
        drain(master);
      break;
    }
    if (poll(pf, 4, -1) < 0 && errno != EINTR)
      break;
    if (notify >= 0 && (pf[3].revents & POLLIN)) {
      struct brig_error e = {0};
      int r = notify_handle(notify, getpid(), &e);
      if (r < 0)
        log_warn("%s", e.msg);
      if (r != 0) {
        close(notify);
        notify = -1;
      }
    }
    if (pf[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD) {
        if (si.ssi_signo == SIGWINCH) {
          struct winsize ws;
          if (master >= 0 && con >= 0 && ioctl(con, TIOCGWINSZ, &ws) == 0)
            ioctl(master, TIOCSWINSZ, &ws);
        } else {
          kill(pid, (int)si.ssi_signo);
        }
      }
    }
    if (master >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[8192];
      ssize_t n = read(master, buf, sizeof(buf));
      if (n > 0)
        write_all(1, buf, (size_t)n);
      else if (n == 0 || errno != EINTR) {
        /* The pty hung up: the process is exiting; just wait for it. */
        close(master);
        master = -1;
        stdin_open = false;
      }
    }
    if (stdin_open && (pf[2].revents & (POLLIN | POLLHUP))) {
      char buf[8192];
      ssize_t n = read(0, buf, sizeof(buf));
      if (n > 0)
        write_all(master, buf, (size_t)n);
      else
        stdin_open = false;
    }
  }
  /* what it said just before it exited is still queued */
  while (notify >= 0) {
    struct brig_error e = {0};
    int queued = 0, r;
    if (ioctl(notify, FIONREAD, &queued) < 0 || queued <= 0) {
      log_warn("the container exited before it was ready (no READY=1 on "
               "NOTIFY_SOCKET)");
      break;
    }
    r = notify_handle(notify, getpid(), &e);
    if (r < 0)
      log_warn("%s", e.msg);
    if (r != 0)
      break;
  }
  if (notify >= 0)
    close(notify);
  if (raw)
    tcsetattr(con, TCSANOW, &saved);
  if (con_opened)
    close(con);
  if (master >= 0)
    close(master);
  close(sfd);
  /* The signals stay blocked: one that came after the last read would
   * otherwise end brig before it removes the container (it exits soon;
   * its later children, hooks, set their own mask). */
  return exit_code(status);
}

void supervise_block_signals(void) {
  sigset_t mask;
  /* An ignored SIGCHLD (inherited) would reap the process before us. */
  signal(SIGCHLD, SIG_DFL);
  forwarded_set(&mask);
  sigprocmask(SIG_BLOCK, &mask, NULL);
}
