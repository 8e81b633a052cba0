/* brig cgroup ID KEY [VALUE] (lxc-cgroup): read or write one file of the
 * container's cgroup, in whichever hierarchy holds its controller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "util.h"

static const char usage[] =
    "usage: brig cgroup <container-id> <key> [value]\n\n"
    "Read (or with a value, write) one file of the container's cgroup, e.g. "
    "memory.limit_in_bytes or cpuset.cpus (lxc-cgroup).\n";

CMD(cgroup) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  struct container *ct = NULL;
  struct cgroup *cg = NULL;
  const char *key;
  char *value = NULL;
  int c, ret = 1;

  while ((c = cli_next(argc, argv, "cgroup", "", opts, usage, err)) != -1)
    return c == CLI_HELP ? 0 : 1;
  if (argc - optind < 2 || argc - optind > 3) {
    brig_err(err, 0, "\"cgroup\" requires 2 or 3 argument(s)");
    return 1;
  }
  key = argv[optind + 1];
  if (*key == '\0' || strchr(key, '/') != NULL || strstr(key, "..") != NULL ||
      strchr(key, '.') == NULL) {
    brig_err(err, 0, "cgroup: invalid key \"%s\": want <controller>.<file>",
             key);
    return 1;
  }
  if (argc - optind == 3 && argv[optind + 2][0] == '\0') {
    brig_err(err, 0,
             "cgroup: empty value for %s (a write of nothing changes nothing)",
             key);
    return 1;
  }
  if (container_load(brig_g.root, argv[optind], &ct, err) < 0)
    goto out;
  if (strcmp(ct->st.status, "stopped") == 0 || ct->st.cgroup_path == NULL ||
      *ct->st.cgroup_path == '\0') {
    brig_err(err, 0, "container not running");
    goto out;
  }
  if (cgroup_open(ct->st.cgroup_path, &cg, err) < 0)
    goto out;
  if (argc - optind == 3) {
    if (cgroup_set_value(cg, key, argv[optind + 2], err) < 0)
      goto out;
  } else {
    if (cgroup_get_value(cg, key, &value, err) < 0)
      goto out;
    fputs(value, stdout);
    if (*value == '\0' || value[strlen(value) - 1] != '\n')
      putchar('\n');
  }
  ret = 0;
out:
  if (ret != 0 && err->msg[0] != '\0' &&
      strcmp(err->msg, "container does not exist") != 0)
    brig_err_wrap(err, "cgroup %s", argv[optind]);
  free(value);
  cgroup_free(cg);
  container_free(ct);
  return ret;
}
