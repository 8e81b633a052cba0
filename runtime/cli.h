/* The command line: global options and the command table.  Each command
 * lives in its own cmd_*.c, parses its flags and calls the library. */
#ifndef BRIG_CLI_H
#define BRIG_CLI_H

#include <stdbool.h>

#include "error.h"

struct brig_globals {
  const char *root; /* --root, default /run/brig */
  const char *log;
  const char *log_format;
  bool debug;
  bool systemd_cgroup;
  const char *rootless; /* true|false|auto */
};

extern struct brig_globals brig_g;

/* A command: returns its exit status; on failure fills err and returns
 * a non-zero status (main prints "brig: <msg>"). */
typedef int (*cmd_fn)(int argc, char **argv, struct brig_error *err);

struct brig_command {
  const char *name;
  cmd_fn fn;
  const char *summary;
};

/* Print a usage error for `cmd` ("brig CMD: ...") and return 1. */
int cli_usage_error(struct brig_error *err, const char *cmd, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));

#define CMD(name) int cmd_##name(int argc, char **argv, struct brig_error *err)
CMD(create);
CMD(start);
CMD(state);
CMD(kill);
CMD(delete);
CMD(run);
CMD(list);
CMD(spec);
CMD(features);
CMD(version);

#endif
