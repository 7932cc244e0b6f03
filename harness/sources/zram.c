// SPDX-License-Identifier: GPL-2.0
/*
 * zram devices: /sys/block/zramN/mm_stat and io_stat, one row of numbers
 * each.  Fields are named as in Documentation/admin-guide/blockdev/
 * zram.rst; fields a newer kernel appends are kept as fieldN.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../source.h"

#define MAX_DEVS 16

static const char *const mm_names[] = {
	"orig_data_size",  "compr_data_size", "mem_used_total",
	"mem_limit",	   "mem_used_max",    "same_pages",
	"pages_compacted", "huge_pages",      "huge_pages_since",
};

static const char *const io_names[] = {
	"failed_reads",
	"failed_writes",
	"invalid_io",
	"notify_free",
};

struct zdev {
	int file[2];
	int col[2];
	int n[2];
};

struct zram {
	int n;
	struct zdev d[MAX_DEVS];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_stat(struct mm_src *src, struct zdev *z, int which,
		    const char *dev, const char *const *names, int nnames)
{
	const char *file = which ? "io_stat" : "mm_stat";
	struct scan s;
	const char *w;
	size_t n;
	int64_t v;
	char rel[128];

	snprintf(rel, sizeof(rel), "block/%s/%s", dev, file);
	if (src_add_file(src, src->env->sys_root, rel))
		return -1;
	z->file[which] = src->nfiles - 1;
	z->col[which] = src->ncols;
	s.p = src->files[z->file[which]].buf;
	s.end = s.p + src->files[z->file[which]].len;
	for (z->n[which] = 0; scan_word(&s, &w, &n) && !scan_int(w, n, 0, &v);
	     z->n[which]++) {
		if (z->n[which] < nnames)
			src_add_col(src, 0, "%s_%s", dev, names[z->n[which]]);
		else
			src_add_col(src, 0, "%s_%s_field%d", dev, file,
				    z->n[which]);
	}
	return 0;
}

static int zram_open(struct mm_src *src)
{
	struct zram *zr = calloc(1, sizeof(*zr));
	char path[256], *names[MAX_DEVS];
	struct dirent *de;
	int i, k, nn = 0, sums[3];
	DIR *d;

	if (!zr)
		return -ENOMEM;
	src->priv = zr;
	snprintf(path, sizeof(path), "%s/block", src->env->sys_root);
	d = opendir(path);
	while (d && (de = readdir(d)) && nn < MAX_DEVS)
		if (!strncmp(de->d_name, "zram", 4))
			names[nn++] = strdup(de->d_name);
	if (d)
		closedir(d);
	if (!nn) {
		snprintf(src->reason, sizeof(src->reason),
			 "no zram device in %s", path);
		return -ENOENT;
	}
	qsort(names, (size_t)nn, sizeof(names[0]), by_name);
	/* mm_stat's first three fields, summed over the devices */
	sums[0] = src_add_drv(src, MM_DRV_GAUGE, 1.0 / (1 << 20), "MiB",
			      "orig_data_MiB");
	sums[1] = src_add_drv(src, MM_DRV_GAUGE, 1.0 / (1 << 20), "MiB",
			      "compr_data_MiB");
	sums[2] = src_add_drv(src, MM_DRV_GAUGE, 1.0 / (1 << 20), "MiB",
			      "mem_used_MiB");
	for (i = 0; i < nn; i++) {
		struct zdev *z = &zr->d[zr->n];

		z->file[1] = -1;
		if (add_stat(src, z, 0, names[i], mm_names, 9) == 0) {
			/* a short mm_stat: only the fields it has */
			for (k = 0; k < 3 && k < z->n[0]; k++)
				src_drv_term(src, sums[k], z->col[0] + k);
			add_stat(src, z, 1, names[i], io_names, 4);
			zr->n++;
		}
		free(names[i]);
	}
	if (!zr->n)
		return -ENOENT;
	src->reason[0] = '\0';
	return 0;
}

static int zram_sample(struct mm_src *src)
{
	struct zram *zr = src->priv;
	int i, w, k;

	for (i = 0; i < zr->n; i++) {
		for (w = 0; w < 2; w++) {
			struct zdev *z = &zr->d[i];
			struct scan s;
			const char *t;
			size_t n;

			if (z->file[w] < 0 || src_read(src, z->file[w]))
				continue;
			s.p = src->files[z->file[w]].buf;
			s.end = s.p + src->files[z->file[w]].len;
			for (k = 0; k < z->n[w] && scan_word(&s, &t, &n); k++)
				if (scan_int(t, n, 0,
					     &src->vals[z->col[w] + k]))
					src->bad_lines++;
		}
	}
	return 0;
}

static const char *const zram_series[] = {
	"orig_data_MiB",
	"compr_data_MiB",
	"mem_used_MiB",
	NULL,
};

const struct mm_source_ops src_zram = {
	.name = "zram",
	.desc = "zram mm_stat and io_stat",
	.series = zram_series,
	.open = zram_open,
	.sample = zram_sample,
};
