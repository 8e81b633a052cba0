/* brig state ID: the runtime-spec state, as runc prints it. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "container.h"

static const char usage[] = "usage: brig state <container-id>\n\n"
                            "Output the state of a container.\n";

CMD(state) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  struct container *ct = NULL;
  char *json;
  int c;
  while ((c = cli_next(argc, argv, "state", "", opts, usage, err)) != -1)
    return c == CLI_HELP ? 0 : 1;
  if (cli_exact_args(argc, 1, "state", err) < 0)
    return 1;
  if (container_read(brig_g.root, argv[optind], &ct, err) < 0) {
    container_free(ct);
    return 1;
  }
  json = state_emit_public(&ct->st, true);
  fputs(json, stdout);
  free(json);
  container_free(ct);
  return 0;
}
