/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_TRACE_GROUP_H
#define MMREPRO_TRACE_GROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "trace.h"

/*
 * The tracer's event groups and the core they plug into, in the manner
 * of fio's ioengine_ops and of sources/: one file per group
 * (direct-reclaim.c, kswapd.c, ...), each ending with one
 * struct trace_group_ops that holds its name, its events with their
 * handlers, and its init/end/json/summary/free.  Each group keeps its own
 * state in its own file; the core hands it back as the void *gs that
 * init() returned (in handlers: b->gs).  groups.c holds the one table of
 * groups, and the core only loops over it.
 *
 * Adding an event group is one new file here, defining
 * trace_group_<name>, plus its line in groups.c's table and its name in
 * the extern list below (as sources/ and source.h do); nothing else
 * changes: --events, --help, the JSON files, summary.json, the progress
 * line and timeline.csv all come from the table.
 *
 * The groups call only lib.c (their state, tasks, fields, timeline
 * bins), format.c (print-format constants) and hist.c, none of which
 * names the table.  The core that loops over the table: state.c binds
 * events and dispatches records to the handlers, report.c wraps the
 * groups' JSON, timeline.c writes trace/timeline.csv, and session.c runs
 * the tracefs instance.
 */

#define TRACE_MAX_FIELDS 10
#define TRACE_MAX_GROUPS 16
#define TRACE_MAX_EVENTS 64

#define TRACE_ORDERS 11 /* orders 0..10 each; above: one more slot */
#define TRACE_MT_MOVABLE 0
#define TRACE_MT_RECLAIMABLE 1
#define TRACE_MT_UNMOVABLE 2

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

/* One traced event: a group file holds a small handler per event */
struct trace_event_ops {
	const char *system;
	const char *name;
	/* unit of --events, and its JSON file: set from the group's name */
	const char *group;
	/* pairs with another event: handled in time order across CPUs */
	bool ordered;
	/*
	 * Fields by name.  "a|b": a, or b on kernels that call it that;
	 * "?a": optional (the handler copes without it).
	 */
	const char *fields[TRACE_MAX_FIELDS];
	/*
	 * Gone from newer kernels: why, and what replaced it ("removed in
	 * 5.16: vmscan:mm_vmscan_throttled"); its absence is then expected,
	 * and said so
	 */
	const char *gone;
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
	int group; /* index in trace_group_table; -1: --count */
	void *gs; /* the group's state */
};

/* One column of trace/timeline.csv */
struct trace_tl_col {
	const char *name; /* as derived.csv names its series */
	int prec; /* decimals */
	/* its value in bin k (of step ns) */
	double (*val)(const void *gs, size_t k, double step);
};

struct trace_group_ops {
	const char *name; /* --events, trace/<name>.json */
	const struct trace_event_ops *events;
	size_t nevents;
	/*
	 * The group's state, zeroed, and its own initial values.  Each hook
	 * may be NULL; a group with per-task data (task_size) needs init.
	 */
	void *(*init)(struct trace_state *st);
	/* the end of the trace (st->t1): close what is still open */
	void (*end)(struct trace_state *st, void *gs);
	/* trace/<name>.json, without "events" and "duration_s" (NULL: {}) */
	json_t *(*json)(struct trace_state *st, void *gs);
	/* its part of summary.json's "trace" object */
	void (*summary)(struct trace_state *st, void *gs, json_t *o);
	/*
	 * One line for `report` from that part of a saved summary.json's
	 * "trace" object T (untrusted: any key may be missing or of another
	 * type); 0 and nothing written when T has no part of this group
	 */
	int (*describe)(const json_t *t, char *buf, size_t len);
	void (*free)(void *gs);
	/* appends its part of the progress line; may be NULL */
	int (*progress)(const struct trace_state *st, const void *gs, char *buf,
			size_t len);
	/* names from the kernel's saved cmdlines (trace_saved_comm); or NULL */
	void (*fill_comms)(struct trace_state *st, void *gs);
	/* per-task data of this size (trace_pid_data); 0: none (needs init) */
	size_t task_size;
	/* its columns of trace/timeline.csv */
	const struct trace_tl_col *tl_cols;
	size_t ntl_cols;
};

/* ---- the table (groups.c) ---- */

extern const struct trace_group_ops *const trace_group_table[];
extern const struct trace_group_ops trace_group_direct_reclaim,
	trace_group_kswapd, trace_group_wakeup_kswapd, trace_group_compaction,
	trace_group_extfrag, trace_group_reclaim_retry, trace_group_oom_victims,
	trace_group_compaction_outcome, trace_group_migration,
	trace_group_throttle;
