/* Helpers shared by the cmd_*.c front ends. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Here, not in main.c, so the unit tests (everything but main.o) link. */
struct brig_globals brig_g = {
    .root = NULL,
    .log_format = "text",
    .rootless = "auto",
};

/* runc's commands take their flags after the container id too (its CLI
 * library moves them in front), all but exec and ps, whose words after
 * the id are a command line or ps's own flags.  brig's LXC-style commands
 * do the same (a "--format" after monitor's ids is no container id), but
 * execute and cgroup, whose first operand ends the flags (execute's
 * command, cgroup's value may start with '-'). */
static bool flags_after_operands(const char *cmd) {
  static const char *const cmds[] = {
      "create",   "start",   "state",  "kill",   "delete", "run",
      "pause",    "resume",  "events", "update", "list",   "spec",
      "features", "monitor", "stop",   "wait",   "info",   "checkconfig"};
  for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
    if (strcmp(cmd, cmds[i]) == 0)
      return true;
  return false;
}

/* Go's flag package, which runc's CLI library parses with, takes any flag
 * with one dash or two ("-root", "--root"), a value after '=' for any flag
 * ("-b=/path", "--bundle=/path") and a bool flag's value only that way
 * ("--force=false").  getopt_long knows none of these, so the words are
 * rewritten for it first: "-name[=v]" naming a long option becomes
 * "--name[=v]", "-x=v" naming a short one with a long name "--long=v".
 * The first operand ends the flags when stop_at_operand; a flag taking a
 * value carries the next word with it. */
int cli_go_words(int argc, char **argv, const char *shortopts,
                 const struct option *opts, bool stop_at_operand) {
  for (int i = 1; i < argc; i++) {
    char *w = argv[i];
    if (strcmp(w, "--") == 0)
      break;
    if (w[0] != '-' || w[1] == '\0') {
      if (stop_at_operand)
        break;
      continue;
    }
    bool two = w[1] == '-';
    const char *name = w + 1 + two;
    size_t len = strcspn(name, "=");
    const struct option *o = NULL;
    if (!two && len == 1) {
      const char *s = name[0] == ':' ? NULL : strchr(shortopts, name[0]);
      if (s == NULL && name[0] != 'h')
        return i;
      if (name[1] != '=') {
        /* "-x": a value follows unless glued on ("-b/path") */
        if (s != NULL && s[1] == ':' && name[1] == '\0')
          i++;
        continue;
      }
      for (const struct option *p = opts; p->name != NULL; p++)
        if (p->flag == NULL && p->val == name[0])
          o = p;
      if (o != NULL)
        argv[i] = xasprintf("--%s%s", o->name, name + 1);
      continue;
    }
    for (const struct option *p = opts; p->name != NULL; p++)
      if (strlen(p->name) == len && strncmp(p->name, name, len) == 0)
        o = p;
    if (o == NULL && !(len == 4 && strncmp(name, "help", 4) == 0))
      return i; /* "-dt", "-b/path", "--bund", not a flag of the command */
    if (!two)
      argv[i] = xasprintf("-%s", w);
    if (o != NULL && o->has_arg == required_argument && name[len] != '=')
      i++;
  }
  return 0;
}

void cli_undefined(const char *w, char *buf, size_t size) {
  const char *name = w + 1 + (w[1] == '-');
  snprintf(buf, size, "flag provided but not defined: -%.*s",
           (int)strcspn(name, "="), name);
}

/* strconv.ParseBool's words; NULL (a bare flag) is true */
bool cli_bool = true;

int cli_parse_go_bool(const char *s, bool *out) {
  static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
  static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
  for (size_t i = 0; s != NULL && i < 6; i++) {
    if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
      *out = strcmp(s, yes[i]) == 0;
      return 0;
    }
  }
  if (s != NULL)
    return -1;
  *out = true;
  return 0;
}

