// SPDX-License-Identifier: GPL-2.0
/*
 * Listings: one line per event (or per interval an event closes), in
 * the manner of the reclaim-tracing article's "thread: 1130 stall:
 * 34756(us)".  A group's handler hands trace_list() a trace_item; when
 * the group is listed, the row is printed at once (mmrepro trace
 * --list) and kept for trace/<group>.events.csv, which the results
 * writer saves.  Rows past --max-events are counted, never silently
 * dropped, and so are the events the ring buffer lost (session.json).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

#define LIST_CSV_HEAD \
	"time_s,cpu,pid,comm,event,what,node,order,value,unit,detail\n"

struct trace_listing {
	bool on[TRACE_MAX_GROUPS];
	FILE *print; /* NULL: rows only kept for the CSV */
	uint64_t max; /* rows kept per group; 0: no limit */
	uint64_t rows[TRACE_MAX_GROUPS], over[TRACE_MAX_GROUPS];
	char *csv[TRACE_MAX_GROUPS]; /* the rows, as CSV */
	size_t len[TRACE_MAX_GROUPS], cap[TRACE_MAX_GROUPS];
};

void trace_listing_set(struct trace_state *st, const bool *on, FILE *print,
		       uint64_t max)
{
	struct trace_listing *l = trace_zalloc(1, sizeof(*l));
	size_t g;

	for (g = 0; g < st->ngroups; g++)
		l->on[g] = on[g];
	l->print = print;
	l->max = max;
	st->listing = l;
}

bool trace_listed(const struct trace_state *st, const struct trace_bound *b)
{
	return st->listing && b->group >= 0 && st->listing->on[b->group];
}

/* CSV text: quoted when it holds a comma, a quote or a line break */
static int csv_text(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\n\r"))
		return snprintf(buf, len, "%s", s);
	if (n < len)
		buf[n++] = '"';
	for (; *s && n + 3 < len; s++) {
		if (*s == '"')
			buf[n++] = '"';
		buf[n++] = *s == '\n' || *s == '\r' ? ' ' : *s;
	}
	if (n < len)
		buf[n++] = '"';
	buf[n < len ? n : len - 1] = '\0';
	return (int)n;
}

static void keep_row(struct trace_listing *l, int g, const char *row, size_t n)
{
	if (l->len[g] + n + 1 > l->cap[g]) {
		size_t cap = l->cap[g] ? 2 * l->cap[g] : 65536;
		char *p;

		while (cap < l->len[g] + n + 1)
			cap *= 2;
		p = realloc(l->csv[g], cap);
		if (!p)
			die("out of memory");
		l->csv[g] = p;
		l->cap[g] = cap;
	}
	memcpy(l->csv[g] + l->len[g], row, n);
	l->len[g] += n;
}

/* "  node 0", " order 3", or nothing for -1 */
static const char *opt_num(char *buf, size_t len, const char *label,
			   long long v)
{
	if (v < 0)
		buf[0] = '\0';
	else
		snprintf(buf, len, " %s %lld", label, v);
	return buf;
}

static void num_or_empty(char *buf, size_t len, long long v)
{
	if (v < 0)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%lld", v);
}

