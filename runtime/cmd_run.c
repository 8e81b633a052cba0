/* brig run [-b DIR] [-d] [--pid-file F] [--console-socket S] [--no-pivot]
 *          [--no-new-keyring] [--no-subreaper] [--keep] [--preserve-fds N] ID
 * Foreground: forwards signals, relays the terminal when brig holds it, and
 * returns the container's exit code (128+N when killed by signal N). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "create_config.h"
#include "log.h"
#include "exitnote.h"
#include "report.h"
#include "supervise.h"
#include "terminal.h"
#include "util.h"

static const char usage[] =
    "usage: brig run [command options] <container-id>\n\n"
    "Create and start a container from the bundle's config.json.\n\n"
    "Options:\n"
    "   --bundle value, -b value  path to the root of the bundle directory "
    "(default: current directory)\n" CREATE_CONFIG_USAGE
    "   --console-socket value    path to an AF_UNIX socket which will "
    "receive a file descriptor referencing the master end of the console's "
    "pseudoterminal\n"
    "   --detach, -d              detach from the container's process\n"
    "   --keep                    do not delete the container after it "
    "exits\n"
    "   --pid-file value          specify the file to write the process id "
    "to\n"
    "   --no-subreaper            disable the use of the subreaper used to "
    "reap reparented processes\n"
    "   --no-pivot                do not use pivot root to jail process "
    "inside rootfs\n"
    "   --no-new-keyring          do not create a new session keyring for "
    "the container\n"
    "   --preserve-fds value      Pass N additional file descriptors to the "
    "container (stdio + $LISTEN_FDS + N in total) (default: 0)\n"
    "   --init                    run brig's built-in init as PID 1\n"
    "   --console-file value      with --detach: a relay process keeps the "
    "terminal and appends its output to this file (lxc-start -c)\n"
    "   --report value            on exit, write a JSON report of the job "
    "(exit code, oom, CPU, memory, I/O, times) to this file\n";

enum {
  OPT_NO_SUBREAPER = CREATE_OPT_END,
  OPT_KEEP,
  OPT_REPORT,
  OPT_CONSOLE_FILE
};

static const char execute_usage[] =
    "usage: brig execute [run's options] <container-id> [-- command...]\n\n"
    "Like run (lxc-execute), with brig's built-in init as PID 1: the "
    "command (default: process.args) runs as PID 2, orphans are reaped, "
    "SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH are "
    "forwarded to it, and its exit status is the container's.\n";

/* Remove the container run made (held, unlocked) and free it: 1. */
static int run_failed(struct container *held) {
  struct brig_error e = {0};
  container_poststart_wait(held); /* (runc's have run by then too) */
  if (container_remove_exited(held, &e) < 0)
    log_warn("remove the container: %s", e.msg);
  container_free(held);
  return 1;
}

