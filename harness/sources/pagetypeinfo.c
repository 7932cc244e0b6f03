// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/pagetypeinfo: free blocks per zone, migratetype and order, and
 * the number of pageblocks of each migratetype.  Migratetypes differ by
 * kernel config (CMA, HighAtomic, Isolate), so they come from the file.
 * Since 5.6 the free counts stop at 100000 and print as ">100000";
 * those cells hold 100000, a lower bound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../source.h"

#define MAX_ROWS 256
#define MAX_TYPES 8

struct prow {
	int node;
	char zone[16];
	char type[16]; /* empty for a block-count row */
	int first;
	int n;
};

struct pti {
	int nrows;
	struct prow r[MAX_ROWS];
	int ntypes;
	char types[MAX_TYPES][16];
	int pb_order_col;
};

/* "Node    0, zone      DMA, type    Unmovable  ..." or the block row */
static int parse_row(struct scan *s, int *node, const char **zone, size_t *zl,
		     const char **type, size_t *tl)
{
	const char *w;
	size_t n;

	if (scan_zone_head(s, node, zone, zl))
		return -1;
	if ((*zone)[*zl - 1] == ',')
		(*zl)--;
	/* a struct prow's zone[16] with its NUL */
	if (*zl >= 16)
		return -1;
	*tl = 0;
	if ((*zone)[*zl] != ',')
		return 0;
	if (!scan_word(s, &w, &n) || !word_eq(w, n, "type"))
		return -1;
	if (!scan_word(s, type, tl) || *tl >= 16)
		return -1;
	return 0;
}

static struct prow *find_row(struct pti *p, int hint, int node,
			     const char *zone, size_t zl, const char *type,
			     size_t tl)
{
	int j;

	for (j = 0; j < p->nrows; j++) {
		struct prow *r = &p->r[(hint + j) % p->nrows];

		if (r->node == node && word_eq(zone, zl, r->zone) &&
		    word_eq(type, tl, r->type))
			return r;
	}
	return NULL;
}

static int header_types(struct pti *p, struct scan *line)
{
	const char *w;
	size_t n;
	int skip = 3; /* "of blocks type"; "Number" is already read */

	p->ntypes = 0;
	while (scan_word(line, &w, &n)) {
		if (skip) {
			skip--;
			continue;
		}
		if (p->ntypes < MAX_TYPES && n < 16) {
			memcpy(p->types[p->ntypes], w, n);
			p->types[p->ntypes++][n] = '\0';
		}
	}
	return p->ntypes ? 0 : -1;
}

/* One row of counts: its columns, named after its node, zone and type */
static void add_row(struct mm_src *src, struct pti *p, struct scan *line,
		    int node, const char *zone, size_t zl, const char *type,
		    size_t tl)
{
	struct prow *r = &p->r[p->nrows++];
	const char *w;
	size_t n;
	int64_t v;

	r->node = node;
	memcpy(r->zone, zone, zl);
	r->zone[zl] = '\0';
	/* a block-count row has no type: type is NULL (no memcpy) */
	if (tl)
		memcpy(r->type, type, tl);
	r->type[tl] = '\0';
	r->first = src->ncols;
	for (r->n = 0; scan_word(line, &w, &n) && !scan_int(w, n, 0, &v);
	     r->n++) {
		if (tl)
			src_add_col(src, 0, "node%d_%s_%s_o%d", node, r->zone,
				    r->type, r->n);
		else if (r->n < p->ntypes)
			src_add_col(src, 0, "node%d_%s_blocks_%s", node,
				    r->zone, p->types[r->n]);
	}
	if (!tl && r->n > p->ntypes)
		r->n = p->ntypes;
}

/* The derived sums, once the type list is known */
static void add_terms(struct mm_src *src, struct pti *p, const int *free3,
		      const int *nblk)
{
	int k;

	for (k = 0; k < p->ntypes; k++) {
		int i, o;

		for (i = 0; i < p->nrows; i++) {
			struct prow *r = &p->r[i];

			if (!r->type[0]) {
				if (k < r->n)
					src_drv_term(src, nblk[k],
						     r->first + k);
				continue;
			}
			if (strcmp(r->type, p->types[k]))
				continue;
			for (o = 3; o < r->n; o++)
				src_drv_term(src, free3[k], r->first + o);
		}
	}
}

