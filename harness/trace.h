/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_TRACE_H
#define MMREPRO_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The tracer: a private tracefs instance with only the MM events it
 * needs, read through libtraceevent from each event's format file, so
 * that no struct layout is assumed (fields move between kernels).
 *
 * A session is started, polled and stopped by its owner (mmrepro trace,
 * or the runner around its phases); the results are written once at
 * the end as DIR/trace/<kind>.json plus DIR/trace/summary.json.
 */

#define TRACE_MAX_FIELDS 10
#define TRACE_MAX_EXTRA 16 /* --count and --filter entries */

struct trace_cfg {
	const char *tracing_dir; /* NULL: the mounted tracefs (mounted if not) */
	/* group or event names (see trace_groups); none: every group */
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
	 * A per-interval timeline of direct reclaim (trace/timeline.csv),
	 * for the runner's verdict: bins of timeline_step_ns from
	 * timeline_t0_ns (CLOCK_MONOTONIC); 0: none.
	 */
	int64_t timeline_t0_ns, timeline_step_ns;
	/*
	 * Called with the instance's name once it is made and known to be
	 * this session's (the runner journals it); non-zero fails the start
	 */
	int (*created)(const char *name, void *arg);
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
/* Reads what the buffers hold; events read, or -errno */
long trace_poll(struct trace_session *s);
/* True when the last poll read enough that the next should come soon */
bool trace_busy(const struct trace_session *s);
/*
 * Sleeps until a CPU's buffer is a quarter full, a signal or the timeout
 * (at once if busy); then trace_poll().  >0: data, 0: timeout, <0: EINTR.
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
/* Lost events so far (per-CPU ring buffer overruns and drops) */
uint64_t trace_lost(struct trace_session *s);
/* The compact object the runner merges into summary.json as "trace" */
json_t *trace_summary_json(struct trace_session *s);

/* ---- internals, exported for the tests ---- */

struct tep_handle;
struct tep_event;
struct tep_format_field;
struct trace_state;

/* One event as the handlers see it */
struct trace_rec {
	uint64_t ts; /* ns on the trace clock ("mono": CLOCK_MONOTONIC) */
	const void *data; /* the raw event: common fields, then its own */
	int size;
	int pid; /* common_pid */
	int cpu;
};

struct trace_bound;

/*
 * One traced event, in the manner of fio's ioengine_ops: trace-events.c
 * holds one small handler per event and a table of these.
 */
struct trace_event_ops {
	const char *system;
	const char *name;
	const char *group; /* unit of --events, and its JSON file */
	/* pairs with another event: handled in time order across CPUs */
	bool ordered;
	/*
	 * Fields by name.  "a|b": a, or b on kernels that call it that;
	 * "?a": optional (the handler copes without it).
	 */
	const char *fields[TRACE_MAX_FIELDS];
	/* once bound: constants from the print format; may be NULL */
	void (*init)(struct trace_state *st, struct trace_bound *b);
	void (*handle)(struct trace_state *st, const struct trace_bound *b,
		       const struct trace_rec *r);
};

struct trace_bound {
	const struct trace_event_ops *ops;
	struct tep_event *event; /* NULL: missing on this kernel */
	struct tep_format_field *f[TRACE_MAX_FIELDS];
	const char *filter; /* kernel-side filter, or NULL */
	char reason[200]; /* why missing */
	uint64_t count; /* events handled */
	bool selected;
};

json_t *trace_bound_json(const struct trace_bound *b);

extern const struct trace_event_ops trace_events[];
extern const size_t trace_nevents;
extern const char *const trace_groups[];
extern const size_t trace_ngroups;

/* Expands a --events name (group, "system:event" or "event") */
int trace_group_of(const char *name);

/*
 * A tep holding the header page and the formats of the given events,
 * read from DIR/events/... (the live tracefs, or a captured copy).
 * Absent formats are left out; trace_bind() tells them.
 */
struct tep_handle *trace_tep_load(const char *dir,
				  const struct trace_event_ops *const *ops,
				  size_t n);

/* The aggregated state, fed one record at a time */
struct trace_state *trace_state_new(struct tep_handle *tep);
/* Binds an event (and its fields); 0 if present, else -ENOENT + reason */
int trace_state_add(struct trace_state *st, const struct trace_event_ops *ops,
		    bool selected);
void trace_state_begin(struct trace_state *st, uint64_t t0);
/* Dispatches by common_type; false if the type is not bound */
bool trace_dispatch(struct trace_state *st, uint64_t ts, int cpu,
		    const void *data, int size);
void trace_state_end(struct trace_state *st, uint64_t t1);
/* Results of one group ("direct_reclaim", ...), or the session summary */
json_t *trace_group_json(struct trace_state *st, const char *group);
json_t *trace_state_summary(struct trace_state *st);
void trace_state_free(struct trace_state *st);

/* GFP migratetype bits and symbol tables, from print formats */
uint64_t trace_gfp_bit(struct tep_event *e, const char *field,
		       const char *flag);
const char *trace_symbol(struct tep_event *e, const char *field, long long v);
int trace_print_int(struct tep_handle *tep, struct tep_event *e,
		    const char *key, long long *v);

/* ---- durations and histograms (trace-hist.c) ---- */

struct durset {
	uint64_t *v; /* ns */
	size_t n, cap;
	uint64_t sum, max;
	bool sorted;
};

#define HIST_BUCKETS 64

void durset_add(struct durset *d, uint64_t ns);
void durset_free(struct durset *d);
/* log2 bucket of a value in µs: 0 for 0, else floor(log2(us)) + 1 */
int hist_bucket(uint64_t us);
/* bucket b holds [lo, hi] µs */
void hist_range(int b, uint64_t *lo, uint64_t *hi);
/* linear interpolation between order statistics (as gsl), in ns */
double durset_quantile(struct durset *d, double q);
/* { count, p50_us, p90_us, p99_us, max_us, total_s } and the histogram */
json_t *durset_json(struct durset *d, bool hist);

/*
 * Reorder buffer: records from several CPUs, each CPU's in time order,
 * released in global time order up to a limit.  Records are copied.
 */
struct trace_pending {
	uint64_t ts;
	uint32_t seq; /* arrival order breaks ties */
	uint32_t off;
	int size;
	int cpu;
};

struct trace_reorder {
	struct trace_pending *v;
	size_t n, cap;
	unsigned char *arena;
	size_t len, acap;
	uint32_t seq;
};

typedef void (*trace_reorder_fn)(void *ctx, uint64_t ts, int cpu,
				 const void *data, int size);
void reorder_push(struct trace_reorder *q, uint64_t ts, int cpu,
		  const void *data, int size);
/* Calls fn for every record with ts <= limit, oldest first */
void reorder_flush(struct trace_reorder *q, uint64_t limit, trace_reorder_fn fn,
		   void *ctx);
void reorder_free(struct trace_reorder *q);

/* ---- the aggregated state (trace-events.c fills it, trace-report.c reads) ---- */

#define TRACE_ORDERS 11 /* orders 0..10 each; above: one more slot */
#define TRACE_MT_MOVABLE 0
#define TRACE_MT_RECLAIMABLE 1
#define TRACE_MT_UNMOVABLE 2
#define TRACE_MAX_NODES 1024

struct trace_task {
	int pid;
	char comm[16];
	bool in_dr, in_cp;
	uint64_t dr_begin; /* in direct reclaim since */
	int dr_order;
	int dr_mt;
	uint64_t cp_begin; /* in compaction since */
	uint64_t dr_n, dr_ns, dr_max_ns;
};

struct trace_node {
	bool seen, awake;
	uint64_t since; /* awake since */
	uint64_t awake_ns;
	uint64_t wakes, sleeps;
	bool awake_at_start, awake_at_end;
	struct durset periods; /* complete wake->sleep periods */
};

struct trace_extfrag {
	int alloc_mt, fallback_mt, fragmenting;
	uint64_t n;
};

struct trace_retry {
	int node, zone;
	uint64_t n;
	uint64_t ts; /* of the last one */
	int order, no_progress_loops, max_no_progress_loops, wmark_check;
	uint64_t reclaimable, available, min_wmark;
};

struct trace_victim {
	uint64_t ts;
	int pid;
	char comm[64];
	long long total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
	int oom_score_adj;
	bool has_comm, has_rss, has_adj;
};

/* One interval of the direct reclaim timeline */
struct trace_tl_bin {
	uint64_t stall_ns; /* summed over tasks */
	uint64_t nm_stall_ns; /* of it, by non-movable requests */
	uint64_t some_ns; /* with at least one task in direct reclaim */
	uint64_t max_ns; /* the longest stall that ended here */
	uint64_t n; /* stalls that ended here */
	uint64_t wk_o3plus; /* kswapd woken for order >= 3 */
};

struct trace_state {
	struct tep_handle *tep;
	struct trace_bound bound[48];
	size_t nbound;
	struct trace_bound **by_type; /* indexed by common_type */
	int ntypes;
	int type_off, type_size, pid_off, pid_size;
	uint64_t t0, t1;
	uint64_t events;
	/* fills trace_task.comm when a task is first seen; may be NULL */
	void (*comm_of)(int pid, char *comm, size_t len);

