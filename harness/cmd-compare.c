// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro compare: runs of A against runs of B.  Per metric of the
 * scenario: location, spread, the change of the median with a bootstrap
 * CI, and a Mann-Whitney U test; a change counts only when it is both
 * unlikely under no change (p < 0.05) and larger than A's own noise.
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "mmrepro.h"
#include "opt.h"
#include "util.h"

#define MAX_DIFF_TEXT 12 /* difference lines in the text report */
#define MIXED "(differs between runs)"

const char *cmp_result_name(enum cmp_result r)
{
	static const char *const names[] = {
		[RES_NA] = "n/a",
		[RES_SAME] = "same",
		[RES_BETTER] = "better",
		[RES_WORSE] = "worse",
	};

	return names[r];
}

/* ---- number formats, compact for a 72-column table ---- */

void cmp_fmt_num(char *b, size_t l, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(b, l, "-");
	else if (v == 0)
		snprintf(b, l, "0");
	else if (a >= 1e9)
		snprintf(b, l, "%.3gG", v / 1e9);
	else if (a >= 1e6)
		snprintf(b, l, "%.3gM", v / 1e6);
	else if (a >= 1000)
		snprintf(b, l, "%.0f", v);
	else if (a >= 1e-3)
		snprintf(b, l, "%.4g", v);
	else
		snprintf(b, l, "%.1e", v);
}

void cmp_fmt_spread(const struct stats_desc *d, int cov_decimals,
		    char mean[CMP_CELL], char sd[CMP_CELL], char cov[CMP_CELL])
{
	cmp_fmt_num(mean, CMP_CELL, d->mean);
	cmp_fmt_num(sd, CMP_CELL, d->sd);
	if (isnan(d->cov))
		snprintf(cov, CMP_CELL, "-");
	else
		snprintf(cov, CMP_CELL, "%.*f%%", cov_decimals, 100 * d->cov);
}

static void fmt_signed(char *b, size_t l, double v)
{
	char n[24];

	cmp_fmt_num(n, sizeof(n), fabs(v));
	snprintf(b, l, "%s%s",
		 isnan(v) ? "" :
		 v > 0	  ? "+" :
		 v < 0	  ? "-" :
			    "",
		 n);
}

void cmp_fmt_pct(char *b, size_t l, double v)
{
	/* one decimal below 10 %, three digits above: -99.7 is not -100 */
	if (isnan(v))
		snprintf(b, l, "-");
	else if (fabs(v) < 10)
		snprintf(b, l, "%+.1f", v);
	else if (fabs(v) < 1000)
		snprintf(b, l, "%+.3g", v);
	else
		snprintf(b, l, "%+.0f", v);
}

void cmp_fmt_p(char *b, size_t l, double p)
{
	if (isnan(p))
		snprintf(b, l, "-");
	else if (p < 0.001)
		snprintf(b, l, "<.001");
	else if (p < 0.01)
		/*
		 * two digits, so that 0.0097 does not read 0.010 beside a
		 * threshold of 0.01; no leading zero, as in "<.001", to
		 * keep the column 5 wide
		 */
		snprintf(b, l, ".%04.0f", p * 1e4);
	else
		snprintf(b, l, "%.3f", p);
}

/* "-12.3%" or, where the median of A is 0, "(+4.1)" in the unit */
void cmp_fmt_change(char *b, size_t l, const struct cmp_metric *m)
{
	char n[32];

	if (isnan(m->change_abs)) {
		snprintf(b, l, "-");
	} else if (!isnan(m->change_pct)) {
		cmp_fmt_pct(n, sizeof(n), m->change_pct);
		snprintf(b, l, "%s%%", n);
	} else {
		fmt_signed(n, sizeof(n), m->change_abs);
		snprintf(b, l, "(%s)", n);
	}
}

void cmp_fmt_ci(char *b, size_t l, const struct cmp_metric *m)
{
	char lo[32], hi[32];

	if (isnan(m->ci_lo)) {
		snprintf(b, l, "-");
	} else if (!isnan(m->change_pct)) {
		cmp_fmt_pct(lo, sizeof(lo), m->ci_pct_lo);
		cmp_fmt_pct(hi, sizeof(hi), m->ci_pct_hi);
		snprintf(b, l, "%s,%s", lo, hi);
	} else {
		fmt_signed(lo, sizeof(lo), m->ci_lo);
		fmt_signed(hi, sizeof(hi), m->ci_hi);
		snprintf(b, l, "(%s,%s)", lo, hi);
	}
}

/* ---- loading ---- */

