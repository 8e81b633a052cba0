/* brig start ID */
#include "cli.h"
#include "container.h"

static const char usage[] =
    "usage: brig start <container-id>\n\n"
    "Execute the user-defined process in a created container.\n";

CMD(start) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c;
  while ((c = cli_next(argc, argv, "start", "", opts, usage, err)) != -1)
    return c == CLI_HELP ? 0 : 1;
  if (cli_exact_args(argc, 1, "start", err) < 0)
    return 1;
  if (container_start(brig_g.root, argv[optind], err) < 0)
    return 1;
  return 0;
}
