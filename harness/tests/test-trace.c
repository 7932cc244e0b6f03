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
			char *text;
			int n, k;
			const struct nfield *t, *p;

			/* gone from this kernel: load() checked why */
			if (!tb->event && o->gone)
				continue;
			text = slurp("%s/tracefs/events/%s/%s/format",
				     fixdirs[i], o->system, o->name);
			n = naive_fields(text, nf, 64);
			t = nfind(nf, n, "common_type");
			p = nfind(nf, n, "common_pid");

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

/* Lines of TEXT that hold NEEDLE */
static int count_lines(const char *text, const char *needle)
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p = strchr(p, '\n');
		if (!p)
			break;
	}
	return n;
}

/* wakeup_kswapd, compaction, extfrag, reclaim_retry and oom events */
static void feed_other_events(struct trace_state *st)
{
	/* order, nid, zid, gfp_flags */
	uint64_t w0[] = { 0, 0, 1, 0 }, w3[] = { 3, 0, 2, 0 },
		 w12[] = { 12, 0, 2, 0 };
	/* status, sync */
	uint64_t ok[] = { 0, 0 }, skip[] = { 0, 0 }, cb[] = { 0 };
	uint64_t x1[] = { 0, 1, 3 }, x2[] = { 0, 1, 9 }, x3[] = { 2, 0, 2 };
	uint64_t r1[] = { 0, 1, 0, 500, 600, 100, 3, 1 };
	uint64_t r2[] = { 0, 1, 2, 400, 300, 100, 5, 0 };
	uint64_t r3[] = { 0, 1, 1, 900, 800, 100, 7, 1 };
	uint64_t v[] = { 4242, 0, 1000, 800, 100, 0, (uint64_t)-17 };
	uint64_t v2[] = { 4343, 0, 2000, 1600, 0, 0, 0 };
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
	feed(st, CB, 1 * MS, 60, cb, NULL);
	feed(st, CE, 3 * MS, 60, ok, NULL);
	feed(st, CB, 4 * MS, 60, cb, NULL);
	feed(st, CE, 4 * MS + 250 * US, 60, skip, NULL);
	feed(st, CE, 5 * MS, 61, ok, NULL); /* unmatched */
	feed(st, XF, 1, 1, x1, NULL);
	feed(st, XF, 2, 1, x1, NULL);
	feed(st, XF, 3, 1, x2, NULL);
	feed(st, XF, 4, 1, x3, NULL);
	feed(st, RR, 5 * MS, 1, r1, NULL);
	feed(st, RR, 6 * MS, 1, r2, NULL);
	/* an older check read after (another CPU's buffer): not the last */
	feed(st, RR, 4 * MS, 1, r3, NULL);
	feed(st, MV, 7 * MS, 1, v, "stress-ng-vm");
	/* an earlier victim read after it (another CPU's buffer) */
	feed(st, MV, 6 * MS, 1, v2, "fio");
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
	/* by key (alloc, fallback, fragmenting), not by which came first */
	x = json_array_get(json_object_get(j, "by_migratetype"), 0);
	assert_int_equal(jnum(x, "count"), 1);
	assert_int_equal(jnum(x, "fallback_migratetype"), 1);
	assert_true(json_is_false(json_object_get(x, "fragmenting")));
	x = json_array_get(json_object_get(j, "by_migratetype"), 1);
	assert_int_equal(jnum(x, "count"), 2);
	assert_int_equal(jnum(x, "fallback_migratetype"), 1);
	assert_true(json_is_true(json_object_get(x, "fragmenting")));
	json_decref(j);

	j = trace_group_json(st, "reclaim_retry");
	assert_int_equal(jnum(j, "count"), 3);
	x = json_array_get(json_object_get(j, "zones"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "zone")),
			    "DMA32");
	assert_int_equal(jnum(x, "last.reclaimable"), 400);
	assert_int_equal(jnum(x, "last.available"), 300);
	assert_int_equal(jnum(x, "last.no_progress_loops"), 5);
	assert_int_equal(jnum(x, "max_no_progress_loops"), 7);
	assert_int_equal(jnum(x, "last.order"), 2);
	json_decref(j);

	j = trace_group_json(st, "oom_victims");
	assert_int_equal(jnum(j, "count"), 2);
	/* in time order: 4343 (6 ms) before 4242 (7 ms) */
	x = json_array_get(json_object_get(j, "victims"), 0);
	assert_int_equal(jnum(x, "pid"), 4343);
	x = json_array_get(json_object_get(j, "victims"), 1);
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
		bool on[TRACE_MAX_GROUPS] = { false };
		char *printed = NULL;
		size_t plen = 0;
		FILE *pf = open_memstream(&printed, &plen);

		/* kswapd wakeups listed: a line each, with node, order, zone */
		assert_non_null(pf);
		on[trace_group_index("wakeup_kswapd")] = true;
		trace_listing_set(st, on, pf, 0);
		feed_other_events(st);
		check_other_groups(st);
		fclose(pf);
		assert_non_null(
			strstr(printed, "] wakeup node 0 order 0: 1 zone 1"));
		assert_non_null(
			strstr(printed, "] wakeup node 0 order 12: 1 zone 2"));
		assert_int_equal(
			count_lines(printed,
				    "] wakeup node 0 order 3: 1 zone 2"),
			2);
		assert_int_equal(count_lines(printed, "] wakeup "), 4);
		free(printed);
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
	feed(st, WK, 1100 * US, 1, (uint64_t[]){ 3, 0, 0, 0 }, NULL);
	feed(st, WK, 1200 * US, 1, (uint64_t[]){ 3, 0, 0, 0 }, NULL);
	feed(st, WK, 1300 * US, 1, (uint64_t[]){ 0, 0, 0, 0 }, NULL);
	feed(st, WK, 3500 * US, 1, (uint64_t[]){ 5, 0, 0, 0 }, NULL);
	feed(st, WK, 4500 * US, 1, (uint64_t[]){ 2, 0, 0, 0 }, NULL);
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
		/* their awake shares: test_awake_timeline */
		deselect(st, "kswapd");
		deselect(st, "kcompactd");

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

	for (l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
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
			uint64_t b[] = { k, k ? 0 : st->gfp_movable,
					 5 + k % 2 };
			uint64_t e[] = { 3 };

			feed(st, DRB, t, 100 + (int)k, b, NULL);
			feed(st, DRE, t + dur_us[k] * US, 100 + (int)k, e,
			     NULL);
			t += 2 * MS;
		}
		trace_state_end(st, t);
		fclose(pf);
		assert_int_equal(trace_listing_write(st, dir), 0);
		/* two rows kept, the third counted */
		assert_int_equal(read_listing(dir, "direct_reclaim", rows, 4),
				 2);
		for (k = 0; k < 2; k++) {
			char want[128];
			double ts;

			ts = (1.0 + 2.0 * (double)k) / 1e3 +
			     (double)dur_us[k] / 1e6;
			snprintf(
				want, sizeof(want),
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
		assert_non_null(
			strstr(printed, "stall order 0: 250 us movable"));
		assert_non_null(
			strstr(printed, "stall order 1: 1200 us unmovable"));
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
			assert_true(
				json_is_null(json_object_get(j, "by_memcg")));
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

/* ---- compaction whole, its outcomes, migration and throttling ---- */

/* The bound index of an event, to feed it */
static int ev_of(struct trace_state *st, const char *name)
{
	const struct trace_bound *b = trace_find_bound(st, name);

	if (!b || !b->event)
		fail_msg("%s: not bound", name);
	return (int)(b - st->bound);
}

static char *fmt_of(const char *fix, const char *sys, const char *name)
{
	return slurp("%s/tracefs/events/%s/%s/format", fix, sys, name);
}

/*
 * The Nth {value, "name"} of __print_symbolic(REC->FIELD, ...) in a format
 * file: its value in *V and its name in BUF; false past the last
 */
static bool naive_nth_symbol(const char *text, const char *field, int n,
			     long long *v, char *buf, size_t len)
{
	char pat[64];
	const char *p, *end, *q;

	snprintf(pat, sizeof(pat), "__print_symbolic(REC->%s,", field);
	p = strstr(text, pat);
	if (!p)
		fail_msg("no %s", pat);
	end = strstr(p, ")");
	for (p += strlen(pat); (p = strchr(p, '{')) && p < end; p++) {
		if (n--)
			continue;
		*v = strtoll(p + 1, NULL, 0);
		q = strchr(p, '"');
		snprintf(buf, len, "%.*s", (int)strcspn(q + 1, "\""), q + 1);
		return true;
	}
	return false;
}

/* The name of value V in __print_symbolic(REC->FIELD, ...) */
static const char *naive_symbol(const char *text, const char *field,
				long long v, char *buf, size_t len)
{
	long long got;
	int n;

	for (n = 0; naive_nth_symbol(text, field, n, &got, buf, len); n++)
		if (got == v)
			return buf;
	fail_msg("no symbol %lld of %s", v, field);
	return NULL;
}

/* The Nth name of __print_flags(REC->FIELD, ...) */
static void naive_nth_flag(const char *text, const char *field, int n,
			   char *buf, size_t len)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "__print_flags(REC->%s,", field);
	p = strstr(text, pat);
	if (!p)
		fail_msg("no %s", pat);
	p += strlen(pat);
	do {
		p = strchr(p + 1, '{');
		assert_non_null(p);
	} while (n--);
	q = strstr(p, "), \"");
	assert_non_null(q);
	snprintf(buf, len, "%.*s", (int)strcspn(q + 4, "\""), q + 4);
}

