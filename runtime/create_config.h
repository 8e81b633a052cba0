/* --config FILE and --set PATH=VALUE for create, run and execute. */
#ifndef BRIG_CREATE_CONFIG_H
#define BRIG_CREATE_CONFIG_H

#include <stdbool.h>

#include "container.h"

#define CREATE_CONFIG_USAGE                                                    \
  "   --config value            use this config in place of the bundle's "     \
  "config.json (a relative root.path is still the bundle's)\n"                 \
  "   --set PATH=VALUE          set a config value, after --config "           \
  "(repeatable): PATH is dotted keys, [\"key.with.dots\"], [N]; += appends "   \
  "to an array; VALUE is JSON or a plain string\n"

/* The flags create, run and execute share (runc's create flags plus
 * --config, --set and --init), handled by create_flag(). */
enum {
  CREATE_OPT_PID_FILE = 256,
  CREATE_OPT_CONFIG,
  CREATE_OPT_SET,
  CREATE_OPT_CONSOLE,
  CREATE_OPT_NO_PIVOT,
  CREATE_OPT_NO_KEYRING,
  CREATE_OPT_PRESERVE,
  CREATE_OPT_INIT,
  CREATE_OPT_END /* a command's own flags start here */
};

#define CREATE_OPTIONS                                                         \
  {"bundle", required_argument, NULL, 'b'},                                    \
      {"config", required_argument, NULL, CREATE_OPT_CONFIG},                  \
      {"set", required_argument, NULL, CREATE_OPT_SET},                        \
      {"pid-file", required_argument, NULL, CREATE_OPT_PID_FILE},              \
      {"console-socket", required_argument, NULL, CREATE_OPT_CONSOLE},         \
      {"no-pivot", no_argument, NULL, CREATE_OPT_NO_PIVOT},                    \
      {"no-new-keyring", no_argument, NULL, CREATE_OPT_NO_KEYRING},            \
      {"preserve-fds", required_argument, NULL, CREATE_OPT_PRESERVE}, {        \
    "init", no_argument, NULL, CREATE_OPT_INIT                                 \
  }

/* Apply flag c (from cli_next) to o: 1 when it was one of the shared
 * flags, 0 when not, -1 with err on a bad value. */
int create_flag(int c, const char *cmd, struct create_opts *o,
                struct brig_error *err);
/* --systemd-cgroup is refused until a systemd driver exists. */
int create_refuse_systemd(const char *cmd, const char *id,
                          struct brig_error *err);

/* Append a copy of arg to the NULL-terminated list *sets. */
void create_add_set(char ***sets, const char *arg);
/* Free what the flags allocated (the --set list) on every return. */
void create_opts_clear(struct create_opts *o);
#define _cleanup_create_opts_ __attribute__((cleanup(create_opts_clear)))
/* --config FILE or <bundle>/config.json, with o->sets applied. */
struct spec_config *create_load_config(const struct create_opts *o,
                                       const char *bundle,
                                       struct brig_error *err);
/* The refusal is about the config itself (config.json, the --config file,
 * a --set): printed as is, without "create ID: " in front.  A message
 * that starts with a field's path ("linux.seccomp.syscalls[0]: ...", as
 * the code that applies the field words it) gets the config's name and
 * the leading dot first: "config.json: .linux.seccomp.syscalls[0]: ...". */
bool create_config_error(const struct create_opts *o, struct brig_error *err);

#endif
