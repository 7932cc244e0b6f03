// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario files: parsed with inih (the library's handler has no line
 * number, but ini_parse() reports the line of the first handler that
 * returns 0, which is where the first error message belongs).
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"
#include "util.h"

#define MAX_SECTIONS 64

struct pstate {
	struct scenario *sc;
	struct sc_problems *pr;
	bool override; /* from --set: nothing new but sysctls */
	int line; /* lines seen by the reader */
	int section_line; /* where the current [section] began */
	int bad_section; /* the [section] already reported unknown */
	bool key_seen; /* a key since the [section]: indented lines continue */
	bool cont; /* the line read is such a continuation */
	int nsections;
	char section[MAX_SECTIONS][52]; /* headers seen, for duplicates */
	int section_at[MAX_SECTIONS];
};

void sc_problem_add(struct sc_problems *pr, int line, const char *fmt, ...)
{
	va_list ap;

	if (pr->n < SC_MAX_PROBLEMS) {
		pr->p[pr->n].line = line;
		va_start(ap, fmt);
		vsnprintf(pr->p[pr->n].msg, sizeof(pr->p[0].msg), fmt, ap);
		va_end(ap);
	}
	pr->n++;
}

/* no line known: last */
static int sort_key(const struct sc_problem *p)
{
	return p->line > 0 ? p->line : INT_MAX;
}

void sc_problems_sort(struct sc_problems *pr)
{
	int n = pr->n < SC_MAX_PROBLEMS ? pr->n : SC_MAX_PROBLEMS, i, j;

	/* insertion sort: stable, and n is small */
	for (i = 1; i < n; i++) {
		struct sc_problem t = pr->p[i];

		for (j = i; j > 0 && sort_key(&pr->p[j - 1]) > sort_key(&t);
		     j--)
			pr->p[j] = pr->p[j - 1];
		pr->p[j] = t;
	}
}

void sc_problem_fmt(const char *path, const struct sc_problem *p, char *buf,
		    size_t len)
{
	if (p->line > 0)
		snprintf(buf, len, "%s:%d: %s", path, p->line, p->msg);
	else
		snprintf(buf, len, "%s: %s", path, p->msg);
}

static int fail(struct pstate *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A problem on the line being read; 0, for inih's handler */
static int fail(struct pstate *ps, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sc_problem_add(ps->pr, ps->line, "%s", msg);
	return 0;
}

static int copy(struct pstate *ps, char *dst, size_t len, const char *v,
		const char *key)
{
	if (strlen(v) >= len)
		return fail(ps, "%s: value too long (at most %zu characters)",
			    key, len - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 1;
}

static int dur(struct pstate *ps, int64_t *out, const char *v, const char *k)
{
	if (parse_duration_ns(v, out))
		return fail(
			ps,
			"%s: invalid duration '%s' (use e.g. 500ms, 40s, 2m)",
			k, v);
	return 1;
}

static int sz(struct pstate *ps, uint64_t *out, const char *v, const char *k)
{
	if (!*v) {
		*out = 0;
		return 1;
	}
	if (parse_size(v, out))
		return fail(ps, "%s: invalid size '%s' (use e.g. 512M, 5G)", k,
			    v);
	return 1;
}

static int boolean(struct pstate *ps, bool *out, const char *v, const char *k)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return fail(ps, "%s: expected yes or no, not '%s'", k, v);
	return 1;
}

static bool valid_name(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    !strchr(extra, *s))
			return false;
	return true;
}

static struct sc_kv *kv_find(struct sc_kv *kv, int n, const char *k)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, k))
			return &kv[i];
	return NULL;
}

static int h_kv(struct pstate *ps, struct sc_kv *kv, int *n, int max,
		const char *what, const char *k, const char *v, bool may_add)
{
	struct sc_kv *e = kv_find(kv, *n, k);

	if (!e) {
		if (!may_add)
			return fail(ps, "unknown key '%s' in [%s]", k, what);
		if (*n == max)
			return fail(ps, "too many entries in [%s] (at most %d)",
				    what, max);
		e = &kv[(*n)++];
		if (copy(ps, e->key, sizeof(e->key), k, k) != 1)
			return 0;
	}
	e->line = ps->line;
	return copy(ps, e->val, sizeof(e->val), v, k);
}

static int h_sysctl(struct pstate *ps, const char *k, const char *v)
{
	struct scenario *sc = ps->sc;

	/* a name under /proc/sys: dotted words, no slashes or spaces */
	if (!valid_name(k, ".") || k[0] == '.' || strstr(k, "..") ||
	    !strchr(k, '.'))
		return fail(
			ps,
			"bad sysctl name '%s' (expected e.g. vm.swappiness)",
			k);
	return h_kv(ps, sc->sysctl, &sc->nsysctl, SC_MAX_SYSCTLS, "sysctl", k,
		    v, true);
}

static int h_vars(struct pstate *ps, const char *k, const char *v)
{
	if (!valid_name(k, ""))
		return fail(ps, "bad variable name '%s'", k);
	return h_kv(ps, ps->sc->vars, &ps->sc->nvars, SC_MAX_VARS, "vars", k, v,
		    !ps->override);
}

/* --- the parsers of the rows that SCK_FN names --- */

static int p_netns(struct pstate *ps, void *base, const struct sc_key *k,
		   const char *v)
{
	if (*v && !valid_name(v, ""))
		return fail(ps, "netns: invalid name '%s'", v);
	return copy(ps, sc_key_field(k, base), k->size, v, k->name);
}