static int run_main(int argc, char **argv, bool execute,
                    struct brig_error *err) {
  const char *cmd = execute ? "execute" : "run";
  static const struct option opts[] = {
      CREATE_OPTIONS,
      {"detach", no_argument, NULL, 'd'},
      {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
      {"keep", no_argument, NULL, OPT_KEEP},
      {"report", required_argument, NULL, OPT_REPORT},
      {"console-file", required_argument, NULL, OPT_CONSOLE_FILE},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  _cleanup_create_opts_ struct create_opts o = {.root = brig_g.root,
                                                .use_init = execute};
  bool detach = false, no_subreaper = false, keep = false;
  const char *report = NULL, *console_file = NULL;
  struct report_start rs = {0};
  struct container *held = NULL; /* what create made: start and remove it */
  int master = -1, start_fd = -1, notify = -1, code;
  pid_t pid;
  int c;

  while ((c = cli_next(argc, argv, cmd, "b:d", opts,
                       execute ? execute_usage : usage, err)) != -1) {
    switch (c) {
    case CLI_HELP:
      return 0;
    case CLI_ERROR:
      return 1;
    case 'd':
      detach = true;
      break;
    case OPT_NO_SUBREAPER:
      no_subreaper = true;
      break;
    case OPT_KEEP:
      keep = true;
      break;
    case OPT_REPORT:
      report = optarg;
      break;
    case OPT_CONSOLE_FILE:
      console_file = optarg;
      break;
    default:
      if (create_flag(c, cmd, &o, err) < 0)
        return 1;
    }
  }
  if (execute && argc - optind >= 1) {
    /* execute ID [-- CMD...] */
    int rest = argc - optind - 1;
    if (rest > 0 && strcmp(argv[optind + 1], "--") == 0) {
      argv[optind + 1] = NULL; /* args start after it */
      o.args = rest > 1 ? argv + optind + 2 : NULL;
    } else if (rest > 0) {
      brig_err(err, 0, "execute: the command goes after \"--\"");
      return 1;
    }
    o.id = argv[optind];
  } else {
    if (cli_exact_args(argc, 1, cmd, err) < 0)
      return 1;
    o.id = argv[optind];
  }
  if (console_file != NULL && (!detach || o.console_socket != NULL)) {
    brig_err(err, 0,
             "%s: --console-file needs --detach and no "
             "--console-socket",
             cmd);
    return 1;
  }
  o.detached = detach && console_file == NULL;
  o.foreground = !detach;
  /* the --console-file check below must come before the process runs */
  /* not with a pid file: the init must not run its process before the
   * file is there, and a run killed before that must leave none running */
  o.start_early = console_file == NULL && o.pid_file == NULL;
  o.receive_console =
      (!detach || console_file != NULL) && o.console_socket == NULL;
  if (create_refuse_systemd(cmd, o.id, err) < 0)
    return 1;
  if (!detach) {
    if (!no_subreaper)
      prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  if (report != NULL && detach) {
    brig_err(err, 0, "%s: --report needs the foreground (no --detach)", cmd);
    return 1;
  }
  if (report != NULL)
    report_begin(&rs);
  /* As runc, run writes its pid file once the process has started: a
   * start that fails leaves none (and the init may start at once). */
  const char *pid_file = o.pid_file;
  o.pid_file = NULL;
  if (container_create(&o, &pid, &master, &start_fd, &held, err) < 0) {
    if (!create_config_error(&o, err))
      brig_err_wrap(err, "%s %s", cmd, o.id);
    return 1;
  }
  /* checked before the start: the process must not run at all */
  /* On failure the container this run made goes, through its own file
   * (held): never by id, which a create may have taken again meanwhile
   * (a failed startContainer hook has removed it already). */
  if (console_file != NULL && master < 0) {
    brig_err(err, 0, "%s %s: --console-file needs process.terminal", cmd, o.id);
    container_unlock(held);
    return run_failed(held);
  }
  if (container_start_held(held, start_fd, detach ? NULL : &notify, err) < 0) {
    brig_err_wrap(err, "%s %s", cmd, o.id);
    return run_failed(held);
  }
  if (pid_file != NULL && write_pid_file(pid_file, pid, err) < 0) {
    brig_err_wrap(err, "%s %s", cmd, o.id);
    return run_failed(held);
  }
  if (detach) {
    if (console_file != NULL &&
        console_relay_spawn(master, console_file, err) < 0) {
      brig_err_wrap(err, "%s %s", cmd, o.id);
      return run_failed(held);
    }
    container_free(held); /* it outlives this run */
    return 0;
  }
  code = supervise(pid, master, notify);
  container_poststart_wait(held);
  exitnote_send(brig_g.root, o.id, code);
  /* Kept: `state` and monitors started later read the exit status from
   * state.json; otherwise the container is gone in a moment (monitors
   * running now have the exit note). */
  if (keep) {
    struct brig_error e = {0};
    if (container_record_exit(held, code, &e) < 0)
      log_warn("%s %s: record exit status: %s", cmd, o.id, e.msg);
  }
  if (report != NULL) {
    struct brig_error e = {0};
    if (report_write(report, brig_g.root, o.id, &rs, code, &e) < 0)
      log_warn("%s %s: %s", cmd, o.id, e.msg);
    free(rs.started);
  }
  if (!keep) {
    struct brig_error e = {0};
    if (container_remove_exited(held, &e) < 0)
      log_warn("%s %s: delete: %s", cmd, o.id, e.msg);
  }
  container_free(held);
  return code;
}

CMD(run) {
  return run_main(argc, argv, false, err);
}

CMD(execute) {
  return run_main(argc, argv, true, err);
}
