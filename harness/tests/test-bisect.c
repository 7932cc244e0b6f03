// SPDX-License-Identifier: GPL-2.0
/*
 * The search of mmrepro bisect on made-up verdicts: an oracle knows the
 * first bad kernel (or which ones cannot be tested), the search asks it,
 * and must end where the oracle says, in both directions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "bisect.h"

/* good below first_bad, bad from it on (in the direction good -> bad) */
struct oracle {
	int first_bad, dir, asked;
	const int *skip; /* indices that give BV_SKIP, ended by -1 */
	const int *undecided;
};

static bool in(const int *l, int i)
{
	for (; l && *l >= 0; l++)
		if (*l == i)
			return true;
	return false;
}

static enum bisect_verdict ask(struct oracle *o, int i)
{
	o->asked++;
	if (in(o->skip, i))
		return BV_SKIP;
	if (in(o->undecided, i))
		return BV_UNDECIDED;
	return (i - o->first_bad) * o->dir >= 0 ? BV_BAD : BV_GOOD;
}

static int search(struct bisect *b, struct oracle *o)
{
	int i, steps = 0;

	while ((i = bisect_next(b)) >= 0) {
		bisect_mark(b, i, ask(o, i));
		assert_true(++steps <= b->n);
	}
	return b->bad;
}

/* log2 ceiling, the most steps a binary search of k may take */
static int lg(int k)
{
	int s = 0;

	while ((1 << s) < k)
		s++;
	return s;
}

static void test_every_first_bad_both_directions(void **state)
{
	int n, f;

	(void)state;
	for (n = 2; n <= 17; n++)
		for (f = 1; f < n; f++) {
			struct oracle up = { .first_bad = f, .dir = 1 };
			struct oracle down = { .first_bad = n - 1 - f,
					       .dir = -1 };
			struct bisect b;

			/* a regression: good old (0), bad new (n - 1) */
			assert_int_equal(bisect_init(&b, n, 0, n - 1), 0);
			assert_int_equal(search(&b, &up), f);
			assert_int_equal(b.good, f - 1);
			assert_int_equal(bisect_candidates(&b, NULL), 1);
			assert_true(up.asked <= lg(n - 1));
			bisect_free(&b);
			/* the list the other way round: good at the end */
			assert_int_equal(bisect_init(&b, n, n - 1, 0), 0);
			assert_int_equal(search(&b, &down), n - 1 - f);
			assert_int_equal(b.good, n - f);
			assert_true(down.asked <= lg(n - 1));
			bisect_free(&b);
		}
}

static void test_skips_are_never_verdicts(void **state)
{
	/* 10 kernels, first bad 6; 5 cannot be tested, nor can 2 */
	static const int skip[] = { 5, 2, -1 };
	struct oracle o = { .first_bad = 6, .dir = 1, .skip = skip };
	struct bisect b;
	int i, cand[10];

	(void)state;
	assert_int_equal(bisect_init(&b, 10, 0, 9), 0);
	assert_int_equal(search(&b, &o), 6);
	/* 5 lies between the last good (4) and the first bad: ambiguous */
	assert_int_equal(b.good, 4);
	assert_int_equal(bisect_candidates(&b, NULL), 2);
	assert_int_equal(bisect_candidates(&b, cand), 2);
	assert_int_equal(cand[0], 5);
	assert_int_equal(cand[1], 6);
	assert_int_equal(b.v[5], BV_SKIP);
	/* a skip moved no bound: every index the search left is untried */
	for (i = 0; i < 10; i++)
		assert_true(b.v[i] != BV_MORE || i < b.good || i > b.bad);
	bisect_free(&b);
	/* a skip away from the boundary leaves the answer unambiguous */
	o = (struct oracle){ .first_bad = 8, .dir = 1, .skip = skip };
	assert_int_equal(bisect_init(&b, 10, 0, 9), 0);
	assert_int_equal(search(&b, &o), 8);
	assert_int_equal(b.good, 7);
	assert_int_equal(bisect_candidates(&b, NULL), 1);
	bisect_free(&b);
}

