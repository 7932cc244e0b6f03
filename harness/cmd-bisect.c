// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro bisect: between a good and a bad kernel of an ordered list
 * (Debian's packaged kernels by default), the first bad one, by binary
 * search (bisect.c).  Each step is N runs, decided by the reproduction
 * rate or, with --metric, by compare against both ends; infrastructure
 * failures, errors and not-applicable runs are skips, never verdicts.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bisect.h"
#include "compare.h"
#include "kernels.h"
#include "mmrepro.h"
#include "opt.h"
#include "plan.h"
#include "results.h"
#include "rundata.h"
#include "scenario.h"
#include "util.h"

#define BISECT_MAX 256

struct bisect_opts {
	const char *good, *bad, *kernels, *values, *kernel, *bad_means;
	const char *metric, *out, *accel, *git, *range;
	struct opt_list sets;
	bool quiet, local, stress_ok, step;
	int runs, threshold, max_runs, jobs;
};

/* What the search knows of one kernel of the list */
struct step {
	struct plan_side side;
	struct bisect_tally t;
	enum bisect_verdict v;
	const char *role; /* "good end", "bad end", "step" */
	double p_good, p_bad; /* --metric: against each end; NAN: none */
	int order; /* when it was decided, 1 up; 0: never tried */
};

struct bisector {
	const struct bisect_opts *o;
	const char *scen, *dir;
	bool bad_rep; /* bad means reproduced */
	int n;
	char **names, *key; /* key: of --values, or NULL */
	struct step *st;
	struct bisect b;
	int decided;
};

/*
 * The ordered list: --kernels, --values' values (its key in *key), or
 * every packaged kernel
 */
static char **kernel_order(const struct bisect_opts *o, int *n, char **key)
{
	char err[512], **v;

	*key = NULL;
	if (!o->kernels && !o->values) {
		v = kernel_list(n, err, sizeof(err));
		if (!v)
			die("bisect: %s", err);
		return v;
	}
	v = calloc(BISECT_MAX, sizeof(*v));
	if (!v)
		die("bisect: out of memory");
	*n = plan_points("bisect", o->values ? o->values : o->kernels,
			 o->values, key, v, BISECT_MAX);
	return v;
}

/* NAME's index in the list: itself, or the newest of its series */
static int find(char **names, int n, const char *name, const char *what,
		bool exact)
{
	int i = exact ? -1 : kernel_list_find(names, n, name);

	if (i < 0)
		for (i = n - 1; i >= 0 && strcmp(names[i], name); i--)
			;
	if (i < 0)
		die("bisect: %s %s is not in the list (%s ... %s; see 'mmrepro kernels --list' or give --kernels)",
		    what, name, names[0], names[n - 1]);
	return i;
}

/* The usable and unusable runs in a step's directory, from the verdicts */
static void tally(struct step *s)
{
	char err[512];
	struct rd_set set;
	int i;

	memset(&s->t, 0, sizeof(s->t));
	if (rd_load(&set, s->side.dir, err, sizeof(err))) {
		s->t.unusable = s->side.runs;
		return;
	}
	for (i = 0; i < set.n; i++) {
		const char *v = set.run[i].verdict;

		if (!strcmp(v, "reproduced"))
			s->t.reproduced++;
		else if (!strcmp(v, "not-reproduced"))
			s->t.not_reproduced++;
	}
	/* runs that left no summary (a guest that never came up) count */
	s->t.unusable = s->side.runs - s->t.reproduced - s->t.not_reproduced;
	rd_free(&set);
}

/* metric M significantly different between a and b; p in *p */
static bool differs(const char *a, const char *b, const char *metric, double *p)
{
	char err[RD_PATH_MAX + 256];
	struct comparison *c = compare_load(a, b, err, sizeof(err));
	bool d = false;
	int i;

	*p = NAN;
	if (!c)
		return false;
	for (i = 0; i < c->nm; i++)
		if (!strcmp(c->m[i].name, metric) && c->m[i].tested) {
			*p = c->m[i].mwu.p;
			d = c->m[i].significant;
		}
	compare_free(c);
	return d;
}

static void step_log(const struct plan *p, const struct step *s)
{
	plan_log(
		p,
		"decide %s (%s): reproduced %d, not reproduced %d, unusable %d: %s",
		s->side.label, s->role, s->t.reproduced, s->t.not_reproduced,
		s->t.unusable, bisect_verdict_name(s->v));
	fprintf(stderr,
		"bisect: %s (%s): reproduced %d of %d usable (%d unusable): %s\n",
		s->side.label, s->role, s->t.reproduced,
		s->t.reproduced + s->t.not_reproduced, s->t.unusable,
		bisect_verdict_name(s->v));
}

/* Runs kernel i until its verdict is known (or the cap); returns it */
static enum bisect_verdict try_kernel(struct bisector *bs, int i,
				      const char *role)
{
	const struct bisect_opts *o = bs->o;
	struct step *s = &bs->st[i];
	struct plan p = { .cmd = "bisect",
			  .scen = bs->scen,
			  .dir = bs->dir,
			  .accel = o->accel,
			  .quiet = o->quiet,
			  .nsides = 1,
			  .local = o->local,
			  .side = &s->side };
	char err[512];
	int from = 1;

	s->role = role;
	if (!o->local && plan_spec_fetch(&s->side.sp, err, sizeof(err))) {
		warnx_("bisect: %s: %s: a skip", s->side.label, err);
		s->v = BV_SKIP;
		s->order = ++bs->decided;
		return s->v;
	}
	plan_dirs(&p);
	p.jobs = o->jobs;
	if (p.jobs == -1)
		p.jobs = plan_jobs_default(&p, err, sizeof(err));
	s->v = BV_MORE;
	while (s->v == BV_MORE && !plan_stopped()) {
		plan_run(&p, from, from + o->runs - 1);
		from += o->runs;
		tally(s);
		if (o->metric && strcmp(role, "step")) {
			/* an end: what it is said to be, with 2 runs */
			if (s->t.reproduced + s->t.not_reproduced >= 2)
				s->v = strcmp(role, "good end") ? BV_BAD :
								  BV_GOOD;
			else if (from - 1 >= o->max_runs)
				s->v = BV_SKIP;
		} else if (o->metric) {
			bool dg = differs(bs->st[bs->b.good].side.dir,
					  s->side.dir, o->metric, &s->p_good);
			bool db = differs(bs->st[bs->b.bad].side.dir,
					  s->side.dir, o->metric, &s->p_bad);

			s->v = bisect_by_metric(dg, db, from - 1, o->max_runs);
		} else {
			s->v = bisect_by_rate(&s->t, o->runs, o->threshold,
					      o->max_runs, bs->bad_rep);
		}
	}
	if (plan_stopped())
		die("bisect: interrupted; the runs so far are in %s", bs->dir);
	s->order = ++bs->decided;
	step_log(&p, s);
	return s->v;
}

static const char *mean_name(bool bad_rep)
{
	return bad_rep ? "reproduced" : "not reproduced";
}

/* What decides a step, the second line of either report */
static void step_rule(FILE *f, const struct bisect_opts *o)
{
	fprintf(f, "a step: %d run%s (at most %d)", o->runs,
		o->runs == 1 ? "" : "s", o->max_runs);
	if (o->metric)
		fprintf(f, ", decided by %s against both ends\n\n", o->metric);
	else
		fprintf(f, "; reproduced at %d of %d, not at %d of %d\n\n",
			o->threshold, o->runs, o->runs - o->threshold, o->runs);
}

static void check_ends(struct bisector *bs)
{
	enum bisect_verdict g = try_kernel(bs, bs->b.good, "good end");
	enum bisect_verdict b = try_kernel(bs, bs->b.bad, "bad end");
	double p;

	if (g != BV_GOOD)
		die("bisect: the good end %s is not good (bad means %s): %s; see %s",
		    bs->names[bs->b.good], mean_name(bs->bad_rep),
		    bisect_verdict_name(g), bs->st[bs->b.good].side.dir);
	if (b != BV_BAD)
		die("bisect: the bad end %s is not bad (bad means %s): %s; see %s",
		    bs->names[bs->b.bad], mean_name(bs->bad_rep),
		    bisect_verdict_name(b), bs->st[bs->b.bad].side.dir);
	if (bs->o->metric &&
	    !differs(bs->st[bs->b.good].side.dir, bs->st[bs->b.bad].side.dir,
		     bs->o->metric, &p))
		die("bisect: %s does not differ between the ends (p=%.3g): nothing to bisect",
		    bs->o->metric, p);
}

static json_t *step_json(const struct step *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "kernel", json_string(s->side.label));
	json_object_set_new(o, "role", json_string(s->role));
	json_object_set_new(o, "order", json_integer(s->order));
	json_object_set_new(o, "runs", json_integer(s->side.runs));
	json_object_set_new(o, "reproduced", json_integer(s->t.reproduced));
	json_object_set_new(o, "not_reproduced",
			    json_integer(s->t.not_reproduced));
	json_object_set_new(o, "unusable", json_integer(s->t.unusable));
	json_object_set_new(o, "verdict",
			    json_string(bisect_verdict_name(s->v)));
	if (!isnan(s->p_good))
		json_object_set_new(o, "p_vs_good", json_real(s->p_good));
	if (!isnan(s->p_bad))
		json_object_set_new(o, "p_vs_bad", json_real(s->p_bad));
	json_object_set_new(o, "dir", json_string(s->side.dir));
	return o;
}

