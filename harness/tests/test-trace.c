// SPDX-License-Identifier: GPL-2.0
/*
 * Tracer tests.  The event formats captured from every fixture kernel
 * are parsed through libtraceevent as the tracer does, and every field a
 * handler uses is checked against a naive reading of the same format
 * file, so the expected offsets come from the files and not from this
 * code.  The handlers are then fed synthetic records laid out by each
 * kernel's own format, and the histograms and percentiles are checked
 * against values computed here.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <traceevent/event-parse.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/group.h"
#include "util.h"

#define FIXTURES "harness/tests/fixtures"
#define MAX_FIX 16
#define US 1000ULL
#define MS 1000000ULL

static char *fixdirs[MAX_FIX];
static int nfix;

static void find_fixtures(void)
{
	struct dirent *de;
	DIR *d = opendir(FIXTURES);

	if (!d)
		return;
	while ((de = readdir(d)) && nfix < MAX_FIX) {
		char p[600];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/tracefs/events/header_page",
			 FIXTURES, de->d_name);
		if (stat(p, &st))
			continue;
		snprintf(p, sizeof(p), "%s/%s", FIXTURES, de->d_name);
		fixdirs[nfix++] = strdup(p);
	}
	closedir(d);
}

static char *slurp(const char *fmt, ...)
{
	char path[1024], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	s = read_file_str(path, 1 << 20, NULL);
	if (!s)
		fail_msg("%s: %s", path, strerror(errno));
	return s;
}

/* The tracer's own view of one fixture kernel: every event bound */
static struct trace_state *load(const char *fix)
{
	const struct trace_event_ops *ops[TRACE_MAX_EVENTS];
	struct tep_handle *tep;
	struct trace_state *st;
	char dir[600];
	size_t i;

	for (i = 0; i < trace_nevents; i++)
		ops[i] = &trace_events[i];
	snprintf(dir, sizeof(dir), "%s/tracefs", fix);
	tep = trace_tep_load(dir, ops, trace_nevents);
	if (!tep)
		fail_msg("%s: no tep", fix);
	st = trace_state_new(tep);
	/* every event, but those gone from newer kernels (and said so) */
	for (i = 0; i < trace_nevents; i++)
		if (trace_state_add(st, &trace_events[i], true) &&
		    (!trace_events[i].gone ||
		     !strstr(st->bound[i].reason, trace_events[i].gone)))
			fail_msg("%s: %s: %s", fix, trace_events[i].name,
				 st->bound[i].reason);
	return st;
}

static void unload(struct trace_state *st)
{
	struct tep_handle *tep = st->tep;

	trace_state_free(st);
	tep_free(tep);
}

/* ---- a naive reader of format files ---- */

struct nfield {
	char name[64];
	int offset, size, is_signed;
};

static int naive_fields(const char *text, struct nfield *f, int max)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, "field:")) && n < max) {
		const char *semi = strchr(p, ';'), *w;
		char decl[256];
		size_t len;

		len = (size_t)(semi - p - 6);
		snprintf(decl, sizeof(decl), "%.*s", (int)len, p + 6);
		/* the name is the last word, without any [N] */
		w = strrchr(decl, ' ');
		snprintf(f[n].name, sizeof(f[n].name), "%.63s",
			 w ? w + 1 : decl);
		f[n].name[strcspn(f[n].name, "[")] = '\0';
		if (sscanf(strstr(p, "offset:"), "offset:%d", &f[n].offset) !=
			    1 ||
		    sscanf(strstr(p, "size:"), "size:%d", &f[n].size) != 1 ||
		    sscanf(strstr(p, "signed:"), "signed:%d",
			   &f[n].is_signed) != 1)
			fail_msg("cannot read a field line in %.60s", p);
		n++;
		p = semi;
	}
	return n;
}

static const struct nfield *nfind(const struct nfield *f, int n,
				  const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

static void test_fixture_count(void **state)
{
	static const char *const want[] = { "6.1.", "6.12.", "7.2." };
	size_t w;
	int i, found;

	(void)state;
	/* 6.1, 6.12 and 7.2 at least: never pass by skipping */
	for (w = 0; w < ARRAY_SIZE(want); w++) {
		found = 0;
		for (i = 0; i < nfix; i++)
			if (!strncmp(strrchr(fixdirs[i], '/') + 1, want[w],
				     strlen(want[w])))
				found = 1;
		if (!found)
			fail_msg("no tracefs fixture for %s*", want[w]);
	}
}

static void test_fields_match_format_files(void **state)
{
	int i, checked = 0;
	size_t b;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);

		for (b = 0; b < st->nbound; b++) {
			const struct trace_bound *tb = &st->bound[b];
			const struct trace_event_ops *o = tb->ops;
			struct nfield nf[64];
			char *text = slurp("%s/tracefs/events/%s/%s/format",
					   fixdirs[i], o->system, o->name);
			int n = naive_fields(text, nf, 64), k;
			const struct nfield *t = nfind(nf, n, "common_type");
			const struct nfield *p = nfind(nf, n, "common_pid");

			if (!t || !p || st->type_off != t->offset ||
			    st->type_size != t->size ||
			    st->pid_off != p->offset || st->pid_size != p->size)
				fail_msg("%s: %s: common fields differ",
					 fixdirs[i], o->name);
			for (k = 0; k < TRACE_MAX_FIELDS && o->fields[k]; k++) {
				const struct tep_format_field *f = tb->f[k];
				const struct nfield *want;

				if (!f) {
					/* optional, and the file lacks every name */
					if (o->fields[k][0] != '?')
						fail_msg("%s: %s: %s unbound",
							 fixdirs[i], o->name,
							 o->fields[k]);
					continue;
				}
				if (!strstr(o->fields[k], f->name))
					fail_msg("%s: bound %s for %s",
						 fixdirs[i], f->name,
						 o->fields[k]);
				want = nfind(nf, n, f->name);
				if (!want || want->offset != f->offset ||
				    want->size != f->size ||
				    want->is_signed !=
					    !!(f->flags & TEP_FIELD_IS_SIGNED))
					fail_msg(
						"%s: %s.%s: tep %d/%d, file %d/%d",
						fixdirs[i], o->name, f->name,
						f->offset, f->size,
						want ? want->offset : -1,
						want ? want->size : -1);
				checked++;
			}
			free(text);
		}
		unload(st);
	}
	assert_true(checked >= 25 * nfix);
}

