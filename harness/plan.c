// SPDX-License-Identifier: GPL-2.0
/*
 * The runs of a plan (plan.h): `mmrepro run' children, side by side,
 * with a progress line, a log, and a clean stop on SIGINT/SIGTERM.
 * Shared by ab, sweep and bisect.
 */
#include <errno.h>
#include <sched.h>
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

void plan_spec_check(const char *cmd, const char *scen, struct plan_spec *sp,
		     const char *side)
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
	sp->cpus = sc->cpus;
	sp->mem = sc->mem;
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
	char phase[200], last[200]; /* the slots' phases, as last shown */
};

static struct progress pg;
static char *pg_phase; /* where scan_output() puts the phase it reads */

static void fmt_dur(char *b, size_t l, int64_t ns)
{
	long s = (long)(ns / NSEC_PER_SEC);

	if (s >= 3600)
		snprintf(b, l, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(b, l, "%ld:%02ld", s / 60, s % 60);
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
				snprintf(pg_phase, 48, "booting");
			p = strstr(line, "] phase ");
			if (p && strstr(p, " started"))
				snprintf(pg_phase, 48, "phase %.*s",
					 (int)strcspn(p + 8, " "), p + 8);
			if (strstr(line, "] verdict: "))
				snprintf(pg_phase, 48, "verdict");
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

void plan_run_argv(char **argv, char *self, const struct plan *p,
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
	for (i = 0; p->shares && i < p->shares->n; i++) {
		argv[a++] = "--share";
		argv[a++] = (char *)p->shares->v[i];
	}
	for (i = 0; i < sp->sets.n; i++) {
		argv[a++] = "--set";
		argv[a++] = (char *)sp->sets.v[i];
	}
	argv[a] = NULL;
}

/* A guest at a time: one run, its CPUs, its output read as it grows */
struct slot {
	pid_t pid; /* 0: free */
	int s, k;
	int64_t t0;
	off_t off, ooff;
	char phase[48];
	char run[RD_PATH_MAX], log[RD_PATH_MAX], outlog[RD_PATH_MAX];
	cpu_set_t cpus;
	bool pinned; /* -j 1: not, as before slots */
};

/* Starts run-K of side s in slot sl */
static void slot_start(struct plan *p, struct slot *sl, int s, int k)
{
	struct plan_side *sd = &p->side[s];
	char self[4096], cpus[256] = "";
	char *argv[16 + 2 * OPT_LIST_MAX * 3];
	int fd, i;

	/* a rebuild during a long session: run the new binary */
	self_exe(self, sizeof(self));
	sl->s = s;
	sl->k = k;
	sl->off = sl->ooff = 0;
	pathf(sl->run, sizeof(sl->run), "%s/run-%d", sd->dir, k);
	pathf(sl->log, sizeof(sl->log), "%s/run-%d.log", sd->dir, k);
	pathf(sl->outlog, sizeof(sl->outlog), "%s/output.log", sl->run);
	plan_run_argv(argv, self, p, &sd->sp, sl->run);
	if (sl->pinned) {
		cpus_fmt(cpus + 6, sizeof(cpus) - 6, &sl->cpus);
		memcpy(cpus, " cpus ", 6);
	}
	plan_log(p, "start %s run-%d%s", sd->label, k, cpus);
	snprintf(sl->phase, sizeof(sl->phase), "setting up");
	sl->t0 = now_ns();
	if (k > sd->runs)
		sd->runs = k;
	sl->pid = fork();
	if (sl->pid < 0)
		die("%s: fork: %s", p->cmd, strerror(errno));
	if (sl->pid)
		return;
	/*
	 * Until the exec the plan's handlers would only set this copy's
	 * flag: an interrupt now must stop this run as it does the plan
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (stop)
		_exit(128 + SIGTERM);
	fd = create_new(sl->log);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	/* the run and its QEMU keep to the slot's CPUs */
	if (sl->pinned && sched_setaffinity(0, sizeof(sl->cpus), &sl->cpus))
		fprintf(stderr, "%s: sched_setaffinity %s: %s\n", p->cmd,
			cpus + 6, strerror(errno));
	execv(self, argv);
	/* being relinked by a rebuild (missing, or not yet +x) */
	for (i = 0;
	     i < 30 && (errno == ENOENT || errno == EACCES || errno == ETXTBSY);
	     i++) {
		sleep(1);
		execv(self, argv);
	}
	fprintf(stderr, "%s: %s: %s\n", p->cmd, self, strerror(errno));
	_exit(127);
}

void plan_ended(struct plan *p, int s, int k, int st, int64_t ns)
{
	struct plan_side *sd = &p->side[s];
	char run[RD_PATH_MAX];

	if (k >= sd->nstatus) {
		int n = k + 16, *v = realloc(sd->status, n * sizeof(*v));

		if (!v)
			die("%s: out of memory", p->cmd);
		while (sd->nstatus < n)
			v[sd->nstatus++] = -1;
		sd->status = v;
	}
	sd->status[k] = st;
	p->done++;
	p->done_ns += ns;
	plan_log(p, "end %s run-%d exit %d", sd->label, k, st);
	pathf(run, sizeof(run), "%s/run-%d", sd->dir, k);
	add_kernel_info(p, &sd->sp, run);
}

/*
 * The run of slot sl ended with wait status st: its exit status (0 not
 * reproduced or not applicable, 1 reproduced, 2 error, 3
 * infrastructure, 128+N a signal)
 */
static int slot_end(struct plan *p, struct slot *sl, int st)
{
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	sl->pid = 0;
	plan_ended(p, sl->s, sl->k, st, now_ns() - sl->t0);
	return st;
}

const char *plan_exit_name(int st)
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

/*
 * The progress line: with one slot, the run, its phase and time; with
 * more, every running one in turn.  The ETA counts the slots: the
 * mean run so far, times the runs left, less what the running ones
 * have done, over the slots.
 */
static void show_slots(const struct plan *p, const struct slot *sl, int nsl,
		       int per_side)
{
	char line[512], el[32], eta[48];
	int64_t now = now_ns(), mean, work, first = now;
	size_t o;
	int i, running = 0;

	if (p->quiet)
		return;
	for (i = 0; i < nsl; i++)
		if (sl[i].pid) {
			running++;
			if (sl[i].t0 < first)
				first = sl[i].t0;
		}
	if (!running)
		return;
	fmt_dur(el, sizeof(el), now - first);
	if (p->done) {
		mean = p->done_ns / p->done;
		work = mean * (p->total - p->done);
		for (i = 0; i < nsl; i++)
			if (sl[i].pid)
				work -= now - sl[i].t0 < mean ? now - sl[i].t0 :
								mean;
		work /= nsl;
		fmt_dur(eta + 4, sizeof(eta) - 4, work > 0 ? work : 0);
		memcpy(eta, "ETA ", 4);
	} else {
		snprintf(eta, sizeof(eta), "ETA after the first run");
	}
	if (nsl == 1)
		o = (size_t)snprintf(line, sizeof(line),
				     "%s: run %d of %d: ", p->cmd, p->done + 1,
				     p->total);
	else
		o = (size_t)snprintf(line, sizeof(line),
				     "%s: %d done of %d, %d at once: ", p->cmd,
				     p->done, p->total, nsl);
	for (i = 0; i < nsl && o < sizeof(line); i++)
		if (sl[i].pid)
			o += (size_t)snprintf(line + o, sizeof(line) - o,
					      "%s run-%d of %d, %s, ",
					      p->side[sl[i].s].label, sl[i].k,
					      per_side, sl[i].phase);
	if (o < sizeof(line))
		snprintf(line + o, sizeof(line) - o, "%s in; %s", el, eta);
	if (pg.tty) {
		fprintf(stderr, "\r\033[K%s", line);
		return;
	}
	/* in a log, a line when a phase changes, not every second */
	for (i = 0, o = 0; i < nsl && o < sizeof(pg.phase); i++)
		if (sl[i].pid)
			o += (size_t)snprintf(pg.phase + o,
					      sizeof(pg.phase) - o, "%d%s;",
					      sl[i].k, sl[i].phase);
	if (strcmp(pg.phase, pg.last)) {
		fprintf(stderr, "%s\n", line);
		snprintf(pg.last, sizeof(pg.last), "%s", pg.phase);
	}
}

/* the guests' vCPUs: the most of any side's */
static long plan_vcpus(const struct plan *p)
{
	long vcpus = 1;
	int s;

	for (s = 0; s < p->nsides; s++)
		if (p->side[s].sp.cpus > vcpus)
			vcpus = p->side[s].sp.cpus;
	return vcpus;
}

/* MemAvailable of /proc/meminfo in bytes; 0 if unknown */
static uint64_t mem_available(void)
{
	unsigned long long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

int plan_jobs_default(const struct plan *p, char *why, size_t wlen)
{
	cpu_set_t set;
	long cores = 1, vcpus = plan_vcpus(p), by_mem;
	uint64_t mem = 0, avail = mem_available();
	int s;

	if (!sched_getaffinity(0, sizeof(set), &set))
		cores = CPU_COUNT(&set);
	for (s = 0; s < p->nsides; s++)
		if (p->side[s].sp.mem > mem)
			mem = p->side[s].sp.mem;
	/* QEMU's own, and the host's page cache of the kernel and shares */
	mem += 256ULL << 20;
	by_mem = avail ? (long)(avail / mem) : 1;
	snprintf(
		why, wlen,
		"%ld CPUs / %ld vCPUs a guest, %llu MiB available / %llu MiB a guest",
		cores, vcpus, (unsigned long long)(avail >> 20),
		(unsigned long long)(mem >> 20));
	if (p->local)
		return 1;
	cores /= vcpus;
	return (int)(cores < by_mem ? (cores < 1 ? 1 : cores) :
				      (by_mem < 1 ? 1 : by_mem));
}

void plan_jobs(const char *cmd, struct plan *p, int jobs)
{
	char why[256];
	int def = plan_jobs_default(p, why, sizeof(why));
	long vcpus = plan_vcpus(p);
	cpu_set_t set;

	if (jobs == -1) {
		p->jobs = def;
		if (!p->quiet)
			fprintf(stderr, "%s: -j %d: %s\n", cmd, def, why);
		return;
	}
	if (jobs < 1 || jobs > 256)
		die("%s: -j %d: must be 1 to 256", cmd, jobs);
	p->jobs = jobs;
	if (jobs == 1)
		return;
	if (p->local)
		die("%s: -j %d with --local: the runs would share this machine's sysctls and memory; they run one at a time",
		    cmd, jobs);
	if (sched_getaffinity(0, sizeof(set), &set))
		die("%s: sched_getaffinity: %s", cmd, strerror(errno));
	if (CPU_COUNT(&set) < jobs * vcpus)
		die("%s: -j %d: %d guests of %ld vCPU%s need %ld CPUs, and this process may use %d",
		    cmd, jobs, jobs, vcpus, vcpus == 1 ? "" : "s", jobs * vcpus,
		    CPU_COUNT(&set));
}

/*
 * The slots' CPUs: slot i has the i-th run of vcpus CPUs this process
 * may use, so that guests never share a core.  Dies when -j N needs
 * more CPUs than there are.
 */
static void slot_cpus(const struct plan *p, struct slot *sl, int nsl)
{
	long vcpus = plan_vcpus(p);
	cpu_set_t set;
	int i, c, n = 0;

	if (nsl == 1)
		return;
	/* plan_jobs() checked that they fit */
	if (p->local || sched_getaffinity(0, sizeof(set), &set) ||
	    CPU_COUNT(&set) < nsl * vcpus)
		die("%s: -j %d: %ld CPUs for the guests are not there", p->cmd,
		    nsl, nsl * vcpus);
	for (i = 0; i < nsl; i++) {
		CPU_ZERO(&sl[i].cpus);
		sl[i].pinned = true;
	}
	for (c = 0; c < CPU_SETSIZE && n < nsl * vcpus; c++)
		if (CPU_ISSET(c, &set)) {
			CPU_SET(c, &sl[n / vcpus].cpus);
			n++;
		}
}

/* The local engine: -j slots on this machine */
static int plan_run_local(struct plan *p, int from, int to)
{
	int k = from, s = 0, n = 0, i, st, nsl, failed[2] = { 0 };
	int before = p->done, per_side;
	struct slot *sl;
	bool signalled = false;

	p->total = p->done + (to - from + 1) * p->nsides;
	per_side = p->total / (p->nsides ? p->nsides : 1);
	nsl = p->jobs > 0 ? p->jobs : 1;
	if (nsl > (to - from + 1) * p->nsides)
		nsl = (to - from + 1) * p->nsides;
	sl = calloc((size_t)nsl, sizeof(*sl));
	if (!sl)
		die("%s: out of memory", p->cmd);
	slot_cpus(p, sl, nsl);
	pg.tty = isatty(2);
	for (;;) {
		int running = 0;

		/* free slots take the next runs, K by K and side by side */
		for (i = 0; i < nsl && k <= to && !stop; i++)
			if (!sl[i].pid) {
				slot_start(p, &sl[i], s, k);
				if (++s == p->nsides) {
					s = 0;
					k++;
				}
			}
		for (i = 0; i < nsl; i++) {
			pid_t w;

			if (!sl[i].pid)
				continue;
			w = waitpid(sl[i].pid, &st, WNOHANG);
			if (w < 0 && errno != EINTR && errno != ECHILD)
				die("%s: waitpid: %s", p->cmd, strerror(errno));
			if (w != sl[i].pid) {
				running++;
				pg_phase = sl[i].phase;
				scan_output(sl[i].log, &sl[i].off);
				scan_output(sl[i].outlog, &sl[i].ooff);
				continue;
			}
			st = slot_end(p, &sl[i], st);
			if (pg.tty && !p->quiet)
				fprintf(stderr, "\r\033[K");
			n++;
			fprintf(stderr, "%s: %s run-%d: %s (exit %d)\n", p->cmd,
				p->side[sl[i].s].label, sl[i].k,
				plan_exit_name(st), st);
			if (st == EXIT_INFRA)
				failed[1]++;
			else if (st >= 2)
				failed[0]++;
		}
		if (!running && (k > to || stop))
			break;
		if (stop && !signalled) {
			/* every run tears down on SIGTERM; wait for them */
			for (i = 0; i < nsl; i++)
				if (sl[i].pid)
					kill(sl[i].pid, SIGTERM);
			signalled = true;
		}
		show_slots(p, sl, nsl, per_side);
		usleep(POLL_US);
	}
	free(sl);
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

/* The engines, as fio has its ioengines: one file each past this one */
static const struct plan_engine {
	const char *name;
	int (*run)(struct plan *p, int from, int to);
} engines[] = {
	{ "local", plan_run_local },
	{ "slurm", plan_run_slurm },
	{ NULL, NULL },
};

void plan_engine_check(const char *cmd, const struct plan_engine_opts *eo,
		       bool local)
{
	bool slurm = eo->engine && !strcmp(eo->engine, "slurm");

	if (eo->engine && !plan_engine_known(eo->engine))
		die("%s: --engine %s: use local or slurm", cmd, eo->engine);
	if (!slurm && (eo->partition || eo->sbatch_args))
		die("%s: --partition and --sbatch-args go with --engine slurm",
		    cmd);
	if (slurm && eo->jobs != -1)
		die("%s: -j is for the local engine: Slurm places the tasks",
		    cmd);
	if (slurm && local)
		die("%s: --engine slurm runs guests: not with --local", cmd);
	if (eo->retries < 0 || eo->retries > 10)
		die("%s: --retries %d: must be 0 to 10", cmd, eo->retries);
}

void plan_engine_set(const char *cmd, struct plan *p,
		     const struct plan_engine_opts *eo)
{
	p->engine = eo->engine;
	p->partition = eo->partition;
	p->sbatch_args = eo->sbatch_args;
	p->retries = eo->retries;
	if (eo->engine && !strcmp(eo->engine, "slurm"))
		p->jobs = 0;
	else
		plan_jobs(cmd, p, eo->jobs);
}

bool plan_engine_known(const char *name)
{
	const struct plan_engine *e;

	for (e = engines; e->name; e++)
		if (!strcmp(e->name, name))
			return true;
	return false;
}

int plan_run(struct plan *p, int from, int to)
{
	const struct plan_engine *e;
	const char *name = p->engine ? p->engine : "local";

	for (e = engines; e->name; e++)
		if (!strcmp(e->name, name))
			return e->run(p, from, to);
	die("%s: --engine %s: use local or slurm", p->cmd, name);
}