/* Lists GROUP (only) on ST */
static void list_group(struct trace_state *st, const char *group)
{
	bool on[TRACE_MAX_GROUPS] = { false };

	assert_true(trace_group_index(group) >= 0);
	on[trace_group_index(group)] = true;
	trace_listing_set(st, on, NULL, 0);
}

/* GROUP's listing as written: its rows, how many */
static int listed_rows(struct trace_state *st, const char *group,
		       char rows[][256], int max)
{
	char dir[] = "/tmp/mmrepro-test-list.XXXXXX", path[600];
	int n;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(trace_listing_write(st, dir), 0);
	n = read_listing(dir, group, rows, max);
	snprintf(path, sizeof(path), "%s/%s.events.csv", dir, group);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	return n;
}

/* The row of ROWS holding every one of the given parts, or fail */
static const char *find_row(char rows[][256], int n, const char *a,
			    const char *b)
{
	int k;

	for (k = 0; k < n; k++)
		if (strstr(rows[k], a) && (!b || strstr(rows[k], b)))
			return rows[k];
	fail_msg("no row with %s%s%s", a, b ? " and " : "", b ? b : "");
	return NULL;
}

/*
 * Compaction runs split by mode (the sync field) and by caller: a
 * kcompactd thread, a task by name, a task that called
 * try_to_compact_pages, and one that is neither (counted apart)
 */
static void test_compaction_split(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *ce =
			fmt_of(fixdirs[i], "compaction", "mm_compaction_end");
		int cb = ev_of(st, "mm_compaction_begin");
		int cen = ev_of(st, "mm_compaction_end");
		int tc = ev_of(st, "mm_compaction_try_to_compact_pages");
		uint64_t sync[] = { 1 }, async[] = { 0 };
		uint64_t tcv[] = { 3, st->gfp_movable, 1 };
		uint64_t e_async[] = { 0, 0 }, e_sync[] = { 0, 1 };
		char name[64], rows[8][256], want[192];
		long long st_v;
		json_t *j;
		int n;

		/* a status and its name, from the format file */
		assert_true(naive_nth_symbol(ce, "status", 0, &st_v, name,
					     sizeof(name)));
		e_async[0] = e_sync[0] = (uint64_t)st_v;
		assert_int_equal(tep_register_comm(st->tep, "kcompactd0", 70),
				 0);
		assert_int_equal(tep_register_comm(st->tep, "stress-ng", 71),
				 0);
		list_group(st, "compaction");
		trace_state_begin(st, 0);
		feed(st, cb, 1 * MS, 70, async, NULL);
		feed(st, cen, 3 * MS, 70, e_async, NULL); /* 2000 async kc */
		feed(st, cb, 1 * MS, 71, sync, NULL);
		feed(st, cen, 1500 * US, 71, e_sync, NULL); /* 500 sync dir */
		feed(st, tc, 1900 * US, 72, tcv, NULL);
		feed(st, cb, 2 * MS, 72, sync, NULL);
		feed(st, cen, 6 * MS, 72, e_sync, NULL); /* 4000 sync dir */
		feed(st, cb, 2 * MS, 73, async, NULL);
		feed(st, cen, 2100 * US, 73, e_async, NULL); /* 100 async ? */
		trace_state_end(st, 10 * MS);

		j = trace_group_json(st, "compaction");
		assert_int_equal(jnum(j, "duration.count"), 4);
		assert_int_equal(jnum(j, "duration_by.sync.count"), 2);
		assert_true(fabs(jnum(j, "duration_by.sync.max_us") - 4000) <
			    1e-6);
		assert_true(fabs(jnum(j, "duration_by.sync.total_s") - 4.5e-3) <
			    1e-12);
		assert_int_equal(jnum(j, "duration_by.async.count"), 2);
		assert_true(fabs(jnum(j, "duration_by.async.max_us") - 2000) <
			    1e-6);
		assert_int_equal(jnum(j, "duration_by.direct.count"), 2);
		assert_true(fabs(jnum(j, "duration_by.direct.total_s") -
				 4.5e-3) < 1e-12);
		assert_int_equal(jnum(j, "duration_by.kcompactd.count"), 1);
		assert_true(fabs(jnum(j, "duration_by.kcompactd.max_us") -
				 2000) < 1e-6);
		assert_int_equal(jnum(j, "caller_unknown"), 1);
		assert_int_equal(jnum(j, "mode_unknown"), 0);
		snprintf(want, sizeof(want), "status.%s", name);
		assert_int_equal(jnum(j, want), 4);
		json_decref(j);

		/* a row per run at its end, and one per attempt */
		n = listed_rows(st, "compaction", rows, 8);
		assert_int_equal(n, 5);
		snprintf(
			want, sizeof(want),
			",70,kcompactd0,mm_compaction_end,compaction,,,2000,us,%s async kcompactd",
			name);
		find_row(rows, n, want, NULL);
		snprintf(
			want, sizeof(want),
			",72,,mm_compaction_end,compaction,,,4000,us,%s sync direct",
			name);
		find_row(rows, n, want, NULL);
		snprintf(want, sizeof(want), "%s async ?", name);
		find_row(rows, n, ",73,", want);
		find_row(
			rows, n,
			",72,,mm_compaction_try_to_compact_pages,try_to_compact,,3,1,,movable prio 1",
			NULL);
		free(ce);
		unload(st);
	}
}

