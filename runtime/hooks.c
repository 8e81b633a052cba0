#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "contain.h"
#include "coverage.h"
#include "log.h"
#include "util.h"

extern char **environ;

static char *hook_dir;
static char *const *hook_env;

void hooks_set_env(char *const *env) {
  hook_env = env;
}

void hooks_set_dir(const char *dir) {
  free(hook_dir);
  hook_dir = dir != NULL ? xstrdup(dir) : NULL;
}

/* The child's stdio: fds may be 0-2 themselves when brig was started
 * with one of those closed, so all go above 2 first. */
static void child_stdio(int in, int out) {
  int hi_in = fcntl(in, F_DUPFD_CLOEXEC, 3);
  int hi_out = fcntl(out, F_DUPFD_CLOEXEC, 3);
  if (hi_in < 0 || hi_out < 0 || dup2(hi_in, 0) < 0 || dup2(hi_out, 1) < 0 ||
      dup2(hi_out, 2) < 0)
    _exit(127);
}

/* pid has exited (left unreaped for the caller's waitpid) */
static bool exited_nowait(pid_t pid) {
  siginfo_t si = {0};
  if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
    return errno == ECHILD; /* EINTR: looked at again in 20 ms */
  return si.si_pid == pid;
}

/* Read what the hook writes (kept up to keep - 1 bytes, the rest read and
 * dropped) until it exits or the deadline passes: 1 exited, 0 timed
 * out.  What is in the pipe when it exits is read too; a daemon the hook
 * left holding the pipe does not keep brig waiting.  Without a pidfd (a
 * startContainer hook under a seccomp profile that denies pidfd_open) the
 * exit is looked for every 20 ms. */
static int follow(int pidfd, pid_t pid, int rd, int64_t deadline, char *keep,
                  size_t size, size_t *len) {
  for (;;) {
    struct pollfd pf[2] = {{.fd = pidfd, .events = POLLIN},
                           {.fd = rd, .events = POLLIN}};
    int64_t left = deadline < 0 ? -1 : deadline - monotonic_ms();
    if (deadline >= 0 && left <= 0)
      return 0;
    if (pidfd < 0 && (left < 0 || left > 20))
      left = 20;
    int n = poll(pf, 2,
                 left < 0           ? -1
                 : left > INT32_MAX ? INT32_MAX
                                    : (int)left);
    if (n < 0 && errno != EINTR)
      return 1;
    bool gone =
        pidfd >= 0 ? n > 0 && (pf[0].revents & POLLIN) : exited_nowait(pid);
    while (rd >= 0 && (gone || (n > 0 && pf[1].revents))) {
      char buf[4096];
      struct pollfd q = {.fd = rd, .events = POLLIN};
      if (gone && poll(&q, 1, 0) <= 0)
        break;
      ssize_t r = read(rd, buf, sizeof(buf));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0) {
        rd = -1; /* its end: poll ignores a negative fd */
        break;
      }
      size_t take = (size_t)r < size - 1 - *len ? (size_t)r : size - 1 - *len;
      memcpy(keep + *len, buf, take);
      *len += take;
      if (!gone)
        break;
    }
    if (gone)
      return 1;
  }
}

/* As runc runs a hook: the state on its stdin, as a file here (a memfd:
 * /dev/stdin opens, a large state never blocks brig on a hook that does
 * not read it), brig's environment (or hooks_set_env's) when the hook
 * has no env, and its
 * stdout and stderr taken, not passed on to brig's (the container's, for
 * a detached create), and quoted in the error when it fails. */
static int run_one(const struct spec_hook *h, const char *state_json,
                   struct brig_error *err) {
  char *default_argv[] = {h->path, NULL};
  char out[256], safe[512];
  size_t out_len = 0;
  int in, rd[2], pidfd, status, exited;
  int64_t deadline = -1;
  pid_t pid;

  /* Checked here so the failure is one line, not the child's and ours. */
  if (access(h->path, X_OK) < 0)
    return brig_err(err, errno, "exec");
  in = memfd_create("brig-hook-state", MFD_CLOEXEC);
  if (in >= 0 && (write_all(in, state_json, strlen(state_json)) < 0 ||
                  lseek(in, 0, SEEK_SET) < 0)) {
    int saved = errno;
    close(in);
    return brig_err(err, saved, "write the hook's state");
  }
  if (in < 0) {
    /* memfd_create denied (a startContainer hook runs under the
     * container's seccomp filter): a pipe that holds the whole state, as
     * runc's hooks read theirs from a pipe */
    int sp[2];
    size_t slen = strlen(state_json);
    if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) < 0)
      return brig_err(err, errno, "pipe for the hook's state");
    if (slen > 4096 && fcntl(sp[1], F_SETPIPE_SZ, (int)slen) < 0) {
      int saved = errno; /* EPERM above /proc/sys/fs/pipe-max-size */
      close(sp[0]);
      close(sp[1]);
      return brig_err(err, saved, "a pipe of %zu bytes for the hook's state",
                      slen);
    }
    ssize_t w = write(sp[1], state_json, slen);
    int saved = errno;
    close(sp[1]);
    if (w != (ssize_t)slen) {
      close(sp[0]);
      return brig_err(err, w < 0 ? saved : EMSGSIZE, "write the hook's state");
    }
    int fl = fcntl(sp[0], F_GETFL);
    fcntl(sp[0], F_SETFL, fl & ~O_NONBLOCK);
    in = sp[0];
  }
  if (pipe2(rd, O_CLOEXEC) < 0) {
    int saved = errno;
    close(in);
    return brig_err(err, saved, "pipe");
  }
  pid = fork();
  if (pid == 0) {
    contain_unblock_signals();
    child_stdio(in, rd[1]);
    if (hook_dir != NULL && chdir(hook_dir) < 0)
      _exit(127);
    coverage_flush();
    execve(h->path, h->args && h->args[0] ? h->args : default_argv,
           h->env     ? h->env
           : hook_env ? hook_env
                      : environ);
    _exit(127); /* reported as "exit status 127" */
  }
  int saved = errno;
  close(in);
  close(rd[1]);
  if (pid < 0) {
    close(rd[0]);
    return brig_err(err, saved, "fork");
  }
  if (h->timeout.set)
    deadline = monotonic_ms() + h->timeout.v * 1000;
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  exited = follow(pidfd, pid, rd[0], deadline, out, sizeof(out), &out_len);
  if (pidfd >= 0)
    close(pidfd);
  close(rd[0]);
  if (!exited)
    kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return brig_err(err, errno, "wait");
  out[out_len] = '\0';
  while (out_len > 0 && out[out_len - 1] == '\n')
    out[--out_len] = '\0';
  one_line(out, safe, sizeof(safe));
  if (!exited)
    return brig_err(err, 0, "timed out after %llds%s%s",
                    (long long)h->timeout.v, out_len ? ", output: " : "", safe);
  if (WIFSIGNALED(status))
    return brig_err(err, 0, "killed by signal %d%s%s", WTERMSIG(status),
                    out_len ? ", output: " : "", safe);
  if (WEXITSTATUS(status) != 0)
    return brig_err(err, 0, "exit status %d%s%s", WEXITSTATUS(status),
                    out_len ? ", output: " : "", safe);
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
