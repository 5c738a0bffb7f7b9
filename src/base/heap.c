/* The process heap's start-up settings.

   Why: a warm build touches about 38 MB (shaped paragraphs read from the store,
   libharu's objects, the PDF's buffers) and every 4 KB page of it is one page
   fault. On a virtual machine a fault is expensive: the warm archive took 9,500
   faults and spent more of its time in the kernel than in paperbook. With the
   heap in transparent huge pages the same build takes about 1,400 faults.

   How: glibc can do this itself (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), but
   only from the environment at start. So we do what it does, once: large
   blocks come from the main heap rather than from separate mappings
   (M_MMAP_THRESHOLD), the heap is grown in one step by HEAP_RESERVE bytes of
   address space (M_TOP_PAD: reserving touches nothing) and is never given
   back during the run (M_TRIM_THRESHOLD), and the reserved range, aligned to
   huge pages, is marked MADV_HUGEPAGE. A page is still only backed when first
   touched; the kernel then backs a whole 2 MB at once where it can. With
   transparent huge pages set to "never" madvise fails and nothing changes. */
#define _DEFAULT_SOURCE
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define PB_HEAP_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PB_HEAP_SANITIZED 1
#endif

enum {
  HEAP_RESERVE = 96 << 20, /* address space, not memory: see above */
  HUGE_PAGE = 2 << 20
};

#ifndef PB_HEAP_SANITIZED
/* Whether the kernel would give huge pages to a range marked MADV_HUGEPAGE. */
static int huge_pages_on_request(void) {
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
  if (!f) return 0;
  char line[128] = "";
  int ok = fgets(line, sizeof line, f) && !strstr(line, "[never]");
  fclose(f);
  return ok;
}
#endif

void pb_heap_init(void) {
#ifdef PB_HEAP_SANITIZED
  return; /* the sanitizer owns malloc */
#else
  /* valgrind replaces malloc and keeps a small brk segment of its own */
  const char *preload = getenv("LD_PRELOAD");
  if (preload && strstr(preload, "vgpreload")) return;
  if (!huge_pages_on_request()) return;
  /* 32 MB is glibc's largest threshold on 64-bit (a larger one is refused) */
  if (!mallopt(M_MMAP_THRESHOLD, 32 << 20)) return;
  /* threads allocate from this heap too: an arena of their own is a new
     mapping, backed 4 KB at a time (a cold build of the archive: 4,800 to
     6,400 faults with the encoders' arenas, 1,700 without; with the
     figures encoded beside the layout, 13% more CPU in their arenas) */
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, HEAP_RESERVE);
  /* The heap already holds what start-up allocated; a block larger than its
     free top makes malloc grow it, by the block and HEAP_RESERVE. */
  uintptr_t lo = (uintptr_t)sbrk(0);
  void *first = malloc(1 << 20);
  if (!first) return;
  uintptr_t hi = (uintptr_t)sbrk(0);
  free(first);
  mallopt(M_TOP_PAD, 0); /* later growth (a cold build's peak) in small steps */
  if (hi == (uintptr_t)-1 || hi <= lo) return;
  lo = (lo + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
  hi &= ~(uintptr_t)(HUGE_PAGE - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
}
