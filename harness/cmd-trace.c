// SPDX-License-Identifier: GPL-2.0
/* mmrepro trace: the tracer on its own, with a progress line a second. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmrepro.h"
#include "opt.h"
#include "results.h"
#include "trace/trace.h"
#include "util.h"

#define POLL_NS (100 * NSEC_PER_MSEC)
#define HELP_WIDTH 68

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "a,b" and repeated --events a --events b alike */
static int split_events(const char *opt, const struct opt_list *in,
			const char **out, int max)
{
	int i, n = 0;

	for (i = 0; i < in->n; i++) {
		char *s = strdup(in->v[i]), *save = NULL, *w;

		if (!s)
			die("out of memory");
		for (w = strtok_r(s, ",", &save); w;
		     w = strtok_r(NULL, ",", &save)) {
			if (n == max)
				die("trace: --%s: too many names", opt);
			if (trace_group_of(w) < 0)
				die("trace: --%s: unknown event '%s' (see '%s trace --help')",
				    opt, w, progname);
			out[n++] = w;
		}
	}
	return n;
}

static void report_loss(struct trace_session *s, uint64_t *seen)
{
	uint64_t lost = trace_lost(s);

	if (lost <= *seen)
		return;
	warnx_("trace: %llu events lost so far (ring buffer full); raise --buffer-kb",
	       (unsigned long long)lost);
	*seen = lost;
}

static int run(struct trace_session *s, int64_t duration, bool quiet)
{
	int64_t start = now_ns(), next = start + NSEC_PER_SEC, now, wait;
	uint64_t lost_seen = 0;
	char line[256];
	long n;

	for (;;) {
		now = now_ns();
		if (now >= next) {
			report_loss(s, &lost_seen);
			if (!quiet) {
				trace_progress(s, line, sizeof(line));
				fprintf(stderr, "%s\n", line);
			}
			next += NSEC_PER_SEC;
		}
		if (stop || (duration && now - start >= duration))
			return 0;
		wait = POLL_NS;
		if (duration && start + duration - now < wait)
			wait = start + duration - now;
		if (next - now < wait)
			wait = next - now;
		/* it reads too, after the wait (a signal: nothing read) */
		n = trace_wait(s, wait);
		if (n < 0 && n != -EINTR) {
			warnx_("trace: reading the buffers: %s",
			       strerror((int)-n));
			return EXIT_INFRA;
		}
	}
}

/*
 * first then s and ".", words wrapped greedily at HELP_WIDTH columns, as
 * the help's hand-wrapped paragraphs are
 */
static void wrap_words(char *buf, size_t len, const char *first, const char *s)
{
	char text[1024], *save = NULL, *w;
	size_t n = 0, col = 0;

	snprintf(text, sizeof(text), "%s%s.", first, s);
	buf[0] = '\0';
	for (w = strtok_r(text, " ", &save); w && n < len;
	     w = strtok_r(NULL, " ", &save)) {
		bool nl = col && col + 1 + strlen(w) > HELP_WIDTH;
		const char *sep = nl ? "\n" : col ? " " : "";

		n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, w);
		col = (nl || !col ? 0 : col + 1) + strlen(w);
	}
}

/* The help text, with the event groups from the tracer's table */
static const char *usage_summary(char *buf, size_t len)
{
	static const char *const head =
		"Trace direct reclaim, kswapd, compaction, external fragmentation and\n"
		"OOM events in a private tracefs instance (trace_clock mono) for\n"
		"--duration or until SIGINT, and write latency histograms and counts\n"
		"to DIR/trace/*.json. Fields are read from each event's format, so\n"
		"any kernel works; events it lacks are recorded as missing.\n\n"
		"With --list, each event of the groups named (or each interval one\n"
		"closes: a stall, a kswapd period) is printed as it is read, one\n"
		"line with its time from the start, CPU, task, node, order and\n"
		"value, and kept in DIR/trace/GROUP.events.csv.\n\n";
	char groups[512];
	size_t i, n = 0;

	groups[0] = '\0';
	for (i = 0; trace_group_name(i) && n < sizeof(groups); i++)
		n += (size_t)snprintf(groups + n, sizeof(groups) - n, "%s%s",
				      i ? ", " : "", trace_group_name(i));
	snprintf(buf, len, "%s", head);
	n = strlen(buf);
	wrap_words(buf + n, len - n,
		   "Event groups for --events (comma-separated; an event name "
		   "selects its group; default all): ",
		   groups);
	return buf;
}

