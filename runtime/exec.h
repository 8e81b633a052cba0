/* exec: run a new process in a running container, joining its namespaces
 * and cgroup. */
#ifndef BRIG_EXEC_H
#define BRIG_EXEC_H

#include <stdbool.h>

#include "container.h"
#include "error.h"
#include "spec.h"

struct exec_opts {
  const char *root;
  const char *id;
  /* The container as exec_load_config loaded it (locked), or NULL to load
   * it here; container_exec frees it either way. */
  struct container *c;
  /* The container's config (its linux section applies: seccomp...). */
  const struct spec_config *cfg;
  /* The process: from --process, or the container's own changed by the
   * flags (cmd_exec.c). */
  const struct spec_process *process;
  const char *console_socket;
  const char *pid_file;
  /* --cgroup, each "[controller,...:]path" (cgroup_descend), or NULL */
  char *const *cgroups;
  bool detach;
  bool ignore_paused;
  int preserve_fds;
};

/* Load the container (*c, locked, for exec_opts.c) and its config.json,
 * whose process is the base for flags (NULL with err when the container
 * or its bundle cannot be read). */
struct spec_config *exec_load_config(const char *root, const char *id,
                                     struct container **c,
                                     struct brig_error *err);
/* Run it.  Foreground: *code is the process's exit code.  Returns -1 when
 * brig itself failed (the caller exits 255, as runc). */
int container_exec(const struct exec_opts *o, int *code,
                   struct brig_error *err);

#endif