/*
 * Suitable and finished counted by the names of their results, as each
 * kernel's format file names them; deferrals by order, with the largest
 * considered count and defer shift
 */
static void test_compaction_outcome(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *fs = fmt_of(fixdirs[i], "compaction",
				  "mm_compaction_suitable");
		char *ff = fmt_of(fixdirs[i], "compaction",
				  "mm_compaction_finished");
		int su = ev_of(st, "mm_compaction_suitable");
		int fi = ev_of(st, "mm_compaction_finished");
		int dc = ev_of(st, "mm_compaction_defer_compaction");
		int dd = ev_of(st, "mm_compaction_deferred");
		int dr = ev_of(st, "mm_compaction_defer_reset");
		char n1[64], n2[64], nf[64], rows[16][256], want[192];
		char line[1024];
		long long v1, v2;
		json_t *j, *bad;
		int n;

		/* two results of suitable, the second's name in finished */
		assert_true(
			naive_nth_symbol(fs, "ret", 0, &v1, n1, sizeof(n1)));
		assert_true(
			naive_nth_symbol(fs, "ret", 1, &v2, n2, sizeof(n2)));
		assert_string_not_equal(n1, n2);
		naive_symbol(ff, "ret", v2, nf, sizeof(nf));
		list_group(st, "compaction_outcome");
		trace_state_begin(st, 0);
		feed(st, su, 1 * MS, 1, (uint64_t[]){ 0, 1, 1, (uint64_t)v1 },
		     NULL);
		feed(st, su, 2 * MS, 1, (uint64_t[]){ 0, 1, 1, (uint64_t)v1 },
		     NULL);
		feed(st, su, 3 * MS, 1, (uint64_t[]){ 1, 2, 3, (uint64_t)v2 },
		     NULL);
		feed(st, fi, 4 * MS, 1, (uint64_t[]){ 0, 2, 9, (uint64_t)v2 },
		     NULL);
		feed(st, dc, 5 * MS, 1, (uint64_t[]){ 0, 2, 4, 0, 1, 4 }, NULL);
		feed(st, dc, 5 * MS, 1, (uint64_t[]){ 0, 2, 4, 0, 3, 4 }, NULL);
		feed(st, dd, 6 * MS, 1, (uint64_t[]){ 0, 2, 4, 5, 3, 4 }, NULL);
		feed(st, dd, 6 * MS, 1, (uint64_t[]){ 0, 2, 4, 2, 3, 4 }, NULL);
		feed(st, dr, 7 * MS, 1, (uint64_t[]){ 0, 2, 2, 0, 0, 2 }, NULL);
		trace_state_end(st, 10 * MS);

		j = trace_group_json(st, "compaction_outcome");
		snprintf(want, sizeof(want), "suitable.by_result.%s", n1);
		assert_int_equal(jnum(j, want), 2);
		snprintf(want, sizeof(want), "suitable.by_result.%s", n2);
		assert_int_equal(jnum(j, want), 1);
		snprintf(want, sizeof(want), "suitable.by_order.1.%s", n1);
		assert_int_equal(jnum(j, want), 2);
		snprintf(want, sizeof(want), "suitable.by_order.3.%s", n2);
		assert_int_equal(jnum(j, want), 1);
		assert_int_equal(jnum(j, "suitable.total"), 3);
		snprintf(want, sizeof(want), "finished.by_order.9.%s", nf);
		assert_int_equal(jnum(j, want), 1);
		assert_int_equal(jnum(j, "defer_compaction.count"), 2);
		assert_int_equal(jnum(j, "defer_compaction.max_defer_shift"),
				 3);
		assert_int_equal(jnum(j, "deferred.count"), 2);
		assert_int_equal(jnum(j, "deferred.by_order.4"), 2);
		assert_int_equal(jnum(j, "deferred.max_considered"), 5);
		assert_int_equal(jnum(j, "defer_reset.by_order.2"), 1);
		json_decref(j);

		j = trace_state_summary(st);
		snprintf(want, sizeof(want), "compaction_outcome.suitable.%s",
			 n1);
		assert_int_equal(jnum(j, want), 2);
		snprintf(want, sizeof(want), "compaction_outcome.finished.%s",
			 nf);
		assert_int_equal(jnum(j, want), 1);
		assert_int_equal(jnum(j, "compaction_outcome.deferred"), 2);
		assert_int_equal(
			trace_group_table[trace_group_index(
						  "compaction_outcome")]
				->describe(j, line, sizeof(line)),
			1);
		snprintf(want, sizeof(want), " %s 2", n1);
		assert_non_null(strstr(line, want));
		assert_non_null(strstr(line, "deferred 2"));
		json_decref(j);
		/* untrusted input: wrong types, nothing to say or no crash */
		bad = json_pack("{s:i}", "compaction_outcome", 5);
		assert_int_equal(
			trace_group_table[trace_group_index(
						  "compaction_outcome")]
				->describe(bad, line, sizeof(line)),
			0);
		json_decref(bad);
		bad = json_pack("{s:{s:s,s:[],s:s}}", "compaction_outcome",
				"suitable", "x", "finished", "deferred", "y");
		assert_int_equal(
			trace_group_table[trace_group_index(
						  "compaction_outcome")]
				->describe(bad, line, sizeof(line)),
			1);
		assert_null(strstr(line, "deferred"));
		json_decref(bad);

		/* a row per result: node, order, value, the name */
		n = listed_rows(st, "compaction_outcome", rows, 16);
		assert_int_equal(n, 9);
		snprintf(want, sizeof(want),
			 ",mm_compaction_suitable,suitable,0,1,%lld,,%s", v1,
			 n1);
		find_row(rows, n, want, NULL);
		snprintf(want, sizeof(want),
			 ",mm_compaction_finished,finished,0,9,%lld,,%s", v2,
			 nf);
		find_row(rows, n, want, NULL);
		find_row(rows, n, ",mm_compaction_deferred,deferred,0,4,5,,",
			 "considered 5 defer_shift 3");
		free(fs);
		free(ff);
		unload(st);
	}
}

