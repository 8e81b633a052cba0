/* brig run [-b DIR] [-d] [--pid-file F] [--console-socket S] [--no-pivot]
 *          [--no-new-keyring] [--no-subreaper] [--keep] [--preserve-fds N] ID
 * Foreground: forwards signals, relays the terminal when brig holds it, and
 * returns the container's exit code (128+N when killed by signal N). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "log.h"
#include "terminal.h"
#include "util.h"

static const char usage[] =
    "usage: brig run [command options] <container-id>\n\n"
    "Create and start a container from the bundle's config.json.\n\n"
    "Options:\n"
    "   --bundle value, -b value  path to the root of the bundle directory "
    "(default: current directory)\n"
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
    "container (stdio + $LISTEN_FDS + N in total) (default: 0)\n";

enum {
  OPT_PID_FILE = 256,
  OPT_CONSOLE,
  OPT_NO_PIVOT,
  OPT_NO_KEYRING,
  OPT_PRESERVE,
  OPT_NO_SUBREAPER,
  OPT_KEEP
};

static const int forwarded[] = {SIGHUP,  SIGINT,   SIGQUIT, SIGTERM, SIGUSR1,
                                SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN,
                                SIGTTOU, SIGALRM,  SIGPIPE, SIGCHLD};

static int exit_code(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

/* Wait for the init, forwarding signals and relaying the terminal. */
static int supervise(pid_t pid, int master) {
  struct termios saved;
  bool raw = false, stdin_open = master >= 0;
  sigset_t mask;
  int sfd, status = 0;

  sigemptyset(&mask);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    sigaddset(&mask, forwarded[i]);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
    struct termios t = saved;
    struct winsize ws;
    cfmakeraw(&t);
    raw = tcsetattr(0, TCSANOW, &t) == 0;
    if (ioctl(0, TIOCGWINSZ, &ws) == 0)
      ioctl(master, TIOCSWINSZ, &ws);
  }
  for (;;) {
    struct pollfd pf[3] = {{.fd = sfd, .events = POLLIN},
                           {.fd = master, .events = POLLIN},
                           {.fd = stdin_open ? 0 : -1, .events = POLLIN}};
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid)
      break;
    if (poll(pf, 3, -1) < 0 && errno != EINTR)
      break;
    if (pf[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD) {
        if (si.ssi_signo == SIGWINCH && master >= 0) {
          struct winsize ws;
          if (ioctl(0, TIOCGWINSZ, &ws) == 0)
            ioctl(master, TIOCSWINSZ, &ws);
        } else {
          kill(pid, (int)si.ssi_signo);
        }
      }
    }
    if (master >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[8192];
      ssize_t n = read(master, buf, sizeof(buf));
      if (n > 0)
        write_all(1, buf, (size_t)n);
      else if (n == 0 || errno != EINTR) {
        /* The pty hung up: the process is exiting; just wait for it. */
        close(master);
        master = -1;
        stdin_open = false;
      }
    }
    if (stdin_open && (pf[2].revents & (POLLIN | POLLHUP))) {
      char buf[8192];
      ssize_t n = read(0, buf, sizeof(buf));
      if (n > 0)
        write_all(master, buf, (size_t)n);
      else
        stdin_open = false;
    }
  }
  if (raw)
    tcsetattr(0, TCSANOW, &saved);
  if (master >= 0)
    close(master);
  close(sfd);
  sigprocmask(SIG_UNBLOCK, &mask, NULL);
  return exit_code(status);
}

CMD(run) {
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
      {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
      {"keep", no_argument, NULL, OPT_KEEP},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct create_opts o = {.root = brig_g.root};
  bool detach = false, no_subreaper = false, keep = false;
  int master = -1, code;
  pid_t pid;
  int64_t n;
  int c;

  while ((c = cli_next(argc, argv, "run", "b:d", opts, usage, err)) != -1) {
    switch (c) {
    case CLI_HELP:
      return 0;
    case CLI_ERROR:
      return 1;
    case 'b':
      o.bundle = optarg;
      break;
    case 'd':
      detach = true;
      break;
    case OPT_PID_FILE:
      o.pid_file = optarg;
      break;
    case OPT_CONSOLE:
      o.console_socket = optarg;
      break;
    case OPT_NO_PIVOT:
      o.no_pivot = true;
      break;
    case OPT_NO_KEYRING:
      o.no_new_keyring = true;
      break;
    case OPT_PRESERVE:
      if (cli_parse_int("run", "preserve-fds", optarg, 0, 65536, &n, err))
        return 1;
      o.preserve_fds = (int)n;
      break;
    case OPT_NO_SUBREAPER:
      no_subreaper = true;
      break;
    case OPT_KEEP:
      keep = true;
      break;
    }
  }
  if (cli_exact_args(argc, 1, "run", err) < 0)
    return 1;
  o.id = argv[optind];
  o.detached = detach;
  o.receive_console = !detach && o.console_socket == NULL;
  if (brig_g.systemd_cgroup) {
    brig_err(err, 0,
             "run %s: --systemd-cgroup: the systemd cgroup driver is "
             "not supported yet",
             o.id);
    return 1;
  }
  if (!detach && !no_subreaper)
    prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (container_create(&o, &pid, &master, err) < 0) {
    if (strncmp(err->msg, "config.json", 11) != 0)
      brig_err_wrap(err, "run %s", o.id);
    return 1;
  }
  if (container_start(brig_g.root, o.id, err) < 0) {
    struct brig_error e = {0};
    brig_err_wrap(err, "run %s", o.id);
    container_delete(brig_g.root, o.id, true, &e);
    return 1;
  }
  if (detach)
    return 0;
  code = supervise(pid, master);
  if (!keep) {
    struct brig_error e = {0};
    if (container_delete(brig_g.root, o.id, true, &e) < 0)
      log_warn("run %s: delete: %s", o.id, e.msg);
  }
  return code;
}
