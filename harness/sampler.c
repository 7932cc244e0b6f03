// SPDX-License-Identifier: GPL-2.0
/*
 * The sampler: every present source at a fixed interval on
 * CLOCK_MONOTONIC, one wide CSV per source, a live line per sample, and
 * summary.json at the end.  A sample that comes later than the next
 * slot skips the slots it missed instead of bursting to catch up; the
 * skips are counted in meta.json, since a late sample is itself a stall
 * signal.
 */
#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "sampler.h"
#include "util.h"

/* CSV data is flushed at most this often, and always at the end */
#define FLUSH_NS NSEC_PER_SEC
#define LIVE_HEADER_EVERY 25

struct series {
	double *v;
	size_t n;
	size_t cap;
};

struct srun {
	struct mm_src src;
	FILE *csv;
	int64_t *prev;
	int64_t *first;
	uint64_t every; /* sampled on every Nth slot */
	bool have_prev;
	double last_t;
	double *drv; /* current derived values */
	struct series *ser; /* one per derived metric */
};

/*
 * The first write that failed: a run that could not write all its data
 * says which file and why, and is marked incomplete in meta.json.
 */
struct wfail {
	char path[4096];
	int err;
};

static void wfail_note(struct wfail *w, const char *path, int err)
{
	if (w->err)
		return;
	w->err = err ? err : EIO;
	snprintf(w->path, sizeof(w->path), "%s", path);
}

/* fflush, or fclose when closing, of a stream written as it grows */
static void check_stream(FILE *f, bool closing, struct wfail *w,
			 const char *dir, const char *name)
{
	char path[4096];
	int bad;

	errno = 0;
	bad = fflush(f) || ferror(f);
	if (closing && fclose(f))
		bad = 1;
	if (bad) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		wfail_note(w, path, errno);
	}
}

static void set_incomplete(json_t *meta, const struct wfail *w)
{
	char *why;

	if (asprintf(&why, "%s: %s", w->path, strerror(w->err)) < 0)
		die("out of memory");
	json_object_set_new(meta, "incomplete", json_string(why));
	free(why);
}

/* what an incomplete run says in meta.json until it has written it all */
#define STILL_RUNNING "still running, or stopped before it wrote all its data"

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		die("out of memory");
	return p;
}

static void series_push(struct series *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = v;
}

/* Integers without printf: this runs for every cell of every sample */
static char *put_i64(char *p, int64_t v, unsigned char decimals)
{
	char tmp[24];
	uint64_t u;
	int n = 0, d;

	if (v == MM_MISSING)
		return p;
	if (v < 0) {
		*p++ = '-';
		u = (uint64_t)(-(v + 1)) + 1;
	} else {
		u = (uint64_t)v;
	}
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u || n <= decimals);
	for (d = n - 1; d >= 0; d--) {
		*p++ = tmp[d];
		if (d == decimals && decimals)
			*p++ = '.';
	}
	return p;
}

static void csv_header(struct srun *r)
{
	int c;

	fputs("t", r->csv);
	for (c = 0; c < r->src.ncols; c++)
		fprintf(r->csv, ",%s", r->src.cols[c].name);
	fputc('\n', r->csv);
}

static void csv_row(struct srun *r, double t, char *buf)
{
	char *p = buf + sprintf(buf, "%.6f", t);
	int c;

	for (c = 0; c < r->src.ncols; c++) {
		*p++ = ',';
		p = put_i64(p, r->src.vals[c], r->src.cols[c].decimals);
	}
	*p++ = '\n';
	fwrite(buf, 1, (size_t)(p - buf), r->csv);
}

/* ---- live view: the columns the sources declare in ops->live ---- */

#define LIVE_MAX 16

struct live_col {
	const struct mm_source_ops *ops;
	const struct mm_live_col *c;
	int src, drv; /* where its value is; -1: nowhere */
};

struct live_view {
	size_t n;
	struct live_col col[LIVE_MAX];
};

/* The live columns of every source in the table, in the order of pos */
static size_t live_cols(struct live_col *out)
{
	const struct mm_live_col *c;
	size_t i, j, n = 0;

	for (i = 0; i < mm_nsources; i++) {
		for (c = mm_sources[i]->live; c && c->drv && n < LIVE_MAX;
		     c++) {
			for (j = n++; j && out[j - 1].c->pos > c->pos; j--)
				out[j] = out[j - 1];
			out[j] = (struct live_col){ mm_sources[i], c, -1, -1 };
		}
	}
	return n;
}