/* The report: text on stdout and in DIR/report.txt, json beside it */
static int bisect_report(struct bisector *bs, int lo, int hi)
{
	json_t *r = json_object(), *steps = json_array(), *cand = json_array();
	int *idx = calloc((size_t)bs->n, sizeof(*idx)), i, j, k, nc, w = 8;
	char path[RD_PATH_MAX];
	struct afile a;
	FILE *f;

	if (!idx)
		die("bisect: out of memory");
	nc = bisect_candidates(&bs->b, idx);
	for (i = lo; i <= hi; i++)
		if (bs->st[i].order && (int)strlen(bs->st[i].side.label) > w)
			w = (int)strlen(bs->st[i].side.label);
	pathf(path, sizeof(path), "%s/report.txt", bs->dir);
	if (afile_open(&a, path))
		die("bisect: %s: cannot write it", path);
	for (k = 0; k < 2; k++) {
		f = k ? stdout : a.f;
		fprintf(f, "mmrepro bisect: %s, bad means %s\n", bs->scen,
			mean_name(bs->bad_rep));
		step_rule(f, bs->o);
		for (i = 1; i <= bs->decided; i++)
			for (j = lo; j <= hi; j++) {
				const struct step *s = &bs->st[j];

				if (s->order != i)
					continue;
				fprintf(f,
					"  %d. %-*s %-9s reproduced %d of %d",
					i, w, s->side.label, s->role,
					s->t.reproduced,
					s->t.reproduced + s->t.not_reproduced);
				if (s->t.unusable)
					fprintf(f, " (%d unusable)",
						s->t.unusable);
				fprintf(f, ": %s\n", bisect_verdict_name(s->v));
			}
		if (nc == 1) {
			fprintf(f, "\nfirst bad: %s (last good: %s)\n",
				bs->st[bs->b.bad].side.label,
				bs->st[bs->b.good].side.label);
			continue;
		}
		fprintf(f, "\nfirst bad: one of");
		for (i = 0; i < nc; i++)
			fprintf(f, " %s", bs->st[idx[i]].side.label);
		fprintf(f,
			" (last good: %s): the others could not be decided\n",
			bs->st[bs->b.good].side.label);
	}
	if (afile_commit(&a))
		warnx_("bisect: %s: cannot write it", path);
	for (i = lo; i <= hi; i++)
		if (bs->st[i].order)
			json_array_append_new(steps, step_json(&bs->st[i]));
	for (i = 0; i < nc; i++)
		json_array_append_new(cand,
				      json_string(bs->st[idx[i]].side.label));
	json_object_set_new(r, "scenario", json_string(bs->scen));
	json_object_set_new(r, "bad_means",
			    json_string(mean_name(bs->bad_rep)));
	json_object_set_new(r, "runs", json_integer(bs->o->runs));
	json_object_set_new(r, "threshold", json_integer(bs->o->threshold));
	json_object_set_new(r, "max_runs", json_integer(bs->o->max_runs));
	if (bs->o->metric)
		json_object_set_new(r, "metric", json_string(bs->o->metric));
	json_object_set_new(r, "steps", steps);
	json_object_set_new(r, "first_bad",
			    json_string(bs->st[bs->b.bad].side.label));
	json_object_set_new(r, "last_good",
			    json_string(bs->st[bs->b.good].side.label));
	json_object_set_new(r, "candidates", cand);
	json_object_set_new(r, "decided", json_boolean(nc == 1));
	if (json_save(r, bs->dir, "bisect.json"))
		warnx_("bisect: %s/bisect.json: cannot write it", bs->dir);
	json_decref(r);
	free(idx);
	return nc == 1 ? 0 : 3;
}

