// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro ab: N runs of A and N runs of B, interleaved A B A B so that
 * a drift of the host (thermal, a noisy neighbour) hits both sides
 * alike, then compare.  Each run is `mmrepro run' as a child process.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare-formats.h"
#include "compare.h"
#include "mmrepro.h"
#include "opt.h"
#include "plot.h"
#include "results.h"
#include "scenario.h"
#include "util.h"

#define POLL_US 200000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct spec {
	const char *kernel, *modules;
	struct opt_list debs, sets;
	char *buf;
};

struct ab_opts {
	const char *a, *b, *out, *accel;
	struct opt_list sets; /* --set: both sides, before a SPEC's set= */
	bool local, stress_ok, quiet;
	int runs;
};

struct progress {
	bool tty, quiet;
	int64_t t0, run_t0, done_ns;
	int done, total;
	char phase[48], last[200];
};

/*
 * kernel=IMG,deb=PKG,deb=PKG,modules=DIR,set=KEY=VALUE,...  A comma
 * starts a new item only before one of these keys, so a value may hold
 * commas (set=phase.x.cmd=a,b).
 */
static int spec_parse(const char *arg, struct spec *sp, char *err, size_t elen)
{
	static const char *const keys[] = { "kernel=", "deb=", "modules=",
					    "set=" };
	char *p, *item;
	size_t k;

	memset(sp, 0, sizeof(*sp));
	sp->buf = strdup(arg);
	for (p = sp->buf; *p; p++) {
		if (*p != ',')
			continue;
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strncmp(p + 1, keys[k], strlen(keys[k])))
				*p = '\0';
	}
	for (item = sp->buf; item < sp->buf + strlen(arg);
	     item += strlen(item) + 1) {
		struct opt_list *l = NULL;
		const char *v = NULL;

		if (!*item)
			continue;
		for (k = 0; k < ARRAY_SIZE(keys) && !v; k++)
			if (!strncmp(item, keys[k], strlen(keys[k])))
				v = item + strlen(keys[k]);
		if (!v || !*v) {
			snprintf(
				err, elen,
				"'%s': use kernel=IMG, deb=PKG, modules=DIR or set=KEY=VALUE, comma-separated",
				item);
			return -1;
		}
		k--;
		if (k == 0)
			sp->kernel = v;
		else if (k == 2)
			sp->modules = v;
		else
			l = k == 1 ? &sp->debs : &sp->sets;
		if (l && l->n == OPT_LIST_MAX) {
			snprintf(err, elen, "'%s': at most %d", item,
				 OPT_LIST_MAX);
			return -1;
		}
		if (l)
			l->v[l->n++] = v;
	}
	return 0;
}

static bool has_kernel(const struct spec *s)
{
	return s->kernel || s->debs.n;
}

/* Load the scenario with one side's --set values: errors show early */
static void check_side(const char *scen, const struct spec *sp, char side)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	char path[4096], err[1024];
	int i;

	if (scenario_find(scen, path, sizeof(path)))
		die("ab: no scenario '%s' (see 'mmrepro list')", scen);
	if (scenario_load(sc, path, err, sizeof(err)))
		die("%s", err);
	for (i = 0; i < sp->sets.n; i++)
		if (scenario_set(sc, sp->sets.v[i], err, sizeof(err)))
			die("ab: --%c: %s", side, err);
	if (scenario_verify(sc, err, sizeof(err)))
		die("ab: --%c: %s", side, err);
	free(sc);
}

static void fmt_dur(char *b, size_t l, int64_t ns)
{
	long s = (long)(ns / NSEC_PER_SEC);

	if (s >= 3600)
		snprintf(b, l, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(b, l, "%ld:%02ld", s / 60, s % 60);
}

static void show(struct progress *pg, char side, int k, int n)
{
	char line[200], el[32], eta[48];
	int64_t now = now_ns(), left;

	if (pg->quiet)
		return;
	fmt_dur(el, sizeof(el), now - pg->run_t0);
	if (pg->done) {
		left = pg->done_ns / pg->done * (pg->total - pg->done) -
		       (now - pg->run_t0);
		fmt_dur(eta + 4, sizeof(eta) - 4, left > 0 ? left : 0);
		memcpy(eta, "ETA ", 4);
	} else {
		snprintf(eta, sizeof(eta), "ETA after the first run");
	}
	snprintf(line, sizeof(line),
		 "ab: run %d of %d: %c run-%d of %d, %s, %s in; %s",
		 pg->done + 1, pg->total, side, k, n, pg->phase, el, eta);
	if (pg->tty) {
		fprintf(stderr, "\r\033[K%s", line);
	} else if (strcmp(pg->phase, pg->last)) {
		/* in a log, a line per phase and not per second */
		fprintf(stderr, "%s\n", line);
		snprintf(pg->last, sizeof(pg->last), "%s", pg->phase);
	}
}

/* The latest phase a run's output names, read as it grows */
static void scan_output(const char *path, off_t *off, struct progress *pg)
{
	char buf[8192], *line, *save, *p;
	int fd = open_regular(path);
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = pread(fd, buf, sizeof(buf) - 1, *off)) > 0) {
		/* whole lines only; the rest is read next time */
		char *end = memrchr(buf, '\n', (size_t)n);

		if (!end)
			break;
		*off += end - buf + 1;
		*end = '\0';
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strstr(line, "booting "))
				snprintf(pg->phase, sizeof(pg->phase),
					 "booting");
			p = strstr(line, "] phase ");
			if (p && strstr(p, " started"))
				snprintf(pg->phase, sizeof(pg->phase),
					 "phase %.*s", (int)strcspn(p + 8, " "),
					 p + 8);
			if (strstr(line, "] verdict: "))
				snprintf(pg->phase, sizeof(pg->phase),
					 "verdict");
		}
	}
	close(fd);
}

static void ab_log(const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ab_log(const char *dir, const char *fmt, ...)
{
	char path[RD_PATH_MAX], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	FILE *f;
	int fd;

	pathf(path, sizeof(path), "%s/ab.log", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	f = fd < 0 ? NULL : fdopen(fd, "a");
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%03ldZ ", stamp, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/*
 * A kernel from ci/build-kernel.sh has a manifest.json beside its image
 * (source version, patch and config hashes): copy it into the run's
 * meta.json as "kernel_build", so that every run says what was built.
 */
static void add_manifest(const struct spec *sp, const char *run)
{
	char mpath[RD_PATH_MAX], meta[RD_PATH_MAX];
	const char *slash;
	json_t *man, *m;
	json_error_t e;

	if (!sp->kernel)
		return;
	slash = strrchr(sp->kernel, '/');
	pathf(mpath, sizeof(mpath), "%.*s/manifest.json",
	      slash ? (int)(slash - sp->kernel) : 1, slash ? sp->kernel : ".");
	pathf(meta, sizeof(meta), "%s/meta.json", run);
	if (access(mpath, F_OK))
		return;
	man = json_load_file(mpath, 0, &e);
	m = json_load_regular(meta, NULL);
	if (!man)
		warnx_("ab: %s:%d: %s", mpath, e.line, e.text);
	if (man && m && json_is_object(m)) {
		json_object_set(m, "kernel_build", man);
		if (json_save(m, run, "meta.json"))
			warnx_("ab: %s: cannot write it", meta);
	}
	json_decref(man);
	json_decref(m);
}

/* argv of `mmrepro run' for one run of a side into run */
static void run_argv(char **argv, char *self, const char *scen,
		     const struct ab_opts *o, const struct spec *sp, char *run)
{
	int a = 0, i;

	argv[a++] = self;
	argv[a++] = "run";
	argv[a++] = (char *)scen;
	argv[a++] = "--quiet";
	argv[a++] = "--out";
	argv[a++] = run;
	if (o->local) {
		argv[a++] = "--local";
		argv[a++] = "--i-understand-this-stresses-the-host";
	}
	if (sp->kernel) {
		argv[a++] = "--kernel";
		argv[a++] = (char *)sp->kernel;
	}
	if (sp->modules) {
		argv[a++] = "--modules";
		argv[a++] = (char *)sp->modules;
	}
	for (i = 0; i < sp->debs.n; i++) {
		argv[a++] = "--deb";
		argv[a++] = (char *)sp->debs.v[i];
	}
	if (o->accel) {
		argv[a++] = "--accel";
		argv[a++] = (char *)o->accel;
	}
	for (i = 0; i < sp->sets.n; i++) {
		argv[a++] = "--set";
		argv[a++] = (char *)sp->sets.v[i];
	}
	argv[a] = NULL;
}