struct live_view *live_new(const struct mm_src *const *srcs, size_t n)
{
	struct live_view *lv = xcalloc(1, sizeof(*lv));
	size_t i, s;
	int d;

	lv->n = live_cols(lv->col);
	for (i = 0; i < lv->n; i++) {
		struct live_col *lc = &lv->col[i];

		for (s = 0; s < n; s++) {
			if (!srcs[s]->present ||
			    strcmp(srcs[s]->ops->name, lc->ops->name))
				continue;
			for (d = 0; d < srcs[s]->ndrv; d++)
				if (!strcmp(srcs[s]->drv[d].name, lc->c->drv)) {
					lc->src = (int)s;
					lc->drv = d;
				}
		}
	}
	return lv;
}

int live_header(char *buf, size_t len)
{
	struct live_col col[LIVE_MAX];
	size_t i, ncol = live_cols(col);
	int n = snprintf(buf, len, "%8s", "t(s)");

	for (i = 0; i < ncol && n < (int)len; i++)
		n += snprintf(buf + n, len - (size_t)n, " %*s", col[i].c->width,
			      col[i].c->head);
	return n;
}

int live_line(const struct live_view *lv, double t, const double *const *drv,
	      char *buf, size_t len)
{
	size_t i;
	int n = snprintf(buf, len, "%8.2f", t);

	for (i = 0; i < lv->n && n < (int)len; i++) {
		const struct live_col *lc = &lv->col[i];
		double v = lc->src < 0 ? NAN : drv[lc->src][lc->drv];

		n += snprintf(buf + n, len - (size_t)n, " ");
		if (isnan(v))
			n += snprintf(buf + n, len - (size_t)n, "%*s",
				      lc->c->width, "-");
		else
			n += snprintf(buf + n, len - (size_t)n, lc->c->fmt,
				      lc->c->width, v);
	}
	return n;
}

void live_free(struct live_view *lv)
{
	free(lv);
}

/* ---- summary ---- */

static json_t *series_json(struct series *s, const struct mm_drv *d)
{
	json_t *o = json_object();
	double *v = xcalloc(s->n, sizeof(double));
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		if (!isnan(s->v[i]))
			v[n++] = s->v[i];
	json_object_set_new(o, "unit", json_string(d->unit));
	json_object_set_new(o, "kind",
			    json_string(d->kind == MM_DRV_RATE ? "rate" :
								 "gauge"));
	json_object_set_new(o, "n", json_integer((json_int_t)n));
	if (n) {
		gsl_sort(v, 1, n);
		json_object_set_new(o, "min", json_real(v[0]));
		json_object_set_new(
			o, "p10",
			json_real(gsl_stats_quantile_from_sorted_data(v, 1, n,
								      0.10)));
		json_object_set_new(
			o, "median",
			json_real(gsl_stats_median_from_sorted_data(v, 1, n)));
		json_object_set_new(
			o, "p90",
			json_real(gsl_stats_quantile_from_sorted_data(v, 1, n,
								      0.90)));
		json_object_set_new(o, "max", json_real(v[n - 1]));
		json_object_set_new(o, "mean",
				    json_real(gsl_stats_mean(v, 1, n)));
	}
	free(v);
	return o;
}

static json_t *summary_json(struct srun *runs, size_t n, size_t samples,
			    double elapsed)
{
	json_t *top = json_object(), *srcs = json_object();
	size_t s;
	int d;

	json_object_set_new(top, "samples", json_integer((json_int_t)samples));
	json_object_set_new(top, "elapsed_s", json_real(elapsed));
	for (s = 0; s < n; s++) {
		struct srun *r = &runs[s];
		json_t *o;

		if (!r->src.present)
			continue;
		o = json_object();
		for (d = 0; d < r->src.ndrv; d++) {
			json_t *m = series_json(&r->ser[d], &r->src.drv[d]);

			/* a counter's total over the run: last minus first */
			if (r->src.drv[d].kind == MM_DRV_RATE && r->have_prev) {
				double tot = src_derive(&r->src, d, r->first,
							r->src.vals, 1.0);

				if (!isnan(tot))
					json_object_set_new(m, "total",
							    json_real(tot));
			}
			json_object_set_new(o, r->src.drv[d].name, m);
		}
		json_object_set_new(srcs, r->src.ops->name, o);
	}
	json_object_set_new(top, "sources", srcs);
	return top;
}

/* ---- the run ---- */

