/* Device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * from the rules with raw bpf(2) calls, attached to the container's cgroup
 * (BPF_F_ALLOW_MULTI), and the programs attached before it detached, so
 * `update` replaces the rules.
 *
 * The program checks the rules last to first; the first that matches
 * decides, as the last rule written to v1's devices.allow/deny would.  An
 * allow rule matches when it grants every access asked for, a deny rule
 * when it refuses any of them; nothing matching allows, as a fresh v1
 * cgroup does (a config denies everything with a first "a" rule). */
#include "cgroup_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

struct prog {
  struct bpf_insn *i;
  size_t n, cap;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src,
                 int16_t off, int32_t imm) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->i = xrealloc(p->i, p->cap * sizeof(*p->i));
  }
  p->i[p->n++] = (struct bpf_insn){
      .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* registers holding the request */
enum { R_TYPE = 2, R_ACCESS = 3, R_MAJOR = 4, R_MINOR = 5 };

static int access_bits(const char *a) {
  int bits = 0;
  for (; *a; a++)
    bits |= *a == 'r'   ? BPF_DEVCG_ACC_READ
            : *a == 'w' ? BPF_DEVCG_ACC_WRITE
            : *a == 'm' ? BPF_DEVCG_ACC_MKNOD
                        : 0;
  return bits;
}

/* One rule: a block whose tests jump past its end when they fail, then
 * "return allow". */
static void emit_rule(struct prog *p, const struct cg_dev_rule *r) {
  int acc = access_bits(r->access);
  bool all_access =
      acc == (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD);
  /* tests first, counted so each jump knows the distance to the end */
  int tests = (r->type != 'a') + (all_access ? 0 : 3) + (r->major >= 0) +
              (r->minor >= 0);
  int left = tests + 2; /* instructions after the current one */
  if (r->type != 'a') {
    left--;
    emit(p, BPF_JMP | BPF_JNE | BPF_K, R_TYPE, 0, (int16_t)left,
         r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
  }
  if (!all_access) {
    emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, R_ACCESS, 0, 0);
    emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, acc);
    left -= 3;
    if (r->allow) /* every bit asked for is granted */
      emit(p, BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, R_ACCESS, (int16_t)left, 0);
    else /* some bit asked for is refused */
      emit(p, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, (int16_t)left, 0);
  }
  if (r->major >= 0) {
    left--;
    emit(p, BPF_JMP | BPF_JNE | BPF_K, R_MAJOR, 0, (int16_t)left,
         (int32_t)r->major);
  }
  if (r->minor >= 0) {
    left--;
    emit(p, BPF_JMP | BPF_JNE | BPF_K, R_MINOR, 0, (int16_t)left,
         (int32_t)r->minor);
  }
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static void build(struct prog *p, const struct cg_dev_rule *rules, size_t n) {
  /* ctx: access_type = (access << 16) | type, major, minor (u32 each) */
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_TYPE, BPF_REG_1, 0, 0);
  emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R_ACCESS, R_TYPE, 0, 0);
  emit(p, BPF_ALU64 | BPF_RSH | BPF_K, R_ACCESS, 0, 0, 16);
  emit(p, BPF_ALU64 | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_MAJOR, BPF_REG_1, 4, 0);
  emit(p, BPF_LDX | BPF_MEM | BPF_W, R_MINOR, BPF_REG_1, 8, 0);
  for (size_t i = n; i-- > 0;) {
    emit_rule(p, &rules[i]);
    /* a rule matching everything hides the ones before it */
    if (rules[i].type == 'a' && rules[i].major < 0 && rules[i].minor < 0 &&
        access_bits(rules[i].access) == 7)
      return;
  }
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int prog_load(const struct prog *p, struct brig_error *err) {
  static char log[8192];
  union bpf_attr a;
  int fd, e;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)p->i;
  a.insn_cnt = (uint32_t)p->n;
  a.license = (uint64_t)(uintptr_t) "MIT";
  /* No verifier log the first time: a log that overflows its buffer
   * fails a good program (ENOSPC), as some twenty rules do. */
  fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0)
    return fd;
  e = errno;
  /* again, for the log's first line in the message */
  a.log_buf = (uint64_t)(uintptr_t)log;
  a.log_size = sizeof(log);
  a.log_level = 1;
  log[0] = '\0';
  fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0)
    close(fd);
  log[strcspn(log, "\n")] = '\0';
  return brig_err(err, e,
                  "linux.resources.devices: load the eBPF device "
                  "program (%zu instructions)%s%s",
                  p->n, *log ? ": " : "", log);
}

/* The ids of the device programs attached to the cgroup itself. */
static int attached(int cgfd, uint32_t *ids, uint32_t *n) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.query.target_fd = (uint32_t)cgfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)ids;
  a.query.prog_cnt = *n;
  if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
    return -1;
  *n = a.query.prog_cnt;
  return 0;
}

int cg_v2_set_devices(const char *dir, const struct cg_dev_rule *rules,
                      size_t n, struct brig_error *err) {
  struct prog p = {0};
  _cleanup_close_ int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return brig_err(err, errno, "open cgroup %s", dir);
  uint32_t old[64], n_old = 64;
  if (attached(cgfd, old, &n_old) < 0)
    n_old = 0;
  build(&p, rules, n);
  int pfd = prog_load(&p, err);
  free(p.i);
  if (pfd < 0)
    return -1;
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)cgfd;
  a.attach_bpf_fd = (uint32_t)pfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0) {
    int e = errno;
    close(pfd);
    return brig_err(err, e,
                    "linux.resources.devices: attach the eBPF device "
                    "program to %s",
                    dir);
  }
  close(pfd);
  /* the new program is in force: drop the ones it replaces */
  for (uint32_t i = 0; i < n_old && i < 64; i++) {
    union bpf_attr g;
    memset(&g, 0, sizeof(g));
    g.prog_id = old[i];
    int ofd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &g);
    if (ofd < 0)
      continue;
    memset(&a, 0, sizeof(a));
    a.target_fd = (uint32_t)cgfd;
    a.attach_bpf_fd = (uint32_t)ofd;
    a.attach_type = BPF_CGROUP_DEVICE;
    int r = sys_bpf(BPF_PROG_DETACH, &a);
    int e = errno;
    close(ofd);
    if (r < 0 && e != ENOENT)
      return brig_err(err, e,
                      "linux.resources.devices: detach the earlier "
                      "eBPF device program %u from %s",
                      old[i], dir);
  }
  return 0;
}
