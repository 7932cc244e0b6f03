// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/snmp, the Udp lines: a header of names, then a line of
 * values.  RcvbufErrors and MemErrors show datagrams dropped once
 * net.ipv4.udp_mem or a socket's receive buffer is full.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../source.h"
#include "../util.h"

static int udp_lines(struct mm_src *src, struct scan *names, struct scan *vals)
{
	struct pfile *pf = &src->files[0];
	struct scan s = { pf->buf, pf->buf + pf->len }, line;
	int seen = 0;

	while (scan_line(&s, &line)) {
		if (line.end - line.p < 4 || memcmp(line.p, "Udp:", 4))
			continue;
		line.p += 4;
		*(seen++ ? vals : names) = line;
		if (seen == 2)
			return 0;
	}
	return -1;
}

static int snmp_open(struct mm_src *src)
{
	static const char *const rates[] = { "InDatagrams",  "OutDatagrams",
					     "RcvbufErrors", "SndbufErrors",
					     "InErrors",     "MemErrors" };
	struct scan names, vals;
	const char *w;
	size_t n, i;
	int ret, c, d;

	ret = src_add_file(src, src->env->proc_root, "net/snmp");
	if (ret)
		return ret;
	if (udp_lines(src, &names, &vals)) {
		snprintf(src->reason, sizeof(src->reason),
			 "no Udp lines in net/snmp");
		return -ENODATA;
	}
	while (scan_word(&names, &w, &n))
		src_add_col(src, 0, "Udp_%.*s", (int)n, w);
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		char col[64];

		snprintf(col, sizeof(col), "Udp_%s", rates[i]);
		c = src_find_col(src, col);
		if (c < 0)
			continue;
		d = src_add_drv(src, MM_DRV_RATE, 1, "/s", "udp_%s_per_s",
				rates[i]);
		src_drv_term(src, d, c);
	}
	return 0;
}

static int snmp_sample(struct mm_src *src)
{
	struct scan names, vals;
	const char *w;
	size_t n;
	int c, ret = src_read(src, 0);

	if (ret)
		return ret;
	if (udp_lines(src, &names, &vals)) {
		src->bad_lines++;
		return 0;
	}
	for (c = 0; c < src->ncols && scan_word(&vals, &w, &n); c++)
		if (scan_int(w, n, 0, &src->vals[c]))
			src->bad_lines++;
	return 0;
}

/* rates[] of snmp_open(), as it names them */
static const char *const snmp_series[] = {
	"udp_InDatagrams_per_s",
	"udp_OutDatagrams_per_s",
	"udp_RcvbufErrors_per_s",
	"udp_SndbufErrors_per_s",
	"udp_InErrors_per_s",
	"udp_MemErrors_per_s",
	NULL,
};

const struct mm_source_ops src_snmp = {
	.name = "snmp",
	.desc = "/proc/net/snmp Udp counters",
	.series = snmp_series,
	.open = snmp_open,
	.sample = snmp_sample,
};