/* The 7.2 layout really differs: order moved behind memcg_id */
static void test_layouts_differ(void **state)
{
	int i, offs[MAX_FIX], distinct = 0, k;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);

		offs[i] = st->bound[0].f[0]->offset; /* begin's order */
		for (k = 0; k < i && offs[k] != offs[i]; k++)
			;
		distinct += k == i;
		unload(st);
	}
	assert_true(distinct >= 2);
}

/* "{( unsigned long)(( gfp_t)0x08u), "__GFP_MOVABLE"}" or "...<< (3)..." */
static uint64_t naive_gfp(const char *text, const char *flag)
{
	char pat[64];
	const char *end, *start, *sh;

	snprintf(pat, sizeof(pat), ", \"%s\"}", flag);
	end = strstr(text, pat);
	if (!end)
		return 0;
	for (start = end; start > text && start[0] != '{'; start--)
		;
	sh = strstr(start, "<< (");
	if (sh && sh < end)
		return 1ULL << atoi(sh + 4);
	sh = strstr(start, "0x");
	return sh && sh < end ? strtoull(sh, NULL, 16) : 0;
}

static void test_print_format_constants(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *dr = slurp("%s/tracefs/events/vmscan/"
				 "mm_vmscan_direct_reclaim_begin/format",
				 fixdirs[i]);
		char *pti = slurp("%s/proc/pagetypeinfo", fixdirs[i]);
		char *ce = slurp("%s/tracefs/events/compaction/"
				 "mm_compaction_end/format",
				 fixdirs[i]);
		const char *s;
		long long pbo;
		int v;

		if (!st->gfp_movable ||
		    st->gfp_movable != naive_gfp(dr, "__GFP_MOVABLE") ||
		    st->gfp_reclaimable != naive_gfp(dr, "__GFP_RECLAIMABLE") ||
		    st->gfp_movable == st->gfp_reclaimable)
			fail_msg("%s: gfp bits %#llx %#llx", fixdirs[i],
				 (unsigned long long)st->gfp_movable,
				 (unsigned long long)st->gfp_reclaimable);
		s = strstr(pti, "Page block order:");
		assert_non_null(s);
		pbo = atoll(s + strlen("Page block order:"));
		if (st->pageblock_order != pbo)
			fail_msg("%s: pageblock_order %lld, pagetypeinfo %lld",
				 fixdirs[i], st->pageblock_order, pbo);
		s = strstr(ce, ", \"success\"}");
		assert_non_null(s);
		while (s > ce && s[-1] != '{')
			s--;
		v = atoi(s);
		assert_string_equal(trace_symbol(st->bound[6].event, "status",
						 v),
				    "success");
		free(dr);
		free(pti);
		free(ce);
		unload(st);
	}
}

/* ---- synthetic records, laid out by each kernel's format ---- */

struct rec {
	unsigned char d[512];
	int size;
};

static void put(unsigned char *d, int off, int size, uint64_t v)
{
	memcpy(d + off, &v, (size_t)size); /* little endian, as the fixtures */
}

/* vals[k] for ops->fields[k]; strings go after the fixed part */
static struct rec mk(struct trace_state *st, int ev, int pid,
		     const uint64_t *vals, const char *str)
{
	const struct trace_bound *b = &st->bound[ev];
	struct tep_format_field *f;
	struct rec r = { { 0 }, 0 };
	int k;

	for (f = b->event->format.fields; f; f = f->next)
		if (f->offset + f->size > r.size)
			r.size = f->offset + f->size;
	put(r.d, st->type_off, st->type_size, (uint64_t)b->event->id);
	put(r.d, st->pid_off, st->pid_size, (uint64_t)pid);
	for (k = 0; k < TRACE_MAX_FIELDS && b->ops->fields[k]; k++) {
		f = b->f[k];
		if (!f)
			continue;
		if (f->flags & TEP_FIELD_IS_DYNAMIC) {
			int len = (int)strlen(str ? str : "") + 1;
			int off = r.size;

			if (f->flags & TEP_FIELD_IS_RELATIVE)
				off -= f->offset + f->size;
			memcpy(r.d + r.size, str ? str : "", (size_t)len);
			r.size += len;
			put(r.d, f->offset, 4,
			    ((uint64_t)len << 16) | (uint64_t)off);
		} else {
			put(r.d, f->offset, f->size, vals[k]);
		}
	}
	return r;
}

enum { DRB, DRE, KW, KS, WK, CB, CE, TC, XF, RR, MV };

static void feed(struct trace_state *st, int ev, uint64_t ts, int pid,
		 const uint64_t *vals, const char *str)
{
	struct rec r = mk(st, ev, pid, vals, str);

	assert_true(trace_dispatch(st, ts, 0, r.d, r.size));
}

