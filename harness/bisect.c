// SPDX-License-Identifier: GPL-2.0
/* The search of `mmrepro bisect' (bisect.h): no runs here, only logic */
#include <stdlib.h>

#include "bisect.h"

const char *bisect_verdict_name(enum bisect_verdict v)
{
	static const char *const names[] = {
		[BV_GOOD] = "good",	[BV_BAD] = "bad",
		[BV_SKIP] = "skip",	[BV_UNDECIDED] = "undecided",
		[BV_MORE] = "run more",
	};

	return names[v];
}

enum bisect_verdict bisect_by_rate(const struct bisect_tally *t, int runs,
				   int threshold, int cap,
				   bool bad_means_reproduced)
{
	int made = t->reproduced + t->not_reproduced + t->unusable;
	int n = t->reproduced + t->not_reproduced;
	bool rep, unrep;

	if (!n)
		return made >= cap ? BV_SKIP : BV_MORE;
	/* r/n >= k/N, and r/n <= 1 - k/N, in integers */
	rep = (long)t->reproduced * runs >= (long)threshold * n;
	unrep = (long)t->reproduced * runs <= (long)(runs - threshold) * n;
	if (rep && !unrep)
		return bad_means_reproduced ? BV_BAD : BV_GOOD;
	if (unrep && !rep)
		return bad_means_reproduced ? BV_GOOD : BV_BAD;
	return made >= cap ? BV_UNDECIDED : BV_MORE;
}

enum bisect_verdict bisect_by_metric(bool differs_from_good,
				     bool differs_from_bad, int made, int cap)
{
	if (differs_from_good && !differs_from_bad)
		return BV_BAD;
	if (differs_from_bad && !differs_from_good)
		return BV_GOOD;
	return made >= cap ? BV_UNDECIDED : BV_MORE;
}

int bisect_init(struct bisect *b, int n, int good, int bad)
{
	int i;

	if (n < 2 || good < 0 || bad < 0 || good >= n || bad >= n ||
	    good == bad)
		return -1;
	b->n = n;
	b->good = good;
	b->bad = bad;
	b->v = calloc((size_t)n, sizeof(*b->v));
	if (!b->v)
		return -1;
	for (i = 0; i < n; i++)
		b->v[i] = BV_MORE;
	b->v[good] = BV_GOOD;
	b->v[bad] = BV_BAD;
	return 0;
}

void bisect_free(struct bisect *b)
{
	free(b->v);
	b->v = NULL;
}

/* Steps from good toward bad: +1 or -1 */
static int dir_of(const struct bisect *b)
{
	return b->bad > b->good ? 1 : -1;
}

int bisect_next(const struct bisect *b)
{
	int d = dir_of(b), i, k = 0, m;

	for (i = b->good + d; i != b->bad; i += d)
		k += b->v[i] == BV_MORE;
	if (!k)
		return -1;
	/* the middle untried one: of k, the (k + 1) / 2 th */
	m = (k + 1) / 2;
	for (i = b->good + d; i != b->bad; i += d)
		if (b->v[i] == BV_MORE && !--m)
			return i;
	return -1;
}

void bisect_mark(struct bisect *b, int i, enum bisect_verdict v)
{
	int d = dir_of(b);

	if (i < 0 || i >= b->n || v == BV_MORE)
		return;
	b->v[i] = v;
	/* only inside the bounds: an outside verdict changes nothing */
	if ((i - b->good) * d <= 0 || (b->bad - i) * d <= 0)
		return;
	if (v == BV_GOOD)
		b->good = i;
	else if (v == BV_BAD)
		b->bad = i;
}

int bisect_candidates(const struct bisect *b, int *idx)
{
	int d = dir_of(b), i, k = 0;

	for (i = b->good + d; i != b->bad + d; i += d)
		if (i == b->bad || b->v[i] == BV_SKIP ||
		    b->v[i] == BV_UNDECIDED) {
			if (idx)
				idx[k] = i;
			k++;
		}
	return k;
}
