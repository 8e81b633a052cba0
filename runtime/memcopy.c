/* memcopy.c: memcpy and memmove for build/brig (the musl build).
 *
 * musl's x86_64 memcpy is a `rep movsq` (after a `movsb` per byte up to
 * an aligned destination): on this class of machine ~30 ns a call whatever
 * the length, against ~1.5 ns for a copy done with plain loads and stores
 * (measured: 8 to 1,024 bytes, one million calls each).  brig makes about
 * 1,400 such calls in one `run` (strdup, the JSON tree, formatting), almost
 * all under 64 bytes.  Here: lengths up to 32 bytes are two overlapping
 * loads and stores of the widest word that fits, longer ones 32 bytes a
 * step with an overlapping last step.  Every load of a step happens before
 * its stores, which is what lets memmove share the code when the regions
 * do not overlap in the way that matters.
 *
 * brig_memcpy/brig_memmove are the functions (tests/unit/test_util.c
 * checks every length to 300 at every alignment); they become memcpy and
 * memmove only with BRIG_MUSL (both at once: musl's memmove jumps into its
 * memcpy's object, which would then clash).
 */
#include "util.h"

#include <stdint.h>
#include <string.h>

/* gcc would turn the copy loops back into calls to memcpy.  clang (the
 * fuzz build, glibc: these are not memcpy there) has no such attribute. */
#ifdef __clang__
#define NO_LIBCALL
#else
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

static inline uint64_t ld8(const unsigned char *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

static inline void st8(unsigned char *p, uint64_t v) {
  __builtin_memcpy(p, &v, 8);
}

/* n <= 32; all loads before any store */
static inline void copy_small(unsigned char *d, const unsigned char *s,
                              size_t n) {
  if (n >= 16) {
    uint64_t a = ld8(s), b = ld8(s + 8), c = ld8(s + n - 16),
             e = ld8(s + n - 8);
    st8(d, a);
    st8(d + 8, b);
    st8(d + n - 16, c);
    st8(d + n - 8, e);
  } else if (n >= 8) {
    uint64_t a = ld8(s), b = ld8(s + n - 8);
    st8(d, a);
    st8(d + n - 8, b);
  } else if (n >= 4) {
    uint32_t a, b;
    __builtin_memcpy(&a, s, 4);
    __builtin_memcpy(&b, s + n - 4, 4);
    __builtin_memcpy(d, &a, 4);
    __builtin_memcpy(d + n - 4, &b, 4);
  } else if (n > 0) {
    unsigned char a = s[0], b = s[n / 2], c = s[n - 1];
    d[0] = a;
    d[n / 2] = b;
    d[n - 1] = c;
  }
}

/* n > 32, front to back: right for any d <= s */
NO_LIBCALL static void copy_fwd(unsigned char *d, const unsigned char *s,
                                size_t n) {
  uint64_t t0 = ld8(s + n - 32), t1 = ld8(s + n - 24), t2 = ld8(s + n - 16),
           t3 = ld8(s + n - 8);
  unsigned char *dend = d + n;
  while (n > 32) {
    uint64_t a = ld8(s), b = ld8(s + 8), c = ld8(s + 16), e = ld8(s + 24);
    st8(d, a);
    st8(d + 8, b);
    st8(d + 16, c);
    st8(d + 24, e);
    d += 32;
    s += 32;
    n -= 32;
  }
  /* the last 32 bytes, loaded before the loop wrote anything */
  st8(dend - 32, t0);
  st8(dend - 24, t1);
  st8(dend - 16, t2);
  st8(dend - 8, t3);
}

/* n > 32, back to front: right for any d >= s */
NO_LIBCALL static void copy_bwd(unsigned char *d, const unsigned char *s,
                                size_t n) {
  uint64_t h0 = ld8(s), h1 = ld8(s + 8), h2 = ld8(s + 16), h3 = ld8(s + 24);
  unsigned char *d0 = d;
  while (n > 32) {
    uint64_t a = ld8(s + n - 32), b = ld8(s + n - 24), c = ld8(s + n - 16),
             e = ld8(s + n - 8);
    st8(d + n - 32, a);
    st8(d + n - 24, b);
    st8(d + n - 16, c);
    st8(d + n - 8, e);
    n -= 32;
  }
  st8(d0, h0);
  st8(d0 + 8, h1);
  st8(d0 + 16, h2);
  st8(d0 + 24, h3);
}

void *brig_memcpy(void *restrict dst, const void *restrict src, size_t n) {
  if (n <= 32)
    copy_small(dst, src, n);
  else
    copy_fwd(dst, src, n);
  return dst;
}

void *brig_memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (n <= 32)
    copy_small(d, s, n);
  else if ((uintptr_t)d <= (uintptr_t)s)
    copy_fwd(d, s, n);
  else
    copy_bwd(d, s, n);
  return dst;
}

#ifdef BRIG_MUSL
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  return brig_memcpy(dst, src, n);
}
void *memmove(void *dst, const void *src, size_t n) {
  return brig_memmove(dst, src, n);
}
#endif
