/* seccomp_compact: libseccomp's program for a profile, rewritten as a
 * binary search over runs of syscall numbers (see seccomp_compact.h).
 *
 * Why the result decides as libseccomp's program P does, for every input:
 * - Up to its first load of an argument (or of the instruction pointer),
 *   P may only load nr and arch, load constants, compare the accumulator
 *   with constants (jeq, jgt, jge; jset not on nr; only jeq on arch), jump
 *   and return constants; anything else and nothing is compacted.
 * - Then for one arch, two numbers between consecutive constants that P
 *   compares with take the same branches, so one probe per such interval
 *   gives P's decision for all of it: a return value, or "reads the
 *   arguments from instruction pc on".  Arches: each constant P compares
 *   arch with, and one value it never does (every other arch).
 * - A decision that reads the arguments jumps into a copy of every
 *   instruction of P reachable from those pcs, in P's order (so every
 *   jump still fits its 8 bits).  The copy starts with the load that
 *   overwrites the accumulator; nothing before it wrote X or scratch
 *   memory, in P or here.
 * Before returning, the result is run against P on the first and last
 * number of every interval of every arch, with argument values taken from
 * the constants the copied instructions compare with. */
#include "seccomp_compact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_INSNS 4096 /* BPF_MAXINSNS */

static bool jump_ok(size_t pc, uint32_t off, size_t n) {
  return pc + 1 + (size_t)off < n;
}

int seccomp_bpf_run(const struct sock_filter *p, size_t n, const uint32_t d[16],
                    uint32_t *ret) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
  size_t pc = 0;

  while (pc < n) {
    uint16_t c = p[pc].code;
    uint32_t k = p[pc].k, v;
    switch (BPF_CLASS(c)) {
    case BPF_LD:
    case BPF_LDX: {
      uint32_t *r = BPF_CLASS(c) == BPF_LD ? &a : &x;
      if (BPF_SIZE(c) != BPF_W)
        return -1;
      if (BPF_MODE(c) == BPF_ABS && r == &a && k % 4 == 0 && k < 64)
        *r = d[k / 4];
      else if (BPF_MODE(c) == BPF_LEN)
        *r = 64;
      else if (BPF_MODE(c) == BPF_IMM)
        *r = k;
      else if (BPF_MODE(c) == BPF_MEM && k < BPF_MEMWORDS)
        *r = mem[k];
      else
        return -1;
      break;
    }
    case BPF_ST:
    case BPF_STX:
      if (k >= BPF_MEMWORDS)
        return -1;
      mem[k] = BPF_CLASS(c) == BPF_ST ? a : x;
      break;
    case BPF_ALU:
      v = BPF_SRC(c) == BPF_X ? x : k;
      switch (BPF_OP(c)) {
      case BPF_ADD:
        a += v;
        break;
      case BPF_SUB:
        a -= v;
        break;
      case BPF_MUL:
        a *= v;
        break;
      case BPF_OR:
        a |= v;
        break;
      case BPF_AND:
        a &= v;
        break;
      case BPF_XOR:
        a ^= v;
        break;
      case BPF_LSH:
        a = v < 32 ? a << v : 0;
        break;
      case BPF_RSH:
        a = v < 32 ? a >> v : 0;
        break;
      case BPF_NEG:
        a = -a;
        break;
      default:
        return -1; /* div and mod: libseccomp has none */
      }
      break;
    case BPF_JMP:
      if (BPF_OP(c) == BPF_JA) {
        if (!jump_ok(pc, k, n))
          return -1;
        pc += 1 + (size_t)k;
        continue;
      }
      v = BPF_SRC(c) == BPF_X ? x : k;
      switch (BPF_OP(c)) {
      case BPF_JEQ:
        pc += 1 + (size_t)(a == v ? p[pc].jt : p[pc].jf);
        break;
      case BPF_JGT:
        pc += 1 + (size_t)(a > v ? p[pc].jt : p[pc].jf);
        break;
      case BPF_JGE:
        pc += 1 + (size_t)(a >= v ? p[pc].jt : p[pc].jf);
        break;
      case BPF_JSET:
        pc += 1 + (size_t)((a & v) ? p[pc].jt : p[pc].jf);
        break;
      default:
        return -1;
      }
      continue;
    case BPF_RET:
      if (BPF_RVAL(c) == BPF_K)
        *ret = k;
      else if (BPF_RVAL(c) == BPF_A)
        *ret = a;
      else
        return -1;
      return 0;
    default: /* BPF_MISC */
      if (c == (BPF_MISC | BPF_TAX))
        x = a;
      else if (c == (BPF_MISC | BPF_TXA))
        a = x;
      else
        return -1;
    }
    pc++;
  }
  return -1;
}

