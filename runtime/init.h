/* brig's built-in init (lxc-init): PID 1 of the container starts the
 * process as PID 2, reaps every orphan, forwards signals to it, and when it
 * exits kills what is left and exits with its status. */
#ifndef BRIG_INIT_H
#define BRIG_INIT_H

#include "spec.h"

/* Never returns.  Called in the container's init right where it would
 * execve the process: exe is the resolved path, env its environment (the
 * seccomp filter and the fd hygiene, done before, cover both). */
void init_run(const struct spec_process *p, const char *exe, char **env)
    __attribute__((noreturn));

#endif
