/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_OPT_H
#define MMREPRO_OPT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Declarative option tables in the manner of perf's parse-options: each
 * command lists its options once, and both getopt parsing and the usage
 * text come from that list, so spelling and help never drift apart.
 */
enum opt_type {
	OPT_END = 0,
	OPT_BOOL, /* bool */
	OPT_STRING, /* const char * */
	OPT_DURATION, /* int64_t, nanoseconds */
	OPT_SIZE, /* uint64_t, bytes */
	OPT_INT, /* int */
	OPT_LIST, /* struct opt_list: the option may repeat */
};

#define OPT_LIST_MAX 32

struct opt_list {
	int n;
	const char *v[OPT_LIST_MAX];
};

struct opt {
	enum opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh;
	const char *help;
};

#define OPT_BOOLEAN(s, l, v, h)                    \
	{                                          \
		OPT_BOOL, (s), (l), (v), NULL, (h) \
	}
#define OPT_STR(s, l, v, a, h)                      \
	{                                           \
		OPT_STRING, (s), (l), (v), (a), (h) \
	}
#define OPT_DUR(s, l, v, h)                              \
	{                                                \
		OPT_DURATION, (s), (l), (v), "TIME", (h) \
	}
#define OPT_SZ(s, l, v, h)                           \
	{                                            \
		OPT_SIZE, (s), (l), (v), "SIZE", (h) \
	}
#define OPT_INTEGER(s, l, v, a, h)               \
	{                                        \
		OPT_INT, (s), (l), (v), (a), (h) \
	}
#define OPT_STRLIST(s, l, v, a, h)                \
	{                                         \
		OPT_LIST, (s), (l), (v), (a), (h) \
	}
#define OPT_TABLE_END                              \
	{                                          \
		OPT_END, 0, NULL, NULL, NULL, NULL \
	}

struct cmd_usage {
	const char *synopsis; /* after "mmrepro CMD " */
	const char *summary;
	bool permute; /* options may follow the arguments (no trailing cmd) */
};

/*
 * Parse argv[1..] (argv[0] is the command name).  Exits 0 after --help,
 * exits 2 with a one-line message on a bad option.  Returns the index of
 * the first non-option argument; "--" ends option parsing.
 */
int opt_parse(int argc, char **argv, const char *cmd, const struct cmd_usage *u,
	      const struct opt *opts);
void opt_usage(const char *cmd, const struct cmd_usage *u,
	       const struct opt *opts);

#endif