/* --buffer-kb and --duration; a --duration left out becomes 0 */
static void check_opts(int buffer_kb, int64_t *duration)
{
	if (buffer_kb != INT_MIN && (buffer_kb < 1 || buffer_kb > (1 << 20)))
		die("trace: --buffer-kb: must be 1 to 1048576");
	/* --duration 0 is no duration: it ran until SIGINT, as if not given */
	if (!*duration)
		die("trace: --duration: must be above 0 (leave it out to trace until SIGINT)");
	if (*duration < 0)
		*duration = 0;
}

/* The session's settings from the options */
static void fill_cfg(struct trace_cfg *cfg, const struct opt_list *events,
		     const char **ev, int nev, const struct opt_list *counts,
		     const struct opt_list *filters, int buffer_kb)
{
	cfg->nevents = split_events("events", events, ev, nev);
	cfg->events = ev;
	cfg->counts = counts->v;
	cfg->ncounts = counts->n;
	cfg->filters = filters->v;
	cfg->nfilters = filters->n;
	cfg->buffer_kb = buffer_kb == INT_MIN ? 0 : (unsigned int)buffer_kb;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Writes the results with meta.json's extra keys; returns the exit code */
static int write_results(struct trace_session *s, json_t *extra,
			 const struct mm_env *env, const char *out,
			 int64_t duration, bool quiet, int argc, char **argv,
			 int ret)
{
	json_t *meta;

	/* a replay's kernel is the recording's, which it has set */
	meta = meta_system(env);
	if (!json_object_get(extra, "kernel"))
		json_object_set(extra, "kernel",
				json_object_get(meta, "kernel"));
	json_decref(meta);
	json_object_set_new(extra, "command", meta_argv(argc, argv));
	json_object_set_new(extra, "duration_asked_s",
			    duration ?
				    json_real((double)duration / NSEC_PER_SEC) :
				    json_null());
	if (!json_object_get(extra, "stopped_by"))
		json_object_set_new(extra, "stopped_by",
				    json_string(stop ? "signal" : "duration"));
	if (trace_not_listed(s))
		warnx_("trace: %llu events not listed past --max-events (see trace/session.json)",
		       (unsigned long long)trace_not_listed(s));
	if (trace_lost(s))
		warnx_("trace: %llu events lost in all (ring buffer full; see trace/session.json); raise --buffer-kb",
		       (unsigned long long)trace_lost(s));
	if (trace_write_results(s, out, extra)) {
		warnx_("trace: %s/trace: cannot write results", out);
		ret = EXIT_ERROR;
	} else if (!quiet) {
		printf("results: %s/trace\n", out);
	}
	return ret;
}

/* --replay: the recording read back, its results written as a trace's */
static int replay_raw(struct trace_cfg *cfg, const char *raw,
		      const struct mm_env *env, const char *out, bool quiet,
		      int argc, char **argv)
{
	struct trace_session *s;
	json_t *extra = json_object();
	char err[600];
	bool usage;
	int ret;

	s = trace_replay(cfg, raw, err, sizeof(err), &usage);
	/* whatever fails, it is the recording's fault: bad input */
	if (!s) {
		json_decref(extra);
		(void)usage;
		die("trace: --replay %s", err);
	}
	json_object_set_new(extra, "replay_of", json_string(raw));
	json_object_set_new(extra, "stopped_by", json_string("replay"));
	json_object_set_new(extra, "kernel", trace_replay_kernel(s));
	stop = 0;
	ret = write_results(s, extra, env, out, 0, quiet, argc, argv, 0);
	trace_free(s);
	json_decref(extra);
	return ret;
}

int cmd_trace(int argc, char **argv)
{
	static char summary[1024];
	const struct cmd_usage u = {
		.synopsis =
			"[--events LIST] [--duration TIME] [--out DIR] [--buffer-kb N]\n"
			"              [--count SYSTEM:EVENT]... [--filter EVENT=EXPR]...\n"
			"              [--list GROUP[,GROUP]] [--max-events N] [--raw] [--quiet]\n"
			"   or: mmrepro trace --replay RAWDIR [--events LIST] [--list GROUP[,GROUP]]\n"
			"              [--max-events N] [--out DIR] [--quiet]",
		.summary = usage_summary(summary, sizeof(summary)),
	};
	struct opt_list events = { 0 }, counts = { 0 }, filters = { 0 };
	struct opt_list list = { 0 };
	const char *ev[OPT_LIST_MAX * 8], *lv[OPT_LIST_MAX * 8];
	int max_events = INT_MIN; /* not given */
	const char *replay = NULL;
	bool raw = false;
	const char *out = NULL;
	int64_t duration = -1; /* not given: until SIGINT */
	int buffer_kb = INT_MIN; /* not given */
	bool quiet = false, usage;
	const struct opt opts[] = {
		OPT_STRLIST('e', "events", &events, "LIST",
			    "event groups or events to trace (default all)"),
		OPT_DUR('d', "duration", &duration,
			"stop after this long (default: until SIGINT)"),
		OPT_STR('o', "out", &out, "DIR",
			"results directory (default results/trace/<kernel>/<UTC>)"),
		OPT_INTEGER(0, "buffer-kb", &buffer_kb, "N",
			    "ring buffer per CPU in KiB (default 4096)"),
		OPT_STRLIST(0, "count", &counts, "SYSTEM:EVENT",
			    "also count this event (repeatable)"),
		OPT_STRLIST(
			0, "filter", &filters, "EVENT=EXPR",
			"kernel-side filter for a traced event (repeatable)"),
		OPT_STRLIST('l', "list", &list, "GROUP[,GROUP]",
			    "print each event of these groups as it comes, and "
			    "write trace/GROUP.events.csv"),
		OPT_INTEGER(0, "max-events", &max_events, "N",
			    "list at most N events a group (default 100000; "
			    "0: all)"),
		OPT_BOOLEAN(0, "raw", &raw,
			    "also keep every page read in DIR/trace/raw, "
			    "for --replay"),
		OPT_STR(0, "replay", &replay, "RAWDIR",
			"read a raw recording back instead of tracing"),
		OPT_BOOLEAN('q', "quiet", &quiet, "no progress lines"),
		OPT_TABLE_END,
	};
	struct trace_cfg cfg = { 0 };
	struct mm_env env = { "/proc", "/sys" };
	struct trace_session *s;
	char defdir[512], err[512], rawdir[4200];
	json_t *extra;
	int i = opt_parse(argc, argv, "trace", &u, opts), ret;

	if (i < argc)
		die("trace: unexpected argument '%s'", argv[i]);
	/*
	 * jansson seeds its hashes from /dev/urandom, which blocks until
	 * the kernel's CRNG is ready: seconds in a freshly booted guest.
	 */
	json_object_seed((size_t)now_ns() | 1);
	if (replay && (raw || buffer_kb != INT_MIN || duration != -1 ||
		       counts.n || filters.n))
		die("trace: --replay: --raw, --buffer-kb, --duration, --count and --filter are for tracing");
	if (!replay)
		check_opts(buffer_kb, &duration);
	fill_cfg(&cfg, &events, ev, (int)ARRAY_SIZE(ev), &counts, &filters,
		 buffer_kb);
	if (max_events != INT_MIN && max_events < 0)
		die("trace: --max-events: must be 0 (all) or more");
	if (max_events != INT_MIN && !list.n)
		die("trace: --max-events: only with --list");
	cfg.nlist = split_events("list", &list, lv, (int)ARRAY_SIZE(lv));
	cfg.list = lv;
	cfg.list_print = stdout;
	cfg.list_max = max_events == INT_MIN ? TRACE_LIST_MAX :
					       (uint64_t)max_events;
	if (!out) {
		results_default_dir(defdir, sizeof(defdir), "trace", &env);
		out = defdir;
	}
	out_dir_check("trace: --out ", out, "trace/session.json",
		      "already holds a trace; choose another", true);
	if (replay)
		return replay_raw(&cfg, replay, &env, out, quiet, argc, argv);
	pathf(rawdir, sizeof(rawdir), "%s/trace/raw", out);
	cfg.raw_dir = raw ? rawdir : NULL;

	install_signals();
	extra = json_object();
	/* the tracer must outlive the OOM it watches */
	json_object_set_new(extra, "self_protection", meta_protect_self());

	s = trace_start(&cfg, err, sizeof(err), &usage);
	if (!s) {
		json_decref(extra);
		die("trace: %s", err);
	}
	if (!quiet)
		fprintf(stderr, "%s: trace: recording in %s\n", progname,
			trace_instance_path(s));
	ret = run(s, duration, quiet);
	if (trace_stop(s))
		ret = ret ? ret : EXIT_INFRA;

	ret = write_results(s, extra, &env, out, duration, quiet, argc, argv,
			    ret);
	json_decref(extra);
	trace_free(s);
	return ret;
}