/*
 * Each rate's columns in samples/SOURCE.csv with the factor that turns
 * their change into the rate's units, so that a total over any window
 * is computed exactly from the counters (last minus first), not by
 * integrating a rounded rate.
 */
static json_t *rates_json(const struct mm_src *src)
{
	json_t *o = json_object();
	int d, i, k;

	for (d = 0; d < src->ndrv; d++) {
		const struct mm_drv *m = &src->drv[d];
		json_t *terms = json_object();

		if (m->kind != MM_DRV_RATE || !m->nterms) {
			json_decref(terms);
			continue;
		}
		for (i = 0; i < m->nterms; i++) {
			const struct mm_col *c = &src->cols[m->terms[i]];
			double f = m->scale, old;

			for (k = 0; k < c->decimals; k++)
				f *= 10;
			old = json_number_value(
				json_object_get(terms, c->name));
			json_object_set_new(terms, c->name, json_real(old + f));
		}
		json_object_set_new(o, m->name, terms);
	}
	return o;
}

static json_t *sources_json(struct srun *runs, size_t n, int64_t interval)
{
	json_t *o = json_object();
	size_t s;
	int f;

	for (s = 0; s < n; s++) {
		struct mm_src *src = &runs[s].src;
		json_t *j = json_object(), *files = json_array();

		json_object_set_new(j, "present", json_boolean(src->present));
		if (!src->present) {
			json_object_set_new(j, "reason",
					    json_string(src->reason));
		} else {
			for (f = 0; f < src->nfiles; f++)
				json_array_append_new(
					files, json_string(src->files[f].path));
			json_object_set_new(j, "columns",
					    json_integer(src->ncols));
			json_object_set_new(j, "interval_s",
					    json_real((double)interval *
						      runs[s].every /
						      NSEC_PER_SEC));
			json_object_set_new(
				j, "bad_lines",
				json_integer((json_int_t)src->bad_lines));
			json_object_set_new(
				j, "unknown_keys",
				json_integer((json_int_t)src->unknown));
			json_object_set_new(
				j, "read_errors",
				json_integer((json_int_t)src->read_errors));
			json_object_set_new(j, "rates", rates_json(src));
		}
		json_object_set_new(j, "files", files);
		json_object_set_new(o, src->ops->name, j);
	}
	return o;
}

/*
 * derived.csv: every derived metric of every source, one row per slot;
 * a cell is empty when its source was not read in that slot (slow
 * sources) or has no value yet (a rate's first sample).
 */
static void derived_header(FILE *f, struct srun *runs, size_t n)
{
	size_t s;
	int d;

	fputs("t", f);
	for (s = 0; s < n; s++)
		for (d = 0; runs[s].src.present && d < runs[s].src.ndrv; d++)
			fprintf(f, ",%s.%s", runs[s].src.ops->name,
				runs[s].src.drv[d].name);
	fputc('\n', f);
}

static void derived_row(FILE *f, struct srun *runs, size_t n, uint64_t slot,
			double t)
{
	size_t s;
	int d;

	fprintf(f, "%.6f", t);
	for (s = 0; s < n; s++) {
		struct srun *r = &runs[s];
		bool fresh = r->src.present && !(slot % r->every);

		for (d = 0; r->src.present && d < r->src.ndrv; d++) {
			if (fresh && !isnan(r->drv[d]))
				fprintf(f, ",%.6g", r->drv[d]);
			else
				fputc(',', f);
		}
	}
	fputc('\n', f);
}

static void sample_all(struct srun *runs, size_t n, uint64_t slot, double t,
		       char *rowbuf)
{
	size_t s;
	int d;

	for (s = 0; s < n; s++) {
		struct srun *r = &runs[s];
		double dt;

		if (!r->src.present || slot % r->every)
			continue;
		src_sample(&r->src);
		csv_row(r, t, rowbuf);
		dt = t - r->last_t;
		for (d = 0; d < r->src.ndrv; d++) {
			r->drv[d] = src_derive(&r->src, d,
					       r->have_prev ? r->prev : NULL,
					       r->src.vals, dt);
			series_push(&r->ser[d], r->drv[d]);
		}
		if (!r->have_prev)
			memcpy(r->first, r->src.vals,
			       (size_t)r->src.ncols * sizeof(int64_t));
		memcpy(r->prev, r->src.vals,
		       (size_t)r->src.ncols * sizeof(int64_t));
		r->have_prev = true;
		r->last_t = t;
	}
}