extern const struct trace_group_ops trace_group_kcompactd,
	trace_group_lru_shrink;

/* Every group's events in table order, each with its group's name */
extern const struct trace_event_ops *trace_events;
extern size_t trace_nevents;

/* a number of T.KEY.SUB (SUB may be NULL); NAN when there is none */
double trace_num(const json_t *t, const char *key, const char *sub);
/* "LABEL: N" from the number T.KEY, for a group's describe(); 0 if none */
int trace_describe_count(const json_t *t, const char *key, const char *label,
			 char *buf, size_t len);
/* US microseconds as "0.878 ms" or "14.7 s" ("?" for NAN), in B */
const char *trace_fmt_us(double us, char *b, size_t len);

/* The group of that name, or -1 */
int trace_group_index(const char *name);

/* ---- the core's state ---- */

/* A task seen by some group: its name, and each group's data for it */
struct trace_task {
	int pid;
	char comm[16];
	void *data[TRACE_MAX_GROUPS];
};

/* Bins of the per-interval timeline, of one group */
struct trace_tl {
	unsigned char *bins;
	size_t cap; /* allocated, zeroed */
};

struct trace_state {
	struct tep_handle *tep;
	struct trace_bound bound[TRACE_MAX_EVENTS];
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

	/* the table of groups, and each one's state as its init() made it */
	const struct trace_group_ops *groups[TRACE_MAX_GROUPS];
	size_t ngroups;
	void *gs[TRACE_MAX_GROUPS];

	/* what this kernel's formats say, for any group */
	uint64_t gfp_movable, gfp_reclaimable; /* bits from the print format */
	long long pageblock_order; /* -1: unknown */
	/* migratetype names in index order (/proc/pagetypeinfo), if known */
	char mt_names[8][16];
	int nmt_names;

	/* listings (listing.c); NULL: none */
	struct trace_listing *listing;

	/* the timeline: bins of tl_step ns from tl_t0; tl_step 0: none */
	uint64_t tl_t0, tl_step;
	size_t ntl; /* bins used, up to the last any group touched */
};

/*
 * A tep holding the header page and the formats of the given events,
 * read from DIR/events/... (the live tracefs, or a captured copy).
 * Absent formats are left out; trace_state_add() tells them.
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
const struct trace_bound *trace_lookup(const struct trace_state *st,
				       const void *data, int size);
void trace_handle(struct trace_state *st, const struct trace_bound *b,
		  uint64_t ts, int cpu, const void *data, int size);

/* ---- for the groups ---- */

/* calloc(), or die */
void *trace_zalloc(size_t n, size_t size);

/* The state of the group of that name in st, or NULL */
void *trace_group_state(const struct trace_state *st, const char *name);
/* Every event of the group is present and selected */
bool trace_group_present(const struct trace_state *st, const char *group);
const struct trace_bound *trace_find_bound(const struct trace_state *st,
					   const char *name);
/* One event's state: present, enabled (or why not), count and filter */
json_t *trace_bound_json(const struct trace_bound *b);

struct trace_task *trace_task_get(struct trace_state *st, int pid);
struct trace_task *trace_task_find(struct trace_state *st, int pid);
/*
 * The data of the group whose state is gs for a task (zeroed when made),
 * or NULL; for pid, the task is made first (create) or looked up
 */
void *trace_task_data(const struct trace_state *st, const struct trace_task *t,
		      const void *gs);
void *trace_pid_data(struct trace_state *st, const void *gs, int pid,
		     bool create);
/*
 * "open_at_end" and "open_max_us" into o: how many tasks were still inside
 * an interval of the group's at the end, and the longest of those; open()
 * says whether a task's data is in one, and since when
 */
void trace_json_open_at_end(json_t *o, const struct trace_state *st,
			    const void *gs,
			    bool (*open)(const void *data, uint64_t *begin));
/* The kernel's saved name of pid (trace_stop loads them), or NULL */
const char *trace_saved_comm(struct trace_state *st, int pid);

uint64_t trace_field(const struct trace_bound *b, int i,
		     const struct trace_rec *r);
long long trace_field_s(const struct trace_bound *b, int i,
			const struct trace_rec *r);
/* A __data_loc/__rel_loc string field; NULL if absent */
const char *trace_field_str(const struct trace_bound *b, int i,
			    const struct trace_rec *r, int *len);

