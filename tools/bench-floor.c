/* bench-floor: the kernel work of a minimal container run and nothing else,
 * the floor `make bench` compares runtimes with.
 *
 *   bench-floor ROOTFS NAME [CMD...]     (CMD defaults to /bin/true)
 *
 * Makes memory and pids v1 cgroups NAME (with limits), clones a child with
 * new mount, pid, net, ipc and uts namespaces, and the child joins the
 * cgroups ("0" to tasks: a pid written to cgroup.procs waits for an RCU
 * grace period, which brig does not), makes its mounts private, binds
 * ROOTFS, pivots into it, mounts /proc and execs CMD.  The parent waits and
 * removes the cgroups.
 * No config file, no state, no security setup: a lower bound.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const controllers[] = {"memory", "pids"};
static const char *const limit_file[] = {"memory.limit_in_bytes", "pids.max"};
static const char *const limit_value[] = {"268435456", "1024"};

static int write_file(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0)
    return -1;
  n = write(fd, value, strlen(value));
  close(fd);
  return n == (ssize_t)strlen(value) ? 0 : -1;
}

static int child(const char *rootfs, const char *name, char **argv,
                 int syncfd) {
  char c, path[512];
  if (read(syncfd, &c, 1) != 1)
    return 1;
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s/tasks", controllers[i],
             name);
    if (write_file(path, "0") < 0) {
      perror("bench-floor: join cgroup");
      return 1;
    }
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0 ||
      chdir(rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
      umount2(".", MNT_DETACH) < 0 || chdir("/") < 0 ||
      mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
          0) {
    perror("bench-floor: child");
    return 1;
  }
  execv(argv[0], argv);
  perror("bench-floor: exec");
  return 127;
}

int main(int argc, char **argv) {
  static char *deflt[] = {"/bin/true", NULL};
  char path[512];
  int sync[2], status = 0, ret = 1;
  size_t i;
  pid_t pid;

  if (argc < 3) {
    fprintf(stderr, "usage: bench-floor ROOTFS NAME [CMD...]\n");
    return 2;
  }
  for (i = 0; i < 2; i++) {
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", controllers[i],
             argv[2]);
    if (mkdir(path, 0755) < 0)
      goto out;
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s/%s", controllers[i],
             argv[2], limit_file[i]);
    if (write_file(path, limit_value[i]) < 0)
      goto out;
  }
  if (pipe2(sync, O_CLOEXEC) < 0)
    goto out;
  pid =
      (pid_t)syscall(SYS_clone,
                     (unsigned long)(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
                                     CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD),
                     NULL, NULL, NULL, 0);
  if (pid == 0) {
    close(sync[1]);
    _exit(child(argv[1], argv[2], argc > 3 ? argv + 3 : deflt, sync[0]));
  }
  close(sync[0]);
  if (pid < 0)
    goto out;
  if (write(sync[1], "", 1) != 1)
    kill(pid, SIGKILL);
  close(sync[1]);
  waitpid(pid, &status, 0);
  ret = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
out:
  if (ret != 0)
    perror("bench-floor");
  for (i = 0; i < 2; i++) {
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", controllers[i],
             argv[2]);
    rmdir(path);
  }
  return ret;
}