void trace_list(struct trace_state *st, const struct trace_bound *b,
		const struct trace_rec *r, const struct trace_item *it)
{
	struct trace_listing *l = st->listing;
	struct trace_task *t;
	char row[1024], comm[40], what[80], detail[600], nb[32], ob[32];
	const char *c = NULL;
	double ts;
	int g = b->group, n;

	if (!trace_listed(st, b))
		return;
	if (l->max && l->rows[g] >= l->max) {
		l->over[g]++;
		return;
	}
	l->rows[g]++;
	/* the task's name, read once per task (then the kernel's saved one) */
	t = trace_task_get(st, r->pid);
	if (t->comm[0])
		c = t->comm;
	if (!c)
		c = trace_saved_comm(st, r->pid);
	ts = r->ts > st->t0 ? trace_secs(r->ts - st->t0) : 0;
	csv_text(comm, sizeof(comm), c);
	csv_text(what, sizeof(what), it->what);
	csv_text(detail, sizeof(detail), it->detail);
	num_or_empty(nb, sizeof(nb), it->node);
	num_or_empty(ob, sizeof(ob), it->order);
	n = snprintf(row, sizeof(row),
		     "%.6f,%d,%d,%s,%s,%s,%s,%s,%.15g,%s,%s\n", ts, r->cpu,
		     r->pid, comm, b->ops->name, what, nb, ob, it->value,
		     it->unit ? it->unit : "", detail);
	if (n > 0 && (size_t)n < sizeof(row))
		keep_row(l, g, row, (size_t)n);
	if (!l->print)
		return;
	/* 12.345678 cpu1 stress-ng-vm[1130] stall node 0: 34756 us (...) */
	fprintf(l->print, "%12.6f cpu%d %s[%d] %s%s%s: %.15g%s%s%s%s\n", ts,
		r->cpu, c ? c : "?", r->pid, it->what,
		opt_num(nb, sizeof(nb), "node", it->node),
		opt_num(ob, sizeof(ob), "order", it->order), it->value,
		it->unit ? " " : "", it->unit ? it->unit : "",
		it->detail ? " " : "", it->detail ? it->detail : "");
}

struct row_ref {
	double t;
	size_t i; /* its place as read: ties keep it */
	const char *s;
	size_t len;
};

static int by_time(const void *a, const void *b)
{
	const struct row_ref *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The rows in time order: events that pair (begin/end, wake/sleep) are
 * handled in time order across CPUs, up to a poll after the others, so
 * the rows come a little out of order as kept
 */
static void write_sorted(FILE *f, const char *csv, size_t len)
{
	struct row_ref *v;
	size_t n = 0, i, cap = 0;
	const char *p = csv, *nl;

	for (i = 0; i < len; i++)
		cap += csv[i] == '\n';
	v = trace_zalloc(cap + 1, sizeof(*v));
	for (; p < csv + len && n < cap; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(csv + len - p));
		if (!nl)
			break;
		v[n] = (struct row_ref){ strtod(p, NULL), n, p,
					 (size_t)(nl - p + 1) };
		n++;
	}
	qsort(v, n, sizeof(*v), by_time);
	for (i = 0; i < n; i++)
		fwrite(v[i].s, 1, v[i].len, f);
	free(v);
}

int trace_listing_write(const struct trace_state *st, const char *tdir)
{
	const struct trace_listing *l = st->listing;
	char path[4200];
	struct afile a;
	size_t g;
	int ret;

	for (g = 0; l && g < st->ngroups; g++) {
		if (!l->on[g])
			continue;
		if (pathf(path, sizeof(path), "%s/%s.events.csv", tdir,
			  st->groups[g]->name))
			return -1;
		ret = afile_open(&a, path);
		if (ret)
			return ret;
		fputs(LIST_CSV_HEAD, a.f);
		write_sorted(a.f, l->csv[g], l->len[g]);
		ret = afile_commit(&a);
		if (ret)
			return ret;
	}
	return 0;
}

json_t *trace_listing_json(const struct trace_state *st)
{
	const struct trace_listing *l = st->listing;
	json_t *o;
	size_t g;

	if (!l)
		return NULL;
	o = json_object();
	for (g = 0; g < st->ngroups; g++) {
		json_t *e;

		if (!l->on[g])
			continue;
		e = json_object();
		json_object_set_new(e, "rows",
				    json_integer((json_int_t)l->rows[g]));
		json_object_set_new(e, "not_listed",
				    json_integer((json_int_t)l->over[g]));
		json_object_set_new(e, "max_events",
				    l->max ? json_integer((json_int_t)l->max) :
					     json_null());
		json_object_set_new(o, st->groups[g]->name, e);
	}
	return o;
}

uint64_t trace_listing_over(const struct trace_state *st)
{
	uint64_t n = 0;
	size_t g;

	for (g = 0; st->listing && g < st->ngroups; g++)
		n += st->listing->over[g];
	return n;
}

void trace_listing_free(struct trace_listing *l)
{
	size_t g;

	if (!l)
		return;
	for (g = 0; g < TRACE_MAX_GROUPS; g++)
		free(l->csv[g]);
	free(l);
}
