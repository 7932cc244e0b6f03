/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_TRACE_TRACE_H
#define MMREPRO_TRACE_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The tracer: a private tracefs instance with only the MM events it
 * needs, read through libtraceevent from each event's format file, so
 * that no struct layout is assumed (fields move between kernels).
 *
 * A session is started, polled and stopped by its owner (mmrepro trace,
 * or the runner around its phases); the results are written once at
 * the end as DIR/trace/<kind>.json plus DIR/trace/summary.json.
 *
 * This is the session API for its owners; the event groups and the
 * core they plug into are in group.h, the histograms in hist.h.
 */

#define TRACE_MAX_EXTRA 16 /* --count and --filter entries */
#define TRACE_LIST_MAX 100000 /* listed events a group, by default */

struct trace_cfg {
	const char *tracing_dir; /* NULL: the mounted tracefs (mounted if not) */
	/* group or event names (see trace_group_name); none: every group */
	const char *const *events;
	int nevents;
	/* extra events only counted, "system:event" */
	const char *const *counts;
	int ncounts;
	/* "event=expr" kernel-side filters */
	const char *const *filters;
	int nfilters;
	unsigned int buffer_kb; /* per CPU; 0: the default */
	/*
	 * Groups listed event by event (names as for events; each must be
	 * traced): kept for trace/<group>.events.csv and, when list_print
	 * is set, printed there as they come; at most list_max rows a
	 * group (0: no limit), the rest counted
	 */
	const char *const *list;
	int nlist;
	/*
	 * Every page read, as read, into this directory (a tracefs-like
	 * tree with the formats that parse them: trace_replay() reads it
	 * back); NULL: none
	 */
	const char *raw_dir;
	FILE *list_print;
	uint64_t list_max;
	/*
	 * A per-interval timeline of direct reclaim (trace/timeline.csv),
	 * for the runner's verdict: bins of timeline_step_ns from
	 * timeline_t0_ns (CLOCK_MONOTONIC); 0: none.
	 */
	int64_t timeline_t0_ns, timeline_step_ns;
	/*
	 * creating: called with a free instance name before it is made (the
	 * runner journals it, so that a runner killed right after the mkdir
	 * still has it removed); non-zero fails the start.  abandoned: the
	 * name was someone else's after all (made by another between the
	 * look and the mkdir), so that what creating recorded is taken back.
	 */
	int (*creating)(const char *name, void *arg);
	int (*abandoned)(const char *name, void *arg);
	void *created_arg;
};

struct trace_session;

/*
 * Creates the instance and starts recording.  NULL on error, with a
 * one-line reason in err and *usage set when it is the caller's fault
 * (unknown event, bad filter) rather than the system's.
 */
struct trace_session *trace_start(const struct trace_cfg *cfg, char *err,
				  size_t errlen, bool *usage);
/*
 * A raw recording (cfg->raw_dir of an earlier session) read back through
 * the groups cfg selects, as if traced now: the results as a stopped
 * session's.  The recording may come from anyone: no link is followed,
 * and a page whose header does not fit is counted, not parsed.
 */
struct trace_session *trace_replay(const struct trace_cfg *cfg, const char *raw,
				   char *err, size_t errlen, bool *usage);
/* A replayed recording's kernel release (JSON string), or null */
json_t *trace_replay_kernel(const struct trace_session *s);
/* Reads what the buffers hold; events read, or -errno */
long trace_poll(struct trace_session *s);
/* True when the last poll read enough that the next should come soon */
bool trace_busy(const struct trace_session *s);
/*
 * Sleeps until a CPU's buffer is a quarter full, a signal or the timeout
 * (at once if busy); then trace_poll(), the timeout included.  >0: events
 * read, 0: none, <0: -errno (-EINTR: a signal, nothing read).
 */
int trace_wait(struct trace_session *s, int64_t timeout_ns);
/* Stops recording, reads the rest and the loss counters, removes the instance */
int trace_stop(struct trace_session *s);
int trace_write_results(struct trace_session *s, const char *dir,
			json_t *extra);
void trace_free(struct trace_session *s);
const char *trace_instance_name(const struct trace_session *s);
const char *trace_instance_path(const struct trace_session *s);
/* A one-line status for progress output */
int trace_progress(struct trace_session *s, char *buf, size_t len);
/* Rows the listings left out past their limit */
uint64_t trace_not_listed(struct trace_session *s);
/* Lost events so far (per-CPU ring buffer overruns and drops) */
uint64_t trace_lost(struct trace_session *s);
/* The compact object the runner merges into summary.json as "trace" */
json_t *trace_summary_json(struct trace_session *s);

/* Expands a --events name (group, "system:event" or "event"): its index */
int trace_group_of(const char *name);
/* The name of the ith event group (NULL past the last), in table order */
const char *trace_group_name(size_t i);
extern const size_t trace_ngroups;

/*
 * The columns of trace/timeline.csv ("trace.dr_some_pct"...): the group
 * the named one needs, or NULL when there is none of that name; and the
 * name of the ith (NULL past the last)
 */
const char *trace_timeline_group(const char *col);
const char *trace_timeline_col(size_t i);

/*
 * For `report`: one line per group from a saved summary.json "trace"
 * object T (untrusted), each from the group's describe(), then the
 * session's events read and lost, and the events absent on that kernel;
 * each line is given to EMIT; returns how many
 */
int trace_describe(const json_t *t, void (*emit)(const char *line, void *arg),
		   void *arg);

#endif
