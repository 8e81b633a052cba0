#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "proc.h"
#include "util.h"

/* The caller's socket: a path, or an abstract name ("@name"), as runc
 * takes it (Go's net.UnixAddr). */
static const char *host_socket(void) {
  const char *p = getenv("NOTIFY_SOCKET");
  return (p != NULL && (p[0] == '/' || (p[0] == '@' && p[1] != '\0'))) ? p
                                                                       : NULL;
}

bool notify_wanted(const struct spec_config *cfg) {
  return host_socket() != NULL && cfg->process != NULL;
}

int notify_prepare(struct spec_config *cfg, int rootfd, const char *root,
                   const char *id, struct brig_error *err) {
  const char *path = host_socket();
  _cleanup_close_ int kind = -1;
  char dir[CONTAINER_FILE_MAX];
  struct spec_mount *m;
  char **opts;
  size_t n;

  if (!notify_wanted(cfg))
    return 0;
  if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
    return brig_err(err, ENAMETOOLONG, "NOTIFY_SOCKET %s", path);
  container_file(dir, id, NOTIFY_KIND);
  kind = container_kind_dir(rootfd, NOTIFY_KIND, true, err);
  if (kind < 0)
    return -1;
  if (mkdirat(kind, id, 0755) < 0 && errno != EEXIST)
    return brig_err(err, errno, "create %s/%s", root, dir);
  cfg->mounts = xrealloc(cfg->mounts, (cfg->n_mounts + 1) * sizeof(*m));
  m = &cfg->mounts[cfg->n_mounts++];
  memset(m, 0, sizeof(*m));
  m->destination = xstrdup(NOTIFY_DIR_IN_CONTAINER);
  m->type = xstrdup("bind");
  m->source = xasprintf("%s/%s", root, dir);
  opts = xcalloc(6, sizeof(char *));
  opts[0] = xstrdup("bind");
  opts[1] = xstrdup("nosuid");
  opts[2] = xstrdup("noexec");
  opts[3] = xstrdup("nodev");
  opts[4] = xstrdup("ro");
  m->options = opts;
  /* As runc: the process finds brig's socket at /run/notify/notify.sock,
   * whatever the caller's is called (and no directory of the container's
   * is covered but /run/notify). */
  n = strv_len(cfg->process->env);
  for (size_t i = 0; i < n; i++) {
    if (strncmp(cfg->process->env[i], "NOTIFY_SOCKET=", 14) == 0) {
      free(cfg->process->env[i]);
      cfg->process->env[i] = xstrdup("NOTIFY_SOCKET=" NOTIFY_PATH_IN_CONTAINER);
      return 0;
    }
  }
  cfg->process->env = xrealloc(cfg->process->env, (n + 2) * sizeof(char *));
  cfg->process->env[n] = xstrdup("NOTIFY_SOCKET=" NOTIFY_PATH_IN_CONTAINER);
  cfg->process->env[n + 1] = NULL;
  return 0;
}

int notify_listen(int rootfd, const char *id, struct brig_error *err) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  struct brig_error e = {0};
  _cleanup_close_ int kind = container_kind_dir(rootfd, NOTIFY_KIND, false, &e);
  _cleanup_close_ int dirfd = -1;
  int fd;

  if (kind < 0)
    return -1;
  dirfd = openat(kind, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0)
    return -1;
  /* Bind through /proc/self/fd: the root's path may be long, and so may
   * an id. */
  snprintf(sa.sun_path, sizeof(sa.sun_path),
           "/proc/self/fd/%d/" NOTIFY_SOCKET_NAME, dirfd);
  unlinkat(dirfd, NOTIFY_SOCKET_NAME, 0);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return brig_err(err, errno, "notify socket");
  if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    int saved = errno;
    close(fd);
    return brig_err(err, saved, "bind notify socket");
  }
  /* Any uid in the container may notify. */
  fchmodat(dirfd, NOTIFY_SOCKET_NAME, 0777, 0);
  return fd;
}

/* The caller's socket's address, its length returned. */
static socklen_t host_addr(const char *path, struct sockaddr_un *sa) {
  *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
  strncpy(sa->sun_path, path, sizeof(sa->sun_path) - 1);
  if (path[0] != '@')
    return sizeof(*sa);
  /* abstract: a NUL first, the name's length */
  sa->sun_path[0] = '\0';
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                     strnlen(path, sizeof(sa->sun_path) - 1));
}

/* As runc does: READY=1, then MAINPID=<mainpid>, so that a Type=notify
 * unit follows the container's init (start, run -d) or the brig that
 * stays to supervise it (a foreground run). */
static int forward_ready(pid_t mainpid, struct brig_error *err) {
  struct sockaddr_un sa;
  const char *path = host_socket();
  socklen_t len;
  _cleanup_close_ int fd = -1;
  char msg[32];
  int n;
  if (path == NULL)
    return 0;
  len = host_addr(path, &sa);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return brig_err(err, errno, "socket");
  n = snprintf(msg, sizeof(msg), "MAINPID=%d\n", (int)mainpid);
  if (sendto(fd, "READY=1\n", 8, 0, (struct sockaddr *)&sa, len) < 0 ||
      sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&sa, len) < 0)
    return brig_err(err, errno, "forward READY=1 to %s", path);
  return 0;
}

/* runc dials the caller's socket before it waits: one that is not there
 * fails start whether or not the container gets ready. */
static int host_reachable(struct brig_error *err) {
  struct sockaddr_un sa;
  const char *path = host_socket();
  _cleanup_close_ int fd = -1;
  if (path == NULL)
    return 0;
  socklen_t len = host_addr(path, &sa);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return brig_err(err, errno, "socket");
  if (connect(fd, (struct sockaddr *)&sa, len) < 0)
    return brig_err(err, errno, "connect to NOTIFY_SOCKET %s", path);
  return 0;
}

int notify_handle(int sock, pid_t mainpid, struct brig_error *err) {
  char buf[4096];
  ssize_t len = recv(sock, buf, sizeof(buf) - 1, MSG_DONTWAIT);
  if (len <= 0)
    return 0;
  buf[len] = '\0';
  /* One message may carry several assignments, one per line. */
  for (char *line = buf; line != NULL;) {
    char *next = strchr(line, '\n');
    if (next != NULL)
      *next++ = '\0';
    if (strcmp(line, "READY=1") == 0)
      return forward_ready(mainpid, err) < 0 ? -1 : 1;
    line = next;
  }
  return 0;
}

int notify_relay(int sock, pid_t pid, uint64_t start_time, pid_t mainpid,
                 struct brig_error *err) {
  if (host_reachable(err) < 0)
    return -1;
  for (;;) {
    struct pollfd pf = {.fd = sock, .events = POLLIN};
    int n = poll(&pf, 1, 200), queued = 0;
    if (n > 0) {
      int r = notify_handle(sock, mainpid, err);
      if (r != 0)
        return r < 0 ? -1 : 0;
    } else if (n == 0 && !proc_alive(pid, start_time)) {
      /* what it said just before it exited is read first */
      if (ioctl(sock, FIONREAD, &queued) == 0 && queued > 0)
        continue;
      /* runc's start returns 0 here, and forwards nothing */
      log_warn("the container exited before it was ready (no READY=1 on "
               "NOTIFY_SOCKET)");
      return 0;
    }
  }
}
