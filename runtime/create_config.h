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

/* Append a copy of arg to the NULL-terminated list *sets. */
void create_add_set(char ***sets, const char *arg);
/* --config FILE or <bundle>/config.json, with o->sets applied. */
struct spec_config *create_load_config(const struct create_opts *o,
                                       const char *bundle,
                                       struct brig_error *err);
/* The refusal is about the config itself (config.json, the --config file,
 * a --set): printed as is, without "create ID: " in front. */
bool create_config_error(const struct create_opts *o,
                         const struct brig_error *err);

#endif
