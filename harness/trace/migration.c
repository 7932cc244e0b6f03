// SPDX-License-Identifier: GPL-2.0
/*
 * Page migration: migrate:mm_migrate_pages (pages moved or not by each
 * migrate_pages() call, by its reason: compaction, numa_misplaced, ...,
 * named as the kernel's print format names them), and compaction's own
 * side of it: compaction:mm_compaction_migratepages (what one step of a
 * compaction run migrated) and mm_compaction_isolate_migratepages /
 * mm_compaction_isolate_freepages (pages scanned and taken by the
 * migration and free scanners: taken/scanned is how much of what
 * compaction looks at it can use).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util.h"
#include "group.h"

#define MG_REASONS 16 /* reasons 0..15 by value; others counted apart */
#define MG_MODES 4

/* The sums of mm_migrate_pages, in its field order */
enum {
	MP_SUCCEEDED,
	MP_FAILED,
	MP_THP_SUCCEEDED,
	MP_THP_FAILED,
	MP_THP_SPLIT,
	MP_SPLIT,
	MP_MODE,
	MP_REASON
};
#define MP_SUMS 6
static const char *const mp_keys[MP_SUMS] = {
	"succeeded",  "failed",	   "thp_succeeded",
	"thp_failed", "thp_split", "large_folio_split"
};

struct mg_sums {
	uint64_t calls, v[MP_SUMS];
};

struct mg_state {
	struct mg_sums by_reason[MG_REASONS], reason_other, total;
	uint64_t by_mode[MG_MODES], mode_other;
	/* mm_compaction_migratepages */
	uint64_t cp_calls, cp_migrated, cp_failed;
	/* mm_compaction_isolate_{migrate,free}pages: calls, scanned, taken */
	uint64_t iso[2][3];
};

static void *mg_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct mg_state));
}

static void mg_free(void *gs)
{
	free(gs);
}

/* A symbol of FIELD in mm_migrate_pages's print format, or FIELD_N */
static const char *mp_symbol(const struct trace_bound *b, const char *field,
			     long long v, char *buf, size_t len)
{
	const char *name = b && b->event ? trace_symbol(b->event, field, v) :
					   NULL;

	if (name)
		return name;
	snprintf(buf, len, "%s_%lld", field, v);
	return buf;
}

/* ---- migrate:mm_migrate_pages ---- */

static void migrate_pages(struct trace_state *st, const struct trace_bound *b,
			  const struct trace_rec *r)
{
	struct mg_state *m = b->gs;
	long long reason = trace_field_s(b, MP_REASON, r);
	long long mode = trace_field_s(b, MP_MODE, r);
	struct mg_sums *s = reason >= 0 && reason < MG_REASONS ?
				    &m->by_reason[reason] :
				    &m->reason_other;
	char detail[160], rb[32], mb[32];
	int k;

	s->calls++;
	m->total.calls++;
	for (k = 0; k < MP_SUMS; k++) {
		uint64_t v = trace_field(b, k, r);

		s->v[k] += v;
		m->total.v[k] += v;
	}
	if (mode >= 0 && mode < MG_MODES)
		m->by_mode[mode]++;
	else
		m->mode_other++;
	if (!trace_listed(st, b))
		return;
	snprintf(detail, sizeof(detail), "failed %llu reason %s mode %s",
		 (unsigned long long)trace_field(b, MP_FAILED, r),
		 mp_symbol(b, "reason", reason, rb, sizeof(rb)),
		 mp_symbol(b, "mode", mode, mb, sizeof(mb)));
	trace_list(st, b, r,
		   &(struct trace_item){
			   .what = "migrate_pages",
			   .node = -1,
			   .order = -1,
			   .value = (double)trace_field(b, MP_SUCCEEDED, r),
			   .unit = "pages",
			   .detail = detail });
}

/* ---- compaction:mm_compaction_migratepages ---- */

enum { CM_MIGRATED, CM_FAILED };

