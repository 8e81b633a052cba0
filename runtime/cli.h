/* The command line: global options and the command table.  Each command
 * lives in its own cmd_*.c, parses its flags and calls the library. */
#ifndef BRIG_CLI_H
#define BRIG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#define CLI_HELP (-2)
#define CLI_ERROR (-3)
/* getopt_long for a command: -h/--help prints usage (CLI_HELP), an unknown
 * flag or missing value fills err (CLI_ERROR); -1 at the end.  A bool
 * flag given "=false" is no flag at all, but for the ones whose being set
 * counts (runc's context.IsSet: exec's --no-new-privs), which come back
 * with cli_bool false; every other flag comes back with it true. */
extern bool cli_bool;
int cli_next(int argc, char **argv, const char *cmd, const char *shortopts,
             const struct option *opts, const char *usage,
             struct brig_error *err);
/* All the flags of a command whose one option is --format text|json
 * (info, monitor): 0 with *json set, CLI_HELP, or CLI_ERROR with err
 * filled ("CMD: invalid format \"x\""). */
int cli_format_only(int argc, char **argv, const char *cmd, const char *usage,
                    bool *json, struct brig_error *err);
/* Rewrites Go-style flag words ("-root", "-b=/path", "-f=true") in argv
 * into getopt_long's forms, for opts (cli_next does it for commands).
 * Returns the index of the first word that names no flag exactly (Go's
 * flag package takes no abbreviation, no "-dt" for "-d -t", no "-b/path"),
 * else 0; cli_undefined words the error. */
int cli_go_words(int argc, char **argv, const char *shortopts,
                 const struct option *opts, bool stop_at_operand);
/* "flag provided but not defined: -NAME" for argv word w, as Go says it
 * (one dash, no "=value"). */
void cli_undefined(const char *w, char *buf, size_t size);
/* strconv.ParseBool: 0 with *out set, -1 for another word; NULL is true. */
int cli_parse_go_bool(const char *s, bool *out);
/* Operand count checks with runc's messages. */
int cli_exact_args(int argc, int n, const char *cmd, struct brig_error *err);
int cli_min_args(int argc, int n, const char *cmd, struct brig_error *err);
int cli_parse_int(const char *cmd, const char *flag, const char *val,
                  int64_t min, int64_t max, int64_t *out,
                  struct brig_error *err);

/* A Go duration ("5s", "500ms", "1m30s", "1.5h", "0"; a sign allowed) in
 * ms, as runc's flags take them; 1 for a non-zero one below 1 ms. */
int cli_parse_go_duration(const char *s, int64_t *ms);
/* The same, not negative, or plain seconds ("10"), as LXC's -t takes. */
int cli_parse_duration(const char *s, int64_t *ms);

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
CMD(update);
CMD(pause);
CMD(resume);
CMD(ps);
CMD(events);
CMD(exec);
CMD(execute);
CMD(stop);
CMD(wait);
CMD(monitor);
CMD(cgroup);
CMD(info);
CMD(checkconfig);

#endif
