/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_BISECT_H
#define MMREPRO_BISECT_H

#include <stdbool.h>

/*
 * The search of `mmrepro bisect', apart from any run: which kernel of
 * an ordered list to try next, and what a step's runs say.  "Bad" is
 * what the user says it is (reproduced, or not reproduced), so a fix is
 * bisected as a regression is.
 */
enum bisect_verdict {
	BV_GOOD,
	BV_BAD,
	BV_SKIP, /* no usable run: infrastructure, error, not applicable */
	BV_UNDECIDED, /* neither, at the cap on runs */
	BV_MORE, /* neither yet: run more */
};

/* A step's runs so far */
struct bisect_tally {
	int reproduced, not_reproduced;
	int unusable; /* error, infrastructure, not applicable */
};

/*
 * By the reproduction rate of the usable runs: reproduced when at least
 * threshold/runs of them reproduce, not reproduced when at most
 * 1 - threshold/runs do; between, BV_MORE until cap runs were made (then
 * BV_UNDECIDED).  No usable run at the cap is BV_SKIP.
 */
enum bisect_verdict bisect_by_rate(const struct bisect_tally *t, int runs,
				   int threshold, int cap,
				   bool bad_means_reproduced);

/*
 * By a metric: the step against the good end and against the bad end
 * (significant: p < alpha beyond the noise band, as compare).  Bad when
 * it differs from good and not from bad; good the other way round;
 * otherwise BV_MORE, and BV_UNDECIDED at the cap.
 */
enum bisect_verdict bisect_by_metric(bool differs_from_good,
				     bool differs_from_bad, int made, int cap);

/* The search over n kernels in order, from the good end to the bad */
struct bisect {
	int n;
	int good, bad; /* indices of the nearest known good and bad */
	enum bisect_verdict *v; /* per index; BV_MORE: not tried */
};

int bisect_init(struct bisect *b, int n, int good, int bad);
void bisect_free(struct bisect *b);
/*
 * The next index to try: the middle of the untried, unskipped ones
 * strictly between good and bad; -1 when none is left
 */
int bisect_next(const struct bisect *b);
/* A step's outcome: good and bad move in; skip and undecided stay */
void bisect_mark(struct bisect *b, int i, enum bisect_verdict v);
/*
 * Done: the indices that may be the first bad, from the last good on
 * toward the bad end, into idx (room for b->n; may be NULL): the bad
 * one, and before it every step between that was skipped or undecided.
 * Returns their count; 1 means the first bad is b->bad for sure.
 */
int bisect_candidates(const struct bisect *b, int *idx);
const char *bisect_verdict_name(enum bisect_verdict v);

#endif
