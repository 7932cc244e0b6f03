/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_SCENARIO_H
#define MMREPRO_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A scenario file (configs/NAME.ini), parsed with inih.  See
 * configs/README.md for the format.  Every key can be overridden with
 * --set SECTION.KEY=VALUE; a bare KEY=VALUE sets a [vars] entry.
 */

#define SC_MAX_PHASES 16
#define SC_MAX_SYSCTLS 32
#define SC_MAX_VARS 32
#define SC_MAX_METRICS 24
#define SC_MAX_WHEN 8
#define SC_STR 512
#define SC_MAX_TRACE 8
#define SC_MAX_KEYS 256
#define SC_MAX_PROBLEMS 32

enum sc_ready { READY_START, READY_EXIT, READY_LINE, READY_DELAY };
enum sc_end { END_EXIT, END_DURATION, END_RUN };

struct sc_phase {
	char name[32];
	char cmd[SC_STR];
	enum sc_ready ready;
	char ready_arg[128]; /* the line to wait for */
	int64_t ready_ns; /* delay, and the wait limit for exit/line */
	enum sc_end end;
	int64_t end_ns;
	/* duration:TIME naming a {var}: resolved when the phase starts */
	char end_arg[64];
	int oom_score_adj;
	bool may_fail; /* a non-zero exit is not an error (OOM victims) */
	int line; /* where it was declared */
};

struct sc_kv {
	char key[96];
	char val[SC_STR];
	int line;
};

enum sc_stat { ST_MEDIAN, ST_MEAN, ST_MIN, ST_MAX, ST_P10, ST_P90, ST_TOTAL };
/* Their names, in that order; NULL-terminated */
extern const char *const sc_stat_names[];

struct sc_metric {
	char name[48];
	char series[96]; /* SOURCE.DERIVED */
	enum sc_stat stat;
	char during[32]; /* a phase name, or "" for the whole run */
	char unit[16];
	bool lower_is_better;
	bool gate;
};

enum sc_op { OP_LT, OP_LE, OP_GT, OP_GE };

struct sc_when {
	char lhs[96];
	enum sc_op op;
	char rhs[96]; /* a number or a series */
};

/* Where a key was set: SECTION.KEY and its line, or -1 for --set */
struct sc_keyline {
	char key[104];
	int line;
};

/* What is wrong with a scenario, each with its line (0: none known) */
struct sc_problem {
	int line;
	char msg[600];
};

struct sc_problems {
	int n; /* all found; the first SC_MAX_PROBLEMS are kept */
	struct sc_problem p[SC_MAX_PROBLEMS];
};

struct scenario {
	char path[256];
	char name[64];
	char description[SC_STR];
	char thread[SC_STR];
	uint64_t mem;
	int cpus;
	uint64_t disk;
	int64_t interval_ns;
	int64_t timeout_ns; /* the whole run */
	char netns[32];

	char swap_type[16]; /* zram, disk, none; "" or keep: as it is */
	char swap_size[32]; /* 2x (of RAM) or 1G */
	char swap_algo[32];
	bool zswap_off;

	int nsysctl;
	struct sc_kv sysctl[SC_MAX_SYSCTLS];
	int nvars;
	struct sc_kv vars[SC_MAX_VARS];
	int nphases;
	struct sc_phase phase[SC_MAX_PHASES];
	int nmetrics;
	struct sc_metric metric[SC_MAX_METRICS];

	int nwhen;
	struct sc_when when[SC_MAX_WHEN];
	int64_t for_ns;
	int64_t tolerate_ns; /* a streak survives failing samples this long */
	char during[32];

	/*
	 * A delay verdict instead: reproduced when `to' first holds more
	 * than min_delay after `from' first held, with the mean of a series
	 * over that interval meeting `mean' (zram-oom: memory full -> OOM).
	 */
	bool has_from, has_to, has_mean;
	struct sc_when from, to, mean;
	char min_delay[64]; /* a duration, may hold {vars} */
	char to_name[32]; /* "OOM": "no OOM within N s" when `to' never holds */

	/*
	 * A metric verdict instead: reproduced when one [metric] (its stat
	 * over its phase) meets a condition (direct-reclaim: the seconds
	 * tasks spent in direct reclaim during the load).
	 */
	bool has_metric;
	struct sc_when metric_cond; /* lhs: the metric's name */

	/*
	 * [expect] fixed = METRIC lower|higher: what a kernel with the
	 * report's fix shows, for compare's "B behaves like the fix" line
	 */
	char expect_metric[48];
	char expect_better[8]; /* "lower" or "higher" */

	/* [trace]: the tracer during the run (see scenario_traced()) */
	bool trace_keys; /* any key in [trace] */
	int trace_enable; /* enable = yes/no; -1: not given */
	char trace_events[SC_STR]; /* groups or events, comma-separated */
	int trace_buffer_kb; /* 0: the tracer's default */
	char trace_list[SC_STR]; /* groups listed: trace/GROUP.events.csv */
	int trace_max_events; /* rows a listed group; -1: the default */
	int trace_raw; /* keep the raw pages in trace/raw (yes/no); -1: no */
	int ntrace_counts, ntrace_filters;
	char trace_count[SC_MAX_TRACE][96]; /* SYSTEM:EVENT */
	char trace_filter[SC_MAX_TRACE][SC_STR]; /* EVENT=EXPR */