static void feed_q(void *ctx, uint64_t ts, int cpu, const void *data, int size)
{
	assert_true(trace_dispatch(ctx, ts, cpu, data, size));
}

static void dr_pair(struct trace_state *st, int pid, uint64_t t0, uint64_t t1,
		    int order, uint64_t gfp)
{
	uint64_t b[] = { (uint64_t)order, gfp, 0 }, e[] = { 7 };

	feed(st, DRB, t0, pid, b, NULL);
	if (t1)
		feed(st, DRE, t1, pid, e, NULL);
}

static double jnum(json_t *o, const char *path)
{
	char buf[256], *save = NULL, *k;
	json_t *j = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && j;
	     k = strtok_r(NULL, ".", &save))
		j = json_object_get(j, k);
	if (!j)
		fail_msg("no %s", path);
	return json_number_value(j);
}

static void test_direct_reclaim_pairing(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		uint64_t mov = st->gfp_movable, rec = st->gfp_reclaimable;
		uint64_t e[] = { 1 };
		static const char *const mts[] = { "movable", "reclaimable",
						   "unmovable" };
		json_t *j, *tasks, *sum;
		int k;

		trace_state_begin(st, 0);
		/* interleaved tasks, one ending before the other began */
		dr_pair(st, 100, 1 * MS, 0, 0, mov | 0x400);
		dr_pair(st, 200, 1500 * US, 0, 3, 0x400);
		feed(st, DRE, 1600 * US, 100, e, NULL); /* 600 µs */
		feed(st, DRE, 4500 * US, 200, e, NULL); /* 3000 µs */
		/* an end without a begin: began before the trace */
		feed(st, DRE, 4600 * US, 300, e, NULL);
		/* a begin while one is open: the first's end was lost */
		dr_pair(st, 400, 5 * MS, 0, 0, rec);
		dr_pair(st, 400, 6 * MS, 7 * MS, 0, rec); /* 1000 µs */
		/* still in reclaim when the trace stops */
		dr_pair(st, 500, 8 * MS, 0, 2, 0);
		trace_state_end(st, 10 * MS);

		j = trace_group_json(st, "direct_reclaim");
		assert_int_equal(jnum(j, "latency.count"), 3);
		assert_true(fabs(jnum(j, "latency.p50_us") - 1000) < 1e-6);
		assert_true(fabs(jnum(j, "latency.max_us") - 3000) < 1e-6);
		assert_true(fabs(jnum(j, "latency.total_s") - 4.6e-3) < 1e-12);
		assert_true(fabs(jnum(j, "stall_pct") - 46) < 1e-9);
		assert_int_equal(jnum(j, "unmatched_end"), 1);
		assert_int_equal(jnum(j, "nested_begin"), 1);
		assert_int_equal(jnum(j, "open_at_end"), 1);
		assert_true(fabs(jnum(j, "open_max_us") - 2000) < 1e-6);
		assert_int_equal(jnum(j, "by_order.0.count"), 2);
		assert_int_equal(jnum(j, "by_order.3.count"), 1);
		assert_int_equal(jnum(j, "by_migratetype.movable.count"), 1);
		assert_true(fabs(jnum(j, "by_migratetype.movable.max_us") -
				 600) < 1e-6);
		assert_int_equal(jnum(j, "by_migratetype.reclaimable.count"),
				 1);
		assert_int_equal(jnum(j, "by_migratetype.unmovable.count"), 1);
		assert_true(fabs(jnum(j, "by_migratetype.unmovable.max_us") -
				 3000) < 1e-6);
		assert_int_equal(jnum(j, "nr_reclaimed"), 9);
		/* summary.json: stalls begun per second of the 10 ms trace */
		sum = trace_state_summary(st);
		for (k = 0; k < 3; k++) {
			char cnt[64], rate[96];

			snprintf(cnt, sizeof(cnt), "by_migratetype.%s.count",
				 mts[k]);
			snprintf(rate, sizeof(rate),
				 "direct_reclaim.per_s_by_migratetype.%s",
				 mts[k]);
			assert_true(fabs(jnum(sum, rate) -
					 jnum(j, cnt) / 10e-3) < 1e-6);
		}
		json_decref(sum);
		/* tasks by total stall: 200, 400, 100 */
		tasks = json_object_get(j, "tasks");
		assert_int_equal(json_array_size(tasks), 3);
		assert_int_equal(jnum(json_array_get(tasks, 0), "pid"), 200);
		assert_int_equal(jnum(json_array_get(tasks, 1), "pid"), 400);
		assert_int_equal(jnum(json_array_get(tasks, 2), "pid"), 100);
		json_decref(j);
		unload(st);
	}
}

