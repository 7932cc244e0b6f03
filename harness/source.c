// SPDX-License-Identifier: GPL-2.0
/*
 * Common code for sampled sources: column and derived-metric tables,
 * kept-open files read with pread(), and an allocation-free scanner.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "util.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

int src_add_col(struct mm_src *src, unsigned char decimals, const char *fmt,
		...)
{
	struct mm_col *c;
	va_list ap;

	src->cols = xrealloc(src->cols, (src->ncols + 1) * sizeof(*src->cols));
	src->vals = xrealloc(src->vals, (src->ncols + 1) * sizeof(*src->vals));
	c = &src->cols[src->ncols];
	va_start(ap, fmt);
	vsnprintf(c->name, sizeof(c->name), fmt, ap);
	va_end(ap);
	c->decimals = decimals;
	src->vals[src->ncols] = MM_MISSING;
	return src->ncols++;
}

int src_find_col(const struct mm_src *src, const char *name)
{
	int i;

	for (i = 0; i < src->ncols; i++)
		if (!strcmp(src->cols[i].name, name))
			return i;
	return -1;
}

int src_add_drv(struct mm_src *src, enum mm_drv_kind kind, double scale,
		const char *unit, const char *fmt, ...)
{
	struct mm_drv *d;
	va_list ap;

	src->drv = xrealloc(src->drv, (src->ndrv + 1) * sizeof(*src->drv));
	d = &src->drv[src->ndrv];
	memset(d, 0, sizeof(*d));
	va_start(ap, fmt);
	vsnprintf(d->name, sizeof(d->name), fmt, ap);
	va_end(ap);
	d->kind = kind;
	d->scale = scale;
	d->unit = unit;
	return src->ndrv++;
}

void src_drv_term(struct mm_src *src, int drv, int col)
{
	struct mm_drv *d = &src->drv[drv];

	/* a column a parser expected but did not find is no term */
	if (col < 0 || col >= src->ncols)
		return;
	d->terms = xrealloc(d->terms, (d->nterms + 1) * sizeof(*d->terms));
	d->terms[d->nterms++] = col;
}

/*
 * A derived metric is a scaled sum of columns, either as it stands
 * (gauge) or as its change per second (rate).  NaN when any term is
 * missing, when there is no previous sample, or when a counter went
 * backwards (a reset, e.g. zram re-created).
 */
double src_derive(const struct mm_src *src, int d, const int64_t *prev,
		  const int64_t *cur, double dt)
{
	const struct mm_drv *m = &src->drv[d];
	double sum = 0;
	int i;

	if (!m->nterms)
		return NAN;
	for (i = 0; i < m->nterms; i++) {
		int c = m->terms[i];

		if (cur[c] == MM_MISSING)
			return NAN;
		if (m->kind == MM_DRV_GAUGE) {
			sum += (double)cur[c];
			continue;
		}
		if (!prev || prev[c] == MM_MISSING || dt <= 0)
			return NAN;
		if (cur[c] < prev[c])
			return NAN;
		sum += (double)(cur[c] - prev[c]);
	}
	if (m->kind == MM_DRV_RATE)
		sum /= dt;
	return sum * m->scale;
}

int src_add_file(struct mm_src *src, const char *root, const char *rel)
{
	struct pfile *pf;
	int fd;
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(src->reason, sizeof(src->reason), "%s: %s", path,
			 strerror(errno));
		return -errno;
	}
	src->files =
		xrealloc(src->files, (src->nfiles + 1) * sizeof(*src->files));
	pf = &src->files[src->nfiles++];
	memset(pf, 0, sizeof(*pf));
	pf->fd = fd;
	snprintf(pf->path, sizeof(pf->path), "%s", path);
	pf->cap = 4096;
	pf->buf = xrealloc(NULL, pf->cap);
	return src_read(src, src->nfiles - 1);
}