static void add_note(struct comparison *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_note(struct comparison *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	c->note = realloc(c->note, (size_t)(c->nnote + 1) * sizeof(char *));
	c->note[c->nnote++] = s;
}

static void add_distinct(char *list, size_t len, const char *s)
{
	const char *p = list;
	size_t n = strlen(s), used = strlen(list);

	while ((p = strstr(p, s))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return;
		p += n;
	}
	snprintf(list + used, len - used, "%s%s", used ? ", " : "", s);
}

static struct cmp_metric *metric_get(struct comparison *c, const char *name,
				     json_t *decl)
{
	struct cmp_metric *m;
	json_t *u, *b, *g, *d;
	int i;

	for (i = 0; i < c->nm; i++)
		if (!strcmp(c->m[i].name, name))
			return &c->m[i];
	c->m = realloc(c->m, (size_t)(c->nm + 1) * sizeof(*c->m));
	m = &c->m[c->nm++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	u = json_object_get(decl, "unit");
	b = json_object_get(decl, "better");
	g = json_object_get(decl, "gate");
	d = json_object_get(decl, "during");
	snprintf(m->unit, sizeof(m->unit), "%s",
		 json_is_string(u) ? json_string_value(u) : "");
	snprintf(m->during, sizeof(m->during), "%s",
		 json_is_string(d) ? json_string_value(d) : "");
	m->lower_better = !json_is_string(b) ||
			  strcmp(json_string_value(b), "higher");
	m->gate = json_is_true(g);
	return m;
}

static void collect_metrics(struct comparison *c)
{
	int s, i;

	for (s = 0; s < 2; s++) {
		struct rd_set *set = &c->side[s].set;

		for (i = 0; i < set->n; i++) {
			json_t *ms =
				json_object_get(set->run[i].summary, "metrics");
			const char *name;
			json_t *decl;

			json_object_foreach(ms, name, decl)
			{
				struct cmp_metric *m =
					metric_get(c, name, decl);
				double v;

				if (rd_metric(&set->run[i], name, &v))
					continue;
				m->v[s] =
					realloc(m->v[s],
						(m->n[s] + 1) * sizeof(double));
				m->v[s][m->n[s]++] = v;
			}
		}
	}
}

static void analyse(struct comparison *c, struct cmp_metric *m)
{
	double a_med, sd_a;

	stats_describe(m->v[0], m->n[0], &m->d[0]);
	stats_describe(m->v[1], m->n[1], &m->d[1]);
	a_med = m->d[0].median;
	m->change_abs = m->d[1].median - a_med;
	m->change_pct = a_med != 0 ? 100 * m->change_abs / fabs(a_med) : NAN;
	m->ci_lo = m->ci_hi = m->ci_pct_lo = m->ci_pct_hi = NAN;
	m->mwu.p = NAN;
	m->band_pct = CMP_BAND_PCT;
	if (!isnan(m->d[0].cov) && 100 * m->d[0].cov > m->band_pct)
		m->band_pct = 100 * m->d[0].cov;
	m->result = RES_NA;
	if (!m->n[0] || !m->n[1]) {
		snprintf(m->why, sizeof(m->why), "no values on side %s",
			 m->n[0] ? "B" : "A");
		return;
	}
	if (m->n[0] < 2 || m->n[1] < 2) {
		snprintf(m->why, sizeof(m->why), "N=1 on side %s",
			 m->n[0] < 2 ? "A" : "B");
		return;
	}
	stats_bootstrap_median_diff(m->v[0], m->n[0], m->v[1], m->n[1],
				    CMP_RESAMPLES, CMP_SEED, 0.95, false,
				    &m->ci_lo, &m->ci_hi);
	if (!isnan(m->change_pct))
		stats_bootstrap_median_diff(m->v[0], m->n[0], m->v[1], m->n[1],
					    CMP_RESAMPLES, CMP_SEED, 0.95, true,
					    &m->ci_pct_lo, &m->ci_pct_hi);
	if (c->accel_differs) {
		snprintf(m->why, sizeof(m->why), "accelerators differ");
		return;
	}
	stats_mann_whitney(m->v[1], m->n[1], m->v[0], m->n[0], &m->mwu);
	m->tested = true;
	/* where the median of A is 0, A's spread is the band */
	sd_a = isnan(m->d[0].sd) ? 0 : m->d[0].sd;
	if (!isnan(m->change_pct))
		m->beyond = fabs(m->change_pct) > m->band_pct;
	else
		m->beyond = fabs(m->change_abs) > sd_a;
	m->significant = m->mwu.p < CMP_ALPHA && m->beyond;
	if (!m->significant)
		m->result = RES_SAME;
	else if ((m->change_abs > 0) == m->lower_better)
		m->result = RES_WORSE;
	else
		m->result = RES_BETTER;
}

/* ---- what differs between A and B ---- */

typedef const char *(*getter_fn)(const struct rd_run *r, const char *key,
				 char *buf, size_t len);

static const char *get_meta(const struct rd_run *r, const char *key, char *buf,
			    size_t len)
{
	char k[64], *dot;

	snprintf(k, sizeof(k), "%s", key);
	dot = strchr(k, '.');
	if (dot)
		*dot++ = '\0';
	(void)buf;
	(void)len;
	return rd_meta_str(r, k, dot);
}

static const char *get_sysctl(const struct rd_run *r, const char *key,
			      char *buf, size_t len)
{
	json_t *v = json_object_get(json_object_get(r->meta, "sysctl_vm"),
				    key + 3); /* "vm." */

	(void)buf;
	(void)len;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* --set KEY: the value of the last --set KEY=... */
static const char *get_set(const struct rd_run *r, const char *key, char *buf,
			   size_t len)
{
	const char *a, *found = NULL;
	size_t kl = strlen(key);
	int i;

	for (i = 0; (a = rd_arg(r, "set", 's', i)); i++)
		if (!strncmp(a, key, kl) && a[kl] == '=')
			found = a + kl + 1;
	if (!found)
		return NULL;
	snprintf(buf, len, "%s", found);
	return buf;
}

/* --deb/--kernel/--modules: the file names, in order */
static const char *get_kernel_arg(const struct rd_run *r, const char *key,
				  char *buf, size_t len)
{
	const char *a;
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; (a = rd_arg(r, key, 0, i)) && n < len; i++) {
		const char *base = strrchr(a, '/');

		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      base ? base + 1 : a);
	}
	return buf[0] ? buf : NULL;
}

static char *side_value(const struct cmp_side *s, getter_fn g, const char *key,
			const char *absent)
{
	char buf[4096], first[4096];
	int i;

	for (i = 0; i < s->set.n; i++) {
		const char *v = g(&s->set.run[i], key, buf, sizeof(buf));

		if (!v)
			v = absent;
		if (!i)
			snprintf(first, sizeof(first), "%s", v);
		else if (strcmp(first, v))
			return strdup(MIXED);
	}
	return strdup(first);
}

static void diff_key(struct comparison *c, const char *what, getter_fn g,
		     const char *key, const char *absent)
{
	char *a = side_value(&c->side[0], g, key, absent);
	char *b = side_value(&c->side[1], g, key, absent);
	struct cmp_diff *d;
	int i;

	if (!strcmp(a, b)) {
		free(a);
		free(b);
		return;
	}
	for (i = 0; i < c->ndiff; i++)
		if (!strcmp(c->diff[i].what, what)) {
			free(a);
			free(b);
			return;
		}
	c->diff = realloc(c->diff, (size_t)(c->ndiff + 1) * sizeof(*c->diff));
	d = &c->diff[c->ndiff++];
	d->what = strdup(what);
	d->a = a;
	d->b = b;
}

static void find_diffs(struct comparison *c)
{
	static const char *const kargs[] = { "kernel", "deb", "modules" };
	char what[4200], buf[4096];
	const char *name, *a;
	size_t k;
	json_t *v;
	int s, i, j;

	for (k = 0; k < ARRAY_SIZE(kargs); k++) {
		snprintf(what, sizeof(what), "--%s", kargs[k]);
		diff_key(c, what, get_kernel_arg, kargs[k], "(none)");
	}
	diff_key(c, "kernel", get_meta, "kernel.release", "(unknown)");
	diff_key(c, "kernel cmdline", get_meta, "kernel.cmdline", "(unknown)");
	for (s = 0; s < 2; s++)
		for (i = 0; i < c->side[s].set.n; i++) {
			const struct rd_run *r = &c->side[s].set.run[i];

			for (j = 0; (a = rd_arg(r, "set", 's', j)); j++) {
				snprintf(buf, sizeof(buf), "%.*s",
					 (int)strcspn(a, "="), a);
				snprintf(what, sizeof(what), "--set %s", buf);
				diff_key(c, what, get_set, buf, "(not set)");
			}
		}
	for (s = 0; s < 2; s++)
		for (i = 0; i < c->side[s].set.n; i++) {
			json_t *sv = json_object_get(c->side[s].set.run[i].meta,
						     "sysctl_vm");

			json_object_foreach(sv, name, v)
			{
				snprintf(what, sizeof(what), "vm.%s", name);
				diff_key(c, what, get_sysctl, what, "(absent)");
			}
		}
	diff_key(c, "mmrepro git", get_meta, "harness.git", "(unknown)");
}

/* In a few words, what a side is: its kernel, or its settings */
static void make_labels(struct comparison *c)
{
	int s, i;

	for (s = 0; s < 2; s++) {
		struct cmp_side *sd = &c->side[s];
		size_t n = 0;

		sd->label[0] = '\0';
		if (strcmp(c->side[0].releases, c->side[1].releases)) {
			snprintf(sd->label, sizeof(sd->label), "%s",
				 sd->releases);
			continue;
		}
		for (i = 0; i < c->ndiff && n < sizeof(sd->label); i++) {
			const struct cmp_diff *d = &c->diff[i];
			const char *v = s ? d->b : d->a, *key = d->what;
			const char *dot;

			if ((strncmp(key, "--set ", 6) &&
			     strncmp(key, "--deb", 5) &&
			     strncmp(key, "--kernel", 8)) ||
			    !strcmp(d->a, MIXED) || !strcmp(d->b, MIXED))
				continue;
			if (!strncmp(key, "--set ", 6)) {
				key += 6;
				dot = strrchr(key, '.');
				key = dot ? dot + 1 : key;
				n += (size_t)snprintf(
					sd->label + n, sizeof(sd->label) - n,
					"%s%s=%s", n ? ", " : "", key,
					strcmp(v, "(not set)") ? v : "default");
			} else {
				n += (size_t)snprintf(sd->label + n,
						      sizeof(sd->label) - n,
						      "%s%s", n ? ", " : "", v);
			}
		}
		if (!sd->label[0]) {
			char tmp[RD_PATH_MAX];

			snprintf(tmp, sizeof(tmp), "%s", sd->set.arg);
			snprintf(sd->label, sizeof(sd->label), "%s, %s",
				 sd->releases, basename(tmp));
		}
	}
}

static void side_fingerprint(struct cmp_side *sd, const struct rd_run *r)
{
	json_t *t = json_object_get(r->summary, "trace");
	json_t *fp = json_object_get(t, "defrag_fingerprint");
	const char *b = json_string_value(json_object_get(fp, "behaviour"));

	if (!b)
		return;
	sd->fp_runs++;
	sd->fp_promoted += !strcmp(b, "promoted");
	sd->fp_not_promoted += !strcmp(b, "not promoted");
	sd->fp_reclaim_promoted +=
		json_number_value(json_object_get(fp, "reclaim_promoted"));
	sd->fp_reclaim_below +=
		json_number_value(json_object_get(fp, "reclaim_below"));
	sd->fp_compact_promoted +=
		json_number_value(json_object_get(fp, "compact_promoted"));
	sd->fp_compact_below +=
		json_number_value(json_object_get(fp, "compact_below"));
}

/*
 * "promoted in 5 of 5 runs: non-movable reclaim 230 at order >= pb, 0
 * below; compaction 41 at, 0 below"
 */
void cmp_fingerprint_line(char *b, size_t l, const struct cmp_side *sd)
{
	int none = sd->fp_runs - sd->fp_promoted - sd->fp_not_promoted;
	const char *what = "mixed";
	int k = sd->fp_runs;

	if (sd->fp_promoted * 2 > sd->fp_runs)
		what = "promoted", k = sd->fp_promoted;
	else if (sd->fp_not_promoted * 2 > sd->fp_runs)
		what = "not promoted", k = sd->fp_not_promoted;
	else if (none * 2 > sd->fp_runs)
		what = "no non-movable reclaim seen", k = none;
	snprintf(b, l,
		 "%s in %d of %d runs; non-movable direct reclaim at "
		 "pageblock order %.0f, below %.0f; compaction at %.0f, "
		 "below %.0f",
		 what, k, sd->fp_runs, sd->fp_reclaim_promoted,
		 sd->fp_reclaim_below, sd->fp_compact_promoted,
		 sd->fp_compact_below);
}

static void side_summary(struct cmp_side *sd)
{
	int i;

	for (i = 0; i < sd->set.n; i++) {
		const struct rd_run *r = &sd->set.run[i];
		const char *rel = rd_meta_str(r, "kernel", "release");

		add_distinct(sd->releases, sizeof(sd->releases),
			     rel ? rel : "unknown");
		add_distinct(sd->accels, sizeof(sd->accels), r->accel);
		side_fingerprint(sd, r);
		if (!strcmp(r->verdict, "reproduced"))
			sd->reproduced++;
		else if (!strcmp(r->verdict, "not-reproduced"))
			sd->not_reproduced++;
		else if (!strcmp(r->verdict, "not-applicable"))
			sd->not_applicable++;
		else if (!strcmp(r->verdict, "error"))
			sd->error++;
		else
			sd->other++;
	}
}

static void pick_during(struct comparison *c)
{
	int i, j, best = 0;

	for (i = 0; i < c->nm; i++) {
		int n = 0;

		for (j = 0; j < c->nm; j++)
			n += !strcmp(c->m[i].during, c->m[j].during) *
			     (1 + 100 * c->m[j].gate);
		if (n > best && c->m[i].during[0]) {
			best = n;
			snprintf(c->during, sizeof(c->during), "%s",
				 c->m[i].during);
		}
	}
}

static int check_scenarios(struct comparison *c, char *err, size_t elen)
{
	const struct rd_run *first = &c->side[0].set.run[0];
	const char *sc = rd_scenario(first);
	int s, i;

	for (s = 0; s < 2; s++)
		for (i = 0; i < c->side[s].set.n; i++) {
			const struct rd_run *r = &c->side[s].set.run[i];

			if (strcmp(rd_scenario(r), sc)) {
				snprintf(
					err, elen,
					"different scenarios: %s is '%s', %s is '%s'",
					first->dir, sc[0] ? sc : "(none)",
					r->dir,
					rd_scenario(r)[0] ? rd_scenario(r) :
							    "(none)");
				return -1;
			}
		}
	/* sample runs have no metrics and no verdict: nothing to test */
	if (!sc[0]) {
		snprintf(
			err, elen,
			"%s: runs of no scenario (sample runs?): nothing to compare; compare takes the runs of mmrepro run or ab",
			first->dir);
		return -1;
	}
	snprintf(c->scenario, sizeof(c->scenario), "%s", sc);
	return 0;
}

/* Runs with a measured verdict: reproduced or not */
int cmp_usable(const struct cmp_side *sd)
{
	return sd->reproduced + sd->not_reproduced;
}

bool compare_unusable(const struct comparison *c)
{
	return cmp_usable(&c->side[0]) < 2 || cmp_usable(&c->side[1]) < 2;
}

static void add_notes(struct comparison *c)
{
	size_t na = 0, nb = 0;
	int s, i;

	for (i = 0; i < c->nm; i++) {
		na = c->m[i].n[0] > na ? c->m[i].n[0] : na;
		nb = c->m[i].n[1] > nb ? c->m[i].n[1] : nb;
	}
	if (c->accel_differs)
		add_note(
			c,
			"warning: A ran under %s, B under %s: timings are not comparable across accelerators, so no metric is tested",
			c->side[0].accels, c->side[1].accels);
	for (s = 0; s < 2; s++) {
		const struct cmp_side *sd = &c->side[s];

		if (strchr(sd->releases, ','))
			add_note(c, "warning: side %s mixes kernels: %s",
				 sd->name, sd->releases);
		if (sd->set.unfinished)
			add_note(
				c,
				"side %s: left out %d unfinished run(s) without a summary.json, e.g. %s",
				sd->name, sd->set.unfinished,
				sd->set.first_unfinished);
		if (sd->error)
			add_note(
				c,
				"side %s: %d of %d runs ended in error (see their verdict files)",
				sd->name, sd->error, sd->set.n);
		if (cmp_usable(sd) < 2)
			add_note(
				c,
				"side %s: %d usable run(s) of %d (reproduced or not-reproduced): nothing can be compared, exit 3",
				sd->name, cmp_usable(sd), sd->set.n);
	}
	if (!c->nm)
		add_note(c,
			 "the runs hold no metrics (summary.json \"metrics\")");
	else if (na < 2 || nb < 2)
		add_note(
			c,
			"N=%zu on side %s: medians only, no significance (a test needs N >= 2 on each side, and N >= 4 to reach p < 0.05)",
			na < 2 ? na : nb, na < 2 ? "A" : "B");
	else if (stats_mwu_min_p(na, nb) >= CMP_ALPHA)
		add_note(
			c,
			"with N=%zu and N=%zu the smallest possible p is %.3f, so no change can be significant; use N >= 4 per side (5 or more is better)",
			na, nb, stats_mwu_min_p(na, nb));
}

struct comparison *compare_load(const char *a, const char *b, char *err,
				size_t elen)
{
	struct comparison *c = calloc(1, sizeof(*c));
	int i;

	snprintf(c->side[0].name, sizeof(c->side[0].name), "A");
	snprintf(c->side[1].name, sizeof(c->side[1].name), "B");
	if (rd_load(&c->side[0].set, a, err, elen) ||
	    rd_load(&c->side[1].set, b, err, elen) ||
	    check_scenarios(c, err, elen)) {
		compare_free(c);
		return NULL;
	}
	side_summary(&c->side[0]);
	side_summary(&c->side[1]);
	c->accel_differs = strcmp(c->side[0].accels, c->side[1].accels) ||
			   strchr(c->side[0].accels, ',');
	collect_metrics(c);
	for (i = 0; i < c->nm; i++)
		analyse(c, &c->m[i]);
	find_diffs(c);
	make_labels(c);
	pick_during(c);
	add_notes(c);
	return c;
}

void compare_free(struct comparison *c)
{
	int i;

	if (!c)
		return;
	rd_free(&c->side[0].set);
	rd_free(&c->side[1].set);
	for (i = 0; i < c->nm; i++) {
		free(c->m[i].v[0]);
		free(c->m[i].v[1]);
	}
	free(c->m);
	for (i = 0; i < c->ndiff; i++) {
		free(c->diff[i].what);
		free(c->diff[i].a);
		free(c->diff[i].b);
	}
	free(c->diff);
	for (i = 0; i < c->nnote; i++)
		free(c->note[i]);
	free(c->note);
	for (i = 0; i < c->nplots; i++)
		free(c->plots[i]);
	free(c->plots);
	free(c->plots_dir);
	free(c->report_dir);
	free(c);
}

int compare_exit(const struct comparison *c)
{
	int i;

	/* a side without two measured runs is an infrastructure failure */
	if (compare_unusable(c))
		return EXIT_INFRA;
	for (i = 0; i < c->nm; i++)
		if (c->m[i].gate && c->m[i].result == RES_WORSE)
			return EXIT_REPRODUCED;
	return 0;
}

const struct cmp_format *compare_format(const char *s)
{
	const struct cmp_format *f;

	for (f = cmp_formats; f->name; f++)
		if (!strcmp(s, f->name))
			return f;
	return NULL;
}

/* ---- text: 72 columns, for email ---- */

/*
 * `first', then the words of s wrapped at TEXT_WIDTH, continuation
 * lines indented by `cont'.  A word longer than a line is cut.
 */
void text_wrap(FILE *out, int indent, const char *first, const char *s,
	       int cont)
{
	int col = fprintf(out, "%*s%s", indent, "", first), start = col;
	const char *p = s;

	while (*p) {
		size_t w;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = strcspn(p, " ");
		if (col > start && col + 1 + (int)w > TEXT_WIDTH) {
			fprintf(out, "\n%*s", cont, "");
			col = start = cont;
		} else if (col > start) {
			fputc(' ', out);
			col++;
		}
		while (col + (int)w > TEXT_WIDTH) {
			int room = TEXT_WIDTH - col > 0 ? TEXT_WIDTH - col : 0;

			fprintf(out, "%.*s\n%*s", room, p, cont, "");
			p += room;
			w -= (size_t)room;
			col = start = cont;
		}
		col += fprintf(out, "%.*s", (int)w, p);
		p += w;
	}
	fputc('\n', out);
}

static void wrap(FILE *out, int indent, const char *first, const char *s)
{
	text_wrap(out, indent, first, s, indent + 2);
}

void cmp_side_line(char *b, size_t l, const struct cmp_side *sd)
{
	size_t n;

	n = (size_t)snprintf(b, l, "%s, %s, N=%d, reproduced %d of %d",
			     sd->releases, sd->accels, sd->set.n,
			     sd->reproduced, sd->set.n);
	if (sd->error)
		n += (size_t)snprintf(b + n, l - n, ", %d error", sd->error);
	if (sd->not_applicable)
		snprintf(b + n, l - n, ", %d not applicable",
			 sd->not_applicable);
}

/*
 * [expect] fixed = METRIC lower|higher (summary.json expect_fixed): which
 * side behaves like a kernel with the report's fix.  'B', 'A', or 'n'
 * (neither: no significant change, or the metric was not tested); the
 * sentence in b.  0 when no run declares an expectation.
 */
int cmp_expect_fixed(const struct comparison *c, char *b, size_t l)
{
	const struct cmp_metric *m = NULL;
	const char *name = NULL, *better = NULL;
	char ch[40], p[16];
	bool lower;
	int s, i;

	for (s = 0; s < 2 && !name; s++)
		for (i = 0; i < c->side[s].set.n && !name; i++) {
			json_t *e = json_object_get(
				c->side[s].set.run[i].summary, "expect_fixed");

			name = json_string_value(json_object_get(e, "metric"));
			better =
				json_string_value(json_object_get(e, "better"));
		}
	if (!name || !better)
		return 0;
	lower = !strcmp(better, "lower");
	for (i = 0; i < c->nm && !m; i++)
		if (!strcmp(c->m[i].name, name))
			m = &c->m[i];
	if (!m || !m->tested) {
		snprintf(b, l, "the fix shows as %s %s: not tested (%s)", name,
			 better, m ? m->why : "no such metric in the runs");
		return 'n';
	}
	cmp_fmt_change(ch, sizeof(ch), m);
	cmp_fmt_p(p, sizeof(p), m->mwu.p);
	if (m->result != RES_BETTER && m->result != RES_WORSE) {
		snprintf(
			b, l,
			"neither side behaves like the fix (%s %s): %s %s (p=%s)",
			name, better, name, ch, p);
		return 'n';
	}
	s = (m->change_abs < 0) == lower ? 'B' : 'A';
	snprintf(b, l, "%c behaves like the fix: %s %s (p=%s)", s, name, ch, p);
	return s;
}

static void metric_label(char *b, size_t l, const struct cmp_metric *m)
{
	snprintf(b, l, "%s%s%s%s%s", m->name, m->gate ? "*" : "",
		 m->unit[0] ? " (" : "", m->unit, m->unit[0] ? ")" : "");
}

static void write_text(const struct comparison *c, FILE *out)
{
	char b[1024], l[128], x[32], y[32], ch[40], ci[80], p[16];
	int i, s;

	fprintf(out, "mmrepro compare: %s\n", c->scenario);
	for (s = 0; s < 2; s++) {
		const struct cmp_side *sd = &c->side[s];

		snprintf(l, sizeof(l), "%s: ", sd->name);
		wrap(out, 2, l, sd->set.arg);
		cmp_side_line(b, sizeof(b), sd);
		wrap(out, 5, "", b);
	}
	for (s = 0; s < 2; s++) {
		if (!c->side[s].fp_runs)
			continue;
		cmp_fingerprint_line(b, sizeof(b), &c->side[s]);
		snprintf(l, sizeof(l), "%s fix fingerprint: ", c->side[s].name);
		wrap(out, 2, l, b);
	}
	if (!c->ndiff)
		fprintf(out, "  A and B differ in: nothing recorded (A/A)\n");
	else
		fprintf(out, "  A and B differ in:\n");
	for (i = 0; i < c->ndiff && i < MAX_DIFF_TEXT; i++) {
		const struct cmp_diff *d = &c->diff[i];

		snprintf(b, sizeof(b), "%s -> %s", d->a, d->b);
		if (strlen(d->what) + strlen(b) + 7 <= TEXT_WIDTH) {
			snprintf(l, sizeof(l), "%s: ", d->what);
			wrap(out, 4, l, b);
		} else {
			fprintf(out, "    %s:\n", d->what);
			wrap(out, 6, "A: ", d->a);
			wrap(out, 6, "B: ", d->b);
		}
	}
	if (c->ndiff > MAX_DIFF_TEXT)
		fprintf(out, "    ... and %d more (see --format json)\n",
			c->ndiff - MAX_DIFF_TEXT);
	for (i = 0; i < c->nnote; i++)
		wrap(out, 0, "", c->note[i]);

	fprintf(out, "\n%-22s %15s %26s\n", "", "---- median ---",
		"---- change of median ----");
	fprintf(out, "%-22s %7s %7s %7s %12s %5s %s\n", "metric (unit)", "A",
		"B", "B vs A", "95% CI", "p", "result");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		metric_label(l, sizeof(l), m);
		if (strlen(l) > 22) {
			fprintf(out, "%s\n", l);
			l[0] = '\0';
		}
		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_ci(ci, sizeof(ci), m);
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		fprintf(out, "%-22s %7s %7s %7s %12s %5s %s\n", l, x, y, ch, ci,
			p, cmp_result_name(m->result));
	}

	fprintf(out, "\n%-20s %-25s %-25s\n", "", "------------ A ----------",
		"------------ B ----------");
	fprintf(out, "%-20s %3s %7s %7s %5s %3s %7s %7s %5s\n", "metric", "N",
		"mean", "sd", "CoV", "N", "mean", "sd", "CoV");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];
		char cells[2][4 + 3 * CMP_CELL];

		for (s = 0; s < 2; s++) {
			char mean[CMP_CELL], sd[CMP_CELL], cov[CMP_CELL];

			cmp_fmt_spread(&m->d[s], 0, mean, sd, cov);
			snprintf(cells[s], sizeof(cells[s]), "%3zu %7s %7s %5s",
				 m->n[s], mean, sd, cov);
		}
		snprintf(l, sizeof(l), "%s%s", m->name, m->gate ? "*" : "");
		if (strlen(l) > 20) {
			fprintf(out, "%s\n", l);
			l[0] = '\0';
		}
		fprintf(out, "%-20s %s %s\n", l, cells[0], cells[1]);
	}

	fprintf(out, "\n");
	wrap(out, 0, "",
	     "* gating metric: a significant worsening fails CI (exit 1). "
	     "change: of the median, B against A, in % of A; (in "
	     "parentheses) in the metric's unit where the median of A is 0. "
	     "95% CI: bootstrap of that change (2000 resamples, fixed "
	     "seed). p: Mann-Whitney U, two-sided (exact without ties, else "
	     "normal with tie correction). result: better or worse when "
	     "p < 0.05 and the change exceeds the noise band (the larger of "
	     "5% and the CoV of A), else same; n/a: not tested.");
	if (c->nplots)
		text_wrap(out, 0, "plots: ", c->plots_dir, 2);
	if (cmp_expect_fixed(c, b, sizeof(b)))
		text_wrap(out, 0, "expect: ", b, 2);
	cmp_result_line(c, b, sizeof(b));
	fprintf(out, "\n");
	text_wrap(out, 0, "result: ", b, 8);
}

