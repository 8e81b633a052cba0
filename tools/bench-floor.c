/* bench-floor: the kernel work of a minimal container run and nothing else,
 * the floor `make bench` compares runtimes with.
 *
 *   bench-floor [-a] [-r] ROOTFS NAME [CMD...]   (CMD defaults to /bin/true)
 *   bench-floor -n
 *
 * Makes memory and pids v1 cgroups NAME (with limits), clones a child with
 * new mount, pid, net, ipc and uts namespaces, and the child joins the
 * cgroups ("0" to tasks: a pid written to cgroup.procs waits for an RCU
 * grace period, which brig does not), makes its mounts private, binds
 * ROOTFS, pivots into it, mounts /proc and execs CMD.  The parent waits and
 * removes the cgroups.
 * No config file, no state, no security setup: a lower bound.
 *
 * Not used by `make bench`, for measuring what brig must do on top:
 *   -a  every hierarchy of /proc/self/cgroup, as brig joins them on a v1
 *       or hybrid host (NAME under /sys/fs/cgroup/<controllers> or
 *       /sys/fs/cgroup/unified; cpuset gets its parent's cpus and mems; the
 *       child is cloned into the cgroup2 one, CLONE_INTO_CGROUP);
 *   -r  exec itself once first, as brig's CVE-2019-5736 re-exec does (a
 *       plain exec: no read-only copy).
 * -n (used by `make bench`): exit at once.  The exec and exit of a static
 * program of the same libc as brig: the floor of a command such as `state`.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLONE_INTO_CGROUP_ 0x200000000ULL

/* clone3's argument (linux/sched.h, which musl-gcc does not see) */
struct clone_args_ {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
      tls, set_tid, set_tid_size, cgroup;
};

#define MAX_HIER 16

/* A hierarchy: its directory under /sys/fs/cgroup, and the limit to write
 * in NAME there (memory and pids), if any. */
struct hier {
  char dir[64];
  const char *limit_file, *limit_value;
  int unified;
};

static struct hier hiers[MAX_HIER] = {
    {"memory", "memory.limit_in_bytes", "268435456", 0},
    {"pids", "pids.max", "1024", 0},
};
static size_t n_hiers = 2;

static int write_file(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0)
    return -1;
  n = write(fd, value, strlen(value));
  close(fd);
  return n == (ssize_t)strlen(value) ? 0 : -1;
}

/* -a: every line of /proc/self/cgroup ("ID:CONTROLLERS:PATH"). */
static int all_hierarchies(void) {
  FILE *f = fopen("/proc/self/cgroup", "re");
  char line[512];
  if (f == NULL)
    return -1;
  n_hiers = 0;
  while (n_hiers < MAX_HIER && fgets(line, sizeof(line), f) != NULL) {
    char *ctl = strchr(line, ':'), *end;
    struct hier *h = &hiers[n_hiers];
    if (ctl == NULL || (end = strchr(++ctl, ':')) == NULL)
      continue;
    *end = '\0';
    memset(h, 0, sizeof(*h));
    if (*ctl == '\0')
      h->unified = 1, snprintf(h->dir, sizeof(h->dir), "unified");
    else
      snprintf(h->dir, sizeof(h->dir), "%s",
               strncmp(ctl, "name=", 5) == 0 ? ctl + 5 : ctl);
    if (strcmp(h->dir, "memory") == 0)
      h->limit_file = "memory.limit_in_bytes", h->limit_value = "268435456";
    if (strcmp(h->dir, "pids") == 0)
      h->limit_file = "pids.max", h->limit_value = "1024";
    n_hiers++;
  }
  fclose(f);
  return 0;
}

/* A new cpuset is empty: its parent's cpus and mems. */
static int cpuset_copy(const char *dir) {
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = 0; i < 2; i++) {
    char path[4096], buf[256];
    ssize_t n;
    int fd;
    if (snprintf(path, sizeof(path), "%s/../%s", dir, files[i]) >=
        (int)sizeof(path))
      return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return -1;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
      return -1;
    buf[n] = '\0';
    if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >=
            (int)sizeof(path) ||
        write_file(path, buf) < 0)
      return -1;
  }
  return 0;
}

static int child(const char *rootfs, const char *name, char **argv,
                 int syncfd) {
  char c, path[4096];
  if (read(syncfd, &c, 1) != 1)
    return 1;
  for (size_t i = 0; i < n_hiers; i++) {
    if (hiers[i].unified)
      continue; /* cloned into it */
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s/tasks", hiers[i].dir,
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
  char path[4096];
  int sync[2], status = 0, ret = 1, cgfd = -1, opt;
  struct clone_args_ ca = {.exit_signal = SIGCHLD};
  size_t i;
  pid_t pid;

  while ((opt = getopt(argc, argv, "+anr")) != -1) {
    if (opt == 'n')
      return 0;
    if (opt == 'a' && all_hierarchies() == 0)
      continue;
    if (opt == 'r' && getenv("BENCH_FLOOR_REEXEC") == NULL) {
      setenv("BENCH_FLOOR_REEXEC", "1", 1);
      execv("/proc/self/exe", argv);
    }
    if (opt == 'r')
      continue;
    fprintf(stderr, "usage: bench-floor [-a] [-r] ROOTFS NAME [CMD...] | -n\n");
    return 2;
  }
  argv += optind - 1;
  argc -= optind - 1;
  if (argc < 3) {
    fprintf(stderr, "usage: bench-floor [-a] [-r] ROOTFS NAME [CMD...] | -n\n");
    return 2;
  }
  for (i = 0; i < n_hiers; i++) {
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", hiers[i].dir, argv[2]);
    if (mkdir(path, 0755) < 0)
      goto out;
    if (strcmp(hiers[i].dir, "cpuset") == 0 && cpuset_copy(path) < 0)
      goto out;
    if (hiers[i].unified)
      cgfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (hiers[i].limit_file == NULL)
      continue;
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s/%s", hiers[i].dir,
             argv[2], hiers[i].limit_file);
    if (write_file(path, hiers[i].limit_value) < 0)
      goto out;
  }
  if (pipe2(sync, O_CLOEXEC) < 0)
    goto out;
  ca.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
             CLONE_NEWUTS | (cgfd >= 0 ? CLONE_INTO_CGROUP_ : 0);
  ca.cgroup = cgfd >= 0 ? (uint64_t)cgfd : 0;
  pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
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
  for (i = 0; i < n_hiers; i++) {
    snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", hiers[i].dir, argv[2]);
    rmdir(path);
  }
  return ret;
}
