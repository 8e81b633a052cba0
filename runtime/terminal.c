#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

int console_socket_connect(const char *path, struct brig_error *err) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int fd;
  if (strlen(path) >= sizeof(sa.sun_path))
    return brig_err(err, ENAMETOOLONG, "console socket %s", path);
  strcpy(sa.sun_path, path);
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return brig_err(err, errno, "console socket");
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    int saved = errno;
    close(fd);
    return brig_err(err, saved, "connect console socket %s", path);
  }
  return fd;
}

int fd_send(int sock, int fd, const char *name) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = cbuf,
                      .msg_controllen = sizeof(cbuf)};
  struct cmsghdr *cm;
  memset(cbuf, 0, sizeof(cbuf));
  cm = CMSG_FIRSTHDR(&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int fd_recv(int sock, struct brig_error *err) {
  char cbuf[CMSG_SPACE(sizeof(int))], data[4096];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = cbuf,
                      .msg_controllen = sizeof(cbuf)};
  struct cmsghdr *cm;
  int fd;
  ssize_t n;
  do
    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return brig_err(err, errno, "receive console fd");
  cm = CMSG_FIRSTHDR(&mh);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    return brig_err(err, EBADMSG, "receive console fd: no fd in message");
  memcpy(&fd, CMSG_DATA(cm), sizeof(int));
  return fd;
}

int terminal_setup_child(int sock, const struct spec_process *p,
                         struct brig_error *err) {
  _cleanup_close_ int master = -1, slave = -1;
  char slave_path[64];
  int ptn, unlock = 0;

  master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return brig_err(err, errno, "open /dev/ptmx");
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
    return brig_err(err, errno, "unlock pty");
  if (ioctl(master, TIOCGPTN, &ptn) < 0)
    return brig_err(err, errno, "get pty number");
  snprintf(slave_path, sizeof(slave_path), "/dev/pts/%d", ptn);
  if (p->has_console_size) {
    struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                         .ws_col = (unsigned short)p->console_width};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0)
      return brig_err(err, errno, "set console size");
  }
  slave = open(slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return brig_err(err, errno, "open %s", slave_path);
  if (fd_send(sock, master, "/dev/ptmx") < 0)
    return brig_err(err, errno, "send pty master over console socket");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return brig_err(err, errno, "set controlling terminal");
  for (int i = 0; i < 3; i++)
    if (dup2(slave, i) < 0)
      return brig_err(err, errno, "dup pty to fd %d", i);
  if (rootfs_bind_console(slave_path, err) < 0)
    return -1;
  return 0;
}

static void copy_winsize(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    ioctl(to, TIOCSWINSZ, &ws);
}

/* Copy what is readable on `from` to `to`; 0 at EOF, -1 on error. */
static int pump(int from, int to) {
  char buf[8192];
  ssize_t n = read(from, buf, sizeof(buf));
  if (n < 0)
    return (errno == EINTR || errno == EAGAIN) ? 1 : -1;
  if (n == 0)
    return 0;
  return write_all(to, buf, (size_t)n) < 0 ? -1 : 1;
}

int terminal_relay(int master, struct brig_error *err) {
  struct termios saved, raw;
  bool is_tty = isatty(0) == 1;
  bool stdin_open = true;
  sigset_t mask;
  int sfd;

  sigemptyset(&mask);
  sigaddset(&mask, SIGWINCH);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (is_tty && tcgetattr(0, &saved) == 0) {
    raw = saved;
    cfmakeraw(&raw);
    tcsetattr(0, TCSANOW, &raw);
    copy_winsize(0, master);
  } else {
    is_tty = false;
  }
  for (;;) {
    struct pollfd pf[3] = {{.fd = stdin_open ? 0 : -1, .events = POLLIN},
                           {.fd = master, .events = POLLIN},
                           {.fd = sfd, .events = POLLIN}};
    if (poll(pf, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (pf[1].revents & POLLIN) {
      if (pump(master, 1) <= 0)
        break;
    } else if (pf[1].revents & (POLLHUP | POLLERR)) {
      break;
    }
    if (pf[0].revents & (POLLIN | POLLHUP)) {
      if (pump(0, master) <= 0)
        stdin_open = false; /* EOF on stdin: keep relaying output */
    }
    if (pf[2].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof(si)) > 0 && is_tty)
        copy_winsize(0, master);
    }
  }
  if (is_tty)
    tcsetattr(0, TCSANOW, &saved);
  if (sfd >= 0)
    close(sfd);
  (void)err;
  return 0;
}
