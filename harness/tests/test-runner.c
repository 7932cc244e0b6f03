// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario parsing, --set, variable expansion and the verdict, on files
 * made here: the expected answers are computed from the same data the
 * code under test reads.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "results.h"
#include "runner.h"
#include "scenario.h"
#include "util.h"

static char dir[64];
static char err[1024];

static const char *put(const char *name, const char *text)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(write_file(path, text, strlen(text)), 0);
	return path;
}

static const char good[] = "[scenario]\n"
			   "name = t\n"
			   "description = d\n"
			   "mem = 1536M\n"
			   "interval = 500ms\n"
			   "[sysctl]\n"
			   "vm.swappiness = 10\n"
			   "[vars]\n"
			   "n = 3\n"
			   "[phase.a]\n"
			   "cmd = sleep {n}\n"
			   "ready = line:go\n"
			   "end = duration:40s\n"
			   "[phase.b]\n"
			   "cmd = true\n"
			   "[metric.m]\n"
			   "series = x.y\n"
			   "stat = p90\n"
			   "better = higher\n"
			   "[verdict]\n"
			   "when = x.y > 5\n"
			   "when = x.z <= {n}\n"
			   "for = 2s\n";

static void test_load_good(void **state)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	char out[256];

	(void)state;
	assert_int_equal(
		scenario_load(sc, put("g.ini", good), err, sizeof(err)), 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	assert_string_equal(sc->name, "t");
	assert_int_equal(sc->mem, 1536ULL << 20);
	assert_int_equal(sc->interval_ns, 500 * NSEC_PER_MSEC);
	assert_int_equal(sc->nphases, 2);
	assert_string_equal(sc->phase[0].name, "a");
	assert_int_equal(sc->phase[0].ready, READY_LINE);
	assert_string_equal(sc->phase[0].ready_arg, "go");
	assert_int_equal(sc->phase[0].end, END_DURATION);
	assert_int_equal(sc->phase[0].end_ns, 40 * NSEC_PER_SEC);
	/* defaults of a phase that says nothing */
	assert_int_equal(sc->phase[1].ready, READY_EXIT);
	assert_int_equal(sc->phase[1].end, END_EXIT);
	assert_int_equal(sc->nwhen, 2);
	assert_int_equal(sc->when[1].op, OP_LE);
	assert_false(sc->metric[0].lower_is_better);
	assert_int_equal(sc->metric[0].stat, ST_P90);
	assert_int_equal(scenario_expand(sc, sc->phase[0].cmd, out, sizeof(out),
					 err, sizeof(err)),
			 0);
	assert_string_equal(out, "sleep 3");
	free(sc);
}

