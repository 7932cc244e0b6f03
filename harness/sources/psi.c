// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/pressure/memory.  Debian boots with PSI disabled
 * (CONFIG_PSI_DEFAULT_DISABLED): the file exists but reading it fails
 * with EOPNOTSUPP until the kernel is booted with psi=1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../source.h"

static const char *const lines[] = { "some", "full" };
static const char *const fields[] = { "avg10", "avg60", "avg300", "total" };

static int psi_parse(struct mm_src *src)
{
	struct pfile *pf = &src->files[0];
	struct scan s = { pf->buf, pf->buf + pf->len }, line;
	const char *w;
	size_t n, l, f;

	while (scan_line(&s, &line)) {
		if (!scan_word(&line, &w, &n))
			continue;
		for (l = 0; l < 2 && !word_eq(w, n, lines[l]); l++)
			;
		if (l == 2) {
			src->unknown++;
			continue;
		}
		while (scan_word(&line, &w, &n)) {
			const char *eq = memchr(w, '=', n);

			for (f = 0; eq && f < 4; f++)
				if (word_eq(w, (size_t)(eq - w), fields[f]))
					break;
			if (!eq || f == 4) {
				src->unknown++;
				continue;
			}
			if (scan_int(eq + 1, n - (size_t)(eq + 1 - w),
				     src->cols[l * 4 + f].decimals,
				     &src->vals[l * 4 + f]))
				src->bad_lines++;
		}
	}
	return 0;
}

static int psi_open(struct mm_src *src)
{
	size_t l, f;
	int ret, d;

	ret = src_add_file(src, src->env->proc_root, "pressure/memory");
	if (ret == -EOPNOTSUPP)
		snprintf(src->reason, sizeof(src->reason),
			 "PSI disabled on this boot (boot with psi=1)");
	if (ret)
		return ret;
	for (l = 0; l < 2; l++)
		for (f = 0; f < 4; f++)
			src_add_col(src, f == 3 ? 0 : 2, "%s_%s", lines[l],
				    fields[f]);
	for (l = 0; l < 2; l++) {
		d = src_add_drv(src, MM_DRV_GAUGE, 0.01, "%", "%s_avg10",
				lines[l]);
		src_drv_term(src, d, (int)l * 4);
		/* total is in microseconds: stalled share of wall time */
		d = src_add_drv(src, MM_DRV_RATE, 1e-4, "%", "%s_pct",
				lines[l]);
		src_drv_term(src, d, (int)l * 4 + 3);
	}
	return 0;
}

static int psi_sample(struct mm_src *src)
{
	int ret = src_read(src, 0);

	return ret ? ret : psi_parse(src);
}

static const char *const psi_series[] = {
	"some_avg10", "full_avg10", "some_pct", "full_pct", NULL,
};

static const struct mm_live_col psi_live[] = {
	{ 90, "some_avg10", "some10", "%*.2f", 7 },
	{ 100, "full_avg10", "full10", "%*.2f", 7 },
	{ 0 },
};

const struct mm_source_ops src_psi = {
	.name = "psi",
	.desc = "/proc/pressure/memory some and full",
	.series = psi_series,
	.live = psi_live,
	.open = psi_open,
	.sample = psi_sample,
};