int cli_next(int argc, char **argv, const char *cmd, const char *shortopts,
             const struct option *opts, const char *usage,
             struct brig_error *err) {
  /* The command's table with its bool flags (no_argument, but --help)
   * taking an optional "=value" as Go's do; made at the first call. */
  static struct option bools[64];
  char spec[128];
  int c, idx;

  if (optind == 0) {
    size_t n = 0;
    for (; opts[n].name != NULL; n++) {
      if (n + 1 == sizeof(bools) / sizeof(*bools))
        abort(); /* a table this long: grow bools, drop no flag */
      bools[n] = opts[n];
      if (bools[n].has_arg == no_argument && strcmp(bools[n].name, "help"))
        bools[n].has_arg = optional_argument;
    }
    bools[n] = (struct option){NULL, 0, NULL, 0};
    int bad =
        cli_go_words(argc, argv, shortopts, opts, !flags_after_operands(cmd));
    if (bad > 0) {
      char msg[256];
      cli_undefined(argv[bad], msg, sizeof(msg));
      brig_err(err, 0, "%s: %s", cmd, msg);
      return CLI_ERROR;
    }
  }
  /* '+': stop at the first operand; ':' to tell a missing argument from
   * an unknown flag.  Without '+', getopt moves the operands behind the
   * flags ("--" still ends them). */
  snprintf(spec, sizeof(spec), "%s:h%s", flags_after_operands(cmd) ? "" : "+",
           shortopts);
  opterr = 0;
  for (;;) {
    idx = -1;
    c = getopt_long(argc, argv, spec, bools, &idx);
    if (idx < 0 || bools[idx].has_arg != optional_argument)
      break;
    bool on;
    if (cli_parse_go_bool(optarg, &on) < 0) {
      brig_err(err, 0, "%s: invalid boolean value \"%s\" for -%s: parse error",
               cmd, optarg, bools[idx].name);
      return CLI_ERROR;
    }
    /* "--force=false" is no flag at all, but where runc asks IsSet */
    if (on || strcmp(bools[idx].name, "no-new-privs") == 0) {
      cli_bool = on;
      return c;
    }
  }
  cli_bool = true;
  if (c == 'h') {
    printf("%s", usage);
    return CLI_HELP;
  }
  if (c == '?') {
    if (optopt != 0)
      brig_err(err, 0, "%s: flag provided but not defined: -%c", cmd, optopt);
    else
      brig_err(err, 0, "%s: flag provided but not defined: %s", cmd,
               argv[optind - 1]);
    return CLI_ERROR;
  }
  if (c == ':') {
    /* glibc leaves optind just past the flag; musl, when the flag is the
     * last word, one further. */
    brig_err(err, 0, "%s: flag needs an argument: %s", cmd,
             argv[optind - 1 < argc ? optind - 1 : argc - 1]);
    return CLI_ERROR;
  }
  return c;
}

int cli_format_only(int argc, char **argv, const char *cmd, const char *usage,
                    bool *json, struct brig_error *err) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c;
  while ((c = cli_next(argc, argv, cmd, "f:", opts, usage, err)) != -1) {
    if (c == CLI_HELP || c == CLI_ERROR)
      return c;
    if (strcmp(optarg, "json") == 0)
      *json = true;
    else if (strcmp(optarg, "text") != 0) {
      brig_err(err, 0, "%s: invalid format \"%s\"", cmd, optarg);
      return CLI_ERROR;
    }
  }
  return 0;
}

int cli_exact_args(int argc, int n, const char *cmd, struct brig_error *err) {
  if (argc - optind != n) {
    brig_err(err, 0, "\"%s\" requires exactly %d argument(s)", cmd, n);
    return -1;
  }
  return 0;
}

int cli_min_args(int argc, int n, const char *cmd, struct brig_error *err) {
  if (argc - optind < n) {
    brig_err(err, 0, "\"%s\" requires a minimum of %d argument(s)", cmd, n);
    return -1;
  }
  return 0;
}

int cli_parse_int(const char *cmd, const char *flag, const char *val,
                  int64_t min, int64_t max, int64_t *out,
                  struct brig_error *err) {
  if (parse_i64(val, out) < 0 || *out < min || *out > max)
    return brig_err(err, 0, "%s: invalid value \"%s\" for flag --%s", cmd, val,
                    flag);
  return 0;
}

int cli_parse_go_duration(const char *s, int64_t *ms) {
  static const struct {
    const char *unit;
    double ms;
  } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3},  {"ms", 1},
               {"s", 1000},  {"m", 60000}, {"h", 3600000}};
  double total = 0;
  bool neg = false;
  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  if (strcmp(s, "0") == 0) {
    *ms = 0;
    return 0;
  }
  if (*s == '\0')
    return -1;
  while (*s) {
    /* [0-9]*(.[0-9]*)? with at least one digit: no exponent, hex, space */
    double v = 0, f = 0.1;
    bool digits = false;
    for (; *s >= '0' && *s <= '9'; s++, digits = true)
      v = v * 10 + (*s - '0');
    if (*s == '.')
      for (s++; *s >= '0' && *s <= '9'; s++, f /= 10, digits = true)
        v += (*s - '0') * f;
    if (!digits)
      return -1;
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(s, units[i].unit, l) == 0 && l > best_len) {
        best = i;
        best_len = l;
      }
    }
    if (best_len == 0)
      return -1;
    total += v * units[best].ms;
    s += best_len;
  }
  if (!(total <= 9.2e15)) /* Go's limit, ~292 years */
    return -1;
  *ms = (int64_t)(neg ? -total : total);
  if (*ms == 0 && total > 0)
    *ms = 1; /* below a millisecond: as fast as we go */
  return 0;
}

int cli_parse_duration(const char *s, int64_t *ms) {
  /* plain seconds ("10", "2.5"): the same number, in seconds */
  if (*s != '\0' && s[strspn(s, "0123456789.")] == '\0') {
    _cleanup_free_ char *secs = xasprintf("%ss", s);
    return cli_parse_go_duration(secs, ms);
  }
  return cli_parse_go_duration(s, ms) < 0 || *ms < 0 ? -1 : 0;
}
