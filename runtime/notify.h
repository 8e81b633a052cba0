/* NOTIFY_SOCKET passthrough (podman --sdnotify=container): the container
 * gets a socket of brig's at /run/notify/notify.sock (runc's place), and
 * `start` relays its READY=1 to the caller's socket (a path or "@name"). */
#ifndef BRIG_NOTIFY_H
#define BRIG_NOTIFY_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

#define NOTIFY_DIR_IN_CONTAINER "/run/notify"
#define NOTIFY_PATH_IN_CONTAINER NOTIFY_DIR_IN_CONTAINER "/notify.sock"

/* Whether notify_prepare sets up a socket for this config (NOTIFY_SOCKET
 * is an absolute path or an abstract name, and there is a process). */
bool notify_wanted(const struct spec_config *cfg);
/* create: when NOTIFY_SOCKET is set, make <root>/.notify/<id>, bind it
 * read-only at /run/notify in the container and point the process's
 * NOTIFY_SOCKET at /run/notify/notify.sock. */
int notify_prepare(struct spec_config *cfg, int rootfd, const char *root,
                   const char *id, struct brig_error *err);
/* start: bind <root>/.notify/<id>/notify.sock (when create prepared it).
 * Returns the socket, -1 when there is none (not an error). */
int notify_listen(int rootfd, const char *id, struct brig_error *err);
/* One datagram from the container's socket (none waiting: 0): 1 when it
 * said READY=1, which is forwarded to the caller's NOTIFY_SOCKET with
 * MAINPID=mainpid; -1 when that fails. */
int notify_handle(int sock, pid_t mainpid, struct brig_error *err);
/* start: wait for READY=1 from the container and forward it to the
 * caller's NOTIFY_SOCKET with MAINPID=mainpid.  As runc: a caller's socket
 * that cannot be reached fails it at once; an init (pid) that exits first
 * ends the wait with a warning and 0. */
int notify_relay(int sock, pid_t pid, uint64_t start_time, pid_t mainpid,
                 struct brig_error *err);

#endif
