/* keyring-run NAME CMD [ARG...]: run CMD in a new session keyring named
 * NAME that only its possessors may see (a test helper: a process that
 * still holds its caller's session keyring lists NAME in /proc/keys). */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM 5
#define KEY_POS_ALL 0x3f000000u

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: keyring-run NAME CMD [ARG...]\n");
    return 2;
  }
  long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, argv[1]);
  if (key < 0 || syscall(SYS_keyctl, KEYCTL_SETPERM, key, KEY_POS_ALL) < 0) {
    perror("keyring-run: keyctl");
    return 1;
  }
  execvp(argv[2], argv + 2);
  perror("keyring-run: exec");
  return 127;
}
