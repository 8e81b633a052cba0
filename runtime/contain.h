/* What a brig process does on its way into a container.
 *   contain_enter    first thing once it will enter (or has entered) a
 *                    container: PR_SET_DUMPABLE 0, so no container process
 *                    can ptrace it or open its /proc/<pid>/exe, fd, mem
 *                    (CVE-2016-9962, CVE-2019-5736)
 *   contain_close_fds  close the runtime's fds before anything can use them
 *   contain_close_fds_from  the same from a given fd up, keeping a list
 *                    (and, in the ASan build, its report fd: sanitizer.h)
 *   contain_chdir    chdir to process.cwd and check that the result lies
 *                    inside the container's root (CVE-2024-21626: a cwd
 *                    like /proc/self/fd/N naming a runtime fd); with
 *                    `later`, first as root (before the user is set, as
 *                    runc): a directory root may not enter sets *later,
 *                    and the caller tries again as the process's user
 *   fault_delay      in the test build (make build/brig-faults,
 *                    -DBRIG_FAULTS) sleep $BRIG_FAULT_DELAY_MS ms at a
 *                    named step ($BRIG_FAULT_AT, all steps when unset):
 *                    in the container (init, exec), the runtime's
 *                    (run-sent) or exec's helper before it joins the
 *                    init's namespaces (exec-join); compiled out of
 *                    build/brig
 *   fault_kill       in the same build, SIGKILL brig itself at the named
 *                    step of create, start, exec or delete when
 *                    $BRIG_FAULT_KILL names it (the crash-safety tests,
 *                    tests/bats/crash.bats)
 *   fault_fail       in the same build, true at the step $BRIG_FAULT_FAIL
 *                    names: the caller fails there as the kernel might
 *                    (a cgroup that will not go) */
#ifndef BRIG_CONTAIN_H
#define BRIG_CONTAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

int contain_enter(struct brig_error *err);
int contain_chdir(const char *cwd, bool *later, struct brig_error *err);
/* Close every fd from first_extra_fd(preserve_fds) up except keep1 and
 * keep2 (-1 for none). */
void contain_close_fds(int preserve_fds, int keep1, int keep2);
/* Close every fd from `from` up except the n (at most CONTAIN_KEEP_MAX) in
 * keep; negative entries are ignored. */
#define CONTAIN_KEEP_MAX 7
void contain_close_fds_from(unsigned from, const int *keep, size_t n);
/* The resolved rootfs may not be the host's "/", and a relative root.path
 * may not resolve (through a symlink) outside the bundle. */
int rootfs_path_check(const char *root_path, const char *bundle,
                      const char *resolved, struct brig_error *err);

#ifdef BRIG_FAULTS
void fault_delay(const char *where);
void fault_kill(const char *step);
bool fault_fail(const char *step);
#else
static inline void fault_delay(const char *where) {
  (void)where;
}
static inline void fault_kill(const char *step) {
  (void)step;
}
static inline bool fault_fail(const char *step) {
  (void)step;
  return false;
}
#endif

/* Every signal the caller ignored back to its default action.  An ignored
 * signal stays ignored across fork and exec, and a shell cannot trap one
 * that was ignored when it started: the container's process would inherit
 * SIGHUP ignored from a caller under nohup, SIGPIPE from a Go engine.  The
 * process starts clean, as with crun (podman's tests trap every signal).
 * The fault signals (SEGV, BUS, ILL, FPE, TRAP, SYS) are reset whatever
 * their handler (a sanitizer's). */
void contain_default_signals(void);
/* The SigIgn mask of a /proc/PID/status text: false when it has none. */
bool contain_parse_sigign(const char *status, uint64_t *mask);
/* A child of brig's starts with no signal blocked: brig blocks the ones it
 * forwards or waits for (supervise), and a mask outlives fork and exec. */
void contain_unblock_signals(void);
/* on: a created container's init, waiting for `start`: a signal whose
 * default is to end a process ends it (exit status 128 + the signal).  As
 * its pid namespace's init it would otherwise never get one left at its
 * default (the kernel drops those), and `kill ID TERM` or `stop` of a
 * created container did nothing; runc's init dies.  off: back to the
 * defaults once started. */
void contain_exit_on_signals(bool on);

#endif
