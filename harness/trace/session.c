// SPDX-License-Identifier: GPL-2.0
/*
 * The tracing session: a private tracefs instance (mmrepro-<pid>) with
 * trace_clock=mono and only the events asked for, read per CPU from
 * trace_pipe_raw and parsed with libtraceevent's kbuffer.  The instance
 * is removed at the end, on SIGINT/SIGTERM (the owner stops the session)
 * and at exit(); its name and path are exported so that the runner can
 * journal it and remove it after a crash.
 *
 * Events that pair (begin/end, wake/sleep) are handled in time order
 * across CPUs: they wait until every CPU has been drained past their
 * timestamp (less a margin for events still being committed), since a
 * task may begin reclaim on one CPU and end it on another.  Counted-only
 * events are handled straight from the page, which is what keeps the
 * reader fast.  Lost events are read from per_cpu/cpuN/stats and from
 * the pages' missed-events flags, and are always reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../results.h"
#include "../rundata.h"
#include "../util.h"
#include "group.h"
#include "tracefs.h"

#define DEFAULT_BUFFER_KB 4096
#define WAKE_PERCENT "25"
/* how far behind the last drain paired events wait for the other CPUs */
#define HOLD_NS (250 * NSEC_PER_MSEC)
#define MAX_SESSIONS 4

struct cpu_reader {
	int cpu;
	int fd;
	int64_t drained_at; /* before the last drain that emptied it */
	uint64_t pages, bytes, last_pages;
	uint64_t missed; /* from the pages' missed-events counts */
	uint64_t missed_unknown; /* pages flagged with a loss of unknown size */
	/* per_cpu/cpuN/stats */
	uint64_t overrun, commit_overrun, dropped, entries, read_events;
	bool stats_ok;
	FILE *raw; /* RAW/per_cpu/cpuN.raw: every page read, as read */
};

struct trace_session {
	char dir[4096]; /* the tracefs mount */
	char name[64];
	char path[4200];
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	struct trace_state *st;
	struct cpu_reader *cpus;
	int ncpus;
	int subbuf;
	char *page;
	unsigned int buffer_kb;
	struct trace_event_ops counts[TRACE_MAX_EXTRA];
	int ncounts;
	char *strs[TRACE_MAX_EXTRA * 3]; /* strings the ops and filters own */
	int nstrs;

	struct trace_reorder pend; /* paired events waiting for other CPUs */

	uint64_t unknown_events;
	int64_t t_start, t_stop;
	bool busy, stopped;
	char raw[4096]; /* recording the pages there; "" none */
	bool replay; /* read back from a raw recording */
	char kernel[128]; /* its kernel, as raw.json says */
};

/* ---- removal at exit, whatever path exit() comes from ---- */

static struct trace_session *live[MAX_SESSIONS];

static void instance_remove(struct trace_session *s)
{
	int i;

	if (!s->inst)
		return;
	for (i = 0; i < s->ncpus; i++)
		if (s->cpus[i].fd >= 0) {
			close(s->cpus[i].fd);
			s->cpus[i].fd = -1;
		}
	tracefs_trace_off(s->inst);
	/* rmdir disables the events and frees the buffers */
	tracefs_instance_destroy(s->inst);
	tracefs_instance_free(s->inst);
	s->inst = NULL;
	for (i = 0; i < MAX_SESSIONS; i++)
		if (live[i] == s)
			live[i] = NULL;
}

static void remove_all_at_exit(void)
{
	int i;

	for (i = 0; i < MAX_SESSIONS; i++)
		if (live[i])
			instance_remove(live[i]);
}

/*
 * A crash would leave the instance (and its buffers) behind: remove it
 * with async-signal-safe calls only, then die of the same signal.
 */
static void on_fatal(int sig)
{
	int i, c;

	for (i = 0; i < MAX_SESSIONS; i++) {
		struct trace_session *s = live[i];

		if (!s)
			continue;
		for (c = 0; c < s->ncpus; c++)
			if (s->cpus[c].fd >= 0)
				close(s->cpus[c].fd);
		rmdir(s->path);
	}
	raise(sig); /* SA_RESETHAND: the default action now */
}

