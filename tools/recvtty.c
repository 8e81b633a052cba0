/* recvtty: the receiving end of --console-socket, for tests.
 *   recvtty [-i INPUT] SOCKET
 * Listens on SOCKET, accepts one connection, receives the pty master sent
 * with SCM_RIGHTS, writes INPUT to it (if given), then copies everything the
 * container writes to stdout until the pty hangs up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive_fd(int conn) {
  char data[256], cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = cbuf,
                      .msg_controllen = sizeof(cbuf)};
  struct cmsghdr *cm;
  int fd;
  if (recvmsg(conn, &mh, 0) < 0)
    return -1;
  cm = CMSG_FIRSTHDR(&mh);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    return -1;
  memcpy(&fd, CMSG_DATA(cm), sizeof(int));
  return fd;
}

int main(int argc, char **argv) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  const char *input = NULL;
  int c, lfd, conn, master;
  char buf[4096];
  ssize_t n;

  while ((c = getopt(argc, argv, "i:")) != -1) {
    if (c != 'i') {
      fprintf(stderr, "usage: recvtty [-i INPUT] SOCKET\n");
      return 2;
    }
    input = optarg;
  }
  if (optind != argc - 1 || strlen(argv[optind]) >= sizeof(sa.sun_path)) {
    fprintf(stderr, "usage: recvtty [-i INPUT] SOCKET\n");
    return 2;
  }
  strcpy(sa.sun_path, argv[optind]);
  lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
      listen(lfd, 1) < 0) {
    perror("recvtty: listen");
    return 1;
  }
  conn = accept(lfd, NULL, NULL);
  if (conn < 0) {
    perror("recvtty: accept");
    return 1;
  }
  master = receive_fd(conn);
  if (master < 0) {
    fprintf(stderr, "recvtty: no fd received\n");
    return 1;
  }
  close(conn);
  close(lfd);
  unlink(argv[optind]);
  if (input != NULL && write(master, input, strlen(input)) < 0)
    perror("recvtty: write");
  /* EIO once the last slave fd is closed: the container is gone. */
  while ((n = read(master, buf, sizeof(buf))) > 0)
    if (write(1, buf, (size_t)n) < 0)
      break;
  return 0;
}
