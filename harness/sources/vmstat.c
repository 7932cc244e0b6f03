// SPDX-License-Identifier: GPL-2.0
/* /proc/vmstat: every counter, stored raw; rates come from the deltas. */
#include <string.h>
#include <unistd.h>

#include "../source.h"
#include "../util.h"

/*
 * Counters that were split or renamed across kernels are summed over
 * every key with the prefix: allocstall became allocstall_{dma,...} in
 * 4.8, workingset_refault became _anon and _file in 5.9.
 */
static const struct {
	const char *name;
	const char *prefix;
	const char *unit;
} rates[] = {
	{ "pgscan_kswapd", "pgscan_kswapd", "pages/s" },
	{ "pgscan_direct", "pgscan_direct", "pages/s" },
	{ "pgsteal_kswapd", "pgsteal_kswapd", "pages/s" },
	{ "pgsteal_direct", "pgsteal_direct", "pages/s" },
	{ "allocstall", "allocstall", "events/s" },
	{ "pswpin", "pswpin", "pages/s" },
	{ "pswpout", "pswpout", "pages/s" },
	{ "compact_stall", "compact_stall", "events/s" },
	{ "compact_fail", "compact_fail", "events/s" },
	{ "compact_success", "compact_success", "events/s" },
	{ "kswapd_high_wmark_hit_quickly", "kswapd_high_wmark_hit_quickly",
	  "events/s" },
	{ "workingset_refault", "workingset_refault", "pages/s" },
	{ "pgmajfault", "pgmajfault", "events/s" },
	{ "oom_kill", "oom_kill", "events/s" },
};

static int vmstat_open(struct mm_src *src)
{
	size_t r;
	int ret, c, d;

	ret = src_add_file(src, src->env->proc_root, "vmstat");
	if (ret)
		return ret;
	kv_discover(src, 0, 0);
	for (r = 0; r < ARRAY_SIZE(rates); r++) {
		size_t pl = strlen(rates[r].prefix);

		d = -1;
		for (c = 0; c < src->ncols; c++) {
			const char *n = src->cols[c].name;

			if (strncmp(n, rates[r].prefix, pl) ||
			    (n[pl] && n[pl] != '_'))
				continue;
			if (d < 0)
				d = src_add_drv(src, MM_DRV_RATE, 1.0,
						rates[r].unit, "%s_per_s",
						rates[r].name);
			src_drv_term(src, d, c);
		}
	}
	/* 6.15+ (vm.defrag_mode): free pages counted in whole free blocks */
	c = src_find_col(src, "nr_free_pages_blocks");
	if (c >= 0) {
		d = src_add_drv(src, MM_DRV_GAUGE,
				(double)sysconf(_SC_PAGESIZE) / (1 << 20),
				"MiB", "free_pages_blocks_MiB");
		src_drv_term(src, d, c);
	}
	return 0;
}

static int vmstat_sample(struct mm_src *src)
{
	int ret = src_read(src, 0);

	return ret ? ret : kv_parse(src, 0, 0);
}

/* rates[], as open() names them, and the free blocks gauge */
static const char *const vmstat_series[] = {
	"pgscan_kswapd_per_s",
	"pgscan_direct_per_s",
	"pgsteal_kswapd_per_s",
	"pgsteal_direct_per_s",
	"allocstall_per_s",
	"pswpin_per_s",
	"pswpout_per_s",
	"compact_stall_per_s",
	"compact_fail_per_s",
	"compact_success_per_s",
	"kswapd_high_wmark_hit_quickly_per_s",
	"workingset_refault_per_s",
	"pgmajfault_per_s",
	"oom_kill_per_s",
	"free_pages_blocks_MiB",
	NULL,
};

static const struct mm_live_col vmstat_live[] = {
	{ 60, "pgscan_kswapd_per_s", "scan_kswapd/s", "%*.0f", 14 },
	{ 70, "pgscan_direct_per_s", "scan_direct/s", "%*.0f", 14 },
	{ 80, "allocstall_per_s", "allocstall/s", "%*.0f", 13 },
	{ 0 },
};

const struct mm_source_ops src_vmstat = {
	.name = "vmstat",
	.desc = "/proc/vmstat counters",
	.series = vmstat_series,
	.live = vmstat_live,
	.open = vmstat_open,
	.sample = vmstat_sample,
};
