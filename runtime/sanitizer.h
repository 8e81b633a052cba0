/* The ASan + UBSan build (make asan: build/asan/brig) only; in every other
 * build these are empty.
 *   sanitizer_container_side  first thing in a brig process on its way into
 *                  a container (the cloned init, the exec helper and the
 *                  exec'd process): the sanitizers open their log_path file
 *                  only at the first report, and after pivot_root or setns
 *                  the host's path is gone.  This opens the file
 *                  BRIG_ASAN_REPORTS/container-side now (O_APPEND, only if
 *                  tools/run-asan made it) and sends the reports there.
 *   sanitizer_report_fd  that fd (close-on-exec), or -1: the fd closing on
 *                  the way into a container (contain_close_fds_from) keeps
 *                  it, and no container process inherits it.
 *   sanitizer_release  close it and report to stderr: for the built-in
 *                  init, which stays and must hold no fd of the host. */
#ifndef BRIG_SANITIZER_H
#define BRIG_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
void sanitizer_container_side(void);
int sanitizer_report_fd(void);
void sanitizer_release(void);
#else
static inline void sanitizer_container_side(void) {}
static inline int sanitizer_report_fd(void) {
  return -1;
}
static inline void sanitizer_release(void) {}
#endif

#endif
