// SPDX-License-Identifier: GPL-2.0
/*
 * The table of sampled sources, one a line, in the order of derived.csv's
 * columns.  Adding one is a file in sources/, a line here, and its name in
 * the declaration in source.h.
 */
#include <fnmatch.h>
#include <string.h>

#include "source.h"
#include "util.h"

const struct mm_source_ops *const mm_sources[] = {
	&src_buddyinfo, /* /proc/buddyinfo */
	&src_pagetypeinfo, /* /proc/pagetypeinfo */
	&src_vmstat, /* /proc/vmstat */
	&src_meminfo, /* /proc/meminfo */
	&src_psi, /* /proc/pressure/memory */
	&src_kthreads, /* /proc/PID/stat of kswapdN and kcompactdN */
	&src_zram, /* /sys/block/zramN/{mm,io}_stat */
	&src_snmp, /* /proc/net/snmp */
};

const size_t mm_nsources = ARRAY_SIZE(mm_sources);

const struct mm_source_ops *src_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < mm_nsources; i++)
		if (strlen(mm_sources[i]->name) == len &&
		    !strncmp(mm_sources[i]->name, name, len))
			return mm_sources[i];
	return NULL;
}

bool src_may_derive(const struct mm_source_ops *ops, const char *drv)
{
	const char *const *p;

	for (p = ops->series; p && *p; p++)
		if (!fnmatch(*p, drv, 0))
			return true;
	return false;
}