int cmp_result_line(const struct comparison *c, char *b, size_t l)
{
	char ch[40], p[16];
	int i, k;
	size_t n;

	if (compare_unusable(c)) {
		snprintf(b, l,
			 "NO COMPARISON: a side has fewer than 2 usable runs");
		return EXIT_INFRA;
	}
	/* "a +50% (p=0.008), b -20% (p=0.03)", wrapped by the writer */
	n = (size_t)snprintf(b, l, "REGRESSION in");
	for (i = 0, k = 0; i < c->nm && n < l; i++) {
		const struct cmp_metric *m = &c->m[i];

		if (m->gate && m->result == RES_WORSE) {
			cmp_fmt_change(ch, sizeof(ch), m);
			cmp_fmt_p(p, sizeof(p), m->mwu.p);
			n += (size_t)snprintf(b + n, l - n, "%s %s %s (p=%s)",
					      k++ ? "," : "", m->name, ch, p);
		}
	}
	if (k)
		return EXIT_REPRODUCED;
	snprintf(b, l, "no gating metric is significantly worse");
	return 0;
}

/* ---- markdown, for web forges ---- */

static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/*
 * The path of file from dir ("plots/a.svg", "../plots/a.svg"), so that
 * the report's links hold wherever its directory is moved or unpacked;
 * file itself when either cannot be resolved
 */
