/* brig's own allocator (runtime/alloc.c): malloc & co. in the musl build. */
#ifndef BRIG_ALLOC_H
#define BRIG_ALLOC_H

#include <stddef.h>

void *brig_malloc(size_t n);
void brig_free(void *p);
void *brig_calloc(size_t nmemb, size_t size);
void *brig_realloc(void *p, size_t n);
void *brig_aligned_alloc(size_t align, size_t n);
size_t brig_malloc_usable_size(void *p);
/* Call before starting a thread: from then on the allocator locks. */
void brig_alloc_threaded(void);
/* In both processes after a fork or clone that copied the address space:
 * blocks from before are never written again (brig_free leaves them). */
void brig_alloc_forked(void);

#endif
