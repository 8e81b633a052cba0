/* muslexit.c: _Exit(2) for build/brig (the musl build) that always ends
 * the process.
 *
 * Once a container's seccomp filter is loaded, the init (or exec's
 * process) may fail before its execve: a profile that denies execve, or
 * one loaded before the user switch that denies setgroups.  It then exits,
 * and a profile may deny exit_group and exit too.  musl's _Exit retries
 * SYS_exit forever: the process spun at 100% CPU and `run` waited for it
 * for ever.  glibc's ends in a privileged instruction (a fault).  Here, as
 * glibc: exit_group, exit, then an invalid instruction, whose SIGILL no
 * filter can deny (the init has its signals at their defaults; a fault
 * kills even a pid namespace's init).  _exit and exit end here. */
#ifdef BRIG_MUSL
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

_Noreturn void _Exit(int code) {
  syscall(SYS_exit_group, code);
  syscall(SYS_exit, code);
  for (;;)
    __builtin_trap();
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int brig_muslexit_unused;
#endif
