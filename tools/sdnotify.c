/* sdnotify MESSAGE: send MESSAGE to $NOTIFY_SOCKET (a test helper, built
 * static so it runs in any rootfs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  const char *path = getenv("NOTIFY_SOCKET");
  int fd;
  if (argc != 2 || path == NULL || strlen(path) >= sizeof(sa.sun_path)) {
    fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sdnotify MESSAGE\n");
    return 2;
  }
  strcpy(sa.sun_path, path);
  fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&sa,
                       sizeof(sa)) < 0) {
    perror("sdnotify");
    return 1;
  }
  return 0;
}