enum kind { K_RET, K_ARGS, K_UNSAFE };

struct outcome {
  enum kind kind;
  uint32_t v; /* K_RET: the value returned; K_ARGS: the pc of the load */
};

struct u32set {
  uint32_t *v;
  size_t n, cap;
};

static bool set_has(const struct u32set *s, uint32_t v) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i] == v)
      return true;
  return false;
}

static void set_add(struct u32set *s, uint32_t v) {
  if (set_has(s, v))
    return;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 8;
    s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
  }
  s->v[s->n++] = v;
}

/* P's path for (arch, nr) up to a return or the first load of anything
 * but nr and arch; the constants compared with arch go to archs. */
static struct outcome probe(const struct sock_filter *p, size_t n,
                            uint32_t arch, uint32_t nr, struct u32set *archs) {
  const struct outcome unsafe = {K_UNSAFE, 0};
  enum { S_CONST, S_NR, S_ARCH } src = S_CONST;
  uint32_t a = 0;
  size_t pc = 0;

  while (pc < n) {
    uint16_t c = p[pc].code;
    uint32_t k = p[pc].k;
    bool hit;
    if (c == (BPF_LD | BPF_W | BPF_ABS)) {
      if (k == 0) {
        a = nr;
        src = S_NR;
      } else if (k == 4) {
        a = arch;
        src = S_ARCH;
      } else if (k % 4 == 0 && k < 64) {
        return (struct outcome){K_ARGS, (uint32_t)pc};
      } else {
        return unsafe;
      }
    } else if (c == (BPF_LD | BPF_IMM)) {
      a = k;
      src = S_CONST;
    } else if (c == (BPF_JMP | BPF_JA)) {
      if (!jump_ok(pc, k, n))
        return unsafe;
      pc += 1 + (size_t)k;
      continue;
    } else if (BPF_CLASS(c) == BPF_JMP && BPF_SRC(c) == BPF_K) {
      int op = BPF_OP(c);
      if ((src == S_ARCH && op != BPF_JEQ) || (src == S_NR && op == BPF_JSET))
        return unsafe;
      if (src == S_ARCH)
        set_add(archs, k);
      if (op == BPF_JEQ)
        hit = a == k;
      else if (op == BPF_JGT)
        hit = a > k;
      else if (op == BPF_JGE)
        hit = a >= k;
      else if (op == BPF_JSET)
        hit = (a & k) != 0;
      else
        return unsafe;
      pc += 1 + (size_t)(hit ? p[pc].jt : p[pc].jf);
      continue;
    } else if (c == (BPF_RET | BPF_K)) {
      return (struct outcome){K_RET, k};
    } else {
      return unsafe;
    }
    pc++;
  }
  return unsafe;
}

static int cmp_u32(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return a < b ? -1 : a > b;
}

/* Every number where P's comparisons can change their answer: 0, and K
 * or K+1 of each jeq, jgt, jge; sorted, unique. */
static uint32_t *breakpoints(const struct sock_filter *p, size_t n,
                             size_t *count) {
  uint32_t *b = xmalloc((2 * n + 1) * sizeof(*b));
  size_t m = 0, u = 0;
  b[m++] = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t c = p[i].code;
    uint32_t k = p[i].k;
    if (BPF_CLASS(c) != BPF_JMP || BPF_SRC(c) != BPF_K)
      continue;
    if (BPF_OP(c) == BPF_JEQ || BPF_OP(c) == BPF_JGE)
      b[m++] = k;
    if ((BPF_OP(c) == BPF_JEQ || BPF_OP(c) == BPF_JGT) && k != UINT32_MAX)
      b[m++] = k + 1;
  }
  qsort(b, m, sizeof(*b), cmp_u32);
  for (size_t i = 0; i < m; i++)
    if (u == 0 || b[i] != b[u - 1])
      b[u++] = b[i];
  *count = u;
  return b;
}

/* One arch: the runs of numbers with one decision. */
struct section {
  uint32_t arch;
  uint32_t *start; /* first number of each run */
  struct outcome *out;
  size_t n;
};

static bool same(struct outcome x, struct outcome y) {
  return x.kind == y.kind && x.v == y.v;
}