static int pti_open(struct mm_src *src)
{
	struct pti *p = calloc(1, sizeof(*p));
	struct scan s, line;
	const char *zone, *type, *w;
	size_t zl, tl, n;
	int ret, node, k, blocks = 0, free3[MAX_TYPES], nblk[MAX_TYPES];

	if (!p)
		return -ENOMEM;
	src->priv = p;
	ret = src_add_file(src, src->env->proc_root, "pagetypeinfo");
	if (ret)
		return ret;
	s.p = src->files[0].buf;
	s.end = s.p + src->files[0].len;
	p->pb_order_col = -1;
	while (scan_line(&s, &line)) {
		struct scan h = line;

		if (scan_word(&h, &w, &n) && word_eq(w, n, "Page") &&
		    scan_word(&h, &w, &n) && word_eq(w, n, "block") &&
		    scan_word(&h, &w, &n) && word_eq(w, n, "order:")) {
			/* repeated once per node on NUMA machines */
			if (p->pb_order_col < 0)
				p->pb_order_col =
					src_add_col(src, 0, "pageblock_order");
			continue;
		}
		h = line;
		if (scan_word(&h, &w, &n) && word_eq(w, n, "Number")) {
			/* the same types for every node: declare them once */
			if (blocks)
				continue;
			blocks = !header_types(p, &h);
			for (k = 0; k < p->ntypes; k++) {
				free3[k] = src_add_drv(src, MM_DRV_GAUGE, 1,
						       "blocks",
						       "free_%s_o3plus_blocks",
						       p->types[k]);
				nblk[k] = src_add_drv(src, MM_DRV_GAUGE, 1,
						      "pageblocks",
						      "pageblocks_%s",
						      p->types[k]);
			}
			continue;
		}
		if (parse_row(&line, &node, &zone, &zl, &type, &tl) ||
		    p->nrows >= MAX_ROWS || (!blocks && !tl))
			continue;
		add_row(src, p, &line, node, zone, zl, type, tl);
	}
	/* derived sums need the type list, which comes after the free rows */
	if (blocks)
		add_terms(src, p, free3, nblk);
	return 0;
}

static int pti_sample(struct mm_src *src)
{
	struct pti *p = src->priv;
	struct scan s, line;
	const char *zone, *type, *w;
	size_t zl, tl, n;
	int ret, node, i = 0;

	ret = src_read(src, 0);
	if (ret)
		return ret;
	s.p = src->files[0].buf;
	s.end = s.p + src->files[0].len;
	while (scan_line(&s, &line)) {
		struct scan h = line;
		struct prow *r;

		if (!scan_word(&h, &w, &n))
			continue;
		if (!word_eq(w, n, "Node")) {
			if (word_eq(w, n, "Page") && p->pb_order_col >= 0 &&
			    scan_word(&h, &w, &n) && scan_word(&h, &w, &n) &&
			    scan_word(&h, &w, &n))
				scan_int(w, n, 0, &src->vals[p->pb_order_col]);
			continue;
		}
		if (parse_row(&line, &node, &zone, &zl, &type, &tl)) {
			src->bad_lines++;
			continue;
		}
		r = find_row(p, i, node, zone, zl, type, tl);
		if (!r) {
			src->unknown++;
			continue;
		}
		i = (int)(r - p->r) + 1;
		src_scan_vals(src, &line, r->first, r->n);
	}
	return 0;
}

static const char *const pti_series[] = {
	"free_*_o3plus_blocks",
	"pageblocks_*",
	NULL,
};

const struct mm_source_ops src_pagetypeinfo = {
	.name = "pagetypeinfo",
	.desc = "/proc/pagetypeinfo free blocks and pageblocks per migratetype",
	.series = pti_series,
	/*
	 * Each read walks every free list (up to 100000 entries per order
	 * and type) and every pageblock under zone->lock with interrupts
	 * off: about 1.4 ms cold on a 24 GiB host, 20x buddyinfo.
	 */
	.slow = true,
	.open = pti_open,
	.sample = pti_sample,
};
