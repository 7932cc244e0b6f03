// SPDX-License-Identifier: GPL-2.0
/*
 * What can be known of a scenario before anything runs (mmrepro check,
 * and run and ab before they boot): {var}s that do not resolve, series
 * that no source or tracer group provides, values out of range, names
 * that are not plain words.  Each problem names the line of its key.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "source.h"
#include "trace/trace.h"
#include "util.h"

#define MIN_SWAP (1ULL << 20)

struct lint {
	const struct scenario *sc;
	struct scenario *x; /* a copy with the run's own {vars}, to expand */
	struct sc_problems *pr;
};

static void at(struct lint *l, const char *section, const char *key, int nth,
	       int offset, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * A problem with SECTION.KEY, "KEY: why": at its line (plus offset, the
 * line of a value that goes on over several), or named after the --set
 * that set it
 */
static void at(struct lint *l, const char *section, const char *key, int nth,
	       int offset, const char *fmt, ...)
{
	int line = scenario_key_line(l->sc, section, key, nth);
	char msg[520];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		sc_problem_add(l->pr, line + offset, "%s: %s", key, msg);
	else if (line < 0 && !strcmp(section, "vars"))
		sc_problem_add(l->pr, 0, "--set %s: %s", key, msg);
	else
		sc_problem_add(l->pr, 0, "%s%s.%s: %s", line ? "--set " : "",
			       section, key, msg);
}

static void fmt_ns(char *b, size_t len, int64_t ns)
{
	if (ns % NSEC_PER_SEC == 0)
		snprintf(b, len, "%llds", (long long)(ns / NSEC_PER_SEC));
	else if (ns % NSEC_PER_MSEC == 0)
		snprintf(b, len, "%lldms", (long long)(ns / NSEC_PER_MSEC));
	else
		snprintf(b, len, "%lldns", (long long)ns);
}

static void fmt_bytes(char *b, size_t len, uint64_t v)
{
	static const char units[] = "TGMK";
	int i;

	for (i = 0; v && i < 4; i++) {
		int shift = 10 * (4 - i);

		if (!(v & ((1ULL << shift) - 1))) {
			snprintf(b, len, "%llu%c",
				 (unsigned long long)(v >> shift), units[i]);
			return;
		}
	}
	snprintf(b, len, "%llu bytes", (unsigned long long)v);
}

/* Expand s as the run would; NULL after a problem with SECTION.KEY */
static const char *expand(struct lint *l, const char *section, const char *key,
			  int nth, const char *s, char *out, size_t len)
{
	char err[200];
	size_t pos = 0, i;
	int lines = 0;

	if (!scenario_expand_at(l->x, s, out, len, err, sizeof(err), &pos))
		return out;
	for (i = 0; i < pos && s[i]; i++)
		lines += s[i] == '\n';
	at(l, section, key, nth, lines, "%s", err);
	return NULL;
}

static void list_series(char *b, size_t len, const struct mm_source_ops *ops)
{
	const char *const *p;
	size_t n = 0;

	b[0] = '\0';
	for (p = ops->series; p && *p && n < len; p++)
		n += (size_t)snprintf(b + n, len - n, "%s%s",
				      p == ops->series ? "" : ", ", *p);
}

static void list_sources(char *b, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < mm_nsources && n < len; i++)
		n += (size_t)snprintf(b + n, len - n, "%s, ",
				      mm_sources[i]->name);
	if (n < len)
		snprintf(b + n, len - n, "trace");
}

/*
 * The [trace] events (groups, or events of a group) take in group; or
 * name one that does not exist, which check_trace() tells instead
 */
static bool traces_group(const struct scenario *sc, const char *group)
{
	char ev[SC_STR], *w, *save;
	int g;

	if (!sc->trace_events[0])
		return true; /* every group */
	snprintf(ev, sizeof(ev), "%s", sc->trace_events);
	for (w = strtok_r(ev, ", ", &save); w;
	     w = strtok_r(NULL, ", ", &save)) {
		g = trace_group_of(w);
		if (g < 0 || !strcmp(trace_group_name(g), group))
			return true;
	}
	return false;
}

/*
 * A series some source or tracer group of this scenario provides;
 * false with why.  A metric of the tracer's in a run that turned it off
 * (enable = no) is left without values, as asked.
 */