static void test_kswapd_periods(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		uint64_t n0[] = { 0, 0, 0 }, n1[] = { 1, 0, 0 };
		json_t *j;

		trace_state_begin(st, 0);
		/* node 0 is awake when the trace starts */
		feed(st, KS, 2 * MS, 50, n0, NULL);
		feed(st, KW, 3 * MS, 50, n0, NULL);
		feed(st, KW, 4 * MS, 50, n0, NULL); /* premature: still awake */
		feed(st, KS, 6 * MS, 50, n0, NULL); /* one 3 ms period */
		feed(st, KW, 8 * MS, 50, n0, NULL); /* awake at the end */
		/* node 1: one period of 500 µs */
		feed(st, KW, 1 * MS, 51, n1, NULL);
		feed(st, KS, 1500 * US, 51, n1, NULL);
		trace_state_end(st, 10 * MS);
		j = trace_group_json(st, "kswapd");
		assert_true(fabs(jnum(j, "nodes.0.duty_cycle_pct") - 70) <
			    1e-9);
		assert_int_equal(jnum(j, "nodes.0.wakes"), 3);
		assert_int_equal(jnum(j, "nodes.0.periods.count"), 1);
		assert_true(fabs(jnum(j, "nodes.0.periods.max_us") - 3000) <
			    1e-6);
		assert_true(json_is_true(json_object_get(
			json_object_get(json_object_get(j, "nodes"), "0"),
			"awake_at_start")));
		assert_true(fabs(jnum(j, "nodes.1.duty_cycle_pct") - 5) < 1e-9);
		json_decref(j);
		j = trace_state_summary(st);
		assert_true(fabs(jnum(j, "kswapd.max_duty_cycle_pct") - 70) <
			    1e-9);
		json_decref(j);
		unload(st);
	}
}

/* wakeup_kswapd, compaction, extfrag, reclaim_retry and oom events */
static void feed_other_events(struct trace_state *st)
{
	uint64_t w0[] = { 0 }, w3[] = { 3 }, w12[] = { 12 };
	uint64_t ok[] = { 0 }, skip[] = { 0 };
	uint64_t x1[] = { 0, 1, 3 }, x2[] = { 0, 1, 9 }, x3[] = { 2, 0, 2 };
	uint64_t r1[] = { 0, 1, 0, 500, 600, 100, 3, 1 };
	uint64_t r2[] = { 0, 1, 2, 400, 300, 100, 5, 0 };
	uint64_t v[] = { 4242, 0, 1000, 800, 100, 0, (uint64_t)-17 };
	int s;

	trace_state_begin(st, 0);
	feed(st, WK, 1, 1, w0, NULL);
	feed(st, WK, 2, 1, w3, NULL);
	feed(st, WK, 3, 1, w3, NULL);
	feed(st, WK, 4, 1, w12, NULL);
	for (s = 0; s < 16; s++)
		if (trace_symbol(st->bound[CE].event, "status", s) &&
		    !strcmp(trace_symbol(st->bound[CE].event, "status", s),
			    "success"))
			ok[0] = (uint64_t)s;
		else if (trace_symbol(st->bound[CE].event, "status", s) &&
			 !strcmp(trace_symbol(st->bound[CE].event, "status", s),
				 "skipped"))
			skip[0] = (uint64_t)s;
	feed(st, CB, 1 * MS, 60, NULL, NULL);
	feed(st, CE, 3 * MS, 60, ok, NULL);
	feed(st, CB, 4 * MS, 60, NULL, NULL);
	feed(st, CE, 4 * MS + 250 * US, 60, skip, NULL);
	feed(st, CE, 5 * MS, 61, ok, NULL); /* unmatched */
	feed(st, XF, 1, 1, x1, NULL);
	feed(st, XF, 2, 1, x1, NULL);
	feed(st, XF, 3, 1, x2, NULL);
	feed(st, XF, 4, 1, x3, NULL);
	feed(st, RR, 5 * MS, 1, r1, NULL);
	feed(st, RR, 6 * MS, 1, r2, NULL);
	feed(st, MV, 7 * MS, 1, v, "stress-ng-vm");
	trace_state_end(st, 10 * MS);
}

static void check_other_groups(struct trace_state *st)
{
	json_t *j, *x;

	j = trace_group_json(st, "wakeup_kswapd");
	assert_int_equal(jnum(j, "total"), 4);
	assert_int_equal(jnum(j, "by_order.0"), 1);
	assert_int_equal(jnum(j, "by_order.3"), 2);
	assert_int_equal(jnum(j, "by_order.11+"), 1);
	json_decref(j);

	j = trace_group_json(st, "compaction");
	assert_int_equal(jnum(j, "duration.count"), 2);
	assert_true(fabs(jnum(j, "duration.max_us") - 2000) < 1e-6);
	assert_int_equal(jnum(j, "status.success"), 2);
	assert_int_equal(jnum(j, "status.skipped"), 1);
	assert_int_equal(jnum(j, "unmatched_end"), 1);
	json_decref(j);

	j = trace_group_json(st, "extfrag");
	assert_int_equal(jnum(j, "total"), 4);
	/* fallback orders 3 and 2 are below pageblock_order 9 */
	assert_int_equal(jnum(j, "fragmenting"), 3);
	x = json_array_get(json_object_get(j, "by_migratetype"), 0);
	assert_int_equal(jnum(x, "count"), 2);
	assert_int_equal(jnum(x, "fallback_migratetype"), 1);
	assert_true(json_is_true(json_object_get(x, "fragmenting")));
	json_decref(j);

	j = trace_group_json(st, "reclaim_retry");
	assert_int_equal(jnum(j, "count"), 2);
	x = json_array_get(json_object_get(j, "zones"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "zone")),
			    "DMA32");
	assert_int_equal(jnum(x, "last.reclaimable"), 400);
	assert_int_equal(jnum(x, "last.available"), 300);
	assert_int_equal(jnum(x, "last.no_progress_loops"), 5);
	assert_int_equal(jnum(x, "max_no_progress_loops"), 5);
	assert_int_equal(jnum(x, "last.order"), 2);
	json_decref(j);

	j = trace_group_json(st, "oom_victims");
	assert_int_equal(jnum(j, "count"), 1);
	x = json_array_get(json_object_get(j, "victims"), 0);
	assert_int_equal(jnum(x, "pid"), 4242);
	assert_string_equal(json_string_value(json_object_get(x, "comm")),
			    "stress-ng-vm");
	assert_int_equal(jnum(x, "anon_rss_kB"), 800);
	assert_true(jnum(x, "oom_score_adj") == -17);
	json_decref(j);
}