static int open_outputs(const struct sampler_cfg *cfg, struct srun *runs,
			size_t n)
{
	char path[4096];
	size_t s;
	int ret, fd;

	snprintf(path, sizeof(path), "%s/samples", cfg->out_dir);
	ret = mkdir_p(path, 0755);
	if (ret) {
		warnx_("sample: %s: %s", path, strerror(-ret));
		return EXIT_ERROR;
	}
	for (s = 0; s < n; s++) {
		struct srun *r = &runs[s];

		if (!r->src.present)
			continue;
		snprintf(path, sizeof(path), "%s/samples/%s.csv", cfg->out_dir,
			 r->src.ops->name);
		fd = create_new(path);
		r->csv = fd < 0 ? NULL : fdopen(fd, "w");
		if (!r->csv) {
			warnx_("sample: %s: %s", path, strerror(errno));
			return EXIT_ERROR;
		}
		setvbuf(r->csv, NULL, _IOFBF, 1 << 16);
		r->every = 1;
		if (r->src.ops->slow &&
		    cfg->slow_interval_ns > cfg->interval_ns)
			r->every = (uint64_t)((cfg->slow_interval_ns +
					       cfg->interval_ns / 2) /
					      cfg->interval_ns);
		csv_header(r);
		r->prev = xcalloc((size_t)r->src.ncols, sizeof(int64_t));
		r->first = xcalloc((size_t)r->src.ncols, sizeof(int64_t));
		r->drv = xcalloc((size_t)r->src.ndrv, sizeof(double));
		r->ser = xcalloc((size_t)r->src.ndrv, sizeof(struct series));
	}
	return 0;
}

/* every samples/<source>.csv, flushed or closed, checked */
static void flush_all(const struct sampler_cfg *cfg, struct srun *runs,
		      size_t n, bool closing, struct wfail *w)
{
	char name[256];
	size_t s;

	for (s = 0; s < n; s++) {
		if (!runs[s].csv)
			continue;
		snprintf(name, sizeof(name), "samples/%s.csv",
			 runs[s].src.ops->name);
		check_stream(runs[s].csv, closing, w, cfg->out_dir, name);
		if (closing)
			runs[s].csv = NULL;
	}
}

static void close_all(struct srun *runs, size_t n)
{
	size_t s;
	int d;

	for (s = 0; s < n; s++) {
		struct srun *r = &runs[s];

		if (r->csv)
			fclose(r->csv);
		for (d = 0; r->ser && d < r->src.ndrv; d++)
			free(r->ser[d].v);
		free(r->ser);
		free(r->drv);
		free(r->prev);
		free(r->first);
		src_free(&r->src);
	}
	free(runs);
}

static void emit_live(const struct sampler_cfg *cfg, struct live_view *lv,
		      struct srun *runs, size_t n, double t, size_t k)
{
	const double *drv[64];
	char line[256];
	size_t s;

	if (cfg->quiet)
		return;
	for (s = 0; s < n && s < 64; s++)
		drv[s] = runs[s].drv;
	if (k % LIVE_HEADER_EVERY == 0) {
		live_header(line, sizeof(line));
		fprintf(cfg->live, "%s\n", line);
	}
	live_line(lv, t, drv, line, sizeof(line));
	fprintf(cfg->live, "%s\n", line);
	fflush(cfg->live);
}

/* What the sampling loop counts, for meta.json at the end */
struct loop_stats {
	int64_t start, late_max;
	size_t k, skipped;
};

/*
 * meta.json as the run starts (still marked incomplete) and the start
 * snapshots. On failure meta is freed and NULL returned.
 */
static json_t *write_start(const struct sampler_cfg *cfg, struct srun *runs,
			   size_t n)
{
	char path[4096], errpath[4096];
	json_t *meta;
	int ret, fd;

	meta = meta_system(&cfg->env);
	json_object_set_new(meta, "command", meta_argv(cfg->argc, cfg->argv));
	json_object_set_new(meta, "interval_s",
			    json_real((double)cfg->interval_ns / NSEC_PER_SEC));
	json_object_set_new(
		meta, "duration_s",
		cfg->duration_ns ?
			json_real((double)cfg->duration_ns / NSEC_PER_SEC) :
			json_null());
	utc_stamp(path, sizeof(path));
	json_object_set_new(meta, "start_utc", json_string(path));
	json_object_set_new(meta, "clock", json_string("CLOCK_MONOTONIC"));
	json_object_set_new(meta, "sources",
			    sources_json(runs, n, cfg->interval_ns));
	/* the sampler must outlive the OOM it records */
	json_object_set_new(meta, "self_protection", meta_protect_self());
	snprintf(path, sizeof(path), "%s/snapshots/start", cfg->out_dir);
	ret = snapshot_files(&cfg->env, path, errpath, sizeof(errpath));
	if (ret)
		warnx_("sample: %s: cannot write: %s", errpath, strerror(-ret));
	json_object_set_new(meta, "incomplete", json_string(STILL_RUNNING));
	fd = json_save(meta, cfg->out_dir, "meta.json");
	if (fd && !ret)
		warnx_("sample: %s/meta.json: cannot write: %s", cfg->out_dir,
		       strerror(-fd));
	if (ret || fd) {
		json_decref(meta);
		return NULL;
	}
	return meta;
}

