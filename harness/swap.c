// SPDX-License-Identifier: GPL-2.0
/*
 * Swap for a scenario: zram (through zramctl, the compressed RAM disk
 * whose stored pages still need RAM) or a swap file on the scratch disk,
 * with zswap off.  Every step is journaled before it is taken.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "swap.h"
#include "util.h"

#define ZSWAP "/sys/module/zswap/parameters/enabled"

/*
 * "2x" of RAM or an absolute size.  A size past 2^64 bytes, or a zram
 * device whose table of slots alone (16 bytes a page, the smallest
 * struct zram_table_entry) would take half of RAM, is refused here,
 * before anything changes: the kernel would otherwise try to vmalloc
 * that table in a machine that is about to run out of memory.
 */
static int swap_bytes(const char *s, bool zram, uint64_t *out, char *err,
		      size_t elen)
{
	double ram = (double)sysconf(_SC_PHYS_PAGES) * 4096, m;
	char *end;
	int rc;

	if (s[0] && s[strlen(s) - 1] == 'x') {
		m = strtod(s, &end);
		if (*end != 'x' || !(m > 0)) {
			snprintf(err, elen, "swap size: bad multiple '%s'", s);
			return -1;
		}
		if (m * ram >= 0x1p64) {
			snprintf(
				err, elen,
				"swap size: %s of RAM is larger than the 64-bit address space",
				s);
			return -1;
		}
		*out = (uint64_t)(m * ram);
	} else {
		rc = strtod(s, &end) >= 0x1p64 ? -ERANGE : parse_size(s, out);
		if (rc == -ERANGE) {
			snprintf(
				err, elen,
				"swap size: %s is larger than the 64-bit address space",
				s);
			return -1;
		}
		if (rc || !*out) {
			snprintf(err, elen,
				 "swap size: bad size '%s' (use 2x or 1G)", s);
			return -1;
		}
	}
	if (zram && (double)*out / 4096 * 16 > ram / 2) {
		snprintf(
			err, elen,
			"swap size: a %s zram device needs a %.0f MiB table, more than half of RAM (%.0f MiB)",
			s, (double)*out / 4096 * 16 / (1 << 20),
			ram / (1 << 20));
		return -1;
	}
	return 0;
}

