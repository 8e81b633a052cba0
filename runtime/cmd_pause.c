/* brig pause ID, brig resume ID: freeze and thaw every process of the
 * container through its cgroup's freezer. */
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "util.h"

static const char pause_usage[] =
    "usage: brig pause <container-id>\n\n"
    "Suspend all processes inside the container.\n";
static const char resume_usage[] =
    "usage: brig resume <container-id>\n\n"
    "Resume all processes that have been previously paused.\n";

static int set_paused(int argc, char **argv, bool pause,
                      struct brig_error *err) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *cmd = pause ? "pause" : "resume";
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  int c_, ret = 1;

  while ((c_ = cli_next(argc, argv, cmd, "", opts,
                        pause ? pause_usage : resume_usage, err)) != -1)
    return c_ == CLI_HELP ? 0 : 1;
  if (cli_exact_args(argc, 1, cmd, err) < 0)
    return 1;
  if (container_load(brig_g.root, argv[optind], &c, err) < 0)
    goto out;
  /* runc's rules: a created or running container can be paused, only a
   * paused one resumed. */
  if (pause && strcmp(c->st.status, "running") != 0 &&
      strcmp(c->st.status, "created") != 0) {
    brig_err(err, 0, "container not running");
    goto out;
  }
  if (!pause && strcmp(c->st.status, "paused") != 0) {
    brig_err(err, 0, "container not paused");
    goto out;
  }
  if (cgroup_open(c->st.cgroup_path, &cg, err) < 0 ||
      cgroup_freeze(cg, pause, err) < 0)
    goto out;
  /* Recorded in state.json too, where `monitor` and `wait` watch. */
  {
    /* the live status reads st.status: replace it after */
    char *now = xstrdup(container_live_status(c));
    free(c->st.status);
    c->st.status = now;
  }
  if (container_save(c, err) < 0)
    goto out;
  ret = 0;
out:
  cgroup_free(cg);
  container_free(c);
  return ret;
}

CMD(pause) {
  return set_paused(argc, argv, true, err);
}

CMD(resume) {
  return set_paused(argc, argv, false, err);
}