/* mm_migrate_pages summed by its reason's name; the scanners' sums */
static void test_migration(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *fm = fmt_of(fixdirs[i], "migrate", "mm_migrate_pages");
		int mp = ev_of(st, "mm_migrate_pages");
		int cm = ev_of(st, "mm_compaction_migratepages");
		int im = ev_of(st, "mm_compaction_isolate_migratepages");
		int ifr = ev_of(st, "mm_compaction_isolate_freepages");
		char r0[64], r1[64], m2[64], rows[8][256], want[192];
		char line[1024];
		long long v0, v1, mv;
		json_t *j;
		int n;

		assert_true(
			naive_nth_symbol(fm, "reason", 0, &v0, r0, sizeof(r0)));
		assert_true(
			naive_nth_symbol(fm, "reason", 3, &v1, r1, sizeof(r1)));
		assert_true(
			naive_nth_symbol(fm, "mode", 2, &mv, m2, sizeof(m2)));
		list_group(st, "migration");
		trace_state_begin(st, 0);
		feed(st, mp, 1 * MS, 5,
		     (uint64_t[]){ 10, 2, 1, 0, 0, 0, (uint64_t)mv,
				   (uint64_t)v0 },
		     NULL);
		feed(st, mp, 2 * MS, 5,
		     (uint64_t[]){ 10, 2, 1, 1, 0, 0, (uint64_t)mv,
				   (uint64_t)v0 },
		     NULL);
		feed(st, mp, 3 * MS, 5,
		     (uint64_t[]){ 5, 1, 0, 0, 0, 0, 0, (uint64_t)v1 }, NULL);
		feed(st, cm, 4 * MS, 5, (uint64_t[]){ 7, 1 }, NULL);
		feed(st, cm, 4 * MS, 5, (uint64_t[]){ 3, 0 }, NULL);
		feed(st, im, 5 * MS, 5, (uint64_t[]){ 100, 30 }, NULL);
		feed(st, im, 5 * MS, 5, (uint64_t[]){ 50, 20 }, NULL);
		feed(st, ifr, 5 * MS, 5, (uint64_t[]){ 200, 10 }, NULL);
		trace_state_end(st, 10 * MS);

		j = trace_group_json(st, "migration");
		snprintf(want, sizeof(want),
			 "migrate_pages.by_reason.%s.succeeded", r0);
		assert_int_equal(jnum(j, want), 20);
		snprintf(want, sizeof(want),
			 "migrate_pages.by_reason.%s.failed", r0);
		assert_int_equal(jnum(j, want), 4);
		snprintf(want, sizeof(want),
			 "migrate_pages.by_reason.%s.thp_succeeded", r0);
		assert_int_equal(jnum(j, want), 2);
		snprintf(want, sizeof(want), "migrate_pages.by_reason.%s.calls",
			 r1);
		assert_int_equal(jnum(j, want), 1);
		snprintf(want, sizeof(want), "migrate_pages.by_mode.%s", m2);
		assert_int_equal(jnum(j, want), 2);
		assert_int_equal(jnum(j, "migrate_pages.succeeded"), 25);
		assert_int_equal(jnum(j, "compaction_migratepages.migrated"),
				 10);
		assert_int_equal(jnum(j, "compaction_migratepages.failed"), 1);
		assert_true(
			fabs(jnum(j, "isolate_migratepages.taken_per_scanned") -
			     50.0 / 150) < 1e-12);
		assert_true(
			fabs(jnum(j, "isolate_freepages.taken_per_scanned") -
			     0.05) < 1e-12);
		json_decref(j);

		j = trace_state_summary(st);
		assert_int_equal(jnum(j, "migration.migrated"), 25);
		assert_int_equal(jnum(j, "migration.failed"), 5);
		assert_int_equal(jnum(j, "migration.isolate_migrate_scanned"),
				 150);
		assert_int_equal(jnum(j, "migration.isolate_migrate_taken"),
				 50);
		assert_int_equal(jnum(j, "migration.isolate_free_scanned"),
				 200);
		assert_int_equal(jnum(j, "migration.isolate_free_taken"), 10);
		assert_int_equal(
			trace_group_table[trace_group_index("migration")]
				->describe(j, line, sizeof(line)),
			1);
		assert_non_null(strstr(line, "25 pages migrated, 5 failed"));
		assert_non_null(strstr(line, "took 50 of 150 (33.3%)"));
		json_decref(j);

		n = listed_rows(st, "migration", rows, 8);
		assert_int_equal(n, 3);
		snprintf(
			want, sizeof(want),
			",mm_migrate_pages,migrate_pages,,,10,pages,failed 2 reason %s mode %s",
			r0, m2);
		find_row(rows, n, want, NULL);
		free(fm);
		unload(st);
	}
}

/*
 * Reclaim throttling by reason (the format's flag names, bit N the Nth
 * as the kernel's enum orders them), dirty-page pauses in ms, and the
 * congestion events gone from these kernels, absent and said why
 */