/* Slots that the sample taken for slot i at @slot already overran */
static uint64_t missed_slots(const struct sampler_cfg *cfg, uint64_t i,
			     int64_t slot, int64_t now)
{
	uint64_t missed = (uint64_t)((now - slot) / cfg->interval_ns);
	uint64_t lasti = (uint64_t)(cfg->duration_ns / cfg->interval_ns);

	/* slots past the end of the run are not missed */
	if (cfg->duration_ns && i + missed > lasti)
		missed = lasti > i ? lasti - i : 0;
	return missed;
}

/* Sample every slot until the duration ends, a signal, or a write fails */
static void sample_loop(const struct sampler_cfg *cfg,
			volatile sig_atomic_t *stop, struct srun *runs,
			size_t n, struct live_view *lv, FILE *dcsv,
			char *rowbuf, struct wfail *wf, struct loop_stats *st)
{
	int64_t start = st->start, last_flush = start, slot, now;
	bool last = false;
	uint64_t i;

	for (i = 0;; i++) {
		struct timespec ts;
		double t;

		slot = start + (int64_t)i * cfg->interval_ns;
		if (cfg->duration_ns && slot - start > cfg->duration_ns)
			break;
		ts.tv_sec = slot / NSEC_PER_SEC;
		ts.tv_nsec = slot % NSEC_PER_SEC;
		while (!*stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
						 &ts, NULL) == EINTR)
			;
		/*
		 * Stopped: take one last sample now, so that even a short
		 * run has a start and an end to take rates from.
		 */
		last = *stop;
		now = now_ns();
		if (now - slot > st->late_max)
			st->late_max = now - slot;
		t = (double)(now - start) / NSEC_PER_SEC;
		sample_all(runs, n, last ? 0 : i, t, rowbuf);
		derived_row(dcsv, runs, n, last ? 0 : i, t);
		if (i == 0 && cfg->first_sample_ns)
			*cfg->first_sample_ns = start;
		emit_live(cfg, lv, runs, n, t, st->k++);
		if (now - last_flush >= FLUSH_NS) {
			flush_all(cfg, runs, n, false, wf);
			check_stream(dcsv, false, wf, cfg->out_dir,
				     "derived.csv");
			last_flush = now;
		}
		/* the disk is full, or gone: stop, and say so */
		if (last || wf->err)
			break;
		/* skip the slots this sample already overran */
		now = now_ns();
		if (now - slot >= cfg->interval_ns) {
			uint64_t missed = missed_slots(cfg, i, slot, now);

			st->skipped += missed;
			i += missed;
		}
	}
}

/*
 * summary.json first, then meta.json without its "incomplete": a run
 * that stopped in between is still marked as incomplete. Frees meta.
 */
static int write_summary(const struct sampler_cfg *cfg, struct srun *runs,
			 size_t n, json_t *meta, struct wfail *wf,
			 const struct loop_stats *st, int64_t now)
{
	char path[4096];
	json_t *sum;
	int ret, fd;

	sum = summary_json(runs, n, st->k,
			   (double)(now - st->start) / NSEC_PER_SEC);
	ret = json_save(sum, cfg->out_dir, "summary.json");
	json_decref(sum);
	if (ret) {
		pathf(path, sizeof(path), "%s/summary.json", cfg->out_dir);
		wfail_note(wf, path, -ret);
		set_incomplete(meta, wf);
	} else {
		json_object_del(meta, "incomplete");
	}
	fd = json_save(meta, cfg->out_dir, "meta.json");
	if (fd && !ret) {
		/*
		 * meta.json still says incomplete (from the start): no
		 * summary.json beside it that reads as a finished run
		 */
		pathf(path, sizeof(path), "%s/summary.json", cfg->out_dir);
		unlink(path);
		pathf(path, sizeof(path), "%s/meta.json", cfg->out_dir);
		wfail_note(wf, path, -fd);
		ret = fd;
	}
	json_decref(meta);
	if (ret) {
		warnx_("sample: %s: cannot write: %s", wf->path,
		       strerror(wf->err));
		ret = EXIT_ERROR;
	}
	return ret;
}