	struct trace_task *tasks;
	size_t ntasks, captasks;
	int *task_hash; /* open addressing: index + 1, 0 empty */
	size_t hash_cap;

	/* direct reclaim */
	struct durset dr, dr_order[TRACE_ORDERS + 1], dr_mt[3];
	/* crossed: [order slot][migratetype of the request] */
	struct durset dr_cross[TRACE_ORDERS + 1][3];
	uint64_t gfp_movable, gfp_reclaimable; /* bits from the print format */
	uint64_t dr_unmatched_end, dr_nested, dr_reclaimed;
	/* kswapd */
	struct trace_node *nodes;
	int nnodes;
	/* wakeup_kswapd */
	uint64_t wk_order[TRACE_ORDERS + 1];
	/* compaction */
	struct durset cp;
	uint64_t cp_status[16], cp_status_other;
	uint64_t cp_unmatched_end, cp_nested;
	/* mm_compaction_try_to_compact_pages: [order slot][migratetype] */
	uint64_t tc[TRACE_ORDERS + 1][3];
	/* by priority; without a known migratetype */
	uint64_t tc_prio[4], tc_other;
	/* extfrag */
	struct trace_extfrag xf[128];
	int nxf;
	uint64_t xf_other;
	long long pageblock_order; /* -1: unknown */
	/* reclaim_retry_zone */
	struct trace_retry rr[64];
	int nrr;
	uint64_t rr_other;
	/* mark_victim */
	struct trace_victim *victims;
	size_t nvictims;
	/* the timeline: bins of tl_step ns from tl_t0; tl_step 0: none */
	uint64_t tl_t0, tl_step;
	struct trace_tl_bin *tl;
	size_t ntl, captl; /* bins used (up to the last touched), allocated */
	int dr_active; /* tasks in direct reclaim now */
	uint64_t dr_some_since; /* since when at least one is */
	/* migratetype names in index order (/proc/pagetypeinfo), if known */
	char mt_names[8][16];
	int nmt_names;
};

/* Starts the direct reclaim timeline (before the first event) */
void trace_timeline_set(struct trace_state *st, uint64_t t0, uint64_t step);
/*
 * The columns of trace/timeline.csv ("trace.dr_some_pct"...): the group
 * the named one needs, or NULL when there is none of that name; and the
 * name of the ith (NULL past the last)
 */
const char *trace_timeline_group(const char *col);
const char *trace_timeline_col(size_t i);
/*
 * Writes the timeline as CSV: t (end of the bin, s from t0), then
 * trace.dr_some_pct, trace.dr_stall_s_per_s, trace.dr_max_ms,
 * trace.dr_per_s, trace.dr_nm_stall_s_per_s (the stall time of
 * non-movable requests: unmovable and reclaimable) and
 * trace.dr_nm_share_pct (its share of the stall time), and
 * trace.wk_o3plus_per_s (kswapd woken for order >= 3), named as
 * derived.csv names its series.
 */
bool trace_timeline_wanted(const struct trace_state *st);
int trace_timeline_csv(const struct trace_state *st, const char *path);
/* Stall [a, b) still open at the end (nm: of a non-movable request) */
void trace_timeline_open(struct trace_state *st, uint64_t a, uint64_t b,
			 bool nm);
/* "some" time [a, b) */
void trace_timeline_some(struct trace_state *st, uint64_t a, uint64_t b);
/* trace.c: the session's state, for the timeline */
struct trace_state *trace_session_state(struct trace_session *s);

struct trace_task *trace_task_get(struct trace_state *st, int pid);
struct trace_task *trace_task_find(struct trace_state *st, int pid);
uint64_t trace_field(const struct trace_bound *b, int i,
		     const struct trace_rec *r);
long long trace_field_s(const struct trace_bound *b, int i,
			const struct trace_rec *r);
/* A __data_loc/__rel_loc string field; NULL if absent */
const char *trace_field_str(const struct trace_bound *b, int i,
			    const struct trace_rec *r, int *len);
const struct trace_bound *trace_lookup(const struct trace_state *st,
				       const void *data, int size);
void trace_handle(struct trace_state *st, const struct trace_bound *b,
		  uint64_t ts, int cpu, const void *data, int size);

/*
 * libtracefs, as declared in <tracefs/tracefs.h> (1.6).  That header
 * includes <event-parse.h> without its traceevent/ directory, which
 * would need an -I the build does not pass; these are the functions
 * used by trace.c, with the header's own prototypes.
 */
struct tracefs_instance;
const char *tracefs_tracing_dir(void);
int tracefs_tracing_dir_is_mounted(bool mount, const char **path);
int tracefs_set_tracing_dir(char *tracing_dir);
struct tracefs_instance *tracefs_instance_create(const char *name);
bool tracefs_instance_is_new(struct tracefs_instance *instance);
int tracefs_instance_destroy(struct tracefs_instance *instance);
void tracefs_instance_free(struct tracefs_instance *instance);
int tracefs_trace_on(struct tracefs_instance *instance);
int tracefs_trace_off(struct tracefs_instance *instance);
int tracefs_instance_file_write(struct tracefs_instance *instance,
				const char *file, const char *str);
char *tracefs_instance_file_read(struct tracefs_instance *instance,
				 const char *file, int *psize);
int tracefs_instance_file_read_number(struct tracefs_instance *instance,
				      const char *file, long long *res);
bool tracefs_file_exists(struct tracefs_instance *instance, const char *name);
char *tracefs_instance_get_file(struct tracefs_instance *instance,
				const char *file);
void tracefs_put_tracing_file(char *name);
char *tracefs_get_clock(struct tracefs_instance *instance);
int tracefs_event_file_write(struct tracefs_instance *instance,
			     const char *system, const char *event,
			     const char *file, const char *str);
int tracefs_load_cmdlines(const char *tracing_dir, struct tep_handle *tep);

#endif