	int nkeys;
	struct sc_keyline keys[SC_MAX_KEYS];
};

/*
 * The keys of a scenario file, as data (in the manner of fio's struct
 * fio_option): one row per key drives the parser, --set, the defaults,
 * what check says of a value out of range, and the key reference that
 * `mmrepro check --keys` prints (configs/README.md holds its output).
 * A new key is a field in struct scenario (or sc_phase, sc_metric) and
 * a row of sc_keys[] in scenario.c.
 */
enum sc_key_type {
	SCK_STR, /* a string, at most the field's size; choices: one of them */
	SCK_SIZE, /* uint64_t bytes: 512M, 5G ("" is 0) */
	SCK_DUR, /* int64_t ns: 500ms, 40s, 2m */
	SCK_INT, /* an integer from min to max, into an int */
	SCK_BOOL, /* yes/no, true/false, 1/0, into a bool or an int */
	SCK_ENUM, /* one of choices: its index, or vals[index], into the field */
	SCK_COND, /* SERIES OP VALUE into a struct sc_when; sets the bool at set */
	SCK_FN, /* parse() reads it */
};

/* What a row's offset is into: [scenario], [phase.NAME] or [metric.NAME] */
enum sc_key_base { SCB_SCENARIO, SCB_PHASE, SCB_METRIC };

#define SCK_REPEAT 0x1 /* may be given more than once in its section */
#define SCK_VARS \
	0x2 /* a value with a {var} skips the choices (the run checks it) */

struct pstate;

struct sc_key {
	const char *
		section; /* "phase" and "metric": [phase.NAME], [metric.NAME] */
	const char *name;
	enum sc_key_type type;
	enum sc_key_base base;
	size_t off, size; /* the field, in the base */
	size_t set; /* SCK_COND: offset of the bool that says it was given */
	long long min,
		max; /* SCK_INT: accepted; SCK_DUR, SCK_SIZE: check's range */
	const char *range; /* what check says of that range */
	const char *above; /* check: greater than this key of the section */
	const char *const *choices; /* NULL-terminated */
	const int *vals;
	/* SCK_FN, and after the type's own parsing: 0 (a problem) or 1 */
	int (*parse)(struct pstate *ps, void *base, const struct sc_key *k,
		     const char *v);
	const char *def; /* the default, parsed before the file (NULL: none) */
	unsigned int flags;
	const char *arg; /* the value's form, for the reference */
	const char *help;
};

/* Sections whose keys are free-form: documented by these */
struct sc_free_section {
	const char *section, *arg, *help;
};

extern const struct sc_key sc_keys[];
extern const size_t sc_nkeys;
extern const struct sc_free_section sc_free_sections[];
extern const size_t sc_nfree_sections;
/* The field of a row in a scenario, phase or metric */
static inline void *sc_key_field(const struct sc_key *k, void *base)
{
	return (char *)base + k->off;
}

/* The run traces: a [trace] section without enable = no */
static inline bool scenario_traced(const struct scenario *sc)
{
	return sc->trace_enable >= 0 ? sc->trace_enable : sc->trace_keys;
}

/* 0, or -1 with "FILE:LINE: why" (the first problem) in err */
int scenario_load(struct scenario *sc, const char *path, char *err,
		  size_t elen);
/* The same, with every problem of the file in pr; 0 when none */
int scenario_parse(struct scenario *sc, const char *path,
		   struct sc_problems *pr);
int scenario_set(struct scenario *sc, const char *assign, char *err,
		 size_t elen);
int scenario_check(struct scenario *sc, char *err, size_t elen);
/* What scenario_check() finds, every problem of it into pr */
void scenario_check_all(const struct scenario *sc, struct sc_problems *pr);
/*
 * scenario-lint.c: everything that can be known before a run starts
 * (scenario_check_all(), {var}s, series, ranges, names) into pr; the
 * number of problems
 */
int scenario_lint(const struct scenario *sc, struct sc_problems *pr);
/* scenario_lint(); -1 with the first problem in err, "FILE:LINE: why" */
int scenario_verify(const struct scenario *sc, char *err, size_t elen);
/*
 * Expand {var} references into out, and {{ and }} into a brace; -1 with
 * err on an unknown variable or a brace that is neither, and *pos (when
 * not NULL) at the offending character of in
 */
int scenario_expand(const struct scenario *sc, const char *in, char *out,
		    size_t len, char *err, size_t elen);
int scenario_expand_at(const struct scenario *sc, const char *in, char *out,
		       size_t len, char *err, size_t elen, size_t *pos);
/* The line where SECTION.KEY was set (its nth time); -1: --set; 0: never */
int scenario_key_line(const struct scenario *sc, const char *section,
		      const char *key, int nth);
void sc_problem_add(struct sc_problems *pr, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* In line order (no line last); "FILE:LINE: why" of one into buf */
void sc_problems_sort(struct sc_problems *pr);
void sc_problem_fmt(const char *path, const struct sc_problem *p, char *buf,
		    size_t len);
/* configs/NAME.ini or a path; 0 when found */
int scenario_find(const char *arg, char *path, size_t len);
const char *scenario_dir(void);

#endif
