/* The coverage build (make coverage: build/cov/brig) only; in every other
 * build these are empty.  gcc's counters are written at a normal exit, to
 * files under the build directory, which a process on its way into a
 * container no longer sees, and a process that execs writes none.
 *   coverage_container_side  beside sanitizer_container_side: an O_PATH
 *                  fd of BRIG_COV_DIR (close-on-exec, above the fds a
 *                  container may be handed), which the fd closing on the
 *                  way in keeps (coverage_fd).
 *   coverage_flush  write the counters now, relative to that fd (made
 *                  the cwd meanwhile: it reaches the host directory from
 *                  any root): before the exec of the container's process,
 *                  and before a failure is reported (brig kills the
 *                  failed process at once).
 *   coverage_release  flush, then close the fd: for the built-in init,
 *                  which stays and must hold no fd of the host.
 *   coverage_exit  flush, then _exit: in this build, _exit in the files
 *                  that include this header (the init's, exec's and their
 *                  children's ways out) is this. */
#ifndef BRIG_COVERAGE_H
#define BRIG_COVERAGE_H

#if defined(BRIG_COVERAGE)
void coverage_container_side(void);
int coverage_fd(void);
void coverage_flush(void);
void coverage_release(void);
_Noreturn void coverage_exit(int code);
#define _exit(code) coverage_exit(code)
#else
static inline void coverage_container_side(void) {}
static inline int coverage_fd(void) {
  return -1;
}
static inline void coverage_flush(void) {}
static inline void coverage_release(void) {}
#endif

#endif