static bool series_ok(const struct scenario *sc, const char *s, bool metric,
		      char *why, size_t len)
{
	const char *dot = strchr(s, '.'), *group;
	const struct mm_source_ops *ops;
	char list[400];
	size_t i, n = 0;

	if (!dot || dot == s || !dot[1]) {
		snprintf(why, len, "'%s' is not SOURCE.SERIES", s);
		return false;
	}
	if (dot - s == 5 && !strncmp(s, "trace", 5)) {
		group = trace_timeline_group(s);
		if (!group) {
			for (i = 0; trace_timeline_col(i) && n < sizeof(list);
			     i++)
				n += (size_t)snprintf(list + n,
						      sizeof(list) - n, "%s%s",
						      i ? ", " : "",
						      trace_timeline_col(i));
			snprintf(why, len, "the tracer has no series '%s' (%s)",
				 s, list);
			return false;
		}
		if (!scenario_traced(sc)) {
			if (metric && sc->trace_enable == 0)
				return true;
			snprintf(
				why, len,
				sc->trace_enable == 0 ?
					"'%s' comes from the tracer, which [trace] enable = no turns off" :
					"'%s' comes from the tracer: add a [trace] section (events = %s)",
				s, group);
			return false;
		}
		if (!traces_group(sc, group)) {
			snprintf(
				why, len,
				"'%s' comes from the tracer's %s group, which [trace] events = %s leaves out",
				s, group, sc->trace_events);
			return false;
		}
		return true;
	}
	ops = src_by_name(s, (size_t)(dot - s));
	if (!ops) {
		list_sources(list, sizeof(list));
		snprintf(why, len, "no source '%.*s' (%s)", (int)(dot - s), s,
			 list);
		return false;
	}
	if (!src_may_derive(ops, dot + 1)) {
		list_series(list, sizeof(list), ops);
		snprintf(why, len, "%s has no series '%s' (%s)", ops->name,
			 dot + 1, list);
		return false;
	}
	return true;
}

/*
 * A condition's operand: a number, a {var} holding one of these, a
 * wmark.{min,low,high}_MiB or a series
 */
static void operand(struct lint *l, const char *key, int nth, const char *s)
{
	char buf[SC_STR], why[600], which[16], tail[8], *end;
	const char *v = s;

	if (s[0] == '{') {
		v = expand(l, "verdict", key, nth, s, buf, sizeof(buf));
		if (!v)
			return;
	}
	strtod(v, &end);
	if (*v && !*end)
		return;
	if (!strncmp(v, "wmark.", 6)) {
		if (sscanf(v + 6, "%15[a-z]%7s", which, tail) != 2 ||
		    strcmp(tail, "_MiB") ||
		    (strcmp(which, "min") && strcmp(which, "low") &&
		     strcmp(which, "high")))
			at(l, "verdict", key, nth, 0,
			   "'%s' is not wmark.min_MiB, wmark.low_MiB or wmark.high_MiB",
			   v);
		return;
	}
	if (!series_ok(l->sc, v, false, why, sizeof(why)))
		at(l, "verdict", key, nth, 0, "%s%s%s%s", why,
		   v != s ? " (from '" : "", v != s ? s : "",
		   v != s ? "')" : "");
}

static void check_verdict(struct lint *l)
{
	const struct scenario *sc = l->sc;
	char buf[SC_STR], why[600], *end;
	const char *v;
	int64_t ns;
	int i;

	for (i = 0; i < sc->nwhen; i++) {
		operand(l, "when", i, sc->when[i].lhs);
		operand(l, "when", i, sc->when[i].rhs);
	}
	if (sc->has_from) {
		operand(l, "from", 0, sc->from.lhs);
		operand(l, "from", 0, sc->from.rhs);
	}
	if (sc->has_to) {
		operand(l, "to", 0, sc->to.lhs);
		operand(l, "to", 0, sc->to.rhs);
	}
	if (sc->has_mean) {
		operand(l, "mean", 0, sc->mean.lhs);
		operand(l, "mean", 0, sc->mean.rhs);
	}
	if (sc->min_delay[0]) {
		v = expand(l, "verdict", "min_delay", 0, sc->min_delay, buf,
			   sizeof(buf));
		if (v && parse_duration_ns(v, &ns))
			at(l, "verdict", "min_delay", 0, 0,
			   "invalid duration '%s' (from '%s')", v,
			   sc->min_delay);
	}
	if (!sc->has_metric)
		return;
	v = expand(l, "verdict", "metric", 0, sc->metric_cond.rhs, buf,
		   sizeof(buf));
	if (v) {
		strtod(v, &end);
		if (!*v || *end)
			at(l, "verdict", "metric", 0, 0,
			   "'%s' is not a number%s%s%s", v,
			   v != sc->metric_cond.rhs ? " (from '" : "",
			   v != sc->metric_cond.rhs ? sc->metric_cond.rhs : "",
			   v != sc->metric_cond.rhs ? "')" : "");
	}
	/* the metric it judges must have values, tracer or not */
	for (i = 0; i < sc->nmetrics; i++)
		if (!strcmp(sc->metric[i].name, sc->metric_cond.lhs) &&
		    sc->metric[i].series[0] &&
		    series_ok(sc, sc->metric[i].series, true, why,
			      sizeof(why)) &&
		    !series_ok(sc, sc->metric[i].series, false, why,
			       sizeof(why)))
			at(l, "verdict", "metric", 0, 0,
			   "[metric.%s] has no values in this run: %s",
			   sc->metric[i].name, why);
}

