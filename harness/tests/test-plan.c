// SPDX-License-Identifier: GPL-2.0
/*
 * plan.c without runs: how a SPEC is read, how --set values combine
 * with a side's own, and the labels (and so directories) of kernels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

static void test_spec(void **state)
{
	struct plan_spec sp;
	char err[256];

	(void)state;
	assert_int_equal(
		plan_spec_parse(
			"kernel=6.18,set=a=1,set=phase.x.cmd=b,c,deb=x.deb",
			&sp, err, sizeof(err)),
		0);
	assert_string_equal(sp.kernel, "6.18");
	assert_int_equal(sp.sets.n, 2);
	assert_string_equal(sp.sets.v[0], "a=1");
	/* a comma starts an item only before a key: b,c stays one value */
	assert_string_equal(sp.sets.v[1], "phase.x.cmd=b,c");
	assert_int_equal(sp.debs.n, 1);
	assert_true(plan_spec_has_kernel(&sp));
	plan_spec_free(&sp);
	assert_int_equal(
		plan_spec_parse("frob=2,set=a=1", &sp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'frob=2'"));
	plan_spec_free(&sp);
	assert_int_equal(plan_spec_parse("set=", &sp, err, sizeof(err)), -1);
	plan_spec_free(&sp);
}

static void test_common_sets(void **state)
{
	struct opt_list all = { 2, { "x=1", "y=1" } };
	struct plan_spec sp;
	char err[256];

	(void)state;
	assert_int_equal(plan_spec_parse("set=y=2", &sp, err, sizeof(err)), 0);
	assert_int_equal(plan_spec_common_sets(&sp, &all), 0);
	/* the common ones first, so that the side's own y=2 wins */
	assert_int_equal(sp.sets.n, 3);
	assert_string_equal(sp.sets.v[0], "x=1");
	assert_string_equal(sp.sets.v[1], "y=1");
	assert_string_equal(sp.sets.v[2], "y=2");
	plan_spec_free(&sp);
}

static void test_kernel_label(void **state)
{
	char l[64];

	(void)state;
	plan_kernel_label("6.18", l, sizeof(l));
	assert_string_equal(l, "6.18");
	plan_kernel_label("/r/boot/vmlinuz-6.12.118+deb12-amd64", l, sizeof(l));
	assert_string_equal(l, "vmlinuz-6.12.118+deb12-amd64");
	/* two ci/build-kernel.sh outputs: told apart by their directories */
	plan_kernel_label("/c/kbuild/6.12.118-93e15b806eabd0b3/bzImage", l,
			  sizeof(l));
	assert_string_equal(l, "6.12.118-93e15b806eabd0b3");
	plan_kernel_label("kb/test/bzImage", l, sizeof(l));
	assert_string_equal(l, "test");
	plan_kernel_label("bzImage", l, sizeof(l));
	assert_string_equal(l, "bzImage");
	plan_kernel_label("/bzImage", l, sizeof(l));
	assert_string_equal(l, "bzImage");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_common_sets),
		cmocka_unit_test(test_kernel_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
