/* brig wait [--state STATE] [--timeout DURATION] ID (lxc-wait) */
#include <stddef.h>

#include "cli.h"
#include "watch.h"

static const char usage[] =
    "usage: brig wait [command options] <container-id>\n\n"
    "Block until the container reaches the state (lxc-wait); exit 0 when it "
    "does, 124 on timeout.\n\n"
    "Options:\n"
    "   --state value, -s value    created, running, paused, stopped or "
    "deleted, or several as lxc-wait takes them: RUNNING|STOPPED (default: "
    "stopped)\n"
    "   --timeout value, -t value  give up after this long (default: "
    "never)\n";

CMD(wait) {
  static const struct option opts[] = {
      {"state", required_argument, NULL, 's'},
      {"timeout", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *state = "stopped";
  int64_t timeout = -1;
  int c, r;

  while ((c = cli_next(argc, argv, "wait", "s:t:", opts, usage, err)) != -1) {
    switch (c) {
    case CLI_HELP:
      return 0;
    case CLI_ERROR:
      return 1;
    case 's':
      state = optarg;
      break;
    case 't':
      if (cli_parse_duration(optarg, &timeout) < 0) {
        brig_err(err, 0, "wait: invalid --timeout \"%s\"", optarg);
        return 1;
      }
      break;
    }
  }
  if (cli_exact_args(argc, 1, "wait", err) < 0)
    return 1;
  r = container_wait(brig_g.root, argv[optind], state, timeout, err);
  if (r < 0)
    return 1;
  return r == 1 ? 124 : 0;
}