/* GFP migratetype bits and symbol tables, from print formats */
uint64_t trace_gfp_bit(struct tep_event *e, const char *field,
		       const char *flag);
const char *trace_symbol(struct tep_event *e, const char *field, long long v);
/*
 * The names and values of a field's __print_flags, in the print
 * format's order (a value the format leaves as an expression, such as
 * an enum's "1 << NAME", reads as what strtoull makes of it); how many
 */
#define TRACE_FLAG_NAME 48
int trace_flag_names(struct tep_event *e, const char *field,
		     char (*names)[TRACE_FLAG_NAME], uint64_t *values, int max);
int trace_print_int(struct tep_handle *tep, struct tep_event *e,
		    const char *key, long long *v);
/* st->gfp_* from b's gfp field (index field, else named fallback) */
void trace_gfp_bits_init(struct trace_state *st, struct trace_bound *b,
			 int field, const char *fallback);
/* TRACE_MT_* of a request's gfp flags; -1 when the bits are unknown */
int trace_gfp_mt(const struct trace_state *st, uint64_t gfp);

/* order slot: 0..TRACE_ORDERS - 1, or TRACE_ORDERS above; its JSON key */
int trace_order_slot(long long order);
const char *trace_order_key(int slot, char *buf, size_t len);
/* "movable", "reclaimable", "unmovable" by TRACE_MT_* */
extern const char *const trace_mt_keys[3];
double trace_secs(uint64_t ns);
double trace_duration_ns(const struct trace_state *st);

/*
 * The timeline's bin of ts in a group's bins of size bytes (grown,
 * zeroed), or NULL when there is no timeline or ts is before it
 */
void *trace_tl_bin(struct trace_state *st, struct trace_tl *tl, size_t size,
		   uint64_t ts);
/*
 * Spreads the time [a, b) over the bins it overlaps: add() is given each
 * bin (of size bytes) and the part of [a, b) that falls in it
 */
void trace_tl_spread(struct trace_state *st, struct trace_tl *tl, size_t size,
		     uint64_t a, uint64_t b,
		     void (*add)(void *bin, uint64_t ns, void *arg), void *arg);
/* Bin k of size bytes, zeroed when the group never touched it */
const void *trace_tl_row(const struct trace_tl *tl, size_t size, size_t k);

/* ---- listing.c: one line per event, trace/<group>.events.csv ---- */

/* One listed event, or an interval an event closed */
struct trace_item {
	const char *what; /* "stall", "period", a result's name... */
	long long node, order; /* -1: none */
	double value;
	const char *unit; /* "us", "pages"; NULL: none */
	const char *detail; /* more, as text; NULL: none */
};

struct trace_listing;
/* Lists the groups ON[g] (table order): printed to PRINT (or not), kept */
void trace_listing_set(struct trace_state *st, const bool *on, FILE *print,
		       uint64_t max);
/* The event's group is listed: worth building an item's detail */
bool trace_listed(const struct trace_state *st, const struct trace_bound *b);
void trace_list(struct trace_state *st, const struct trace_bound *b,
		const struct trace_rec *r, const struct trace_item *it);
/* TDIR/<group>.events.csv for each listed group */
int trace_listing_write(const struct trace_state *st, const char *tdir);
/* {group: {rows, not_listed, max_events}}, or NULL when nothing is listed */
json_t *trace_listing_json(const struct trace_state *st);
/* rows left out past the limit, over every group */
uint64_t trace_listing_over(const struct trace_state *st);
void trace_listing_free(struct trace_listing *l);

/* ---- timeline.c: trace/timeline.csv ---- */

/* Starts the timeline (before the first event) */
void trace_timeline_set(struct trace_state *st, uint64_t t0, uint64_t step);
/*
 * Writes the timeline as CSV: t (end of the bin, s from t0), then the
 * columns of the groups that were traced, in table order (see each
 * group's tl_cols)
 */
bool trace_timeline_wanted(const struct trace_state *st);
int trace_timeline_csv(const struct trace_state *st, const char *path);

/* ---- shared between groups ---- */

/*
 * direct-reclaim.c: stalls by [order slot][TRACE_MT_*], for the defrag
 * fingerprint (compaction.c)
 */
void trace_dr_requests(const struct trace_state *st,
		       uint64_t n[TRACE_ORDERS + 1][3]);

/*
 * kswapd.c: a kswapd wakeup (wakeup-kswapd.c), for the latency from the
 * first one since kswapd last slept to its next wake
 */
