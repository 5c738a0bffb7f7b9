/* The process heap's start-up settings (see heap.c). */
#ifndef PB_HEAP_H
#define PB_HEAP_H

/* Call once, first thing in main, before any thread starts. Reserves the main
   heap in one piece and asks the kernel for transparent huge pages on it, so
   that a build touching tens of megabytes takes a few dozen page faults rather
   than thousands. Does nothing (and costs nothing) where huge pages are off,
   under a sanitizer or under valgrind; every failure is ignored: the heap then
   works as it always does. */
void pb_heap_init(void);

#endif
