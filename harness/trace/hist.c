// SPDX-License-Identifier: GPL-2.0
/*
 * Durations: every value is kept (a few bytes per stall), so that the
 * percentiles are exact and the log2 histogram is only a view of them.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "hist.h"

void durset_add(struct durset *d, uint64_t ns)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		uint64_t *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			die("out of memory");
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = ns;
	d->sum += ns;
	if (ns > d->max)
		d->max = ns;
	d->sorted = false;
}

void durset_free(struct durset *d)
{
	free(d->v);
	*d = (struct durset){ 0 };
}

int hist_bucket(uint64_t us)
{
	return us ? 64 - __builtin_clzll(us) : 0;
}

void hist_range(int b, uint64_t *lo, uint64_t *hi)
{
	*lo = b ? 1ULL << (b - 1) : 0;
	*hi = b ? (b == 64 ? UINT64_MAX : (1ULL << b) - 1) : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double durset_quantile(struct durset *d, double q)
{
	double pos, frac;
	size_t i;

	if (!d->n)
		return 0;
	if (!d->sorted) {
		qsort(d->v, d->n, sizeof(*d->v), cmp_u64);
		d->sorted = true;
	}
	pos = q * (double)(d->n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= d->n)
		return (double)d->v[d->n - 1];
	return (double)d->v[i] + frac * ((double)d->v[i + 1] - (double)d->v[i]);
}

static json_t *hist_json(const struct durset *d)
{
	uint64_t counts[HIST_BUCKETS + 1] = { 0 }, lo, hi;
	json_t *a = json_array();
	int b, top = -1;
	size_t i;

	for (i = 0; i < d->n; i++) {
		b = hist_bucket(d->v[i] / 1000);
		counts[b]++;
		if (b > top)
			top = b;
	}
	/* every bucket up to the highest, so that plots need no gaps filled */
	for (b = 0; b <= top; b++) {
		json_t *o = json_object();

		hist_range(b, &lo, &hi);
		json_object_set_new(o, "lo_us", json_integer((json_int_t)lo));
		json_object_set_new(o, "hi_us", json_integer((json_int_t)hi));
		json_object_set_new(o, "count",
				    json_integer((json_int_t)counts[b]));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *durset_json(struct durset *d, bool hist)
{
	json_t *o = json_object();

	json_object_set_new(o, "count", json_integer((json_int_t)d->n));
	json_object_set_new(o, "total_s", json_real((double)d->sum / 1e9));
	if (d->n) {
		json_object_set_new(o, "p50_us",
				    json_real(durset_quantile(d, 0.50) / 1e3));
		json_object_set_new(o, "p90_us",
				    json_real(durset_quantile(d, 0.90) / 1e3));
		json_object_set_new(o, "p99_us",
				    json_real(durset_quantile(d, 0.99) / 1e3));
		json_object_set_new(o, "max_us",
				    json_real((double)d->max / 1e3));
		json_object_set_new(
			o, "mean_us",
			json_real((double)d->sum / 1e3 / (double)d->n));
	}
	if (hist)
		json_object_set_new(o, "hist_log2_us", hist_json(d));
	return o;
}

/* ---- reorder buffer ---- */

void reorder_push(struct trace_reorder *q, uint64_t ts, int cpu,
		  const void *data, int size)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 256;
		q->v = realloc(q->v, q->cap * sizeof(*q->v));
		if (!q->v)
			die("out of memory");
	}
	if (q->len + (size_t)size > q->acap) {
		q->acap = (q->acap + (size_t)size) * 2;
		q->arena = realloc(q->arena, q->acap);
		if (!q->arena)
			die("out of memory");
	}
	memcpy(q->arena + q->len, data, (size_t)size);
	q->v[q->n++] = (struct trace_pending){ ts, q->seq++, (uint32_t)q->len,
					       size, cpu };
	q->len += (size_t)size;
}

static int by_time(const void *a, const void *b)
{
	const struct trace_pending *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void reorder_flush(struct trace_reorder *q, uint64_t limit, trace_reorder_fn fn,
		   void *ctx)
{
	unsigned char *a;
	size_t i, k = 0, len = 0;

	if (!q->n)
		return;
	qsort(q->v, q->n, sizeof(*q->v), by_time);
	for (i = 0; i < q->n && q->v[i].ts <= limit; i++)
		fn(ctx, q->v[i].ts, q->v[i].cpu, q->arena + q->v[i].off,
		   q->v[i].size);
	if (i == q->n) {
		q->n = 0;
		q->len = 0;
		return;
	}
	/*
	 * Keep the rest in a fresh arena: sorted by time, their data is no
	 * longer in arena order, so packing in place would overwrite some.
	 */
	a = malloc(q->acap);
	if (!a)
		die("out of memory");
	for (; i < q->n; i++, k++) {
		struct trace_pending p = q->v[i];

		memcpy(a + len, q->arena + p.off, (size_t)p.size);
		p.off = (uint32_t)len;
		len += (size_t)p.size;
		q->v[k] = p;
	}
	free(q->arena);
	q->arena = a;
	q->n = k;
	q->len = len;
}

void reorder_free(struct trace_reorder *q)
{
	free(q->v);
	free(q->arena);
	*q = (struct trace_reorder){ 0 };
}
