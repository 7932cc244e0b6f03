// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer inside `mmrepro run': a scenario's [trace] section starts
 * a session once the first sample is in, journals its tracefs instance
 * before making it (so that a runner killed at any point from then on
 * has it removed at the next start), and
 * reads it in a thread until the phases are over.  The results go to
 * RUN/trace/, with the direct reclaim timeline that the verdict can
 * join to derived.csv, and a "trace" object in summary.json.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "journal.h"
#include "results.h"
#include "rundata.h"
#include "run-trace.h"
#include "trace/trace.h"
#include "util.h"

#define RT_POLL_NS (100 * NSEC_PER_MSEC)

struct run_trace {
	struct trace_session *s;
	pthread_t tid;
	volatile sig_atomic_t stop;
	long err; /* a failed read, -errno */
	double cpu_s; /* the reader thread's CPU time */
	double sys_s; /* of it, in the kernel (reads; its own page faults) */
	char *events, *list; /* the split copies of [trace] events, list */
	const char *ev[64], *lv[64];
	const char *counts[SC_MAX_TRACE], *filters[SC_MAX_TRACE];
};

static void *reader(void *arg)
{
	struct run_trace *rt = arg;
	long n;

	struct rusage ru;

	while (!rt->stop) {
		n = trace_wait(rt->s, RT_POLL_NS);
		if (n < 0 && n != -EINTR && !rt->err)
			rt->err = n;
	}
	/* what reading the buffers cost this run, for the overhead bench */
	if (!getrusage(RUSAGE_THREAD, &ru)) {
		rt->sys_s = (double)ru.ru_stime.tv_sec +
			    (double)ru.ru_stime.tv_usec / 1e6;
		rt->cpu_s = (double)ru.ru_utime.tv_sec +
			    (double)ru.ru_utime.tv_usec / 1e6 + rt->sys_s;
	}
	return NULL;
}

static int journal_instance(const char *name, void *arg)
{
	return journal_add(arg, "tracefs %s", name);
}

static int unjournal_instance(const char *name, void *arg)
{
	(void)name;
	return journal_drop_last(arg);
}

struct run_trace *run_trace_start(const struct scenario *sc, struct journal *j,
				  const char *out, int64_t t0, char *err,
				  size_t elen)
{
	char rawdir[4200];
	struct run_trace *rt = calloc(1, sizeof(*rt));
	struct trace_cfg cfg = { 0 };
	char *save = NULL, *w;
	bool usage;
	int i;

	if (!rt)
		die("out of memory");
	rt->events = strdup(sc->trace_events);
	for (w = strtok_r(rt->events, ", ", &save);
	     w && cfg.nevents < (int)ARRAY_SIZE(rt->ev);
	     w = strtok_r(NULL, ", ", &save))
		rt->ev[cfg.nevents++] = w;
	rt->list = strdup(sc->trace_list);
	if (!rt->events || !rt->list)
		die("out of memory");
	for (w = strtok_r(rt->list, ", ", &save);
	     w && cfg.nlist < (int)ARRAY_SIZE(rt->lv);
	     w = strtok_r(NULL, ", ", &save))
		rt->lv[cfg.nlist++] = w;
	cfg.list = rt->lv;
	cfg.list_max = sc->trace_max_events < 0 ?
			       TRACE_LIST_MAX :
			       (uint64_t)sc->trace_max_events;
	for (i = 0; i < sc->ntrace_counts; i++)
		rt->counts[i] = sc->trace_count[i];
	for (i = 0; i < sc->ntrace_filters; i++)
		rt->filters[i] = sc->trace_filter[i];
	cfg.events = rt->ev;
	cfg.counts = rt->counts;
	cfg.ncounts = sc->ntrace_counts;
	cfg.filters = rt->filters;
	cfg.nfilters = sc->ntrace_filters;
	cfg.buffer_kb = (unsigned int)sc->trace_buffer_kb;
	if (sc->trace_raw > 0) {
		pathf(rawdir, sizeof(rawdir), "%s/trace/raw", out);
		cfg.raw_dir = rawdir;
	}
	cfg.timeline_t0_ns = t0;
	cfg.timeline_step_ns = sc->interval_ns;
	/*
	 * Journaled by the name it got (mmrepro-PID-1 if mmrepro-PID was
	 * someone else's), once it exists, before it is set up
	 */
	cfg.creating = journal_instance;
	cfg.abandoned = unjournal_instance;
	cfg.created_arg = j;
	rt->s = trace_start(&cfg, err, elen, &usage);
	if (!rt->s)
		goto out_free;
	if (pthread_create(&rt->tid, NULL, reader, rt)) {
		snprintf(err, elen, "trace: cannot start its thread");
		trace_stop(rt->s);
		trace_free(rt->s);
		goto out_free;
	}
	return rt;
out_free:
	free(rt->events);
	free(rt->list);
	free(rt);
	return NULL;
}

const char *run_trace_instance(const struct run_trace *rt)
{
	return trace_instance_name(rt->s);
}

int run_trace_finish(struct run_trace *rt, const char *out, char *err,
		     size_t elen)
{
	json_t *sum, *extra;
	char path[4200];
	int ret = 0;

	rt->stop = 1;
	pthread_join(rt->tid, NULL);
	if (rt->err) {
		snprintf(err, elen, "trace: reading the buffers: %s",
			 strerror((int)-rt->err));
		ret = -1;
	}
	if (trace_stop(rt->s) && !ret) {
		snprintf(err, elen, "trace: the last read failed");
		ret = -1;
	}
	extra = json_object();
	json_object_set_new(extra, "stopped_by", json_string("run"));
	json_object_set_new(extra, "reader_cpu_s", json_real(rt->cpu_s));
	json_object_set_new(extra, "reader_sys_s", json_real(rt->sys_s));
	if (trace_write_results(rt->s, out, extra) && !ret) {
		snprintf(err, elen, "trace: cannot write %s/trace", out);
		ret = -1;
	}
	json_decref(extra);
	/* the sampler wrote summary.json already: add to it */
	pathf(path, sizeof(path), "%s/summary.json", out);
	sum = json_load_regular(path, NULL);
	if (!sum)
		sum = json_object();
	json_object_set_new(sum, "trace", trace_summary_json(rt->s));
	if (json_save(sum, out, "summary.json") && !ret) {
		snprintf(err, elen, "trace: cannot write %s", path);
		ret = -1;
	}
	json_decref(sum);
	trace_free(rt->s);
	free(rt->events);
	free(rt->list);
	free(rt);
	return ret;
}
