/* brig create [-b DIR] [--pid-file F] [--console-socket S] [--no-pivot]
 *             [--no-new-keyring] [--preserve-fds N] ID */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "create_config.h"

static const char usage[] =
    "usage: brig create [command options] <container-id>\n\n"
    "Create a container from the bundle's config.json; `start` runs it.\n\n"
    "Options:\n"
    "   --bundle value, -b value  path to the root of the bundle directory "
    "(default: current directory)\n" CREATE_CONFIG_USAGE
    "   --console-socket value    path to an AF_UNIX socket which will "
    "receive a file descriptor referencing the master end of the console's "
    "pseudoterminal\n"
    "   --pid-file value          specify the file to write the process id "
    "to\n"
    "   --no-pivot                do not use pivot root to jail process "
    "inside rootfs\n"
    "   --no-new-keyring          do not create a new session keyring for "
    "the container\n"
    "   --preserve-fds value      Pass N additional file descriptors to the "
    "container (stdio + $LISTEN_FDS + N in total) (default: 0)\n"
    "   --init                    run brig's built-in init as PID 1 (the "
    "process is PID 2; orphans are reaped, signals forwarded)\n";

enum {
  OPT_PID_FILE = 256,
  OPT_CONFIG,
  OPT_SET,
  OPT_CONSOLE,
  OPT_NO_PIVOT,
  OPT_NO_KEYRING,
  OPT_PRESERVE,
  OPT_INIT
};

CMD(create) {
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"config", required_argument, NULL, OPT_CONFIG},
      {"set", required_argument, NULL, OPT_SET},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
      {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"init", no_argument, NULL, OPT_INIT},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct create_opts o = {.root = brig_g.root, .detached = true};
  int64_t n;
  int c;

  while ((c = cli_next(argc, argv, "create", "b:", opts, usage, err)) != -1) {
    switch (c) {
    case CLI_HELP:
      return 0;
    case CLI_ERROR:
      return 1;
    case 'b':
      o.bundle = optarg;
      break;
    case OPT_CONFIG:
      o.config_file = optarg;
      break;
    case OPT_SET:
      create_add_set(&o.sets, optarg);
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
    case OPT_INIT:
      o.use_init = true;
      break;
    case OPT_PRESERVE:
      if (cli_parse_int("create", "preserve-fds", optarg, 0, 65536, &n, err))
        return 1;
      o.preserve_fds = (int)n;
      break;
    }
  }
  if (cli_exact_args(argc, 1, "create", err) < 0)
    return 1;
  o.id = argv[optind];
  if (brig_g.systemd_cgroup) {
    brig_err(err, 0,
             "create %s: --systemd-cgroup: the systemd cgroup driver "
             "is not supported yet",
             o.id);
    return 1;
  }
  if (container_create(&o, NULL, NULL, err) < 0) {
    if (!create_config_error(&o, err))
      brig_err_wrap(err, "create %s", o.id);
    return 1;
  }
  return 0;
}
