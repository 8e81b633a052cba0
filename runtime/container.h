/* Lifecycle: create, start, kill, delete over the state directory
 * <root>/<id>/ (state.json, the exec FIFO, the lock). */
#ifndef BRIG_CONTAINER_H
#define BRIG_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "state.h"

struct container {
  char *id;
  char *dir;   /* <root>/<id> */
  int dirfd;   /* O_PATH|O_DIRECTORY fd of dir */
  int lock_fd; /* flock(LOCK_EX) held while loaded */
  struct container_state st;
};

/* Validate an id: at most 255 bytes of [A-Za-z0-9_.+-], not "." or "..". */
int container_id_valid(const char *id, struct brig_error *err);
/* Load an existing container: lock it, read state.json, refresh st.status
 * from the live process (pid + start time, exec FIFO, freezer).  A missing
 * container fails with errnum ENOENT and "container does not exist". */
int container_load(const char *root, const char *id, struct container **out,
                   struct brig_error *err);
/* Write st to state.json atomically. */
int container_save(struct container *c, struct brig_error *err);
void container_free(struct container *c);

#endif