static void compaction_migratepages(struct trace_state *st,
				    const struct trace_bound *b,
				    const struct trace_rec *r)
{
	struct mg_state *m = b->gs;

	(void)st;
	m->cp_calls++;
	m->cp_migrated += trace_field(b, CM_MIGRATED, r);
	m->cp_failed += trace_field(b, CM_FAILED, r);
}

/* ---- compaction:mm_compaction_isolate_{migrate,free}pages ---- */

enum { IS_SCANNED, IS_TAKEN };

static void isolate(const struct trace_bound *b, const struct trace_rec *r,
		    int k)
{
	struct mg_state *m = b->gs;

	m->iso[k][0]++;
	m->iso[k][1] += trace_field(b, IS_SCANNED, r);
	m->iso[k][2] += trace_field(b, IS_TAKEN, r);
}

static void isolate_migrate(struct trace_state *st, const struct trace_bound *b,
			    const struct trace_rec *r)
{
	(void)st;
	isolate(b, r, 0);
}

static void isolate_free(struct trace_state *st, const struct trace_bound *b,
			 const struct trace_rec *r)
{
	(void)st;
	isolate(b, r, 1);
}

/* ---- the report ---- */

static json_t *sums_json(const struct mg_sums *s)
{
	json_t *o = json_object();
	int k;

	json_object_set_new(o, "calls", json_integer((json_int_t)s->calls));
	for (k = 0; k < MP_SUMS; k++)
		json_object_set_new(o, mp_keys[k],
				    json_integer((json_int_t)s->v[k]));
	return o;
}

static json_t *migrate_pages_json(struct trace_state *st, struct mg_state *m)
{
	const struct trace_bound *b = trace_find_bound(st, "mm_migrate_pages");
	json_t *o = sums_json(&m->total), *reason = json_object();
	json_t *mode = json_object();
	char buf[32];
	int v;

	for (v = 0; v < MG_REASONS; v++)
		if (m->by_reason[v].calls)
			json_object_set_new(reason,
					    mp_symbol(b, "reason", v, buf,
						      sizeof(buf)),
					    sums_json(&m->by_reason[v]));
	if (m->reason_other.calls)
		json_object_set_new(reason, "other",
				    sums_json(&m->reason_other));
	for (v = 0; v < MG_MODES; v++)
		if (m->by_mode[v])
			json_object_set_new(
				mode, mp_symbol(b, "mode", v, buf, sizeof(buf)),
				json_integer((json_int_t)m->by_mode[v]));
	if (m->mode_other)
		json_object_set_new(mode, "other",
				    json_integer((json_int_t)m->mode_other));
	json_object_set_new(o, "by_reason", reason);
	json_object_set_new(o, "by_mode", mode);
	return o;
}

/* taken/scanned, or null when nothing was scanned */
static json_t *ratio_json(uint64_t taken, uint64_t scanned)
{
	return scanned ? json_real((double)taken / (double)scanned) :
			 json_null();
}

static json_t *isolate_json(const uint64_t *iso)
{
	json_t *o = json_object();

	json_object_set_new(o, "calls", json_integer((json_int_t)iso[0]));
	json_object_set_new(o, "scanned", json_integer((json_int_t)iso[1]));
	json_object_set_new(o, "taken", json_integer((json_int_t)iso[2]));
	json_object_set_new(o, "taken_per_scanned", ratio_json(iso[2], iso[1]));
	return o;
}

static json_t *mg_json(struct trace_state *st, void *gs)
{
	struct mg_state *m = gs;
	json_t *o = json_object(), *cp = json_object();

	json_object_set_new(o, "migrate_pages", migrate_pages_json(st, m));
	json_object_set_new(cp, "calls", json_integer((json_int_t)m->cp_calls));
	json_object_set_new(cp, "migrated",
			    json_integer((json_int_t)m->cp_migrated));
	json_object_set_new(cp, "failed",
			    json_integer((json_int_t)m->cp_failed));
	json_object_set_new(o, "compaction_migratepages", cp);
	json_object_set_new(o, "isolate_migratepages", isolate_json(m->iso[0]));
	json_object_set_new(o, "isolate_freepages", isolate_json(m->iso[1]));
	return o;
}