/* The end snapshots, meta.json and summary.json. Frees meta. */
static int write_end(const struct sampler_cfg *cfg, struct srun *runs, size_t n,
		     json_t *meta, struct wfail *wf,
		     const struct loop_stats *st, int64_t now,
		     volatile sig_atomic_t *stop)
{
	char path[4096], errpath[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/snapshots/end", cfg->out_dir);
	ret = snapshot_files(&cfg->env, path, errpath, sizeof(errpath));
	if (ret)
		wfail_note(wf, errpath, -ret);
	json_object_set_new(meta, "samples", json_integer((json_int_t)st->k));
	json_object_set_new(meta, "samples_skipped",
			    json_integer((json_int_t)st->skipped));
	json_object_set_new(meta, "late_max_ms",
			    json_real((double)st->late_max / NSEC_PER_MSEC));
	json_object_set_new(
		meta, "elapsed_s",
		json_real((double)(now - st->start) / NSEC_PER_SEC));
	json_object_set_new(meta, "stopped_by",
			    json_string(*stop ? "signal" : "duration"));
	json_object_set_new(meta, "sources",
			    sources_json(runs, n, cfg->interval_ns));
	if (wf->err) {
		/*
		 * No summary.json: the run is unfinished, and meta.json says
		 * why, when it can still be written at all (if not, the one
		 * of the start says so).
		 */
		set_incomplete(meta, wf);
		json_save(meta, cfg->out_dir, "meta.json");
		json_decref(meta);
		warnx_("sample: %s: cannot write: %s", wf->path,
		       strerror(wf->err));
		return EXIT_ERROR;
	}
	return write_summary(cfg, runs, n, meta, wf, st, now);
}

int sampler_run(const struct sampler_cfg *cfg, volatile sig_atomic_t *stop)
{
	size_t n = mm_nsources, s;
	struct srun *runs = xcalloc(n, sizeof(*runs));
	const struct mm_src *srcp[64] = { NULL };
	struct loop_stats st = { .late_max = 0 };
	struct live_view *lv;
	FILE *dcsv;
	char path[4096], *rowbuf;
	struct wfail wf = { .err = 0 };
	json_t *meta;
	int ret, fd, maxcols = 0;
	int64_t now;

	/* slots and slow sources divide by it: check it even when callers did */
	if (cfg->interval_ns <= 0 || cfg->slow_interval_ns < 0) {
		warnx_("sample: interval %lld ns: must be above 0",
		       (long long)cfg->interval_ns);
		free(runs);
		return EXIT_USAGE;
	}
	for (s = 0; s < n; s++) {
		src_open(&runs[s].src, mm_sources[s], &cfg->env);
		if (runs[s].src.ncols > maxcols)
			maxcols = runs[s].src.ncols;
	}
	ret = open_outputs(cfg, runs, n);
	if (ret) {
		close_all(runs, n);
		return ret;
	}
	meta = write_start(cfg, runs, n);
	if (!meta) {
		close_all(runs, n);
		return EXIT_ERROR;
	}

	rowbuf = xcalloc((size_t)maxcols + 1, 32);
	for (s = 0; s < n && s < 64; s++)
		srcp[s] = &runs[s].src;
	lv = live_new(srcp, n);
	snprintf(path, sizeof(path), "%s/derived.csv", cfg->out_dir);
	fd = create_new(path);
	dcsv = fd < 0 ? NULL : fdopen(fd, "w");
	if (!dcsv) {
		warnx_("sample: %s: %s", path, strerror(errno));
		json_decref(meta);
		close_all(runs, n);
		return EXIT_ERROR;
	}
	setvbuf(dcsv, NULL, _IOFBF, 1 << 16);
	derived_header(dcsv, runs, n);
	st.start = cfg->start_ns ? cfg->start_ns : now_ns();
	sample_loop(cfg, stop, runs, n, lv, dcsv, rowbuf, &wf, &st);
	now = now_ns();
	check_stream(dcsv, true, &wf, cfg->out_dir, "derived.csv");
	flush_all(cfg, runs, n, true, &wf);

	ret = write_end(cfg, runs, n, meta, &wf, &st, now, stop);
	free(rowbuf);
	live_free(lv);
	close_all(runs, n);
	return ret;
}
