// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's view of the host (vm-share.c): which directories are
 * shared, on a tree made here.
 */
#include <errno.h>
#include <limits.h>
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
#include "vm.h"

static char dir[64], old_cwd[PATH_MAX];
static struct vm_shares sh;

static bool has(const struct vm_shares *s, const char *path)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->path[i], path))
			return true;
	return false;
}

static void test_add(void **state)
{
	int i;

	(void)state;
	memset(&sh, 0, sizeof(sh));
	assert_int_equal(vm_share_add(&sh, "/a/b"), 0);
	assert_int_equal(vm_share_add(&sh, "/a/bc"), 0);
	/* below a share: nothing new */
	assert_int_equal(vm_share_add(&sh, "/a/b/c"), 0);
	assert_int_equal(sh.n, 2);
	/* a parent takes the place of both */
	assert_int_equal(vm_share_add(&sh, "/a"), 0);
	assert_int_equal(sh.n, 1);
	assert_true(has(&sh, "/a"));
	assert_int_equal(vm_share_add(&sh, "relative"), -EINVAL);
	for (i = 1; i < VM_MAX_SHARES; i++) {
		char p[32];

		snprintf(p, sizeof(p), "/d%d", i);
		assert_int_equal(vm_share_add(&sh, p), 0);
	}
	assert_int_equal(vm_share_add(&sh, "/one-too-many"), -ENOSPC);
	/* one that is held still goes */
	assert_int_equal(vm_share_add(&sh, "/d3/x"), 0);
}

static int setup(void **state)
{
	char p[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmrepro-test-share.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/work/sub", dir);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/other", dir);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/other/script.sh", dir);
	assert_int_equal(write_file(p, "true\n", 5), 0);
	assert_non_null(getcwd(old_cwd, sizeof(old_cwd)));
	snprintf(p, sizeof(p), "%s/work", dir);
	assert_int_equal(chdir(p), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	assert_int_equal(chdir(old_cwd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static void test_shares(void **state)
{
	char script[128], work[128], other[128], third[128], why[512] = "";
	char *argv[] = { "sh", script, "sub", "not-a-file", "/", NULL };
	struct vm_cfg cfg = { 0 };
	struct stat st;
	int i;

	(void)state;
	snprintf(script, sizeof(script), "%s/other/script.sh", dir);
	snprintf(work, sizeof(work), "%s/work", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	cfg.argv = argv;
	cfg.argc = 5;
	assert_int_equal(vm_shares(&cfg, &sh, why, sizeof(why)), 0);
	assert_true(has(&sh, "/usr"));
	assert_true(has(&sh, "/etc"));
	/* the working directory (sub is in it), and the script's */
	assert_true(has(&sh, work));
	assert_true(has(&sh, other));
	/* never the whole root, nor the host's /root, /home or /tmp */
	assert_false(has(&sh, "/"));
	assert_false(has(&sh, "/root"));
	assert_false(has(&sh, "/home"));
	assert_false(has(&sh, "/tmp"));
	/* a top-level link is made again, a top-level directory shared */
	if (!lstat("/bin", &st) && S_ISLNK(st.st_mode)) {
		for (i = 0; i < sh.nlinks; i++)
			if (!strcmp(sh.link[i].name, "bin"))
				break;
		assert_true(i < sh.nlinks);
		assert_false(has(&sh, "/bin"));
	} else {
		assert_true(has(&sh, "/bin"));
	}

	/* --share adds; one that is not there is an error, named */
	snprintf(third, sizeof(third), "%s", dir);
	cfg.shares[0] = third;
	cfg.nshares = 1;
	assert_int_equal(vm_shares(&cfg, &sh, why, sizeof(why)), 0);
	assert_true(has(&sh, dir));
	assert_false(has(&sh, work)); /* held by its parent now */
	cfg.shares[0] = "/no/such/dir";
	assert_int_equal(vm_shares(&cfg, &sh, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "--share /no/such/dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test_setup_teardown(test_shares, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