static void rel_path(const char *dir, const char *file, char *out, size_t len)
{
	char d[RD_PATH_MAX], f[RD_PATH_MAX];
	size_t i, common = 0, n = 0;

	snprintf(out, len, "%s", file);
	if (!realpath(dir, d) || !realpath(file, f))
		return;
	/* the longest common prefix of whole components */
	for (i = 0; d[i] && d[i] == f[i]; i++)
		if (d[i] == '/')
			common = i;
	if (!d[i] && f[i] == '/')
		common = i;
	out[0] = '\0';
	for (i = common; d[i] && n < len; i++)
		if (d[i] == '/' && d[i + 1])
			n += (size_t)snprintf(out + n, len - n, "../");
	if (n < len)
		snprintf(out + n, len - n, "%s", f + common + 1);
}

static void write_md(const struct comparison *c, FILE *out)
{
	char x[32], y[32], ch[40], ci[80], p[16], b[1024];
	int i, s;

	fprintf(out, "## mmrepro compare: %s\n\n", c->scenario);
	fprintf(out, "| | A | B |\n|---|---|---|\n");
	fprintf(out, "| runs in | `%s` | `%s` |\n", c->side[0].set.arg,
		c->side[1].set.arg);
	fprintf(out, "| kernel | %s | %s |\n", c->side[0].releases,
		c->side[1].releases);
	fprintf(out, "| accelerator | %s | %s |\n", c->side[0].accels,
		c->side[1].accels);
	fprintf(out, "| N | %d | %d |\n", c->side[0].set.n, c->side[1].set.n);
	fprintf(out, "| reproduced | %d of %d | %d of %d |\n",
		c->side[0].reproduced, c->side[0].set.n, c->side[1].reproduced,
		c->side[1].set.n);
	if (c->side[0].fp_runs || c->side[1].fp_runs) {
		fprintf(out, "| fix fingerprint (defrag) |");
		for (s = 0; s < 2; s++) {
			if (c->side[s].fp_runs)
				cmp_fingerprint_line(b, sizeof(b), &c->side[s]);
			else
				snprintf(b, sizeof(b), "not traced");
			fprintf(out, " %s |", b);
		}
		fputc('\n', out);
	}
	for (i = 0; i < c->ndiff; i++) {
		fprintf(out, "| %s | ", c->diff[i].what);
		md_cell(out, c->diff[i].a);
		fprintf(out, " | ");
		md_cell(out, c->diff[i].b);
		fprintf(out, " |\n");
	}
	if (!c->ndiff)
		fprintf(out, "| differences | none recorded (A/A) | |\n");
	fprintf(out, "\n");
	for (i = 0; i < c->nnote; i++)
		fprintf(out, "> %s\n>\n", c->note[i]);
	fprintf(out,
		"\n| metric | unit | gate | better | N A | median A | N B | median B | change | 95%% CI | p | result |\n"
		"|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];
		const char *r = cmp_result_name(m->result);

		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_ci(ci, sizeof(ci), m);
		if (!isnan(m->ci_pct_lo)) {
			char lo[32], hi[32];

			cmp_fmt_pct(lo, sizeof(lo), m->ci_pct_lo);
			cmp_fmt_pct(hi, sizeof(hi), m->ci_pct_hi);
			snprintf(ci, sizeof(ci), "%s%% to %s%%", lo, hi);
		}
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		fprintf(out,
			"| %s | %s | %s | %s | %zu | %s | %zu | %s | %s | %s | %s | %s%s%s |\n",
			m->name, m->unit, m->gate ? "yes" : "",
			m->lower_better ? "lower" : "higher", m->n[0], x,
			m->n[1], y, ch, ci, p,
			m->result == RES_WORSE || m->result == RES_BETTER ?
				"**" :
				"",
			m->result == RES_NA ? m->why : r,
			m->result == RES_WORSE || m->result == RES_BETTER ?
				"**" :
				"");
	}
	fprintf(out,
		"\n| metric | mean A | sd A | CoV A | mean B | sd B | CoV B |\n"
		"|---|--:|--:|--:|--:|--:|--:|\n");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		fprintf(out, "| %s ", m->name);
		for (s = 0; s < 2; s++) {
			cmp_fmt_spread(&m->d[s], 1, x, y, b);
			fprintf(out, "| %s | %s | %s ", x, y, b);
		}
		fprintf(out, "|\n");
	}
	fprintf(out,
		"\nchange: of the median, B against A, in %% of A; in parentheses, in the metric's unit where the median of A is 0. "
		"95%% CI: bootstrap of that change (%d resamples, fixed seed). "
		"p: Mann-Whitney U, two-sided (exact without ties, else normal with tie correction). "
		"better/worse: p < %.2f and the change beyond the noise band (the larger of %.0f%% and the CoV of A); "
		"gating metrics fail CI when significantly worse.\n",
		CMP_RESAMPLES, CMP_ALPHA, CMP_BAND_PCT);
	if (cmp_expect_fixed(c, b, sizeof(b)))
		fprintf(out, "\n**Expect:** %s\n", b);
	if (c->nplots) {
		fprintf(out, "\n");
		for (i = 0; i < c->nplots; i++) {
			const char *f = c->plots[i], *base;
			size_t n = strlen(f);

			if (n <= 4 || strcmp(f + n - 4, ".svg"))
				continue;
			rel_path(c->report_dir ? c->report_dir : ".", f, b,
				 sizeof(b));
			base = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
			fprintf(out, "![%.*s](%s)\n", (int)strlen(base) - 4,
				base, b);
		}
	}
}

