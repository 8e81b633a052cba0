/* seccomp_compact.c: the compacted program decides as libseccomp's does,
 * checked by running both on every syscall number around the ones any
 * profile names (x86_64, x32 and x86 numbers, an unknown arch) with many
 * argument values; programs it cannot prove are refused. */
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_compact.h"
#include "security.h"
#include "security_impl.h"
#include "tap.h"

#define ARCH_X86_64 0xC000003EU
#define ARCH_I386 0x40000003U
#define ARCH_AARCH64 0xC00000B7U

/* libseccomp's program for sc (malloc'd), NULL on failure. */
static struct sock_filter *export(const struct spec_seccomp *sc, size_t *n) {
  struct sock_fprog prog = {0};
  if (seccomp_export_program(sc, &prog) < 0)
    return NULL;
  *n = prog.len;
  return prog.filter;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)rng;
}

/* Argument vectors: zeros, ones, the values the profiles compare with in
 * each argument's low word with 0, ~0 or another such value in its high
 * word, and random ones. */
#define NVEC 96
static uint32_t vec[NVEC][12];
static void make_vectors(void) {
  static const uint32_t special[] = {
      0,          8,          0x20000,    0x20008,    0xffffffff,
      40,         2,          16,         0x7E020000, 0x10000,
      0x20000000, 0x40000000, 0x4000000,  0x8000000,  0x2000000,
      0x100,      1,          0x7fffffff, 4,          5,
      0x20,       0x1f,       9,          0x5401,     0x5402};
  size_t nsp = sizeof(special) / sizeof(special[0]);
  memset(vec, 0, sizeof(vec));
  memset(vec[1], 0xff, sizeof(vec[1]));
  for (size_t v = 2; v < NVEC; v++)
    for (size_t w = 0; w < 12; w++) {
      size_t i = (v - 2) / 3, kind = (v - 2) % 3;
      if (i < nsp && w % 2 == 0)
        vec[v][w] = special[i];
      else if (i < nsp)
        vec[v][w] = kind == 0   ? 0
                    : kind == 1 ? 0xffffffff
                                : special[(i + w) % nsp];
      else
        vec[v][w] =
            next_rand() % 3 == 0 ? special[next_rand() % nsp] : next_rand();
    }
  /* the 64-bit values the profiles name, in every argument */
  for (size_t w = 0; w < 12; w += 2) {
    vec[NVEC - 1][w] = 0, vec[NVEC - 1][w + 1] = 0x80;
    vec[NVEC - 2][w] = 4, vec[NVEC - 2][w + 1] = 1;
    vec[NVEC - 3][w] = 0x5401, vec[NVEC - 3][w + 1] = 0x100;
  }
}

/* Both programs on every number near named ones, for four arches and
 * every vector; returns the mismatches (the first printed). */
static size_t differences(const struct sock_filter *p, size_t n,
                          const struct sock_filter *q, size_t qn) {
  static const uint32_t arches[] = {ARCH_X86_64, ARCH_I386, ARCH_AARCH64, 0};
  static const uint32_t extra[] = {0xffffffff, 0x7fffffff, 0x80000000,
                                   0x3fffffff, 0x40001000, 0xbfffffff};
  size_t bad = 0;
  for (size_t a = 0; a < 4; a++)
    for (uint64_t i = 0; i < 2 * 1100 + 6; i++) {
      uint32_t nr = i < 1100       ? (uint32_t)i
                    : i < 2 * 1100 ? 0x40000000U + (uint32_t)(i - 1100)
                                   : extra[i - 2 * 1100];
      for (size_t v = 0; v < NVEC; v++) {
        uint32_t d[16] = {nr, arches[a]}, rp = 1, rq = 2;
        memcpy(d + 4, vec[v], sizeof(vec[v]));
        int ep = seccomp_bpf_run(p, n, d, &rp);
        int eq = seccomp_bpf_run(q, qn, d, &rq);
        if (ep != 0 || eq != 0 || rp != rq) {
          if (bad++ == 0)
            printf("# arch %#x nr %#x vector %zu: %#x vs %#x (%d %d)\n",
                   arches[a], nr, v, rp, rq, ep, eq);
        }
      }
    }
  return bad;
}

