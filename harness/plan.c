// SPDX-License-Identifier: GPL-2.0
/*
 * The runs of a plan (plan.h): `mmrepro run' children, side by side,
 * with a progress line, a log, and a clean stop on SIGINT/SIGTERM.
 * Shared by ab, sweep and bisect.
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

#include "plan.h"
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

void plan_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool plan_stopped(void)
{
	return stop != 0;
}

int plan_spec_parse(const char *arg, struct plan_spec *sp, char *err,
		    size_t elen)
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
				"'%s': use kernel=IMG|NAME, deb=PKG, modules=DIR or set=KEY=VALUE, comma-separated",
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

bool plan_spec_has_kernel(const struct plan_spec *sp)
{
	return sp->kernel || sp->debs.n;
}

int plan_spec_fetch(struct plan_spec *sp, char *err, size_t elen)
{
	if (!kernel_is_name(sp->kernel))
		return 0;
	sp->pkg = malloc(sizeof(*sp->pkg));
	if (!sp->pkg) {
		snprintf(err, elen, "out of memory");
		return -1;
	}
	return kernel_resolve(&sp->kernel, &sp->modules, sp->debs.n, sp->pkg,
			      err, elen) < 0 ?
		       -1 :
		       0;
}

int plan_spec_common_sets(struct plan_spec *sp, const struct opt_list *all)
{
	struct opt_list *l = &sp->sets;
	int i;

	if (!all->n)
		return 0;
	if (all->n + l->n > OPT_LIST_MAX)
		return -1;
	memmove(l->v + all->n, l->v, l->n * sizeof(l->v[0]));
	for (i = 0; i < all->n; i++)
		l->v[i] = all->v[i];
	l->n += all->n;
	return 0;
}

void plan_spec_check(const char *cmd, const char *scen,
		     const struct plan_spec *sp, const char *side)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	char path[4096], err[1024];
	int i;

	if (scenario_find(scen, path, sizeof(path)))
		die("%s: no scenario '%s' (see 'mmrepro list')", cmd, scen);
	if (scenario_load(sc, path, err, sizeof(err)))
		die("%s", err);
	for (i = 0; i < sp->sets.n; i++)
		if (scenario_set(sc, sp->sets.v[i], err, sizeof(err)))
			die("%s: %s: %s", cmd, side, err);
	if (scenario_verify(sc, err, sizeof(err)))
		die("%s: %s: %s", cmd, side, err);
	free(sc);
}

void plan_spec_free(struct plan_spec *sp)
{
	free(sp->buf);
	free(sp->pkg);
	sp->buf = NULL;
	sp->pkg = NULL;
}

struct progress {
	bool tty;
	int64_t run_t0;
	char phase[48], last[200];
};

static struct progress pg;

static void fmt_dur(char *b, size_t l, int64_t ns)
{
	long s = (long)(ns / NSEC_PER_SEC);

	if (s >= 3600)
		snprintf(b, l, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(b, l, "%ld:%02ld", s / 60, s % 60);
}

static void show(const struct plan *p, const struct plan_side *sd, int k, int n)
{
	char line[256], el[32], eta[48];
	int64_t now = now_ns(), left;

	if (p->quiet)
		return;
	fmt_dur(el, sizeof(el), now - pg.run_t0);
	if (p->done) {
		left = p->done_ns / p->done * (p->total - p->done) -
		       (now - pg.run_t0);
		fmt_dur(eta + 4, sizeof(eta) - 4, left > 0 ? left : 0);
		memcpy(eta, "ETA ", 4);
	} else {
		snprintf(eta, sizeof(eta), "ETA after the first run");
	}
	snprintf(line, sizeof(line),
		 "%s: run %d of %d: %s run-%d of %d, %s, %s in; %s", p->cmd,
		 p->done + 1, p->total, sd->label, k, n, pg.phase, el, eta);
	if (pg.tty) {
		fprintf(stderr, "\r\033[K%s", line);
	} else if (strcmp(pg.phase, pg.last)) {
		/* in a log, a line per phase and not per second */
		fprintf(stderr, "%s\n", line);
		snprintf(pg.last, sizeof(pg.last), "%s", pg.phase);
	}
}

/* The latest phase a run's output names, read as it grows */
static void scan_output(const char *path, off_t *off)
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
				snprintf(pg.phase, sizeof(pg.phase), "booting");
			p = strstr(line, "] phase ");
			if (p && strstr(p, " started"))
				snprintf(pg.phase, sizeof(pg.phase),
					 "phase %.*s", (int)strcspn(p + 8, " "),
					 p + 8);
			if (strstr(line, "] verdict: "))
				snprintf(pg.phase, sizeof(pg.phase), "verdict");
		}
	}
	close(fd);
}

