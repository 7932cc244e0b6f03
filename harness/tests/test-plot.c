// SPDX-License-Identifier: GPL-2.0
/*
 * Text from a results directory reaches gnuplot scripts and file names:
 * gp_str() must hand gnuplot every byte as data, never as a command, and
 * safe_name() must leave only [A-Za-z0-9_.-] with no leading dot.  The
 * first is checked through gnuplot itself: it prints what it parsed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "plot.h"
#include "util.h"

static char dir[64];

/* gnuplot parses gp_str(s) and prints it; what it printed, or NULL */
static char *through_gnuplot(const char *s)
{
	char script[128], out[128], cmd[400], *got;
	FILE *f;
	size_t len;

	snprintf(script, sizeof(script), "%s/t.gp", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	unlink(out);
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "set print '%s'\nprint ", out);
	gp_str(f, s);
	fprintf(f, "\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && gnuplot t.gp 2>%s/err", dir, dir);
	if (system(cmd))
		return NULL;
	got = read_file_str(out, 1 << 16, &len);
	if (got && len && got[len - 1] == '\n')
		got[len - 1] = '\0';
	return got;
}

/* what gp_str promises gnuplot prints: control characters as spaces */
static void expected(const char *s, char *want, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		want[i] = s[i] != '\n' && ((unsigned char)s[i] < 0x20 ||
					   s[i] == 0x7f) ?
				  ' ' :
				  s[i];
	want[i] = '\0';
}

static void test_gp_str_every_byte(void **state)
{
	char s[8], want[8], *got;
	int c;

	(void)state;
	for (c = 1; c < 256; c++) {
		snprintf(s, sizeof(s), "a%cb", c);
		expected(s, want, sizeof(want));
		got = through_gnuplot(s);
		if (!got || strcmp(got, want))
			fail_msg("byte 0x%02x: gnuplot printed '%s', want '%s'",
				 c, got ? got : "(nothing)", want);
		free(got);
	}
}

static void test_gp_str_no_command(void **state)
{
	static const char *const evil[] = {
		"x`touch %s/PWNED`x",		"'`touch %s/PWNED`'",
		"\"`touch %s/PWNED`\"",		"\\'`touch %s/PWNED`",
		"a\n`touch %s/PWNED`\nb",	"@x `touch %s/PWNED`",
		"''.`touch %s/PWNED`.''",	"system(\"touch %s/PWNED\")",
		"'.system('touch %s/PWNED').'",
	};
	char s[256], want[256], pwned[128], *got;
	size_t i;

	(void)state;
	snprintf(pwned, sizeof(pwned), "%s/PWNED", dir);
	for (i = 0; i < ARRAY_SIZE(evil); i++) {
		snprintf(s, sizeof(s), evil[i], dir);
		expected(s, want, sizeof(want));
		got = through_gnuplot(s);
		if (!got || strcmp(got, want))
			fail_msg("'%s': gnuplot printed '%s'", s,
				 got ? got : "(nothing)");
		free(got);
		if (!access(pwned, F_OK))
			fail_msg("'%s' ran a command", s);
	}
}

static void test_safe_name(void **state)
{
	static const char *const in[] = { "kswapd_cpu", "../../etc/x",
					  ".hidden",	"a b/c\\d",
					  "",		"ok-1.2_x" };
	static const char *const want[] = { "kswapd_cpu", "_._.._etc_x",
					    "_hidden",	  "a_b_c_d",
					    "_",	  "ok-1.2_x" };
	static const char allowed[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	char out[64], s[4];
	size_t i;
	int c;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in); i++)
		assert_string_equal(safe_name(out, sizeof(out), in[i]),
				    want[i]);
	for (c = 1; c < 256; c++) {
		snprintf(s, sizeof(s), "%c%c", c, c);
		safe_name(out, sizeof(out), s);
		assert_int_equal(strlen(out), 2);
		assert_true(out[0] != '.');
		assert_int_equal(strspn(out, allowed), 2);
	}
	/* cut to the buffer, still terminated */
	assert_string_equal(safe_name(out, 4, "abcdef"), "abc");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmrepro-tplot-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gp_str_every_byte),
		cmocka_unit_test(test_gp_str_no_command),
		cmocka_unit_test(test_safe_name),
	};

	return cmocka_run_group_tests_name("plot", tests, setup, teardown);
}