static void check_metrics(struct lint *l)
{
	const struct scenario *sc = l->sc;
	char section[64], why[600];
	int i;

	for (i = 0; i < sc->nmetrics; i++) {
		const struct sc_metric *m = &sc->metric[i];

		if (!m->series[0] ||
		    series_ok(sc, m->series, true, why, sizeof(why)))
			continue;
		snprintf(section, sizeof(section), "metric.%s", m->name);
		at(l, section, "series", 0, 0, "%s", why);
	}
}

static void check_phases(struct lint *l)
{
	const struct scenario *sc = l->sc;
	char section[48], buf[SC_STR * 2];
	const char *v;
	int64_t ns;
	int i;

	for (i = 0; i < sc->nphases; i++) {
		const struct sc_phase *p = &sc->phase[i];

		snprintf(section, sizeof(section), "phase.%s", p->name);
		expand(l, section, "cmd", 0, p->cmd, buf, sizeof(buf));
		if (!p->end_arg[0])
			continue;
		v = expand(l, section, "end", 0, p->end_arg, buf, sizeof(buf));
		if (v && (parse_duration_ns(v, &ns) || ns <= 0))
			at(l, section, "end", 0, 0,
			   "invalid duration '%s' (from 'duration:%s')", v,
			   p->end_arg);
	}
}

static void check_swap(struct lint *l)
{
	const struct scenario *sc = l->sc;
	char buf[SC_STR], b[32];
	const char *v;
	uint64_t bytes;
	double m;
	char *end;

	if (sc->swap_type[0]) {
		v = expand(l, "swap", "type", 0, sc->swap_type, buf,
			   sizeof(buf));
		if (v && strcmp(v, "zram") && strcmp(v, "disk") &&
		    strcmp(v, "none") && strcmp(v, "keep"))
			at(l, "swap", "type", 0, 0,
			   "expected zram, disk, none or keep, not '%s' (from '%s')",
			   v, sc->swap_type);
	}
	if (sc->swap_algo[0])
		expand(l, "swap", "algorithm", 0, sc->swap_algo, buf,
		       sizeof(buf));
	if (!sc->swap_size[0])
		return;
	v = expand(l, "swap", "size", 0, sc->swap_size, buf, sizeof(buf));
	if (!v)
		return;
	/* the upper limits depend on RAM: the run checks them (swap.c) */
	if (*v && v[strlen(v) - 1] == 'x') {
		m = strtod(v, &end);
		if (*end != 'x' || end == v || !(m > 0))
			at(l, "swap", "size", 0, 0,
			   "'%s' is not a multiple of RAM above 0 (e.g. 2x)",
			   v);
		return;
	}
	if (strtod(v, &end) >= 0x1p64)
		return;
	if (parse_size(v, &bytes)) {
		at(l, "swap", "size", 0, 0,
		   "'%s' is not a size (use 2x of RAM, or 1G)", v);
		return;
	}
	fmt_bytes(b, sizeof(b), bytes);
	if (bytes < MIN_SWAP)
		at(l, "swap", "size", 0, 0,
		   "%s is below 1M (a bare number is bytes: use 2x of RAM, or 1G)",
		   b);
}

/* A [scenario] duration or size as the file would write it; 0 if in range */
static int key_value(const struct scenario *sc, const struct sc_key *k, char *b,
		     size_t len)
{
	const void *f = sc_key_field(k, (void *)sc);
	int64_t ns;
	uint64_t bytes;

	if (k->type == SCK_DUR) {
		memcpy(&ns, f, sizeof(ns));
		fmt_ns(b, len, ns);
		return ns < k->min || ns > k->max;
	}
	memcpy(&bytes, f, sizeof(bytes));
	fmt_bytes(b, len, bytes);
	return bytes < (uint64_t)k->min || bytes > (uint64_t)k->max;
}

/* Its value, to compare: an int64_t duration or a uint64_t size */
static long double key_num(const struct scenario *sc, const struct sc_key *k)
{
	const void *f = sc_key_field(k, (void *)sc);
	int64_t ns;
	uint64_t bytes;

	if (k->type == SCK_DUR)
		return memcpy(&ns, f, sizeof(ns)), (long double)ns;
	return memcpy(&bytes, f, sizeof(bytes)), (long double)bytes;
}

