/* brig features: the runtime-spec features.json of this build. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "spec.h"

static const char usage[] =
    "usage: brig features\n\n"
    "Show the enabled features (runtime-spec features.json).\n";

CMD(features) {
  static const struct option opts[] = {
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  char *json;
  int c;

  while ((c = cli_next(argc, argv, "features", "", opts, usage, err)) != -1) {
    if (c == CLI_HELP)
      return 0;
    if (c == CLI_ERROR)
      return 1;
  }
  if (cli_exact_args(argc, 0, "features", err) < 0)
    return 1;
  json = spec_features_json(err);
  if (json == NULL)
    return 1;
  fputs(json, stdout);
  free(json);
  return 0;
}
