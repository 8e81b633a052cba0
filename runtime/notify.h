/* NOTIFY_SOCKET passthrough (podman --sdnotify=container): the container
 * gets a socket of brig's at the caller's NOTIFY_SOCKET path, and `start`
 * relays its READY=1 to the caller's socket. */
#ifndef BRIG_NOTIFY_H
#define BRIG_NOTIFY_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Whether notify_prepare sets up a socket for this config (NOTIFY_SOCKET
 * is an absolute path and there is a process). */
bool notify_wanted(const struct spec_config *cfg);
/* create: when NOTIFY_SOCKET is set, make <root>/.notify/<id>, bind it over
 * the socket's directory in the container and point the process's
 * NOTIFY_SOCKET at it. */
int notify_prepare(struct spec_config *cfg, int rootfd, const char *root,
                   const char *id, struct brig_error *err);
/* start: bind <root>/.notify/<id>/notify.sock (when create prepared it).
 * Returns the socket, -1 when there is none (not an error). */
int notify_listen(int rootfd, const char *id, struct brig_error *err);
/* start: wait for READY=1 from the container (until its init exits) and
 * forward the message to the caller's NOTIFY_SOCKET. */
int notify_relay(int sock, pid_t pid, uint64_t start_time,
                 struct brig_error *err);

#endif
