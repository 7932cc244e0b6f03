// SPDX-License-Identifier: GPL-2.0
/* mmrepro vm: boot a kernel in QEMU and run a command inside it. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmrepro.h"
#include "opt.h"
#include "results.h"
#include "util.h"
#include "vm.h"

#define MIN_MEM (256ULL << 20)
#define MAX_ATTEMPTS 4 /* the first boot and up to 3 retries */
#define EXIT_HANG 124
#define EXIT_CRASH 125

static json_t *result_json(const struct vm_cfg *cfg, const struct vm_kernel *k,
			   const char *accel, const char *mods,
			   const struct vm_result *r)
{
	json_t *j = json_object(), *kj = json_object(), *m = json_array();
	char *copy = strdup(mods ? mods : ""), *line, *save;

	json_object_set_new(j, "outcome",
			    json_string(vm_outcome_name(r->outcome)));
	json_object_set_new(j, "status", json_integer(r->status));
	json_object_set_new(j, "reason", json_string(r->reason));
	json_object_set_new(j, "accel", json_string(accel));
	json_object_set_new(j, "attempts", json_integer(r->attempts));
	json_object_set_new(j, "boot_s", json_real(r->boot_s));
	json_object_set_new(j, "total_s", json_real(r->total_s));
	json_object_set_new(kj, "image", json_string(k->image));
	json_object_set_new(kj, "release", json_string(k->release));
	json_object_set_new(kj, "modules", json_string(k->modroot));
	json_object_set_new(j, "kernel", kj);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		json_array_append_new(m, json_string(line));
	free(copy);
	json_object_set_new(j, "modules_loaded", m);
	json_object_set_new(j, "command", meta_argv(cfg->argc, cfg->argv));
	json_object_set_new(j, "mem_MiB",
			    json_integer((json_int_t)(cfg->mem >> 20)));
	json_object_set_new(j, "cpus", json_integer(cfg->cpus));
	json_object_set_new(j, "disk_bytes",
			    json_integer((json_int_t)cfg->disk));
	if (r->excerpt)
		json_object_set_new(j, "crash_excerpt",
				    json_string(r->excerpt));
	return j;
}

static int exit_code(const struct vm_result *r)
{
	switch (r->outcome) {
	case VM_OK:
	case VM_CMD_FAILED:
		return r->status;
	case VM_CRASH:
		return EXIT_CRASH;
	case VM_HANG:
		return EXIT_HANG;
	case VM_INFRA:
		break;
	}
	return EXIT_INFRA;
}

static void keep_attempt_log(const char *out, int attempt)
{
	char a[4200], b[4200];

	snprintf(a, sizeof(a), "%s/console.log", out);
	snprintf(b, sizeof(b), "%s/console.attempt%d.log", out, attempt);
	rename(a, b);
}