static int build_section(const struct sock_filter *p, size_t n,
                         const uint32_t *b, size_t nb, uint32_t arch,
                         struct u32set *archs, struct section *s) {
  s->arch = arch;
  s->start = xmalloc(nb * sizeof(*s->start));
  s->out = xmalloc(nb * sizeof(*s->out));
  s->n = 0;
  for (size_t i = 0; i < nb; i++) {
    struct outcome o = probe(p, n, arch, b[i], archs);
    if (o.kind == K_UNSAFE)
      return -1;
    if (s->n > 0 && same(s->out[s->n - 1], o))
      continue;
    s->start[s->n] = b[i];
    s->out[s->n++] = o;
  }
  return 0;
}

static size_t tree_size(size_t lo, size_t hi) {
  size_t mid, l;
  if (hi - lo == 1)
    return 1;
  mid = lo + (hi - lo) / 2;
  l = tree_size(lo, mid);
  return 1 + (l > 255 ? 1 : 0) + l + tree_size(mid, hi);
}

static size_t section_size(const struct section *s) {
  return s->n == 1 ? 1 : 1 + tree_size(0, s->n);
}

struct emitter {
  struct sock_filter *out;
  size_t at;
  const size_t *region_index; /* P's pc -> index in out (kept pcs) */
};

static void put(struct emitter *e, uint16_t code, uint8_t jt, uint8_t jf,
                uint32_t k) {
  e->out[e->at++] = (struct sock_filter){code, jt, jf, k};
}

static void emit_leaf(struct emitter *e, struct outcome o) {
  if (o.kind == K_RET)
    put(e, BPF_RET | BPF_K, 0, 0, o.v);
  else
    put(e, BPF_JMP | BPF_JA, 0, 0,
        (uint32_t)(e->region_index[o.v] - (e->at + 1)));
}

/* Runs [lo, hi): "nr >= start of the middle run" picks the upper half. */
static void emit_tree(struct emitter *e, const struct section *s, size_t lo,
                      size_t hi) {
  size_t mid, l;
  if (hi - lo == 1) {
    emit_leaf(e, s->out[lo]);
    return;
  }
  mid = lo + (hi - lo) / 2;
  l = tree_size(lo, mid);
  if (l <= 255) {
    put(e, BPF_JMP | BPF_JGE | BPF_K, (uint8_t)l, 0, s->start[mid]);
  } else {
    put(e, BPF_JMP | BPF_JGE | BPF_K, 0, 1, s->start[mid]);
    put(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)l);
  }
  emit_tree(e, s, lo, mid);
  emit_tree(e, s, mid, hi);
}

static void emit_section(struct emitter *e, const struct section *s) {
  if (s->n == 1) {
    emit_leaf(e, s->out[0]);
    return;
  }
  put(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, 0); /* nr */
  emit_tree(e, s, 0, s->n);
}

/* Q decides as P on the first and last number of every run, with
 * arguments from the constants the copied instructions compare with. */
static bool check(const struct sock_filter *p, size_t n,
                  const struct sock_filter *q, size_t qn,
                  const struct section *secs, size_t nsec,
                  const struct u32set *argk) {
  for (size_t si = 0; si < nsec; si++) {
    const struct section *s = &secs[si];
    for (size_t r = 0; r < s->n; r++) {
      uint32_t last = r + 1 < s->n ? s->start[r + 1] - 1 : UINT32_MAX;
      uint32_t nrs[2] = {s->start[r], last};
      size_t nv = s->out[r].kind == K_ARGS ? 2 + 12 * 3 * argk->n : 2;
      for (size_t ni = 0; ni < 2; ni++)
        for (size_t vi = 0; vi < nv; vi++) {
          uint32_t d[16] = {nrs[ni], s->arch};
          uint32_t rp, rq;
          if (vi == 1) {
            memset(d + 2, 0xff, 14 * sizeof(uint32_t));
          } else if (vi >= 2) {
            size_t j = (vi - 2) / 3, w = 4 + j % 12;
            uint32_t kv = argk->v[j / 12];
            d[w] = kv + (uint32_t)((vi - 2) % 3) - 1; /* K-1, K, K+1 */
          }
          if (seccomp_bpf_run(p, n, d, &rp) < 0 ||
              seccomp_bpf_run(q, qn, d, &rq) < 0 || rp != rq)
            return false;
        }
    }
  }
  return true;
}