/* Compact sc's program; ok when it is shorter and decides the same. */
static void check_profile(const struct spec_seccomp *sc, const char *what,
                          size_t max_percent) {
  size_t n = 0, qn = 0;
  struct sock_filter *p = export(sc, &n), *q = NULL;
  ok(p != NULL, "%s: libseccomp exports it (%zu instructions)", what, n);
  if (p == NULL)
    return;
  ok(seccomp_compact(p, n, &q, &qn) == 0, "%s: compacted to %zu", what, qn);
  if (q != NULL) {
    ok(qn * 100 <= n * max_percent, "%s: %zu <= %zu%% of %zu", what, qn,
       max_percent, n);
    ok(differences(p, n, q, qn) == 0, "%s: same decision everywhere", what);
    /* the comparison sees a changed decision */
    for (size_t i = 0; i < qn; i++)
      if (q[i].code == (BPF_RET | BPF_K) && q[i].k == SCMP_ACT_ALLOW) {
        q[i].k = SCMP_ACT_KILL_PROCESS;
        break;
      }
    ok(differences(p, n, q, qn) > 0, "%s: a changed return is seen", what);
  }
  free(p);
  free(q);
}

int main(void) {
  char *three[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL};
  make_vectors();

  { /* podman's shape: allow most, EPERM some, arguments on three */
    static char *allow[400], *deny[40];
    size_t na = 0, nd = 0;
    for (int nr = 0; nr < 460 && na < 399; nr++) {
      char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
      if (name == NULL)
        continue;
      if (strcmp(name, "personality") == 0 || strcmp(name, "clone") == 0 ||
          strcmp(name, "socket") == 0 || nr % 11 == 5)
        free(name);
      else if (nr % 13 == 7 && nd < 39)
        deny[nd++] = name;
      else
        allow[na++] = name;
    }
    allow[na++] = "_llseek"; /* x86 only */
    char *pers[] = {"personality", NULL}, *clone[] = {"clone", NULL},
         *sock[] = {"socket", NULL};
    struct spec_seccomp_arg a_p0 = {
        .index = 0, .value = 0, .op = "SCMP_CMP_EQ"};
    struct spec_seccomp_arg a_p1 = {
        .index = 0, .value = 0xffffffff, .op = "SCMP_CMP_EQ"};
    struct spec_seccomp_arg a_c = {.index = 0,
                                   .value = 0x7E020000,
                                   .value_two = 0,
                                   .op = "SCMP_CMP_MASKED_EQ"};
    struct spec_seccomp_arg a_s = {
        .index = 0, .value = 40, .op = "SCMP_CMP_NE"};
    struct spec_seccomp_syscall rules[] = {
        {.names = allow, .action = "SCMP_ACT_ALLOW"},
        {.names = deny, .action = "SCMP_ACT_ERRNO", .errno_ret = {true, 1}},
        {.names = pers, .action = "SCMP_ACT_ALLOW", .args = &a_p0, .n_args = 1},
        {.names = pers, .action = "SCMP_ACT_ALLOW", .args = &a_p1, .n_args = 1},
        {.names = clone, .action = "SCMP_ACT_ALLOW", .args = &a_c, .n_args = 1},
        {.names = sock, .action = "SCMP_ACT_ALLOW", .args = &a_s, .n_args = 1}};
    struct spec_seccomp sc = {.default_action = "SCMP_ACT_ERRNO",
                              .default_errno_ret = {true, 38},
                              .architectures = three,
                              .syscalls = rules,
                              .n_syscalls = 6};
    check_profile(&sc, "podman-like, 3 arches", 80);
    sc.architectures = NULL;
    check_profile(&sc, "podman-like, native only", 80);
    /* EPERM default: the numbers above the profile's get ENOSYS rules */
    sc.default_errno_ret = (struct opt_u64){true, 1};
    sc.architectures = three;
    check_profile(&sc, "podman-like, EPERM default and ENOSYS rules", 90);
    for (size_t i = 0; i < nd; i++)
      free(deny[i]);
    for (size_t i = 0; i + 1 < na; i++)
      free(allow[i]);
  }
  { /* 64-bit argument comparisons of every kind, among many allowed */
    static char *allow[300];
    size_t na = 0;
    for (int nr = 0; nr < 330 && na < 299; nr++) {
      char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
      if (name == NULL)
        continue;
      if (nr % 7 == 3 || strcmp(name, "mmap") == 0 ||
          strcmp(name, "mprotect") == 0 || strcmp(name, "kill") == 0 ||
          strcmp(name, "ioctl") == 0 || strcmp(name, "getpid") == 0 ||
          strcmp(name, "fcntl") == 0 || strcmp(name, "dup3") == 0)
        free(name);
      else
        allow[na++] = name;
    }
    char *n1[] = {"mmap", "mprotect", NULL}, *n2[] = {"kill", NULL},
         *n3[] = {"ioctl", NULL}, *n4[] = {"getpid", NULL},
         *n5[] = {"fcntl", NULL}, *n6[] = {"dup3", NULL};
    struct spec_seccomp_arg a1[] = {
        {.index = 2,
         .value = 0x100000004ULL,
         .op = "SCMP_CMP_MASKED_EQ",
         .value_two = 4},
        {.index = 3, .value = 0x20, .op = "SCMP_CMP_GE"}};
    struct spec_seccomp_arg a2 = {.index = 1, .value = 9, .op = "SCMP_CMP_LT"};
    struct spec_seccomp_arg a3 = {
        .index = 1, .value = 0x5401ULL | (1ULL << 40), .op = "SCMP_CMP_GT"};
    struct spec_seccomp_arg a4 = {.index = 0, .value = 5, .op = "SCMP_CMP_LE"};
    struct spec_seccomp_arg a5 = {.index = 1, .value = 4, .op = "SCMP_CMP_EQ"};
    struct spec_seccomp_arg a6 = {
        .index = 2, .value = 0x8000000000ULL, .op = "SCMP_CMP_NE"};
    struct spec_seccomp_syscall rules[] = {
        {.names = allow, .action = "SCMP_ACT_ALLOW"},
        {.names = n1, .action = "SCMP_ACT_ALLOW", .args = a1, .n_args = 2},
        {.names = n2,
         .action = "SCMP_ACT_KILL_PROCESS",
         .args = &a2,
         .n_args = 1},
        {.names = n3, .action = "SCMP_ACT_TRAP", .args = &a3, .n_args = 1},
        {.names = n4, .action = "SCMP_ACT_LOG", .args = &a4, .n_args = 1},
        {.names = n5, .action = "SCMP_ACT_ALLOW", .args = &a5, .n_args = 1},
        {.names = n6, .action = "SCMP_ACT_ALLOW", .args = &a6, .n_args = 1}};
    struct spec_seccomp sc = {.default_action = "SCMP_ACT_ERRNO",
                              .architectures = three,
                              .syscalls = rules,
                              .n_syscalls = 7};
    check_profile(
        &sc, "argument comparisons of every op (EQ NE LT LE GT GE MASKED_EQ)",
        90);
    for (size_t i = 0; i < na; i++)
      free(allow[i]);
  }
  { /* shapes it must refuse: arithmetic on nr, a bit test of nr, X */
    struct sock_filter alu[] = {{BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
                                {BPF_ALU | BPF_AND | BPF_K, 0, 0, 0xff},
                                {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 3},
                                {BPF_RET | BPF_K, 0, 0, 0},
                                {BPF_RET | BPF_K, 0, 0, 0x7fff0000}};
    struct sock_filter jset[] = {{BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
                                 {BPF_JMP | BPF_JSET | BPF_K, 0, 1, 4},
                                 {BPF_RET | BPF_K, 0, 0, 0},
                                 {BPF_RET | BPF_K, 0, 0, 0x7fff0000}};
    struct sock_filter xcmp[] = {{BPF_LDX | BPF_IMM, 0, 0, 7},
                                 {BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
                                 {BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0},
                                 {BPF_RET | BPF_K, 0, 0, 0},
                                 {BPF_RET | BPF_K, 0, 0, 0x7fff0000}};
    struct sock_filter *q = NULL;
    size_t qn = 0;
    ok(seccomp_compact(alu, 5, &q, &qn) == -1, "arithmetic on nr: refused");
    ok(seccomp_compact(jset, 4, &q, &qn) == -1, "bit test of nr: refused");
    ok(seccomp_compact(xcmp, 5, &q, &qn) == -1, "compare with X: refused");
    uint32_t d[16] = {3, ARCH_X86_64}, r = 1;
    ok(seccomp_bpf_run(alu, 5, d, &r) == 0 && r == 0,
       "the interpreter runs it: nr 3 & 0xff == 3 returns 0");
  }
  return tap_done();
}