static int p_cmd(struct pstate *ps, void *base, const struct sc_key *k,
		 const char *v)
{
	struct sc_phase *p = base;
	size_t n = strlen(p->cmd);

	/* indented continuation lines add lines to the script */
	if (ps->override || !n)
		return copy(ps, p->cmd, sizeof(p->cmd), v, k->name);
	if (n + 1 + strlen(v) >= sizeof(p->cmd))
		return fail(ps, "cmd: longer than %zu characters",
			    sizeof(p->cmd) - 1);
	p->cmd[n] = '\n';
	memcpy(p->cmd + n + 1, v, strlen(v) + 1);
	return 1;
}

static int p_ready(struct pstate *ps, void *base, const struct sc_key *k,
		   const char *v)
{
	struct sc_phase *p = base;

	(void)k;
	if (!strcmp(v, "start")) {
		p->ready = READY_START;
	} else if (!strcmp(v, "exit")) {
		p->ready = READY_EXIT;
	} else if (!strncmp(v, "line:", 5) && v[5]) {
		p->ready = READY_LINE;
		return copy(ps, p->ready_arg, sizeof(p->ready_arg), v + 5,
			    "ready");
	} else if (!strncmp(v, "delay:", 6)) {
		p->ready = READY_DELAY;
		return dur(ps, &p->ready_ns, v + 6, "ready");
	} else {
		return fail(
			ps,
			"ready: expected start, exit, line:TEXT or delay:TIME, not '%s'",
			v);
	}
	return 1;
}

static int p_end(struct pstate *ps, void *base, const struct sc_key *k,
		 const char *v)
{
	struct sc_phase *p = base;

	(void)k;
	if (!strcmp(v, "exit"))
		p->end = END_EXIT;
	else if (!strcmp(v, "run"))
		p->end = END_RUN;
	else if (!strncmp(v, "duration:", 9) && strchr(v + 9, '{')) {
		p->end = END_DURATION;
		if (strlen(v + 9) >= sizeof(p->end_arg))
			return fail(ps, "end: '%s' is too long", v);
		snprintf(p->end_arg, sizeof(p->end_arg), "%s", v + 9);
	} else if (!strncmp(v, "duration:", 9))
		return p->end = END_DURATION, dur(ps, &p->end_ns, v + 9, "end");
	else
		return fail(
			ps,
			"end: expected exit, run or duration:TIME, not '%s'",
			v);
	return 1;
}

static int p_series(struct pstate *ps, void *base, const struct sc_key *k,
		    const char *v)
{
	if (!strchr(v, '.'))
		return fail(ps, "series: expected SOURCE.METRIC, not '%s'", v);
	return copy(ps, sc_key_field(k, base), k->size, v, k->name);
}

static int parse_when(struct pstate *ps, struct sc_when *w, const char *k,
		      const char *v)
{
	static const char *const ops[] = { "<=", ">=", "<", ">" };
	static const enum sc_op opv[] = { OP_LE, OP_GE, OP_LT, OP_GT };
	char lhs[96], op[4], rhs[96];
	size_t i;

	if (sscanf(v, "%95s %3s %95s", lhs, op, rhs) != 3)
		return fail(ps, "%s: expected '%s OP VALUE', not '%s'", k,
			    strcmp(k, "metric") ? "SERIES" : "METRIC", v);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(op, ops[i]))
			break;
	if (i == ARRAY_SIZE(ops))
		return fail(ps, "%s: operator '%s' is not <, <=, > or >=", k,
			    op);
	snprintf(w->lhs, sizeof(w->lhs), "%s", lhs);
	snprintf(w->rhs, sizeof(w->rhs), "%s", rhs);
	w->op = opv[i];
	return 1;
}

static int p_when(struct pstate *ps, void *base, const struct sc_key *k,
		  const char *v)
{
	struct scenario *sc = base;

	if (ps->override)
		sc->nwhen = 0; /* --set verdict.when replaces them */
	if (sc->nwhen == SC_MAX_WHEN)
		return fail(ps, "when: at most %d conditions", SC_MAX_WHEN);
	return parse_when(ps, &sc->when[sc->nwhen++], k->name, v);
}

static int p_fixed(struct pstate *ps, void *base, const struct sc_key *k,
		   const char *v)
{
	struct scenario *sc = base;
	char name[64], dir[16], extra;

	(void)k;
	if (sscanf(v, "%63s %15s %c", name, dir, &extra) != 2 ||
	    (strcmp(dir, "lower") && strcmp(dir, "higher")) ||
	    strlen(name) >= sizeof(sc->expect_metric))
		return fail(ps, "fixed: expected METRIC lower|higher, not '%s'",
			    v);
	snprintf(sc->expect_metric, sizeof(sc->expect_metric), "%s", name);
	snprintf(sc->expect_better, sizeof(sc->expect_better), "%s",
		 strcmp(dir, "lower") ? "higher" : "lower");
	return 1;
}

/* count and filter: up to SC_MAX_TRACE strings that hold a `need' */
static int trace_list(struct pstate *ps, char *list, size_t size, int *n,
		      const char *k, const char *v, const char *need)
{
	if (!strchr(v, need[0]))
		return fail(ps, "%s: expected %s, not '%s'", k, need + 1, v);
	if (*n == SC_MAX_TRACE)
		return fail(ps, "%s: at most %d", k, SC_MAX_TRACE);
	return copy(ps, list + size * (size_t)(*n)++, size, v, k);
}

