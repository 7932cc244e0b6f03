/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_SOURCE_H
#define MMREPRO_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A sampled source, in the manner of fio's ioengine_ops: one file in
 * sources/ per source, each ending with one ops struct, one line in the
 * table in sources.c and its name in the declaration of them below.  The
 * sampler never names a specific source: what it shows of one in the
 * live view comes from the source's ops too.
 *
 * open() reads the file(s) once to discover the columns this kernel has
 * (vmstat keys, zones, migratetypes and orders differ between kernels)
 * and declares the derived metrics.  sample() re-reads with pread() on
 * the kept-open descriptors and parses into vals[] without allocating.
 */

#define MM_MISSING INT64_MIN

struct mm_col {
	char name[64];
	unsigned char decimals; /* raw value is fixed point, e.g. PSI avg10 */
};

enum mm_drv_kind {
	MM_DRV_GAUGE, /* scale * sum(terms) */
	MM_DRV_RATE, /* scale * sum(delta terms) / seconds */
};

struct mm_drv {
	char name[64];
	const char *unit;
	enum mm_drv_kind kind;
	double scale;
	int nterms;
	int *terms; /* column indices */
};

struct mm_env {
	const char *proc_root; /* "/proc" or a captured copy */
	const char *sys_root; /* "/sys" or a captured copy */
};

struct pfile {
	int fd;
	char path[256];
	char *buf;
	size_t cap;
	size_t len;
};

struct mm_src {
	const struct mm_source_ops *ops;
	const struct mm_env *env;
	bool present;
	char reason[512];

	int ncols;
	struct mm_col *cols;
	int64_t *vals;

	int ndrv;
	struct mm_drv *drv;

	int nfiles;
	struct pfile *files;

	unsigned long bad_lines; /* lines that did not parse */
	unsigned long unknown; /* keys not seen at open */
	unsigned long read_errors;
	void *priv;
};

/*
 * A column of the live line (mmrepro sample and run): one of the source's
 * derived metrics.  pos places it among the columns of every source, so
 * that the line reads memory, then reclaim, then pressure, whatever the
 * order of the table: buddyinfo 10-20, meminfo 30-40, kthreads 50,
 * vmstat 60-80, psi 90-100.  The line is at most 120 columns wide.
 */
struct mm_live_col {
	int pos;
	const char *drv; /* the derived metric's name */
	const char *head; /* the heading */
	const char *fmt; /* printf's, with its width as '*': "%*.1f" */
	int width;
};

struct mm_source_ops {
	const char *name;
	const char *desc;
	/*
	 * Costly to read, so sampled at most every --slow-interval: the
	 * reader itself would otherwise perturb what it measures.
	 */
	bool slow;
	/*
	 * The names of the derived metrics that open() may declare, as
	 * fnmatch() patterns, NULL-terminated: what a scenario's series
	 * may name before any kernel is read (mmrepro check)
	 */
	const char *const *series;
	/* its columns in the live line, ended by one with no drv; or NULL */
	const struct mm_live_col *live;
	/* 0, or -errno with src->reason set; a missing source is not fatal */
	int (*open)(struct mm_src *src);
	/* refill src->vals; columns not found are MM_MISSING */
	int (*sample)(struct mm_src *src);
	void (*close)(struct mm_src *src);
};

extern const struct mm_source_ops *const mm_sources[];
extern const struct mm_source_ops src_buddyinfo, src_pagetypeinfo, src_vmstat,
	src_meminfo, src_psi, src_kthreads, src_zram, src_snmp;
extern const size_t mm_nsources;

/* The source called name, or NULL */
const struct mm_source_ops *src_by_name(const char *name, size_t len);
/* One of ops->series matches the derived metric's name */
bool src_may_derive(const struct mm_source_ops *ops, const char *drv);

/* Helpers shared by the sources */
int src_add_col(struct mm_src *src, unsigned char decimals, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
int src_find_col(const struct mm_src *src, const char *name);
int src_add_drv(struct mm_src *src, enum mm_drv_kind kind, double scale,
		const char *unit, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void src_drv_term(struct mm_src *src, int drv, int col);
int src_add_file(struct mm_src *src, const char *root, const char *rel);
int src_read(struct mm_src *src, int i);
void src_reset_vals(struct mm_src *src);
void src_close_files(struct mm_src *src);
void src_free(struct mm_src *src);
int src_open(struct mm_src *src, const struct mm_source_ops *ops,
	     const struct mm_env *env);
int src_sample(struct mm_src *src);
double src_derive(const struct mm_src *src, int d, const int64_t *prev,
		  const int64_t *cur, double dt);

/* Allocation-free scanning of kernel text files */
struct scan {
	const char *p;
	const char *end;
};

bool scan_line(struct scan *s, struct scan *line);
bool scan_word(struct scan *s, const char **w, size_t *len);
int scan_int(const char *w, size_t len, unsigned char decimals, int64_t *v);
bool word_eq(const char *w, size_t len, const char *s);

/*
 * The head of a per-zone line of buddyinfo and pagetypeinfo, "Node 0,
 * zone   DMA32 ...": the node, and the zone's word as it stands (in
 * pagetypeinfo it ends in ','); s is left after it.  0, or -1.
 */
int scan_zone_head(struct scan *s, int *node, const char **zone, size_t *zlen);
/*
 * The numbers after a row's head into src->vals[first], up to n of them;
 * a word that is no number ends the row and counts as a bad line
 */
void src_scan_vals(struct mm_src *src, struct scan *line, int first, int n);

/*
 * "key value" files (vmstat) and "Key:  value kB" files (meminfo).  The
 * key order is stable within one boot, so a line is first matched to the
 * column at its own position; only a mismatch costs a search.
 */
int kv_discover(struct mm_src *src, int file, char key_end);
int kv_parse(struct mm_src *src, int file, char key_end);

#endif