/* ---- json, for machines ---- */

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *desc_json(const struct stats_desc *d, const double *v, size_t n)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	json_object_set_new(o, "n", json_integer((json_int_t)d->n));
	json_object_set_new(o, "values", a);
	json_object_set_new(o, "median", num(d->median));
	json_object_set_new(o, "mean", num(d->mean));
	json_object_set_new(o, "sd", num(d->sd));
	json_object_set_new(o, "cov", num(d->cov));
	json_object_set_new(o, "min", num(d->min));
	json_object_set_new(o, "max", num(d->max));
	return o;
}

static json_t *side_json(const struct cmp_side *sd)
{
	json_t *o = json_object(), *runs = json_array();
	int i;

	for (i = 0; i < sd->set.n; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "dir", json_string(sd->set.run[i].dir));
		json_object_set_new(r, "verdict",
				    json_string(sd->set.run[i].verdict));
		json_object_set_new(r, "accel",
				    json_string(sd->set.run[i].accel));
		json_array_append_new(runs, r);
	}
	json_object_set_new(o, "path", json_string(sd->set.arg));
	json_object_set_new(o, "label", json_string(sd->label));
	json_object_set_new(o, "kernel", json_string(sd->releases));
	json_object_set_new(o, "accel", json_string(sd->accels));
	json_object_set_new(o, "n", json_integer(sd->set.n));
	json_object_set_new(o, "reproduced", json_integer(sd->reproduced));
	json_object_set_new(o, "not_reproduced",
			    json_integer(sd->not_reproduced));
	json_object_set_new(o, "not_applicable",
			    json_integer(sd->not_applicable));
	json_object_set_new(o, "error", json_integer(sd->error));
	if (sd->fp_runs) {
		json_t *fp = json_object();
		char b[512];

		cmp_fingerprint_line(b, sizeof(b), sd);
		json_object_set_new(fp, "runs", json_integer(sd->fp_runs));
		json_object_set_new(fp, "promoted",
				    json_integer(sd->fp_promoted));
		json_object_set_new(fp, "not_promoted",
				    json_integer(sd->fp_not_promoted));
		json_object_set_new(fp, "reclaim_promoted",
				    json_real(sd->fp_reclaim_promoted));
		json_object_set_new(fp, "reclaim_below",
				    json_real(sd->fp_reclaim_below));
		json_object_set_new(fp, "compact_promoted",
				    json_real(sd->fp_compact_promoted));
		json_object_set_new(fp, "compact_below",
				    json_real(sd->fp_compact_below));
		json_object_set_new(fp, "text", json_string(b));
		json_object_set_new(o, "defrag_fingerprint", fp);
	}
	json_object_set_new(o, "runs", runs);
	return o;
}