static void test_other_handlers(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);

		feed_other_events(st);
		check_other_groups(st);
		unload(st);
	}
}

/* ---- reordering across CPUs ---- */

struct seen {
	uint64_t ts[64];
	int n;
	bool bad;
};

static void collect(void *ctx, uint64_t ts, int cpu, const void *data, int size)
{
	struct seen *s = ctx;
	uint64_t v;

	/* each record carries its own timestamp, repeated to its size */
	memcpy(&v, data, sizeof(v));
	if (v != ts || size != (int)(9 + ts % 13) || cpu != (int)(ts % 3) ||
	    ((const unsigned char *)data)[size - 1] != (unsigned char)ts)
		s->bad = true;
	s->ts[s->n++] = ts;
}

static void push(struct trace_reorder *q, uint64_t ts)
{
	unsigned char d[32];

	memset(d, (unsigned char)ts, sizeof(d));
	memcpy(d, &ts, sizeof(ts));
	reorder_push(q, ts, (int)(ts % 3), d, (int)(9 + ts % 13));
}

static void test_reorder(void **state)
{
	/* three CPUs, each in order, read one CPU after the other */
	static const uint64_t cpu0[] = { 3, 6, 9, 12, 30, 33 };
	static const uint64_t cpu1[] = { 1, 4, 7, 10, 13, 31 };
	static const uint64_t cpu2[] = { 2, 5, 8, 11, 14, 29 };
	struct trace_reorder q = { 0 };
	struct seen s = { .n = 0 };
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < 4; i++)
		push(&q, cpu0[i]);
	for (i = 0; i < 5; i++)
		push(&q, cpu1[i]);
	for (i = 0; i < 5; i++)
		push(&q, cpu2[i]);
	reorder_flush(&q, 9, collect, &s);
	assert_int_equal(s.n, 9);
	assert_int_equal(q.n, 5); /* 10..14 wait */
	for (i = 4; i < 6; i++)
		push(&q, cpu0[i]);
	push(&q, cpu1[5]);
	push(&q, cpu2[5]);
	reorder_flush(&q, 29, collect, &s);
	reorder_flush(&q, UINT64_MAX, collect, &s);
	assert_int_equal(s.n, 18);
	assert_false(s.bad);
	for (k = 1; k < s.n; k++)
		assert_true(s.ts[k - 1] < s.ts[k]);
	assert_int_equal(q.n, 0);
	reorder_free(&q);
}

/* A task ends reclaim on a CPU read before the one it began on */
static void test_pairing_across_cpus(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		uint64_t b[] = { 0, 0, 0 }, e[] = { 1 };
		struct rec rb = mk(st, DRB, 77, b, NULL);
		struct rec re = mk(st, DRE, 77, e, NULL);
		struct trace_reorder q = { 0 };
		json_t *j;

		trace_state_begin(st, 0);
		reorder_push(&q, 2 * MS, 1, re.d, re.size); /* cpu1 first */
		reorder_push(&q, 1 * MS, 0, rb.d, rb.size);
		reorder_flush(&q, UINT64_MAX, feed_q, st);
		trace_state_end(st, 3 * MS);
		j = trace_group_json(st, "direct_reclaim");
		assert_int_equal(jnum(j, "latency.count"), 1);
		assert_int_equal(jnum(j, "unmatched_end"), 0);
		assert_true(fabs(jnum(j, "latency.max_us") - 1000) < 1e-6);
		json_decref(j);
		reorder_free(&q);
		unload(st);
	}
}

/* ---- histograms and percentiles ---- */

static int slow_bucket(uint64_t us)
{
	int b = 0;

	while (b < 64 && us >= (1ULL << b))
		b++;
	return b;
}

static void test_hist_buckets(void **state)
{
	uint64_t lo, hi, v;
	int b, k;

	(void)state;
	for (k = 0; k < 64; k++) {
		for (v = k ? (1ULL << k) - 1 : 0; v <= (1ULL << k) + 1; v++) {
			b = hist_bucket(v);
			assert_int_equal(b, slow_bucket(v));
			hist_range(b, &lo, &hi);
			assert_true(lo <= v && v <= hi);
		}
	}
	assert_int_equal(hist_bucket(UINT64_MAX), 64);
}

/* q-th quantile with linear interpolation, from a sorted copy */
static double ref_quantile(const uint64_t *v, size_t n, double q)
{
	uint64_t *s = malloc(n * sizeof(*s));
	double pos = q * (double)(n - 1), r;
	size_t i, j, lo;

	memcpy(s, v, n * sizeof(*s));
	for (i = 1; i < n; i++) /* insertion sort: obviously right */
		for (j = i; j > 0 && s[j - 1] > s[j]; j--) {
			uint64_t t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	lo = (size_t)floor(pos);
	r = lo + 1 < n ?
		    (double)s[lo] + (pos - (double)lo) * ((double)s[lo + 1] -
							  (double)s[lo]) :
		    (double)s[lo];
	free(s);
	return r;
}

static void test_percentiles(void **state)
{
	static const double qs[] = { 0, 0.5, 0.9, 0.99, 1 };
	uint64_t v[1000], seed = 12345;
	struct durset d = { 0 };
	size_t n, i, k;

	(void)state;
	/* 1..100 µs: p50 between 50 and 51 */
	for (i = 1; i <= 100; i++)
		durset_add(&d, i * US);
	assert_true(fabs(durset_quantile(&d, 0.5) - 50.5 * US) < 1e-6);
	assert_true(fabs(durset_quantile(&d, 0.99) - 99.01 * US) < 1e-6);
	durset_free(&d);
	for (n = 1; n <= 1000; n = n * 3 + 1) {
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			v[i] = (seed >> 33) % 5000000;
			durset_add(&d, v[i]);
		}
		for (k = 0; k < ARRAY_SIZE(qs); k++)
			assert_true(fabs(durset_quantile(&d, qs[k]) -
					 ref_quantile(v, n, qs[k])) < 1e-3);
		durset_free(&d);
	}
}