static int p_count(struct pstate *ps, void *base, const struct sc_key *k,
		   const char *v)
{
	struct scenario *sc = base;

	return trace_list(ps, sc->trace_count[0], sizeof(sc->trace_count[0]),
			  &sc->ntrace_counts, k->name, v, ":SYSTEM:EVENT");
}

static int p_filter(struct pstate *ps, void *base, const struct sc_key *k,
		    const char *v)
{
	struct scenario *sc = base;

	return trace_list(ps, sc->trace_filter[0], sizeof(sc->trace_filter[0]),
			  &sc->ntrace_filters, k->name, v, "=EVENT=EXPR");
}

/* --- the table --- */

#define F(b, type, field)                        \
	.base = b, .off = offsetof(type, field), \
	.size = sizeof(((type *)0)->field)
#define SC(field) F(SCB_SCENARIO, struct scenario, field)
#define PH(field) F(SCB_PHASE, struct sc_phase, field)
#define ME(field) F(SCB_METRIC, struct sc_metric, field)

static const char *const swap_types[] = { "zram", "disk", "none", "keep",
					  NULL };
static const char *const zswap_modes[] = { "off", "keep", NULL };
static const char *const betters[] = { "lower", "higher", NULL };
static const int yes_no[] = { 1, 0 };
const char *const sc_stat_names[] = { "median", "mean", "min",	 "max",
				      "p10",	"p90",	"total", NULL };

/*
 * Every key of a scenario file, in the order of the reference.  Error
 * messages come from the type ("KEY: invalid duration ..."), or from
 * the row's parser.
 */
