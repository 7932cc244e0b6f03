// SPDX-License-Identifier: GPL-2.0
/*
 * The compare library: runs of A against runs of B.  Per metric of the
 * scenario: location, spread, the change of the median with a bootstrap
 * CI, and a Mann-Whitney U test; a change counts only when it is both
 * unlikely under no change (p < 0.05) and larger than A's own noise.
 * What differs between the sides, their labels and the notes are found
 * here too; the writers (compare-formats.c) only show it.
 */
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util.h"

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
	int k = 0;

	while ((a = rd_arg_next(r, "set", 's', &k)))
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
	int k = 0;

	buf[0] = '\0';
	while (n < len && (a = rd_arg_next(r, key, 0, &k))) {
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

/*
 * Each --set key is compared once, however many runs name it: with a key
 * compared per word, 800 words took minutes.  A jansson object is the set
 * of keys seen.  True when key is new.
 */
static bool seen_add(json_t *seen, const char *key)
{
	if (json_object_get(seen, key))
		return false;
	json_object_set_new(seen, key, json_true());
	return true;
}

static void find_diffs(struct comparison *c)
{
	static const char *const kargs[] = { "kernel", "deb", "modules" };
	json_t *seen = json_object();
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

			for (j = 0; (a = rd_arg_next(r, "set", 's', &j));) {
				snprintf(buf, sizeof(buf), "%.*s",
					 (int)strcspn(a, "="), a);
				snprintf(what, sizeof(what), "--set %s", buf);
				if (seen_add(seen, what))
					diff_key(c, what, get_set, buf,
						 "(not set)");
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
	json_decref(seen);
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