static void write_json(const struct comparison *c, FILE *out)
{
	json_t *o = json_object(), *ms = json_array(), *ds = json_array();
	json_t *notes = json_array(), *plots = json_array(), *st;
	int i;

	json_object_set_new(o, "scenario", json_string(c->scenario));
	json_object_set_new(o, "A", side_json(&c->side[0]));
	json_object_set_new(o, "B", side_json(&c->side[1]));
	for (i = 0; i < c->ndiff; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "what", json_string(c->diff[i].what));
		json_object_set_new(d, "A", json_string(c->diff[i].a));
		json_object_set_new(d, "B", json_string(c->diff[i].b));
		json_array_append_new(ds, d);
	}
	json_object_set_new(o, "differences", ds);
	json_object_set_new(o, "accel_differs", json_boolean(c->accel_differs));
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];
		json_t *j = json_object(), *ci = json_object();

		json_object_set_new(j, "name", json_string(m->name));
		json_object_set_new(j, "unit", json_string(m->unit));
		json_object_set_new(j, "better",
				    json_string(m->lower_better ? "lower" :
								  "higher"));
		json_object_set_new(j, "gate", json_boolean(m->gate));
		json_object_set_new(j, "A",
				    desc_json(&m->d[0], m->v[0], m->n[0]));
		json_object_set_new(j, "B",
				    desc_json(&m->d[1], m->v[1], m->n[1]));
		json_object_set_new(j, "change", num(m->change_abs));
		json_object_set_new(j, "change_pct", num(m->change_pct));
		json_object_set_new(ci, "level", json_real(0.95));
		json_object_set_new(ci, "resamples",
				    json_integer(CMP_RESAMPLES));
		json_object_set_new(ci, "seed",
				    json_integer((json_int_t)CMP_SEED));
		json_object_set_new(ci, "lo", num(m->ci_lo));
		json_object_set_new(ci, "hi", num(m->ci_hi));
		json_object_set_new(ci, "pct_lo", num(m->ci_pct_lo));
		json_object_set_new(ci, "pct_hi", num(m->ci_pct_hi));
		json_object_set_new(j, "ci", ci);
		st = json_object();
		json_object_set_new(st, "test", json_string("mann-whitney-u"));
		json_object_set_new(st, "u", num(m->mwu.u));
		json_object_set_new(st, "p", num(m->mwu.p));
		json_object_set_new(st, "method",
				    json_string(!m->tested   ? "none" :
						m->mwu.exact ? "exact" :
							       "normal"));
		json_object_set_new(j, "test", st);
		json_object_set_new(j, "noise_band_pct", num(m->band_pct));
		json_object_set_new(j, "significant",
				    json_boolean(m->significant));
		json_object_set_new(j, "result",
				    json_string(cmp_result_name(m->result)));
		if (m->result == RES_NA)
			json_object_set_new(j, "why", json_string(m->why));
		json_array_append_new(ms, j);
	}
	json_object_set_new(o, "metrics", ms);
	for (i = 0; i < c->nnote; i++)
		json_array_append_new(notes, json_string(c->note[i]));
	json_object_set_new(o, "notes", notes);
	for (i = 0; i < c->nplots; i++)
		json_array_append_new(plots, json_string(c->plots[i]));
	json_object_set_new(o, "plots", plots);
	json_object_set_new(o, "regression",
			    json_boolean(compare_exit(c) == EXIT_REPRODUCED));
	{
		char b[256];
		int who = cmp_expect_fixed(c, b, sizeof(b));

		if (who) {
			json_t *e = json_object();

			json_object_set_new(
				e, "behaves_like_fix",
				json_string(who == 'A' ? "A" :
					    who == 'B' ? "B" :
							 "neither"));
			json_object_set_new(e, "text", json_string(b));
			json_object_set_new(o, "expect_fixed", e);
		}
	}
	json_object_set_new(o, "comparable",
			    json_boolean(!compare_unusable(c)));
	json_dumpf(o, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(o);
}

