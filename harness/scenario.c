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

static int h_scenario(struct pstate *ps, const char *k, const char *v)
{
	struct scenario *sc = ps->sc;
	char *end;
	long n;

	if (!strcmp(k, "name"))
		return copy(ps, sc->name, sizeof(sc->name), v, k);
	if (!strcmp(k, "description"))
		return copy(ps, sc->description, sizeof(sc->description), v, k);
	if (!strcmp(k, "thread"))
		return copy(ps, sc->thread, sizeof(sc->thread), v, k);
	if (!strcmp(k, "mem"))
		return sz(ps, &sc->mem, v, k);
	if (!strcmp(k, "disk"))
		return sz(ps, &sc->disk, v, k);
	if (!strcmp(k, "interval"))
		return dur(ps, &sc->interval_ns, v, k);
	if (!strcmp(k, "timeout"))
		return dur(ps, &sc->timeout_ns, v, k);
	if (!strcmp(k, "netns")) {
		if (*v && !valid_name(v, ""))
			return fail(ps, "netns: invalid name '%s'", v);
		return copy(ps, sc->netns, sizeof(sc->netns), v, k);
	}
	if (!strcmp(k, "cpus")) {
		n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 64)
			return fail(ps, "cpus: expected 1 to 64, not '%s'", v);
		sc->cpus = (int)n;
		return 1;
	}
	return fail(ps, "unknown key '%s' in [scenario]", k);
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

