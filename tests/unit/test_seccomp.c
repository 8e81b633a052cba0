/* seccomp.c: name tables, the containerProcessState JSON, and filters
 * built from spec structs, loaded in a forked child and exercised. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security.h"
#include "security_impl.h"
#include "tap.h"

/* Fork; the child sets no_new_privs, builds and loads sc, runs body and
 * exits with its result.  Returns the exit status, or 200 + signal, or
 * 150 when build/load failed. */
static int run_filtered(const struct spec_seccomp *sc, int (*body)(void)) {
  pid_t pid = fork();
  int st;
  if (pid == 0) {
    struct brig_seccomp *f;
    struct brig_error err;
    int nfd;
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (seccomp_build(sc, &f, &err) < 0 ||
        seccomp_load_filter(f, &nfd, &err) < 0) {
      fprintf(stderr, "# %s\n", err.msg);
      _exit(150);
    }
    _exit(body());
  }
  if (waitpid(pid, &st, 0) < 0)
    return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static int mkdir_errno(void) {
  int r = mkdir("/tmp/brig-unit-seccomp-never", 0700);
  if (r == 0) {
    rmdir("/tmp/brig-unit-seccomp-never");
    return 0;
  }
  return errno;
}

static int personality_probe(void) {
  /* 0xffffffff queries; PER_LINUX sets the default. 1 = query denied with
   * EPERM and set allowed, anything else a failure code. */
  long q = syscall(SYS_personality, 0xffffffffUL);
  int qe = errno;
  long s = syscall(SYS_personality, (unsigned long)PER_LINUX);
  if (q == -1 && qe == EPERM && s >= 0)
    return 1;
  return 2;
}

static int masked_probe(void) {
  /* 1 = personality(PER_LINUX32) denied with EPERM, PER_LINUX allowed. */
  long q = syscall(SYS_personality, (unsigned long)PER_LINUX32);
  int qe = errno;
  long s = syscall(SYS_personality, (unsigned long)PER_LINUX);
  if (q == -1 && qe == EPERM && s >= 0)
    return 1;
  return 2;
}

/* A number libseccomp 2.5.4 has no name for (x86_64 mseal, kernel 6.10). */
static int unnamed_errno(void) {
  return syscall(462, 0, 0, 0) < 0 ? errno : 0;
}

static int getpid_errno(void) {
  return syscall(SYS_getpid) < 0 ? errno : 0;
}

/* A syscall newer than any the profile names (x86_64: 467+). */
static int newest_errno(void) {
  return syscall(SYS_clone3, NULL, 0) < 0 ? errno : 0;
}

int main(void) {
  uint32_t act;
  struct brig_error err;
  char *json;

  /* Names. */
  ok(seccomp_action_from_name("SCMP_ACT_ERRNO", false, 0, &act) == 0 &&
         act == SCMP_ACT_ERRNO(EPERM),
     "SCMP_ACT_ERRNO defaults to EPERM");
  ok(seccomp_action_from_name("SCMP_ACT_ERRNO", true, 38, &act) == 0 &&
         act == SCMP_ACT_ERRNO(38),
     "SCMP_ACT_ERRNO takes errnoRet");
  ok(seccomp_action_from_name("SCMP_ACT_TRACE", true, 7, &act) == 0 &&
         act == SCMP_ACT_TRACE(7),
     "SCMP_ACT_TRACE takes errnoRet as the trace value");
  ok(seccomp_action_from_name("SCMP_ACT_KILL", false, 0, &act) == 0 &&
         act == SCMP_ACT_KILL_THREAD,
     "SCMP_ACT_KILL is kill-thread");
  ok(seccomp_action_from_name("SCMP_ACT_KILL_PROCESS", false, 0, &act) == 0 &&
         act == SCMP_ACT_KILL_PROCESS,
     "SCMP_ACT_KILL_PROCESS");
  ok(seccomp_action_from_name("SCMP_ACT_NOTIFY", false, 0, &act) == 0 &&
         act == SCMP_ACT_NOTIFY,
     "SCMP_ACT_NOTIFY");
  ok(seccomp_action_from_name("SCMP_ACT_BOGUS", false, 0, &act) < 0,
     "unknown action refused");
  ok(seccomp_action_from_name("SCMP_ACT_ERRNO", true, 70000, &act) < 0,
     "errnoRet above 16 bits refused");
  ok(seccomp_op_from_name("SCMP_CMP_MASKED_EQ") == SCMP_CMP_MASKED_EQ &&
         seccomp_op_from_name("SCMP_CMP_NE") == SCMP_CMP_NE &&
         seccomp_op_from_name("SCMP_CMP_GE") == SCMP_CMP_GE,
     "operators");
  ok(seccomp_op_from_name("SCMP_CMP_XX") == -1, "unknown operator");
  ok(seccomp_arch_from_name("SCMP_ARCH_X86_64") == SCMP_ARCH_X86_64 &&
         seccomp_arch_from_name("SCMP_ARCH_AARCH64") == SCMP_ARCH_AARCH64 &&
         seccomp_arch_from_name("SCMP_ARCH_X32") == SCMP_ARCH_X32,
     "architectures");
  ok(seccomp_arch_from_name("SCMP_ARCH_VAX") == 0 &&
         seccomp_arch_from_name("x86_64") == 0,
     "unknown architecture");

  /* containerProcessState. */
  json = seccomp_process_state_json("a\"b", 42, "{\"id\":\"c\"}");
  is_str(json,
         "{\"ociVersion\":\"" SPEC_OCI_VERSION "\",\"fds\":[\"seccompFd\"],"
         "\"pid\":42,\"metadata\":\"a\\\"b\",\"state\":{\"id\":\"c\"}}",
         "containerProcessState JSON");
  free(json);
  json = seccomp_process_state_json("", 7, "{}");
  is_str(json,
         "{\"ociVersion\":\"" SPEC_OCI_VERSION "\",\"fds\":[\"seccompFd\"],"
         "\"pid\":7,\"state\":{}}",
         "containerProcessState JSON without metadata");
  free(json);

  /* Filters. */
  {
    char *mk[] = {"mkdir", "mkdirat", NULL};
    struct spec_seccomp_syscall rule = {.names = mk,
                                        .action = "SCMP_ACT_ERRNO"};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
    ok(run_filtered(&sc, mkdir_errno) == EPERM,
       "mkdir denied with EPERM (default errnoRet)");
    rule.errno_ret = (struct opt_u64){true, EROFS};
    ok(run_filtered(&sc, mkdir_errno) == EROFS, "errnoRet EROFS returned");
  }
  {
    char *allow[] = {"exit_group", "exit", "mkdir", "mkdirat", "rmdir", NULL};
    struct spec_seccomp_syscall rule = {.names = allow,
                                        .action = "SCMP_ACT_ALLOW"};
    struct spec_seccomp sc = {.default_action = "SCMP_ACT_ERRNO",
                              .default_errno_ret = {true, 38},
                              .syscalls = &rule,
                              .n_syscalls = 1};
    ok(run_filtered(&sc, getpid_errno) == 38,
       "defaultErrnoRet 38 for an unlisted syscall");
  }
  {
    char *names[] = {"personality", NULL};
    struct spec_seccomp_arg arg = {
        .index = 0, .value = 0xffffffff, .op = "SCMP_CMP_EQ"};
    struct spec_seccomp_syscall rule = {
        .names = names, .action = "SCMP_ACT_ERRNO", .args = &arg, .n_args = 1};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
    ok(run_filtered(&sc, personality_probe) == 1,
       "argument filter: personality(0xffffffff) denied, personality(0) "
       "allowed");
    arg.op = "SCMP_CMP_MASKED_EQ";
    arg.value = 0xff; /* mask */
    arg.value_two = PER_LINUX32;
    ok(run_filtered(&sc, masked_probe) == 1,
       "SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum");
  }
  {
    /* Two comparisons on the same argument: OR (each its own rule). */
    char *names[] = {"personality", NULL};
    struct spec_seccomp_arg args[] = {
        {.index = 0, .value = 0xffffffff, .op = "SCMP_CMP_EQ"},
        {.index = 0, .value = 0x12345, .op = "SCMP_CMP_EQ"}};
    struct spec_seccomp_syscall rule = {
        .names = names, .action = "SCMP_ACT_ERRNO", .args = args, .n_args = 2};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
    ok(run_filtered(&sc, personality_probe) == 1,
       "same-index comparisons are OR-ed");
  }
  {
    char *names[] = {"getpid", NULL};
    struct spec_seccomp_syscall rule = {.names = names,
                                        .action = "SCMP_ACT_KILL_PROCESS"};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
    ok(run_filtered(&sc, getpid_errno) == 200 + SIGSYS,
       "SCMP_ACT_KILL_PROCESS kills with SIGSYS");
  }
  {
    /* Unknown name skipped; a profile naming only old syscalls gives
     * ENOSYS (not the default EPERM) for clone3. */
    char *names[] = {"read", "write",  "exit_group",
                     "exit", "getpid", "no_such_syscall_brig",
                     NULL};
    struct spec_seccomp_syscall rule = {.names = names,
                                        .action = "SCMP_ACT_ALLOW"};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ERRNO", .syscalls = &rule, .n_syscalls = 1};
    ok(run_filtered(&sc, getpid_errno) == 0,
       "unknown syscall name skipped, the rest applies");
    ok(run_filtered(&sc, newest_errno) == ENOSYS,
       "syscall newer than the profile gets ENOSYS");
    ok(run_filtered(&sc, mkdir_errno) == EPERM,
       "older unlisted syscall still gets the default EPERM");
    /* runc's stub whatever the default, but allow, log and trace */
    sc.default_action = "SCMP_ACT_KILL_PROCESS";
    ok(run_filtered(&sc, newest_errno) == ENOSYS,
       "default KILL_PROCESS: a syscall newer than the profile gets ENOSYS");
    ok(run_filtered(&sc, mkdir_errno) == 200 + SIGSYS,
       "default KILL_PROCESS: an older unlisted one kills");
    sc.default_action = "SCMP_ACT_TRAP";
    ok(run_filtered(&sc, newest_errno) == ENOSYS,
       "default TRAP: a syscall newer than the profile gets ENOSYS");
    sc.default_action = "SCMP_ACT_ERRNO";
#ifdef __x86_64__
    ok(run_filtered(&sc, unnamed_errno) == ENOSYS,
       "a number libseccomp has no name for gets ENOSYS too");
    char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                      NULL};
    sc.architectures = arches;
    ok(run_filtered(&sc, newest_errno) == ENOSYS &&
           run_filtered(&sc, unnamed_errno) == ENOSYS &&
           run_filtered(&sc, mkdir_errno) == EPERM &&
           run_filtered(&sc, getpid_errno) == 0,
       "ENOSYS rules build with three architectures");
#endif
  }
  {
    char *flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC",
                     "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL};
    char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                      NULL};
    char *names[] = {"mkdir", "mkdirat", NULL};
    struct spec_seccomp_syscall rule = {.names = names,
                                        .action = "SCMP_ACT_ERRNO"};
    struct spec_seccomp sc = {.default_action = "SCMP_ACT_ALLOW",
                              .flags = flags,
                              .architectures = arches,
                              .syscalls = &rule,
                              .n_syscalls = 1};
    ok(run_filtered(&sc, mkdir_errno) == EPERM,
       "flags LOG, TSYNC, SPEC_ALLOW and three architectures load");
  }
  {
    struct brig_seccomp *f = NULL;
    char *flags[] = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
    struct spec_seccomp sc = {.default_action = "SCMP_ACT_ALLOW",
                              .flags = flags};
    ok(seccomp_build(&sc, &f, &err) < 0 &&
           strstr(err.msg, "WAIT_KILLABLE_RECV is not supported by "
                           "libseccomp"),
       "WAIT_KILLABLE_RECV refused: %s", err.msg);
  }
  {
    struct brig_seccomp *f = NULL;
    char *names[] = {"mkdir", NULL};
    struct spec_seccomp_syscall rule = {.names = names,
                                        .action = "SCMP_ACT_NOTIFY"};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
    ok(seccomp_build(&sc, &f, &err) < 0 && strstr(err.msg, "listenerPath"),
       "SCMP_ACT_NOTIFY without listenerPath refused: %s", err.msg);
    names[0] = "write";
    sc.listener_path = "/tmp/x.sock";
    ok(seccomp_build(&sc, &f, &err) < 0 && strstr(err.msg, "\"write\""),
       "SCMP_ACT_NOTIFY on write refused: %s", err.msg);
  }
  {
    struct brig_seccomp *f = NULL;
    char *names[] = {"mkdir", NULL};
    struct spec_seccomp_arg arg = {.index = 0, .op = "SCMP_CMP_BOGUS"};
    struct spec_seccomp_syscall rule = {
        .names = names, .action = "SCMP_ACT_ERRNO", .args = &arg, .n_args = 1};
    struct spec_seccomp sc = {
        .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1};
    ok(seccomp_build(&sc, &f, &err) < 0 &&
           strstr(err.msg, "linux.seccomp.syscalls[0]: args[0].op"),
       "unknown operator names the field: %s", err.msg);
  }
  return tap_done();
}
