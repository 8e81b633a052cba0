/* CVE-2019-5736: brig processes that enter a container run from a sealed
 * memfd copy of brig, never from the host's binary (see contain.h for the
 * rest of what such a process does).
 *   selfexe_needed     whether a command enters a container (create, run,
 *                      exec, execute)
 *   selfexe_seal       unless already running from a sealed memfd, copy
 *                      /proc/self/exe into one, seal it and re-exec it with
 *                      the same argv and environment (returns only on
 *                      error)
 *   selfexe_is_sealed  whether /proc/self/exe is such a memfd */
#ifndef BRIG_SELFEXE_H
#define BRIG_SELFEXE_H

#include <stdbool.h>

#include "error.h"

bool selfexe_needed(const char *command);
bool selfexe_is_sealed(void);
int selfexe_seal(char **argv, struct brig_error *err);

#endif
