/* The config create, run and execute use (lxc -f / -s): --config FILE in
 * place of the bundle's config.json, then each --set PATH=VALUE (spec
 * patch.c).  A relative root.path still resolves against the bundle. */
#include "create_config.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void create_add_set(char ***sets, const char *arg) {
  size_t n = strv_len(*sets);
  *sets = xrealloc(*sets, (n + 2) * sizeof(char *));
  (*sets)[n] = xstrdup(arg);
  (*sets)[n + 1] = NULL;
}

struct spec_config *create_load_config(const struct create_opts *o,
                                       const char *bundle,
                                       struct brig_error *err) {
  _cleanup_free_ char *path = NULL;
  if (o->config_file != NULL)
    return spec_load_with(o->config_file, o->config_file, o->sets, err);
  path = xasprintf("%s/config.json", bundle);
  return spec_load_with(path, NULL, o->sets, err);
}

static bool starts(const char *msg, const char *prefix) {
  size_t n = strlen(prefix);
  return strncmp(msg, prefix, n) == 0 && strncmp(msg + n, ": ", 2) == 0;
}

bool create_config_error(const struct create_opts *o,
                         const struct brig_error *err) {
  if (starts(err->msg, "config.json") || strncmp(err->msg, "--set ", 6) == 0)
    return true;
  return o->config_file != NULL && starts(err->msg, o->config_file);
}