static void test_hist_json(void **state)
{
	static const uint64_t us[] = { 0, 1, 2, 3, 4, 7, 8, 1000, 1023, 1024 };
	struct durset d = { 0 };
	uint64_t want[16] = { 0 }, total = 0;
	json_t *j, *h;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(us); i++) {
		durset_add(&d, us[i] * US + 999); /* ns: floor to µs */
		want[slow_bucket(us[i])]++;
		total += us[i] * US + 999;
	}
	j = durset_json(&d, true);
	h = json_object_get(j, "hist_log2_us");
	assert_int_equal(json_array_size(h), slow_bucket(1024) + 1);
	for (i = 0; i < json_array_size(h); i++) {
		json_t *b = json_array_get(h, i);
		uint64_t lo = (uint64_t)jnum(b, "lo_us");
		uint64_t hi = (uint64_t)jnum(b, "hi_us");

		assert_int_equal(jnum(b, "count"), want[i]);
		assert_int_equal(lo, i ? 1ULL << (i - 1) : 0);
		assert_int_equal(hi, i ? (1ULL << i) - 1 : 0);
	}
	assert_int_equal(jnum(j, "count"), ARRAY_SIZE(us));
	assert_true(fabs(jnum(j, "total_s") - (double)total / 1e9) < 1e-12);
	assert_true(fabs(jnum(j, "max_us") - (1024 * US + 999) / 1e3) < 1e-9);
	json_decref(j);
	durset_free(&d);
}

/* Direct reclaim and kswapd wakeups over the bins of 1 ms */
static void feed_timeline_events(struct trace_state *st)
{
	trace_state_begin(st, 0);
	trace_timeline_set(st, 0, 1 * MS);
	/*
	 * 0.5 -> 2.5 ms across three bins (unmovable), 2.2 -> 2.4
	 * inside it (movable: not in the non-movable share)
	 */
	dr_pair(st, 100, 500 * US, 0, 0, 0);
	dr_pair(st, 200, 2200 * US, 2400 * US, 0, st->gfp_movable);
	feed(st, DRE, 2500 * US, 100, (uint64_t[]){ 1 }, NULL);
	/* a lost end: the second begin does not count twice */
	dr_pair(st, 400, 3200 * US, 0, 0, st->gfp_movable);
	dr_pair(st, 400, 3400 * US, 3600 * US, 0, st->gfp_movable);
	/* open at the end: counted up to it */
	dr_pair(st, 300, 5 * MS, 0, 0, 0);
	/* kswapd woken for order 3 twice, 0 once in bin 2; 5 in bin 4 */
	feed(st, WK, 1100 * US, 1, (uint64_t[]){ 3 }, NULL);
	feed(st, WK, 1200 * US, 1, (uint64_t[]){ 3 }, NULL);
	feed(st, WK, 1300 * US, 1, (uint64_t[]){ 0 }, NULL);
	feed(st, WK, 3500 * US, 1, (uint64_t[]){ 5 }, NULL);
	feed(st, WK, 4500 * US, 1, (uint64_t[]){ 2 }, NULL);
	trace_state_end(st, 6500 * US);
}

/* Traces GROUP no more */
static void deselect(struct trace_state *st, const char *group)
{
	size_t k;

	for (k = 0; k < st->nbound; k++)
		if (!strcmp(st->bound[k].ops->group, group))
			st->bound[k].selected = false;
}

/*
 * The per-interval series that the runner's verdict reads: direct reclaim,
 * and kswapd wakeups for order >= 3
 */