const struct sc_key sc_keys[] = {
	{ "scenario", "name", SCK_STR, SC(name), .arg = "WORD",
	  .help = "required; names the results directory" },
	{ "scenario", "description", SCK_STR, SC(description), .arg = "TEXT",
	  .help = "one line for mmrepro list" },
	{ "scenario", "thread", SCK_STR, SC(thread), .arg = "TEXT",
	  .help = "the thread it comes from" },
	{ "scenario", "interval", SCK_DUR, SC(interval_ns), .def = "1s",
	  .min = NSEC_PER_MSEC, .max = 3600 * NSEC_PER_SEC,
	  .range = "1ms to 1h", .arg = "TIME", .help = "sample interval" },
	{ "scenario", "timeout", SCK_DUR, SC(timeout_ns), .def = "1800s",
	  .min = NSEC_PER_SEC, .max = 7 * 86400 * NSEC_PER_SEC,
	  .range = "1s to 7d", .above = "interval", .arg = "TIME",
	  .help = "the whole run" },
	{ "scenario", "mem", SCK_SIZE, SC(mem), .def = "2G", .min = 64LL << 20,
	  .max = 1LL << 40, .range = "64M to 1T; a bare number is bytes",
	  .arg = "SIZE", .help = "guest memory" },
	{ "scenario", "cpus", SCK_INT, SC(cpus), .def = "2", .min = 1,
	  .max = 64, .arg = "N", .help = "guest CPUs (capped at the host's)" },
	{ "scenario", "disk", SCK_SIZE, SC(disk), .arg = "SIZE",
	  .help = "a scratch ext4 disk at $MMREPRO_SCRATCH (default none)" },
	{ "scenario", "netns", SCK_FN, SC(netns), .parse = p_netns,
	  .arg = "NAME", .help = "create this network namespace (lo up)" },

	{ "swap", "type", SCK_STR, SC(swap_type), .choices = swap_types,
	  .flags = SCK_VARS, .arg = "zram|disk|none|keep",
	  .help = "the run's only swap (default: as it is)" },
	{ "swap", "size", SCK_STR, SC(swap_size), .arg = "3x|2G",
	  .help = "a multiple of RAM, or a size" },
	{ "swap", "algorithm", SCK_STR, SC(swap_algo), .arg = "NAME",
	  .help = "zram's compression algorithm, e.g. lz4" },
	{ "swap", "zswap", SCK_ENUM, SC(zswap_off), .choices = zswap_modes,
	  .vals = yes_no, .def = "keep", .arg = "off|keep",
	  .help = "zswap during the run" },

	{ "phase", "cmd", SCK_FN, PH(cmd), .parse = p_cmd, .arg = "SCRIPT",
	  .help = "run by /bin/sh -c; indented lines below it continue it" },
	{ "phase", "ready", SCK_FN, PH(ready), .parse = p_ready, .def = "exit",
	  .arg = "start|exit|line:TEXT|delay:TIME",
	  .help = "when the next phase starts" },
	{ "phase", "ready_timeout", SCK_DUR, PH(ready_ns), .def = "600s",
	  .arg = "TIME", .help = "how long to wait for it" },
	{ "phase", "end", SCK_FN, PH(end), .parse = p_end, .def = "exit",
	  .arg = "exit|duration:TIME|run", .help = "run: killed at the end" },
	{ "phase", "oom_score_adj", SCK_INT, PH(oom_score_adj), .min = -1000,
	  .max = 1000, .def = "0", .arg = "N",
	  .help = "for the phase's processes" },
	{ "phase", "may_fail", SCK_BOOL, PH(may_fail), .def = "no",
	  .arg = "yes|no", .help = "yes: a non-zero exit is not an error" },

	{ "metric", "series", SCK_FN, ME(series), .parse = p_series,
	  .arg = "SOURCE.SERIES", .help = "a column of derived.csv" },
	{ "metric", "stat", SCK_ENUM, ME(stat), .choices = sc_stat_names,
	  .def = "median", .arg = "median|mean|min|max|p10|p90|total",
	  .help = "total of a counter's rate: the counter's change, exact" },
	{ "metric", "during", SCK_STR, ME(during), .arg = "PHASE[&PHASE]",
	  .help = "while every one runs; default the whole run" },
	{ "metric", "unit", SCK_STR, ME(unit), .arg = "TEXT",
	  .help = "for the reports" },
	{ "metric", "better", SCK_ENUM, ME(lower_is_better), .choices = betters,
	  .vals = yes_no, .def = "lower", .arg = "lower|higher",
	  .help = "which way is better" },
	{ "metric", "gate", SCK_BOOL, ME(gate), .def = "no", .arg = "yes|no",
	  .help = "compare gates CI on it" },

	{ "verdict", "when", SCK_FN, SC(when), .parse = p_when,
	  .flags = SCK_REPEAT, .arg = "SERIES OP VALUE",
	  .help = "reproduced when all hold on consecutive samples" },
	{ "verdict", "for", SCK_DUR, SC(for_ns), .arg = "TIME",
	  .help = "for at least this long" },
	{ "verdict", "tolerate", SCK_DUR, SC(tolerate_ns), .arg = "TIME",
	  .help = "a stretch survives failing samples this long" },
	{ "verdict", "during", SCK_STR, SC(during), .arg = "PHASE[&PHASE]",
	  .help = "judge only while these run" },
	{ "verdict", "from", SCK_COND, SC(from),
	  .set = offsetof(struct scenario, has_from), .arg = "SERIES OP VALUE",
	  .help = "delay verdict: its start" },
	{ "verdict", "to", SCK_COND, SC(to),
	  .set = offsetof(struct scenario, has_to), .arg = "SERIES OP VALUE",
	  .help = "delay verdict: its end" },
	{ "verdict", "min_delay", SCK_STR, SC(min_delay), .arg = "TIME",
	  .help = "delay verdict: reproduced when longer" },
	{ "verdict", "mean", SCK_COND, SC(mean),
	  .set = offsetof(struct scenario, has_mean), .arg = "SERIES OP VALUE",
	  .help = "delay verdict: the series' mean over the delay" },
	{ "verdict", "to_name", SCK_STR, SC(to_name), .arg = "TEXT",
	  .help = "delay verdict: \"no TEXT within N s\"" },
	{ "verdict", "metric", SCK_COND, SC(metric_cond),
	  .set = offsetof(struct scenario, has_metric),
	  .arg = "METRIC OP VALUE",
	  .help = "metric verdict: a [metric.NAME] against a value" },

	{ "expect", "fixed", SCK_FN, SC(expect_metric), .parse = p_fixed,
	  .arg = "METRIC lower|higher",
	  .help = "what a kernel with the report's fix shows" },

	{ "trace", "enable", SCK_BOOL, SC(trace_enable), .arg = "yes|no",
	  .help = "default yes once [trace] has a key" },
	{ "trace", "events", SCK_STR, SC(trace_events), .arg = "LIST",
	  .help = "groups or events; default all" },
	{ "trace", "buffer_kb", SCK_INT, SC(trace_buffer_kb), .min = 1,
	  .max = 1 << 20, .arg = "N",
	  .help = "ring buffer per CPU (default 4096)" },
	{ "trace", "list", SCK_STR, SC(trace_list), .arg = "LIST",
	  .help = "groups listed event by event in trace/GROUP.events.csv" },
	{ "trace", "max_events", SCK_INT, SC(trace_max_events), .min = 0,
	  .max = INT_MAX, .arg = "N",
	  .help = "listed events a group (default 100000; 0: all)" },
	{ "trace", "raw", SCK_BOOL, SC(trace_raw), .arg = "yes|no",
	  .help = "keep every page read in trace/raw (trace --replay)" },
	{ "trace", "count", SCK_FN, SC(trace_count), .parse = p_count,
	  .flags = SCK_REPEAT, .arg = "SYSTEM:EVENT",
	  .help = "also count this event (up to 8)" },
	{ "trace", "filter", SCK_FN, SC(trace_filter), .parse = p_filter,
	  .flags = SCK_REPEAT, .arg = "EVENT=EXPR",
	  .help = "a kernel-side filter (up to 8)" },
};

const size_t sc_nkeys = ARRAY_SIZE(sc_keys);

const struct sc_free_section sc_free_sections[] = {
	{ "sysctl", "VALUE",
	  "a sysctl (e.g. vm.swappiness), set through the journal, restored at the end" },
	{ "vars", "VALUE", "{NAME} in values; --set NAME=VALUE" },
};

const size_t sc_nfree_sections = ARRAY_SIZE(sc_free_sections);

/* --- parsing by the table --- */

static void store_int(void *field, size_t size, long long v)
{
	if (size == sizeof(bool))
		*(bool *)field = v;
	else if (size == sizeof(int))
		*(int *)field = (int)v;
	else
		*(long long *)field = v;
}

static int choice(const char *const *c, const char *v)
{
	int i;

	for (i = 0; c[i]; i++)
		if (!strcmp(c[i], v))
			return i;
	return -1;
}

/* "a, b or c" */
static void choice_list(const char *const *c, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; c[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
				      !i       ? "" :
				      c[i + 1] ? ", " :
						 " or ",
				      c[i]);
}

/*
 * A value for a row, into base (a scenario, phase or metric): 1, 0 after
 * a problem, 2 for a value that is not one of the row's choices
 */
