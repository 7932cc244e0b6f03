/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_RUNNER_H
#define MMREPRO_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"
#include "verdict.h"

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

#endif
