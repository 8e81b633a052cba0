/* brig spec [-b|--bundle DIR] [--rootless]: write a default config.json. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spec.h"
#include "util.h"

static const char usage[] =
    "usage: brig spec [command options]\n\n"
    "Create a new specification file (config.json) in the bundle.\n\n"
    "Options:\n"
    "   --bundle value, -b value  path to the root of the bundle directory\n"
    "   --rootless                generate a configuration for a rootless "
    "container\n";

CMD(spec) {
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"rootless", no_argument, NULL, 'R'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const char *bundle = ".";
  bool rootless = false;
  _cleanup_free_ char *json = NULL;
  _cleanup_close_ int dirfd = -1;
  _cleanup_close_ int fd = -1;
  int c;

  while ((c = cli_next(argc, argv, "spec", "b:", opts, usage, err)) != -1) {
    if (c == CLI_HELP)
      return 0;
    if (c == CLI_ERROR)
      return 1;
    if (c == 'b')
      bundle = optarg;
    else
      rootless = true;
  }
  if (cli_exact_args(argc, 0, "spec", err) < 0)
    return 1;
  dirfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return brig_err(err, errno, "open bundle %s", bundle), 1;
  json = spec_default_json(rootless, err);
  if (json == NULL)
    return 1;
  /* O_EXCL: never replace a config, even one created meanwhile. */
  fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
              0666);
  if (fd < 0 && errno == EEXIST)
    return brig_err(err, 0, "File config.json exists. Remove it first"), 1;
  if (fd < 0)
    return brig_err(err, errno, "create %s/config.json", bundle), 1;
  if (write_all(fd, json, strlen(json)) < 0)
    return brig_err(err, errno, "write %s/config.json", bundle), 1;
  return 0;
}
