/* See coverage.h. */
#include "coverage.h"
#undef _exit /* here, libc's */

#if defined(BRIG_COVERAGE)
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef BRIG_COV_DIR
#error "the coverage build names its object directory (Makefile: COV_CFLAGS)"
#endif

/* Above the fds a container may be handed, and the sanitizers' fd. */
#define COV_FD_MIN 201

void __gcov_dump(void); /* libgcov */

static int dir_fd = -1;

void coverage_container_side(void) {
  if (dir_fd >= 0)
    return;
  int fd = open(BRIG_COV_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  dir_fd = fcntl(fd, F_DUPFD_CLOEXEC, COV_FD_MIN);
  close(fd);
}

int coverage_fd(void) {
  return dir_fd;
}

void coverage_flush(void) {
  char strip[16];
  unsigned n = 0;
  int cwd;

  if (dir_fd < 0) {
    __gcov_dump(); /* on the host: the files' own names */
    return;
  }
  /* a counter file's name is BRIG_COV_DIR/runtime/x.gcda: strip the
   * directory's components and write relative to the directory, made the
   * cwd for that (no /proc/self/fd link: /proc may be missing, or another
   * pid namespace's) */
  for (const char *s = BRIG_COV_DIR; *s != '\0'; s++)
    n += *s == '/';
  snprintf(strip, sizeof(strip), "%u", n);
  cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0 || fchdir(dir_fd) < 0) {
    if (cwd >= 0)
      close(cwd);
    return;
  }
  setenv("GCOV_PREFIX", ".", 1);
  setenv("GCOV_PREFIX_STRIP", strip, 1);
  setenv("GCOV_ERROR_FILE", "container-side.log", 1);
  __gcov_dump();
  if (fchdir(cwd) < 0)
    _exit(126);
  close(cwd);
}

void coverage_release(void) {
  if (dir_fd < 0)
    return;
  coverage_flush();
  close(dir_fd);
  dir_fd = -1;
}

void coverage_exit(int code) {
  coverage_flush();
  _exit(code);
}
#endif
