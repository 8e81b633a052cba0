/* brig: global flags, the command table, exit codes. */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "rootless.h"
#include "selfexe.h"
#include "util.h"

/* runc's checkpoint and restore: named, so that a caller gets why.  Even
 * `--help` fails: podman and cri-o take its success to mean the runtime
 * can checkpoint (containers/common's CRRuntimeSupportsCheckpointRestore). */
static int no_criu(int argc, char **argv, struct brig_error *err) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      printf("usage: brig %s [command options] <container-id>\n\n"
             "Not supported: brig has no CRIU (checkpoint/restore) "
             "support.\n",
             argv[0]);
  brig_err(err, 0,
           "%s: not supported: brig has no CRIU (checkpoint/restore) "
           "support",
           argv[0]);
  return 1;
}

static const struct brig_command commands[] = {
    {"cgroup", cmd_cgroup, "read or write one cgroup file (lxc-cgroup)"},
    {"checkconfig", cmd_checkconfig,
     "report the kernel features brig can use (lxc-checkconfig)"},
    {"checkpoint", no_criu, "not supported (no CRIU): runc's checkpoint"},
    {"create", cmd_create, "create a container"},
    {"delete", cmd_delete, "delete any resources held by the container"},
    {"events", cmd_events,
     "display container events such as OOM notifications, cpu, memory, and "
     "IO usage statistics"},
    {"exec", cmd_exec, "execute new process inside the container"},
    {"execute", cmd_execute,
     "run a container with brig's built-in init as PID 1 (lxc-execute)"},
    {"features", cmd_features, "show the enabled features"},
    {"info", cmd_info, "show a container's state and resource use (lxc-info)"},
    {"kill", cmd_kill, "send a signal to the container's init process"},
    {"list", cmd_list, "list containers started by brig with the given root"},
    {"ls", cmd_list, "alias of list (lxc-ls)"},
    {"monitor", cmd_monitor,
     "print state changes as they happen (lxc-monitor)"},
    {"pause", cmd_pause, "pause suspends all processes inside the container"},
    {"ps", cmd_ps, "ps displays the processes running inside a container"},
    {"restore", no_criu, "not supported (no CRIU): runc's restore"},
    {"resume", cmd_resume,
     "resumes all processes that have been previously paused"},
    {"run", cmd_run, "create and run a container"},
    {"spec", cmd_spec, "create a new specification file"},
    {"start", cmd_start, "execute the user process in a created container"},
    {"state", cmd_state, "output the state of a container"},
    {"stop", cmd_stop, "signal, wait, then kill the container (lxc-stop)"},
    {"update", cmd_update, "update container resource constraints"},
    {"version", cmd_version, "print the version"},
    {"wait", cmd_wait, "wait for a container state (lxc-wait)"},
};

static void usage(FILE *out) {
  fprintf(out, "usage: brig [global options] COMMAND [options] [args]\n\n"
               "brig is a low-level OCI container runtime.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(out, "   %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\nGlobal options:\n"
          "   --debug                  enable debug logging\n"
          "   --log value              set the log file to write brig logs "
          "to (default is '/dev/stderr')\n"
          "   --log-format value       set the log format ('text' (default), "
          "or 'json') (default: \"text\")\n"
          "   --root value             root directory for storage of "
          "container state (default: \"/run/brig\")\n"
          "   --systemd-cgroup         enable systemd cgroup support\n"
          "   --rootless value         ignore cgroup permission errors "
          "('true', 'false', or 'auto') (default: \"auto\")\n"
          "   --criu value             accepted for runc's sake; brig has no "
          "checkpoint/restore\n"
          "   --help, -h               show help\n"
          "   --version, -v            print the version\n");
}

static const char *default_root(void) {
  /* As runc: root under XDG_RUNTIME_DIR for callers other than the host's
   * root: a non-root user, or root in a user namespace (rootless podman's
   * conmon) unless USER is "root"; an empty XDG_RUNTIME_DIR counts as
   * unset. */
  const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");
  if (xdg != NULL && *xdg != '\0' &&
      (geteuid() != 0 ||
       ((user == NULL || strcmp(user, "root") != 0) && rootless_in_userns()))) {
    static char buf[4096];
    snprintf(buf, sizeof(buf), "%s/brig", xdg);
    return buf;
  }
  return "/run/brig";
}

/* A closed 0, 1 or 2 gets /dev/null, as a Go program's (runc's): else the
 * first file brig opens (its --log, a pipe) would become one, and be
 * written to or relayed as if it were the caller's.  One poll finds them. */
