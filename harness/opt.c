// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "util.h"

#define MAX_OPTS 64

void opt_usage(const char *cmd, const struct cmd_usage *u,
	       const struct opt *opts)
{
	const struct opt *o;
	char left[64];

	printf("usage: %s %s %s\n\n%s\n\n", progname, cmd, u->synopsis,
	       u->summary);
	for (o = opts; o->type != OPT_END; o++) {
		int n = 0;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, ",
				     o->short_name);
		snprintf(left + n, sizeof(left) - n, "--%s%s%s", o->long_name,
			 o->argh ? " " : "", o->argh ? o->argh : "");
		/* a long one on a line of its own: the help keeps its column */
		if (strlen(left) > 28)
			printf("  %s\n  %-28s %s\n", left, "", o->help);
		else
			printf("  %-28s %s\n", left, o->help);
	}
	printf("  %-28s %s\n", "-h, --help", "show this help and exit");
}

static void opt_store(const char *cmd, const struct opt *o, const char *arg)
{
	int64_t d;
	uint64_t sz;
	char *end;
	long l;

	switch (o->type) {
	case OPT_BOOL:
		*(bool *)o->value = true;
		break;
	case OPT_STRING:
		*(const char **)o->value = arg;
		break;
	case OPT_DURATION:
		if (parse_duration_ns(arg, &d))
			die("%s: --%s: invalid duration '%s' (use e.g. 100ms, 2s, 1m)",
			    cmd, o->long_name, arg);
		*(int64_t *)o->value = d;
		break;
	case OPT_SIZE:
		if (parse_size(arg, &sz))
			die("%s: --%s: invalid size '%s' (use e.g. 512M, 2G)",
			    cmd, o->long_name, arg);
		*(uint64_t *)o->value = sz;
		break;
	case OPT_INT:
		l = strtol(arg, &end, 0);
		if (!*arg || *end || l < -2147483647L || l > 2147483647L)
			die("%s: --%s: invalid number '%s'", cmd, o->long_name,
			    arg);
		*(int *)o->value = (int)l;
		break;
	case OPT_LIST: {
		struct opt_list *l = o->value;

		if (l->n == OPT_LIST_MAX)
			die("%s: --%s: at most %d times", cmd, o->long_name,
			    OPT_LIST_MAX);
		l->v[l->n++] = arg;
		break;
	}
	case OPT_END:
		break;
	}
}

int opt_parse(int argc, char **argv, const char *cmd, const struct cmd_usage *u,
	      const struct opt *opts)
{
	struct option lo[MAX_OPTS + 2];
	char so[MAX_OPTS * 2 + 4];
	size_t n = 0, sl;
	const struct opt *o;
	int c, idx;

	/* "+": stop at the first argument, so "vm -- CMD -x" keeps -x */
	snprintf(so, sizeof(so), "%s:h", u->permute ? "" : "+");
	sl = strlen(so);

	for (o = opts; o->type != OPT_END && n < MAX_OPTS; o++, n++) {
		lo[n].name = o->long_name;
		lo[n].has_arg = o->type == OPT_BOOL ? no_argument :
						      required_argument;
		lo[n].flag = NULL;
		lo[n].val = 256 + (int)n;
		if (o->short_name) {
			so[sl++] = (char)o->short_name;
			if (o->type != OPT_BOOL)
				so[sl++] = ':';
		}
	}
	so[sl] = '\0';
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, &idx)) != -1) {
		if (c == 'h') {
			opt_usage(cmd, u, opts);
			exit(0);
		}
		if (c == '?')
			die("%s: unknown option '%s' (see '%s %s --help')", cmd,
			    argv[optind - 1], progname, cmd);
		if (c == ':')
			die("%s: option '%s' needs a value", cmd,
			    argv[optind - 1]);
		if (c >= 256) {
			opt_store(cmd, &opts[c - 256], optarg);
			continue;
		}
		for (o = opts; o->type != OPT_END; o++)
			if (o->short_name == c)
				break;
		opt_store(cmd, o, optarg);
	}
	return optind;
}
