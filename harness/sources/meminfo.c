// SPDX-License-Identifier: GPL-2.0
/* /proc/meminfo: values as the kernel prints them (kB, or pages counts) */
#include "../source.h"
#include "../util.h"

static const char *const gauges[] = {
	"MemFree", "MemAvailable", "Cached",	  "AnonPages", "SwapFree",
	"Slab",	   "PageTables",   "KernelStack", "Mlocked",
};

static int meminfo_open(struct mm_src *src)
{
	size_t i;
	int ret, d;

	ret = src_add_file(src, src->env->proc_root, "meminfo");
	if (ret)
		return ret;
	kv_discover(src, 0, ':');
	for (i = 0; i < ARRAY_SIZE(gauges); i++) {
		int c = src_find_col(src, gauges[i]);

		if (c < 0)
			continue;
		d = src_add_drv(src, MM_DRV_GAUGE, 1.0 / 1024, "MiB", "%s_MiB",
				gauges[i]);
		src_drv_term(src, d, c);
	}
	return 0;
}

static int meminfo_sample(struct mm_src *src)
{
	int ret = src_read(src, 0);

	return ret ? ret : kv_parse(src, 0, ':');
}

/* gauges[], as open() names them */
static const char *const meminfo_series[] = {
	"MemFree_MiB",	  "MemAvailable_MiB",
	"Cached_MiB",	  "AnonPages_MiB",
	"SwapFree_MiB",	  "Slab_MiB",
	"PageTables_MiB", "KernelStack_MiB",
	"Mlocked_MiB",	  NULL,
};

static const struct mm_live_col meminfo_live[] = {
	{ 30, "MemFree_MiB", "free_MiB", "%*.0f", 9 },
	{ 40, "MemAvailable_MiB", "avail_MiB", "%*.0f", 10 },
	{ 0 },
};

const struct mm_source_ops src_meminfo = {
	.name = "meminfo",
	.desc = "/proc/meminfo",
	.series = meminfo_series,
	.live = meminfo_live,
	.open = meminfo_open,
	.sample = meminfo_sample,
};
