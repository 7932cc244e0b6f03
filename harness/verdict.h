/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_VERDICT_H
#define MMREPRO_VERDICT_H

#include "scenario.h"

/*
 * verdict.c: a run's metrics and verdict, from the files it left
 * (DIR/derived.csv, trace/timeline.csv, the start snapshot of zoneinfo)
 * and its phase times; the same code re-judges an old run.
 */

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

/* Metrics into DIR/summary.json, and the verdict into res */
int evaluate(const struct scenario *sc, const char *dir,
	     struct run_result *res);
const char *verdict_name(enum verdict v);
int verdict_exit(enum verdict v);
/* DIR/verdict, and summary.json's "verdict" */
int write_verdict(const char *dir, const struct run_result *res);

#endif
