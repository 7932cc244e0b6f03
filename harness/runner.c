// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario runner on the system under test: set up through the
 * journal, sample in a thread, run the phases in order with their
 * readiness and end conditions, tear down, and judge.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "results.h"
#include "rundata.h"
#include "run-trace.h"
#include "runner.h"
#include "sampler.h"
#include "swap.h"
#include "util.h"
#include "verdict.h"

#define KILL_GRACE_NS (5 * NSEC_PER_SEC)
#define KILL_WAIT_NS (10 * NSEC_PER_SEC)
#define POLL_MS 100

struct prun {
	const struct sc_phase *ph;
	pid_t pid;
	int fd; /* its stdout and stderr */
	FILE *log;
	char line[4096];
	size_t llen;
	int64_t start, ready, end;
	int64_t end_ns; /* end = duration:TIME, resolved */
	int status;
	bool running, ready_ok, saw_line;
	/* SIGKILLed but not gone: a task stuck in the kernel (see phase_kill) */
	bool killed;
	/* it exited with others left in its group, killed at the end */
	bool leftovers;
};

struct run {
	struct scenario *sc;
	const char *out;
	struct journal j;
	int64_t t0;
	struct prun pr[SC_MAX_PHASES];
	volatile sig_atomic_t *stop;
	bool in_guest; /* a throw-away guest: teardown failures only warn */
	struct run_result res;
};

static double secs(struct run *r, int64_t t)
{
	return t ? (double)(t - r->t0) / NSEC_PER_SEC : -1;
}

static void say(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct run *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mmrepro run: [%7.1fs] ", secs(r, now_ns()));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void set_error(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->res.verdict == V_ERROR)
		return;
	r->res.verdict = V_ERROR;
	va_start(ap, fmt);
	vsnprintf(r->res.reason, sizeof(r->res.reason), fmt, ap);
	va_end(ap);
}

/* ---- phases ---- */

/* end = duration:{var}s: the duration with this run's vars */
static int phase_end_ns(struct run *r, struct prun *p)
{
	char v[SC_STR], err[256];

	if (scenario_expand(r->sc, p->ph->end_arg, v, sizeof(v), err,
			    sizeof(err))) {
		set_error(r, "phase %s: end: %s", p->ph->name, err);
		return -1;
	}
	if (parse_duration_ns(v, &p->end_ns)) {
		set_error(r, "phase %s: end: invalid duration '%s' (from '%s')",
			  p->ph->name, v, p->ph->end_arg);
		return -1;
	}
	return 0;
}

/*
 * A phase's process: its own group, its oom_score_adj, its output into
 * out.  It waits on go until the runner has journaled its group, so
 * that a runner killed in between leaves no command running that the
 * next start could not find: go then reads EOF, and it exits unrun.
 */
