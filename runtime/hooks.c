#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static int run_one(const struct spec_hook *h, const char *state_json,
                   struct brig_error *err) {
  char *default_argv[] = {h->path, NULL};
  char *empty_env[] = {NULL};
  int in[2], pidfd, status;
  pid_t pid;

  /* Checked here so the failure is one line, not the child's and ours. */
  if (access(h->path, X_OK) < 0)
    return brig_err(err, errno, "exec");
  /* A socket rather than a pipe: send(MSG_NOSIGNAL) survives a hook that
   * does not read its stdin, without touching SIGPIPE (which an exec'd
   * container process would inherit if ignored). */
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
    return brig_err(err, errno, "socketpair");
  pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(in[0]);
    close(in[1]);
    return brig_err(err, saved, "fork");
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in[0], 0) < 0)
      _exit(127);
    execve(h->path, h->args ? h->args : default_argv,
           h->env ? h->env : empty_env);
    _exit(127); /* reported as "exit status 127" */
  }
  close(in[0]);
  shutdown(in[1], SHUT_RD);
  for (size_t off = 0, len = strlen(state_json); off < len;) {
    ssize_t w = send(in[1], state_json + off, len - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    off += (size_t)w;
  }
  close(in[1]);
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (h->timeout.set && pidfd >= 0) {
    struct pollfd pf = {.fd = pidfd, .events = POLLIN};
    int n;
    do
      n = poll(&pf, 1, (int)(h->timeout.v * 1000));
    while (n < 0 && errno == EINTR);
    if (n == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      close(pidfd);
      return brig_err(err, 0, "timed out after %llds", (long long)h->timeout.v);
    }
  }
  if (pidfd >= 0)
    close(pidfd);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return brig_err(err, errno, "wait");
  if (WIFSIGNALED(status))
    return brig_err(err, 0, "killed by signal %d", WTERMSIG(status));
  if (WEXITSTATUS(status) != 0)
    return brig_err(err, 0, "exit status %d", WEXITSTATUS(status));
  return 0;
}

int hooks_run(const struct spec_hook *hooks, size_t n, const char *kind,
              const char *state_json, struct brig_error *err) {
  for (size_t i = 0; i < n; i++)
    if (run_one(&hooks[i], state_json, err) < 0)
      return brig_err_wrap(err, "%s hook #%zu (%s)", kind, i, hooks[i].path);
  return 0;
}

void hooks_run_warn(const struct spec_hook *hooks, size_t n, const char *kind,
                    const char *state_json, const char *what) {
  for (size_t i = 0; i < n; i++) {
    struct brig_error e = {0};
    if (run_one(&hooks[i], state_json, &e) < 0)
      log_warn("%s: %s hook #%zu (%s): %s", what, kind, i, hooks[i].path,
               e.msg);
  }
}