/*
 * "migrated" and "failed": pages over every migrate_pages() call, whatever
 * its reason (compaction's are also in trace/migration.json's
 * compaction_migratepages)
 */
static void mg_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct mg_state *m = gs;
	json_t *g = json_object();

	(void)st;
	json_object_set_new(g, "migrated",
			    json_integer((json_int_t)m->total.v[MP_SUCCEEDED]));
	json_object_set_new(g, "failed",
			    json_integer((json_int_t)m->total.v[MP_FAILED]));
	json_object_set_new(g, "isolate_migrate_scanned",
			    json_integer((json_int_t)m->iso[0][1]));
	json_object_set_new(g, "isolate_migrate_taken",
			    json_integer((json_int_t)m->iso[0][2]));
	json_object_set_new(g, "isolate_free_scanned",
			    json_integer((json_int_t)m->iso[1][1]));
	json_object_set_new(g, "isolate_free_taken",
			    json_integer((json_int_t)m->iso[1][2]));
	json_object_set_new(o, "migration", g);
}

/* " NAME taken/scanned (P%)" for a scanner, when both numbers are there */
static int describe_scanner(const json_t *t, const char *name,
			    const char *scanned, const char *taken, char *buf,
			    size_t len)
{
	double s = trace_num(t, "migration", scanned);
	double k = trace_num(t, "migration", taken);

	if (isnan(s) || isnan(k))
		return 0;
	if (s > 0)
		return snprintf(buf, len, "; %s took %.0f of %.0f (%.1f%%)",
				name, k, s, 100 * k / s);
	return snprintf(buf, len, "; %s took %.0f of %.0f", name, k, s);
}

static int mg_describe(const json_t *t, char *buf, size_t len)
{
	double mig = trace_num(t, "migration", "migrated");
	double fail = trace_num(t, "migration", "failed");
	int w, n;

	if (!json_is_object(json_object_get(t, "migration")) || !len)
		return 0;
	w = isnan(mig) ?
		    snprintf(buf, len, "migration: ? pages migrated") :
		    snprintf(buf, len, "migration: %.0f pages migrated", mig);
	if (w < 0 || (size_t)w >= len)
		return 1;
	if (!isnan(fail)) {
		n = snprintf(buf + w, len - (size_t)w, ", %.0f failed", fail);
		if (n < 0 || (size_t)n >= len - (size_t)w)
			return 1;
		w += n;
	}
	n = describe_scanner(t, "migrate scanner", "isolate_migrate_scanned",
			     "isolate_migrate_taken", buf + w, len - (size_t)w);
	if (n < 0 || (size_t)n >= len - (size_t)w)
		return 1;
	w += n;
	describe_scanner(t, "free scanner", "isolate_free_scanned",
			 "isolate_free_taken", buf + w, len - (size_t)w);
	return 1;
}

/* The order of each event's fields matches its handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "migrate",
		.name = "mm_migrate_pages",
		.fields = { "succeeded", "failed", "?thp_succeeded",
			    "?thp_failed", "?thp_split", "?large_folio_split",
			    "mode", "reason" },
		.handle = migrate_pages,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_migratepages",
		.fields = { "nr_migrated|nr_migratepages", "nr_failed" },
		.handle = compaction_migratepages,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_isolate_migratepages",
		.fields = { "nr_scanned", "nr_taken" },
		.handle = isolate_migrate,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_isolate_freepages",
		.fields = { "nr_scanned", "nr_taken" },
		.handle = isolate_free,
	},
};

const struct trace_group_ops trace_group_migration = {
	.name = "migration",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = mg_new,
	.json = mg_json,
	.summary = mg_summary,
	.describe = mg_describe,
	.free = mg_free,
};
