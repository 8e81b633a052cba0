/* Facts about host processes from /proc, and signalling through pidfds so
 * a reused pid is never mistaken for the container. */
#ifndef BRIG_PROC_H
#define BRIG_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Field 22 of /proc/<pid>/stat (start time in clock ticks); -1 if gone. */
int proc_start_time(pid_t pid, uint64_t *out, char *state);
/* True when pid runs, is not a zombie, and started at start_time. */
bool proc_alive(pid_t pid, uint64_t start_time);
/* Open a pidfd for pid, verifying the start time after opening (so the
 * fd refers to the right process).  -1 with err (ESRCH when gone). */
int proc_pidfd_open(pid_t pid, uint64_t start_time, struct brig_error *err);
int proc_pidfd_signal(int pidfd, int sig);
/* A copy of process pid's fd (pidfd_getfd, close-on-exec), or -1. */
int proc_take_fd(pid_t pid, int fd, struct brig_error *err);
/* Parse a signal name (KILL, SIGKILL, 9).  -1 when unknown. */
int signal_parse(const char *s);

#endif
