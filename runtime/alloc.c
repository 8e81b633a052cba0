/* alloc.c: the memory allocator of build/brig (the musl build).
 *
 * musl's allocator (mallocng) hands memory back to the kernel as soon as a
 * group of its slots is free: one `run` made 31 mmap and 26 munmap calls,
 * and the munmaps alone were ~0.15 ms of kernel time (page tables, TLB
 * flush), plus a fresh zeroed page at each re-use.  brig's processes are
 * short, or long-lived with a small steady working set (the init's loop,
 * `events`, `run` waiting), so a simpler scheme fits: blocks in power-of-
 * two classes of 32 B to 128 KiB (a 16-byte header included) carved from
 * 256 KiB chunks, freed blocks kept on one list per class and re-used,
 * never returned; a larger block is a mapping of its own, unmapped when
 * freed.  One spin lock: brig has at most one extra thread (the cgroup v2
 * OOM watcher of `events`), and takes it only once that thread exists.
 *
 * The functions are brig_malloc & co.; they become malloc, free, calloc,
 * realloc, aligned_alloc, posix_memalign, memalign and malloc_usable_size
 * only when BRIG_OWN_MALLOC is defined (the musl build: Makefile), so the
 * glibc builds keep glibc's allocator (and ASan's) and the unit tests
 * (tests/unit/test_alloc.c) call these directly.
 */
#include "alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16
#define MIN_SHIFT 5  /* 32 B blocks */
#define N_CLASSES 13 /* up to 128 KiB */
#define CHUNK (256 * 1024)
#define LARGE 0xffffu
#define ALIGNED 0xfffeu

struct hdr {
  uint32_t cls;  /* class index, LARGE or ALIGNED */
  uint32_t gen;  /* the generation it was carved or taken in (small ones) */
  uint64_t size; /* LARGE: mapping length; ALIGNED: offset to the block */
};

struct free_block {
  struct free_block *next;
};

static struct free_block *free_list[N_CLASSES];
static char *cur, *end;
static volatile char lock_flag;
/* Set before the first extra thread starts (brig_alloc_threaded); until
 * then the lock is skipped: an atomic exchange a call, ~3,000 a run. */
static bool threaded;
/* Bumped by brig_alloc_forked: blocks of an older generation lie on pages
 * the other process of a fork or clone shares until one of them writes. */
static uint32_t generation;

void brig_alloc_threaded(void) {
  threaded = true;
}

static void lock(void) {
  if (!threaded)
    return;
  while (__atomic_test_and_set(&lock_flag, __ATOMIC_ACQUIRE))
    ;
}

static void unlock(void) {
  if (threaded)
    __atomic_clear(&lock_flag, __ATOMIC_RELEASE);
}

static struct hdr *hdr_of(void *p) {
  return (struct hdr *)((char *)p - HDR);
}

static int class_of(size_t n) {
  size_t need = n + HDR;
  int c = 0;
  while (c < N_CLASSES && ((size_t)1 << (c + MIN_SHIFT)) < need)
    c++;
  return c < N_CLASSES ? c : -1;
}

static void *large_alloc(size_t n) {
  size_t len;
  struct hdr *h;
  if (n > SIZE_MAX - HDR - 4096) {
    errno = ENOMEM;
    return NULL;
  }
  len = (n + HDR + 4095) & ~(size_t)4095;
  h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
           0);
  if (h == MAP_FAILED) {
    errno = ENOMEM;
    return NULL;
  }
  h->cls = LARGE;
  h->size = len;
  return (char *)h + HDR;
}

void *brig_malloc(size_t n) {
  int c = class_of(n);
  size_t bsize;
  struct hdr *h;
  if (c < 0)
    return large_alloc(n);
  bsize = (size_t)1 << (c + MIN_SHIFT);
  lock();
  if (free_list[c] != NULL) {
    h = (struct hdr *)free_list[c];
    free_list[c] = free_list[c]->next;
  } else {
    if (cur == NULL || (size_t)(end - cur) < bsize) {
      char *chunk = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (chunk == MAP_FAILED) {
        unlock();
        errno = ENOMEM;
        return NULL;
      }
      cur = chunk;
      end = chunk + CHUNK;
    }
    h = (struct hdr *)cur;
    cur += bsize;
  }
  unlock();
  h->cls = (uint32_t)c;
  h->gen = generation;
  h->size = 0;
  return (char *)h + HDR;
}