void trace_kswapd_wakeup(struct trace_state *st, long long nid, long long order,
			 uint64_t ts);
/*
 * kswapd.c: the node whose kswapd has that pid (the common_pid of its
 * kswapd_wake/sleep), or -1; and pages a kswapd scanned and reclaimed
 * (lru-shrink.c), counted to its node's current awake period
 */
long long trace_kswapd_node(const struct trace_state *st, int pid);
/* kcompactd.c: the same for kcompactd (compaction.c: who compacts) */
long long trace_kcompactd_node(const struct trace_state *st, int pid);
void trace_kswapd_reclaimed(struct trace_state *st, long long nid,
			    uint64_t scanned, uint64_t reclaimed);

/* ---- periods.c: a per-node daemon's awake periods (kswapd, kcompactd) ---- */

struct trace_period_node {
	bool seen, awake;
	uint64_t since; /* awake since */
	uint64_t awake_ns;
	uint64_t wakes, sleeps;
	bool awake_at_start, awake_at_end;
	struct durset periods; /* complete wake->sleep periods */
	int pid; /* the daemon's: the common_pid of its wake/sleep; 0 unknown */
	uint64_t wakes_by_order[TRACE_ORDERS + 1];
	/* wakeups of it (from others), and the first one's latency to wake */
	uint64_t wakeups, wakeups_by_order[TRACE_ORDERS + 1];
	bool wakeup_pending, wakeup_used;
	uint64_t wakeup_at;
	struct durset wakeup_latency;
	void *ext; /* the group's own per-node data; freed with the node */
};

struct trace_periods {
	struct trace_period_node *nodes;
	int nnodes;
	/* a sleep with no wake seen before: awake since the trace began */
	bool sleep_ends_unseen;
	struct trace_tl tl; /* awake ns per bin, summed over nodes */
};

/* Node nid (made on first use), or NULL when out of range */
struct trace_period_node *trace_periods_node(struct trace_periods *p,
					     long long nid);
/* The node whose daemon has that pid, or -1 */
long long trace_periods_node_of(const struct trace_periods *p, int pid);
/* A wake of node nid's daemon, of that order; the node or NULL */
struct trace_period_node *trace_periods_wake(struct trace_periods *p,
					     long long nid, long long order,
					     uint64_t ts, int pid);
/*
 * A sleep: the node, its awake time closed into *ns (0: none), and
 * *complete when that was a whole wake->sleep period
 */
struct trace_period_node *trace_periods_sleep(struct trace_state *st,
					      struct trace_periods *p,
					      long long nid, uint64_t ts,
					      int pid, uint64_t *ns,
					      bool *complete);
/* A wakeup of node nid's daemon by another task */
void trace_periods_wakeup(struct trace_periods *p, long long nid,
			  long long order, uint64_t ts);
/*
 * A group's part of summary.json: {max_duty_cycle_pct, wakes, wakeups,
 * wakeup_latency_p99_us}; and its report line from that part (T.KEY)
 * of a saved summary (untrusted), 0 when there is none
 */
json_t *trace_periods_summary(const struct trace_state *st,
			      const struct trace_periods *p);
int trace_periods_describe(const json_t *t, const char *key, char *buf,
			   size_t len);
/* The end of the trace: awake periods count up to it */
void trace_periods_end(struct trace_state *st, struct trace_periods *p);
/*
 * {wakes, sleeps, awake_s, duty_cycle_pct, awake_at_start, awake_at_end,
 * periods, wakes_by_order, wakeups, wakeups_by_order, wakeup_latency}
 */
json_t *trace_periods_node_json(const struct trace_state *st,
				struct trace_period_node *n);
double trace_periods_max_duty(const struct trace_state *st,
			      const struct trace_periods *p);
/* The same, an awake period counted up to now (the progress line) */
double trace_periods_duty_now(const struct trace_state *st,
			      const struct trace_periods *p);
uint64_t trace_periods_wakes(const struct trace_periods *p);
uint64_t trace_periods_wakeups(const struct trace_periods *p);
/* Wakeup latency quantile q over every node, in µs; NAN when none */
double trace_periods_latency_us(const struct trace_periods *p, double q);
/* Percent of bin k (of step ns) awake, summed over nodes */
double trace_periods_awake_pct(const struct trace_periods *p, size_t k,
			       double step);
/* Frees the nodes, their ext and bins, not p */
void trace_periods_free(struct trace_periods *p);

#endif
