/* pb_heap_init (src/base/heap.c): after it, the main heap is one range
   marked for transparent huge pages, and a large block, and a block another
   thread asks for, come from that heap rather than from mappings of their
   own. Read back from /proc/self/smaps, as
   the kernel sees it: VmFlags "hg" is MADV_HUGEPAGE. Skips (77) where the
   function is meant to do nothing: huge pages off, a sanitizer, valgrind. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#endif

#ifndef SANITIZED
/* The [heap] mappings' whole range (madvise splits the heap into up to three
   mappings: the advised middle and the unaligned ends), whether one of them
   carries hg, and their AnonHugePages; 0 if found. */
static int heap_region(uintptr_t *lo, uintptr_t *hi, int *hg, long *huge_kb) {
  FILE *f = fopen("/proc/self/smaps", "re");
  if (!f) return -1;
  char line[512];
  int in_heap = 0, found = -1;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
      in_heap = strstr(line, "[heap]") != NULL;
      if (in_heap) {
        if (found != 0 || a < *lo) *lo = a;
        if (found != 0 || b > *hi) *hi = b;
        found = 0;
      }
      continue;
    }
    if (!in_heap) continue;
    if (strncmp(line, "AnonHugePages:", 14) == 0) *huge_kb += strtol(line + 14, NULL, 10);
    if (strncmp(line, "VmFlags:", 8) == 0) *hg |= strstr(line, " hg") != NULL;
  }
  fclose(f);
  return found;
}
#endif

#ifndef SANITIZED
/* A block allocated by another thread (an encoder's buffer). */
static void *thread_block(void *arg) {
  (void)arg;
  unsigned char *b = malloc(1u << 20);
  if (b) memset(b, 2, 1u << 20);
  return b;
}
#endif

int main(void) {
#ifdef SANITIZED
  puts("skip: the sanitizer owns malloc");
  return 77;
#else
  const char *preload = getenv("LD_PRELOAD");
  if (preload && strstr(preload, "vgpreload")) return 77;
  FILE *t = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
  char mode[128] = "";
  if (!t || !fgets(mode, sizeof mode, t) || strstr(mode, "[never]")) {
    puts("skip: transparent huge pages are off here");
    if (t) fclose(t);
    return 77;
  }
  fclose(t);
  pb_heap_init();
  /* a block of 8 MB: without the settings glibc would map it on its own */
  size_t n = 8u << 20;
  unsigned char *p = malloc(n);
  if (!p) return 1;
  memset(p, 1, n);
  uintptr_t lo = 0, hi = 0;
  int hg = 0;
  long huge_kb = 0;
  if (heap_region(&lo, &hi, &hg, &huge_kb) != 0) {
    puts("FAIL: no [heap] mapping in /proc/self/smaps");
    return 1;
  }
  printf("heap %lu MB, hg=%d, AnonHugePages %ld kB\n", (unsigned long)((hi - lo) >> 20), hg,
         huge_kb);
  int fails = 0;
  if (!hg) {
    puts("FAIL: the heap is not marked MADV_HUGEPAGE (VmFlags without hg)");
    fails++;
  }
  if ((uintptr_t)p < lo || (uintptr_t)p + n > hi) {
    puts("FAIL: an 8 MB block was mapped outside the heap");
    fails++;
  }
  if (hi - lo < (64u << 20)) {
    puts("FAIL: the heap was not reserved in one piece (under 64 MB)");
    fails++;
  }
  /* threads share the one heap: no arena of their own mapped beside it */
  pthread_t th;
  void *tb = NULL;
  if (pthread_create(&th, NULL, thread_block, NULL) != 0 || pthread_join(th, &tb) != 0 || !tb) {
    puts("FAIL: no thread block");
    return 1;
  }
  if (heap_region(&lo, &hi, &hg, &huge_kb) != 0 || (uintptr_t)tb < lo ||
      (uintptr_t)tb + (1u << 20) > hi) {
    puts("FAIL: a thread's block lies outside the heap (an arena of its own)");
    fails++;
  }
  free(tb);
  p[n - 1] ^= p[0];
  free(p);
  return fails ? 1 : 0;
#endif
}