static void __attribute__((noreturn))
phase_child(struct run *r, struct prun *p, const char *cmd, int out, int go[2])
{
	char adj[16], c;
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	close(go[1]);
	if (read(go[0], &c, 1) != 1)
		_exit(126);
	snprintf(adj, sizeof(adj), "%d", p->ph->oom_score_adj);
	write_file("/proc/self/oom_score_adj", adj, strlen(adj));
	munlockall();
	dup2(null, 0);
	dup2(out, 1);
	dup2(out, 2);
	setenv("MMREPRO_PHASE", p->ph->name, 1);
	setenv("MMREPRO_OUT", r->out, 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static int phase_start(struct run *r, struct prun *p)
{
	char cmd[SC_STR * 2], err[256], path[4200];
	int pfd[2], go[2], fd;

	if (scenario_expand(r->sc, p->ph->cmd, cmd, sizeof(cmd), err,
			    sizeof(err))) {
		set_error(r, "phase %s: %s", p->ph->name, err);
		return -1;
	}
	p->end_ns = p->ph->end_ns;
	if (p->ph->end_arg[0] && phase_end_ns(r, p))
		return -1;
	pathf(path, sizeof(path), "%s/phases/%s.log", r->out, p->ph->name);
	fd = create_new(path);
	p->log = fd < 0 ? NULL : fdopen(fd, "w");
	if (!p->log || pipe2(pfd, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
		set_error(r, "phase %s: %s: %s", p->ph->name, path,
			  strerror(errno));
		return -1;
	}
	fprintf(p->log, "# %s\n", cmd);
	p->pid = fork();
	if (p->pid < 0) {
		set_error(r, "phase %s: fork: %s", p->ph->name,
			  strerror(errno));
		return -1;
	}
	if (p->pid == 0)
		phase_child(r, p, cmd, pfd[1], go);
	close(pfd[1]);
	close(go[0]);
	p->fd = pfd[0];
	setpgid(p->pid, p->pid);
	/* its start time: a stale journal kills no group that took its pid */
	journal_add(&r->j, "pgid %d %llu", (int)p->pid,
		    proc_start_time(p->pid));
	/* journaled: the command may start */
	if (write(go[1], "g", 1) != 1)
		warnx_("phase %s: cannot start it: %s", p->ph->name,
		       strerror(errno));
	close(go[1]);
	p->start = now_ns();
	p->running = true;
	say(r, "phase %s started: %s", p->ph->name, cmd);
	return 0;
}

static void phase_line(struct run *r, struct prun *p, const char *line)
{
	fprintf(p->log, "%.3f %s\n", secs(r, now_ns()), line);
	if (p->ph->ready == READY_LINE && !p->saw_line &&
	    strstr(line, p->ph->ready_arg))
		p->saw_line = true;
}

static void phase_read(struct run *r, struct prun *p)
{
	char buf[4096];
	ssize_t n = read(p->fd, buf, sizeof(buf));
	ssize_t i;

	if (n <= 0) {
		if (n == 0 || errno != EINTR) {
			close(p->fd);
			p->fd = -1;
		}
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || p->llen + 1 >= sizeof(p->line)) {
			p->line[p->llen] = '\0';
			phase_line(r, p, p->line);
			p->llen = 0;
			continue;
		}
		p->line[p->llen++] = buf[i];
	}
}

static void phase_reap(struct run *r, struct prun *p, int status)
{
	p->running = false;
	if (!p->killed) /* else its end is when it was killed */
		p->end = now_ns();
	p->status = WIFEXITED(status) ? WEXITSTATUS(status) :
					128 + WTERMSIG(status);
	/* the group lives on (and keeps its number) while one is in it */
	p->leftovers = !kill(-p->pid, 0);
	while (p->fd >= 0)
		phase_read(r, p);
	if (p->llen) {
		p->line[p->llen] = '\0';
		phase_line(r, p, p->line);
		p->llen = 0;
	}
	fprintf(p->log, "# exit %d\n", p->status);
	fflush(p->log);
	say(r, "phase %s ended (%s %d)", p->ph->name,
	    WIFEXITED(status) ? "exit" : "signal",
	    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* Reaps the phase if it exits within ns; true if it did */
static bool reap_within(struct run *r, struct prun *p, int64_t ns)
{
	int64_t until = now_ns() + ns;
	int status;

	while (now_ns() < until) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			phase_reap(r, p, status);
			kill(-p->pid, SIGKILL); /* stragglers in the group */
			p->leftovers = false;
			return true;
		}
		if (p->fd >= 0)
			phase_read(r, p);
		else
			usleep(20000);
	}
	return false;
}

/*
 * Kill a phase's whole process group: TERM, then KILL after a grace.  A
 * task stuck in an allocation does not die of SIGKILL until it returns
 * from the kernel, and the pathologies this harness provokes can keep it
 * there until another phase frees memory (a non-movable request under
 * vm.defrag_mode=1 waits for a free pageblock that only the end of the
 * fill gives back).  So after KILL_WAIT_NS the run goes on without it:
 * the phase counts as ended then, and is reaped once it dies, at the
 * latest after the later phases are killed.
 */
static void phase_kill(struct run *r, struct prun *p)
{
	if (!p->running)
		return;
	if (!p->killed) {
		kill(-p->pid, SIGTERM);
		if (reap_within(r, p, KILL_GRACE_NS))
			return;
		kill(-p->pid, SIGKILL);
	}
	if (reap_within(r, p, KILL_WAIT_NS) || p->killed)
		return;
	p->killed = true;
	p->end = now_ns();
	say(r,
	    "phase %s: still there %.0f s after SIGKILL (stuck in the kernel?); going on",
	    p->ph->name, (double)KILL_WAIT_NS / NSEC_PER_SEC);
}

/* One round: read output, reap exits, enforce durations */
static void pump(struct run *r)
{
	struct pollfd fds[SC_MAX_PHASES];
	int idx[SC_MAX_PHASES], n = 0, i, status;

	for (i = 0; i < r->sc->nphases; i++) {
		if (r->pr[i].fd < 0 || !r->pr[i].pid)
			continue;
		fds[n].fd = r->pr[i].fd;
		fds[n].events = POLLIN;
		idx[n++] = i;
	}
	if (n)
		poll(fds, (nfds_t)n, POLL_MS);
	else
		usleep(POLL_MS * 1000);
	for (i = 0; i < n; i++)
		if (fds[i].revents)
			phase_read(r, &r->pr[idx[i]]);
	for (i = 0; i < r->sc->nphases; i++) {
		struct prun *p = &r->pr[i];

		if (!p->running)
			continue;
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			phase_reap(r, p, status);
			continue;
		}
		if (p->ph->end == END_DURATION && !p->killed &&
		    now_ns() - p->start >= p->end_ns) {
			say(r, "phase %s: its %.0f s are over", p->ph->name,
			    (double)p->end_ns / NSEC_PER_SEC);
			phase_kill(r, p);
			p->status = 0; /* ended as planned */
		}
	}
}

static bool out_of_time(struct run *r)
{
	if (*r->stop) {
		set_error(r, "interrupted");
		return true;
	}
	if (now_ns() - r->t0 > r->sc->timeout_ns) {
		set_error(r, "the run exceeded its timeout of %.0f s",
			  (double)r->sc->timeout_ns / NSEC_PER_SEC);
		return true;
	}
	return r->res.verdict == V_ERROR;
}

static bool failed(struct run *r, struct prun *p)
{
	if (p->running || !p->status || p->ph->may_fail || p->killed)
		return false;
	/* killed at its time; before it, a non-zero exit is a failure */
	if (p->ph->end == END_DURATION && p->end - p->start >= p->end_ns)
		return false;
	set_error(r, "phase %s exited with %d (see phases/%s.log)", p->ph->name,
		  p->status, p->ph->name);
	return true;
}

static void wait_ready(struct run *r, struct prun *p)
{
	const struct sc_phase *ph = p->ph;

	while (!out_of_time(r)) {
		bool timed_out = now_ns() - p->start > ph->ready_ns;

		switch (ph->ready) {
		case READY_START:
			p->ready_ok = true;
			break;
		case READY_EXIT:
			p->ready_ok = !p->running;
			break;
		case READY_LINE:
			p->ready_ok = p->saw_line;
			if (!p->ready_ok && !p->running) {
				set_error(r,
					  "phase %s ended before printing '%s'",
					  ph->name, ph->ready_arg);
				return;
			}
			break;
		case READY_DELAY:
			p->ready_ok = timed_out;
			timed_out = false;
			break;
		}
		if (p->ready_ok) {
			p->ready = now_ns();
			if (ph->ready != READY_START)
				say(r, "phase %s ready", ph->name);
			return;
		}
		if (timed_out) {
			set_error(r, "phase %s not ready after %.0f s",
				  ph->name,
				  (double)ph->ready_ns / NSEC_PER_SEC);
			return;
		}
		if (failed(r, p))
			return;
		pump(r);
	}
}

static void run_phases(struct run *r)
{
	int i;
	bool waiting;

	for (i = 0; i < r->sc->nphases && !out_of_time(r); i++) {
		struct prun *p = &r->pr[i];

		if (phase_start(r, p))
			break;
		wait_ready(r, p);
		if (failed(r, p))
			break;
	}
	/* the run lasts while a phase that ends by itself is running */
	do {
		waiting = false;
		for (i = 0; i < r->sc->nphases; i++) {
			struct prun *p = &r->pr[i];

			if (failed(r, p))
				break;
			if (p->running && p->ph->end != END_RUN && !p->killed)
				waiting = true;
		}
		if (waiting && !out_of_time(r))
			pump(r);
	} while (waiting && !out_of_time(r));
	for (i = r->sc->nphases - 1; i >= 0; i--)
		phase_kill(r, &r->pr[i]);
	/* one that was stuck may go now that the phases after it are gone */
	for (i = r->sc->nphases - 1; i >= 0; i--)
		phase_kill(r, &r->pr[i]);
	/*
	 * What a phase that exited left in its group (its leader gone, the
	 * journal's pgid entry no longer kills it)
	 */
	for (i = 0; i < r->sc->nphases; i++)
		if (r->pr[i].leftovers && !r->pr[i].running)
			kill(-r->pr[i].pid, SIGKILL);
}

/* ---- set-up ---- */

static bool setup(struct run *r)
{
	struct scenario *sc = r->sc;
	char err[600], path[600], buf[64];
	struct stat st;
	int i;

	/* a knob this kernel lacks makes the scenario not applicable */
	for (i = 0; i < sc->nsysctl; i++) {
		sys_sysctl_path(sc->sysctl[i].key, path, sizeof(path));
		if (stat(path, &st)) {
			r->res.verdict = V_NOT_APPLICABLE;
			pathf(r->res.reason, sizeof(r->res.reason),
			      "this kernel has no %s", sc->sysctl[i].key);
			return false;
		}
	}
	for (i = 0; i < sc->nsysctl; i++) {
		if (sys_sysctl_set(&r->j, sc->sysctl[i].key, sc->sysctl[i].val,
				   err, sizeof(err))) {
			set_error(r, "%s", err);
			return false;
		}
		say(r, "sysctl %s = %s", sc->sysctl[i].key, sc->sysctl[i].val);
	}
	switch (swap_setup(&r->j, sc, err, sizeof(err))) {
	case 0:
		break;
	case SWAP_NOT_APPLICABLE:
		r->res.verdict = V_NOT_APPLICABLE;
		snprintf(r->res.reason, sizeof(r->res.reason), "%.511s", err);
		return false;
	default:
		set_error(r, "%s", err);
		return false;
	}
	if (sc->swap_type[0] && strcmp(sc->swap_type, "keep") &&
	    !scenario_expand(sc, sc->swap_type, buf, sizeof(buf), err,
			     sizeof(err)))
		say(r, "swap: %s %s%s", buf, sc->swap_size,
		    sc->zswap_off ? ", zswap off" : "");
	if (sc->netns[0]) {
		if (sys_netns_add(&r->j, sc->netns, err, sizeof(err))) {
			set_error(r, "%s", err);
			return false;
		}
		say(r, "netns %s created", sc->netns);
	}
	return true;
}

/* ---- sampler thread ---- */

struct sthread {
	struct sampler_cfg cfg;
	volatile sig_atomic_t stop;
	volatile int64_t first;
	volatile sig_atomic_t done; /* sampler_run() returned */
	int ret;
};

static void *sampler_thread(void *arg)
{
	struct sthread *st = arg;

	st->ret = sampler_run(&st->cfg, &st->stop);
	st->done = 1;
	return NULL;
}

static json_t *phases_json(struct run *r)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < r->sc->nphases; i++) {
		struct prun *p = &r->pr[i];
		json_t *o = json_object();

		r->res.ph[i].start_s = secs(r, p->start);
		r->res.ph[i].ready_s = secs(r, p->ready);
		r->res.ph[i].end_s = secs(r, p->end);
		r->res.ph[i].status = p->status;
		json_object_set_new(o, "name", json_string(p->ph->name));
		json_object_set_new(o, "start_s", json_real(secs(r, p->start)));
		json_object_set_new(o, "ready_s", json_real(secs(r, p->ready)));
		json_object_set_new(o, "end_s", json_real(secs(r, p->end)));
		json_object_set_new(o, "status", json_integer(p->status));
		json_array_append_new(a, o);
	}
	return a;
}