/* ---- KTAP: one test per gating metric (and [expect]), at least one ---- */

static void write_ktap(const struct comparison *c, FILE *out)
{
	int i, k = 0, n = 0, pass = 0, fail = 0, skip = 0, who;
	char ch[40], p[16], x[32], y[32], eb[256];
	bool none;

	for (i = 0; i < c->nm; i++)
		n += c->m[i].gate;
	/* a side without two measured runs: one more test, which fails */
	n += compare_unusable(c);
	/* [expect]: B behaves like the fix passes, A (B lost it) fails */
	who = cmp_expect_fixed(c, eb, sizeof(eb));
	n += !!who;
	/*
	 * Nothing gates: one test that says so, with the reproduction
	 * rates, as "1..0" is an error to KTAP parsers (kunit.py)
	 */
	none = !n;
	n += none;
	fprintf(out, "KTAP version 1\n");
	fprintf(out, "# mmrepro compare %s: A %s (N=%d), B %s (N=%d)\n",
		c->scenario, c->side[0].set.arg, c->side[0].set.n,
		c->side[1].set.arg, c->side[1].set.n);
	for (i = 0; i < c->nnote; i++)
		fprintf(out, "# %s\n", c->note[i]);
	fprintf(out, "1..%d\n", n);
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		if (!m->gate)
			continue;
		k++;
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		fprintf(out, "# %s: median %s -> %s %s, %s%s%s\n", m->name, x,
			y, m->unit, ch, m->tested ? ", p=" : "",
			m->tested ? p : "");
		if (m->result == RES_NA) {
			fprintf(out, "ok %d %s # SKIP %s\n", k, m->name,
				m->why);
			skip++;
		} else if (m->result == RES_WORSE) {
			fprintf(out, "not ok %d %s # worse: %s (p=%s)\n", k,
				m->name, ch, p);
			fail++;
		} else {
			fprintf(out, "ok %d %s\n", k, m->name);
			pass++;
		}
	}
	if (who == 'B') {
		fprintf(out, "ok %d expect_fixed # %s\n", ++k, eb);
		pass++;
	} else if (who == 'A') {
		fprintf(out, "not ok %d expect_fixed # %s\n", ++k, eb);
		fail++;
	} else if (who) {
		fprintf(out, "ok %d expect_fixed # SKIP %s\n", ++k, eb);
		skip++;
	}
	if (none) {
		fprintf(out,
			"ok %d reproduced # SKIP no gating metric: reproduced A %d of %d, B %d of %d\n",
			++k, c->side[0].reproduced, c->side[0].set.n,
			c->side[1].reproduced, c->side[1].set.n);
		skip++;
	}
	if (compare_unusable(c)) {
		fprintf(out,
			"not ok %d usable_runs # A %d of %d, B %d of %d: fewer than 2\n",
			++k, cmp_usable(&c->side[0]), c->side[0].set.n,
			cmp_usable(&c->side[1]), c->side[1].set.n);
		fail++;
	}
	fprintf(out,
		"# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
		pass, fail, skip);
}