int cmd_vm(int argc, char **argv)
{
	static const struct cmd_usage u = {
		"--kernel IMG [--modules DIR | --deb PKG...] [--mem 2G] [--cpus 2]\n"
		"       [--disk SIZE] [--timeout TIME] [--out DIR] -- COMMAND...",
		"Boot IMG in QEMU and run COMMAND in the guest as root, with the host's\n"
		"root filesystem shared read-only over 9p under a tmpfs overlay, --out\n"
		"shared read-write at the same path, and with --disk an ext4 scratch\n"
		"disk at /mnt/scratch ($MMREPRO_SCRATCH). Modules for 9p, virtio and\n"
		"zram come from --modules or the --deb packages. Writes console.log,\n"
		"output.log, dmesg.txt and vm.json into --out.\n\n"
		"Exit: COMMAND's status; 124 hang (no output and no heartbeat for\n"
		"--timeout); 125 guest crash; 2 bad usage; 3 the guest did not come\n"
		"up after 3 retries.",
	};
	struct vm_cfg cfg = {
		.mem = 2ULL << 30,
		.cpus = 2,
		.timeout_ns = 120 * NSEC_PER_SEC,
	};
	const char *deb = NULL, *out = NULL, *accel, *cache;
	char why[1024], initrd[4200], defdir[512], absout[4096], *mods = NULL;
	struct vm_kernel k;
	struct vm_result r;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const struct opt opts[] = {
		OPT_STR('k', "kernel", &cfg.kernel, "IMG",
			"kernel image (bzImage); may come from --deb"),
		OPT_STR(0, "modules", &cfg.modules, "DIR",
			"modules: lib/modules/<release>, or a root holding it"),
		OPT_STR(0, "deb", &deb, "PKG",
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
		OPT_BOOLEAN('q', "quiet", &cfg.quiet,
			    "do not stream the command's output"),
		OPT_TABLE_END,
	};
	int i, attempt, ret;
	json_t *j;

	/* --deb repeats: collect them before the table parser sees them */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--deb") || i + 1 >= argc)
			continue;
		if (cfg.ndebs == VM_MAX_DEBS)
			die("vm: at most %d --deb packages", VM_MAX_DEBS);
		cfg.debs[cfg.ndebs++] = argv[i + 1];
	}
	i = opt_parse(argc, argv, "vm", &u, opts);
	(void)deb;
	if (i >= argc)
		die("vm: no command (usage: mmrepro vm --kernel IMG -- COMMAND...)");
	cfg.argv = argv + i;
	cfg.argc = argc - i;
	if (!cfg.kernel && !cfg.ndebs)
		die("vm: --kernel or --deb is required");
	if (cfg.modules && cfg.ndebs && cfg.kernel)
		die("vm: --modules and --deb both give modules; choose one");
	if (cfg.mem < MIN_MEM)
		die("vm: --mem %lluM is too small (at least %lluM)",
		    (unsigned long long)(cfg.mem >> 20),
		    (unsigned long long)(MIN_MEM >> 20));
	if (cfg.cpus < 1 || cfg.cpus > ncpu)
		die("vm: --cpus %d: must be 1 to %ld (the host's CPUs)",
		    cfg.cpus, ncpu);
	if (cfg.accel && strcmp(cfg.accel, "kvm") && strcmp(cfg.accel, "tcg"))
		die("vm: --accel %s: must be kvm or tcg", cfg.accel);
	if (cfg.timeout_ns < NSEC_PER_SEC)
		die("vm: --timeout must be at least 1s");
	if (cfg.kernel &&
	    vm_kernel_release(cfg.kernel, k.release, sizeof(k.release), why,
			      sizeof(why)))
		die("vm: --kernel %s", why);
	if (vm_prepare_kernel(&cfg, &k, why, sizeof(why)))
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
	cfg.out = absout;

	cache = vm_cache_dir("initramfs");
	if (!cache)
		die("vm: cannot create the cache directory");
	if (vm_initramfs(&k, cache, initrd, sizeof(initrd), &mods, why,
			 sizeof(why)))
		die("vm: %s", why);
	accel = vm_pick_accel(&cfg, &k, initrd);

	for (attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		fprintf(stderr,
			"mmrepro vm: booting %s under %s (attempt %d of %d)\n",
			k.release, accel, attempt, MAX_ATTEMPTS);
		if (vm_run(&cfg, &k, initrd, accel, &r))
			die("vm: cannot start qemu: %s", strerror(errno));
		r.attempts = attempt;
		if (r.outcome != VM_INFRA)
			break;
		if (attempt < MAX_ATTEMPTS) {
			fprintf(stderr, "mmrepro vm: %s: %s; retrying\n",
				vm_outcome_name(r.outcome), r.reason);
			keep_attempt_log(cfg.out, attempt);
			free(r.excerpt);
		}
	}
	if (r.attempts > MAX_ATTEMPTS)
		r.attempts = MAX_ATTEMPTS;
	j = result_json(&cfg, &k, accel, mods, &r);
	json_save(j, cfg.out, "vm.json");
	json_decref(j);
	if (r.excerpt) {
		char p[4200];

		snprintf(p, sizeof(p), "%s/crash.txt", cfg.out);
		write_file(p, r.excerpt, strlen(r.excerpt));
	}
	fprintf(stderr,
		"mmrepro vm: %s%s%s; %s; command started %.1f s after launch; results in %s\n",
		vm_outcome_name(r.outcome), r.reason[0] ? ": " : "", r.reason,
		accel, r.boot_s, cfg.out);
	free(r.excerpt);
	free(mods);
	free((void *)cache);
	return exit_code(&r);
}