static void test_throttle(void **state)
{
	static const char *const gone[] = { "writeback_congestion_wait",
					    "writeback_wait_iff_congested" };
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		char *ft = fmt_of(fixdirs[i], "vmscan", "mm_vmscan_throttled");
		int th = ev_of(st, "mm_vmscan_throttled");
		int bd = ev_of(st, "balance_dirty_pages");
		uint64_t us[] = { 100, 100, 5000, 10 }, want_b[64] = { 0 };
		char f0[64], f2[64], rows[8][256], want[192], line[1024];
		const struct trace_bound *b;
		json_t *j, *h, *a;
		size_t k;
		int n;

		naive_nth_flag(ft, "reason", 0, f0, sizeof(f0));
		naive_nth_flag(ft, "reason", 2, f2, sizeof(f2));
		assert_string_not_equal(f0, f2);
		list_group(st, "throttle");
		trace_state_begin(st, 0);
		feed(st, th, 1 * MS, 9, (uint64_t[]){ 0, 100, us[0], 1 }, NULL);
		feed(st, th, 2 * MS, 9, (uint64_t[]){ 0, 100, us[1], 1 }, NULL);
		feed(st, th, 3 * MS, 9, (uint64_t[]){ 1, 10000, us[2], 4 },
		     NULL);
		feed(st, th, 4 * MS, 9, (uint64_t[]){ 0, 100, us[3], 0 }, NULL);
		/* pause, period, dirty_ratelimit, task_ratelimit, dirty, limit */
		feed(st, bd, 5 * MS, 9,
		     (uint64_t[]){ 0, 10, 100, 50, 1000, 4000 }, NULL);
		feed(st, bd, 6 * MS, 9,
		     (uint64_t[]){ 20, 10, 200, 50, 3000, 4000 }, NULL);
		feed(st, bd, 7 * MS, 9,
		     (uint64_t[]){ 200, 10, 300, 80, 2000, 4000 }, NULL);
		trace_state_end(st, 10 * MS);

		j = trace_group_json(st, "throttle");
		assert_int_equal(jnum(j, "throttled.count"), 4);
		assert_int_equal(jnum(j, "throttled.timed_out"), 2);
		snprintf(want, sizeof(want), "throttled.by_reason.%s.count",
			 f0);
		assert_int_equal(jnum(j, want), 2);
		snprintf(want, sizeof(want), "throttled.by_reason.%s.max_us",
			 f2);
		assert_true(fabs(jnum(j, want) - 5000) < 1e-6);
		assert_int_equal(jnum(j, "throttled.by_reason.none.count"), 1);
		/* the histogram of the NOPROGRESS-like reason: one in 5000's */
		h = json_object_get(
			json_object_get(
				json_object_get(json_object_get(j, "throttled"),
						"by_reason"),
				f2),
			"hist_log2_us");
		want_b[slow_bucket(5000)] = 1;
		assert_int_equal(json_array_size(h), slow_bucket(5000) + 1);
		for (k = 0; k < json_array_size(h); k++)
			assert_int_equal(jnum(json_array_get(h, k), "count"),
					 want_b[k]);
		assert_int_equal(jnum(j, "dirty_pages.calls"), 3);
		assert_int_equal(jnum(j, "dirty_pages.not_paused"), 1);
		assert_int_equal(jnum(j, "dirty_pages.pause.count"), 2);
		assert_true(fabs(jnum(j, "dirty_pages.pause.max_us") - 200000) <
			    1e-6);
		assert_true(
			fabs(jnum(j, "dirty_pages.mean_dirty_ratelimit_kBps") -
			     200) < 1e-9);
		assert_true(
			fabs(jnum(j, "dirty_pages.mean_task_ratelimit_kBps") -
			     60) < 1e-9);
		assert_int_equal(jnum(j, "dirty_pages.max_dirty_pages"), 3000);
		/* which events this kernel has, and why not the others */
		a = json_object_get(j, "present");
		assert_int_equal(json_array_size(a), 2);
		assert_string_equal(json_string_value(json_array_get(a, 0)),
				    "vmscan:mm_vmscan_throttled");
		assert_string_equal(json_string_value(json_array_get(a, 1)),
				    "writeback:balance_dirty_pages");
		for (k = 0; k < ARRAY_SIZE(gone); k++) {
			char key[96];
			json_t *g;

			b = trace_find_bound(st, gone[k]);
			assert_non_null(b);
			assert_null(b->event);
			assert_non_null(b->ops->gone);
			assert_non_null(strstr(b->reason, b->ops->gone));
			assert_non_null(strstr(b->ops->gone, "removed in 5."));
			snprintf(key, sizeof(key), "writeback:%s", gone[k]);
			g = json_object_get(json_object_get(j, "absent"), key);
			assert_true(json_is_true(json_object_get(g, "gone")));
			assert_string_equal(
				json_string_value(json_object_get(g, "reason")),
				b->reason);
			g = json_object_get(json_object_get(j, "events"), key);
			assert_true(
				json_is_false(json_object_get(g, "present")));
			assert_true(json_is_true(json_object_get(g, "gone")));
		}
		json_decref(j);

		j = trace_state_summary(st);
		assert_int_equal(jnum(j, "throttle.throttled"), 4);
		assert_true(fabs(jnum(j, "throttle.throttled_p99_us") -
				 ref_quantile(us, 4, 0.99)) < 1e-6);
		assert_int_equal(jnum(j, "throttle.dirty_pauses"), 2);
		assert_true(fabs(jnum(j, "throttle.dirty_pause_p99_us") -
				 (20000 + 0.99 * 180000)) < 1e-6);
		assert_int_equal(
			trace_group_table[trace_group_index("throttle")]
				->describe(j, line, sizeof(line)),
			1);
		assert_non_null(strstr(line, "throttled 4 times"));
		assert_non_null(strstr(line, "pauses 2"));
		json_decref(j);

		n = listed_rows(st, "throttle", rows, 8);
		assert_int_equal(n, 6);
		snprintf(want, sizeof(want),
			 ",mm_vmscan_throttled,throttled,1,,5000,us,%s", f2);
		find_row(rows, n, want, NULL);
		find_row(rows, n,
			 ",mm_vmscan_throttled,throttled,0,,10,us,none", NULL);
		find_row(
			rows, n,
			",balance_dirty_pages,dirty_pause,,,200000,us,period 10 ms dirty 2000",
			NULL);
		free(ft);
		unload(st);
	}
}
/* The CSV is in time order, whatever order the rows were handled in */
static void test_listing_sorted(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		bool on[TRACE_MAX_GROUPS] = { false };
		char dir[] = "/tmp/mmrepro-test-sort.XXXXXX", rows[4][256];
		uint64_t b[] = { 0, 0, 0 }, e[] = { 1 };

		assert_non_null(mkdtemp(dir));
		on[trace_group_index("direct_reclaim")] = true;
		trace_listing_set(st, on, NULL, 0);
		trace_state_begin(st, 0);
		/* handled as 9 ms, 5 ms, 7 ms: pairing waits up to a poll */
		feed(st, DRB, 8 * MS, 1, b, NULL);
		feed(st, DRE, 9 * MS, 1, e, NULL);
		feed(st, DRB, 4 * MS, 2, b, NULL);
		feed(st, DRE, 5 * MS, 2, e, NULL);
		feed(st, DRB, 6 * MS, 3, b, NULL);
		feed(st, DRE, 7 * MS, 3, e, NULL);
		trace_state_end(st, 10 * MS);
		assert_int_equal(trace_listing_write(st, dir), 0);
		assert_int_equal(read_listing(dir, "direct_reclaim", rows, 4),
				 3);
		assert_true(!strncmp(rows[0], "0.005000,0,2,", 13));
		assert_true(!strncmp(rows[1], "0.007000,0,3,", 13));
		assert_true(!strncmp(rows[2], "0.009000,0,1,", 13));
		snprintf(rows[0], sizeof(rows[0]),
			 "%s/direct_reclaim.events.csv", dir);
		assert_int_equal(unlink(rows[0]), 0);
		assert_int_equal(rmdir(dir), 0);
		unload(st);
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

/* ---- kcompactd, kswapd whole and lru_shrink ---- */

/* The bound index of an event, by name */
static int ev(struct trace_state *st, const char *name)
{
	size_t k;

	for (k = 0; k < st->nbound; k++)
		if (!strcmp(st->bound[k].ops->name, name))
			return (int)k;
	fail_msg("no event %s", name);
	return -1;
}

static void feed_ev(struct trace_state *st, const char *name, uint64_t ts,
		    int pid, const uint64_t *vals)
{
	feed(st, ev(st, name), ts, pid, vals, NULL);
}

/* An awake interval [a, b) of some node, in ns */
struct span {
	uint64_t a, b;
};

/* Percent of bin k (of step ns from 0) that the spans cover, summed */
static double covered_pct(const struct span *s, size_t n, size_t k,
			  uint64_t step)
{
	uint64_t lo = k * step, hi = lo + step, sum = 0, a, b;
	size_t i;

	for (i = 0; i < n; i++) {
		a = s[i].a > lo ? s[i].a : lo;
		b = s[i].b < hi ? s[i].b : hi;
		if (b > a)
			sum += b - a;
	}
	return 100.0 * (double)sum / (double)step;
}

/*
 * The column COL of the timeline, row by row, against the spans; and the
 * group's own value for each bin, exact.  Returns the rows.
 */
static size_t check_awake_column(struct trace_state *st, const char *group,
				 const char *col, const struct span *s,
				 size_t n)
{
	char path[] = "/tmp/test-trace-awake.XXXXXX", *text, *save = NULL, *l;
	const struct trace_group_ops *ops =
		trace_group_table[trace_group_index(group)];
	int fd, c = -1, k;
	size_t row = 0, rows = 0, len;
	double want, got;

	assert_int_equal(ops->ntl_cols, 1);
	assert_string_equal(ops->tl_cols[0].name, col);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(trace_timeline_csv(st, path), 0);
	text = slurp("%s", path);
	unlink(path);
	for (l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f = l, *comma;

		if (c < 0) {
			/* the header: which column is ours */
			for (k = 0; f; k++) {
				comma = strchr(f, ',');
				len = comma ? (size_t)(comma - f) : strlen(f);
				if (len == strlen(col) && !strncmp(f, col, len))
					c = k;
				f = comma ? comma + 1 : NULL;
			}
			if (c < 0)
				fail_msg("no column %s in %s", col, l);
			continue;
		}
		for (k = 0; k < c && f; k++)
			f = strchr(f, ',') + 1;
		assert_non_null(f);
		want = covered_pct(s, n, row, st->tl_step);
		got = ops->tl_cols[0].val(trace_group_state(st, group), row,
					  (double)st->tl_step);
		if (fabs(got - want) > 1e-9 || fabs(atof(f) - want) > 0.0051)
			fail_msg("%s bin %zu: %g (csv %s), want %g", col, row,
				 got, f, want);
		rows += want > 0;
		row++;
	}
	free(text);
	/* every bin up to the end of the trace */
	assert_int_equal(row, (st->t1 + st->tl_step - 1) / st->tl_step);
	return rows;
}

static void test_kcompactd(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		int g = trace_group_index("kcompactd");
		char *fmt = slurp("%s/tracefs/events/compaction/"
				  "mm_compaction_wakeup_kcompactd/format",
				  fixdirs[i]);
		bool on[TRACE_MAX_GROUPS] = { false };
		char dir[] = "/tmp/mmrepro-test-kcd.XXXXXX", rows[8][256];
		char line[512], want[256], *printed = NULL;
		size_t plen = 0;
		FILE *pf = open_memstream(&printed, &plen);
		const uint64_t T1 = 7 * MS;
		/* node 0: 1.5 -> 3.7 ms, and 5.6 ms to the end; node 1 */
		const struct span sp[] = { { 1500 * US, 3700 * US },
					   { 2900 * US, 3100 * US },
					   { 5600 * US, T1 } };
		double d0 = 100.0 * (2200 + 1400) * US / (double)T1;
		double d1 = 100.0 * 200 * US / (double)T1;
		json_t *j, *sum, *bad;

		assert_true(g >= 0);
		assert_non_null(pf);
		assert_non_null(mkdtemp(dir));
		on[g] = true;
		trace_listing_set(st, on, pf, 0);
		trace_state_begin(st, 0);
		trace_timeline_set(st, 0, 1 * MS);
		/* node 1 sleeps first: no wake seen, so no awake time */
		feed_ev(st, "mm_compaction_kcompactd_sleep", 500 * US, 81,
			(uint64_t[]){ 1 });
		/* node 0: two wakeups, the first counts; a wake 300 µs on */
		feed_ev(st, "mm_compaction_wakeup_kcompactd", 1200 * US, 1000,
			(uint64_t[]){ 0, 2, 2 });
		feed_ev(st, "mm_compaction_wakeup_kcompactd", 1300 * US, 1001,
			(uint64_t[]){ 0, 2, 2 });
		feed_ev(st, "mm_compaction_kcompactd_wake", 1500 * US, 80,
			(uint64_t[]){ 0, 2, 2 });
		/* node 1: woken for order 3, wakes 900 µs later, 200 µs */
		feed_ev(st, "mm_compaction_wakeup_kcompactd", 2000 * US, 1002,
			(uint64_t[]){ 1, 3, 1 });
		feed_ev(st, "mm_compaction_kcompactd_wake", 2900 * US, 81,
			(uint64_t[]){ 1, 3, 1 });
		feed_ev(st, "mm_compaction_kcompactd_sleep", 3100 * US, 81,
			(uint64_t[]){ 1 });
		feed_ev(st, "mm_compaction_kcompactd_sleep", 3700 * US, 80,
			(uint64_t[]){ 0 });
		/* timed out: a sleep again, no period */
		feed_ev(st, "mm_compaction_kcompactd_sleep", 4100 * US, 80,
			(uint64_t[]){ 0 });
		/* woken with no wakeup (proactive): awake at the end */
		feed_ev(st, "mm_compaction_kcompactd_wake", 5600 * US, 80,
			(uint64_t[]){ 0, 0, 2 });
		trace_state_end(st, T1);
		fclose(pf);

		j = trace_group_json(st, "kcompactd");
		assert_int_equal(jnum(j, "nodes.0.periods.count"), 1);
		assert_true(fabs(jnum(j, "nodes.0.periods.max_us") - 2200) <
			    1e-6);
		assert_true(fabs(jnum(j, "nodes.0.duty_cycle_pct") - d0) <
			    1e-9);
		assert_true(fabs(jnum(j, "nodes.0.awake_s") - 3.6e-3) < 1e-12);
		assert_int_equal(jnum(j, "nodes.0.wakes"), 2);
		assert_int_equal(jnum(j, "nodes.0.sleeps"), 2);
		assert_int_equal(jnum(j, "nodes.0.wakes_by_order.2"), 1);
		assert_int_equal(jnum(j, "nodes.0.wakes_by_order.0"), 1);
		assert_int_equal(jnum(j, "nodes.0.wakeups"), 2);
		assert_int_equal(jnum(j, "nodes.0.wakeups_by_order.2"), 2);
		assert_int_equal(jnum(j, "nodes.0.wakeup_latency.count"), 1);
		assert_true(fabs(jnum(j, "nodes.0.wakeup_latency.max_us") -
				 300) < 1e-6);
		assert_int_equal(jnum(j, "nodes.0.pid"), 80);
		assert_true(json_is_true(json_object_get(
			json_object_get(json_object_get(j, "nodes"), "0"),
			"awake_at_end")));
		assert_true(fabs(jnum(j, "nodes.1.duty_cycle_pct") - d1) <
			    1e-9);
		assert_true(json_is_false(json_object_get(
			json_object_get(json_object_get(j, "nodes"), "1"),
			"awake_at_start")));
		assert_int_equal(jnum(j, "nodes.1.sleeps"), 2);
		assert_int_equal(jnum(j, "nodes.1.wakes_by_order.3"), 1);
		assert_true(fabs(jnum(j, "nodes.1.wakeup_latency.max_us") -
				 900) < 1e-6);
		json_decref(j);

		sum = trace_state_summary(st);
		assert_true(fabs(jnum(sum, "kcompactd.max_duty_cycle_pct") -
				 d0) < 1e-9);
		assert_int_equal(jnum(sum, "kcompactd.wakes"), 3);
		assert_int_equal(jnum(sum, "kcompactd.wakeups"), 3);
		/* p99 of 300 and 900 µs */
		assert_true(fabs(jnum(sum, "kcompactd.wakeup_latency_p99_us") -
				 (300 + 0.99 * 600)) < 1e-6);
		assert_int_equal(trace_group_table[g]->describe(sum, line,
								sizeof(line)),
				 1);
		snprintf(
			want, sizeof(want),
			"kcompactd: awake %.3g %% of the time (its busiest node), 3 wakes; wakeup to wake p99 %.3g ms",
			d0, (300 + 0.99 * 600) / 1e3);
		assert_string_equal(line, want);
		json_decref(sum);
		/* untrusted: a key of the wrong type, or missing */
		bad = json_pack("{s:{s:s}}", "kcompactd", "max_duty_cycle_pct",
				"x");
		assert_int_equal(trace_group_table[g]->describe(bad, line,
								sizeof(line)),
				 0);
		json_decref(bad);
		bad = json_pack("{s:{s:f,s:s}}", "kcompactd",
				"max_duty_cycle_pct", 12.5, "wakes", "x");
		assert_int_equal(trace_group_table[g]->describe(bad, line,
								sizeof(line)),
				 1);
		assert_string_equal(
			line,
			"kcompactd: awake 12.5 % of the time (its busiest node)");
		json_decref(bad);

		/* the awake share of each 1 ms bin, summed over nodes */
		assert_true(check_awake_column(st, "kcompactd",
					       "trace.kcompactd_awake_pct", sp,
					       ARRAY_SIZE(sp)) >= 5);

		/* listing: three wakeups and two periods, in time order */
		assert_int_equal(trace_listing_write(st, dir), 0);
		assert_int_equal(read_listing(dir, "kcompactd", rows, 8), 5);
		assert_non_null(strstr(fmt, "{2, \"Normal\"}"));
		assert_string_equal(
			rows[0],
			"0.001200,0,1000,,mm_compaction_wakeup_kcompactd,wakeup,0,2,1,,highest_zoneidx=2 (Normal)");
		assert_string_equal(
			rows[2],
			"0.002000,0,1002,,mm_compaction_wakeup_kcompactd,wakeup,1,3,1,,highest_zoneidx=1 (DMA32)");
		assert_string_equal(
			rows[3],
			"0.003100,0,81,,mm_compaction_kcompactd_sleep,period,1,,200,us,");
		assert_string_equal(
			rows[4],
			"0.003700,0,80,,mm_compaction_kcompactd_sleep,period,0,,2200,us,");
		assert_non_null(strstr(printed, "period node 1: 200 us"));
		assert_non_null(strstr(printed, "period node 0: 2200 us"));
		snprintf(line, sizeof(line), "%s/kcompactd.events.csv", dir);
		assert_int_equal(unlink(line), 0);
		assert_int_equal(rmdir(dir), 0);
		free(printed);
		free(fmt);
		unload(st);
	}
}