static int parse_key(struct pstate *ps, const struct sc_key *k, void *base,
		     const char *v)
{
	void *f = sc_key_field(k, base);
	char *end;
	long long n;
	bool b = false;
	int i = 0;

	switch (k->type) {
	case SCK_STR:
		if (k->choices && !((k->flags & SCK_VARS) && strchr(v, '{')))
			i = choice(k->choices, v);
		return i < 0 ? 2 : copy(ps, f, k->size, v, k->name);
	case SCK_SIZE:
		return sz(ps, f, v, k->name);
	case SCK_DUR:
		return dur(ps, f, v, k->name);
	case SCK_INT:
		n = strtoll(v, &end, 10);
		if (*end || n < k->min || n > k->max)
			return fail(ps, "%s: expected %lld to %lld, not '%s'",
				    k->name, k->min, k->max, v);
		store_int(f, k->size, n);
		return 1;
	case SCK_BOOL:
		if (!boolean(ps, &b, v, k->name))
			return 0;
		store_int(f, k->size, b);
		return 1;
	case SCK_ENUM:
		i = choice(k->choices, v);
		if (i >= 0)
			store_int(f, k->size, k->vals ? k->vals[i] : i);
		return i < 0 ? 2 : 1;
	case SCK_COND:
		*(bool *)((char *)base + k->set) = true;
		return parse_when(ps, f, k->name, v);
	case SCK_FN:
		return k->parse(ps, base, k, v);
	}
	return 0;
}

/* parse_key(), and the problem of a value that is not one of the choices */
static int parse_value(struct pstate *ps, const struct sc_key *k, void *base,
		       const char *v)
{
	char list[200];
	int ret = parse_key(ps, k, base, v);

	if (ret != 2)
		return ret;
	choice_list(k->choices, list, sizeof(list));
	return fail(ps, "%s: expected %s, not '%s'", k->name, list, v);
}

/* The defaults of a section's rows, into base */
static void key_defaults(struct pstate *ps, const char *section, void *base)
{
	size_t i;

	for (i = 0; i < sc_nkeys; i++)
		if (sc_keys[i].def && !strcmp(sc_keys[i].section, section))
			parse_value(ps, &sc_keys[i], base, sc_keys[i].def);
}

static void *open_phase(struct pstate *ps, const char *name)
{
	struct scenario *sc = ps->sc;
	struct sc_phase *p;
	int i;

	for (i = 0; i < sc->nphases; i++)
		if (!strcmp(sc->phase[i].name, name))
			return &sc->phase[i];
	if (ps->override)
		return fail(ps, "no phase '%s'", name), NULL;
	if (!valid_name(name, "") || strlen(name) >= sizeof(p->name))
		return fail(ps, "bad phase name '%s'", name), NULL;
	if (sc->nphases == SC_MAX_PHASES)
		return fail(ps, "too many phases (at most %d)", SC_MAX_PHASES),
		       NULL;
	p = &sc->phase[sc->nphases++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	key_defaults(ps, "phase", p);
	p->line = ps->section_line;
	return p;
}

static void *open_metric(struct pstate *ps, const char *name)
{
	struct scenario *sc = ps->sc;
	struct sc_metric *m;
	int i;

	for (i = 0; i < sc->nmetrics; i++)
		if (!strcmp(sc->metric[i].name, name))
			return &sc->metric[i];
	if (ps->override)
		return fail(ps, "no metric '%s'", name), NULL;
	if (!valid_name(name, "") || strlen(name) >= sizeof(m->name))
		return fail(ps, "bad metric name '%s'", name), NULL;
	if (sc->nmetrics == SC_MAX_METRICS)
		return fail(ps, "too many metrics"), NULL;
	m = &sc->metric[sc->nmetrics++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	key_defaults(ps, "metric", m);
	return m;
}

/*
 * --set of one verdict form (when, from/to, metric) replaces the file's
 * other forms: e.g. an untraced run judged on PSI instead of the
 * trace's stall seconds
 */
static void verdict_hook(struct pstate *ps, const char *k)
{
	struct scenario *sc = ps->sc;
	bool w = !strcmp(k, "when"), m = !strcmp(k, "metric");
	bool d = !strcmp(k, "from") || !strcmp(k, "to");

	if (!ps->override || !(w || m || d))
		return;
	if (!w)
		sc->nwhen = 0;
	if (!m)
		sc->has_metric = false;
	if (!d)
		sc->has_from = sc->has_to = sc->has_mean = false;
}

static void trace_hook(struct pstate *ps, const char *k)
{
	(void)k;
	ps->sc->trace_keys = true; /* any key, enable = no too */
}

/* The sections, in the order of the reference */
static const struct section {
	const char *name;
	bool named; /* [NAME.INSTANCE] */
	int (*free_key)(struct pstate *ps, const char *k, const char *v);
	void *(*open)(struct pstate *ps, const char *instance);
	void (*hook)(struct pstate *ps, const char *k);
} sections[] = {
	{ .name = "scenario" },
	{ .name = "sysctl", .free_key = h_sysctl },
	{ .name = "swap" },
	{ .name = "vars", .free_key = h_vars },
	{ .name = "phase", .named = true, .open = open_phase },
	{ .name = "metric", .named = true, .open = open_metric },
	{ .name = "verdict", .hook = verdict_hook },
	{ .name = "trace", .hook = trace_hook },
	{ .name = "expect" },
};

static const struct section *section_of(const char *section)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		n = strlen(sections[i].name);
		if (!strncmp(section, sections[i].name, n) &&
		    section[n] == (sections[i].named ? '.' : '\0'))
			return &sections[i];
	}
	return NULL;
}

