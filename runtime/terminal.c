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
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "contain.h"
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
  return fd_send_buf(sock, fd, name, strlen(name));
}

int fd_send_buf(int sock, int fd, const void *buf, size_t len) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
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

int terminal_clear_onlcr(int master, struct brig_error *err) {
  struct termios t;
  if (tcgetattr(master, &t) < 0)
    return brig_err(err, errno, "read the terminal's settings");
  t.c_oflag &= ~(tcflag_t)ONLCR;
  if (tcsetattr(master, TCSANOW, &t) < 0)
    return brig_err(err, errno, "clear the terminal's ONLCR");
  return 0;
}

ssize_t fd_recv_buf(int sock, void *buf, size_t len, int *fd) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = cbuf,
                      .msg_controllen = sizeof(cbuf)};
  struct cmsghdr *cm;
  ssize_t n;
  *fd = -1;
  do
    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  for (cm = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; cm; cm = CMSG_NXTHDR(&mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      memcpy(fd, CMSG_DATA(cm), sizeof(int));
  return n;
}

int fd_recv(int sock, struct brig_error *err) {
  char data[4096];
  int fd;
  if (fd_recv_buf(sock, data, sizeof(data), &fd) < 0)
    return brig_err(err, errno, "receive console fd");
  if (fd < 0)
    return brig_err(err, EBADMSG, "receive console fd: no fd in message");
  return fd;
}

int terminal_host_console(bool *opened) {
  static const int fds[] = {2, 1, 0};
  int fd;
  *opened = false;
  for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
    if (isatty(fds[i]))
      return fds[i];
  fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  *opened = fd >= 0;
  return fd;
}

bool terminal_host_size(uint32_t *rows, uint32_t *cols) {
  bool opened;
  int con = terminal_host_console(&opened);
  struct winsize ws;
  bool ok = con >= 0 && ioctl(con, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0;
  if (opened)
    close(con);
  if (ok) {
    *rows = ws.ws_row;
    *cols = ws.ws_col;
  }
  return ok;
}

int terminal_setup_child(int sock, const struct spec_process *p,
                         bool bind_console, bool relayed,
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
  if (relayed && terminal_clear_onlcr(master, err) < 0)
    return -1;
  /* The peer of our master, never a path the rootfs could redirect
   * (CVE-2025-52565: /dev/pts/N swapped for a symlink). */
  slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return brig_err(err, errno, "open %s", slave_path);
  if (fd_send(sock, master, "/dev/ptmx") < 0)
    return brig_err(err, errno, "send pty master over console socket");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return brig_err(err, errno, "set controlling terminal");
  for (int i = 0; i < 3; i++)
    if (dup2(slave, i) < 0)
      return brig_err(err, errno, "dup pty to fd %d", i);
  if (bind_console && rootfs_bind_console(slave, slave_path, err) < 0)
    return -1;
  return 0;
}

int console_relay_spawn(int master, const char *path, struct brig_error *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  pid_t pid;
  if (fd < 0)
    return brig_err(err, errno, "open console file %s", path);
  pid = fork();
  if (pid < 0) {
    close(fd);
    return brig_err(err, errno, "fork console relay");
  }
  if (pid == 0) {
    char buf[8192];
    ssize_t n;
    int keep_lo = master < fd ? master : fd,
        keep_hi = master < fd ? fd : master;
    contain_unblock_signals();
    setsid();
    /* Only the pty and the file: nothing of the runtime stays open. */
    if (keep_lo > 3)
      syscall(SYS_close_range, 3u, (unsigned)keep_lo - 1, 0);
    if (keep_hi > keep_lo + 1)
      syscall(SYS_close_range, (unsigned)keep_lo + 1, (unsigned)keep_hi - 1, 0);
    syscall(SYS_close_range, (unsigned)keep_hi + 1, ~0u, 0);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      if (null > 2)
        close(null);
    }
    /* EIO once the container's last holder of the pty is gone. */
    while ((n = read(master, buf, sizeof(buf))) > 0)
      if (write_all(fd, buf, (size_t)n) < 0)
        break;
    _exit(0);
  }
  close(fd);
  close(master);
  return 0;
}