/* ---- --git: git bisect run inside a kernel tree ---- */

static void save_text(const char *dir, const char *name, const char *text)
{
	char path[RD_PATH_MAX];

	pathf(path, sizeof(path), "%s/%s", dir, name);
	if (write_file_replace(path, text ? text : "", text ? strlen(text) : 0))
		warnx_("bisect: %s: cannot write it", path);
}

/* git -C tree ARGS..., its first line of output into b; the status */
static int git1(const char *tree, char *b, size_t l, ...)
{
	char *argv[16] = { "git", "-C", (char *)tree }, *out = NULL;
	va_list ap;
	int a = 3, st;

	va_start(ap, l);
	while (a < 15 && (argv[a] = va_arg(ap, char *)))
		a++;
	va_end(ap);
	argv[a] = NULL;
	/* git's chatter ("Bisecting: ...") is not ours to print */
	st = run_capture(NULL, argv, &out, "/dev/null");
	if (b) {
		snprintf(b, l, "%s", out ? out : "");
		b[strcspn(b, "\n")] = '\0';
	}
	free(out);
	return st;
}

/* ci/build-kernel.sh: $MMREPRO_BUILD_KERNEL, or beside the binary */
static void build_script(char *b, size_t l)
{
	const char *e = getenv("MMREPRO_BUILD_KERNEL");
	char self[4096], *slash;

	if (e && *e) {
		snprintf(b, l, "%s", e);
		return;
	}
	self_exe(self, sizeof(self));
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(b, l, "%.4000s/../ci/build-kernel.sh", self);
}

/*
 * One step of git bisect run: build the tree's HEAD (small config,
 * incremental, cached), run the scenario on it, and exit as git
 * expects: 0 good, 1 bad, 125 skip (a failed build, no usable run, or
 * undecided).
 */
