// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro: reproduce and measure Linux memory-management pathologies.
 * main() handles only the global options and dispatches the subcommand
 * from the table below.
 */
#include <stdio.h>
#include <string.h>

#include "mmrepro.h"
#include "util.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cmd_struct commands[] = {
	{ "list", cmd_list, "list the scenarios, with where each comes from" },
	{ "check", cmd_check,
	  "check a scenario before running it: every problem, with its line" },
	{ "run", cmd_run,
	  "run a scenario in a guest (or --local) and give a verdict" },
	{ "sample", cmd_sample,
	  "sample buddyinfo, vmstat, PSI, kswapd CPU... into CSV, with a live view" },
	{ "trace", cmd_trace,
	  "trace direct reclaim, kswapd, compaction, OOM: latency histograms" },
	{ "vm", cmd_vm, "boot a kernel in QEMU and run a command inside it" },
	{ "ab", cmd_ab,
	  "run a scenario N times each with A and B, interleaved; compare" },
	{ "sweep", cmd_sweep,
	  "run a scenario across kernels or values of a key; a table and plots" },
	{ "bisect", cmd_bisect,
	  "find the first kernel where a pathology starts (or ends)" },
	{ "compare", cmd_compare,
	  "compare runs of A with runs of B: medians, CI, Mann-Whitney U, plots" },
	{ "kernels", cmd_kernels,
	  "fetch Debian kernels by name (6.18, 7.2.13) into the cache" },
	{ "report", cmd_report,
	  "a plain-text bug report of one run, and a bundle to attach" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: %s [--version] [--help] COMMAND [ARGS]\n\n"
		"Reproduce and measure Linux memory-management pathologies.\n\n"
		"Commands:\n",
		progname);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f,
		"\nSee '%s COMMAND --help' for the options of one command.\n",
		progname);
}

int main(int argc, char **argv)
{
	const char *cmd;
	size_t i;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "help")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("mmrepro %s (git %s)\n", MMREPRO_VERSION, MMREPRO_GIT);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	if (cmd[0] == '-') {
		/* the reason first, on a line of its own; then what there is */
		fprintf(stderr, "%s: unknown option '%s'\n\n", progname, cmd);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	die("'%s' is not a command (see '%s --help')", cmd, progname);
}
