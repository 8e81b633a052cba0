/* The config create, run and execute use (lxc -f / -s): --config FILE in
 * place of the bundle's config.json, then each --set PATH=VALUE (spec
 * patch.c).  A relative root.path still resolves against the bundle. */
#include "create_config.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void create_add_set(char ***sets, const char *arg) {
  size_t n = strv_len(*sets);
  *sets = xrealloc(*sets, (n + 2) * sizeof(char *));
  (*sets)[n] = xstrdup(arg);
  (*sets)[n + 1] = NULL;
}

void create_opts_clear(struct create_opts *o) {
  strv_free(o->sets);
  o->sets = NULL;
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

/* err's message starts with the path of one of the config's fields: a
 * top-level name, then '.', '[' or ':' */
static bool starts_with_field(const char *msg) {
  static const char *const fields[] = {"process",  "root",      "mounts",
                                       "hooks",    "linux",     "annotations",
                                       "hostname", "domainname"};
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
    size_t n = strlen(fields[i]);
    if (strncmp(msg, fields[i], n) == 0 && msg[n] != '\0' &&
        strchr(".[:", msg[n]) != NULL)
      return true;
  }
  return false;
}

bool create_config_error(const struct create_opts *o, struct brig_error *err) {
  const char *name = o->config_file != NULL ? o->config_file : "config.json";
  if (starts_with_field(err->msg))
    brig_err_prepend(err, "%s: .", name);
  if (starts(err->msg, "config.json") || strncmp(err->msg, "--set ", 6) == 0)
    return true;
  return o->config_file != NULL && starts(err->msg, o->config_file);
}

int create_flag(int c, const char *cmd, struct create_opts *o,
                struct brig_error *err) {
  int64_t n;
  switch (c) {
  case 'b':
    o->bundle = optarg;
    return 1;
  case CREATE_OPT_CONFIG:
    o->config_file = optarg;
    return 1;
  case CREATE_OPT_SET:
    create_add_set(&o->sets, optarg);
    return 1;
  case CREATE_OPT_PID_FILE:
    o->pid_file = optarg;
    return 1;
  case CREATE_OPT_CONSOLE:
    o->console_socket = optarg;
    return 1;
  case CREATE_OPT_NO_PIVOT:
    o->no_pivot = true;
    return 1;
  case CREATE_OPT_NO_KEYRING:
    o->no_new_keyring = true;
    return 1;
  case CREATE_OPT_INIT:
    o->use_init = true;
    return 1;
  case CREATE_OPT_PRESERVE:
    if (cli_parse_int(cmd, "preserve-fds", optarg, 0, 65536, &n, err) < 0)
      return -1;
    o->preserve_fds = (int)n;
    return 1;
  default:
    return 0;
  }
}

int create_refuse_systemd(const char *cmd, const char *id,
                          struct brig_error *err) {
  if (!brig_g.systemd_cgroup)
    return 0;
  return brig_err(err, 0,
                  "%s %s: --systemd-cgroup: the systemd cgroup driver is not "
                  "supported yet",
                  cmd, id);
}
