// SPDX-License-Identifier: GPL-2.0
/* mmrepro vm: boot a kernel in QEMU and run a command inside it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "kernels.h"
#include "mmrepro.h"
#include "opt.h"
#include "results.h"
#include "util.h"
#include "vm.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The config file's defaults, before the options that win */
static void apply_config(struct vm_cfg *cfg, const struct mm_config *conf)
{
	if (conf->mem)
		cfg->mem = conf->mem;
	if (conf->cpus)
		cfg->cpus = conf->cpus;
	if (conf->accel[0])
		cfg->accel = conf->accel;
}

/* Takes the --deb packages and the command, and checks the settings */
static void finish_cfg(struct vm_cfg *cfg, const struct opt_list *debs,
		       const struct opt_list *shares, int argc, char **argv,
		       int i, long ncpu)
{
	char why[1024];

	if (debs->n > VM_MAX_DEBS)
		die("vm: at most %d --deb packages", VM_MAX_DEBS);
	for (cfg->ndebs = 0; cfg->ndebs < debs->n; cfg->ndebs++)
		cfg->debs[cfg->ndebs] = debs->v[cfg->ndebs];
	if (vm_shares_check(shares->n, shares->v, why, sizeof(why)))
		die("vm: %s", why);
	for (cfg->nshares = 0; cfg->nshares < shares->n; cfg->nshares++)
		cfg->shares[cfg->nshares] = shares->v[cfg->nshares];
	if (i >= argc)
		die("vm: no command (usage: mmrepro vm --kernel IMG -- COMMAND...)");
	cfg->argv = argv + i;
	cfg->argc = argc - i;
	if (!cfg->kernel && !cfg->ndebs)
		die("vm: --kernel or --deb is required");
	if (cfg->modules && cfg->ndebs && cfg->kernel)
		die("vm: --modules and --deb both give modules; choose one");
	/* QEMU's -m 10 is MiB; here a bare number is bytes, as in sizes */
	if (cfg->mem < (1ULL << 20))
		die("vm: --mem of %llu bytes is too small (at least %lluM): a bare number is bytes, not MiB as for QEMU's -m; write 512M or 2G",
		    (unsigned long long)cfg->mem,
		    (unsigned long long)(VM_MIN_MEM >> 20));
	if (cfg->mem < VM_MIN_MEM)
		die("vm: --mem %lluM is too small (at least %lluM)",
		    (unsigned long long)(cfg->mem >> 20),
		    (unsigned long long)(VM_MIN_MEM >> 20));
	if (cfg->cpus < 1 || cfg->cpus > ncpu)
		die("vm: --cpus %d: must be 1 to %ld (the host's CPUs)",
		    cfg->cpus, ncpu);
	if (cfg->accel && strcmp(cfg->accel, "kvm") &&
	    strcmp(cfg->accel, "tcg"))
		die("vm: --accel %s: must be kvm or tcg", cfg->accel);
	if (cfg->timeout_ns < NSEC_PER_SEC)
		die("vm: --timeout must be at least 1s");
	if (vm_cache_check(why, sizeof(why)))
		die("vm: %s", why);
}

/* --dry-run: the settings and where they came from */
static void print_settings(const struct mm_config *conf,
			   const struct vm_cfg *cfg)
{
	char why[1024];

	vm_cache_base(why, sizeof(why));
	printf("config: %s\nmem: %lluM\ncpus: %d\naccel: %s\ncache: %s\n",
	       conf->path[0] ? conf->path : "none",
	       (unsigned long long)(cfg->mem >> 20), cfg->cpus,
	       cfg->accel ? cfg->accel : "probe (kvm if a guest runs)", why);
}

/* Prepares the kernel and --out, boots and runs; returns the exit code */
static int boot(struct vm_cfg *cfg, const char *out)
{
	char why[1024], defdir[512], absout[4096];
	struct vm_kernel k;
	struct vm_result r;
	struct sigaction sa;
	int ret;

	static struct kernel_pkg kp; /* cfg->kernel points into it */

	/* --kernel 6.12: a packaged kernel, fetched, with its modules */
	if (kernel_resolve(&cfg->kernel, &cfg->modules, cfg->ndebs > 0, &kp,
			   why, sizeof(why)) < 0)
		die("vm: %s", why);
	if (cfg->kernel &&
	    vm_kernel_release(cfg->kernel, k.release, sizeof(k.release), why,
			      sizeof(why)))
		die("vm: --kernel %s", why);
	if (vm_prepare_kernel(cfg, &k, why, sizeof(why)))
		die("vm: %s", why);

	if (!out) {
		utc_stamp(defdir, sizeof(defdir));
		memmove(defdir + 11, defdir, strlen(defdir) + 1);
		memcpy(defdir, "results/vm/", 11);
		out = defdir;
	}
	ret = mkdir_p(out, 0755);
	if (ret || !realpath(out, absout))
		die("vm: --out %s: %s", out, strerror(ret ? -ret : errno));
	if (access(absout, W_OK))
		die("vm: --out %s: not writable", out);
	cfg->out = absout;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	cfg->stop = &stop;
	if (vm_execute(cfg, &k, &r, why, sizeof(why)))
		die("vm: %s", why);
	free(r.excerpt);
	return vm_exit_code(&r);
}

