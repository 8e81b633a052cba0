/* alloc.c: brig's allocator (malloc & co. in the musl build), called here
 * by its brig_* names: sizes, re-use, realloc, calloc, alignment, the big
 * mapped blocks, a churn with a content check, what brig_alloc_forked
 * changes (in a real fork, counted in the kernel's page faults), and the
 * churn from two threads once brig_alloc_threaded has been called. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "tap.h"

/* One thread's churn: blocks of mixed sizes filled with the thread's own
 * byte and checked before they are freed; returns how many were spoiled. */
static void *churn(void *arg) {
  unsigned char mark = (unsigned char)(uintptr_t)arg;
  enum { K = 64 };
  char *p[K] = {0};
  size_t n[K] = {0};
  uintptr_t bad = 0;
  for (int i = 0; i < 200000; i++) {
    int k = (i * 37) % K;
    if (p[k] != NULL) {
      for (size_t j = 0; j < n[k]; j++)
        if ((unsigned char)p[k][j] != mark) {
          bad++;
          break;
        }
      brig_free(p[k]);
    }
    n[k] = (size_t)((i * 7919) % 3000);
    p[k] = brig_malloc(n[k]);
    memset(p[k], mark, n[k]);
  }
  for (int k = 0; k < K; k++)
    brig_free(p[k]);
  return (void *)bad;
}

enum { FORK_BLOCKS = 64 };

static long minor_faults(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

/* Blocks of 2 KB (two to a page) made before a real fork, all freed in
 * the child: the page faults of those frees alone (capped at 255: the
 * child's exit status), after brig_alloc_forked or without it. */
static int faults_of_frees_after_fork(bool forked_call) {
  char *p[FORK_BLOCKS];
  int status = 0;
  pid_t pid;

  for (int i = 0; i < FORK_BLOCKS; i++) {
    p[i] = brig_malloc(2000);
    memset(p[i], 1, 2000);
  }
  pid = fork();
  if (pid == 0) {
    long before;
    if (forked_call)
      brig_alloc_forked();
    brig_free(NULL); /* brig_free's text and this stack already faulted in */
    before = minor_faults();
    for (int i = 0; i < FORK_BLOCKS; i++)
      brig_free(p[i]);
    long n = minor_faults() - before;
    _exit(n > 255 ? 255 : (int)n);
  }
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  for (int i = 0; i < FORK_BLOCKS; i++)
    brig_free(p[i]);
  return WEXITSTATUS(status);
}

static void test_forked(void) {
  char *old = brig_malloc(100), *kept = brig_malloc(100), *a, *b;
  brig_free(kept); /* on the free list at the "fork" */
  brig_alloc_forked();
  a = brig_malloc(100);
  ok(a != kept && a != old,
     "after brig_alloc_forked: a block freed before it is not handed out");
  ok(((uintptr_t)a & 4095) == 16,
     "after brig_alloc_forked: the next block starts a fresh page");
  brig_free(old);
  b = brig_malloc(100);
  ok(b != old && b != a,
     "after brig_alloc_forked: a block made before it and freed after is "
     "not re-used");
  brig_free(b);
  a = brig_malloc(100);
  ok(a == b, "after brig_alloc_forked: blocks made after it are re-used");
  brig_free(a);

  int without = faults_of_frees_after_fork(false);
  int with = faults_of_frees_after_fork(true);
  ok(without >= FORK_BLOCKS / 2,
     "in a forked child, freeing %d blocks made before the fork faults on "
     "each of their pages (%d faults): the measure sees copy-on-write",
     FORK_BLOCKS, without);
  ok(with >= 0 && with <= 4,
     "in a forked child after brig_alloc_forked, freeing them writes to "
     "none of those pages (%d faults)",
     with);
}

int main(void) {
  char *a, *b, *c;
  size_t sizes[] = {0,    1,     15,     16,     17,     100,
                    4000, 65536, 131056, 131057, 1 << 20};
  int bad = 0;

  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    a = brig_malloc(sizes[i]);
    if (a == NULL || ((uintptr_t)a & 15) != 0 ||
        brig_malloc_usable_size(a) < sizes[i])
      bad++;
    else
      memset(a, 0xab, sizes[i]);
    brig_free(a);
  }
  ok(bad == 0, "every size gets a 16-byte aligned block at least that big");

  a = brig_malloc(100);
  brig_free(a);
  b = brig_malloc(90);
  ok(a == b, "a freed block is re-used by the next one of its class");
  brig_free(b);

  a = brig_malloc(10);
  strcpy(a, "123456789");
  b = brig_realloc(a, 16);
  ok(b == a && strcmp(b, "123456789") == 0,
     "realloc within the block's class keeps it");
  c = brig_realloc(b, 5000);
  ok(c != NULL && strcmp(c, "123456789") == 0, "realloc to a bigger class "
                                               "moves the content");
  a = brig_realloc(c, 300000);
  ok(a != NULL && strcmp(a, "123456789") == 0 &&
         brig_malloc_usable_size(a) >= 300000,
     "realloc to a mapped block moves the content");
  b = brig_realloc(a, 8);
  ok(b != NULL && memcmp(b, "12345678", 8) == 0,
     "realloc from a mapped block down keeps the first bytes");
  brig_free(b);
  ok(brig_realloc(NULL, 10) != NULL, "realloc(NULL, n) allocates");

  a = brig_malloc(64);
  memset(a, 0xff, 64);
  brig_free(a);
  b = brig_calloc(8, 8);
  ok(b != NULL && b[0] == 0 && b[63] == 0, "calloc zeroes a re-used block");
  brig_free(b);
  errno = 0;
  ok(brig_calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM,
     "calloc refuses an overflowing size with ENOMEM");

  a = brig_aligned_alloc(4096, 100);
  ok(a != NULL && ((uintptr_t)a & 4095) == 0 &&
         brig_malloc_usable_size(a) >= 100,
     "aligned_alloc(4096) is aligned and big enough");
  memset(a, 1, 100);
  b = brig_realloc(a, 50000);
  ok(b != NULL && b[99] == 1, "realloc of an aligned block keeps its bytes");
  brig_free(b);
  errno = 0;
  ok(brig_aligned_alloc(24, 8) == NULL && errno == EINVAL,
     "aligned_alloc refuses an alignment that is not a power of two");

  /* churn: many blocks of mixed sizes, each filled with its own byte,
   * freed in a scrambled order, and checked before it goes */
  enum { N = 4000 };
  static char *p[N];
  static size_t n[N];
  bad = 0;
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < N; i++) {
      n[i] = (size_t)((i * 7919 + round * 104729) % 9000);
      p[i] = brig_malloc(n[i]);
      memset(p[i], i & 0xff, n[i]);
    }
    for (int k = 0; k < N; k++) {
      int i = (k * 2711) % N;
      for (size_t j = 0; j < n[i]; j++)
        if ((unsigned char)p[i][j] != (i & 0xff)) {
          bad++;
          break;
        }
      brig_free(p[i]);
    }
  }
  ok(bad == 0, "3 rounds of %d blocks: none overlaps another", N);

  test_forked();

  pthread_t t1, t2;
  void *r1 = NULL, *r2 = NULL;
  brig_alloc_threaded();
  pthread_create(&t1, NULL, churn, (void *)(uintptr_t)0x5a);
  pthread_create(&t2, NULL, churn, (void *)(uintptr_t)0xa5);
  pthread_join(t1, &r1);
  pthread_join(t2, &r2);
  ok(r1 == NULL && r2 == NULL,
     "two threads churning at once after brig_alloc_threaded: no block "
     "shared or spoiled");
  return tap_done();
}