/* Run argv; its first output line into out.  Exit status, or -1 */
static int capture(const char *const argv[], char *out, size_t len)
{
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Swap that was on before the run is turned off, and on again after */
static int other_swap_off(struct journal *j, char *err, size_t elen)
{
	char *s = read_file_str("/proc/swaps", 1 << 16, NULL), *line, *save;
	char dev[512];

	if (!s)
		return 0;
	line = strtok_r(s, "\n", &save); /* header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		const char *a[] = { "swapoff", dev, NULL };

		if (sscanf(line, "%511s", dev) != 1)
			continue;
		journal_add(j, "swapon %s", dev);
		if (sys_run(a)) {
			snprintf(err, elen, "swapoff %.400s failed", dev);
			free(s);
			return -1;
		}
	}
	free(s);
	return 0;
}

static int zswap_off(struct journal *j)
{
	char *old = read_file_str(ZSWAP, 16, NULL);

	if (!old)
		return 0; /* no zswap in this kernel */
	old[strcspn(old, "\n")] = '\0';
	journal_add(j, "param %s %s", ZSWAP, old);
	free(old);
	return write_file(ZSWAP, "N", 1);
}

/*
 * zram must be there (loaded here if it is a module), and zramctl: both
 * are checked before anything changes
 */
static int zram_ready(char *err, size_t elen)
{
	const char *mp[] = { "modprobe", "zram", "num_devices=0", NULL };
	const char *ver[] = { "zramctl", "--version", NULL };
	char out[256];
	struct stat st;

	if (stat("/sys/class/zram-control", &st)) {
		sys_run(mp);
		if (stat("/sys/class/zram-control", &st)) {
			snprintf(
				err, elen,
				"this kernel has no zram (no /sys/class/zram-control)");
			return SWAP_NOT_APPLICABLE;
		}
	}
	if (capture(ver, out, sizeof(out)) == 127) {
		snprintf(err, elen, "zramctl not found (install util-linux)");
		return -1;
	}
	return 0;
}

static int zram_on(struct journal *j, const char *algo, const char *size,
		   char *err, size_t elen)
{
	char out[256], dev[128], *id;
	const char *set[] = {
		"zramctl", dev, "--size", size, algo[0] ? "--algorithm" : NULL,
		algo,	   NULL
	};
	const char *mk[] = { "mkswap", dev, NULL };
	const char *on[] = { "swapon", dev, NULL };
	int rc;

	/*
	 * A device of our own, so that teardown removes only what the run
	 * made.  Reading hot_add creates it: the journal line can only
	 * follow.
	 */
	id = read_file_str("/sys/class/zram-control/hot_add", 32, NULL);
	if (!id) {
		snprintf(err, elen, "zram hot_add: %s", strerror(errno));
		return -1;
	}
	id[strcspn(id, "\n")] = '\0';
	journal_add(j, "zram %s", id);
	snprintf(dev, sizeof(dev), "/dev/zram%.16s", id);
	free(id);
	rc = capture(set, out, sizeof(out));
	if (rc) {
		snprintf(err, elen, "zramctl %s --size %s failed: %.300s", dev,
			 size, out);
		return -1;
	}
	journal_add(j, "swap %s", dev);
	if (sys_run(mk) || sys_run(on)) {
		snprintf(err, elen, "mkswap/swapon %s failed", dev);
		return -1;
	}
	return 0;
}

static int disk_on(struct journal *j, const char *scratch, const char *size,
		   char *err, size_t elen)
{
	char path[600];
	const char *fa[] = { "fallocate", "-l", size, path, NULL };
	const char *mk[] = { "mkswap", path, NULL };
	const char *on[] = { "swapon", path, NULL };

	pathf(path, sizeof(path), "%s/swapfile", scratch);
	journal_add(j, "file %s", path);
	if (sys_run(fa) || chmod(path, 0600) || sys_run(mk)) {
		snprintf(err, elen, "cannot make the swap file %s", path);
		return -1;
	}
	journal_add(j, "swap %s", path);
	if (sys_run(on)) {
		snprintf(err, elen, "swapon %s failed", path);
		return -1;
	}
	return 0;
}

/*
 * type, size and algorithm may name [vars] ({swap}), so that
 * `--set swap=disk` switches a scenario to its control
 */
int swap_setup(struct journal *j, const struct scenario *sc, char *err,
	       size_t elen)
{
	char type[64], sz[64], algo[64], size[32], e[128];
	const char *scratch = getenv("MMREPRO_SCRATCH");
	bool zram, disk;
	uint64_t bytes;
	int ret;

	if (scenario_expand(sc, sc->swap_type, type, sizeof(type), e,
			    sizeof(e)) ||
	    scenario_expand(sc, sc->swap_size[0] ? sc->swap_size : "1x", sz,
			    sizeof(sz), e, sizeof(e)) ||
	    scenario_expand(sc, sc->swap_algo, algo, sizeof(algo), e,
			    sizeof(e))) {
		snprintf(err, elen, "[swap]: %s", e);
		return -1;
	}
	if (!type[0] || !strcmp(type, "keep"))
		return 0;
	zram = !strcmp(type, "zram");
	disk = !strcmp(type, "disk");
	if (!zram && !disk && strcmp(type, "none")) {
		snprintf(err, elen,
			 "swap type '%s': expected zram, disk, none or keep",
			 type);
		return -1;
	}
	if (swap_bytes(sz, zram, &bytes, err, elen))
		return -1;
	snprintf(size, sizeof(size), "%llu", (unsigned long long)bytes);
	ret = zram ? zram_ready(err, elen) : 0;
	if (ret)
		return ret;
	if (disk && (!scratch || !*scratch)) {
		snprintf(
			err, elen,
			"swap type disk needs a scratch disk ([scenario] disk = SIZE)");
		return -1;
	}
	if (other_swap_off(j, err, elen))
		return -1;
	if (sc->zswap_off && zswap_off(j)) {
		snprintf(err, elen, "cannot turn zswap off (%s)", ZSWAP);
		return -1;
	}
	if (zram)
		return zram_on(j, algo, size, err, elen);
	if (disk)
		return disk_on(j, scratch, size, err, elen);
	return 0;
}
