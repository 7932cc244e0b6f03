// SPDX-License-Identifier: GPL-2.0
/* The table of sampled sources; adding one is a file plus one line here. */
#include "source.h"
#include "util.h"

const struct mm_source_ops *const mm_sources[] = {
	&src_buddyinfo, &src_pagetypeinfo, &src_vmstat, &src_meminfo,
	&src_psi,	&src_kthreads,	   &src_zram,	&src_snmp,
};

const size_t mm_nsources = ARRAY_SIZE(mm_sources);
