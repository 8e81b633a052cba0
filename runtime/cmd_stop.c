/* brig stop [-t DURATION] [-s SIG] ID (lxc-stop) */
#include <signal.h>

#include <stddef.h>

#include "cli.h"
#include "proc.h"
#include "watch.h"

static const char usage[] =
    "usage: brig stop [command options] <container-id>\n\n"
    "Send the stop signal, wait, then SIGKILL; return once the container is "
    "stopped (lxc-stop).\n\n"
    "Options:\n"
    "   --timeout value, -t value  how long to wait before SIGKILL (default: "
    "10s)\n"
    "   --signal value, -s value   the stop signal (default: SIGTERM)\n";

CMD(stop) {
  static const struct option opts[] = {
      {"timeout", required_argument, NULL, 't'},
      {"signal", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int64_t timeout = 10000;
  int sig = SIGTERM, c;

  while ((c = cli_next(argc, argv, "stop", "t:s:", opts, usage, err)) != -1) {
    switch (c) {
    case CLI_HELP:
      return 0;
    case CLI_ERROR:
      return 1;
    case 't':
      if (cli_parse_duration(optarg, &timeout) < 0) {
        brig_err(err, 0, "stop: invalid --timeout \"%s\"", optarg);
        return 1;
      }
      break;
    case 's':
      sig = signal_parse(optarg);
      if (sig < 0) {
        brig_err(err, 0, "stop: unknown signal \"%s\"", optarg);
        return 1;
      }
      break;
    }
  }
  if (cli_exact_args(argc, 1, "stop", err) < 0)
    return 1;
  return container_stop(brig_g.root, argv[optind], sig, timeout, err) < 0;
}
