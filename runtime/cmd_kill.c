/* brig kill [-a] ID [SIGNAL] */
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "proc.h"

static const char usage[] =
    "usage: brig kill [command options] <container-id> [signal]\n\n"
    "Send a signal (default SIGTERM) to the container's init process.\n\n"
    "Options:\n"
    "   --all, -a  send the specified signal to all processes inside the "
    "container\n";

CMD(kill) {
  static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  bool all = false;
  int sig = SIGTERM, c;

  while ((c = cli_next(argc, argv, "kill", "a", opts, usage, err)) != -1) {
    if (c == CLI_HELP)
      return 0;
    if (c == CLI_ERROR)
      return 1;
    all = true;
  }
  if (argc - optind < 1 || argc - optind > 2) {
    brig_err(err, 0,
             "\"kill\" requires a minimum of 1 and a maximum of 2 "
             "argument(s)");
    return 1;
  }
  /* As runc: an empty signal is the default; 0 sends nothing and only
   * asks whether the init (or with --all each process) is there. */
  if (argc - optind == 2 && argv[optind + 1][0] != '\0') {
    const char *s = argv[optind + 1];
    sig = strcmp(s, "0") == 0 ? 0 : signal_parse(s);
    if (sig < 0) {
      /* as runc, which finds the container first: a missing one is
       * what is said */
      struct container *c = NULL;
      if (container_read(brig_g.root, argv[optind], &c, err) < 0)
        return 1;
      container_free(c);
      brig_err(err, 0, "unknown signal \"%s\"", argv[optind + 1]);
      return 1;
    }
  }
  if (container_kill(brig_g.root, argv[optind], sig, all, err) < 0)
    return 1;
  return 0;
}