/* After a fork or clone that copied the address space (the container's
 * init, as a clone of the runtime), in each of the two processes.  Every
 * page the heap had then is shared until one side writes to it, and that
 * write costs a copy-on-write fault (27-40 us in a PVM guest, against
 * 17-21 us for a fresh page).  A free's link, and a malloc re-using a
 * freed block's header, are such writes, and both processes free most of
 * what they parsed before the clone: so from here on, blocks from before
 * are left where they are when freed (the bytes they hold were there
 * before the clone, so nothing grows but what is never re-used), the free
 * lists start empty, and new blocks are carved from the next whole page. */
void brig_alloc_forked(void) {
  lock();
  generation++;
  memset(free_list, 0, sizeof(free_list));
  if (cur != NULL) {
    uintptr_t next = ((uintptr_t)cur + 4095) & ~(uintptr_t)4095;
    cur = next < (uintptr_t)end ? (char *)next : end;
  }
  unlock();
}

void brig_free(void *p) {
  struct hdr *h;
  if (p == NULL)
    return;
  h = hdr_of(p);
  if (h->cls == ALIGNED) {
    brig_free((char *)p - h->size);
    return;
  }
  if (h->cls == LARGE) {
    munmap(h, h->size);
    return;
  }
  if (h->gen != generation)
    return; /* from before a fork: see brig_alloc_forked */
  lock();
  ((struct free_block *)h)->next = free_list[h->cls];
  free_list[h->cls] = (struct free_block *)h;
  unlock();
}

size_t brig_malloc_usable_size(void *p) {
  struct hdr *h;
  if (p == NULL)
    return 0;
  h = hdr_of(p);
  if (h->cls == ALIGNED)
    return brig_malloc_usable_size((char *)p - h->size) - h->size;
  if (h->cls == LARGE)
    return h->size - HDR;
  return ((size_t)1 << (h->cls + MIN_SHIFT)) - HDR;
}

void *brig_calloc(size_t nmemb, size_t size) {
  void *p;
  if (size != 0 && nmemb > SIZE_MAX / size) {
    errno = ENOMEM;
    return NULL;
  }
  p = brig_malloc(nmemb * size);
  if (p != NULL)
    memset(p, 0, nmemb * size);
  return p;
}

void *brig_realloc(void *p, size_t n) {
  size_t have;
  void *q;
  if (p == NULL)
    return brig_malloc(n);
  have = brig_malloc_usable_size(p);
  if (n <= have && hdr_of(p)->cls != LARGE)
    return p;
  q = brig_malloc(n);
  if (q == NULL)
    return NULL;
  memcpy(q, p, have < n ? have : n);
  brig_free(p);
  return q;
}

void *brig_aligned_alloc(size_t align, size_t n) {
  char *base, *p;
  if (align == 0 || (align & (align - 1)) != 0) {
    errno = EINVAL;
    return NULL;
  }
  if (align <= HDR)
    return brig_malloc(n);
  if (n > SIZE_MAX - align - HDR) {
    errno = ENOMEM;
    return NULL;
  }
  base = brig_malloc(n + align + HDR);
  if (base == NULL)
    return NULL;
  p = (char *)(((uintptr_t)base + HDR + align - 1) & ~(uintptr_t)(align - 1));
  hdr_of(p)->cls = ALIGNED;
  hdr_of(p)->size = (uint64_t)(p - base);
  return p;
}

#ifdef BRIG_OWN_MALLOC
void *malloc(size_t n) {
  return brig_malloc(n);
}
void free(void *p) {
  brig_free(p);
}
void *calloc(size_t nmemb, size_t size) {
  return brig_calloc(nmemb, size);
}
void *realloc(void *p, size_t n) {
  return brig_realloc(p, n);
}
void *aligned_alloc(size_t align, size_t n) {
  return brig_aligned_alloc(align, n);
}
void *memalign(size_t align, size_t n) {
  return brig_aligned_alloc(align, n);
}
int posix_memalign(void **out, size_t align, size_t n) {
  void *p;
  if (align < sizeof(void *))
    return EINVAL;
  p = brig_aligned_alloc(align, n);
  if (p == NULL)
    return errno;
  *out = p;
  return 0;
}
size_t malloc_usable_size(void *p) {
  return brig_malloc_usable_size(p);
}
#endif
