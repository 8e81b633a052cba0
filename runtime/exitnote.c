#include "exitnote.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

static bool sockaddr_for(const char *path, struct sockaddr_un *sa) {
  memset(sa, 0, sizeof(*sa));
  sa->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof(sa->sun_path))
    return false;
  strcpy(sa->sun_path, path);
  return true;
}

/* Each monitor's socket in dir is sent msg, or with msg NULL only
 * connected to (a live monitor's connect succeeds and it gets nothing).
 * The socket of a monitor that died without cleaning up (SIGKILL) refuses
 * either and is removed: true when one was. */
static bool tell_monitors(const char *dir, const char *msg, size_t n) {
  DIR *d = opendir(dir); /* ENOENT, no monitor: the usual case */
  struct dirent *de;
  bool stale = false;
  int fd = -1;

  if (d == NULL)
    return false;
  while ((de = readdir(d)) != NULL) {
    struct sockaddr_un sa;
    _cleanup_free_ char *path = NULL;
    int r;
    if (de->d_name[0] == '.')
      continue;
    path = xasprintf("%s/%s", dir, de->d_name);
    if (!sockaddr_for(path, &sa))
      continue;
    /* made for the first monitor found: most runs have none */
    if (fd < 0)
      fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
      break;
    r = msg != NULL
            ? (int)sendto(fd, msg, n, 0, (struct sockaddr *)&sa, sizeof(sa))
            : connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    if (r < 0 && errno == ECONNREFUSED && unlink(path) == 0)
      stale = true;
  }
  if (fd >= 0)
    close(fd);
  closedir(d);
  return stale;
}

void exitnote_send(const char *root, const char *id, int status) {
  _cleanup_free_ char *dir = xasprintf("%s/" MONITOR_DIR, root);
  char msg[300];
  int n = snprintf(msg, sizeof(msg), "%s %d", id, status);
  /* The directory goes with the last monitor or stale socket (rmdir fails
   * while another is there); a monitor arriving meanwhile makes it again. */
  if (tell_monitors(dir, msg, (size_t)n))
    rmdir(dir);
}

int exitnote_listen(const char *root, char **path) {
  _cleanup_free_ char *dir = xasprintf("%s/" MONITOR_DIR, root);
  struct sockaddr_un sa;
  int fd;
  *path = xasprintf("%s/%d.sock", dir, (int)getpid());
  if (!sockaddr_for(*path, &sa))
    return -1;
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  /* twice: a departing monitor may remove the directory in between */
  for (int tries = 0; tries < 2; tries++) {
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
      break;
    unlink(*path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
      tell_monitors(dir, NULL, 0); /* the dead ones' sockets go */
      return fd;
    }
    if (errno != ENOENT)
      break;
  }
  close(fd);
  rmdir(dir); /* made here for nothing: not left behind (unless in use) */
  return -1;
}

void exitnote_unlisten(const char *root, const char *path) {
  _cleanup_free_ char *dir = xasprintf("%s/" MONITOR_DIR, root);
  unlink(path);
  rmdir(dir); /* ENOTEMPTY while another monitor listens */
}

bool exitnote_recv(int fd, char **id, int *status) {
  char buf[300], *sp;
  ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  sp = strrchr(buf, ' ');
  if (sp == NULL)
    return false;
  *sp = '\0';
  *status = atoi(sp + 1);
  *id = xstrdup(buf);
  return true;
}