static int h_swap(struct pstate *ps, const char *k, const char *v)
{
	struct scenario *sc = ps->sc;

	if (!strcmp(k, "type")) {
		/* {VAR}: checked when the run sets the swap up */
		if (strcmp(v, "zram") && strcmp(v, "disk") &&
		    strcmp(v, "none") && strcmp(v, "keep") && !strchr(v, '{'))
			return fail(
				ps,
				"type: expected zram, disk, none or keep, not '%s'",
				v);
		return copy(ps, sc->swap_type, sizeof(sc->swap_type), v, k);
	}
	if (!strcmp(k, "size"))
		return copy(ps, sc->swap_size, sizeof(sc->swap_size), v, k);
	if (!strcmp(k, "algorithm"))
		return copy(ps, sc->swap_algo, sizeof(sc->swap_algo), v, k);
	if (!strcmp(k, "zswap")) {
		if (strcmp(v, "off") && strcmp(v, "keep"))
			return fail(ps, "zswap: expected off or keep, not '%s'",
				    v);
		sc->zswap_off = !strcmp(v, "off");
		return 1;
	}
	return fail(ps, "unknown key '%s' in [swap]", k);
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

static int parse_ready(struct pstate *ps, struct sc_phase *p, const char *v)
{
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

static int parse_end(struct pstate *ps, struct sc_phase *p, const char *v)
{
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

static int h_phase(struct pstate *ps, const char *name, const char *k,
		   const char *v)
{
	struct scenario *sc = ps->sc;
	struct sc_phase *p = NULL;
	char *end;
	int i;

	for (i = 0; i < sc->nphases; i++)
		if (!strcmp(sc->phase[i].name, name))
			p = &sc->phase[i];
	if (!p) {
		if (ps->override)
			return fail(ps, "no phase '%s'", name);
		if (!valid_name(name, "") || strlen(name) >= sizeof(p->name))
			return fail(ps, "bad phase name '%s'", name);
		if (sc->nphases == SC_MAX_PHASES)
			return fail(ps, "too many phases (at most %d)",
				    SC_MAX_PHASES);
		p = &sc->phase[sc->nphases++];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->ready = READY_EXIT;
		p->end = END_EXIT;
		p->ready_ns = 600 * NSEC_PER_SEC;
		p->line = ps->section_line;
	}
	if (!strcmp(k, "cmd")) {
		size_t n = strlen(p->cmd);

		/* indented continuation lines add lines to the script */
		if (ps->override || !n)
			return copy(ps, p->cmd, sizeof(p->cmd), v, k);
		if (n + 1 + strlen(v) >= sizeof(p->cmd))
			return fail(ps, "cmd: longer than %zu characters",
				    sizeof(p->cmd) - 1);
		p->cmd[n] = '\n';
		memcpy(p->cmd + n + 1, v, strlen(v) + 1);
		return 1;
	}
	if (!strcmp(k, "ready"))
		return parse_ready(ps, p, v);
	if (!strcmp(k, "ready_timeout"))
		return dur(ps, &p->ready_ns, v, k);
	if (!strcmp(k, "end"))
		return parse_end(ps, p, v);
	if (!strcmp(k, "may_fail"))
		return boolean(ps, &p->may_fail, v, k);
	if (!strcmp(k, "oom_score_adj")) {
		long n = strtol(v, &end, 10);

		if (*end || n < -1000 || n > 1000)
			return fail(
				ps,
				"oom_score_adj: expected -1000 to 1000, not '%s'",
				v);
		p->oom_score_adj = (int)n;
		return 1;
	}
	return fail(ps, "unknown key '%s' in [phase.%s]", k, name);
}

static const char *const stat_names[] = {
	[ST_MEDIAN] = "median", [ST_MEAN] = "mean", [ST_MIN] = "min",
	[ST_MAX] = "max",	[ST_P10] = "p10",   [ST_P90] = "p90",
	[ST_TOTAL] = "total",
};

static int h_metric(struct pstate *ps, const char *name, const char *k,
		    const char *v)
{
	struct scenario *sc = ps->sc;
	struct sc_metric *m = NULL;
	size_t i;
	int j;

	for (j = 0; j < sc->nmetrics; j++)
		if (!strcmp(sc->metric[j].name, name))
			m = &sc->metric[j];
	if (!m) {
		if (ps->override)
			return fail(ps, "no metric '%s'", name);
		if (!valid_name(name, "") || strlen(name) >= sizeof(m->name))
			return fail(ps, "bad metric name '%s'", name);
		if (sc->nmetrics == SC_MAX_METRICS)
			return fail(ps, "too many metrics");
		m = &sc->metric[sc->nmetrics++];
		memset(m, 0, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->lower_is_better = true;
	}
	if (!strcmp(k, "series")) {
		if (!strchr(v, '.'))
			return fail(ps,
				    "series: expected SOURCE.METRIC, not '%s'",
				    v);
		return copy(ps, m->series, sizeof(m->series), v, k);
	}
	if (!strcmp(k, "stat")) {
		for (i = 0; i < ARRAY_SIZE(stat_names); i++)
			if (!strcmp(v, stat_names[i])) {
				m->stat = (enum sc_stat)i;
				return 1;
			}
		return fail(
			ps,
			"stat: expected median, mean, min, max, p10, p90 or total, not '%s'",
			v);
	}
	if (!strcmp(k, "during"))
		return copy(ps, m->during, sizeof(m->during), v, k);
	if (!strcmp(k, "unit"))
		return copy(ps, m->unit, sizeof(m->unit), v, k);
	if (!strcmp(k, "gate"))
		return boolean(ps, &m->gate, v, k);
	if (!strcmp(k, "better")) {
		if (strcmp(v, "lower") && strcmp(v, "higher"))
			return fail(
				ps,
				"better: expected lower or higher, not '%s'",
				v);
		m->lower_is_better = !strcmp(v, "lower");
		return 1;
	}
	return fail(ps, "unknown key '%s' in [metric.%s]", k, name);
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

static int h_verdict(struct pstate *ps, const char *k, const char *v)
{
	struct scenario *sc = ps->sc;

	/*
	 * --set of one verdict form (when, from/to, metric) replaces the
	 * file's other forms: e.g. an untraced run judged on PSI instead of
	 * the trace's stall seconds
	 */
	if (ps->override) {
		bool w = !strcmp(k, "when"), m = !strcmp(k, "metric");
		bool d = !strcmp(k, "from") || !strcmp(k, "to");

		if (w || m || d) {
			if (!w)
				sc->nwhen = 0;
			if (!m)
				sc->has_metric = false;
			if (!d)
				sc->has_from = sc->has_to = sc->has_mean =
					false;
		}
	}
	if (!strcmp(k, "when")) {
		if (ps->override)
			sc->nwhen = 0; /* --set verdict.when replaces them */
		if (sc->nwhen == SC_MAX_WHEN)
			return fail(ps, "when: at most %d conditions",
				    SC_MAX_WHEN);
		return parse_when(ps, &sc->when[sc->nwhen++], k, v);
	}
	if (!strcmp(k, "for"))
		return dur(ps, &sc->for_ns, v, k);
	if (!strcmp(k, "tolerate"))
		return dur(ps, &sc->tolerate_ns, v, k);
	if (!strcmp(k, "from"))
		return sc->has_from = true, parse_when(ps, &sc->from, k, v);
	if (!strcmp(k, "to"))
		return sc->has_to = true, parse_when(ps, &sc->to, k, v);
	if (!strcmp(k, "mean"))
		return sc->has_mean = true, parse_when(ps, &sc->mean, k, v);
	if (!strcmp(k, "metric"))
		return sc->has_metric = true,
		       parse_when(ps, &sc->metric_cond, k, v);
	if (!strcmp(k, "min_delay"))
		return copy(ps, sc->min_delay, sizeof(sc->min_delay), v, k);
	if (!strcmp(k, "to_name"))
		return copy(ps, sc->to_name, sizeof(sc->to_name), v, k);
	if (!strcmp(k, "during"))
		return copy(ps, sc->during, sizeof(sc->during), v, k);
	return fail(ps, "unknown key '%s' in [verdict]", k);
}

static int h_expect(struct pstate *ps, const char *k, const char *v)
{
	struct scenario *sc = ps->sc;
	char name[64], dir[16], extra;

	if (strcmp(k, "fixed"))
		return fail(ps, "unknown key '%s' in [expect]", k);
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

static int h_trace(struct pstate *ps, const char *k, const char *v)
{
	struct scenario *sc = ps->sc;
	char *end;
	long n;
	bool on;

	sc->trace_keys = true;
	if (!strcmp(k, "enable")) {
		if (!boolean(ps, &on, v, k))
			return 0;
		sc->trace_enable = on;
		return 1;
	}
	if (!strcmp(k, "events"))
		return copy(ps, sc->trace_events, sizeof(sc->trace_events), v,
			    k);
	if (!strcmp(k, "buffer_kb")) {
		n = strtol(v, &end, 10);
		if (*end || !*v || n < 1 || n > (1 << 20))
			return fail(
				ps,
				"buffer_kb: expected 1 to 1048576, not '%s'",
				v);
		sc->trace_buffer_kb = (int)n;
		return 1;
	}
	if (!strcmp(k, "count")) {
		if (!strchr(v, ':'))
			return fail(ps,
				    "count: expected SYSTEM:EVENT, not '%s'",
				    v);
		if (sc->ntrace_counts == SC_MAX_TRACE)
			return fail(ps, "count: at most %d", SC_MAX_TRACE);
		return copy(ps, sc->trace_count[sc->ntrace_counts++],
			    sizeof(sc->trace_count[0]), v, k);
	}
	if (!strcmp(k, "filter")) {
		if (!strchr(v, '='))
			return fail(ps, "filter: expected EVENT=EXPR, not '%s'",
				    v);
		if (sc->ntrace_filters == SC_MAX_TRACE)
			return fail(ps, "filter: at most %d", SC_MAX_TRACE);
		return copy(ps, sc->trace_filter[sc->ntrace_filters++],
			    sizeof(sc->trace_filter[0]), v, k);
	}
	return fail(ps, "unknown key '%s' in [trace]", k);
}

/* A key is set once per section; these may repeat */
static bool repeatable(const char *key)
{
	return !strcmp(key, "verdict.when") || !strcmp(key, "trace.count") ||
	       !strcmp(key, "trace.filter");
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
		else if (!found && !repeatable(key))
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

	note_key(ps, section, k);
	if (!strcmp(section, "scenario"))
		return h_scenario(ps, k, v);
	if (!strcmp(section, "sysctl"))
		return h_sysctl(ps, k, v);
	if (!strcmp(section, "swap"))
		return h_swap(ps, k, v);
	if (!strcmp(section, "vars")) {
		if (!valid_name(k, ""))
			return fail(ps, "bad variable name '%s'", k);
		return h_kv(ps, ps->sc->vars, &ps->sc->nvars, SC_MAX_VARS,
			    "vars", k, v, !ps->override);
	}
	if (!strncmp(section, "phase.", 6))
		return h_phase(ps, section + 6, k, v);
	if (!strncmp(section, "metric.", 7))
		return h_metric(ps, section + 7, k, v);
	if (!strcmp(section, "verdict"))
		return h_verdict(ps, k, v);
	if (!strcmp(section, "trace"))
		return h_trace(ps, k, v);
	if (!strcmp(section, "expect"))
		return h_expect(ps, k, v);
	if (!ps->override && !ps->section_line)
		return fail(ps, "'%s' comes before any [section]", k);
	/* once per section, at its header */
	if (ps->override || ps->bad_section != ps->section_line)
		sc_problem_add(ps->pr, ps->section_line, "unknown section [%s]",
			       section);
	ps->bad_section = ps->section_line;
	return 0;
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

static void defaults(struct scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->mem = 2ULL << 30;
	sc->cpus = 2;
	sc->interval_ns = NSEC_PER_SEC;
	sc->timeout_ns = 1800 * NSEC_PER_SEC;
	sc->trace_enable = -1;
}

int scenario_parse(struct scenario *sc, const char *path,
		   struct sc_problems *pr)
{
	struct pstate *ps = calloc(1, sizeof(*ps));
	struct reader r = { .ps = ps };
	int line;

	memset(pr, 0, sizeof(*pr));
	defaults(sc);
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	r.f = fopen(path, "re");
	if (!r.f || !ps) {
		sc_problem_add(pr, 0, "%s", strerror(errno));
		free(ps);
		if (r.f)
			fclose(r.f);
		return -1;
	}
	ps->sc = sc;
	ps->pr = pr;
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