/* Names for the tasks: 52 is a kswapd never seen waking or sleeping */
static void comm_of_test(int pid, char *comm, size_t len)
{
	snprintf(comm, len, "%s", pid == 52 ? "kswapd2" : "");
}

/* The inactive list: nid, nr_scanned, nr_reclaimed */
static void lru_in(struct trace_state *st, uint64_t ts, int pid, uint64_t nid,
		   uint64_t scanned, uint64_t reclaimed)
{
	feed_ev(st, "mm_vmscan_lru_shrink_inactive", ts, pid,
		(uint64_t[]){ nid, scanned, reclaimed });
}

static void feed_kswapd_whole(struct trace_state *st)
{
	trace_state_begin(st, 0);
	trace_timeline_set(st, 0, 1 * MS);
	st->comm_of = comm_of_test;
	/* nid, order; node 1's kswapd awake since before the trace */
	feed(st, KS, 500 * US, 51, (uint64_t[]){ 1, 0, 0 }, NULL);
	/* period 1 of node 0: woken at 0.8 ms (and again), wakes at 1.1 */
	feed(st, WK, 800 * US, 1000, (uint64_t[]){ 3, 0, 0, 0 }, NULL);
	feed(st, WK, 900 * US, 1001, (uint64_t[]){ 3, 0, 0, 0 }, NULL);
	feed(st, KW, 1100 * US, 50, (uint64_t[]){ 0, 3, 0 }, NULL);
	lru_in(st, 1500 * US, 50, 0, 100, 60);
	feed_ev(st, "mm_vmscan_lru_shrink_active", 1600 * US, 50,
		(uint64_t[]){ 0, 40, 10 });
	lru_in(st, 2000 * US, 2000, 0, 30, 3); /* direct reclaim */
	feed(st, KW, 2200 * US, 50, (uint64_t[]){ 0, 0, 0 }, NULL);
	lru_in(st, 2500 * US, 50, 0, 50, 40);
	feed(st, KS, 2600 * US, 50, (uint64_t[]){ 0, 0, 0 }, NULL);
	/* period 2: woken for order 2, 50 µs to the wake */
	feed(st, WK, 3000 * US, 1002, (uint64_t[]){ 2, 0, 0, 0 }, NULL);
	feed(st, KW, 3050 * US, 50, (uint64_t[]){ 0, 2, 0 }, NULL);
	lru_in(st, 3500 * US, 50, 0, 200, 20);
	feed(st, KS, 4000 * US, 50, (uint64_t[]){ 0, 0, 0 }, NULL);
	/* period 3: nothing scanned */
	feed(st, KW, 5000 * US, 50, (uint64_t[]){ 0, 0, 0 }, NULL);
	feed(st, KS, 5500 * US, 50, (uint64_t[]){ 0, 0, 0 }, NULL);
	/* node 1 awake to the end; a kswapd known only by its name */
	feed(st, KW, 6000 * US, 51, (uint64_t[]){ 1, 0, 0 }, NULL);
	lru_in(st, 6500 * US, 51, 1, 10, 10);
	lru_in(st, 6600 * US, 52, 2, 5, 5);
	trace_state_end(st, 7500 * US);
}