static int git_step(struct bisect_opts *o, const char *scen, const char *dir,
		    bool bad_rep)
{
	char sha[64], subj[256], script[4096], spec[8192], log[RD_PATH_MAX];
	char *out = NULL, *line, *save, err[512];
	struct bisector bs = {
		.o = o, .scen = scen, .dir = dir, .bad_rep = bad_rep, .n = 1
	};
	struct step st = { .p_good = NAN, .p_bad = NAN };
	enum bisect_verdict v;
	json_t *j;
	int rc;

	if (git1(o->git, sha, sizeof(sha), "rev-parse", "HEAD", NULL))
		die("bisect: %s: not a git tree", o->git);
	git1(o->git, subj, sizeof(subj), "log", "-1", "--format=%s", NULL);
	bs.st = &st;
	snprintf(st.side.label, sizeof(st.side.label), "%.12s", sha);
	pathf(st.side.dir, sizeof(st.side.dir), "%s/%.12s", dir, sha);
	if (mkdir_p(st.side.dir, 0755))
		die("bisect: %s: %s", st.side.dir, strerror(errno));
	pathf(log, sizeof(log), "%s/build.log", st.side.dir);
	build_script(script, sizeof(script));
	{
		char *argv[] = { "bash", script, "--src", (char *)o->git,
				 NULL };
		struct plan p = { .cmd = "bisect", .dir = dir };

		fprintf(stderr, "bisect: %.12s %s: building (%s)\n", sha, subj,
			log);
		plan_log(&p, "build %.12s", sha);
		rc = run_capture(NULL, argv, &out, log);
		plan_log(&p, "build %.12s exit %d", sha, rc);
	}
	spec[0] = '\0';
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "kernel=", 7) || !strncmp(line, "set=", 4))
			snprintf(spec, sizeof(spec), "%s", line);
	free(out);
	if (rc || !spec[0]) {
		warnx_("bisect: %.12s: the build failed (exit %d; %s): a skip",
		       sha, rc, log);
		st.v = BV_SKIP;
		st.role = "step";
	} else {
		if (plan_spec_parse(spec, &st.side.sp, err, sizeof(err)))
			die("bisect: %s: %s", script, err);
		if (plan_spec_has_kernel(&st.side.sp) == o->local)
			die("bisect: %s printed '%s': %s", script, spec,
			    o->local ? "with --local a SPEC holds set= only" :
				       "no kernel= in it");
		if (plan_spec_common_sets(&st.side.sp, &o->sets))
			die("bisect: more than %d --set values", OPT_LIST_MAX);
		try_kernel(&bs, 0, "step");
	}
	v = st.v;
	j = step_json(&st);
	json_object_set_new(j, "commit", json_string(sha));
	json_object_set_new(j, "subject", json_string(subj));
	json_object_set_new(j, "build_exit", json_integer(rc));
	if (json_save(j, st.side.dir, "step.json"))
		warnx_("bisect: %s/step.json: cannot write it", st.side.dir);
	json_decref(j);
	return v == BV_GOOD ? 0 : v == BV_BAD ? 1 : 125;
}

/* The first bad commit(s) that git bisect run printed, into cand */
static int git_result(const char *out, json_t *cand)
{
	const char *p = strstr(out, " is the first bad commit");
	const char *any = strstr(out, "The first bad commit could be any of:");
	char sha[41];

	if (p && p - out >= 40) {
		memcpy(sha, p - 40, 40);
		sha[40] = '\0';
		json_array_append_new(cand, json_string(sha));
		return 0;
	}
	if (!any)
		return -1;
	for (p = strchr(any, '\n'); p && sscanf(p + 1, "%40[0-9a-f]", sha) == 1;
	     p = strchr(p + 1, '\n'))
		if (strlen(sha) == 40)
			json_array_append_new(cand, json_string(sha));
	return json_array_size(cand) ? 3 : -1;
}

/*
 * The steps in the order git took them (its log's "# good: [SHA] ..."
 * lines, the ends first), each with what DIR/SHA/step.json says
 */
static json_t *git_steps(const char *dir, const char *glog)
{
	json_t *a = json_array();
	const char *p, *nl;

	for (p = glog; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		char verdict[16], sha[41], path[RD_PATH_MAX];
		json_t *st;

		nl = strchr(p, '\n');
		if (sscanf(p, "# %15[a-z]: [%40[0-9a-f]]", verdict, sha) != 2 ||
		    strlen(sha) != 40)
			continue;
		pathf(path, sizeof(path), "%s/%.12s/step.json", dir, sha);
		st = json_load_regular(path, NULL);
		if (!json_is_object(st)) {
			json_decref(st);
			st = json_object();
			json_object_set_new(st, "commit", json_string(sha));
		}
		json_object_set_new(st, "git_verdict", json_string(verdict));
		json_array_append_new(a, st);
	}
	return a;
}

static long long jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* One line of a step: commit, git's verdict, the runs, the subject */
static void git_step_line(FILE *f, size_t i, json_t *st)
{
	const char *sj = json_string_value(json_object_get(st, "subject"));
	const char *c = json_string_value(json_object_get(st, "commit"));
	const char *v = json_string_value(json_object_get(st, "git_verdict"));

	fprintf(f, "  %zu. %.12s %-5s", i + 1, c ? c : "?", v ? v : "?");
	if (jint(st, "build_exit"))
		fprintf(f, " build failed (exit %lld)", jint(st, "build_exit"));
	else
		fprintf(f, " reproduced %lld of %lld", jint(st, "reproduced"),
			jint(st, "reproduced") + jint(st, "not_reproduced"));
	fprintf(f, "  %.36s\n", sj ? sj : "");
}

