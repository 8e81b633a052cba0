/* The foreground side of run and exec: wait for the process, forwarding
 * signals and relaying the terminal when brig holds its master. */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "namespaces.h"
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
 * takes it for a graceful stop) and SIGURG.  A fault's signal sent by kill
 * is forwarded too (Go's runtime passes those on); one brig's own code
 * raises is forced through by the kernel, blocked or not.  musl's own
 * (32-34) are not in any set. */
static void forwarded_set(sigset_t *mask) {
  static const int not_forwarded[] = {SIGKILL, SIGSTOP, SIGURG};
  sigemptyset(mask);
  for (int s = 1; s < NSIG; s++)
    sigaddset(mask, s); /* musl refuses its own; the others go in */
  for (size_t i = 0; i < sizeof(not_forwarded) / sizeof(*not_forwarded); i++)
    sigdelset(mask, not_forwarded[i]);
}

/* A foreground process without a terminal gets pipes, not the caller's
 * stdio, as from runc (setupProcessPipes): the caller's terminal or file
 * is never the container's (its owner is not changed to the process's
 * user, nothing in the container reaches its ioctls: TIOCSTI, TIOCSWINSZ,
 * and a runtime killed leaves the process a broken pipe, not the caller's
 * terminal).  stdout and stderr share one pipe when the caller's are the
 * same file, so their order stays what the process wrote. */
static struct {
  bool on;
  int child[3];  /* the process's: stdin's read end, the write ends */
  int parent[3]; /* brig's: stdin's write end, the read ends (or -1) */
} pipes = {false, {-1, -1, -1}, {-1, -1, -1}};

/* fd moved above 2 (brig may run with 0-2 closed), close-on-exec */
static int above_stdio(int fd) {
  if (fd < 0 || fd > 2)
    return fd;
  int hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  close(fd);
  return hi;
}

static bool same_file(int a, int b) {
  struct stat x, y;
  return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
         x.st_ino == y.st_ino;
}

int supervise_pipes_make(const struct spec_linux *l, struct brig_error *err) {
  int p[3][2];
  uid_t ru;
  gid_t rg;
  int n = same_file(1, 2) ? 2 : 3;

  for (int i = 0; i < n; i++) {
    if (pipe2(p[i], O_CLOEXEC) < 0) {
      int saved = errno;
      while (i-- > 0) {
        close(p[i][0]);
        close(p[i][1]);
      }
      return brig_err(err, saved, "stdio pipes");
    }
    p[i][0] = above_stdio(p[i][0]);
    p[i][1] = above_stdio(p[i][1]);
  }
  pipes.child[0] = p[0][0];
  pipes.parent[0] = p[0][1];
  pipes.child[1] = p[1][1];
  pipes.parent[1] = p[1][0];
  pipes.child[2] = n == 3 ? p[2][1] : p[1][1];
  pipes.parent[2] = n == 3 ? p[2][0] : -1;
  pipes.on = true;
  if (ns_host_root(l, &ru, &rg))
    for (int i = 0; i < 3; i++) {
      (void)!fchown(pipes.child[i], ru, rg);
      if (pipes.parent[i] >= 0)
        (void)!fchown(pipes.parent[i], ru, rg);
    }
  return 0;
}

void supervise_pipes_forget(void) {
  bool shared = pipes.child[2] == pipes.child[1];
  for (int i = 0; pipes.on && i < 3; i++) {
    if (pipes.parent[i] >= 0)
      close(pipes.parent[i]);
    if (pipes.child[i] >= 0 && !(i == 2 && shared))
      close(pipes.child[i]);
    pipes.parent[i] = pipes.child[i] = -1;
  }
}

void supervise_pipes_install(void) {
  if (!pipes.on)
    return;
  for (int i = 0; i < 3; i++)
    if (dup2(pipes.child[i], i) < 0)
      _exit(127);
}

/* One direction of the relay: what src gives, written to dst as dst takes
 * it.  brig's own ends are non-blocking; the caller's fds (0, 1, 2) keep
 * their flags (shared with the caller) and are read only when poll says so,
 * written at most PIPE_BUF at a time once writable, which a pipe takes
 * whole. */
struct stream {
  int src, dst;
  bool src_eof, dst_gone;
  bool close_dst_at_eof; /* stdin: the process sees its end */
  bool to_process;       /* a write failing with EPIPE: the process's doing */
  bool input;            /* the caller's stdin: read while the process runs */
  size_t off, len;
  char buf[65536];
};

static struct stream streams[3];

static void stream_init(struct stream *st, int src, int dst, bool to_process) {
  st->src = src;
  st->dst = dst;
  st->src_eof = src < 0;
  st->dst_gone = dst < 0;
  st->close_dst_at_eof = to_process;
  st->to_process = to_process;
  st->input = false;
  st->off = st->len = 0;
}

static bool stream_done(const struct stream *st) {
  return st->src_eof && (st->len == 0 || st->dst_gone);
}

static void stream_read(struct stream *st) {
  ssize_t n;
  if (st->off > 0 && st->len > 0)
    memmove(st->buf, st->buf + st->off, st->len);
  st->off = 0;
  n = read(st->src, st->buf + st->len, sizeof(st->buf) - st->len);
  if (n > 0) {
    if (st->dst_gone)
      return; /* read and dropped: the process does not block on it */
    st->len += (size_t)n;
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    st->src_eof = true; /* a pty's EIO once its last slave fd is gone too */
  }
}

static void stream_write(struct stream *st) {
  size_t chunk = st->len;
  ssize_t n;
  if (st->dst <= 2 && chunk > 4096)
    chunk = 4096; /* PIPE_BUF: a blocking pipe takes it whole */
  n = write(st->dst, st->buf + st->off, chunk);
  if (n > 0) {
    st->off += (size_t)n;
    st->len -= (size_t)n;
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  st->dst_gone = true;
  st->len = 0;
  if (errno == EPIPE && st->to_process) {
    /* The process closed its stdin: the SIGPIPE our write raised is not
     * a signal for it (the one of a broken stdout is, forwarded as it
     * would have been raised in it). */
    sigset_t pipe_only;
    struct timespec zero = {0, 0};
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigtimedwait(&pipe_only, NULL, &zero);
  }
}

/* The stream's poll entries at pf[at]; returns the next free index. */
static int stream_poll(struct stream *st, struct pollfd *pf, int at,
                       bool active) {
  pf[at] = (struct pollfd){.fd = -1};
  pf[at + 1] = (struct pollfd){.fd = -1};
  /* output whose reader is gone is read and dropped (the process must
   * not block on it); the caller's input no longer read (runc's) */
  if (active && !st->src_eof && st->len < sizeof(st->buf) &&
      !(st->input && st->dst_gone))
    pf[at] = (struct pollfd){.fd = st->src, .events = POLLIN};
  if (active && !st->dst_gone && st->len > 0)
    pf[at + 1] = (struct pollfd){.fd = st->dst, .events = POLLOUT};
  return at + 2;
}

static void stream_events(struct stream *st, const struct pollfd *pf) {
  /* (a closed fd of the caller's: POLLNVAL, and EBADF ends the stream) */
  if (pf[0].fd >= 0 &&
      (pf[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
    stream_read(st);
  if (pf[1].fd >= 0 &&
      (pf[1].revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)))
    stream_write(st);
  if (st->src_eof && st->close_dst_at_eof && st->len == 0 && st->dst >= 0 &&
      !st->dst_gone) {
    close(st->dst);
    st->dst = -1;
    st->dst_gone = true;
  }
}

/* The caller's stdout or stderr to write to: a terminal is opened anew,
 * non-blocking in brig's own file description (a write of a full buffer
 * would block on a stopped terminal, ^S, where a signal could not end the
 * wait); pipes take PIPE_BUF once poll says writable, files never block. */
static int caller_out(int fd) {
  char path[32];
  struct stat st, again;
  int nfd;
  if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || !isatty(fd))
    return fd;
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (nfd >= 0 && (fstat(nfd, &again) < 0 || again.st_rdev != st.st_rdev)) {
    close(nfd); /* a pty master (/dev/ptmx): the open made a new pty */
    nfd = -1;
  }
  return nfd >= 0 ? nfd : fd;
}

static void set_nonblock(int fd) {
  int fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
  if (fl >= 0)
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Wait for the init, forwarding signals and relaying the terminal or the
 * pipes.  The signals were blocked before create, so none is lost in
 * between.  Once the process has exited, what it (or a child still
 * holding its output) wrote is copied out until its ends close or 100 ms
 * pass without a byte. */
int supervise(pid_t pid, int master, int notify) {
  struct termios saved;
  bool raw = false, con_opened = false, exited = false, abandoned = false;
  size_t n_streams = 0;
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
  int out[3] = {0, 1, 2};
  if (master >= 0 || pipes.on) {
    out[1] = caller_out(1);
    out[2] = caller_out(2);
  }
  if (master >= 0) {
    set_nonblock(master);
    stream_init(&streams[n_streams++], master, out[1], false);
    stream_init(&streams[n_streams++], 0, master, false);
    streams[1].input = true; /* at its end the pty stays open (runc) */
  } else if (pipes.on) {
    bool shared = pipes.child[2] == pipes.child[1];
    for (int i = 0; i < 3; i++) {
      if (pipes.child[i] >= 0 && !(i == 2 && shared))
        close(pipes.child[i]);
      pipes.child[i] = -1;
      set_nonblock(pipes.parent[i]);
    }
    stream_init(&streams[n_streams++], pipes.parent[1], out[1], false);
    stream_init(&streams[n_streams++], pipes.parent[2], out[2], false);
    stream_init(&streams[n_streams++], 0, pipes.parent[0], true);
    streams[2].input = true;
  }
  for (;;) {
    struct pollfd pf[2 + 2 * 3];
    pid_t w = 0;
    int st, k, timeout = -1;
    bool pending = false; /* exited, with output the caller has not taken */
    /* Any child: as a subreaper (run without --no-subreaper), brig gets
     * the container's orphans when it has no pid namespace of its own,
     * and reaps them as runc does, not at its own exit. */
    while (!exited && (w = waitpid(-1, &st, WNOHANG)) > 0 && w != pid)
      ;
    if (!exited && w < 0 && errno == ECHILD) { /* reaped by someone else */
      status = 255 << 8;
      exited = true;
    } else if (!exited && w == pid) {
      status = st;
      exited = true;
    }
    if (exited) {
      bool done = true;
      for (size_t i = 0; i < n_streams; i++) {
        if (!streams[i].input && !stream_done(&streams[i]))
          done = false;
        if (!streams[i].input && !streams[i].dst_gone && streams[i].len > 0)
          pending = true;
      }
      if (done)
        break;
      /* output still to write waits for the caller's reader, as long as
       * it takes (runc's copy too); more to read, 100 ms at most */
      timeout = pending ? -1 : 100;
    }
    /* signals still come once it has exited: INT, TERM, HUP or QUIT end
     * a wait for a caller's reader that may never come (below) */
    pf[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
    pf[1] = (struct pollfd){.fd = exited ? -1 : notify, .events = POLLIN};
    k = 2;
    for (size_t i = 0; i < n_streams; i++) /* no input once it has exited */
      k = stream_poll(&streams[i], pf, k, !(exited && streams[i].input));
    int r = poll(pf, (nfds_t)k, timeout);
    if (r < 0 && errno != EINTR)
      break;
    if (r == 0 && exited)
      break; /* quiet for 100 ms: a child of the process holds its end */
    if (notify >= 0 && (pf[1].revents & POLLIN)) {
      struct brig_error e = {0};
      int nr = notify_handle(notify, getpid(), &e);
      if (nr < 0)
        log_warn("%s", e.msg);
      if (nr != 0) {
        close(notify);
        notify = -1;
      }
    }
    if (pf[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD) {
        if (exited) {
          /* a stop asked for while the caller does not read: what is
           * left unwritten is dropped (a SIGPIPE of brig's own write, or
           * any other signal, leaves the copy to go on, as runc's) */
          int s = (int)si.ssi_signo;
          if (pending &&
              (s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGQUIT)) {
            abandoned = true;
            break;
          }
        } else if (si.ssi_signo == SIGWINCH) {
          struct winsize ws;
          if (master >= 0 && con >= 0 && ioctl(con, TIOCGWINSZ, &ws) == 0)
            ioctl(master, TIOCSWINSZ, &ws);
        } else {
          kill(pid, (int)si.ssi_signo);
        }
      }
    }
    for (size_t i = 0; i < n_streams; i++)
      stream_events(&streams[i], pf + 2 + 2 * i);
  }
  /* what is still buffered goes out (the caller's fd may be slow) */
  for (size_t i = 0; i < n_streams && !abandoned; i++)
    if (!streams[i].input && !streams[i].dst_gone && streams[i].len > 0)
      write_all(streams[i].dst, streams[i].buf + streams[i].off,
                streams[i].len);
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
  if (pipes.on && streams[2].dst < 0)
    pipes.parent[0] = -1; /* closed at the end of the caller's stdin */
  for (int i = 0; i < 3; i++)
    if (pipes.parent[i] >= 0)
      close(pipes.parent[i]);
  for (int i = 1; i <= 2; i++)
    if (out[i] != i)
      close(out[i]);
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