static void stdio_fill(void) {
  struct pollfd pf[3] = {{.fd = 0}, {.fd = 1}, {.fd = 2}};
  if (poll(pf, 3, 0) <= 0)
    return;
  for (int i = 0; i < 3; i++) {
    /* (open takes the lowest free fd: i, the others being open; not so
     * for an fd poll cannot take, an O_PATH one, left as it is) */
    int fd = (pf[i].revents & POLLNVAL) ? open("/dev/null", O_RDWR) : i;
    if (fd != i && fd >= 0)
      close(fd);
  }
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"root", required_argument, NULL, 'r'},
      {"log", required_argument, NULL, 'l'},
      {"log-format", required_argument, NULL, 'f'},
      /* Go's bool flags: --debug or --debug=true|false */
      {"debug", optional_argument, NULL, 'd'},
      {"systemd-cgroup", optional_argument, NULL, 's'},
      {"rootless", required_argument, NULL, 'R'},
      {"criu", required_argument, NULL, 'C'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0},
  };
  struct brig_error err = {0};
  char safe[256]; /* an argument quoted in a message, one line */
  int c, ret;

  stdio_fill();
  opterr = 0;
  c = cli_go_words(argc, argv, "hv", opts, true);
  if (c > 0) {
    char raw[sizeof(safe)];
    cli_undefined(argv[c], raw, sizeof(raw));
    fprintf(stderr, "brig: %s\n", one_line(raw, safe, sizeof(safe)));
    return 1;
  }
  while ((c = getopt_long(argc, argv, "+:hv", opts, NULL)) != -1) {
    switch (c) {
    case 'r':
      brig_g.root = optarg;
      break;
    case 'l':
      brig_g.log = optarg;
      break;
    case 'f':
      if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
        fprintf(stderr, "brig: invalid log-format: %s\n",
                one_line(optarg, safe, sizeof(safe)));
        return 1;
      }
      brig_g.log_format = optarg;
      break;
    case 'd':
    case 's':
      if (cli_parse_go_bool(optarg, c == 'd' ? &brig_g.debug
                                             : &brig_g.systemd_cgroup) < 0) {
        fprintf(stderr,
                "brig: invalid boolean value \"%s\" for -%s: parse error\n",
                one_line(optarg, safe, sizeof(safe)),
                c == 'd' ? "debug" : "systemd-cgroup");
        return 1;
      }
      break;
    case ':': /* as Go's flag package says it */
      fprintf(stderr, "brig: flag needs an argument: %s\n",
              one_line(argv[optind - 1], safe, sizeof(safe)));
      return 1;
    case 'R': {
      /* runc's parseBoolOrAuto: "", "auto" in any case, or a Go bool */
      bool on;
      if (*optarg == '\0' || strcasecmp(optarg, "auto") == 0)
        brig_g.rootless = "auto";
      else if (cli_parse_go_bool(optarg, &on) == 0)
        brig_g.rootless = on ? "true" : "false";
      else {
        fprintf(stderr, "brig: invalid --rootless value: %s\n",
                one_line(optarg, safe, sizeof(safe)));
        return 1;
      }
      break;
    }
    case 'C': /* runc's path to criu: accepted, nothing uses it */
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'v': {
      char *vargv[] = {"version", NULL};
      ret = cmd_version(1, vargv, &err);
      return ret;
    }
    default:
      if (optopt)
        fprintf(stderr, "brig: flag provided but not defined: -%c\n", optopt);
      else
        fprintf(stderr, "brig: flag provided but not defined: %s\n",
                one_line(argv[optind - 1], safe, sizeof(safe)));
      return 1;
    }
  }
  /* A caller that ignored SIGCHLD (bash's trap "" CHLD survives exec)
   * would make every wait for brig's own children fail with ECHILD: hooks,
   * the exec helper.  runc's Go runtime installs its own handler. */
  signal(SIGCHLD, SIG_DFL);
  /* Commands that enter a container run from a sealed copy of brig. */
  if (optind < argc && selfexe_needed(argv[optind]) &&
      selfexe_seal(argv, &err) < 0) {
    fprintf(stderr, "brig: %s\n", err.msg);
    return 1;
  }
  if (brig_g.root == NULL)
    brig_g.root = default_root();
  /* absolute, as runc makes it: the state root's paths also serve from
   * other directories (the bundle's, for a NOTIFY_SOCKET mount source) */
  if (brig_g.root[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
      fprintf(stderr, "brig: --root %s: getcwd: %s\n",
              one_line(brig_g.root, safe, sizeof(safe)), brig_strerror(errno));
      return 1;
    }
    brig_g.root = xasprintf("%s/%s", cwd, brig_g.root);
  }
  if (log_init(brig_g.log, brig_g.log_format, brig_g.debug) < 0) {
    fprintf(stderr, "brig: open log %s: %s\n",
            one_line(brig_g.log, safe, sizeof(safe)), brig_strerror(errno));
    return 1;
  }
  if (optind >= argc) {
    usage(stderr);
    return 1;
  }
  const char *name = argv[optind];
  char *help_argv[] = {NULL, "--help", NULL};
  if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0) {
    if (optind + 1 >= argc) {
      usage(stdout);
      return 0;
    }
    /* `help CMD`, as runc: that command's own help */
    name = help_argv[0] = argv[optind + 1];
    argc = 2;
    argv = help_argv;
    optind = 0;
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (strcmp(commands[i].name, name) != 0)
      continue;
    int cargc = argc - optind;
    char **cargv = argv + optind;
    optind = 0; /* glibc: re-initialise getopt for the command's flags */
    ret = commands[i].fn(cargc, cargv, &err);
    if (ret != 0 && err.msg[0] != '\0') {
      fprintf(stderr, "brig: %s\n", err.msg);
      log_error("%s", err.msg);
    }
    return ret;
  }
  fprintf(stderr, "brig: No help topic for '%s'\n",
          one_line(name, safe, sizeof(safe)));
  return 3; /* runc's (urfave/cli's) status for an unknown command */
}
