/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_TRACE_HIST_H
#define MMREPRO_TRACE_HIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Durations and their log2 histograms, and the reorder buffer that puts
 * records from several CPUs in time order (hist.c).  Plain data: no
 * tracefs, no libtraceevent.
 */

struct durset {
	uint64_t *v; /* ns */
	size_t n, cap;
	uint64_t sum, max;
	bool sorted;
};

#define HIST_BUCKETS 64

void durset_add(struct durset *d, uint64_t ns);
void durset_free(struct durset *d);
/* log2 bucket of a value in µs: 0 for 0, else floor(log2(us)) + 1 */
int hist_bucket(uint64_t us);
/* bucket b holds [lo, hi] µs */
void hist_range(int b, uint64_t *lo, uint64_t *hi);
/* linear interpolation between order statistics (as gsl), in ns */
double durset_quantile(struct durset *d, double q);
/* { count, p50_us, p90_us, p99_us, max_us, total_s } and the histogram */
json_t *durset_json(struct durset *d, bool hist);

/*
 * Reorder buffer: records from several CPUs, each CPU's in time order,
 * released in global time order up to a limit.  Records are copied.
 */
struct trace_pending {
	uint64_t ts;
	uint32_t seq; /* arrival order breaks ties */
	uint32_t off;
	int size;
	int cpu;
};

struct trace_reorder {
	struct trace_pending *v;
	size_t n, cap;
	unsigned char *arena;
	size_t len, acap;
	uint32_t seq;
};

typedef void (*trace_reorder_fn)(void *ctx, uint64_t ts, int cpu,
				 const void *data, int size);
void reorder_push(struct trace_reorder *q, uint64_t ts, int cpu,
		  const void *data, int size);
/* Calls fn for every record with ts <= limit, oldest first */
void reorder_flush(struct trace_reorder *q, uint64_t limit, trace_reorder_fn fn,
		   void *ctx);
void reorder_free(struct trace_reorder *q);

#endif