/* The row of KEY in [SECTION] (phase.NAME: phase), or NULL */
static const struct sc_key *key_of(const char *section, const char *k)
{
	const struct section *s = section_of(section);
	size_t i;

	for (i = 0; s && i < sc_nkeys; i++)
		if (!strcmp(sc_keys[i].section, s->name) &&
		    !strcmp(sc_keys[i].name, k))
			return &sc_keys[i];
	return NULL;
}

/* A key is set once per section; SCK_REPEAT rows may repeat */
static bool repeatable(const char *section, const char *k)
{
	const struct sc_key *key = key_of(section, k);

	return key && (key->flags & SCK_REPEAT);
}

static int unknown_section(struct pstate *ps, const char *section,
			   const char *k)
{
	if (!ps->override && !ps->section_line)
		return fail(ps, "'%s' comes before any [section]", k);
	/* once per section, at its header */
	if (ps->override || ps->bad_section != ps->section_line)
		sc_problem_add(ps->pr, ps->section_line, "unknown section [%s]",
			       section);
	ps->bad_section = ps->section_line;
	return 0;
}

/*
 * Remember where SECTION.KEY was set, for the problems found after the
 * file is read; a key set twice in the file is one of them
 */
static void note_key(struct pstate *ps, const char *section, const char *k)
{
	struct scenario *sc = ps->sc;
	char key[sizeof(sc->keys[0].key)];
	bool found = false;
	int i;

	if (ps->cont || (size_t)snprintf(key, sizeof(key), "%s.%s", section,
					 k) >= sizeof(key))
		return;
	for (i = 0; i < sc->nkeys; i++) {
		if (strcmp(sc->keys[i].key, key))
			continue;
		if (ps->override)
			sc->keys[i].line = -1;
		else if (!found && !repeatable(section, k))
			fail(ps, "'%s' again in [%s] (first at line %d)", k,
			     section, sc->keys[i].line);
		found = true;
	}
	if ((found && ps->override) || sc->nkeys == SC_MAX_KEYS)
		return;
	snprintf(sc->keys[sc->nkeys].key, sizeof(key), "%s", key);
	sc->keys[sc->nkeys++].line = ps->override ? -1 : ps->line;
}

int scenario_key_line(const struct scenario *sc, const char *section,
		      const char *key, int nth)
{
	char k[sizeof(sc->keys[0].key)];
	int i;

	snprintf(k, sizeof(k), "%s.%s", section, key);
	for (i = 0; i < sc->nkeys; i++)
		if (!strcmp(sc->keys[i].key, k) && !nth--)
			return sc->keys[i].line;
	return 0;
}

static int handler(void *user, const char *section, const char *k,
		   const char *v)
{
	struct pstate *ps = user;
	const struct section *s = section_of(section);
	const struct sc_key *key;
	void *base = ps->sc;

	note_key(ps, section, k);
	if (!s)
		return unknown_section(ps, section, k);
	if (s->free_key)
		return s->free_key(ps, k, v);
	if (s->hook)
		s->hook(ps, k);
	if (s->open) {
		base = s->open(ps, section + strlen(s->name) + 1);
		if (!base)
			return 0;
	}
	key = key_of(section, k);
	if (!key)
		return fail(ps, "unknown key '%s' in [%s]", k, section);
	return parse_value(ps, key, base, v);
}

