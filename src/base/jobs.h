/* Work spread over threads (base stage): how many workers a run uses, and
 * one loop that hands indexes to them. Used by the figure encoder
 * (imgcache.c) and the PDF's stream compression (pdf_save.c). */
#ifndef PB_JOBS_H
#define PB_JOBS_H

#include <stddef.h>

/* How many workers: PAPERBOOK_JOBS when it is a number from 1 to 64, else
 * the online processors, at most 8 (more only contend for the disk and
 * memory bandwidth on the machines this runs on). */
int pb_jobs(void);

/* Calls fn(ctx, i) for every i in [0, n), on at most threads threads (the
 * calling thread is one of them; fewer when n is smaller or a thread cannot
 * be started), each taking the next index as it finishes one. Returns when
 * all are done. fn must be safe to run concurrently for different i. */
void pb_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
