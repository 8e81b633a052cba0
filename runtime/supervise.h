/* The foreground side of run and exec. */
#ifndef BRIG_SUPERVISE_H
#define BRIG_SUPERVISE_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Block the signals supervise() forwards; call before the process exists
 * so none is lost. */
void supervise_block_signals(void);
/* Wait for pid (a child of ours): forward signals, relay the pty master
 * (-1 when none) with stdin in raw mode when it is a terminal, and pass
 * the container's READY=1 on notify (-1 when none; closed here) to the
 * caller's NOTIFY_SOCKET with our own pid as MAINPID, as runc's foreground
 * run does.  Returns the exit code: the status, or 128+N when killed by
 * signal N. */
int supervise(pid_t pid, int master, int notify);
/* A foreground process without a terminal: make the pipes that will be its
 * stdio (runc's), relayed by supervise() to and from brig's own 0-2.  In a
 * new user namespace (l's mappings) they belong to the container's root,
 * as runc's, so the process can reopen /dev/stdout: the host's root is
 * not mapped there. */
int supervise_pipes_make(const struct spec_linux *l, struct brig_error *err);
/* In a child of brig's that is not the process: brig's ends closed. */
void supervise_pipes_forget(void);
/* In the child that becomes the process (or its init), first thing: the
 * pipes onto 0-2, if made.  Their other fds are close-on-exec. */
void supervise_pipes_install(void);
/* The exit code of a wait status. */
int exit_code(int status);

#endif