void plan_log(const struct plan *p, const char *fmt, ...)
{
	char path[RD_PATH_MAX], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	FILE *f;
	int fd;

	pathf(path, sizeof(path), "%s/%s.log", p->dir, p->cmd);
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
 * A packaged kernel named by version goes in as "kernel_name".
 */
static void add_kernel_info(const struct plan *p, const struct plan_spec *sp,
			    const char *run)
{
	char mpath[RD_PATH_MAX], meta[RD_PATH_MAX];
	const char *slash;
	json_t *man = NULL, *m;
	json_error_t e;

	if (!sp->kernel)
		return;
	slash = strrchr(sp->kernel, '/');
	pathf(mpath, sizeof(mpath), "%.*s/manifest.json",
	      slash ? (int)(slash - sp->kernel) : 1, slash ? sp->kernel : ".");
	pathf(meta, sizeof(meta), "%s/meta.json", run);
	if (!access(mpath, F_OK)) {
		man = json_load_file(mpath, 0, &e);
		if (!man)
			warnx_("%s: %s:%d: %s", p->cmd, mpath, e.line, e.text);
	} else if (!sp->pkg) {
		return;
	}
	m = json_load_regular(meta, NULL);
	if (m && json_is_object(m) && (man || sp->pkg)) {
		if (man)
			json_object_set(m, "kernel_build", man);
		if (sp->pkg)
			json_object_set_new(m, "kernel_name",
					    json_string(sp->pkg->name));
		if (json_save(m, run, "meta.json"))
			warnx_("%s: %s: cannot write it", p->cmd, meta);
	}
	json_decref(man);
	json_decref(m);
}

/* argv of `mmrepro run' for one run of a side into run */
static void run_argv(char **argv, char *self, const struct plan *p,
		     const struct plan_spec *sp, char *run)
{
	int a = 0, i;

	argv[a++] = self;
	argv[a++] = "run";
	argv[a++] = (char *)p->scen;
	argv[a++] = "--quiet";
	argv[a++] = "--out";
	argv[a++] = run;
	if (p->local) {
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
	if (p->accel) {
		argv[a++] = "--accel";
		argv[a++] = (char *)p->accel;
	}
	for (i = 0; i < sp->sets.n; i++) {
		argv[a++] = "--set";
		argv[a++] = (char *)sp->sets.v[i];
	}
	argv[a] = NULL;
}

/*
 * One run, run-K of side s; its exit status (0 not reproduced or not
 * applicable, 1 reproduced, 2 error, 3 infrastructure, 128+N a signal)
 */
static int plan_run_one(struct plan *p, int s, int k)
{
	struct plan_side *sd = &p->side[s];
	char self[4096], run[RD_PATH_MAX], log[RD_PATH_MAX];
	char outlog[RD_PATH_MAX];
	char *argv[16 + 2 * OPT_LIST_MAX * 2];
	off_t off = 0, ooff = 0;
	int status, fd, i;
	pid_t pid;

	/* a rebuild during a long session: run the new binary */
	self_exe(self, sizeof(self));
	pathf(run, sizeof(run), "%s/run-%d", sd->dir, k);
	pathf(log, sizeof(log), "%s/run-%d.log", sd->dir, k);
	pathf(outlog, sizeof(outlog), "%s/output.log", run);
	run_argv(argv, self, p, &sd->sp, run);

	plan_log(p, "start %s run-%d", sd->label, k);
	snprintf(pg.phase, sizeof(pg.phase), "setting up");
	pg.tty = isatty(2);
	pg.run_t0 = now_ns();
	if (k > sd->runs)
		sd->runs = k;
	pid = fork();
	if (pid < 0)
		die("%s: fork: %s", p->cmd, strerror(errno));
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
		fprintf(stderr, "%s: %s: %s\n", p->cmd, self, strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			die("%s: waitpid: %s", p->cmd, strerror(errno));
		if (stop == 1) {
			/* the run tears down on SIGTERM; wait for it */
			kill(pid, SIGTERM);
			stop = 2;
		}
		scan_output(log, &off);
		scan_output(outlog, &ooff);
		show(p, sd, k, p->total / (p->nsides ? p->nsides : 1));
		usleep(POLL_US);
	}
	if (pg.tty && !p->quiet)
		fprintf(stderr, "\r\033[K");
	p->done++;
	p->done_ns += now_ns() - pg.run_t0;
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
				     128 + WTERMSIG(status);
	plan_log(p, "end %s run-%d exit %d", sd->label, k, status);
	add_kernel_info(p, &sd->sp, run);
	return status;
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

int plan_run(struct plan *p, int from, int to)
{
	int k, s, n = 0, failed[2] = { 0 }, before = p->done;

	p->total = p->done + (to - from + 1) * p->nsides;
	for (k = from; k <= to && !stop; k++)
		for (s = 0; s < p->nsides && !stop; s++) {
			int st = plan_run_one(p, s, k);

			n++;
			fprintf(stderr, "%s: %s run-%d: %s (exit %d)\n", p->cmd,
				p->side[s].label, k, exit_name(st), st);
			if (st == EXIT_INFRA)
				failed[1]++;
			else if (st >= 2)
				failed[0]++;
		}
	if (stop)
		warnx_("%s: interrupted after %d of %d runs", p->cmd,
		       p->done - before, p->total - before);
	if (failed[0] || failed[1])
		warnx_("%s: %d run(s) ended in error and %d in an infrastructure failure (logs: %s/*/run-K.log)",
		       p->cmd, failed[0], failed[1], p->dir);
	return n;
}

void plan_dirs(const struct plan *p)
{
	char sub[RD_PATH_MAX];
	int s;

	for (s = 0; s < p->nsides; s++) {
		pathf(sub, sizeof(sub), "%s/run-1", p->side[s].dir);
		if (!access(sub, F_OK))
			die("%s: %s: already holds runs; choose another --out",
			    p->cmd, p->side[s].dir);
		if (mkdir_p(p->side[s].dir, 0755))
			die("%s: %s: %s", p->cmd, p->side[s].dir,
			    strerror(errno));
	}
}

void plan_out_dir(const char *cmd, const char *scen, const char *out,
		  char dir[RD_PATH_MAX])
{
	struct scenario *sc;
	char path[4096], err[1024], stamp[32];

	if (out) {
		pathf(dir, RD_PATH_MAX, "%s", out);
		return;
	}
	sc = calloc(1, sizeof(*sc));
	if (!sc || scenario_find(scen, path, sizeof(path)) ||
	    scenario_load(sc, path, err, sizeof(err)))
		die("%s: no scenario '%s' (see 'mmrepro list')", cmd, scen);
	utc_stamp(stamp, sizeof(stamp));
	pathf(dir, RD_PATH_MAX, "results/%s/%s-%s", sc->name, cmd, stamp);
	free(sc);
}

void plan_kernel_label(const char *kernel, char *out, size_t len)
{
	const char *b = strrchr(kernel, '/'), *p;

	if (!b || b[1] == '\0' ||
	    (strcmp(b + 1, "bzImage") && strcmp(b + 1, "vmlinux"))) {
		snprintf(out, len, "%s", b && b[1] ? b + 1 : kernel);
		return;
	}
	/* DIR/bzImage (ci/build-kernel.sh): DIR's name says which */
	for (p = b; p > kernel && p[-1] != '/'; p--)
		;
	snprintf(out, len, "%.*s", (int)(b - p), p);
	if (!out[0])
		snprintf(out, len, "%s", b + 1);
}

int plan_points(const char *cmd, const char *arg, bool keyed, char **key,
		char **v, int max)
{
	char *buf = strdup(arg), *list = buf, *save, *t;
	int n = 0;

	if (!buf)
		die("%s: out of memory", cmd);
	*key = NULL;
	if (keyed) {
		char *eq = strchr(buf, '=');

		if (!eq || eq == buf || !eq[1])
			die("%s: '%s': use KEY=V1,V2,...", cmd, arg);
		*eq = '\0';
		*key = buf;
		list = eq + 1;
	}
	for (t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (n == max)
			die("%s: '%s': more than %d points", cmd, arg, max);
		v[n++] = t;
	}
	if (n < 2)
		die("%s: '%s': at least 2 points", cmd, arg);
	return n;
}

void plan_point(const char *cmd, struct plan_side *sd, const char *key,
		const char *value, const char *kernel,
		const struct opt_list *sets, const char *dir)
{
	char spec[1024], err[512], safe[64];

	if (key)
		snprintf(spec, sizeof(spec), "%s%s%sset=%s=%s",
			 kernel ? "kernel=" : "", kernel ? kernel : "",
			 kernel ? "," : "", key, value);
	else
		snprintf(spec, sizeof(spec), "kernel=%s", value);
	if (plan_spec_parse(spec, &sd->sp, err, sizeof(err)))
		die("%s: %s", cmd, err);
	if (plan_spec_common_sets(&sd->sp, sets))
		die("%s: more than %d --set values", cmd, OPT_LIST_MAX);
	if (key)
		snprintf(sd->label, sizeof(sd->label), "%s=%s", key, value);
	else
		plan_kernel_label(value, sd->label, sizeof(sd->label));
	safe_name(safe, sizeof(safe), sd->label);
	pathf(sd->dir, sizeof(sd->dir), "%s/%s", dir, safe);
}