/*
 * Read the whole file from offset 0.  procfs regenerates a seq_file on
 * every pread at offset 0, so no lseek and no reopen are needed.  The
 * buffer only grows at open time in practice; it is sized at twice the
 * largest file seen so far.
 */
int src_read(struct mm_src *src, int i)
{
	struct pfile *pf = &src->files[i];
	ssize_t n;

	pf->len = 0;
	for (;;) {
		if (pf->len + 1 >= pf->cap) {
			pf->cap *= 2;
			pf->buf = xrealloc(pf->buf, pf->cap);
		}
		n = pread(pf->fd, pf->buf + pf->len, pf->cap - pf->len - 1,
			  (off_t)pf->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			src->read_errors++;
			snprintf(src->reason, sizeof(src->reason), "%s: %s",
				 pf->path, strerror(errno));
			return -errno;
		}
		if (n == 0)
			break;
		pf->len += (size_t)n;
	}
	if (pf->len * 2 > pf->cap) {
		pf->cap = pf->len * 2 + 1;
		pf->buf = xrealloc(pf->buf, pf->cap);
	}
	pf->buf[pf->len] = '\0';
	return 0;
}

void src_reset_vals(struct mm_src *src)
{
	int i;

	for (i = 0; i < src->ncols; i++)
		src->vals[i] = MM_MISSING;
}

void src_close_files(struct mm_src *src)
{
	int i;

	for (i = 0; i < src->nfiles; i++) {
		close(src->files[i].fd);
		free(src->files[i].buf);
	}
	free(src->files);
	src->files = NULL;
	src->nfiles = 0;
}

void src_free(struct mm_src *src)
{
	int i;

	if (src->ops && src->ops->close)
		src->ops->close(src);
	src_close_files(src);
	for (i = 0; i < src->ndrv; i++)
		free(src->drv[i].terms);
	free(src->drv);
	free(src->cols);
	free(src->vals);
	free(src->priv);
	memset(src, 0, sizeof(*src));
}

int src_open(struct mm_src *src, const struct mm_source_ops *ops,
	     const struct mm_env *env)
{
	int ret;

	memset(src, 0, sizeof(*src));
	src->ops = ops;
	src->env = env;
	ret = ops->open(src);
	if (!ret && src->ncols == 0) {
		snprintf(src->reason, sizeof(src->reason), "no columns found");
		ret = -ENODATA;
	}
	if (ret) {
		const struct mm_source_ops *keep = ops;
		char reason[sizeof(src->reason)];

		memcpy(reason, src->reason, sizeof(reason));
		src_free(src);
		src->ops = keep;
		src->env = env;
		memcpy(src->reason, reason, sizeof(reason));
		return ret;
	}
	src->present = true;
	return 0;
}

int src_sample(struct mm_src *src)
{
	src_reset_vals(src);
	return src->ops->sample(src);
}

