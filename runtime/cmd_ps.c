/* brig ps [-f table|json] ID [-- PS-ARGS...]: the container's processes.
 * json: the host pids in its cgroup; table: the host's `ps` (default -ef)
 * reduced to its header and the container's rows, as runc prints them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "events.h"
#include "util.h"

static const char usage[] =
    "usage: brig ps [command options] <container-id> [ps options]\n\n"
    "Display the processes running inside a container.\n\n"
    "Options:\n"
    "   --format value, -f value  select one of: table or json (default: "
    "\"table\")\n";

/* Run ps with args; its stdout and stderr in *out. */
static int run_ps(char **args, char **out, struct brig_error *err) {
  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC) < 0)
    return brig_err(err, errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) {
    close(pfd[0]);
    close(pfd[1]);
    return brig_err(err, errno, "fork");
  }
  if (pid == 0) {
    dup2(pfd[1], 1);
    dup2(pfd[1], 2);
    execvp("ps", args);
    fprintf(stderr, "exec ps: %s\n", brig_strerror(errno));
    _exit(127);
  }
  close(pfd[1]);
  size_t len = 0, cap = 4096;
  char *buf = xmalloc(cap);
  ssize_t n;
  while ((n = read(pfd[0], buf + len, cap - len - 1)) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    len += (size_t)n;
    if (cap - len < 2)
      buf = xrealloc(buf, cap *= 2);
  }
  buf[len] = '\0';
  close(pfd[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    buf[strcspn(buf, "\n")] = '\0';
    brig_err(err, 0, "ps: exit status %d: %s",
             WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
             buf);
    free(buf);
    return -1;
  }
  *out = buf;
  return 0;
}

/* The 0-based column of "PID" in the header. */
static int pid_column(const char *header) {
  _cleanup_free_ char *h = xstrdup(header);
  int i = 0;
  for (char *t = strtok(h, " \t"); t; t = strtok(NULL, " \t"), i++)
    if (strcmp(t, "PID") == 0)
      return i;
  return -1;
}

static bool row_in(const char *line, int col, const pid_t *pids, size_t n,
                   struct brig_error *err, bool *bad) {
  _cleanup_free_ char *l = xstrdup(line);
  char *t = strtok(l, " \t");
  for (int i = 0; t != NULL && i < col; i++)
    t = strtok(NULL, " \t");
  int64_t v;
  if (t == NULL || parse_i64(t, &v) < 0) {
    brig_err(err, 0, "unable to parse pid: %s", t ? t : "(missing)");
    *bad = true;
    return false;
  }
  for (size_t i = 0; i < n; i++)
    if (pids[i] == v)
      return true;
  return false;
}

static int print_table(char **ps_args, size_t n_args, const pid_t *pids,
                       size_t n, struct brig_error *err) {
  char **args = xcalloc(n_args + 3, sizeof(*args));
  _cleanup_free_ char *out = NULL;
  args[0] = "ps";
  if (n_args == 0)
    args[1] = "-ef";
  for (size_t i = 0; i < n_args; i++)
    args[i + 1] = ps_args[i];
  int r = run_ps(args, &out, err);
  free(args);
  if (r < 0)
    return -1;
  char *save = NULL;
  char *header = strtok_r(out, "\n", &save);
  int col = header ? pid_column(header) : -1;
  if (col < 0)
    return brig_err(err, 0, "couldn't find PID field in ps output");
  printf("%s\n", header);
  for (char *l = strtok_r(NULL, "\n", &save); l;
       l = strtok_r(NULL, "\n", &save)) {
    bool bad = false;
    if (row_in(l, col, pids, n, err, &bad))
      printf("%s\n", l);
    if (bad)
      return -1;
  }
  return 0;
}

CMD(ps) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *format = "table";
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  int opt, ret = 1;

  while ((opt = cli_next(argc, argv, "ps", "f:", opts, usage, err)) != -1) {
    if (opt == CLI_HELP)
      return 0;
    if (opt == CLI_ERROR)
      return 1;
    format = optarg;
  }
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
    brig_err(err, 0, "invalid format option");
    return 1;
  }
  if (cli_min_args(argc, 1, "ps", err) < 0)
    return 1;
  const char *id = argv[optind];
  char **ps_args = argv + optind + 1;
  size_t n_args = (size_t)(argc - optind - 1);
  if (n_args > 0 && strcmp(ps_args[0], "--") == 0) {
    ps_args++;
    n_args--;
  }
  if (container_load(brig_g.root, id, &c, err) < 0)
    goto out;
  if (cgroup_open(c->st.cgroup_path, &cg, err) < 0 ||
      cgroup_pids(cg, &pids, &n, err) < 0)
    goto out;
  /* ps and the output need no lock */
  container_free(c);
  c = NULL;
  if (strcmp(format, "json") == 0 && n == 0) {
    /* runc encodes its nil list of pids: a stopped container's */
    printf("null\n");
  } else if (strcmp(format, "json") == 0) {
    _cleanup_free_ long long *v = xcalloc(n, sizeof(*v));
    for (size_t i = 0; i < n; i++)
      v[i] = pids[i];
    _cleanup_free_ char *js = events_emit_int_array(v, n, err);
    if (js == NULL)
      goto out;
    printf("%s\n", js);
  } else if (print_table(ps_args, n_args, pids, n, err) < 0) {
    goto out;
  }
  ret = 0;
out:
  cgroup_free(cg);
  container_free(c);
  return ret;
}