/* inih's own scanning: up to one of chars, or an inline "; comment" */
static const char *find_chars_or_comment(const char *s, const char *chars)
{
	bool was_space = false;

	while (*s && !strchr(chars, *s) && !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/*
 * What inih will make of a line, told here because inih would not: a
 * header without its ']', a line that is neither a header nor a key, a
 * section given twice.  Indented lines after a key continue its value.
 */
static void classify(struct pstate *ps, const char *line)
{
	const char *s = line, *start, *end;
	size_t len;
	int i;

	if (ps->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3; /* a UTF-8 BOM, which inih skips */
	start = s;
	while (isspace((unsigned char)*start))
		start++;
	ps->cont = false;
	if (!*start || *start == ';' || *start == '#')
		return;
	if (ps->key_seen && start > line) {
		ps->cont = true;
		return;
	}
	if (*start == '[') {
		end = find_chars_or_comment(start + 1, "]");
		if (*end != ']') {
			fail(ps, "section header '%.40s' has no ']'", start);
			return;
		}
		ps->key_seen = false;
		ps->section_line = ps->line;
		len = (size_t)(end - start - 1);
		for (i = 0; i < ps->nsections; i++)
			if (strlen(ps->section[i]) == len &&
			    !strncmp(ps->section[i], start + 1, len))
				break;
		if (i < ps->nsections) {
			fail(ps, "[%s] again (first at line %d)",
			     ps->section[i], ps->section_at[i]);
		} else if (ps->nsections < MAX_SECTIONS &&
			   len < sizeof(ps->section[0])) {
			memcpy(ps->section[i], start + 1, len);
			ps->section[i][len] = '\0';
			ps->section_at[ps->nsections++] = ps->line;
		}
		return;
	}
	end = find_chars_or_comment(start, "=:");
	if (*end != '=' && *end != ':') {
		fail(ps,
		     "syntax error: expected [section] or KEY = VALUE, not '%.40s'",
		     start);
		return;
	}
	ps->key_seen = true;
}

struct reader {
	FILE *f;
	struct pstate *ps;
	bool stop;
};

/*
 * inih's reader: a line at a time, counted so that problems can name
 * it.  Binary data ends the file; a line past inih's buffer (n - 1
 * characters) is a problem, and what inih sees of it an empty line.
 */
static char *reader(char *buf, int n, void *stream)
{
	struct reader *r = stream;
	struct pstate *ps = r->ps;
	size_t len = 0;
	bool longer = false;
	int c;

	if (r->stop)
		return NULL;
	while ((c = getc(r->f)) != EOF && c != '\n') {
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\f') {
			ps->line++;
			fail(ps,
			     "binary data (byte 0x%02x): not a scenario file",
			     c);
			r->stop = true;
			return NULL;
		}
		if (len + 1 < (size_t)n)
			buf[len++] = (char)c;
		else
			longer = true;
	}
	if (c == EOF && !len && !longer)
		return NULL;
	buf[len] = '\0';
	ps->line++;
	if (longer) {
		fail(ps,
		     "line longer than %d characters (inih's limit; a cmd may go on over indented lines)",
		     n - 1);
		buf[0] = '\0';
	}
	classify(ps, buf);
	return buf;
}

static void defaults(struct pstate *ps)
{
	memset(ps->sc, 0, sizeof(*ps->sc));
	key_defaults(ps, "scenario", ps->sc);
	ps->sc->trace_enable = -1;
	ps->sc->trace_max_events = -1;
	ps->sc->trace_raw = -1;
}

int scenario_parse(struct scenario *sc, const char *path,
		   struct sc_problems *pr)
{
	struct pstate *ps = calloc(1, sizeof(*ps));
	struct reader r = { .ps = ps };
	int line;

	if (!ps)
		die("out of memory");
	memset(pr, 0, sizeof(*pr));
	ps->sc = sc;
	ps->pr = pr;
	defaults(ps);
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	r.f = fopen(path, "re");
	if (!r.f) {
		sc_problem_add(pr, 0, "%s", strerror(errno));
		free(ps);
		return -1;
	}
	line = ini_parse_stream(reader, &r, handler, ps);
	if (ferror(r.f))
		sc_problem_add(pr, 0, "%s", strerror(EIO));
	fclose(r.f);
	/* classify() tells inih's syntax errors; in case it missed one */
	if (line > 0 && !pr->n)
		sc_problem_add(
			pr, line,
			"syntax error (expected [section] or key = value)");
	free(ps);
	sc_problems_sort(pr);
	return pr->n ? -1 : 0;
}

int scenario_load(struct scenario *sc, const char *path, char *err, size_t elen)
{
	struct sc_problems *pr = malloc(sizeof(*pr));
	int ret;

	if (!pr)
		die("out of memory");
	ret = scenario_parse(sc, path, pr);
	if (ret)
		sc_problem_fmt(path, &pr->p[0], err, elen);
	free(pr);
	return ret;
}

int scenario_set(struct scenario *sc, const char *assign, char *err,
		 size_t elen)
{
	struct sc_problems *pr = calloc(1, sizeof(*pr));
	struct pstate ps = { .sc = sc, .pr = pr, .override = true };
	char buf[SC_STR + 128], *eq, *dot, *sec, *key;
	int ok;

	if (!pr)
		die("out of memory");
	snprintf(buf, sizeof(buf), "%s", assign);
	eq = strchr(buf, '=');
	if (!eq) {
		snprintf(err, elen, "--set %s: expected KEY=VALUE", assign);
		free(pr);
		return -1;
	}
	*eq = '\0';
	dot = strchr(buf, '.');
	if (!dot) {
		sec = "vars";
		key = buf;
	} else if (!strncmp(buf, "phase.", 6) || !strncmp(buf, "metric.", 7)) {
		/* phase.NAME.KEY */
		dot = strchr(dot + 1, '.');
		if (!dot) {
			snprintf(err, elen,
				 "--set %s: expected %.6sNAME.KEY=VALUE",
				 assign, buf);
			free(pr);
			return -1;
		}
		*dot = '\0';
		sec = buf;
		key = dot + 1;
	} else {
		*dot = '\0';
		sec = buf;
		key = dot + 1;
	}
	ok = handler(&ps, sec, key, eq + 1);
	if (!ok)
		snprintf(err, elen, "--set %s: %s", assign, pr->p[0].msg);
	free(pr);
	return ok ? 0 : -1;
}

/*
 * A `during`: empty (the whole run), or phase names joined by '&' (while
 * every one of them runs).  The first unknown name goes to bad.
 */
static int during_check(const struct scenario *sc, const char *during,
			char *bad, size_t blen)
{
	char names[SC_STR], *name, *save;
	int j;

	snprintf(names, sizeof(names), "%s", during);
	for (name = strtok_r(names, "& \t", &save); name;
	     name = strtok_r(NULL, "& \t", &save)) {
		for (j = 0; j < sc->nphases; j++)
			if (!strcmp(sc->phase[j].name, name))
				break;
		if (j == sc->nphases) {
			snprintf(bad, blen, "%s", name);
			return -1;
		}
	}
	return 0;
}

void scenario_check_all(const struct scenario *sc, struct sc_problems *pr)
{
	char bad[64];
	int i;

	if (!sc->name[0])
		sc_problem_add(pr, 0, "[scenario] has no name");
	if (sc->has_from != sc->has_to ||
	    (sc->has_from + !!sc->nwhen + sc->has_metric) > 1)
		sc_problem_add(
			pr, 0,
			"[verdict] takes one of when/for, from/to (with min_delay, mean) or metric");
	for (i = 0; sc->has_metric && i < sc->nmetrics; i++)
		if (!strcmp(sc->metric[i].name, sc->metric_cond.lhs))
			break;
	if (sc->has_metric && i == sc->nmetrics)
		sc_problem_add(
			pr, 0,
			"[verdict] metric: no [metric.%s] in this scenario",
			sc->metric_cond.lhs);
	/* [expect] names a [metric], or the delay verdict's delay_s */
	for (i = 0; sc->expect_metric[0] && i < sc->nmetrics; i++)
		if (!strcmp(sc->metric[i].name, sc->expect_metric))
			break;
	if (sc->expect_metric[0] && i == sc->nmetrics &&
	    !(sc->has_from && !strcmp(sc->expect_metric, "delay_s")))
		sc_problem_add(
			pr, 0,
			"[expect] fixed: no [metric.%s] in this scenario",
			sc->expect_metric);
	if (!sc->nphases)
		sc_problem_add(pr, 0, "no [phase.NAME] section");
	for (i = 0; i < sc->nphases; i++)
		if (!sc->phase[i].cmd[0])
			sc_problem_add(pr, sc->phase[i].line,
				       "[phase.%s] has no cmd",
				       sc->phase[i].name);
	for (i = 0; i < sc->nmetrics; i++) {
		const char *d = sc->metric[i].during;

		if (!sc->metric[i].series[0])
			sc_problem_add(pr, 0, "[metric.%s] has no series",
				       sc->metric[i].name);
		if (during_check(sc, d, bad, sizeof(bad)))
			sc_problem_add(pr, 0,
				       "[metric.%s] during: no phase '%s'",
				       sc->metric[i].name, bad);
	}
}

int scenario_check(struct scenario *sc, char *err, size_t elen)
{
	struct sc_problems *pr = calloc(1, sizeof(*pr));
	int ret;

	if (!pr)
		die("out of memory");
	scenario_check_all(sc, pr);
	ret = pr->n ? -1 : 0;
	if (ret)
		sc_problem_fmt(sc->path, &pr->p[0], err, elen);
	free(pr);
	return ret;
}

int scenario_expand_at(const struct scenario *sc, const char *in, char *out,
		       size_t len, char *err, size_t elen, size_t *pos)
{
	const char *start = in;
	size_t n = 0;

	while (*in) {
		const char *close;
		struct sc_kv *v;
		char name[96];

		/* {{ and }}: a literal brace (awk '{{print $2}}') */
		if ((*in == '{' || *in == '}') && in[1] == *in) {
			if (n + 1 >= len)
				goto too_long;
			out[n++] = *in;
			in += 2;
			continue;
		}
		if (*in == '}') {
			snprintf(
				err, elen,
				"a '}' without its '{' (write }} for a literal brace)");
			goto bad;
		}
		if (*in != '{') {
			if (n + 1 >= len)
				goto too_long;
			out[n++] = *in++;
			continue;
		}
		close = strchr(in, '}');
		if (!close) {
			snprintf(
				err, elen,
				"unclosed '{' in '%.60s' (write {{ for a literal brace)",
				in);
			goto bad;
		}
		if ((size_t)(close - in - 1) >= sizeof(name))
			close = in + sizeof(name); /* too long: not a name */
		memcpy(name, in + 1, (size_t)(close - in - 1));
		name[close - in - 1] = '\0';
		if (!valid_name(name, "")) {
			snprintf(
				err, elen,
				"'{%.60s}' is not a {variable} (write {{ and }} for literal braces)",
				name);
			goto bad;
		}
		v = kv_find((struct sc_kv *)sc->vars, sc->nvars, name);
		if (!v) {
			snprintf(
				err, elen, "unknown variable {%s}%s", name,
				in > start && in[-1] == '$' ?
					" (a shell ${...} is written ${{...}})" :
					"");
			goto bad;
		}
		if (n + strlen(v->val) >= len)
			goto too_long;
		memcpy(out + n, v->val, strlen(v->val));
		n += strlen(v->val);
		in = close + 1;
	}
	out[n] = '\0';
	return 0;
too_long:
	snprintf(err, elen, "command too long after expansion");
bad:
	if (pos)
		*pos = (size_t)(in - start);
	return -1;
}

int scenario_expand(const struct scenario *sc, const char *in, char *out,
		    size_t len, char *err, size_t elen)
{
	return scenario_expand_at(sc, in, out, len, err, elen, NULL);
}

const char *scenario_dir(void)
{
	static char shared[4200];
	const char *d = getenv("MMREPRO_CONFIGS");
	struct stat st;

	if (d && *d)
		return d;
	/* ./configs in a source tree, else those that make install put */
	if ((stat("configs", &st) || !S_ISDIR(st.st_mode)) && share_dir() &&
	    !pathf(shared, sizeof(shared), "%s/configs", share_dir()) &&
	    !stat(shared, &st) && S_ISDIR(st.st_mode))
		return shared;
	return "configs";
}

int scenario_find(const char *arg, char *path, size_t len)
{
	struct stat st;

	if (strchr(arg, '/') || strstr(arg, ".ini"))
		snprintf(path, len, "%s", arg);
	else
		snprintf(path, len, "%s/%s.ini", scenario_dir(), arg);
	return stat(path, &st) || !S_ISREG(st.st_mode) ? -1 : 0;
}
