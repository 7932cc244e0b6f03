// SPDX-License-Identifier: GPL-2.0
/* The table of sampled sources; adding one is a file plus one line here. */
#include "source.h"

extern const struct mm_source_ops src_buddyinfo, src_pagetypeinfo,
	src_vmstat, src_meminfo, src_psi, src_kthreads, src_zram, src_snmp;

const struct mm_source_ops *const mm_sources[] = {
	&src_buddyinfo, &src_pagetypeinfo, &src_vmstat, &src_meminfo,
	&src_psi,	&src_kthreads,	   &src_zram,	&src_snmp,
};

const size_t mm_nsources = sizeof(mm_sources) / sizeof(mm_sources[0]);