static void test_undecided_step(void **state)
{
	static const int und[] = { 3, -1 };
	struct oracle o = { .first_bad = 4, .dir = 1, .undecided = und };
	struct bisect b;

	(void)state;
	assert_int_equal(bisect_init(&b, 8, 0, 7), 0);
	assert_int_equal(search(&b, &o), 4);
	assert_int_equal(b.good, 2);
	assert_int_equal(bisect_candidates(&b, NULL), 2);
	assert_int_equal(b.v[3], BV_UNDECIDED);
	bisect_free(&b);
}

static void test_rate(void **state)
{
	struct bisect_tally t = { 0 };
	int r, n;

	(void)state;
	/* every tally of 5 runs at threshold 4: 4-5 reproduced, 0-1 not */
	for (n = 1; n <= 5; n++)
		for (r = 0; r <= n; r++) {
			enum bisect_verdict v, w;

			t = (struct bisect_tally){ r, n - r, 0 };
			v = bisect_by_rate(&t, 5, 4, 15, true);
			w = bisect_by_rate(&t, 5, 4, 15, false);
			if (5 * r >= 4 * n) {
				assert_int_equal(v, BV_BAD);
				assert_int_equal(w, BV_GOOD);
			} else if (5 * r <= n) {
				assert_int_equal(v, BV_GOOD);
				assert_int_equal(w, BV_BAD);
			} else {
				assert_int_equal(v, BV_MORE);
				assert_int_equal(w, BV_MORE);
			}
		}
	/* 2 of 5, then 5 of 10, then 7 of 15: more, more, undecided */
	t = (struct bisect_tally){ 2, 3, 0 };
	assert_int_equal(bisect_by_rate(&t, 5, 4, 15, true), BV_MORE);
	t = (struct bisect_tally){ 5, 5, 0 };
	assert_int_equal(bisect_by_rate(&t, 5, 4, 15, true), BV_MORE);
	t = (struct bisect_tally){ 7, 8, 0 };
	assert_int_equal(bisect_by_rate(&t, 5, 4, 15, true), BV_UNDECIDED);
	/* more runs can decide it: 2 of 5, then 12 of 15 reproduced */
	t = (struct bisect_tally){ 12, 3, 0 };
	assert_int_equal(bisect_by_rate(&t, 5, 4, 15, true), BV_BAD);
	/* unusable runs never count: 3 infrastructure failures and 3 of 3 */
	t = (struct bisect_tally){ 3, 0, 3 };
	assert_int_equal(bisect_by_rate(&t, 3, 3, 9, true), BV_BAD);
	/* none usable: more, then a skip at the cap */
	t = (struct bisect_tally){ 0, 0, 3 };
	assert_int_equal(bisect_by_rate(&t, 3, 3, 9, true), BV_MORE);
	t = (struct bisect_tally){ 0, 0, 9 };
	assert_int_equal(bisect_by_rate(&t, 3, 3, 9, false), BV_SKIP);
}

static void test_metric(void **state)
{
	(void)state;
	assert_int_equal(bisect_by_metric(true, false, 3, 9), BV_BAD);
	assert_int_equal(bisect_by_metric(false, true, 3, 9), BV_GOOD);
	assert_int_equal(bisect_by_metric(false, false, 3, 9), BV_MORE);
	assert_int_equal(bisect_by_metric(true, true, 3, 9), BV_MORE);
	assert_int_equal(bisect_by_metric(true, true, 9, 9), BV_UNDECIDED);
	assert_int_equal(bisect_by_metric(false, false, 9, 9), BV_UNDECIDED);
}

static void test_bounds(void **state)
{
	struct bisect b;

	(void)state;
	assert_int_equal(bisect_init(&b, 1, 0, 0), -1);
	assert_int_equal(bisect_init(&b, 5, 2, 2), -1);
	assert_int_equal(bisect_init(&b, 5, 0, 5), -1);
	/* adjacent ends: nothing to try */
	assert_int_equal(bisect_init(&b, 5, 1, 2), 0);
	assert_int_equal(bisect_next(&b), -1);
	/* a verdict outside the bounds moves nothing */
	bisect_mark(&b, 4, BV_GOOD);
	bisect_mark(&b, 0, BV_BAD);
	assert_int_equal(b.good, 1);
	assert_int_equal(b.bad, 2);
	bisect_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_first_bad_both_directions),
		cmocka_unit_test(test_skips_are_never_verdicts),
		cmocka_unit_test(test_undecided_step),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_metric),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