static const struct sc_key *key_row(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < sc_nkeys; i++)
		if (!strcmp(sc_keys[i].section, section) &&
		    !strcmp(sc_keys[i].name, name))
			return &sc_keys[i];
	return NULL;
}

/* The ranges of the [scenario] rows that have one (sc_keys[]) */
static void check_ranges(struct lint *l)
{
	const struct sc_key *k, *o;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < sc_nkeys; i++) {
		k = &sc_keys[i];
		if (!k->range || k->base != SCB_SCENARIO)
			continue;
		if (key_value(l->sc, k, a, sizeof(a))) {
			at(l, k->section, k->name, 0, 0,
			   "%s is out of range (%s)", a, k->range);
			continue;
		}
		o = k->above ? key_row(k->section, k->above) : NULL;
		/* in range, and only then: above the other key */
		if (!o || key_num(l->sc, o) < key_num(l->sc, k))
			continue;
		key_value(l->sc, o, b, sizeof(b));
		at(l, o->section, o->name, 0, 0,
		   "%s is not shorter than the %s (%s)", b, k->name, a);
	}
}

static void check_scenario(struct lint *l)
{
	const struct scenario *sc = l->sc;
	const char *s;

	for (s = sc->name; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			break;
	if (sc->name[0] && (*s || sc->name[0] == '.'))
		at(l, "scenario", "name", 0, 0,
		   "'%s' is not a plain word (letters, digits, _ . -; no leading dot): it names the results directory",
		   sc->name);
	check_ranges(l);
}

/* KEY's list of groups or events: the first unknown one, said at KEY */
static bool check_names(struct lint *l, const char *key, const char *names)
{
	char ev[SC_STR], *w, *save, list[400];
	size_t g, n = 0;

	snprintf(ev, sizeof(ev), "%s", names);
	for (w = strtok_r(ev, ", ", &save); w;
	     w = strtok_r(NULL, ", ", &save)) {
		if (trace_group_of(w) >= 0)
			continue;
		for (g = 0; g < trace_ngroups && n < sizeof(list); g++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
					      "%s%s", g ? ", " : "",
					      trace_group_name(g));
		at(l, "trace", key, 0, 0, "no group or event '%s' (groups: %s)",
		   w, list);
		return false;
	}
	return true;
}

static void check_trace(struct lint *l)
{
	char ev[SC_STR], *w, *save;

	if (!check_names(l, "events", l->sc->trace_events) ||
	    !check_names(l, "list", l->sc->trace_list))
		return;
	snprintf(ev, sizeof(ev), "%s", l->sc->trace_list);
	for (w = strtok_r(ev, ", ", &save); w;
	     w = strtok_r(NULL, ", ", &save)) {
		const char *g = trace_group_name((size_t)trace_group_of(w));

		if (!traces_group(l->sc, g)) {
			at(l, "trace", "list", 0, 0,
			   "%s is not traced: [trace] events = %s leaves it out",
			   g, l->sc->trace_events);
			return;
		}
	}
}

int scenario_lint(const struct scenario *sc, struct sc_problems *pr)
{
	static const char *const own[] = { "out", "repro", "netns" };
	struct lint l = { .sc = sc, .pr = pr };
	size_t i;

	l.x = malloc(sizeof(*l.x));
	if (!l.x)
		die("out of memory");
	/* the variables that every run defines (runner.c add_vars()) */
	memcpy(l.x, sc, sizeof(*sc));
	for (i = 0; i < ARRAY_SIZE(own) && l.x->nvars < SC_MAX_VARS; i++) {
		struct sc_kv *kv = &l.x->vars[l.x->nvars++];

		snprintf(kv->key, sizeof(kv->key), "%s", own[i]);
		snprintf(kv->val, sizeof(kv->val), "%s",
			 i == 2 ? sc->netns : own[i]);
	}
	scenario_check_all(sc, pr);
	check_scenario(&l);
	check_swap(&l);
	check_phases(&l);
	check_metrics(&l);
	check_verdict(&l);
	check_trace(&l);
	free(l.x);
	sc_problems_sort(pr);
	return pr->n;
}

int scenario_verify(const struct scenario *sc, char *err, size_t elen)
{
	struct sc_problems *pr = calloc(1, sizeof(*pr));
	char first[700];
	int n;

	if (!pr)
		die("out of memory");
	n = scenario_lint(sc, pr);
	if (n) {
		sc_problem_fmt(sc->path, &pr->p[0], first, sizeof(first));
		if (n > 1)
			snprintf(err, elen,
				 "%s (and %d more: see 'mmrepro check %s')",
				 first, n - 1, sc->path);
		else
			snprintf(err, elen, "%s", first);
	}
	free(pr);
	return n ? -1 : 0;
}