static void add_vars(struct scenario *sc, const char *out)
{
	static const char *const names[] = { "out", "repro", "netns" };
	char repro[4096], self[4096], *slash;
	const char *vals[3];
	size_t i;

	/* the reproducers sit next to mmrepro: build/ or libexec/mmrepro */
	self_exe(self, sizeof(self));
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	pathf(repro, sizeof(repro), "%s/repro", self);
	if (access(repro, X_OK))
		pathf(repro, sizeof(repro), "%s/../libexec/mmrepro", self);
	vals[0] = out;
	vals[1] = repro;
	vals[2] = sc->netns;
	for (i = 0; i < ARRAY_SIZE(names) && sc->nvars < SC_MAX_VARS; i++) {
		struct sc_kv *kv = &sc->vars[sc->nvars++];

		snprintf(kv->key, sizeof(kv->key), "%s", names[i]);
		snprintf(kv->val, sizeof(kv->val), "%s", vals[i]);
	}
}

/*
 * The scenario file as run, copied into the run directory: report reads
 * meta.json's scenario_file only there (relative to the run), as a path
 * on this machine means nothing where the run is read.  Its name in the
 * directory, or the path as it is when it cannot be copied.
 */
static const char *keep_scenario(const struct scenario *sc, const char *out,
				 char *name, size_t len)
{
	const char *slash = strrchr(sc->path, '/');
	char path[4200], *s;
	size_t n;
	int ret;

	safe_name(name, len, slash ? slash + 1 : sc->path);
	s = read_file_str(sc->path, 1 << 20, &n);
	if (!s)
		return sc->path;
	ret = pathf(path, sizeof(path), "%s/%s", out, name);
	if (!ret)
		ret = write_file_replace(path, s, n);
	free(s);
	return ret ? sc->path : name;
}

