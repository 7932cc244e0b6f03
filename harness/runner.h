/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_RUNNER_H
#define MMREPRO_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"

enum verdict {
	V_REPRODUCED,
	V_NOT_REPRODUCED,
	V_NOT_APPLICABLE,
	V_ERROR,
};

struct phase_times {
	double start_s, ready_s, end_s; /* -1: did not happen */
	int status; /* exit status, or 128 + signal */
};

struct run_result {
	enum verdict verdict;
	char reason[512];
	struct phase_times ph[SC_MAX_PHASES];
};

/* Run the scenario on this system (a guest, or --local); exit code */
int run_here(struct scenario *sc, const char *out, bool quiet, bool in_guest,
	     volatile sig_atomic_t *stop);

struct journal;
/* run-trace.c: [trace] during a run; NULL with err if it cannot start */
struct run_trace;
struct run_trace *run_trace_start(const struct scenario *sc, struct journal *j,
				  int64_t t0, char *err, size_t elen);
const char *run_trace_instance(const struct run_trace *rt);
/* Stops it, writes OUT/trace/ and summary.json's "trace"; -1 with err */
int run_trace_finish(struct run_trace *rt, const char *out, char *err,
		     size_t elen);

/* verdict.c: metrics and verdict from DIR/derived.csv and phases */
int evaluate(const struct scenario *sc, const char *dir,
	     struct run_result *res);
const char *verdict_name(enum verdict v);
int verdict_exit(enum verdict v);
int write_verdict(const char *dir, const struct run_result *res);

#endif
