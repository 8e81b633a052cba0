/* muslopen.c: open(2) for build/brig (the musl build) without musl's extra
 * fcntl.
 *
 * musl's open() follows every O_CLOEXEC open with fcntl(F_SETFD,
 * FD_CLOEXEC), for kernels older than 2.6.23 that ignored the flag; brig
 * opens everything close-on-exec and needs Linux 5.x, so that is one
 * wasted syscall per open: 37 in a `run` here.  openat(AT_FDCWD, ...)
 * is the same call without it.  Only when BRIG_MUSL is defined
 * (Makefile); glibc's open() makes one syscall. */
#ifdef BRIG_MUSL
#include <fcntl.h>
#include <stdarg.h>
#include <sys/types.h>

int open(const char *path, int flags, ...) {
  mode_t mode = 0;
  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  return openat(AT_FDCWD, path, flags, mode);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int brig_muslopen_unused;
#endif