static struct run *run_new(struct scenario *sc, const char *out, bool in_guest,
			   volatile sig_atomic_t *stop)
{
	struct run *r = calloc(1, sizeof(*r));
	int i;

	r->sc = sc;
	r->out = out;
	r->stop = stop;
	r->in_guest = in_guest;
	r->res.verdict = V_NOT_REPRODUCED;
	for (i = 0; i < SC_MAX_PHASES; i++) {
		r->pr[i].ph = &sc->phase[i];
		r->pr[i].fd = -1;
	}
	return r;
}

/*
 * Starts the sampler thread and waits for its first sample; returns
 * whether it runs.
 */
static bool start_sampler(struct run *r, struct sthread *st, pthread_t *tid,
			  bool quiet)
{
	bool sampling;

	st->cfg.interval_ns = r->sc->interval_ns;
	st->cfg.slow_interval_ns = NSEC_PER_SEC;
	st->cfg.out_dir = r->out;
	st->cfg.quiet = quiet;
	st->cfg.env.proc_root = "/proc";
	st->cfg.env.sys_root = "/sys";
	st->cfg.live = stdout;
	st->cfg.first_sample_ns = &st->first;
	sampling = !pthread_create(tid, NULL, sampler_thread, st);
	if (!sampling)
		set_error(r, "cannot start the sampler");
	/* phases start once the first sample is in: t = 0 for both */
	while (sampling && !st->first && !st->done && !out_of_time(r))
		usleep(10000);
	return sampling;
}

