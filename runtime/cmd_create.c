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

CMD(create) {
  static const struct option opts[] = {
      CREATE_OPTIONS,
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  _cleanup_create_opts_ struct create_opts o = {.root = brig_g.root,
                                                .detached = true};
  int c;

  while ((c = cli_next(argc, argv, "create", "b:", opts, usage, err)) != -1) {
    if (c == CLI_HELP)
      return 0;
    if (c == CLI_ERROR || create_flag(c, "create", &o, err) < 0)
      return 1;
  }
  if (cli_exact_args(argc, 1, "create", err) < 0)
    return 1;
  o.id = argv[optind];
  if (create_refuse_systemd("create", o.id, err) < 0)
    return 1;
  if (container_create(&o, NULL, NULL, NULL, NULL, err) < 0) {
    if (!create_config_error(&o, err))
      brig_err_wrap(err, "create %s", o.id);
    return 1;
  }
  return 0;
}
