/* Waiting for containers without busy loops: pidfds for exits, inotify on
 * the state directories for changes recorded by any brig command. */
#ifndef BRIG_WATCH_H
#define BRIG_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Send sig to the container's init, wait up to timeout_ms for it to stop,
 * then SIGKILL (thawing it if paused).  0 once it is stopped. */
int container_stop(const char *root, const char *id, int sig,
                   int64_t timeout_ms, struct brig_error *err);
/* Block until the container's status is `state` (stopped also when it is
 * deleted).  0 when reached, 1 on timeout (timeout_ms < 0: none). */
int container_wait(const char *root, const char *id, const char *state,
                   int64_t timeout_ms, struct brig_error *err);
/* Add <root>/<kind> (a directory of containers' files, container.h) to the
 * inotify instance ino for mask; nothing when it is not there. */
void watch_kind(int ino, const char *root, const char *kind, uint32_t mask);

#endif