static void test_timeline(void **state)
{
	static const char *const want =
		"t,trace.dr_some_pct,trace.dr_stall_s_per_s,trace.dr_max_ms,trace.dr_per_s,trace.dr_nm_stall_s_per_s,trace.dr_nm_share_pct,trace.wk_o3plus_per_s\n"
		"0.001,50.00,0.5000,0.000,0.0,0.5000,100.00,0.0\n"
		"0.002,100.00,1.0000,0.000,0.0,1.0000,100.00,2000.0\n"
		"0.003,50.00,0.7000,2.000,2000.0,0.5000,71.43,0.0\n"
		"0.004,40.00,0.2000,0.200,1000.0,0.0000,0.00,1000.0\n"
		"0.005,0.00,0.0000,0.000,0.0,0.0000,0.00,0.0\n"
		"0.006,100.00,1.0000,0.000,0.0,1.0000,100.00,0.0\n"
		"0.007,50.00,0.5000,0.000,0.0,0.5000,100.00,0.0\n";
	static const char *const want_wk = "t,trace.wk_o3plus_per_s\n"
					   "0.001,0.0\n"
					   "0.002,2000.0\n"
					   "0.003,0.0\n"
					   "0.004,1000.0\n"
					   "0.005,0.0\n"
					   "0.006,0.0\n"
					   "0.007,0.0\n";
	char path[] = "/tmp/test-trace-tl.XXXXXX";
	int i, fd;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *got;

		feed_timeline_events(st);

		fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(trace_timeline_csv(st, path), 0);
		got = slurp("%s", path);
		if (strcmp(got, want))
			fail_msg("%s: timeline\n%s\nwant\n%s", fixdirs[i], got,
				 want);
		free(got);
		/*
		 * kswapd wakeups traced, direct reclaim not (udp-order3):
		 * only the wakeup column, not direct reclaim columns of 0
		 */
		deselect(st, "direct_reclaim");
		assert_int_equal(trace_timeline_csv(st, path), 0);
		got = slurp("%s", path);
		if (strcmp(got, want_wk))
			fail_msg("%s: timeline, wakeups only\n%s\nwant\n%s",
				 fixdirs[i], got, want_wk);
		free(got);
		/* neither traced: no file */
		deselect(st, "wakeup_kswapd");
		unlink(path);
		assert_false(trace_timeline_wanted(st));
		assert_int_equal(trace_timeline_csv(st, path), 0);
		assert_int_equal(access(path, F_OK), -1);
		snprintf(path, sizeof(path), "/tmp/test-trace-tl.XXXXXX");
		unload(st);
	}
}

/*
 * Direct reclaim by order and migratetype crossed, compaction attempts by
 * order, and the 7.2 fix's fingerprint: non-movable requests reclaimed
 * and compacted at pageblock order (promoted) or below it
 */
static void fingerprint_case(const char *fix, bool promoted)
{
	struct trace_state *st = load(fix);
	uint64_t mov = st->gfp_movable, rec = st->gfp_reclaimable;
	uint64_t pb = (uint64_t)st->pageblock_order;
	uint64_t tc_nm[] = { pb, 0, 1 }, tc_mov[] = { 3, mov, 2 };
	uint64_t tc_low[] = { 2, rec, 0 };
	json_t *j, *sum;
	int k, n = promoted ? 3 : 0;

	assert_true(st->pageblock_order > 0);
	trace_state_begin(st, 0);
	/* below pageblock order: 2 unmovable, 1 reclaimable, 1 movable */
	dr_pair(st, 10, 1 * MS, 2 * MS, 0, 0);
	dr_pair(st, 11, 1 * MS, 4 * MS, 0, 0);
	dr_pair(st, 12, 1 * MS, 2 * MS, 1, rec);
	dr_pair(st, 13, 5 * MS, 6 * MS, 0, mov);
	/* at pageblock order, non-movable: what a fixed kernel does */
	for (k = 0; k < n + 1; k++)
		dr_pair(st, 20 + k, 7 * MS, 8 * MS, (int)pb, k ? 0 : rec);
	for (k = 0; k < n; k++)
		feed(st, TC, 9 * MS, 30, tc_nm, NULL);
	feed(st, TC, 9 * MS, 31, tc_mov, NULL);
	feed(st, TC, 9 * MS, 31, tc_low, NULL);
	trace_state_end(st, 10 * MS);

	j = trace_group_json(st, "direct_reclaim");
	assert_int_equal(jnum(j, "by_order_migratetype.0.unmovable.count"), 2);
	assert_true(fabs(jnum(j, "by_order_migratetype.0.unmovable.max_us") -
			 3000) < 1e-6);
	assert_int_equal(jnum(j, "by_order_migratetype.1.reclaimable.count"),
			 1);
	assert_int_equal(jnum(j, "by_order_migratetype.0.movable.count"), 1);
	assert_null(json_object_get(
		json_object_get(json_object_get(j, "by_order_migratetype"),
				"0"),
		"reclaimable"));
	json_decref(j);

	j = trace_group_json(st, "compaction");
	assert_int_equal(jnum(j, "try_to_compact.total"), n + 2);
	assert_int_equal(
		jnum(j, "try_to_compact.by_order_migratetype.3.movable"), 1);
	assert_int_equal(jnum(j, "try_to_compact.by_prio.2"), 1);
	json_decref(j);

	sum = trace_state_summary(st);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(sum, "defrag_fingerprint"),
				    "behaviour")),
			    promoted ? "promoted" : "not promoted");
	assert_int_equal(jnum(sum, "defrag_fingerprint.reclaim_below"), 3);
	assert_int_equal(jnum(sum, "defrag_fingerprint.reclaim_promoted"),
			 n + 1);
	assert_int_equal(jnum(sum, "defrag_fingerprint.compact_promoted"), n);
	assert_int_equal(jnum(sum, "defrag_fingerprint.compact_below"), 1);
	assert_int_equal(jnum(sum, "defrag_fingerprint.pageblock_order"),
			 (double)pb);
	/* 1 + 3 + 1 (+ n + 1) ms of non-movable stall, 1 ms movable */
	assert_true(fabs(jnum(sum, "direct_reclaim.nonmovable_stall_s") -
			 (5.0 + n + 1) * 1e-3) < 1e-12);
	assert_true(fabs(jnum(sum, "direct_reclaim.movable_stall_s") - 1e-3) <
		    1e-12);
	json_decref(sum);
	unload(st);
}

static void test_defrag_fingerprint(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		fingerprint_case(fixdirs[i], true);
		fingerprint_case(fixdirs[i], false);
	}
}