static void test_set(void **state)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	char out[256];

	(void)state;
	assert_int_equal(
		scenario_load(sc, put("g.ini", good), err, sizeof(err)), 0);
	assert_int_equal(scenario_set(sc, "n=7", err, sizeof(err)), 0);
	assert_int_equal(scenario_set(sc, "scenario.mem=5G", err, sizeof(err)),
			 0);
	assert_int_equal(
		scenario_set(sc, "phase.a.cmd=echo {n}", err, sizeof(err)), 0);
	/* a sysctl may be added, and one in the file replaced */
	assert_int_equal(scenario_set(sc, "sysctl.vm.defrag_mode=1", err,
				      sizeof(err)),
			 0);
	assert_int_equal(scenario_set(sc, "sysctl.vm.swappiness=60", err,
				      sizeof(err)),
			 0);
	assert_int_equal(sc->nsysctl, 2);
	assert_string_equal(sc->sysctl[0].val, "60");
	assert_int_equal(sc->mem, 5ULL << 30);
	assert_int_equal(scenario_expand(sc, sc->phase[0].cmd, out, sizeof(out),
					 err, sizeof(err)),
			 0);
	assert_string_equal(out, "echo 7");
	/* --set verdict.when replaces all the file's conditions */
	assert_int_equal(
		scenario_set(sc, "verdict.when=x.y < 1", err, sizeof(err)), 0);
	assert_int_equal(sc->nwhen, 1);
	/* what the file does not declare cannot be set */
	assert_int_not_equal(scenario_set(sc, "m=1", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown key 'm'"));
	assert_int_not_equal(
		scenario_set(sc, "phase.zz.cmd=x", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no phase 'zz'"));
	assert_int_not_equal(scenario_set(sc, "scenario.mem", err, sizeof(err)),
			     0);
	assert_int_not_equal(scenario_expand(sc, "{nope}", out, sizeof(out),
					     err, sizeof(err)),
			     0);
	assert_non_null(strstr(err, "{nope}"));
	free(sc);
}

/* {{ and }} are literal braces; any other brace must be a {var} */
static void test_expand_braces(void **state)
{
	static const struct {
		const char *in, *out, *err;
	} cases[] = {
		{ "awk '{{print $2}}' {n}", "awk '{print $2}' 3", NULL },
		{ "{{n}} {{{n}}}", "{n} {3}", NULL },
		{ "x}}y{{", "x}y{", NULL },
		{ "awk '{print $2}'", NULL,
		  "'{print $2}' is not a {variable}" },
		{ "echo }", NULL, "a '}' without its '{'" },
		{ "echo {n", NULL, "unclosed '{'" },
		{ "echo ${HOME}", NULL, "a shell ${...} is written ${{...}}" },
	};
	struct scenario *sc = calloc(1, sizeof(*sc));
	char out[256];
	size_t i, pos;

	(void)state;
	assert_int_equal(
		scenario_load(sc, put("g.ini", good), err, sizeof(err)), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = scenario_expand_at(sc, cases[i].in, out, sizeof(out),
					     err, sizeof(err), &pos);

		if (cases[i].out) {
			assert_int_equal(ret, 0);
			assert_string_equal(out, cases[i].out);
		} else {
			assert_int_equal(ret, -1);
			assert_non_null(strstr(err, cases[i].err));
			/* at the brace that is wrong */
			assert_true(strchr("{}", cases[i].in[pos]));
		}
	}
	free(sc);
}

static void test_errors_name_lines(void **state)
{
	static const struct {
		const char *text, *line, *why;
	} cases[] = {
		{ "[scenario]\nname = x\nfoo = 1\n",
		  ":3: ", "unknown key 'foo'" },
		{ "[scenario]\nname = x\n[nope]\na = 1\n",
		  ":3: ", "unknown section [nope]" },
		{ "[scenario]\nname = x\nmem = lots\n",
		  ":3: ", "invalid size" },
		{ "[scenario]\nname = x\n[phase.a]\nready = soon\n",
		  ":4: ", "ready: expected" },
		{ "[scenario]\nname = x\n[sysctl]\nvm/x = 1\n",
		  ":4: ", "bad sysctl name" },
		{ "[scenario]\nname = x\n\nno equals here\n",
		  ":4: ", "syntax error" },
		{ "[scenario]\nname = x\n[verdict]\nwhen = a ~ 3\n",
		  ":4: ", "operator '~'" },
	};
	struct scenario *sc = calloc(1, sizeof(*sc));
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_not_equal(scenario_load(sc,
						   put("b.ini", cases[i].text),
						   err, sizeof(err)),
				     0);
		assert_non_null(strstr(err, cases[i].line));
		assert_non_null(strstr(err, cases[i].why));
	}
	assert_int_equal(scenario_load(sc,
				       put("c.ini",
					   "[scenario]\nname = x\n"
					   "\n[phase.a]\nend = exit\n"),
				       err, sizeof(err)),
			 0);
	assert_int_not_equal(scenario_check(sc, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "c.ini:4: [phase.a] has no cmd"));
	free(sc);
}

/*
 * The verdict on a derived.csv made here: x.y is above 5 on a known
 * stretch of rows; the longest stretch, in seconds, is what it must say.
 */
static void test_verdict_streak(void **state)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct run_result res = { 0 };
	double ys[] = { 9, 9, 1, 9, 9, 9, 9, 9, 2, 9 };
	double zs[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	char csv[4096], expect[64];
	size_t i, n = 0, best = 0, run = 0;

	(void)state;
	n += (size_t)snprintf(csv + n, sizeof(csv) - n, "t,x.y,x.z\n");
	for (i = 0; i < ARRAY_SIZE(ys); i++) {
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%zu,%g,%g\n",
				      i, ys[i], zs[i]);
		run = ys[i] > 5 && zs[i] <= 3 ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	put("derived.csv", csv);
	assert_int_equal(
		scenario_load(sc, put("g.ini", good), err, sizeof(err)), 0);
	sc->interval_ns = NSEC_PER_SEC; /* rows are 1 s apart */
	evaluate(sc, dir, &res);
	snprintf(expect, sizeof(expect), "held for %zu s", best);
	assert_non_null(strstr(res.reason, expect));
	assert_int_equal(res.verdict,
			 best >= 2 ? V_REPRODUCED : V_NOT_REPRODUCED);
	/* the same with a longer requirement */
	sc->for_ns = (int64_t)(best + 1) * NSEC_PER_SEC;
	res.verdict = V_NOT_REPRODUCED;
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_NOT_REPRODUCED);
	/* a tolerated gap of 1 s joins the stretches around row 2 and 8 */
	sc->tolerate_ns = NSEC_PER_SEC;
	sc->for_ns = (int64_t)(best + 1) * NSEC_PER_SEC;
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_REPRODUCED);
	assert_non_null(strstr(res.reason, "held for 10 s"));
	sc->tolerate_ns = 0;
	/* a series the run does not have is an error, not a silent no */
	snprintf(sc->when[0].lhs, sizeof(sc->when[0].lhs), "x.missing");
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_ERROR);
	assert_non_null(strstr(res.reason, "x.missing"));
	free(sc);
}

