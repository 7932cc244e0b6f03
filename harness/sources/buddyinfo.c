// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/buddyinfo: free blocks per node, zone and order.  Every zone is
 * kept: on small x86_64 guests there is no Normal zone, and DMA32
 * blocks of order >= 3 are what keeps an order-3 watermark check passing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../source.h"

#define MAX_ZONES 32

struct zline {
	int node;
	char zone[16];
	int first; /* first column */
	int norders;
};

struct buddy {
	int nlines;
	struct zline l[MAX_ZONES];
};

/* "Node 0, zone   DMA32   n0 n1 ..." -> node, zone; s left at n0 */
static int parse_head(struct scan *s, int *node, const char **zone,
		      size_t *zlen)
{
	/* a struct zline's zone[16] with its NUL */
	if (scan_zone_head(s, node, zone, zlen) || *zlen >= 16)
		return -1;
	return 0;
}

static int buddy_open(struct mm_src *src)
{
	struct buddy *b = calloc(1, sizeof(*b));
	struct scan s, line;
	const char *zone, *w;
	size_t zl, n;
	int ret, node, o, d0, d3, dz, dnd;
	int64_t v;

	if (!b)
		return -ENOMEM;
	src->priv = b;
	ret = src_add_file(src, src->env->proc_root, "buddyinfo");
	if (ret)
		return ret;
	s.p = src->files[0].buf;
	s.end = s.p + src->files[0].len;
	d0 = src_add_drv(src, MM_DRV_GAUGE, 1, "pages", "free_o0_pages");
	d3 = src_add_drv(src, MM_DRV_GAUGE, 1, "blocks", "free_o3plus_blocks");
	/*
	 * ZONE_DMA's blocks stay free whatever happens: lowmem_reserve
	 * keeps ordinary allocations out of it.  "Order-3 is gone" is
	 * judged on the zones above it.
	 */
	dnd = src_add_drv(src, MM_DRV_GAUGE, 1, "blocks",
			  "free_o3plus_blocks_nodma");
	while (scan_line(&s, &line) && b->nlines < MAX_ZONES) {
		struct zline *z = &b->l[b->nlines];

		if (parse_head(&line, &node, &zone, &zl))
			continue;
		z->node = node;
		memcpy(z->zone, zone, zl);
		z->zone[zl] = '\0';
		z->first = src->ncols;
		dz = src_add_drv(src, MM_DRV_GAUGE, 1, "blocks",
				 "node%d_%s_o3plus_blocks", node, z->zone);
		for (o = 0; scan_word(&line, &w, &n) && !scan_int(w, n, 0, &v);
		     o++) {
			int c = src_add_col(src, 0, "node%d_%s_o%d", node,
					    z->zone, o);
			if (o == 0)
				src_drv_term(src, d0, c);
			if (o >= 3) {
				src_drv_term(src, d3, c);
				src_drv_term(src, dz, c);
				if (strcmp(z->zone, "DMA"))
					src_drv_term(src, dnd, c);
			}
		}
		z->norders = o;
		b->nlines++;
	}
	return 0;
}

static int buddy_sample(struct mm_src *src)
{
	struct buddy *b = src->priv;
	struct scan s, line;
	const char *zone;
	size_t zl;
	int ret, node, i = 0, j;

	ret = src_read(src, 0);
	if (ret)
		return ret;
	s.p = src->files[0].buf;
	s.end = s.p + src->files[0].len;
	for (; scan_line(&s, &line); i++) {
		struct zline *z = NULL;

		if (line.p == line.end)
			continue;
		if (parse_head(&line, &node, &zone, &zl)) {
			src->bad_lines++;
			continue;
		}
		for (j = 0; j < b->nlines; j++) {
			struct zline *c = &b->l[(i + j) % b->nlines];

			if (c->node == node && word_eq(zone, zl, c->zone)) {
				z = c;
				break;
			}
		}
		if (!z) {
			src->unknown++;
			continue;
		}
		src_scan_vals(src, &line, z->first, z->norders);
	}
	return 0;
}

static const char *const buddy_series[] = {
	"free_o0_pages",
	"free_o3plus_blocks",
	"free_o3plus_blocks_nodma",
	"node*_*_o3plus_blocks",
	NULL,
};

static const struct mm_live_col buddy_live[] = {
	{ 10, "free_o0_pages", "o0_free", "%*.0f", 9 },
	{ 20, "free_o3plus_blocks", "o3+_blk", "%*.0f", 8 },
	{ 0 },
};

const struct mm_source_ops src_buddyinfo = {
	.name = "buddyinfo",
	.desc = "/proc/buddyinfo free blocks per zone and order",
	.series = buddy_series,
	.live = buddy_live,
	.open = buddy_open,
	.sample = buddy_sample,
};