/* The result with every step's evidence, on stdout and in report.txt */
static void git_report(const struct bisect_opts *o, const char *scen,
		       const char *dir, bool bad_rep, json_t *r, int ret)
{
	json_t *steps = json_object_get(r, "steps"), *st;
	json_t *cand = json_object_get(r, "candidates");
	char path[RD_PATH_MAX], subj[256];
	struct afile a;
	bool file;
	size_t i;
	FILE *f;
	int k;

	pathf(path, sizeof(path), "%s/report.txt", dir);
	file = !afile_open(&a, path);
	if (!file)
		warnx_("bisect: %s: cannot write it", path);
	for (k = file ? 0 : 1; k < 2; k++) {
		f = k ? stdout : a.f;
		fprintf(f, "mmrepro bisect: %s in %s, bad means %s\n", scen,
			o->git, mean_name(bad_rep));
		step_rule(f, o);
		json_array_foreach(steps, i, st) git_step_line(f, i, st);
		if (!ret) {
			const char *sha =
				json_string_value(json_array_get(cand, 0));

			git1(o->git, subj, sizeof(subj), "log", "-1",
			     "--format=%s", sha, NULL);
			fprintf(f, "\nfirst bad: %s %s\n", sha, subj);
			continue;
		}
		fprintf(f, "\nfirst bad: one of");
		for (i = 0; i < json_array_size(cand); i++)
			fprintf(f, " %.12s",
				json_string_value(json_array_get(cand, i)));
		fprintf(f, " (the others could not be decided)\n");
	}
	if (file && afile_commit(&a))
		warnx_("bisect: %s: cannot write it", path);
	printf("steps: %s/*/step.json; git's log: %s/git-bisect.log\n", dir,
	       dir);
}

static int git_bisect(struct bisect_opts *o, const char *scen, const char *dir,
		      bool bad_rep, char *const *step_argv)
{
	char good[64], bad[64], orig[256], buf[256], *out = NULL;
	char *glog = NULL;
	json_t *r, *cand = json_array();
	int rc, ret, gs, bsr;

	if (git1(o->git, buf, sizeof(buf), "rev-parse", "--git-dir", NULL))
		die("bisect: --git %s: not a git tree", o->git);
	if (git1(o->git, good, sizeof(good), "rev-parse", "--verify", "-q",
		 o->good, NULL) ||
	    git1(o->git, bad, sizeof(bad), "rev-parse", "--verify", "-q",
		 o->bad, NULL))
		die("bisect: --good %s or --bad %s is no commit of %s", o->good,
		    o->bad, o->git);
	if (git1(o->git, buf, sizeof(buf), "status", "--porcelain",
		 "--untracked-files=no", NULL) ||
	    buf[0])
		die("bisect: --git %s: the work tree has changes; commit or stash them",
		    o->git);
	if (!git1(o->git, buf, sizeof(buf), "bisect", "log", NULL))
		die("bisect: --git %s: a git bisect is in progress ('git bisect reset' ends it)",
		    o->git);
	if (git1(o->git, orig, sizeof(orig), "symbolic-ref", "-q", "--short",
		 "HEAD", NULL))
		git1(o->git, orig, sizeof(orig), "rev-parse", "HEAD", NULL);
	if (mkdir_p(dir, 0755))
		die("bisect: %s: %s", dir, strerror(errno));
	fprintf(stderr,
		"bisect: %s in %s, %.12s (good) to %.12s (bad), bad means %s, into %s\n",
		scen, o->git, good, bad, mean_name(bad_rep), dir);
	/* the ends first, as for packaged kernels */
	git1(o->git, NULL, 0, "checkout", "-q", good, NULL);
	gs = run_capture(NULL, step_argv, NULL, NULL);
	git1(o->git, NULL, 0, "checkout", "-q", bad, NULL);
	bsr = gs == 0 ? run_capture(NULL, step_argv, NULL, NULL) : -1;
	if (gs != 0 || bsr != 1) {
		git1(o->git, NULL, 0, "checkout", "-q", orig, NULL);
		die("bisect: the %s end %.12s is not %s (bad means %s; step exit %d); see %s",
		    gs ? "good" : "bad", gs ? good : bad, gs ? "good" : "bad",
		    mean_name(bad_rep), gs ? gs : bsr, dir);
	}
	if (git1(o->git, NULL, 0, "bisect", "start", bad, good, NULL))
		die("bisect: git bisect start %s %s failed", bad, good);
	{
		char *argv[64] = { "git", "-C", (char *)o->git, "bisect",
				   "run" };
		int a = 5, i;

		for (i = 0; step_argv[i] && a < 63; i++)
			argv[a++] = step_argv[i];
		argv[a] = NULL;
		rc = run_capture(NULL, argv, &out, NULL);
	}
	save_text(dir, "git-bisect-run.txt", out);
	ret = out ? git_result(out, cand) : -1;
	{
		char *argv[] = { "git",	   "-C",  (char *)o->git,
				 "bisect", "log", NULL };

		run_capture(NULL, argv, &glog, "/dev/null");
		save_text(dir, "git-bisect.log", glog);
	}
	git1(o->git, NULL, 0, "bisect", "reset", NULL);
	git1(o->git, NULL, 0, "checkout", "-q", orig, NULL);
	if (ret < 0) {
		free(out);
		free(glog);
		json_decref(cand);
		die("bisect: git bisect run ended (exit %d) without a result; see %s/git-bisect-run.txt",
		    rc, dir);
	}
	r = json_object();
	json_object_set_new(r, "scenario", json_string(scen));
	json_object_set_new(r, "git", json_string(o->git));
	json_object_set_new(r, "good", json_string(good));
	json_object_set_new(r, "bad", json_string(bad));
	json_object_set_new(r, "bad_means", json_string(mean_name(bad_rep)));
	json_object_set_new(r, "runs", json_integer(o->runs));
	json_object_set_new(r, "candidates", cand);
	if (!ret)
		json_object_set(r, "first_bad", json_array_get(cand, 0));
	json_object_set_new(r, "decided", json_boolean(!ret));
	json_object_set_new(r, "steps", git_steps(dir, glog));
	if (json_save(r, dir, "bisect.json"))
		warnx_("bisect: %s/bisect.json: cannot write it", dir);
	git_report(o, scen, dir, bad_rep, r, ret);
	json_decref(r);
	free(out);
	free(glog);
	return ret;
}

