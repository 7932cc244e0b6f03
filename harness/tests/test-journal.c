// SPDX-License-Identifier: GPL-2.0
/*
 * The journal's own file: lines added, the last one taken back, and what
 * a replay then hands to the undo, in a journal made here (the undo only
 * records; nothing on the system is changed).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "util.h"

static char dir[64];
static char seen[8][128];
static int nseen;

static int record(const char *line, FILE *log, bool stale)
{
	(void)log;
	(void)stale;
	if (nseen < 8)
		snprintf(seen[nseen], sizeof(seen[0]), "%s", line);
	nseen++;
	return 0;
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmrepro-test-journal.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/journal", dir);
	setenv("MMREPRO_JOURNAL", path, 1);
	nseen = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

/* the lines between the header and the end, as written */
static int body_lines(const char *path)
{
	char *s = read_file_str(path, 65536, NULL), *p;
	int n = 0;

	assert_non_null(s);
	for (p = s; *p; p++)
		n += *p == '\n';
	free(s);
	return n - 1;
}

static void test_drop_last(void **state)
{
	struct journal j;
	char err[256] = "";

	(void)state;
	assert_int_equal(journal_open(&j, stderr, err, sizeof(err)), 0);
	assert_int_equal(journal_add(&j, "sysctl vm.a 1"), 0);
	assert_int_equal(journal_add(&j, "tracefs mmrepro-1"), 0);
	assert_int_equal(body_lines(j.path), 2);
	assert_int_equal(journal_drop_last(&j), 0);
	assert_int_equal(body_lines(j.path), 1);
	/* only the one line, once */
	assert_int_equal(journal_drop_last(&j), -EINVAL);
	assert_int_equal(body_lines(j.path), 1);
	assert_int_equal(journal_add(&j, "tracefs mmrepro-1-1"), 0);
	assert_int_equal(j.entries, 2);
	fclose(j.f);
	j.f = NULL;

	/* every line left is whole, and undone last first */
	assert_int_equal(journal_replay_with(j.path, stderr, true, record), 0);
	assert_int_equal(nseen, 2);
	assert_string_equal(seen[0], "tracefs mmrepro-1-1");
	assert_string_equal(seen[1], "sysctl vm.a 1");
	assert_int_equal(access(j.path, F_OK), -1);
}

static void test_drop_none(void **state)
{
	struct journal j;
	char err[256] = "";

	(void)state;
	assert_int_equal(journal_open(&j, stderr, err, sizeof(err)), 0);
	/* the header is not a line to take back */
	assert_int_equal(journal_drop_last(&j), -EINVAL);
	assert_int_equal(body_lines(j.path), 0);
	fclose(j.f);
	j.f = NULL;
	assert_int_equal(journal_replay_with(j.path, stderr, true, record), 0);
	assert_int_equal(nseen, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_drop_last, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drop_none, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