/* Starts the tracer, if the scenario has one, then the phases */
static struct run_trace *trace_and_run(struct run *r)
{
	struct run_trace *rt = NULL;
	char err[600];

	if (scenario_traced(r->sc)) {
		rt = run_trace_start(r->sc, &r->j, r->out, r->t0, err,
				     sizeof(err));
		if (!rt)
			set_error(r, "trace: %s", err);
		else
			say(r, "tracing in instance %s",
			    run_trace_instance(rt));
	}
	if (!scenario_traced(r->sc) || rt)
		run_phases(r);
	return rt;
}

/* Undoes the journal; returns how many changes it could not undo */
static int undo_changes(struct run *r)
{
	int failed_undo = journal_teardown(&r->j, stderr);

	/*
	 * On the host a change left behind is an error: the machine is not
	 * as it was.  A guest is thrown away after the run, so there the
	 * measurement stands and the failure is a warning (meta.json
	 * "teardown_failed").
	 */
	if (failed_undo && !r->in_guest)
		set_error(r, "teardown could not undo %d change(s)",
			  failed_undo);
	else if (failed_undo)
		say(r,
		    "warning: teardown could not undo %d change(s); the guest is thrown away, the measurement stands",
		    failed_undo);
	return failed_undo;
}

/* Adds the scenario, the phases and the teardown to meta.json */
static void finish_meta(struct run *r, const struct mm_env *env,
			int failed_undo)
{
	char path[4200], scname[256];
	json_t *meta;
	int ret;

	meta = json_load_regular(
		(pathf(path, sizeof(path), "%s/meta.json", r->out), path),
		NULL);
	if (!meta)
		meta = meta_system(env);
	json_object_set_new(meta, "scenario", json_string(r->sc->name));
	json_object_set_new(meta, "scenario_file",
			    json_string(keep_scenario(r->sc, r->out, scname,
						      sizeof(scname))));
	json_object_set_new(meta, "phases", phases_json(r));
	json_object_set_new(meta, "teardown_failed", json_integer(failed_undo));
	ret = json_save(meta, r->out, "meta.json");
	if (ret)
		set_error(r, "%s/meta.json: cannot write: %s", r->out,
			  strerror(-ret));
	json_decref(meta);
}