static void check_opts(struct bisect_opts *o, struct bisector *bs)
{
	if (o->range) {
		const char *dots = strstr(o->range, "..");

		if (!dots || dots == o->range || !dots[2] || o->good || o->bad)
			die("bisect: --patch-range '%s': use A..B (good..bad), without --good and --bad",
			    o->range);
		o->good = strndup(o->range, (size_t)(dots - o->range));
		o->bad = dots + 2;
	}
	if (o->step && !o->git)
		die("bisect: --step is one step of --git (git bisect run calls it)");
	if (o->git && (o->kernels || o->values || o->kernel))
		die("bisect: --git is the list: no --kernels, --values or --kernel with it");
	if (o->git && o->jobs != -1)
		die("bisect: -j with --git: a git step runs its runs one at a time");
	if (o->git && o->metric)
		die("bisect: --metric with --git: not supported; a step is decided by its reproduction rate");
	if ((!o->good || !o->bad) && !o->step)
		die("bisect: give --good K and --bad K");
	if (o->kernels && o->values)
		die("bisect: --kernels or --values, not both");
	if (!o->values && (o->kernel || (o->local && !o->git)))
		die("bisect: --kernel and --local go with --values (the list is of kernels otherwise)");
	if (o->values && !o->kernel && !o->local)
		die("bisect: --values needs a kernel (--kernel IMG|NAME) or --local");
	if (o->local && o->kernel)
		die("bisect: --local and --kernel exclude each other");
	if (o->local && !o->stress_ok)
		die("bisect: --local stresses this machine's memory; add --i-understand-this-stresses-the-host if it is a dedicated test box");
	if (o->runs < 1 || o->runs > 100)
		die("bisect: --runs %d: must be 1 to 100", o->runs);
	if (o->jobs != -1 && (o->jobs < 1 || o->jobs > 256))
		die("bisect: -j %d: must be 1 to 256", o->jobs);
	if (o->jobs > 1 && o->local)
		die("bisect: -j %d with --local: the runs would share this machine's sysctls and memory; they run one at a time",
		    o->jobs);
	if (!o->threshold)
		o->threshold = o->runs;
	if (o->threshold * 2 <= o->runs || o->threshold > o->runs)
		die("bisect: --threshold %d: must be more than half of --runs (%d) and at most it",
		    o->threshold, o->runs);
	if (!o->max_runs)
		o->max_runs = 3 * o->runs;
	if (o->max_runs < o->runs)
		die("bisect: --max-runs %d: less than --runs %d", o->max_runs,
		    o->runs);
	if (!o->bad_means || !strcmp(o->bad_means, "reproduced"))
		bs->bad_rep = true;
	else if (!strcmp(o->bad_means, "not-reproduced"))
		bs->bad_rep = false;
	else
		die("bisect: --bad-means '%s': reproduced or not-reproduced",
		    o->bad_means);
}

static void make_steps(struct bisector *bs, int lo, int hi)
{
	char err[512];
	int i, k;

	bs->st = calloc((size_t)bs->n, sizeof(*bs->st));
	if (!bs->st)
		die("bisect: out of memory");
	for (i = lo; i <= hi; i++) {
		struct step *s = &bs->st[i];

		s->p_good = s->p_bad = NAN;
		plan_point("bisect", &s->side, bs->key, bs->names[i],
			   bs->o->kernel, &bs->o->sets, bs->dir);
		for (k = lo; k < i; k++)
			if (!strcmp(bs->st[k].side.dir, s->side.dir))
				die("bisect: %s and %s would share %s: give them apart",
				    bs->names[k], bs->names[i], s->side.dir);
	}
	for (i = lo; i <= hi; i++)
		plan_spec_check("bisect", bs->scen, &bs->st[i].side.sp,
				bs->st[i].side.label);
	/* a kernel of --values is fetched once, for every step */
	if (bs->key && !bs->o->local &&
	    plan_spec_fetch(&bs->st[lo].side.sp, err, sizeof(err)))
		die("bisect: %s", err);
	for (i = lo + 1; i <= hi && bs->key && !bs->o->local; i++) {
		bs->st[i].side.sp.kernel = bs->st[lo].side.sp.kernel;
		bs->st[i].side.sp.modules = bs->st[lo].side.sp.modules;
	}
}

