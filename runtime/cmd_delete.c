/* brig delete [-f] ID */
#include "cli.h"
#include "container.h"

static const char usage[] =
    "usage: brig delete [command options] <container-id>\n\n"
    "Delete any resources held by the container.\n\n"
    "Options:\n"
    "   --force, -f  Forcibly deletes the container if it is still running "
    "(uses SIGKILL)\n";

CMD(delete) {
  static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  bool force = false;
  int c;
  while ((c = cli_next(argc, argv, "delete", "f", opts, usage, err)) != -1) {
    if (c == CLI_HELP)
      return 0;
    if (c == CLI_ERROR)
      return 1;
    force = true;
  }
  if (cli_exact_args(argc, 1, "delete", err) < 0)
    return 1;
  if (container_delete(brig_g.root, argv[optind], force, err) < 0)
    return 1;
  return 0;
}