static int one_run(const char *scen, const struct ab_opts *o,
		   const struct spec *sp, const char *dir, char side, int k,
		   struct progress *pg)
{
	char self[4096], run[RD_PATH_MAX], log[RD_PATH_MAX];
	char outlog[RD_PATH_MAX];
	char *argv[16 + 2 * OPT_LIST_MAX * 2];
	off_t off = 0, ooff = 0;
	int status, fd, i;
	pid_t pid;

	/* a rebuild during a long A/B session: run the new binary */
	self_exe(self, sizeof(self));
	pathf(run, sizeof(run), "%s/%c/run-%d", dir, side + 'a' - 'A', k);
	pathf(log, sizeof(log), "%s/%c/run-%d.log", dir, side + 'a' - 'A', k);
	pathf(outlog, sizeof(outlog), "%s/output.log", run);
	run_argv(argv, self, scen, o, sp, run);

	ab_log(dir, "start %c run-%d", side, k);
	snprintf(pg->phase, sizeof(pg->phase), "setting up");
	pg->run_t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("ab: fork: %s", strerror(errno));
	if (pid == 0) {
		fd = create_new(log);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(self, argv);
		/* being relinked by a rebuild (missing, or not yet +x) */
		for (i = 0; i < 30 && (errno == ENOENT || errno == EACCES ||
				       errno == ETXTBSY);
		     i++) {
			sleep(1);
			execv(self, argv);
		}
		fprintf(stderr, "ab: %s: %s\n", self, strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			die("ab: waitpid: %s", strerror(errno));
		if (stop == 1) {
			/* the run tears down on SIGTERM; wait for it */
			kill(pid, SIGTERM);
			stop = 2;
		}
		scan_output(log, &off, pg);
		scan_output(outlog, &ooff, pg);
		show(pg, side, k, o->runs);
		usleep(POLL_US);
	}
	if (pg->tty && !pg->quiet)
		fprintf(stderr, "\r\033[K");
	pg->done++;
	pg->done_ns += now_ns() - pg->run_t0;
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
				     128 + WTERMSIG(status);
	ab_log(dir, "end %c run-%d exit %d", side, k, status);
	add_manifest(sp, run);
	return status;
}

static void write_reports(struct comparison *c, const char *dir)
{
	const struct cmp_format *f;
	char path[RD_PATH_MAX];

	/* md links its plots from where it is */
	free(c->report_dir);
	c->report_dir = strdup(dir);
	for (f = cmp_formats; f->name; f++) {
		struct afile a;
		int ret;

		pathf(path, sizeof(path), "%s/report.%s", dir, f->ext);
		ret = afile_open(&a, path);
		if (!ret) {
			f->write(c, a.f);
			ret = afile_commit(&a);
		}
		if (ret)
			warnx_("ab: %s: %s", path, strerror(-ret));
	}
}

static const char *exit_name(int st)
{
	switch (st) {
	case 0:
		return "not reproduced";
	case EXIT_REPRODUCED:
		return "reproduced";
	case EXIT_ERROR:
		return "error";
	case EXIT_INFRA:
		return "infrastructure failure";
	}
	return "killed";
}

/* ab's --help; %s: the report extensions, from the format table */
static const char ab_summary[] =
	"Run SCENARIO N times with A and N times with B, interleaved\n"
	"A B A B, then compare them (see 'mmrepro compare'). A SPEC is a\n"
	"kernel and/or scenario overrides, comma-separated:\n"
	"  kernel=IMG  deb=PKG (repeatable)  modules=DIR  set=KEY=VALUE (repeatable)\n"
	"e.g. --a deb=a.deb --b deb=a.deb,set=sysctl.vm.swappiness=10. --set\n"
	"applies to both sides, before a SPEC's set= (which wins). A side\n"
	"without a kernel takes the other side's. With --local both sides\n"
	"run on this machine and a SPEC holds set= only. A manifest.json\n"
	"beside IMG (ci/build-kernel.sh) goes into each run's meta.json.\n\n"
	"Runs go to DIR/a/run-K and DIR/b/run-K (DIR: default\n"
	"results/SCENARIO/ab-<UTC>), the order to DIR/ab.log, the reports\n"
	"to DIR/report.{%s} and the plots to DIR/plots.\n\n"
	"Exit: as compare: 1 when a gating metric is significantly worse,\n"
	"0 otherwise, 2 on an error.";

/* --set KEY=VALUE goes to both sides, first, so a SPEC's set= wins */
static void common_sets(const struct opt_list *all, struct opt_list *l,
			char side)
{
	int i;

	if (!all->n)
		return;
	if (all->n + l->n > OPT_LIST_MAX)
		die("ab: --%c: more than %d --set and set= values", side,
		    OPT_LIST_MAX);
	memmove(l->v + all->n, l->v, l->n * sizeof(l->v[0]));
	for (i = 0; i < all->n; i++)
		l->v[i] = all->v[i];
	l->n += all->n;
}

/* The specs of --a and --b, checked against each other and the scenario */
static void ab_specs(const char *scen, const struct ab_opts *o,
		     struct spec sp[2])
{
	char err[RD_PATH_MAX + 256];
	int s;