/*
 * A delay verdict: "full" first drops to 0 at one row, "oom" first
 * rises at a later one; the delay and the mean of "psi" between them
 * are computed here from the same arrays.
 */
static void test_verdict_delay(void **state)
{
	static const char ini[] = "[scenario]\nname = d\n"
				  "[vars]\nthr = 3s\n"
				  "[phase.a]\ncmd = true\n"
				  "[verdict]\nfrom = m.full <= 0\n"
				  "to = m.oom > 0\nmin_delay = {thr}\n"
				  "mean = m.psi > 50\n";
	double full[] = { 5, 3, 0, 0, 0, 0, 0, 0, 0, 0 };
	double oom[] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 };
	double psi[] = { 0, 10, 60, 70, 80, 90, 60, 70, 0, 0 };
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct run_result res = { 0 };
	long from = -1, to = -1;
	double mean = 0;
	char csv[2048], expect[64];
	size_t i, n = 0;

	(void)state;
	n += (size_t)snprintf(csv + n, sizeof(csv) - n,
			      "t,m.full,m.oom,m.psi\n");
	for (i = 0; i < ARRAY_SIZE(full); i++) {
		n += (size_t)snprintf(csv + n, sizeof(csv) - n,
				      "%zu,%g,%g,%g\n", i, full[i], oom[i],
				      psi[i]);
		if (from < 0 && full[i] <= 0)
			from = (long)i;
		if (from >= 0 && to < 0 && oom[i] > 0)
			to = (long)i;
	}
	for (i = (size_t)from; i <= (size_t)to; i++)
		mean += psi[i] / (double)(to - from + 1);
	put("derived.csv", csv);
	assert_int_equal(scenario_load(sc, put("d.ini", ini), err, sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	snprintf(expect, sizeof(expect), "%.1f s from m.full",
		 (double)(to - from));
	assert_non_null(strstr(res.reason, expect));
	snprintf(expect, sizeof(expect), "mean m.psi = %.1f", mean);
	assert_non_null(strstr(res.reason, expect));
	assert_int_equal(res.verdict, (to - from) > 3 && mean > 50 ?
					      V_REPRODUCED :
					      V_NOT_REPRODUCED);
	/* a longer threshold through the variable */
	assert_int_equal(scenario_set(sc, "thr=10s", err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_NOT_REPRODUCED);
	/* `to' never holds: the delay runs to the last sample, named */
	assert_int_equal(
		scenario_set(sc, "verdict.to=m.oom > 5", err, sizeof(err)), 0);
	assert_int_equal(
		scenario_set(sc, "verdict.to_name=OOM", err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	snprintf(expect, sizeof(expect), "no OOM within %zu s of m.full",
		 ARRAY_SIZE(full) - 1 - (size_t)from);
	assert_non_null(strstr(res.reason, expect));
	assert_int_equal(res.verdict, ARRAY_SIZE(full) - 1 - (size_t)from > 10 ?
					      V_REPRODUCED :
					      V_NOT_REPRODUCED);
	free(sc);
}

/* --set replaces one verdict form with the other, and checks metrics */
static void check_verdict_sets(struct scenario *sc, struct run_result *res)
{
	/* a metric the scenario does not declare */
	assert_int_equal(scenario_set(sc, "verdict.metric=nosuch > 1", err,
				      sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no [metric.nosuch]"));
	/* --set verdict.when replaces the metric form: judged on the rows */
	assert_int_equal(scenario_set(sc, "verdict.when=m.rate > 1", err,
				      sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	evaluate(sc, dir, res);
	assert_non_null(strstr(res->reason, "held for"));
	/* and --set verdict.metric replaces the when form */
	assert_int_equal(scenario_set(sc, "verdict.metric=stall > 1", err,
				      sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	evaluate(sc, dir, res);
	assert_non_null(strstr(res->reason, "metric stall = "));
}

/* Two verdict forms in one file are refused */
static void check_two_forms(const char *ini)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	char csv[1024];

	snprintf(csv, sizeof(csv), "%swhen = m.rate > 1\n", ini);
	assert_int_equal(
		scenario_load(sc, put("m2.ini", csv), err, sizeof(err)), 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "takes one of"));
	free(sc);
}

/*
 * A metric verdict: the total of a rate series (rate x interval, as
 * summary.json computes it) against a {var}; the total is computed here
 * from the same rows.
 */
static void test_verdict_metric(void **state)
{
	static const char ini[] =
		"[scenario]\nname = m\n"
		"[vars]\nthr = 4\n"
		"[phase.a]\ncmd = true\n"
		"[metric.stall]\nseries = m.rate\nstat = total\n"
		"unit = s\n"
		"[verdict]\nmetric = stall > {thr}\n";
	double ts[] = { 0, 1, 2, 3.5, 4, 6 };
	double rate[] = { 0, 0.5, 2, 1, 0.25, 0.5 };
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct run_result res = { 0 };
	double total = 0;
	char csv[1024], expect[64];
	size_t i, n = 0;

	(void)state;
	n += (size_t)snprintf(csv + n, sizeof(csv) - n, "t,m.rate\n");
	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%g,%g\n",
				      ts[i], rate[i]);
		if (i)
			total += rate[i] * (ts[i] - ts[i - 1]);
	}
	put("derived.csv", csv);
	assert_int_equal(scenario_load(sc, put("m.ini", ini), err, sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	snprintf(expect, sizeof(expect), "metric stall = %.3g s (need > 4)",
		 total);
	if (!strstr(res.reason, expect))
		fail_msg("reason '%s', want '%s'", res.reason, expect);
	assert_int_equal(res.verdict,
			 total > 4 ? V_REPRODUCED : V_NOT_REPRODUCED);
	/* a threshold above the total, through the variable */
	snprintf(expect, sizeof(expect), "thr=%g", total + 0.5);
	assert_int_equal(scenario_set(sc, expect, err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_NOT_REPRODUCED);
	/* and one below it */
	snprintf(expect, sizeof(expect), "thr=%g", total - 0.5);
	assert_int_equal(scenario_set(sc, expect, err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_REPRODUCED);
	/* a threshold that is not a number is an error, not a no */
	assert_int_equal(scenario_set(sc, "thr=lots", err, sizeof(err)), 0);
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_ERROR);
	assert_non_null(strstr(res.reason, "'lots' is not a number"));
	check_verdict_sets(sc, &res);
	free(sc);
	check_two_forms(ini);
}

/*
 * A counter's total is exact: last minus first of the counter itself in
 * samples/SRC.csv (meta.json names its columns), not the integral of a
 * rounded rate; an interval in which the counter went backwards (a
 * reset) is left out.  The rate in derived.csv is deliberately off, so
 * that integrating it would not give an integer.
 */
static void test_exact_total(void **state)
{
	static const char ini[] = "[scenario]\nname = x\n"
				  "[phase.a]\ncmd = true\n"
				  "[metric.kills]\nseries = v.kill_per_s\n"
				  "stat = total\nunit = kills\n"
				  "[metric.fallback]\nseries = v.other_per_s\n"
				  "stat = total\nunit = kills\n";
	double ts[] = { 0, 1, 2.000001, 3, 4, 5.5 };
	long long kill[] = { 100, 100, 101, 103, 5, 9 };
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct run_result res = { 0 };
	char csv[1024], raw[1024], path[300];
	double want = 0, integral = 0;
	size_t i, n = 0, m = 0;
	json_t *sum, *ms;

	(void)state;
	n += (size_t)snprintf(csv, sizeof(csv),
			      "t,v.kill_per_s,v.other_per_s\n");
	m += (size_t)snprintf(raw, sizeof(raw), "t,kill\n");
	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		double rate = NAN;

		if (i && kill[i] >= kill[i - 1])
			rate = (double)(kill[i] - kill[i - 1]) /
			       (ts[i] - ts[i - 1]) * 1.0000007;
		n += (size_t)snprintf(csv + n, sizeof(csv) - n,
				      "%.6f,%.6g,%.6g\n", ts[i], rate, rate);
		m += (size_t)snprintf(raw + m, sizeof(raw) - m, "%.6f,%lld\n",
				      ts[i], kill[i]);
		if (i && kill[i] >= kill[i - 1])
			want += (double)(kill[i] - kill[i - 1]);
		if (i && !isnan(rate))
			integral += rate * (ts[i] - ts[i - 1]);
	}
	put("derived.csv", csv);
	snprintf(path, sizeof(path), "%s/samples", dir);
	mkdir(path, 0755);
	put("samples/v.csv", raw);
	put("meta.json",
	    "{\"sources\": {\"v\": {\"rates\": {\"kill_per_s\": {\"kill\": 1}}}}}");
	assert_true(integral != want); /* the test means something */
	assert_int_equal(scenario_load(sc, put("x.ini", ini), err, sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	assert_int_equal(evaluate(sc, dir, &res), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	sum = json_load_file(path, 0, NULL);
	assert_non_null(sum);
	ms = json_object_get(sum, "metrics");
	assert_true(json_number_value(json_object_get(
			    json_object_get(ms, "kills"), "value")) == want);
	/* a rate meta.json does not describe is still integrated */
	assert_true(json_is_number(
		json_object_get(json_object_get(ms, "fallback"), "value")));
	json_decref(sum);
	unlink(path);
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	unlink(path);
	free(sc);
}

/*
 * A metric `during = a & b`: the rows while both phases run (the later
 * start to the earlier end); a phase that never ended does not cut the
 * window.  An unknown name in it is refused by scenario_check().
 */
static void test_during_both(void **state)
{
	static const char ini[] = "[scenario]\nname = w\n"
				  "[phase.a]\ncmd = true\n"
				  "[phase.b]\ncmd = true\n"
				  "[metric.both]\nseries = m.x\nstat = max\n"
				  "during = a & b\nunit = u\n"
				  "[metric.onlya]\nseries = m.x\nstat = max\n"
				  "during = a\nunit = u\n";
	double x[] = { 9, 1, 2, 3, 4, 8, 7 };
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct run_result res = { 0 };
	double want_both = -1, want_a = -1;
	char csv[512], path[300];
	size_t i, n = 0;
	json_t *sum, *ms;

	(void)state;
	/* a runs 1..5, b 0.5..4: both 1..4 */
	res.ph[0].start_s = 1;
	res.ph[0].end_s = 5;
	res.ph[1].start_s = 0.5;
	res.ph[1].end_s = 4;
	n += (size_t)snprintf(csv, sizeof(csv), "t,m.x\n");
	for (i = 0; i < ARRAY_SIZE(x); i++) {
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%zu,%g\n", i,
				      x[i]);
		if (i >= 1 && i <= 4 && x[i] > want_both)
			want_both = x[i];
		if (i >= 1 && i <= 5 && x[i] > want_a)
			want_a = x[i];
	}
	put("derived.csv", csv);
	assert_int_equal(scenario_load(sc, put("w.ini", ini), err, sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), 0);
	assert_int_equal(evaluate(sc, dir, &res), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	sum = json_load_file(path, 0, NULL);
	ms = json_object_get(sum, "metrics");
	assert_true(
		json_number_value(json_object_get(json_object_get(ms, "both"),
						  "value")) == want_both);
	assert_true(json_number_value(json_object_get(
			    json_object_get(ms, "onlya"), "value")) == want_a);
	json_decref(sum);
	unlink(path);
	/* an unknown phase among them is named */
	assert_int_equal(scenario_set(sc, "metric.both.during=a & nope", err,
				      sizeof(err)),
			 0);
	assert_int_equal(scenario_check(sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no phase 'nope'"));
	free(sc);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmrepro-trun-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/*
 * A watermark operand: the sum over the zones of the start snapshot of
 * zoneinfo, in MiB, read once for the run; and every key of the table
 * takes its own default.
 */
static void test_verdict_wmark(void **state)
{
	static const char ini[] = "[scenario]\nname = w\n"
				  "[phase.a]\ncmd = true\n"
				  "[verdict]\nwhen = m.free > wmark.high_MiB\n"
				  "for = 3s\n";
	/* 2 zones of 256 pages: 2 MiB */
	double free_mib[] = { 1, 3, 3, 3, 1, 3, 1 };
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct run_result res = { 0 };
	char csv[512], path[128];
	size_t i, n = 0;

	(void)state;
	n += (size_t)snprintf(csv + n, sizeof(csv) - n, "t,m.free\n");
	for (i = 0; i < ARRAY_SIZE(free_mib); i++)
		n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%zu,%g\n", i,
				      free_mib[i]);
	put("derived.csv", csv);
	snprintf(path, sizeof(path), "%s/snapshots", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/snapshots/start", dir);
	mkdir(path, 0755);
	put("snapshots/start/zoneinfo",
	    "Node 0, zone    DMA32\n  pages free     1\n        min      10\n"
	    "        low      100\n        high     256\n"
	    "Node 0, zone   Normal\n  pages free     1\n        min      10\n"
	    "        low      100\n        high     256\n");
	assert_int_equal(scenario_load(sc, put("w.ini", ini), err, sizeof(err)),
			 0);
	assert_int_equal(sc->cpus, 2); /* defaults from the table */
	assert_int_equal(sc->phase[0].ready_ns, 600 * NSEC_PER_SEC);
	assert_true(sc->interval_ns == NSEC_PER_SEC);
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_REPRODUCED);
	assert_non_null(strstr(res.reason, "held for 3 s"));
	/* no snapshot: the watermark is unknown, and never exceeded */
	snprintf(path, sizeof(path), "%s/snapshots/start/zoneinfo", dir);
	unlink(path);
	evaluate(sc, dir, &res);
	assert_int_equal(res.verdict, V_NOT_REPRODUCED);
	free(sc);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_expand_braces),
		cmocka_unit_test(test_errors_name_lines),
		cmocka_unit_test(test_verdict_streak),
		cmocka_unit_test(test_verdict_delay),
		cmocka_unit_test(test_verdict_metric),
		cmocka_unit_test(test_exact_total),
		cmocka_unit_test(test_during_both),
		cmocka_unit_test(test_verdict_wmark),
	};

	return cmocka_run_group_tests_name("runner", tests, setup, teardown);
}