static void catch_fatal(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		/* the owner's own handlers stay */
		if (!sigaction(sigs[i], NULL, &old) &&
		    old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
}

static void track(struct trace_session *s)
{
	static bool registered;
	int i;

	if (!registered) {
		atexit(remove_all_at_exit);
		catch_fatal();
		registered = true;
	}
	for (i = 0; i < MAX_SESSIONS; i++)
		if (!live[i]) {
			live[i] = s;
			return;
		}
}

/*
 * A static binary cannot load libtraceevent's plugins (they need the
 * shared libc), and none is used; the Makefile links with
 * --wrap=dlopen so that the loader never pulls in dlopen, which glibc
 * only warns about in static links.
 */
void *__wrap_dlopen(const char *file, int mode);
void *__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

/* ---- set-up ---- */

static char *keep(struct trace_session *s, const char *str, size_t len)
{
	char *p = strndup(str, len);

	if (!p || s->nstrs == (int)ARRAY_SIZE(s->strs))
		die("out of memory");
	s->strs[s->nstrs++] = p;
	return p;
}

static void proc_comm(int pid, char *comm, size_t len)
{
	char path[64], *s;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	s = read_file_str(path, 64, &n);
	if (!s)
		return;
	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	snprintf(comm, len, "%s", s);
	free(s);
}

/* Migratetype names in index order, from the "Number of blocks" header */
static void mt_names(struct trace_state *st, const char *path)
{
	char *s = read_any_nolink(path, 1 << 20, NULL), *p, *w;
	char *save = NULL;

	if (!s)
		return;
	p = strstr(s, "Number of blocks type");
	if (p) {
		p += strlen("Number of blocks type");
		*strchrnul(p, '\n') = '\0';
		for (w = strtok_r(p, " ", &save);
		     w && st->nmt_names < (int)ARRAY_SIZE(st->mt_names);
		     w = strtok_r(NULL, " ", &save))
			snprintf(st->mt_names[st->nmt_names++],
				 sizeof(st->mt_names[0]), "%s", w);
	}
	free(s);
}

static int fail(char *err, size_t len, bool *usage, bool is_usage,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t len, bool *usage, bool is_usage,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	*usage = is_usage;
	return -1;
}

static bool name_matches(const struct trace_event_ops *o, const char *name,
			 size_t len)
{
	size_t sl = strlen(o->system);

	if (len == strlen(o->name) && !strncmp(name, o->name, len))
		return true;
	return len == sl + 1 + strlen(o->name) &&
	       !strncmp(name, o->system, sl) && name[sl] == ':' &&
	       !strncmp(name + sl + 1, o->name, len - sl - 1);
}

/* The listed groups: each must be one that is traced */
static int add_listing(struct trace_session *s, const struct trace_cfg *cfg,
		       const bool *sel, char *err, size_t len, bool *usage)
{
	bool on[TRACE_MAX_GROUPS] = { false };
	int i, g;

	for (i = 0; i < cfg->nlist; i++) {
		g = trace_group_of(cfg->list[i]);
		if (g < 0)
			return fail(err, len, usage, true,
				    "--list: unknown group '%s' (see --help)",
				    cfg->list[i]);
		if (cfg->nevents && !sel[g])
			return fail(
				err, len, usage, true,
				"--list: %s is not traced (add it to the events)",
				trace_group_name((size_t)g));
		on[g] = true;
	}
	if (cfg->nlist)
		trace_listing_set(s->st, on, cfg->list_print, cfg->list_max);
	return 0;
}

static int add_events(struct trace_session *s, const struct trace_cfg *cfg,
		      char *err, size_t len, bool *usage)
{
	bool sel[TRACE_MAX_GROUPS] = { false };
	const struct trace_event_ops *ops[TRACE_MAX_EVENTS + TRACE_MAX_EXTRA];
	char rel[4200];
	size_t i, n = 0;
	int g;

	for (i = 0; i < (size_t)cfg->nevents; i++) {
		g = trace_group_of(cfg->events[i]);
		if (g < 0)
			return fail(err, len, usage, true,
				    "unknown event '%s' (see --help)",
				    cfg->events[i]);
		sel[g] = true;
	}
	for (i = 0; i < (size_t)cfg->ncounts; i++) {
		const char *c = cfg->counts[i], *colon = strchr(c, ':');
		struct trace_event_ops *o = &s->counts[s->ncounts++];

		if (!colon || colon == c || !colon[1] || strchr(colon + 1, ':'))
			return fail(err, len, usage, true,
				    "--count %s: give SYSTEM:EVENT", c);
		o->system = keep(s, c, (size_t)(colon - c));
		o->name = keep(s, colon + 1, strlen(colon + 1));
		o->group = "counts";
	}
	for (i = 0; i < trace_nevents; i++)
		ops[n++] = &trace_events[i];
	for (g = 0; g < s->ncounts; g++)
		ops[n++] = &s->counts[g];
	s->tep = trace_tep_load(s->dir, ops, n);
	if (!s->tep)
		return fail(
			err, len, usage, false,
			"%s/events/header_page: cannot read it (root? tracefs?)",
			s->dir);
	s->st = trace_state_new(s->tep);
	if (!s->replay)
		s->st->comm_of = proc_comm;
	pathf(rel, sizeof(rel), "%s/pagetypeinfo", s->dir);
	mt_names(s->st, s->replay ? rel : "/proc/pagetypeinfo");
	for (i = 0; i < n; i++) {
		bool want = i >= trace_nevents || !cfg->nevents ||
			    sel[trace_group_of(ops[i]->name)];

		if (trace_state_add(s->st, ops[i], want) && i >= trace_nevents)
			return fail(err, len, usage, true, "--count %s:%s: %s",
				    ops[i]->system, ops[i]->name,
				    s->st->bound[i].reason);
	}
	for (i = 0; i < (size_t)cfg->nfilters; i++) {
		const char *f = cfg->filters[i], *eq = strchr(f, '=');
		size_t b;

		for (b = 0; eq && b < s->st->nbound; b++)
			if (name_matches(s->st->bound[b].ops, f,
					 (size_t)(eq - f)))
				break;
		if (!eq || b == s->st->nbound)
			return fail(
				err, len, usage, true,
				"--filter %s: give EVENT=EXPR for a traced event",
				f);
		s->st->bound[b].filter = keep(s, eq + 1, strlen(eq + 1));
	}
	return add_listing(s, cfg, sel, err, len, usage);
}

/*
 * mmrepro-PID, or mmrepro-PID-N while that is taken by someone else.  A
 * name is looked at, then given to cfg->creating (the runner journals
 * it) before the mkdir, so that no instance of ours ever exists
 * unrecorded; a name that appears between the look and the mkdir is
 * someone else's, and cfg->abandoned takes its record back.
 */
static int make_instance(struct trace_session *s, const struct trace_cfg *cfg,
			 char *err, size_t len, bool *usage)
{
	char path[sizeof(s->path)];
	int i;

	for (i = 0; i < 10 && !s->inst; i++) {
		if (i)
			snprintf(s->name, sizeof(s->name), "mmrepro-%d-%d",
				 (int)getpid(), i);
		else
			snprintf(s->name, sizeof(s->name), "mmrepro-%d",
				 (int)getpid());
		snprintf(path, sizeof(path), "%s/instances/%s", s->dir,
			 s->name);
		if (!access(path, F_OK))
			continue; /* someone else's: leave it alone */
		if (cfg->creating && cfg->creating(s->name, cfg->created_arg))
			return fail(err, len, usage, false,
				    "%s: cannot record it", path);
		s->inst = tracefs_instance_create(s->name);
		if (!s->inst)
			return fail(err, len, usage, false,
				    "%s: cannot create: %s", path,
				    strerror(errno));
		if (!tracefs_instance_is_new(s->inst)) {
			tracefs_instance_free(s->inst);
			s->inst = NULL;
			if (cfg->abandoned &&
			    cfg->abandoned(s->name, cfg->created_arg))
				return fail(
					err, len, usage, false,
					"%s: made by someone else meanwhile, and its record cannot be taken back",
					path);
		}
	}
	if (!s->inst)
		return fail(err, len, usage, false,
			    "no free tracefs instance name");
	track(s);
	snprintf(s->path, sizeof(s->path), "%s/instances/%s", s->dir, s->name);
	return 0;
}

static int configure(struct trace_session *s, char *err, size_t len,
		     bool *usage)
{
	char num[32], *clock;
	size_t i;

	tracefs_trace_off(s->inst);
	/* poll() on trace_pipe_raw wakes the reader this full (4.20+) */
	if (tracefs_file_exists(s->inst, "buffer_percent"))
		tracefs_instance_file_write(s->inst, "buffer_percent",
					    WAKE_PERCENT);
	snprintf(num, sizeof(num), "%u", s->buffer_kb);
	if (tracefs_instance_file_write(s->inst, "buffer_size_kb", num) < 0)
		return fail(err, len, usage, false, "buffer_size_kb %u: %s",
			    s->buffer_kb, strerror(errno));
	if (tracefs_instance_file_write(s->inst, "trace_clock", "mono") < 0)
		return fail(err, len, usage, false, "trace_clock mono: %s",
			    strerror(errno));
	clock = tracefs_get_clock(s->inst);
	if (!clock || strcmp(clock, "mono")) {
		free(clock);
		return fail(err, len, usage, false,
			    "trace_clock: mono did not take");
	}
	free(clock);
	for (i = 0; i < s->st->nbound; i++) {
		struct trace_bound *b = &s->st->bound[i];
		const struct trace_event_ops *o = b->ops;

		if (!b->event || !b->selected)
			continue;
		if (b->filter &&
		    tracefs_event_file_write(s->inst, o->system, o->name,
					     "filter", b->filter) < 0)
			return fail(err, len, usage, true,
				    "--filter %s: the kernel rejected '%s'",
				    o->name, b->filter);
		/*
		 * Not tracefs_event_enable(): it takes regexes and walks
		 * every event directory, seconds in a TCG guest.
		 */
		if (tracefs_event_file_write(s->inst, o->system, o->name,
					     "enable", "1") < 0) {
			snprintf(b->reason, sizeof(b->reason),
				 "cannot enable: %s", strerror(errno));
			b->event = NULL;
		}
	}
	return 0;
}

static int subbuf_size(struct trace_session *s)
{
	long long kb;

	/* 6.8+ can make sub-buffers larger than a page */
	if (tracefs_file_exists(s->inst, "buffer_subbuf_size_kb") &&
	    !tracefs_instance_file_read_number(s->inst, "buffer_subbuf_size_kb",
					       &kb) &&
	    kb > 0 && kb <= 1024)
		return (int)kb * 1024;
	return (int)sysconf(_SC_PAGESIZE);
}

static int open_readers(struct trace_session *s, char *err, size_t len,
			bool *usage)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	char rel[64], *path;
	int cpu;

	s->cpus = calloc((size_t)n, sizeof(*s->cpus));
	if (!s->cpus)
		die("out of memory");
	for (cpu = 0; cpu < n; cpu++) {
		struct cpu_reader *c = &s->cpus[s->ncpus];

		snprintf(rel, sizeof(rel), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		path = tracefs_instance_get_file(s->inst, rel);
		if (!path)
			die("out of memory");
		c->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		tracefs_put_tracing_file(path);
		if (c->fd < 0) {
			if (errno == ENOENT)
				continue; /* not a possible CPU */
			return fail(err, len, usage, false, "%s: %s", rel,
				    strerror(errno));
		}
		c->cpu = cpu;
		s->ncpus++;
	}
	if (!s->ncpus)
		return fail(err, len, usage, false, "no per_cpu buffers in %s",
			    s->path);
	s->subbuf = subbuf_size(s);
	s->page = malloc((size_t)s->subbuf);
	s->kbuf = kbuffer_alloc(
		tep_get_long_size(s->tep) == 4 ? KBUFFER_LSIZE_4 :
						 KBUFFER_LSIZE_8,
		tep_is_file_bigendian(s->tep) ? KBUFFER_ENDIAN_BIG :
						KBUFFER_ENDIAN_LITTLE);
	if (!s->page || !s->kbuf)
		die("out of memory");
	return 0;
}

/* ---- raw pages: a tracefs-like tree that trace_replay() reads back ---- */

/* FROM (a tracefs file) to RAW/REL, directories made */
static int raw_copy(const char *from, const char *raw, const char *rel)
{
	char dst[4200], dir[4200], *buf;
	size_t len;
	int ret;

	if (pathf(dst, sizeof(dst), "%s/%s", raw, rel))
		return -ENAMETOOLONG;
	buf = read_file_str(from, 4 << 20, &len);
	if (!buf)
		return -errno;
	snprintf(dir, sizeof(dir), "%s", dst);
	*strrchr(dir, '/') = '\0';
	ret = mkdir_p(dir, 0755);
	if (!ret)
		ret = write_file_replace(dst, buf, len);
	free(buf);
	return ret;
}

/*
 * RAW/events/header_page, header_event and each bound event's format;
 * the pagetypeinfo (migratetype names); per_cpu/cpuN.raw opened
 */
static int raw_start(struct trace_session *s, const char *raw, char *err,
		     size_t len, bool *usage)
{
	char from[4200], rel[600];
	size_t i;
	int ret = 0, c;

	for (i = 0; i < 2 && !ret; i++) {
		snprintf(rel, sizeof(rel), "events/%s",
			 i ? "header_event" : "header_page");
		pathf(from, sizeof(from), "%s/%s", s->dir, rel);
		ret = raw_copy(from, raw, rel);
	}
	for (i = 0; i < s->st->nbound && !ret; i++) {
		const struct trace_event_ops *o = s->st->bound[i].ops;

		if (!s->st->bound[i].event)
			continue;
		snprintf(rel, sizeof(rel), "events/%s/%s/format", o->system,
			 o->name);
		pathf(from, sizeof(from), "%s/%s", s->dir, rel);
		ret = raw_copy(from, raw, rel);
	}
	if (!ret)
		raw_copy("/proc/pagetypeinfo", raw, "pagetypeinfo");
	pathf(from, sizeof(from), "%s/per_cpu", raw);
	if (!ret)
		ret = mkdir_p(from, 0755);
	for (c = 0; c < s->ncpus && !ret; c++) {
		int fd;

		pathf(from, sizeof(from), "%s/per_cpu/cpu%d.raw", raw,
		      s->cpus[c].cpu);
		fd = create_new(from);
		s->cpus[c].raw = fd < 0 ? NULL : fdopen(fd, "w");
		if (!s->cpus[c].raw) {
			ret = -errno;
			if (fd >= 0)
				close(fd);
		}
	}
	if (ret)
		return fail(err, len, usage, false, "%s: cannot record: %s",
			    raw, strerror(-ret));
	snprintf(s->raw, sizeof(s->raw), "%s", raw);
	return 0;
}

/* RAW/raw.json and saved_cmdlines; the page files closed */
static int raw_finish(struct trace_session *s)
{
	json_t *o = json_object(), *cpus = json_array();
	struct utsname u;
	char from[4200];
	int i, ret = 0;

	for (i = 0; i < s->ncpus; i++) {
		json_t *c = json_object();

		if (s->cpus[i].raw && fclose(s->cpus[i].raw))
			ret = -EIO;
		s->cpus[i].raw = NULL;
		json_object_set_new(c, "cpu", json_integer(s->cpus[i].cpu));
		json_object_set_new(c, "pages",
				    json_integer((json_int_t)s->cpus[i].pages));
		json_object_set_new(
			c, "overrun",
			json_integer((json_int_t)s->cpus[i].overrun));
		json_array_append_new(cpus, c);
	}
	pathf(from, sizeof(from), "%s/saved_cmdlines", s->dir);
	raw_copy(from, s->raw, "saved_cmdlines");
	json_object_set_new(o, "format", json_string("mmrepro raw trace 1"));
	if (!uname(&u))
		json_object_set_new(o, "kernel", json_string(u.release));
	json_object_set_new(o, "subbuf_bytes", json_integer(s->subbuf));
	json_object_set_new(o, "start_ns", json_integer(s->t_start));
	json_object_set_new(o, "stop_ns", json_integer(s->t_stop));
	json_object_set_new(o, "cpus", cpus);
	json_object_set_new(
		o, "note",
		json_string(
			"per_cpu/cpuN.raw: the pages of trace_pipe_raw as read, subbuf_bytes each; events/: the formats that parse them; mmrepro trace --replay reads it back"));
	if (json_save(o, s->raw, "raw.json"))
		ret = -EIO;
	json_decref(o);
	return ret;
}

struct trace_session *trace_start(const struct trace_cfg *cfg, char *err,
				  size_t errlen, bool *usage)
{
	struct trace_session *s = calloc(1, sizeof(*s));
	const char *dir = cfg->tracing_dir;

	if (!s)
		die("out of memory");
	*usage = false;
	s->buffer_kb = cfg->buffer_kb ? cfg->buffer_kb : DEFAULT_BUFFER_KB;
	if (!dir) {
		tracefs_tracing_dir_is_mounted(true, &dir);
		dir = tracefs_tracing_dir();
	} else if (tracefs_set_tracing_dir((char *)dir)) {
		dir = NULL;
	}
	if (!dir) {
		fail(err, errlen, usage, false,
		     "no tracefs: not mounted and cannot be (root? CONFIG_TRACING?)");
		goto out_free;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	if (cfg->timeline_step_ns < 0 || cfg->timeline_t0_ns < 0) {
		fail(err, errlen, usage, true, "timeline: negative time");
		goto out_free;
	}
	if (add_events(s, cfg, err, errlen, usage) ||
	    make_instance(s, cfg, err, errlen, usage))
		goto out_free;
	if (configure(s, err, errlen, usage) ||
	    open_readers(s, err, errlen, usage))
		goto out_free;
	if (cfg->raw_dir && raw_start(s, cfg->raw_dir, err, errlen, usage))
		goto out_free;
	s->t_start = now_ns();
	trace_state_begin(s->st, (uint64_t)s->t_start);
	trace_timeline_set(s->st, (uint64_t)cfg->timeline_t0_ns,
			   (uint64_t)cfg->timeline_step_ns);
	if (tracefs_trace_on(s->inst)) {
		fail(err, errlen, usage, false, "tracing_on: %s",
		     strerror(errno));
		goto out_free;
	}
	return s;
out_free:
	trace_free(s);
	return NULL;
}

/* ---- reading ---- */

static void handle_pending(void *ctx, uint64_t ts, int cpu, const void *d,
			   int size)
{
	struct trace_session *s = ctx;
	const struct trace_bound *b = trace_lookup(s->st, d, size);

	if (b)
		trace_handle(s->st, b, ts, cpu, d, size);
}

static void read_page(struct trace_session *s, struct cpu_reader *c)
{
	unsigned long long ts;
	int missed;
	void *d;

	if (kbuffer_load_subbuffer(s->kbuf, s->page))
		return;
	missed = kbuffer_missed_events(s->kbuf);
	if (missed > 0)
		c->missed += (uint64_t)missed;
	else if (missed < 0)
		c->missed_unknown++;
	for (d = kbuffer_read_event(s->kbuf, &ts); d;
	     d = kbuffer_next_event(s->kbuf, &ts)) {
		int size = kbuffer_event_size(s->kbuf);
		const struct trace_bound *b = trace_lookup(s->st, d, size);

		if (!b)
			s->unknown_events++;
		else if (b->ops->ordered)
			reorder_push(&s->pend, ts, c->cpu, d, size);
		else
			trace_handle(s->st, b, ts, c->cpu, d, size);
	}
}

static long drain_cpu(struct trace_session *s, struct cpu_reader *c)
{
	/* at most a buffer's worth, so that one busy CPU cannot starve others */
	long max = (long)s->buffer_kb * 1024 / s->subbuf + 1, n = 0;
	int64_t t = now_ns();
	ssize_t r;

	c->last_pages = 0;
	while (n < max) {
		r = read(c->fd, s->page, (size_t)s->subbuf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		c->bytes += (uint64_t)r;
		if (c->raw &&
		    fwrite(s->page, (size_t)s->subbuf, 1, c->raw) != 1)
			return -EIO;
		read_page(s, c);
		n++;
	}
	c->pages += (uint64_t)n;
	c->last_pages = (uint64_t)n;
	if (n < max)
		c->drained_at = t;
	return n;
}

long trace_poll(struct trace_session *s)
{
	uint64_t before = s->st->events, limit = UINT64_MAX;
	long pages = 0, n;
	int i;

	if (s->stopped || !s->inst)
		return 0;
	s->busy = false;
	for (i = 0; i < s->ncpus; i++) {
		n = drain_cpu(s, &s->cpus[i]);
		if (n < 0)
			return n;
		pages += n;
		/* an eighth of a buffer in one poll: poll sooner */
		if (n * s->subbuf >= (long)s->buffer_kb * 128)
			s->busy = true;
	}
	for (i = 0; i < s->ncpus; i++)
		if ((uint64_t)s->cpus[i].drained_at < limit)
			limit = (uint64_t)s->cpus[i].drained_at;
	reorder_flush(&s->pend, limit > HOLD_NS ? limit - HOLD_NS : 0,
		      handle_pending, s);
	(void)pages;
	return (long)(s->st->events - before);
}

bool trace_busy(const struct trace_session *s)
{
	return s->busy;
}

int trace_wait(struct trace_session *s, int64_t timeout_ns)
{
	struct pollfd fds[256];
	int i, n = 0;
	long r;

	for (i = 0; !s->busy && i < s->ncpus && n < (int)ARRAY_SIZE(fds); i++)
		fds[n++] = (struct pollfd){ .fd = s->cpus[i].fd,
					    .events = POLLIN };
	/* wakes at buffer_percent full on a CPU, a signal or the timeout */
	if (n &&
	    poll(fds, (nfds_t)n,
		 (int)((timeout_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC)) < 0)
		return -errno;
	/*
	 * Then read, on a timeout too: what is under buffer_percent is read
	 * at least that often.  (It only polled until 2026-12: a run's
	 * reader spun on poll() over unread buffers, which were read only at
	 * the end, overwritten by then in a busy run.)
	 */
	r = trace_poll(s);
	if (r < 0)
		return (int)r;
	return r > 0;
}

/* ---- loss ---- */

static void read_stats(struct trace_session *s)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "overrun:", offsetof(struct cpu_reader, overrun) },
		{ "commit overrun:",
		  offsetof(struct cpu_reader, commit_overrun) },
		{ "dropped events:", offsetof(struct cpu_reader, dropped) },
		{ "entries:", offsetof(struct cpu_reader, entries) },
		{ "read events:", offsetof(struct cpu_reader, read_events) },
	};
	char rel[64], *txt, *p;
	size_t k;
	int i;

	for (i = 0; i < s->ncpus && s->inst; i++) {
		struct cpu_reader *c = &s->cpus[i];

		snprintf(rel, sizeof(rel), "per_cpu/cpu%d/stats", c->cpu);
		txt = tracefs_instance_file_read(s->inst, rel, NULL);
		if (!txt)
			continue;
		for (k = 0; k < ARRAY_SIZE(keys); k++) {
			p = strstr(txt, keys[k].key);
			/* "overrun:" must not match inside "commit overrun:" */
			while (p && p != txt && p[-1] != '\n')
				p = strstr(p + 1, keys[k].key);
			if (p)
				*(uint64_t *)((char *)c + keys[k].off) =
					strtoull(p + strlen(keys[k].key), NULL,
						 10);
		}
		c->stats_ok = true;
		free(txt);
	}
}

static uint64_t lost_of(const struct cpu_reader *c)
{
	uint64_t stats = c->overrun + c->commit_overrun + c->dropped;

	/* the pages' own counts, where stats could not be read */
	return c->stats_ok ? stats : c->missed;
}

uint64_t trace_lost(struct trace_session *s)
{
	uint64_t lost = 0;
	int i;

	if (!s->stopped)
		read_stats(s);
	for (i = 0; i < s->ncpus; i++)
		lost += lost_of(&s->cpus[i]);
	return lost;
}

/* ---- the end ---- */

/*
 * The kernel's saved_cmdlines ("PID COMM" lines) into the tep: of the
 * tracefs, or of a raw recording (untrusted: no link followed)
 */
static int load_cmdlines(struct trace_session *s)
{
	char path[4200], *txt, *line, *save = NULL, comm[64];
	int pid;

	pathf(path, sizeof(path), "%s/saved_cmdlines", s->dir);
	txt = read_any_nolink(path, 4 << 20, NULL);
	if (!txt)
		return -1;
	for (line = strtok_r(txt, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%d %63s", &pid, comm) == 2 && pid > 0)
			tep_register_comm(s->tep, comm, pid);
	free(txt);
	return 0;
}

static void fill_comms(struct trace_session *s)
{
	struct trace_state *st = s->st;
	const char *c;
	size_t i;

	/* tasks gone before we looked: the kernel's saved_cmdlines may know */
	if (load_cmdlines(s))
		return;
	for (i = 0; i < st->ntasks; i++) {
		if (st->tasks[i].comm[0])
			continue;
		c = trace_saved_comm(st, st->tasks[i].pid);
		if (c)
			snprintf(st->tasks[i].comm, sizeof(st->tasks[i].comm),
				 "%s", c);
	}
	for (i = 0; i < trace_ngroups; i++)
		if (trace_group_table[i]->fill_comms)
			trace_group_table[i]->fill_comms(st, st->gs[i]);
}

int trace_stop(struct trace_session *s)
{
	int i, ret = 0;

	if (s->stopped || !s->inst)
		return 0;
	tracefs_trace_off(s->inst);
	s->t_stop = now_ns();
	/* what was recorded before tracing_on went to 0, partial pages too */
	for (i = 0; i < s->ncpus; i++)
		if (drain_cpu(s, &s->cpus[i]) < 0)
			ret = -EIO;
	read_stats(s);
	if (s->raw[0] && raw_finish(s))
		ret = ret ? ret : -EIO;
	reorder_flush(&s->pend, UINT64_MAX, handle_pending, s);
	trace_state_end(s->st, (uint64_t)s->t_stop);
	fill_comms(s);
	s->stopped = true;
	instance_remove(s);
	return ret;
}

/* ---- replay: a raw recording read back through the same groups ---- */

/*
 * The page's commit (its data size) fits in the page: kbuffer takes the
 * header's word for it, and a recording may come from anyone
 */
static bool page_sane(const struct trace_session *s)
{
	int lsize = tep_get_long_size(s->tep);
	uint64_t commit = 0;

	if (lsize != 4 && lsize != 8)
		return false;
	memcpy(&commit, s->page + 8, (size_t)lsize);
	commit &= (1ULL << 30) - 1; /* above: the missed-events flags */
	return commit <= (uint64_t)(s->subbuf - 8 - lsize);
}

static int replay_cpu(struct trace_session *s, struct cpu_reader *c)
{
	char path[4200];
	ssize_t r;
	int fd;

	pathf(path, sizeof(path), "%s/per_cpu/cpu%d.raw", s->dir, c->cpu);
	fd = open_regular(path);
	if (fd < 0)
		return -errno;
	while ((r = read(fd, s->page, (size_t)s->subbuf)) == s->subbuf) {
		c->pages++;
		c->bytes += (uint64_t)r;
		if (page_sane(s))
			read_page(s, c);
		else
			c->missed_unknown++;
	}
	close(fd);
	return r < 0 ? -errno : 0;
}

/* raw.json: the page size, the CPUs and the times, checked */
static int replay_meta(struct trace_session *s, char *err, size_t len,
		       bool *usage)
{
	char path[4200];
	json_t *o, *cpus, *c;
	json_int_t sub;
	size_t i;

	pathf(path, sizeof(path), "%s/raw.json", s->dir);
	o = json_load_regular(path, NULL);
	sub = json_integer_value(json_object_get(o, "subbuf_bytes"));
	cpus = json_object_get(o, "cpus");
	if (!o || sub < 64 || sub > (1 << 20) || (sub & (sub - 1)) ||
	    !json_is_array(cpus) || json_array_size(cpus) > 4096 ||
	    !json_is_integer(json_object_get(o, "start_ns")) ||
	    !json_is_integer(json_object_get(o, "stop_ns"))) {
		json_decref(o);
		return fail(err, len, usage, true,
			    "%s: not a raw recording of mmrepro trace", path);
	}
	s->subbuf = (int)sub;
	s->t_start = json_integer_value(json_object_get(o, "start_ns"));
	s->t_stop = json_integer_value(json_object_get(o, "stop_ns"));
	if (json_is_string(json_object_get(o, "kernel")))
		snprintf(s->kernel, sizeof(s->kernel), "%s",
			 json_string_value(json_object_get(o, "kernel")));
	s->cpus = trace_zalloc(json_array_size(cpus) + 1, sizeof(*s->cpus));
	json_array_foreach(cpus, i, c)
	{
		json_int_t id = json_integer_value(json_object_get(c, "cpu"));

		if (id < 0 || id > 4095) {
			json_decref(o);
			return fail(err, len, usage, true, "%s: cpu %lld", path,
				    (long long)id);
		}
		s->cpus[s->ncpus].fd = -1;
		s->cpus[s->ncpus++].cpu = (int)id;
	}
	json_decref(o);
	return 0;
}

struct trace_session *trace_replay(const struct trace_cfg *cfg, const char *raw,
				   char *err, size_t errlen, bool *usage)
{
	struct trace_session *s = trace_zalloc(1, sizeof(*s));
	int i, ret;

	*usage = false;
	s->replay = true;
	snprintf(s->dir, sizeof(s->dir), "%s", raw);
	untrusted_root_add(raw);
	if (replay_meta(s, err, errlen, usage) ||
	    add_events(s, cfg, err, errlen, usage))
		goto out_free;
	s->page = trace_zalloc(1, (size_t)s->subbuf);
	s->kbuf = kbuffer_alloc(
		tep_get_long_size(s->tep) == 4 ? KBUFFER_LSIZE_4 :
						 KBUFFER_LSIZE_8,
		tep_is_file_bigendian(s->tep) ? KBUFFER_ENDIAN_BIG :
						KBUFFER_ENDIAN_LITTLE);
	if (!s->kbuf)
		die("out of memory");
	trace_state_begin(s->st, (uint64_t)s->t_start);
	for (i = 0; i < s->ncpus; i++) {
		ret = replay_cpu(s, &s->cpus[i]);
		if (ret) {
			fail(err, errlen, usage, false,
			     "%s/per_cpu/cpu%d.raw: %s", raw, s->cpus[i].cpu,
			     strerror(-ret));
			goto out_free;
		}
	}
	reorder_flush(&s->pend, UINT64_MAX, handle_pending, s);
	trace_state_end(s->st, (uint64_t)s->t_stop);
	fill_comms(s);
	s->stopped = true;
	return s;
out_free:
	trace_free(s);
	return NULL;
}

json_t *trace_replay_kernel(const struct trace_session *s)
{
	json_t *k;

	if (!s->kernel[0])
		return json_null();
	/* as meta_system() has it; the recording keeps only the release */
	k = json_object();
	json_object_set_new(k, "release", json_string(s->kernel));
	return k;
}

void trace_free(struct trace_session *s)
{
	int i;

	if (!s)
		return;
	instance_remove(s);
	for (i = 0; i < s->ncpus; i++) {
		if (s->cpus[i].fd >= 0)
			close(s->cpus[i].fd);
		if (s->cpus[i].raw)
			fclose(s->cpus[i].raw);
	}
	trace_state_free(s->st);
	if (s->kbuf)
		kbuffer_free(s->kbuf);
	if (s->tep)
		tep_free(s->tep);
	for (i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->cpus);
	free(s->page);
	reorder_free(&s->pend);
	free(s);
}

const char *trace_instance_name(const struct trace_session *s)
{
	return s->name;
}

const char *trace_instance_path(const struct trace_session *s)
{
	return s->path;
}

/* ---- output ---- */

int trace_progress(struct trace_session *s, char *buf, size_t len)
{
	const struct trace_state *st = s->st;
	double t = (double)(now_ns() - s->t_start) / NSEC_PER_SEC;
	size_t g, n;

	n = (size_t)snprintf(buf, len, "trace: %6.1fs events %llu lost %llu", t,
			     (unsigned long long)st->events,
			     (unsigned long long)trace_lost(s));
	for (g = 0; g < trace_ngroups; g++)
		if (trace_group_table[g]->progress)
			n += (size_t)trace_group_table[g]->progress(
				st, st->gs[g], buf + (n < len ? n : len),
				n < len ? len - n : 0);
	return (int)n;
}

static json_t *lost_json(struct trace_session *s)
{
	json_t *o = json_object(), *per = json_object();
	uint64_t total = 0, missed = 0, unknown = 0;
	char key[32];
	int i;

	for (i = 0; i < s->ncpus; i++) {
		const struct cpu_reader *c = &s->cpus[i];
		json_t *j = json_object();

		total += lost_of(c);
		missed += c->missed;
		unknown += c->missed_unknown;
		json_object_set_new(j, "stats_read", json_boolean(c->stats_ok));
		json_object_set_new(j, "overrun",
				    json_integer((json_int_t)c->overrun));
		json_object_set_new(
			j, "commit_overrun",
			json_integer((json_int_t)c->commit_overrun));
		json_object_set_new(j, "dropped_events",
				    json_integer((json_int_t)c->dropped));
		json_object_set_new(j, "entries_unread",
				    json_integer((json_int_t)c->entries));
		json_object_set_new(j, "read_events",
				    json_integer((json_int_t)c->read_events));
		json_object_set_new(j, "missed_in_pages",
				    json_integer((json_int_t)c->missed));
		json_object_set_new(
			j, "missed_pages_unknown",
			json_integer((json_int_t)c->missed_unknown));
		json_object_set_new(j, "pages_read",
				    json_integer((json_int_t)c->pages));
		snprintf(key, sizeof(key), "cpu%d", c->cpu);
		json_object_set_new(per, key, j);
	}
	json_object_set_new(o, "lost_events", json_integer((json_int_t)total));
	json_object_set_new(o, "missed_in_pages",
			    json_integer((json_int_t)missed));
	json_object_set_new(o, "missed_pages_unknown",
			    json_integer((json_int_t)unknown));
	json_object_set_new(o, "per_cpu", per);
	return o;
}

static json_t *missing_json(const struct trace_state *st)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < st->nbound; i++) {
		const struct trace_bound *b = &st->bound[i];
		char name[128];

		if (b->event || !b->selected)
			continue;
		snprintf(name, sizeof(name), "%s:%s", b->ops->system,
			 b->ops->name);
		json_object_set_new(o, name, json_string(b->reason));
	}
	return o;
}

static double dur_s(const struct trace_session *s)
{
	int64_t end = s->stopped ? s->t_stop : now_ns();

	return (double)(end - s->t_start) / NSEC_PER_SEC;
}

json_t *trace_summary_json(struct trace_session *s)
{
	json_t *o = trace_state_summary(s->st);

	json_object_set_new(o, "instance", json_string(s->name));
	json_object_set_new(o, "duration_s", json_real(dur_s(s)));
	json_object_set_new(o, "events",
			    json_integer((json_int_t)s->st->events));
	json_object_set_new(o, "lost_events",
			    json_integer((json_int_t)trace_lost(s)));
	json_object_set_new(o, "missing_events", missing_json(s->st));
	return o;
}

static json_t *session_json(struct trace_session *s, json_t *extra)
{
	json_t *o = json_object(), *ev = json_object();
	size_t i;

	json_object_set_new(o, "instance", json_string(s->name));
	json_object_set_new(o, "instance_path", json_string(s->path));
	json_object_set_new(o, "tracing_dir", json_string(s->dir));
	json_object_set_new(o, "trace_clock", json_string("mono"));
	json_object_set_new(o, "clock_note",
			    json_string("event times are CLOCK_MONOTONIC"));
	json_object_set_new(o, "buffer_kb_per_cpu", json_integer(s->buffer_kb));
	json_object_set_new(o, "subbuf_bytes", json_integer(s->subbuf));
	json_object_set_new(o, "cpus", json_integer(s->ncpus));
	json_object_set_new(o, "start_mono_s",
			    json_real((double)s->t_start / NSEC_PER_SEC));
	json_object_set_new(o, "duration_s", json_real(dur_s(s)));
	json_object_set_new(o, "events_read",
			    json_integer((json_int_t)s->st->events));
	json_object_set_new(o, "unknown_events",
			    json_integer((json_int_t)s->unknown_events));
	for (i = 0; i < s->st->nbound; i++) {
		const struct trace_bound *b = &s->st->bound[i];
		json_t *e = trace_bound_json(b);
		char name[128];

		json_object_set_new(e, "group", json_string(b->ops->group));
		snprintf(name, sizeof(name), "%s:%s", b->ops->system,
			 b->ops->name);
		json_object_set_new(ev, name, e);
	}
	json_object_set_new(o, "events", ev);
	json_object_set_new(o, "lost", lost_json(s));
	if (s->st->listing)
		json_object_set_new(o, "listings", trace_listing_json(s->st));
	if (extra)
		json_object_update(o, extra);
	return o;
}

static bool group_wanted(const struct trace_state *st, const char *group)
{
	size_t i;

	for (i = 0; i < st->nbound; i++)
		if (st->bound[i].selected &&
		    !strcmp(st->bound[i].ops->group, group))
			return true;
	return false;
}

uint64_t trace_not_listed(struct trace_session *s)
{
	return trace_listing_over(s->st);
}

int trace_write_results(struct trace_session *s, const char *dir, json_t *extra)
{
	char tdir[4096], name[64];
	json_t *j, *top;
	size_t g;
	int ret;

	if (pathf(tdir, sizeof(tdir), "%s/trace", dir))
		return -ENAMETOOLONG;
	ret = mkdir_p(tdir, 0755);
	if (ret)
		return ret;
	for (g = 0; g <= trace_ngroups && !ret; g++) {
		const char *group = g < trace_ngroups ? trace_group_name(g) :
							"counts";

		if (!group_wanted(s->st, group))
			continue;
		j = trace_group_json(s->st, group);
		snprintf(name, sizeof(name), "%s.json", group);
		ret = json_save(j, tdir, name);
		json_decref(j);
	}
	if (!ret)
		ret = trace_listing_write(s->st, tdir);
	if (!ret && s->st->tl_step && trace_timeline_wanted(s->st)) {
		char path[4200];

		pathf(path, sizeof(path), "%s/timeline.csv", tdir);
		ret = trace_timeline_csv(s->st, path);
	}
	if (!ret) {
		j = session_json(s, extra);
		ret = json_save(j, tdir, "session.json");
		json_decref(j);
	}
	if (!ret) {
		top = json_object();
		json_object_set_new(top, "trace", trace_summary_json(s));
		ret = json_save(top, tdir, "summary.json");
		json_decref(top);
	}
	return ret;
}
