/* seccomp-listener SOCKET STATEFILE MODE: a seccomp notify agent for the
 * tests.  Listens on the unix socket SOCKET, takes one connection: the
 * containerProcessState JSON (written to STATEFILE) and the notify fd
 * (SCM_RIGHTS).  Then answers every notification: MODE "success" makes
 * the syscall return 0 without running it, "errno:N" makes it fail with
 * N; "close" closes the fd at once and exits (an agent gone).  Exits
 * when the container is gone (or after 60 s). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive_fd(int conn, char *buf, size_t size) {
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = buf, .iov_len = size - 1};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.b,
                      .msg_controllen = sizeof(control.b)};
  struct cmsghdr *cm;
  ssize_t n = recvmsg(conn, &mh, 0);
  size_t len;
  int fd = -1;

  if (n < 0)
    return -1;
  len = (size_t)n;
  for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      memcpy(&fd, CMSG_DATA(cm), sizeof(int));
  /* The rest of a long state arrives without the fd, until EOF. */
  while (n > 0 && len < size - 1 &&
         (n = read(conn, buf + len, size - 1 - len)) > 0)
    len += (size_t)n;
  buf[len] = '\0';
  return fd;
}

int main(int argc, char **argv) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  static char state[65536];
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  int sock, conn, fd, answer_errno = 0;
  FILE *out;

  if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
    fprintf(stderr, "usage: seccomp-listener SOCKET STATEFILE "
                    "success|errno:N|close\n");
    return 2;
  }
  if (strncmp(argv[3], "errno:", 6) == 0)
    answer_errno = atoi(argv[3] + 6);
  else if (strcmp(argv[3], "success") != 0 && strcmp(argv[3], "close") != 0)
    return 2;
  strcpy(addr.sun_path, argv[1]);
  sock = socket(AF_UNIX, SOCK_STREAM, 0);
  unlink(argv[1]);
  if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
      listen(sock, 1) < 0) {
    perror("seccomp-listener: listen");
    return 1;
  }
  alarm(60);
  conn = accept(sock, NULL, NULL);
  if (conn < 0) {
    perror("seccomp-listener: accept");
    return 1;
  }
  fd = receive_fd(conn, state, sizeof(state));
  close(conn);
  out = fopen(argv[2], "w");
  if (out == NULL)
    return 1;
  fprintf(out, "%s\n", state);
  fclose(out);
  if (fd < 0) {
    fprintf(stderr, "seccomp-listener: no fd received\n");
    return 1;
  }
  if (strcmp(argv[3], "close") == 0) {
    close(fd);
    return 0;
  }
  if (seccomp_notify_alloc(&req, &resp) < 0)
    return 1;
  for (;;) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
      break;
    if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
      break;
    memset(req, 0, sizeof(*req));
    if (seccomp_notify_receive(fd, req) < 0)
      continue; /* the task died meanwhile */
    memset(resp, 0, sizeof(*resp));
    resp->id = req->id;
    resp->val = 0;
    resp->error = answer_errno ? -answer_errno : 0;
    resp->flags = 0;
    seccomp_notify_respond(fd, resp);
  }
  seccomp_notify_free(req, resp);
  return 0;
}