/*
 * --git: absolute paths (git bisect run runs its command in the tree),
 * then the search, or with --step one step of it
 */
static int git_main(struct bisect_opts *o, const char *scen, bool bad_rep)
{
	char path[4096], gdir[4096], odir[RD_PATH_MAX];
	char abs[RD_PATH_MAX];
	char nr[16], nt[16], nm[16], self[4096];
	struct plan_spec sp = { .sets = o->sets };
	char *argv[24 + 2 * OPT_LIST_MAX];
	int a = 0, i, ret;

	plan_spec_check("bisect", scen, &sp, "--set");
	scenario_find(scen, path, sizeof(path));
	if (!realpath(o->git, gdir))
		die("bisect: --git %s: %s", o->git, strerror(errno));
	o->git = gdir;
	plan_out_dir("bisect", scen, o->out, odir);
	if (mkdir_p(odir, 0755) || !realpath(odir, abs))
		die("bisect: %s: %s", odir, strerror(errno));
	memcpy(odir, abs, sizeof(odir));
	if (!realpath(path, abs))
		die("bisect: %s: %s", path, strerror(errno));
	memcpy(path, abs, sizeof(path));
	if (o->step)
		return git_step(o, path, odir, bad_rep);
	self_exe(self, sizeof(self));
	snprintf(nr, sizeof(nr), "%d", o->runs);
	snprintf(nt, sizeof(nt), "%d", o->threshold);
	snprintf(nm, sizeof(nm), "%d", o->max_runs);
	argv[a++] = self;
	argv[a++] = "bisect";
	argv[a++] = path;
	argv[a++] = "--step";
	argv[a++] = "--git";
	argv[a++] = gdir;
	argv[a++] = "--out";
	argv[a++] = odir;
	argv[a++] = "--runs";
	argv[a++] = nr;
	argv[a++] = "--threshold";
	argv[a++] = nt;
	argv[a++] = "--max-runs";
	argv[a++] = nm;
	argv[a++] = "--bad-means";
	argv[a++] = bad_rep ? "reproduced" : "not-reproduced";
	if (o->accel) {
		argv[a++] = "--accel";
		argv[a++] = (char *)o->accel;
	}
	if (o->quiet)
		argv[a++] = "-q";
	if (o->local) {
		argv[a++] = "--local";
		argv[a++] = "--i-understand-this-stresses-the-host";
	}
	for (i = 0; i < o->sets.n; i++) {
		argv[a++] = "--set";
		argv[a++] = (char *)o->sets.v[i];
	}
	argv[a] = NULL;
	ret = git_bisect(o, path, odir, bad_rep, argv);
	return ret;
}

