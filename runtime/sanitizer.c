/* See sanitizer.h. */
#include "sanitizer.h"

#if defined(__SANITIZE_ADDRESS__)
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#ifndef BRIG_ASAN_REPORTS
#error "the ASan build names its report directory (Makefile: ASAN_CFLAGS)"
#endif

/* Above the fds a container may be handed (--preserve-fds, LISTEN_FDS). */
#define REPORT_FD_MIN 200

static int report_fd = -1;

/* Defaults for every build/asan/brig process, also one an engine started
 * with an environment of its own; $ASAN_OPTIONS / $UBSAN_OPTIONS override. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "log_path=" BRIG_ASAN_REPORTS "/asan:detect_leaks=1";
}
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) {
  return "log_path=" BRIG_ASAN_REPORTS
         "/ubsan:print_stacktrace=1:halt_on_error=1";
}

void sanitizer_container_side(void) {
  if (report_fd < 0) {
    int fd = open(BRIG_ASAN_REPORTS "/container-side",
                  O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
      return;
    report_fd = fcntl(fd, F_DUPFD_CLOEXEC, REPORT_FD_MIN);
    close(fd);
    if (report_fd < 0)
      return;
  }
  /* again in each new process: the sanitizers tie the fd to a pid */
  __sanitizer_set_report_fd((void *)(long)report_fd);
}

int sanitizer_report_fd(void) {
  return report_fd;
}

void sanitizer_release(void) {
  if (report_fd < 0)
    return;
  __sanitizer_set_report_fd((void *)(long)STDERR_FILENO);
  close(report_fd);
  report_fd = -1;
}
#endif
