/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_RUN_TRACE_H
#define MMREPRO_RUN_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct journal;
/* run-trace.c: [trace] during a run; NULL with err if it cannot start */
struct run_trace;
/* OUT: the run's directory ([trace] raw = yes records into OUT/trace/raw) */
struct run_trace *run_trace_start(const struct scenario *sc, struct journal *j,
				  const char *out, int64_t t0, char *err,
				  size_t elen);
const char *run_trace_instance(const struct run_trace *rt);
/* Stops it, writes OUT/trace/ and summary.json's "trace"; -1 with err */
int run_trace_finish(struct run_trace *rt, const char *out, char *err,
		     size_t elen);

#endif