int run_here(struct scenario *sc, const char *out, bool quiet, bool in_guest,
	     volatile sig_atomic_t *stop)
{
	struct run *r = run_new(sc, out, in_guest, stop);
	struct sthread st = { 0 };
	struct run_trace *rt = NULL;
	pthread_t tid;
	char err[600], path[4200];
	bool sampling = false;
	int i, ret, failed_undo;

	add_vars(sc, out);
	st.cfg.env.proc_root = "/proc";
	st.cfg.env.sys_root = "/sys";
	pathf(path, sizeof(path), "%s/phases", out);
	mkdir_p(path, 0755);
	if (journal_open(&r->j, stderr, err, sizeof(err)))
		die("run: %s", err);
	/* the runner must outlive the OOM it provokes */
	protect_self();
	r->t0 = now_ns();

	if (setup(r)) {
		sampling = start_sampler(r, &st, &tid, quiet);
		if (sampling && st.first) {
			r->t0 = st.first;
			rt = trace_and_run(r);
		}
	}
	if (sampling) {
		st.stop = 1;
		pthread_join(tid, NULL);
		if (st.ret)
			set_error(r, "the sampler failed (%d)", st.ret);
	}
	/* after the sampler, which writes summary.json first */
	if (rt && run_trace_finish(rt, out, err, sizeof(err)))
		set_error(r, "%s", err);
	failed_undo = undo_changes(r);
	finish_meta(r, &st.cfg.env, failed_undo);

	if (r->res.verdict == V_NOT_REPRODUCED)
		evaluate(sc, out, &r->res);
	write_verdict(out, &r->res);
	say(r, "verdict: %s%s%s", verdict_name(r->res.verdict),
	    r->res.reason[0] ? ": " : "", r->res.reason);
	ret = verdict_exit(r->res.verdict);
	for (i = 0; i < sc->nphases; i++)
		if (r->pr[i].log)
			fclose(r->pr[i].log);
	free(r);
	return ret;
}
