// SPDX-License-Identifier: GPL-2.0
/* mmrepro sample: the sampler on its own, with a live view. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mmrepro.h"
#include "opt.h"
#include "results.h"
#include "sampler.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int cmd_sample(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis =
			"[--interval TIME] [--duration TIME] [--out DIR] [--quiet]\n"
			"               [--slow-interval TIME] [--proc-root DIR] [--sys-root DIR]",
		.summary =
			"Sample buddyinfo, pagetypeinfo, vmstat, meminfo, PSI, kswapd and\n"
			"kcompactd CPU, zram and UDP counters at a fixed interval into\n"
			"DIR/samples/<source>.csv, with one live line per sample. Runs for\n"
			"--duration, or until SIGINT. Sources this kernel lacks are\n"
			"recorded as missing in DIR/meta.json.",
	};
	struct sampler_cfg cfg = {
		.interval_ns = NSEC_PER_SEC,
		.slow_interval_ns = NSEC_PER_SEC,
		.duration_ns = -1, /* not given: until SIGINT */
		.env = { "/proc", "/sys" },
		.live = stdout,
	};
	bool quiet = false;
	const char *out = NULL;
	char defdir[512];
	struct sigaction sa;
	const struct opt opts[] = {
		OPT_DUR('i', "interval", &cfg.interval_ns,
			"time between samples (default 1s, at least 1ms)"),
		OPT_DUR(0, "slow-interval", &cfg.slow_interval_ns,
			"at most this often for costly sources (pagetypeinfo; default 1s)"),
		OPT_DUR('d', "duration", &cfg.duration_ns,
			"stop after this long (default: until SIGINT)"),
		OPT_STR('o', "out", &out, "DIR",
			"results directory (default results/sample/<kernel>/<UTC>)"),
		OPT_BOOLEAN('q', "quiet", &quiet, "no live view"),
		OPT_STR(0, "proc-root", &cfg.env.proc_root, "DIR",
			"read procfs files from DIR instead of /proc"),
		OPT_STR(0, "sys-root", &cfg.env.sys_root, "DIR",
			"read sysfs files from DIR instead of /sys"),
		OPT_TABLE_END,
	};
	int i = opt_parse(argc, argv, "sample", &u, opts);

	if (i < argc)
		die("sample: unexpected argument '%s'", argv[i]);
	if (cfg.interval_ns < NSEC_PER_MSEC)
		die("sample: --interval: must be at least 1ms");
	/* --duration 0 is no duration: it ran until SIGINT, as if not given */
	if (!cfg.duration_ns)
		die("sample: --duration: must be above 0 (leave it out to sample until SIGINT)");
	if (cfg.duration_ns < 0)
		cfg.duration_ns = 0;
	if (access(cfg.env.proc_root, R_OK))
		die("sample: --proc-root %s: %s", cfg.env.proc_root,
		    strerror(errno));
	if (access(cfg.env.sys_root, R_OK))
		die("sample: --sys-root %s: %s", cfg.env.sys_root,
		    strerror(errno));
	if (!out) {
		results_default_dir(defdir, sizeof(defdir), "sample", &cfg.env);
		out = defdir;
	}
	out_dir_check("sample: ", out, "meta.json",
		      "already holds results; choose another --out", true);
	cfg.out_dir = out;
	cfg.quiet = quiet;
	cfg.argc = argc;
	cfg.argv = argv;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	i = sampler_run(&cfg, &stop);
	if (!i && !quiet)
		printf("results: %s\n", out);
	return i;
}
