/* benchrun: time a command the way `make bench` needs it.
 *
 *   benchrun [-U] [-n N] [-p P] -- CMD [ARG...]
 *
 * Runs CMD N times in each of P parallel streams (default 1 and 1) and
 * prints one line: "wall_us cpu_us maxrss_kb failures".  wall is from the
 * first fork to the last exit; cpu is user+sys of every process the runs
 * reaped (getrusage(RUSAGE_CHILDREN), so the whole process tree of each
 * run); maxrss is the largest resident set of any of them.  An argument
 * "{}" becomes a unique name (benchrun's pid, stream and run number), so
 * each run gets its own container id.  A run's stdin and stdout are
 * /dev/null; its stderr is benchrun's.
 *
 * -U: first enter a private mount namespace where an empty tmpfs covers
 * /sys/fs/cgroup/unified (crun 1.8 refuses hybrid hosts); the host's
 * mounts are not touched.  Done before the clock starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int hide_unified(void) {
  if (unshare(CLONE_NEWNS) < 0 ||
      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("tmpfs", "/sys/fs/cgroup/unified", "tmpfs", 0, NULL) < 0) {
    perror("benchrun: hide /sys/fs/cgroup/unified");
    return -1;
  }
  return 0;
}

/* One run: fork, exec with "{}" replaced, wait.  0 when it exited 0. */
static int run_once(char **argv, int argc, int stream, int seq) {
  char name[64];
  char **args = calloc((size_t)argc + 1, sizeof(char *));
  pid_t pid;
  int status;

  if (args == NULL)
    return -1;
  snprintf(name, sizeof(name), "b%d-%d-%d", (int)getpid(), stream, seq);
  for (int i = 0; i < argc; i++)
    args[i] = strcmp(argv[i], "{}") == 0 ? name : argv[i];
  pid = fork();
  if (pid == 0) {
    /* The output of a run (state, list) is not ours to print. */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0 && (dup2(null, 0) < 0 || dup2(null, 1) < 0))
      _exit(127);
    execvp(args[0], args);
    _exit(127);
  }
  free(args);
  if (pid < 0)
    return -1;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* A stream: N runs in sequence; its exit code is the number of failures. */
static int stream_main(char **argv, int argc, int stream, int n) {
  int failed = 0;
  for (int i = 0; i < n; i++)
    if (run_once(argv, argc, stream, i) < 0)
      failed++;
  return failed > 255 ? 255 : failed;
}

int main(int argc, char **argv) {
  int n = 1, p = 1, opt, failed = 0;
  long long t0, t1;
  struct rusage ru;

  while ((opt = getopt(argc, argv, "+Un:p:")) != -1) {
    switch (opt) {
    case 'U':
      if (hide_unified() < 0)
        return 1;
      break;
    case 'n':
      n = atoi(optarg);
      break;
    case 'p':
      p = atoi(optarg);
      break;
    default:
      fprintf(stderr, "usage: benchrun [-U] [-n N] [-p P] -- CMD...\n");
      return 2;
    }
  }
  if (optind >= argc || n < 1 || p < 1) {
    fprintf(stderr, "usage: benchrun [-U] [-n N] [-p P] -- CMD...\n");
    return 2;
  }
  argv += optind;
  argc -= optind;
  t0 = now_us();
  if (p == 1) {
    failed = stream_main(argv, argc, 0, n);
  } else {
    for (int s = 0; s < p; s++) {
      pid_t pid = fork();
      if (pid == 0)
        _exit(stream_main(argv, argc, s, n));
      if (pid < 0)
        return 1;
    }
    for (int s = 0; s < p; s++) {
      int status;
      if (wait(&status) > 0 && WIFEXITED(status))
        failed += WEXITSTATUS(status);
      else
        failed++;
    }
  }
  t1 = now_us();
  getrusage(RUSAGE_CHILDREN, &ru);
  printf("%lld %lld %ld %d\n", t1 - t0,
         (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
             ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
         ru.ru_maxrss, failed);
  return 0;
}