	if (o->runs < 1 || o->runs > 500)
		die("ab: --runs %d: must be 1 to 500", o->runs);
	if (spec_parse(o->a ? o->a : "", &sp[0], err, sizeof(err)))
		die("ab: --a: %s", err);
	if (spec_parse(o->b ? o->b : "", &sp[1], err, sizeof(err)))
		die("ab: --b: %s", err);
	for (s = 0; s < 2; s++)
		common_sets(&o->sets, &sp[s].sets, s ? 'b' : 'a');
	if (o->local && (has_kernel(&sp[0]) || has_kernel(&sp[1])))
		die("ab: --local runs on this machine: a SPEC may hold set= only");
	if (o->local && !o->stress_ok)
		die("ab: --local stresses this machine's memory; add --i-understand-this-stresses-the-host if it is a dedicated test box");
	if (!o->local && !has_kernel(&sp[0]) && !has_kernel(&sp[1]))
		die("ab: give a kernel (--a kernel=IMG or deb=PKG), or --local");
	for (s = 0; s < 2 && !o->local; s++)
		if (!has_kernel(&sp[s])) {
			sp[s].kernel = sp[!s].kernel;
			sp[s].modules = sp[!s].modules;
			sp[s].debs = sp[!s].debs;
		}
	check_side(scen, &sp[0], 'a');
	check_side(scen, &sp[1], 'b');
}

/* DIR (--out, or results/SCENARIO/ab-<UTC>), and DIR/a, DIR/b made */
static void ab_dirs(const char *scen, const struct ab_opts *o,
		    char dir[RD_PATH_MAX], char sdir[2][RD_PATH_MAX])
{
	char err[RD_PATH_MAX + 256], sub[RD_PATH_MAX], stamp[32];
	int s;

	utc_stamp(stamp, sizeof(stamp));
	if (o->out) {
		pathf(dir, RD_PATH_MAX, "%s", o->out);
	} else {
		struct scenario *sc = calloc(1, sizeof(*sc));
		char path[4096];

		scenario_find(scen, path, sizeof(path));
		scenario_load(sc, path, err, sizeof(err));
		pathf(dir, RD_PATH_MAX, "results/%s/ab-%s", sc->name, stamp);
		free(sc);
	}
	for (s = 0; s < 2; s++) {
		pathf(sdir[s], RD_PATH_MAX, "%s/%c", dir, 'a' + s);
		pathf(sub, sizeof(sub), "%s/run-1", sdir[s]);
		if (!access(sub, F_OK))
			die("ab: %s: already holds runs; choose another --out",
			    sdir[s]);
		if (mkdir_p(sdir[s], 0755))
			die("ab: %s: %s", sdir[s], strerror(errno));
	}
}

/* The runs, A B A B, until done or a signal; how they ended on stderr */
static void ab_runs(const char *scen, const struct ab_opts *o,
		    struct spec sp[2], const char *dir, struct progress *pg)
{
	int failed[4] = { 0 };
	struct sigaction sa;
	int k, s;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pg->tty = isatty(2);
	pg->quiet = o->quiet;
	pg->t0 = now_ns();
	pg->total = 2 * o->runs;
	fprintf(stderr,
		"ab: %s, %d runs of A and %d of B, interleaved, into %s\n",
		scen, o->runs, o->runs, dir);
	for (k = 1; k <= o->runs && !stop; k++)
		for (s = 0; s < 2 && !stop; s++) {
			int st = one_run(scen, o, &sp[s], dir, 'A' + s, k, pg);

			fprintf(stderr, "ab: %c run-%d: %s (exit %d)\n",
				'A' + s, k, exit_name(st), st);
			if (st >= 2 && st <= 3)
				failed[st]++;
			else if (st > 3)
				failed[2]++;
		}
	if (stop)
		warnx_("ab: interrupted after %d of %d runs", pg->done,
		       pg->total);
	if (failed[2] || failed[3])
		warnx_("ab: %d run(s) ended in error and %d in an infrastructure failure (logs: %s/{a,b}/run-K.log)",
		       failed[2], failed[3], dir);
}

/*
 * Compare DIR/a with DIR/b: the plots, a report per format, the text
 * one on stdout; the exit status of compare
 */
static int ab_compare(const char *dir, char sdir[2][RD_PATH_MAX])
{
	char err[RD_PATH_MAX + 256], sub[RD_PATH_MAX], exts[64];
	struct comparison *c;
	int ret;

	c = compare_load(sdir[0], sdir[1], err, sizeof(err));
	if (!c)
		die("ab: compare: %s", err);
	pathf(sub, sizeof(sub), "%s/plots", dir);
	plot_comparison(c, sub);
	write_reports(c, dir);
	compare_format("text")->write(c, stdout);
	cmp_format_list(exts, sizeof(exts), true, false, ",", ",");
	printf("reports: %s/report.{%s}\n", dir, exts);
	fflush(stdout);
	ret = compare_exit(c);
	compare_free(c);
	return ret;
}

int cmd_ab(int argc, char **argv)
{
	char exts[64], summary[sizeof(ab_summary) + 64];
	const struct cmd_usage u = {
		.synopsis =
			"SCENARIO --a SPEC --b SPEC [--runs N] [--set KEY=VALUE]... [--out DIR]\n"
			"       [--local --i-understand-this-stresses-the-host] [--accel kvm|tcg] [-q]",
		.summary = summary,
		.permute = true,
	};
	struct ab_opts o = { .runs = 5 };
	const struct opt opts[] = {
		OPT_STR(0, "a", &o.a, "SPEC", "side A"),
		OPT_STR(0, "b", &o.b, "SPEC", "side B"),
		OPT_INTEGER('n', "runs", &o.runs, "N",
			    "runs per side (default 5)"),
		OPT_STRLIST('s', "set", &o.sets, "KEY=VALUE",
			    "override a scenario key on both sides"),
		OPT_STR('o', "out", &o.out, "DIR", "results directory"),
		OPT_BOOLEAN(0, "local", &o.local,
			    "run both sides on this machine"),
		OPT_BOOLEAN(0, "i-understand-this-stresses-the-host",
			    &o.stress_ok, "required with --local"),
		OPT_STR(0, "accel", &o.accel, "kvm|tcg", "QEMU accelerator"),
		OPT_BOOLEAN('q', "quiet", &o.quiet, "no progress lines"),
		OPT_TABLE_END,
	};
	char dir[RD_PATH_MAX], sdir[2][RD_PATH_MAX];
	struct progress pg = { 0 };
	struct spec sp[2];
	int i, ret;

	cmp_format_list(exts, sizeof(exts), true, false, ",", ",");
	snprintf(summary, sizeof(summary), ab_summary, exts);
	i = opt_parse(argc, argv, "ab", &u, opts);
	if (i >= argc)
		die("ab: no scenario (see 'mmrepro list')");
	if (i + 1 < argc)
		die("ab: unexpected argument '%s'", argv[i + 1]);
	ab_specs(argv[i], &o, sp);
	ab_dirs(argv[i], &o, dir, sdir);
	ab_runs(argv[i], &o, sp, dir, &pg);
	free(sp[0].buf);
	free(sp[1].buf);
	ret = ab_compare(dir, sdir);
	return stop ? EXIT_ERROR : ret;
}