/* Next line, without its newline; false at the end */
bool scan_line(struct scan *s, struct scan *line)
{
	const char *nl;

	if (s->p >= s->end)
		return false;
	nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
	line->p = s->p;
	line->end = nl ? nl : s->end;
	s->p = nl ? nl + 1 : s->end;
	return true;
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Next run of non-blank characters */
bool scan_word(struct scan *s, const char **w, size_t *len)
{
	while (s->p < s->end && is_blank(*s->p))
		s->p++;
	if (s->p >= s->end)
		return false;
	*w = s->p;
	while (s->p < s->end && !is_blank(*s->p))
		s->p++;
	*len = (size_t)(s->p - *w);
	return true;
}

bool word_eq(const char *w, size_t len, const char *s)
{
	/* w is NULL for an empty word (a row without a type) */
	return strlen(s) == len && (!len || !memcmp(w, s, len));
}

/*
 * A decimal integer, or a fixed-point number with up to `decimals'
 * fractional digits ("12.34" -> 1234 for 2).  pagetypeinfo prints
 * ">100000" once it stops counting; that reads as 100000, a lower bound.
 */
int scan_int(const char *w, size_t len, unsigned char decimals, int64_t *v)
{
	const char *e = w + len;
	int64_t r = 0;
	int frac = -1;
	bool neg = false;

	if (w < e && *w == '>')
		w++;
	if (w < e && *w == '-') {
		neg = true;
		w++;
	}
	if (w >= e)
		return -EINVAL;
	for (; w < e; w++) {
		if (*w == '.' && frac < 0 && decimals) {
			frac = 0;
			continue;
		}
		if (*w < '0' || *w > '9')
			return -EINVAL;
		if (frac >= 0 && frac >= decimals)
			continue; /* extra precision is dropped */
		if (r > (INT64_MAX - 9) / 10)
			return -ERANGE;
		r = r * 10 + (*w - '0');
		if (frac >= 0)
			frac++;
	}
	/* the decimals not written are zeros; they may overflow too */
	for (frac = frac < 0 ? 0 : frac; frac < decimals; frac++) {
		if (r > INT64_MAX / 10)
			return -ERANGE;
		r *= 10;
	}
	*v = neg ? -r : r;
	return 0;
}

int scan_zone_head(struct scan *s, int *node, const char **zone, size_t *zlen)
{
	const char *w;
	size_t n;
	int64_t v;

	if (!scan_word(s, &w, &n) || !word_eq(w, n, "Node"))
		return -1;
	if (!scan_word(s, &w, &n) || n < 2 || w[n - 1] != ',' ||
	    scan_int(w, n - 1, 0, &v))
		return -1;
	*node = (int)v;
	if (!scan_word(s, &w, &n) || !word_eq(w, n, "zone"))
		return -1;
	return scan_word(s, zone, zlen) ? 0 : -1;
}

void src_scan_vals(struct mm_src *src, struct scan *line, int first, int n)
{
	const char *w;
	size_t len;
	int i;

	for (i = 0; i < n && scan_word(line, &w, &len); i++)
		if (scan_int(w, len, 0, &src->vals[first + i])) {
			src->bad_lines++;
			break;
		}
}

static bool kv_split(struct scan *line, char key_end, const char **k,
		     size_t *klen, const char **v, size_t *vlen)
{
	if (!scan_word(line, k, klen))
		return false;
	if (key_end) {
		if (*klen < 2 || (*k)[*klen - 1] != key_end)
			return false;
		(*klen)--;
	}
	return scan_word(line, v, vlen);
}

int kv_discover(struct mm_src *src, int file, char key_end)
{
	struct pfile *pf = &src->files[file];
	struct scan s = { pf->buf, pf->buf + pf->len }, line;
	const char *k, *v;
	size_t kl, vl;
	int64_t x;

	while (scan_line(&s, &line)) {
		if (!kv_split(&line, key_end, &k, &kl, &v, &vl) ||
		    scan_int(v, vl, 0, &x))
			continue;
		src_add_col(src, 0, "%.*s", (int)kl, k);
	}
	return 0;
}

int kv_parse(struct mm_src *src, int file, char key_end)
{
	struct pfile *pf = &src->files[file];
	struct scan s = { pf->buf, pf->buf + pf->len }, line;
	const char *k, *v;
	size_t kl, vl;
	int i = 0, c;

	for (; scan_line(&s, &line); i++) {
		if (line.p == line.end)
			continue;
		if (!kv_split(&line, key_end, &k, &kl, &v, &vl)) {
			src->bad_lines++;
			continue;
		}
		c = i;
		if (c >= src->ncols || !word_eq(k, kl, src->cols[c].name)) {
			for (c = 0; c < src->ncols; c++)
				if (word_eq(k, kl, src->cols[c].name))
					break;
		}
		if (c == src->ncols) {
			src->unknown++;
			continue;
		}
		if (scan_int(v, vl, 0, &src->vals[c]))
			src->bad_lines++;
	}
	return 0;
}