const struct cmp_format cmp_formats[] = {
	{ .name = "text", .ext = "txt", .write = write_text },
	{ .name = "md", .ext = "md", .write = write_md },
	{ .name = "json", .ext = "json", .write = write_json },
	{ .name = "ktap", .ext = "ktap", .write = write_ktap },
	{ .name = "html", .ext = "html", .write = compare_write_html },
	{ .name = NULL },
};

void compare_write(const struct comparison *c, const struct cmp_format *f,
		   FILE *out)
{
	f->write(c, out);
}

int compare_plot(struct comparison *c, const char *dir)
{
	struct plot_side sides[2];
	struct plot_files f = { 0 };
	char la[128], lb[128];
	int ret, i;

	snprintf(la, sizeof(la), "A: %s", c->side[0].label);
	snprintf(lb, sizeof(lb), "B: %s", c->side[1].label);
	sides[0] = (struct plot_side){ &c->side[0].set, la };
	sides[1] = (struct plot_side){ &c->side[1].set, lb };
	ret = plot_series(sides, 2, c->scenario, c->during, dir, &f);
	if (!ret)
		ret = plot_boxes(c, dir, &f);
	for (i = 0; i < f.n; i++) {
		c->plots = realloc(c->plots,
				   (size_t)(c->nplots + 1) * sizeof(char *));
		c->plots[c->nplots++] = f.file[i];
	}
	free(f.file);
	free(c->plots_dir);
	c->plots_dir = strdup(dir);
	return ret;
}

/* DIR_A and DIR_B side by side (as ab makes them): their parent */
static int default_plots(const char *a, const char *b, char *out, size_t len)
{
	char ra[RD_PATH_MAX], rb[RD_PATH_MAX];

	if (!realpath(a, ra) || !realpath(b, rb))
		return -1;
	if (strcmp(dirname(ra), dirname(rb)))
		return -1;
	return pathf(out, len, "%s/plots", ra);
}

int cmd_compare(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis =
			"DIR_A DIR_B [--format text|md|json|ktap|html] [--plots DIR | --no-plots]",
		.summary =
			"Compare the runs in DIR_A with the runs in DIR_B (each a run\n"
			"directory, or a directory holding run directories, e.g. run-1..N).\n"
			"Per metric of the scenario: N, median, mean, sd, CoV, the change\n"
			"of the median with a bootstrap 95% CI, and a two-sided Mann-Whitney\n"
			"U test. Significant: p < 0.05 and a change beyond the noise band,\n"
			"the larger of 5% and the CoV of A. Plots (gnuplot, PNG and SVG) go\n"
			"to --plots DIR, by default DIR_A/../plots when A and B are\n"
			"siblings.\n\n"
			"Exit: 1 when a gating metric is significantly worse, 0 otherwise,\n"
			"2 on bad input.",
		.permute = true,
	};
	const char *format = "text", *plots = NULL;
	bool no_plots = false;
	const struct opt opts[] = {
		OPT_STR('f', "format", &format, "FMT",
			"text (72 columns), md, json, ktap or html"),
		OPT_STR(0, "plots", &plots, "DIR", "write the plots here"),
		OPT_BOOLEAN(0, "no-plots", &no_plots, "no plots"),
		OPT_TABLE_END,
	};
	int i = opt_parse(argc, argv, "compare", &u, opts), ret;
	char err[RD_PATH_MAX + 256], pd[RD_PATH_MAX];
	const struct cmp_format *f = compare_format(format);
	struct comparison *c;

	if (!f) {
		char names[128];
		size_t n = 0;

		for (f = cmp_formats; f->name && n < sizeof(names); f++)
			n += (size_t)snprintf(names + n, sizeof(names) - n,
					      "%s%s", n ? ", " : "", f->name);
		die("compare: --format %s: use one of %s", format, names);
	}
	if (argc - i != 2)
		die("compare: give two directories, DIR_A and DIR_B (see 'mmrepro compare --help')");
	c = compare_load(argv[i], argv[i + 1], err, sizeof(err));
	if (!c)
		die("compare: %s", err);
	if (!no_plots && !plots &&
	    !default_plots(argv[i], argv[i + 1], pd, sizeof(pd)))
		plots = pd;
	if (!no_plots && plots) {
		if (!compare_plot(c, plots))
			fprintf(stderr, "%s: compare: %d plots in %s\n",
				progname, c->nplots, plots);
	}
	compare_write(c, f, stdout);
	fflush(stdout);
	ret = compare_exit(c);
	compare_free(c);
	return ret;
}
