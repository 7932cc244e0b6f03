// SPDX-License-Identifier: GPL-2.0
/*
 * open_regular() below a run directory from elsewhere: on a tree made
 * here, with links planted where a results directory could hold them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static char top[] = "/tmp/mmrepro-test-util.XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sub(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void link_to(const char *target, const char *rel)
{
	char p[512], t[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	snprintf(t, sizeof(t), "%s/%s", top, target);
	assert_int_equal(symlink(t, p), 0);
}

/* what reading top/rel gives: the first line, or the error's name */
static const char *got(const char *rel)
{
	static char buf[64];
	char p[512];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	fd = open_regular(p);
	if (fd < 0)
		return errno == ELOOP	  ? "ELOOP" :
		       errno == E_OUTSIDE ? "OUTSIDE" :
		       errno == ENOENT	  ? "ENOENT" :
					    strerror(errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(top))
		return -1;
	sub("host");
	put("host/secret.csv", "SECRET\n");
	sub("run");
	sub("run/samples");
	put("run/samples/vmstat.csv", "INSIDE\n");
	sub("run/snapshots");
	sub("run/snapshots/start");
	put("run/snapshots/start/zoneinfo", "ZONES\n");
	put("run/derived.csv", "DERIVED\n");
	/* a linked sub-directory, at the first and at a deeper level */
	link_to("host", "run/trace");
	link_to("host", "run/snapshots/end");
	/* the run directory the user names may itself be a link */
	link_to("run", "named");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

/* before the run is registered, a linked sub-directory is followed */
static void test_unregistered_follows(void **state)
{
	(void)state;
	assert_string_equal(got("run/trace/secret.csv"), "SECRET");
}

static void test_beneath(void **state)
{
	char p[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/run/", top);
	untrusted_root_add(p);
	snprintf(p, sizeof(p), "%s/named", top);
	untrusted_root_add(p);
	/* real files at any depth are read */
	assert_string_equal(got("run/derived.csv"), "DERIVED");
	assert_string_equal(got("run/samples/vmstat.csv"), "INSIDE");
	assert_string_equal(got("run/snapshots/start/zoneinfo"), "ZONES");
	assert_string_equal(got("run//samples/./vmstat.csv"), "INSIDE");
	/* no linked component below the root is followed */
	assert_string_equal(got("run/trace/secret.csv"), "ELOOP");
	assert_string_equal(got("run/snapshots/end/secret.csv"), "ELOOP");
	/* nor does .. climb out of it */
	assert_string_equal(got("run/samples/../../host/secret.csv"),
			    "OUTSIDE");
	/* the root named through a link works, and is guarded the same */
	assert_string_equal(got("named/samples/vmstat.csv"), "INSIDE");
	assert_string_equal(got("named/trace/secret.csv"), "ELOOP");
	assert_string_equal(got("run/samples/none.csv"), "ENOENT");
	/* outside every root, paths are as before */
	assert_string_equal(got("host/secret.csv"), "SECRET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unregistered_follows),
		cmocka_unit_test(test_beneath),
	};

	return cmocka_run_group_tests_name("util", tests, setup, teardown);
}