static void test_kswapd_whole(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct trace_state *st = load(fixdirs[i]);
		const struct span sp[] = { { 0, 500 * US },
					   { 1100 * US, 2600 * US },
					   { 3050 * US, 4000 * US },
					   { 5000 * US, 5500 * US },
					   { 6000 * US, 7500 * US } };
		const double T1 = 7500 * US;
		double e1 = 100.0 * 100 / 150, e2 = 100.0 * 20 / 200;
		double ke = 100.0 * 135 / 365, p99 = 50 + 0.99 * 250;
		bool on[TRACE_MAX_GROUPS] = { false };
		char dir[] = "/tmp/mmrepro-test-ksw.XXXXXX", rows[8][256];
		char line[512], want[256];
		int g = trace_group_index("kswapd");
		int gl = trace_group_index("lru_shrink");
		json_t *j, *h;

		assert_true(st->bound[WK].ops->ordered);
		assert_true(st->bound[ev(st, "mm_vmscan_lru_shrink_inactive")]
				    .ops->ordered);
		assert_non_null(mkdtemp(dir));
		on[g] = true;
		trace_listing_set(st, on, NULL, 0);
		feed_kswapd_whole(st);

		j = trace_group_json(st, "kswapd");
		assert_int_equal(jnum(j, "nodes.0.wakes"), 4);
		assert_int_equal(jnum(j, "nodes.0.wakes_by_order.3"), 1);
		assert_int_equal(jnum(j, "nodes.0.wakes_by_order.0"), 2);
		assert_int_equal(jnum(j, "nodes.0.wakes_by_order.2"), 1);
		assert_int_equal(jnum(j, "nodes.0.wakeups"), 3);
		assert_int_equal(jnum(j, "nodes.0.wakeup_latency.count"), 2);
		assert_true(fabs(jnum(j, "nodes.0.wakeup_latency.max_us") -
				 300) < 1e-6);
		assert_true(fabs(jnum(j, "nodes.0.wakeup_latency.p50_us") -
				 175) < 1e-6);
		assert_int_equal(jnum(j, "nodes.0.periods.count"), 3);
		assert_true(fabs(jnum(j, "nodes.0.duty_cycle_pct") -
				 100.0 * (1500 + 950 + 500) * US / T1) < 1e-9);
		assert_true(fabs(jnum(j, "nodes.1.duty_cycle_pct") -
				 100.0 * (500 + 1500) * US / T1) < 1e-9);
		/* pages per period: 150, 200 and 0 scanned */
		assert_int_equal(jnum(j, "nodes.0.periods_scanned.count"), 3);
		assert_int_equal(jnum(j, "nodes.0.periods_scanned.total"), 350);
		assert_int_equal(jnum(j, "nodes.0.periods_scanned.max"), 200);
		assert_true(fabs(jnum(j, "nodes.0.periods_scanned.p50") - 150) <
			    1e-9);
		assert_int_equal(jnum(j, "nodes.0.periods_reclaimed.total"),
				 120);
		assert_int_equal(jnum(j, "nodes.0.efficiency_pct.count"), 2);
		assert_true(fabs(jnum(j, "nodes.0.efficiency_pct.max") - e1) <
			    1e-4);
		assert_true(fabs(jnum(j, "nodes.0.efficiency_pct.min") - e2) <
			    1e-4);
		assert_true(fabs(jnum(j, "nodes.0.efficiency_pct.p50") -
				 (e1 + e2) / 2) < 1e-4);
		h = json_object_get(
			json_object_get(
				json_object_get(json_object_get(j, "nodes"),
						"0"),
				"efficiency_pct"),
			"hist");
		assert_int_equal(json_array_size(h), 11);
		assert_int_equal(jnum(json_array_get(h, 1), "count"), 1);
		assert_int_equal(jnum(json_array_get(h, 6), "count"), 1);
		assert_int_equal(jnum(json_array_get(h, 0), "count"), 0);
		/* node 1's period is open: its pages are in no period */
		assert_int_equal(jnum(j, "nodes.1.periods_scanned.count"), 0);
		json_decref(j);

		j = trace_group_json(st, "lru_shrink");
		assert_int_equal(jnum(j, "scanned"), 395);
		assert_int_equal(jnum(j, "reclaimed"), 138);
		assert_int_equal(jnum(j, "kswapd.scanned"), 365);
		assert_int_equal(jnum(j, "kswapd.reclaimed"), 135);
		assert_int_equal(jnum(j, "kswapd.active_taken"), 40);
		assert_int_equal(jnum(j, "kswapd.active_deactivated"), 10);
		assert_int_equal(jnum(j, "direct.scanned"), 30);
		assert_int_equal(jnum(j, "direct.reclaimed"), 3);
		assert_int_equal(jnum(j, "direct.events"), 1);
		json_decref(j);

		j = trace_state_summary(st);
		assert_true(fabs(jnum(j, "kswapd.wakeup_latency_p99_us") -
				 p99) < 1e-6);
		assert_int_equal(jnum(j, "lru_shrink.scanned"), 395);
		assert_int_equal(jnum(j, "lru_shrink.reclaimed"), 138);
		assert_true(fabs(jnum(j, "lru_shrink.kswapd_efficiency_pct") -
				 ke) < 1e-9);
		assert_true(fabs(jnum(j, "lru_shrink.direct_efficiency_pct") -
				 10) < 1e-9);
		assert_int_equal(trace_group_table[g]->describe(j, line,
								sizeof(line)),
				 1);
		snprintf(
			want, sizeof(want),
			"kswapd: awake %.3g %% of the time (its busiest node), %.0f wakes; wakeup to wake p99 %.3g ms",
			jnum(j, "kswapd.max_duty_cycle_pct"),
			jnum(j, "kswapd.wakes"), p99 / 1e3);
		assert_string_equal(line, want);
		assert_int_equal(trace_group_table[gl]->describe(j, line,
								 sizeof(line)),
				 1);
		snprintf(
			want, sizeof(want),
			"LRU shrink: 395 pages scanned, 138 reclaimed; efficiency kswapd %.3g %%, direct reclaim 10 %%",
			ke);
		assert_string_equal(line, want);
		json_decref(j);
		j = json_pack("{s:{s:i,s:s,s:n}}", "lru_shrink", "scanned", 7,
			      "reclaimed", "x", "kswapd_efficiency_pct");
		assert_int_equal(trace_group_table[gl]->describe(j, line,
								 sizeof(line)),
				 1);
		assert_string_equal(
			line,
			"LRU shrink: 7 pages scanned, ? reclaimed; efficiency kswapd ?, direct reclaim ?");
		json_decref(j);

		assert_true(check_awake_column(st, "kswapd",
					       "trace.kswapd_awake_pct", sp,
					       ARRAY_SIZE(sp)) >= 7);

		/* a period row at each sleep, node 1's since the start */
		assert_int_equal(trace_listing_write(st, dir), 0);
		assert_int_equal(read_listing(dir, "kswapd", rows, 8), 4);
		assert_string_equal(
			rows[0],
			"0.000500,0,51,,mm_vmscan_kswapd_sleep,period,1,,500,us,awake since before the trace");
		assert_string_equal(
			rows[1],
			"0.002600,0,50,,mm_vmscan_kswapd_sleep,period,0,,1500,us,");
		assert_string_equal(
			rows[3],
			"0.005500,0,50,,mm_vmscan_kswapd_sleep,period,0,,500,us,");
		snprintf(line, sizeof(line), "%s/kswapd.events.csv", dir);
		assert_int_equal(unlink(line), 0);
		assert_int_equal(rmdir(dir), 0);
		unload(st);
	}
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
		cmocka_unit_test(test_listing_sorted),
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_compaction_split),
		cmocka_unit_test(test_compaction_outcome),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_kcompactd),
		cmocka_unit_test(test_kswapd_whole),
	};

	find_fixtures();
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