int cmd_bisect(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis =
			"SCENARIO --good K --bad K [--kernels K1,K2,...\n"
			"       | --values KEY=V1,V2,... (--kernel IMG|NAME | --local)]\n"
			"       [--bad-means reproduced|not-reproduced] [--runs N] [-j N] [--threshold k]\n"
			"       [--max-runs M] [--metric M] [--set KEY=VALUE]... [--out DIR]\n"
			"   or: mmrepro bisect SCENARIO --git DIR (--good REV --bad REV | --patch-range A..B)\n"
			"       [--bad-means ...] [--runs N] [--threshold k] [--set KEY=VALUE]...",
		.summary =
			"Find the first bad kernel between a good and a bad one, by\n"
			"binary search over an ordered list: Debian's packaged kernels\n"
			"('mmrepro kernels --list'; --good 6.18 is the newest 6.18), or\n"
			"--kernels in the order given; or, with --values, the values of\n"
			"one scenario key on one kernel (--good and --bad name values).\n"
			"Bad means reproduced unless\n"
			"--bad-means not-reproduced: a fix is bisected as a regression\n"
			"is. Both ends run first and must be what they are said to be.\n"
			"Each step runs N times: reproduced when at least k of N usable\n"
			"runs reproduce, not reproduced when at most N-k do; between,\n"
			"N more, up to --max-runs, then the step is undecided. With\n"
			"--metric M a step is bad when M differs significantly from the\n"
			"good end's runs and not from the bad end's (compare's test),\n"
			"and good the other way round. A run that fails for the\n"
			"infrastructure, ends in error or is not applicable is never a\n"
			"verdict: a step with no usable run is a skip.\n\n"
			"With --git DIR the list is the commits of a kernel tree between\n"
			"two revisions: git bisect run, whose every step builds HEAD with\n"
			"ci/build-kernel.sh (the small config, incremental, cached;\n"
			"$MMREPRO_BUILD_KERNEL names another script, which prints a SPEC\n"
			"as its last line; with --local, one of set= only) and runs the\n"
			"scenario on it, exiting 0 good, 1 bad, 125 skip (a failed build,\n"
			"no usable run, undecided). Both ends are built and run first.\n"
			"The tree must be clean; its HEAD is restored at the end.\n\n"
			"Runs go to DIR/KERNEL/run-K (DIR: default\n"
			"results/SCENARIO/bisect-<UTC>); every run and decision to\n"
			"DIR/bisect.log; the steps and the result to DIR/bisect.json and\n"
			"DIR/report.txt.\n\n"
			"Exit: 0 the first bad kernel is named; 3 it is one of several\n"
			"(skipped or undecided steps lie next to it); 2 an error, an end\n"
			"that is not what it was said to be, or an interrupt.",
		.permute = true,
	};
	struct bisect_opts o = { .runs = 3, .jobs = -1 };
	const struct opt opts[] = {
		OPT_STR(0, "good", &o.good, "K",
			"a good kernel (name or image)"),
		OPT_STR(0, "bad", &o.bad, "K", "a bad kernel"),
		OPT_STR(0, "kernels", &o.kernels, "K1,K2,...",
			"the ordered list (default: the packaged kernels)"),
		OPT_STR(0, "values", &o.values, "KEY=V1,V2,...",
			"the ordered list: values of a scenario key"),
		OPT_STR('k', "kernel", &o.kernel, "IMG|NAME",
			"the kernel of --values"),
		OPT_BOOLEAN(0, "local", &o.local,
			    "run --values on this machine"),
		OPT_BOOLEAN(0, "i-understand-this-stresses-the-host",
			    &o.stress_ok, "required with --local"),
		OPT_STR(0, "git", &o.git, "DIR",
			"bisect the commits of this kernel tree instead"),
		OPT_STR(0, "patch-range", &o.range, "A..B",
			"with --git: --good A --bad B"),
		OPT_BOOLEAN(0, "step", &o.step,
			    "(internal) one step of --git, for git bisect run"),
		OPT_STR(0, "bad-means", &o.bad_means,
			"reproduced|not-reproduced",
			"what bad is (default reproduced)"),
		OPT_INTEGER('n', "runs", &o.runs, "N",
			    "runs a step (default 3)"),
		OPT_INTEGER(
			'j', "jobs", &o.jobs, "N",
			"a step's guests at once, each on its own CPUs (default: what the machine holds)"),
		OPT_INTEGER(0, "threshold", &o.threshold, "k",
			    "reproduced when k of N (default N)"),
		OPT_INTEGER(0, "max-runs", &o.max_runs, "M",
			    "runs a step at most (default 3N)"),
		OPT_STR(0, "metric", &o.metric, "M",
			"decide by this metric, against both ends"),
		OPT_STRLIST('s', "set", &o.sets, "KEY=VALUE",
			    "override a scenario key on every kernel"),
		OPT_STR('o', "out", &o.out, "DIR", "results directory"),
		OPT_STR(0, "accel", &o.accel, "kvm|tcg", "QEMU accelerator"),
		OPT_BOOLEAN('q', "quiet", &o.quiet, "no progress lines"),
		OPT_TABLE_END,
	};
	struct bisector bs = { .o = &o };
	char dir[RD_PATH_MAX];
	int i = opt_parse(argc, argv, "bisect", &u, opts), g, b, lo, hi, k;

	if (i >= argc)
		die("bisect: no scenario (see 'mmrepro list')");
	if (i + 1 < argc)
		die("bisect: unexpected argument '%s'", argv[i + 1]);
	check_opts(&o, &bs);
	bs.scen = argv[i];
	if (o.git)
		return git_main(&o, bs.scen, bs.bad_rep);
	bs.names = kernel_order(&o, &bs.n, &bs.key);
	g = find(bs.names, bs.n, o.good, "--good", bs.key);
	b = find(bs.names, bs.n, o.bad, "--bad", bs.key);
	if (g == b)
		die("bisect: --good and --bad are the same kernel, %s",
		    bs.names[g]);
	plan_out_dir("bisect", bs.scen, o.out, dir);
	bs.dir = dir;
	lo = g < b ? g : b;
	hi = g < b ? b : g;
	make_steps(&bs, lo, hi);
	for (k = lo; k <= hi && o.jobs > 1; k++) {
		/* -j N fits this machine, for every step's guest */
		struct plan p = { .nsides = 1, .side = &bs.st[k].side };

		plan_jobs("bisect", &p, o.jobs);
	}
	if (bisect_init(&bs.b, bs.n, g, b))
		die("bisect: out of memory");
	if (mkdir_p(dir, 0755))
		die("bisect: %s: %s", dir, strerror(errno));
	plan_signals();
	fprintf(stderr,
		"bisect: %s, %d %s%s from %s (good) to %s (bad), bad means %s, into %s\n",
		bs.scen, hi - lo + 1, bs.key ? "values of " : "kernels",
		bs.key ? bs.key : "", bs.st[g].side.label, bs.st[b].side.label,
		mean_name(bs.bad_rep), dir);
	check_ends(&bs);
	while ((k = bisect_next(&bs.b)) >= 0)
		bisect_mark(&bs.b, k, try_kernel(&bs, k, "step"));
	i = bisect_report(&bs, lo, hi);
	bisect_free(&bs.b);
	if (o.kernels || o.values)
		free(bs.names); /* its strings are plan_points()' copy */
	else
		kernel_list_free(bs.names, bs.n);
	return i;
}