int cmd_vm(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis =
			"--kernel IMG [--modules DIR | --deb PKG...] | --kernel NAME [--mem 2G] [--cpus 2]\n"
			"       [--disk SIZE] [--timeout TIME] [--out DIR] [--accel kvm|tcg]\n"
			"       [--append ARGS] [--share DIR...] [--quiet] [--dry-run] -- COMMAND...",
		.summary =
			"Boot IMG in QEMU and run COMMAND in the guest as root. The guest sees\n"
			"of the host, read-only over 9p under tmpfs overlays at the same paths,\n"
			"only /usr, /etc, the working directory, the directory of every argument\n"
			"that names a file, and --share DIRs; --out is shared read-write at the\n"
			"same path, and with --disk an ext4 scratch disk is at /mnt/scratch\n"
			"($MMREPRO_SCRATCH). vm.json lists the shares. Modules for 9p, virtio and\n"
			"zram come from --modules or the --deb packages. Writes console.log,\n"
			"output.log, dmesg.txt and vm.json into --out.\n\n"
			"Exit: COMMAND's status; 124 hang (no output and no heartbeat for\n"
			"--timeout); 125 guest crash; 2 bad usage; 3 the guest did not come\n"
			"up after 3 retries (a death before the command, or an int3 oops\n"
			"under TCG at any time, is retried).\n\n"
			"Defaults for --mem, --cpus, --accel and the kernel cache come from\n"
			"~/.config/mmrepro/config (see README.md); options here win.",
	};
	struct vm_cfg cfg = {
		.mem = 2ULL << 30,
		.cpus = 2,
		.timeout_ns = 120 * NSEC_PER_SEC,
	};
	struct opt_list debs = { 0 }, shares = { 0 };
	const struct mm_config *conf = config_get();
	const char *out = NULL;
	bool dry_run = false;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const struct opt opts[] = {
		OPT_STR('k', "kernel", &cfg.kernel, "IMG|NAME",
			"kernel image (bzImage; may come from --deb), or a Debian kernel (6.12, 7.2.13)"),
		OPT_STR(0, "modules", &cfg.modules, "DIR",
			"modules: lib/modules/<release>, or a root holding it"),
		OPT_STRLIST(
			0, "deb", &debs, "PKG",
			"a linux-image, linux-modules or linux-binary .deb (repeatable)"),
		OPT_SZ('m', "mem", &cfg.mem, "guest memory (default 2G)"),
		OPT_INTEGER('c', "cpus", &cfg.cpus, "N",
			    "guest CPUs (default 2, at most the host's)"),
		OPT_SZ(0, "disk", &cfg.disk, "scratch ext4 disk of this size"),
		OPT_DUR('t', "timeout", &cfg.timeout_ns,
			"hang after this long without output (default 120s)"),
		OPT_STR('o', "out", &out, "DIR",
			"results directory (default results/vm/<UTC>)"),
		OPT_STR(0, "accel", &cfg.accel, "kvm|tcg",
			"accelerator (default: kvm if a guest really runs)"),
		OPT_STR(0, "append", &cfg.append, "ARGS",
			"extra kernel command line"),
		OPT_STRLIST(
			0, "share", &shares, "DIR",
			"also show the guest this host directory, read-only (repeatable)"),
		OPT_BOOLEAN('q', "quiet", &cfg.quiet,
			    "do not stream the command's output"),
		OPT_BOOLEAN(0, "dry-run", &dry_run,
			    "print the settings and the config file, and exit"),
		OPT_TABLE_END,
	};
	int i;

	apply_config(&cfg, conf);
	i = opt_parse(argc, argv, "vm", &u, opts);
	finish_cfg(&cfg, &debs, &shares, argc, argv, i, ncpu);
	if (dry_run) {
		print_settings(conf, &cfg);
		return 0;
	}
	return boot(&cfg, out);
}