/* A listing's CSV file: its rows (after the header), in ROWS[] */
static int read_listing(const char *dir, const char *group, char rows[][256],
			int max)
{
	char *text = slurp("%s/%s.events.csv", dir, group), *save = NULL, *l;
	int n = -1;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n < 0) {
			assert_string_equal(l, "time_s,cpu,pid,comm,event,what,"
					       "node,order,value,unit,detail");
		} else if (n < max) {
			snprintf(rows[n], 256, "%s", l);
		}
		n++;
	}
	free(text);
	return n;
}

/*
 * Direct reclaim's listing: a row per stall with its order, duration and
 * the request's type; rows past the limit counted, not written; and the
 * stalls by memcg on kernels whose begin event carries memcg_id
 */
static void test_direct_reclaim_listing(void **state)
{
	static const uint64_t dur_us[] = { 250, 1200, 40 };
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *fmt = slurp("%s/tracefs/events/vmscan/"
				  "mm_vmscan_direct_reclaim_begin/format",
				  fixdirs[i]);
		bool has_memcg = strstr(fmt, " memcg_id;");
		bool on[TRACE_MAX_GROUPS] = { false };
		char dir[] = "/tmp/mmrepro-test-list.XXXXXX", rows[4][256];
		char *printed = NULL;
		size_t plen = 0, k;
		FILE *pf = open_memstream(&printed, &plen);
		uint64_t t = 1 * MS;
		json_t *j, *l;

		assert_non_null(pf);
		assert_non_null(mkdtemp(dir));
		on[trace_group_index("direct_reclaim")] = true;
		trace_listing_set(st, on, pf, 2);
		trace_state_begin(st, 0);
		for (k = 0; k < ARRAY_SIZE(dur_us); k++) {
			uint64_t b[] = { k, k ? 0 : st->gfp_movable, 5 + k % 2 };
			uint64_t e[] = { 3 };

			feed(st, DRB, t, 100 + (int)k, b, NULL);
			feed(st, DRE, t + dur_us[k] * US, 100 + (int)k, e, NULL);
			t += 2 * MS;
		}
		trace_state_end(st, t);
		fclose(pf);
		assert_int_equal(trace_listing_write(st, dir), 0);
		/* two rows kept, the third counted */
		assert_int_equal(read_listing(dir, "direct_reclaim", rows, 4), 2);
		for (k = 0; k < 2; k++) {
			char want[128];
			double ts;

			ts = (1.0 + 2.0 * (double)k) / 1e3 +
			     (double)dur_us[k] / 1e6;
			snprintf(want, sizeof(want),
				 "%.6f,0,%zu,,mm_vmscan_direct_reclaim_end,stall,,%zu,%llu,us,%s",
				 ts, 100 + k, k, (unsigned long long)dur_us[k],
				 k ? "unmovable" : "movable");
			if (strncmp(rows[k], want, strlen(want)))
				fail_msg("%s: row %zu: %s, want %s...",
					 fixdirs[i], k, rows[k], want);
			assert_true(strstr(rows[k], " reclaimed 3") != NULL);
			assert_true(!strstr(rows[k], " memcg ") == !has_memcg);
		}
		/* the printed lines: the same two */
		assert_non_null(strstr(printed, "stall order 0: 250 us movable"));
		assert_non_null(strstr(printed, "stall order 1: 1200 us unmovable"));
		assert_null(strstr(printed, ": 40 us"));
		l = trace_listing_json(st);
		assert_int_equal(jnum(l, "direct_reclaim.rows"), 2);
		assert_int_equal(jnum(l, "direct_reclaim.not_listed"), 1);
		assert_int_equal(trace_listing_over(st), 1);
		json_decref(l);
		j = trace_group_json(st, "direct_reclaim");
		if (has_memcg) {
			assert_int_equal(jnum(j, "by_memcg.5.count"), 2);
			assert_int_equal(jnum(j, "by_memcg.6.count"), 1);
			assert_true(fabs(jnum(j, "by_memcg.6.max_us") - 1200) <
				    1e-6);
		} else {
			assert_true(json_is_null(json_object_get(j, "by_memcg")));
		}
		json_decref(j);
		free(printed);
		free(fmt);
		unload(st);
		snprintf(rows[0], sizeof(rows[0]),
			 "%s/direct_reclaim.events.csv", dir);
		assert_int_equal(unlink(rows[0]), 0);
		assert_int_equal(rmdir(dir), 0);
	}
}

static void test_group_names(void **state)
{
	(void)state;
	assert_int_equal(trace_group_of("direct_reclaim"), 0);
	assert_int_equal(trace_group_of("mm_vmscan_direct_reclaim_end"), 0);
	assert_int_equal(trace_group_of("vmscan:mm_vmscan_kswapd_sleep"), 1);
	assert_int_equal(trace_group_of("oom:mark_victim"),
			 trace_group_of("oom_victims"));
	assert_int_equal(trace_group_of("kmem:mm_vmscan_kswapd_sleep"), -1);
	assert_int_equal(trace_group_of("bogus"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_count),
		cmocka_unit_test(test_fields_match_format_files),
		cmocka_unit_test(test_layouts_differ),
		cmocka_unit_test(test_print_format_constants),
		cmocka_unit_test(test_direct_reclaim_pairing),
		cmocka_unit_test(test_kswapd_periods),
		cmocka_unit_test(test_other_handlers),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_pairing_across_cpus),
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_hist_json),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_defrag_fingerprint),
		cmocka_unit_test(test_direct_reclaim_listing),
		cmocka_unit_test(test_group_names),
	};

	find_fixtures();
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