int seccomp_compact(const struct sock_filter *p, size_t n,
                    struct sock_filter **out, size_t *out_n) {
  struct u32set archs = {0}, argk = {0};
  struct section *secs = NULL;
  size_t nsec = 0, nb = 0, total, region_n = 0, at;
  uint32_t *b = NULL, other = 0;
  bool *keep = NULL;
  size_t *index = NULL;
  struct sock_filter *q = NULL;
  int ret = -1;

  if (n == 0 || n > MAX_INSNS)
    return -1;
  b = breakpoints(p, n, &nb);
  /* An arch value P never compares with: stands for all such arches. */
  for (bool clash = true; clash;) {
    clash = false;
    for (size_t i = 0; i < n && !clash; i++)
      clash = BPF_CLASS(p[i].code) == BPF_JMP && p[i].k == other;
    if (clash)
      other++;
  }
  /* The arches P tells apart, found by probing until no new one shows. */
  for (size_t known = (size_t)-1; known != archs.n;) {
    known = archs.n;
    for (size_t i = 0; i < nsec; i++) {
      free(secs[i].start);
      free(secs[i].out);
    }
    nsec = known + 1;
    secs = xrealloc(secs, nsec * sizeof(*secs));
    memset(secs, 0, nsec * sizeof(*secs));
    for (size_t i = 0; i < nsec; i++)
      if (build_section(p, n, b, nb, i < known ? archs.v[i] : other, &archs,
                        &secs[i]) < 0)
        goto out;
  }
  /* The instructions reachable from the argument-reading pcs. */
  keep = xcalloc(n, sizeof(*keep));
  index = xcalloc(n, sizeof(*index));
  for (size_t i = 0; i < nsec; i++)
    for (size_t r = 0; r < secs[i].n; r++)
      if (secs[i].out[r].kind == K_ARGS)
        keep[secs[i].out[r].v] = true;
  for (size_t pc = 0; pc < n; pc++) {
    uint16_t c = p[pc].code;
    if (!keep[pc])
      continue;
    region_n++;
    /* the kernel checks that scratch memory is stored before it is
     * loaded, path by path: keep it simple, none in the copy */
    if (c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM))
      goto out;
    if (BPF_CLASS(c) == BPF_RET)
      continue;
    if (c == (BPF_JMP | BPF_JA)) {
      if (!jump_ok(pc, p[pc].k, n))
        goto out;
      keep[pc + 1 + p[pc].k] = true;
    } else if (BPF_CLASS(c) == BPF_JMP) {
      if (!jump_ok(pc, p[pc].jt, n) || !jump_ok(pc, p[pc].jf, n))
        goto out;
      keep[pc + 1 + p[pc].jt] = keep[pc + 1 + p[pc].jf] = true;
      set_add(&argk, p[pc].k);
    } else {
      if (pc + 1 >= n)
        goto out;
      keep[pc + 1] = true;
    }
  }
  /* Layout: ld arch; per arch "jeq, ja"; the other arches' section, then
   * each arch's; the copied instructions. */
  total = 1 + 2 * (nsec - 1);
  for (size_t i = 0; i < nsec; i++)
    total += section_size(&secs[i]);
  at = total;
  total += region_n;
  if (total >= n || total > MAX_INSNS)
    goto out;
  for (size_t pc = 0, r = at; pc < n; pc++)
    if (keep[pc])
      index[pc] = r++;
  q = xcalloc(total, sizeof(*q));
  {
    struct emitter e = {q, 0, index};
    size_t target = 1 + 2 * (nsec - 1) + section_size(&secs[nsec - 1]);
    put(&e, BPF_LD | BPF_W | BPF_ABS, 0, 0, 4); /* arch */
    for (size_t i = 0; i + 1 < nsec; i++) {
      put(&e, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, secs[i].arch);
      put(&e, BPF_JMP | BPF_JA, 0, 0, (uint32_t)(target - (e.at + 1)));
      target += section_size(&secs[i]);
    }
    emit_section(&e, &secs[nsec - 1]);
    for (size_t i = 0; i + 1 < nsec; i++)
      emit_section(&e, &secs[i]);
    for (size_t pc = 0; pc < n; pc++) {
      struct sock_filter f = p[pc];
      if (!keep[pc])
        continue;
      if (f.code == (BPF_JMP | BPF_JA)) {
        f.k = (uint32_t)(index[pc + 1 + f.k] - index[pc] - 1);
      } else if (BPF_CLASS(f.code) == BPF_JMP) {
        f.jt = (uint8_t)(index[pc + 1 + f.jt] - index[pc] - 1);
        f.jf = (uint8_t)(index[pc + 1 + f.jf] - index[pc] - 1);
      }
      q[e.at++] = f;
    }
  }
  if (!check(p, n, q, total, secs, nsec, &argk))
    goto out;
  *out = q;
  *out_n = total;
  q = NULL;
  ret = 0;
out:
  for (size_t i = 0; i < nsec; i++) {
    free(secs[i].start);
    free(secs[i].out);
  }
  free(secs);
  free(b);
  free(keep);
  free(index);
  free(q);
  free(archs.v);
  free(argk.v);
  return ret;
}
