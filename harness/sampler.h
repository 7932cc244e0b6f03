/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_SAMPLER_H
#define MMREPRO_SAMPLER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "source.h"

struct sampler_cfg {
	int64_t interval_ns;
	int64_t duration_ns; /* 0: until *stop */
	int64_t slow_interval_ns; /* for sources marked slow */
	int64_t start_ns; /* t = 0 on CLOCK_MONOTONIC; 0: when it starts */
	/* set to the start once the first sample is taken (for the runner) */
	volatile int64_t *first_sample_ns;
	const char *out_dir;
	bool quiet;
	struct mm_env env;
	int argc; /* the command line, for meta.json */
	char **argv;
	FILE *live; /* where the live view goes */
};

/* Samples every source until the duration or *stop; 0 or exit code */
int sampler_run(const struct sampler_cfg *cfg, volatile sig_atomic_t *stop);

/* Live view, exported for tests: one line per sample, <= 120 columns */
struct live_view;
struct live_view *live_new(const struct mm_src *const *srcs, size_t n);
int live_header(char *buf, size_t len);
int live_line(const struct live_view *lv, double t, const double *const *drv,
	      char *buf, size_t len);
void live_free(struct live_view *lv);

#endif
