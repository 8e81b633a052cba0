/* See selfexe.h.  The copy costs one read of the binary and one execve per
 * create/run/exec/execute; commands that stay outside (state, kill, ...)
 * never pay it. */
#include "selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool selfexe_needed(const char *command) {
  static const char *const entering[] = {"create", "run", "exec", "execute"};
  for (size_t i = 0; i < sizeof(entering) / sizeof(*entering); i++)
    if (command != NULL && strcmp(command, entering[i]) == 0)
      return true;
  return false;
}

static bool fd_is_sealed(int fd) {
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

bool selfexe_is_sealed(void) {
  _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && fd_is_sealed(fd);
}

int selfexe_seal(char **argv, struct brig_error *err) {
  _cleanup_close_ int exe = -1, mfd = -1;
  struct stat st;
  off_t done = 0;

  exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return brig_err(err, errno, "open /proc/self/exe");
  /* The kernel's word, not an environment variable a caller could set. */
  if (fd_is_sealed(exe)) {
    /* execveat named us after the fd ("3"): keep "brig" in ps. */
    prctl(PR_SET_NAME, "brig", 0, 0, 0);
    return 0;
  }
  if (fstat(exe, &st) < 0)
    return brig_err(err, errno, "stat /proc/self/exe");
  mfd = memfd_create("brig", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return brig_err(err, errno, "memfd_create");
  while (done < st.st_size) {
    ssize_t n = sendfile(mfd, exe, NULL, (size_t)(st.st_size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return brig_err(err, n < 0 ? errno : EIO, "copy brig into a memfd");
    done += n;
  }
  if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
    return brig_err(err, errno, "seal the memfd copy of brig");
  /* The fd is close-on-exec: the new image keeps only its mapping. */
  syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
  return brig_err(err, errno, "re-exec brig from its sealed copy");
}
