/* Create the container's init: clone with the namespace flags, then a
 * parent/child protocol over a SOCK_SEQPACKET socketpair.  The child sets
 * up the container, reports READY (or its failure with step and errno),
 * then blocks opening the exec FIFO until `start`. */
#ifndef BRIG_SPAWN_H
#define BRIG_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "spec.h"

struct spawn_opts {
  const struct spec_config *cfg;
  const char *id;
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute */
  int state_dirfd;    /* holds exec.fifo */
  struct cgroup *cg;
  int console_sock; /* connected console socket, -1 when none */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
};

struct spawn_result {
  pid_t pid;
  uint64_t start_time;
};

int spawn_container(const struct spawn_opts *o, struct spawn_result *r,
                    struct brig_error *err);

#endif
