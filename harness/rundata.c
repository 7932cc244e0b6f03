// SPDX-License-Identifier: GPL-2.0
/* Finished runs read back from their directories; see rundata.h. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rundata.h"
#include "util.h"

#define RD_MAX_DEPTH 4
#define RD_MAX_RUNS 1000

int csv_load(struct csv *t, const char *path)
{
	size_t len, cap = 0;
	char *s, *line, *save, *c, *e;
	int col;

	memset(t, 0, sizeof(*t));
	s = read_regular(path, (size_t)1 << 30, &len);
	if (!s)
		return -errno;
	line = strtok_r(s, "\n", &save);
	for (c = line; c; c = e ? e + 1 : NULL) {
		e = strchr(c, ',');
		if (e)
			*e = '\0';
		t->names = realloc(t->names, (t->ncols + 1) * sizeof(char *));
		t->names[t->ncols++] = strdup(c);
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (t->nrows == cap) {
			cap = cap ? cap * 2 : 256;
			t->v = realloc(t->v, cap * t->ncols * sizeof(double));
		}
		for (col = 0, c = line; col < t->ncols; col++) {
			double *cell = &t->v[t->nrows * t->ncols + col];
			char *end;

			e = c ? strchr(c, ',') : NULL;
			*cell = NAN;
			if (c && *c && *c != ',') {
				*cell = strtod(c, &end);
				if (end == c)
					*cell = NAN;
			}
			c = e ? e + 1 : NULL;
		}
		t->nrows++;
	}
	free(s);
	if (!t->ncols) {
		csv_free(t);
		return -EINVAL;
	}
	return 0;
}

json_t *json_load_regular(const char *path, json_error_t *je)
{
	json_error_t e;
	json_t *j;
	int fd = open_regular(path);

	if (fd < 0)
		return NULL;
	j = json_loadfd(fd, 0, je ? je : &e);
	close(fd);
	if (!j)
		errno = EBADMSG;
	return j;
}

int csv_col(const struct csv *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->names[i], name))
			return i;
	return -1;
}

void csv_free(struct csv *t)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* A JSON file that must be an object: NULL and err when it is not */
static json_t *load_object(const char *path, bool must, char *err, size_t elen)
{
	json_error_t je;
	struct stat st;
	json_t *j;

	if (lstat(path, &st)) {
		if (must || errno != ENOENT)
			snprintf(err, elen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		snprintf(err, elen, "%s: empty file", path);
		return NULL;
	}
	j = json_load_regular(path, &je);
	if (!j && errno != EBADMSG) {
		snprintf(err, elen, "%s: %s", path, file_error(errno));
		return NULL;
	}
	if (!j) {
		snprintf(err, elen, "%s: corrupt JSON (line %d: %s)", path,
			 je.line, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		snprintf(err, elen, "%s: corrupt: not a JSON object", path);
		json_decref(j);
		return NULL;
	}
	return j;
}

/*
 * reproduce.sh: "mmrepro 'run' '--deb' 'X' ..." as words; a quote in
 * an argument is written '\'' (sh_quote()), a word may span lines.
 */
static void load_reproduce(struct rd_run *r)
{
	char path[RD_PATH_MAX], *s, *line, *p;
	int cap = 0;

	pathf(path, sizeof(path), "%s/reproduce.sh", r->dir);
	s = read_regular(path, 1 << 16, NULL);
	if (!s)
		return;
	for (line = s; line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, "mmrepro ", 8))
			break;
	if (!line) {
		free(s);
		return;
	}
	p = line;
	while (*p && *p != '\n') {
		char word[8192];
		size_t n = 0;

		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		while (*p && *p != ' ' && *p != '\n' && n + 1 < sizeof(word)) {
			if (*p == '\'') {
				for (p++;
				     *p && *p != '\'' && n + 1 < sizeof(word);
				     p++)
					word[n++] = *p;
				if (*p == '\'')
					p++;
				continue;
			}
			if (*p == '\\' && p[1])
				p++;
			word[n++] = *p++;
		}
		word[n] = '\0';
		if (r->argc + 1 >= cap) {
			cap = cap ? cap * 2 : 16;
			r->argv =
				realloc(r->argv, (size_t)cap * sizeof(char *));
		}
		r->argv[r->argc++] = strdup(word);
	}
	free(s);
}

static void load_verdict(struct rd_run *r)
{
	char path[RD_PATH_MAX], *s, *colon;
	json_t *v;

	pathf(path, sizeof(path), "%s/verdict", r->dir);
	s = read_regular(path, 4096, NULL);
	if (s) {
		s[strcspn(s, "\n")] = '\0';
		colon = strchr(s, ':');
		if (colon)
			*colon = '\0';
		snprintf(r->verdict, sizeof(r->verdict), "%s", s);
		r->reason = strdup(colon ? colon + 1 + (colon[1] == ' ') : "");
		free(s);
		return;
	}
	v = json_object_get(json_object_get(r->summary, "verdict"), "verdict");
	snprintf(r->verdict, sizeof(r->verdict), "%s",
		 json_is_string(v) ? json_string_value(v) : "unknown");
	v = json_object_get(json_object_get(r->summary, "verdict"), "reason");
	r->reason = strdup(json_is_string(v) ? json_string_value(v) : "");
}

static void load_accel(struct rd_run *r)
{
	char path[RD_PATH_MAX];
	json_t *vm, *a;

	pathf(path, sizeof(path), "%s/vm.json", r->dir);
	vm = json_load_regular(path, NULL);
	if (!vm)
		warn_refused(path, errno);
	a = json_object_get(vm, "accel");
	snprintf(r->accel, sizeof(r->accel), "%s",
		 json_is_string(a) ? json_string_value(a) : "local");
	json_decref(vm);
}

static int add_run(struct rd_set *s, const char *dir, char *err, size_t elen)
{
	char path[RD_PATH_MAX];
	struct rd_run *r;

	if (s->n == RD_MAX_RUNS) {
		snprintf(err, elen, "%s: more than %d runs", s->arg,
			 RD_MAX_RUNS);
		return -1;
	}
	s->run = realloc(s->run, (size_t)(s->n + 1) * sizeof(*s->run));
	r = &s->run[s->n];
	memset(r, 0, sizeof(*r));
	r->dir = strdup(dir);
	untrusted_root_add(dir);
	pathf(path, sizeof(path), "%s/summary.json", dir);
	r->summary = load_object(path, true, err, elen);
	if (!r->summary) {
		free(r->dir);
		return -1;
	}
	err[0] = '\0';
	pathf(path, sizeof(path), "%s/meta.json", dir);
	r->meta = load_object(path, false, err, elen);
	if (!r->meta && err[0]) {
		json_decref(r->summary);
		free(r->dir);
		return -1;
	}
	/* it could not write all its data (a full disk): not a measurement */
	if (json_is_string(json_object_get(r->meta, "incomplete"))) {
		snprintf(err, elen, "%s: incomplete run: %s", dir,
			 json_string_value(
				 json_object_get(r->meta, "incomplete")));
		json_decref(r->meta);
		json_decref(r->summary);
		free(r->dir);
		return -1;
	}
	s->n++;
	load_verdict(r);
	load_accel(r);
	load_reproduce(r);
	return 0;
}

static int by_version(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static int scan(struct rd_set *s, const char *dir, int depth, char *err,
		size_t elen)
{
	char path[RD_PATH_MAX], **names = NULL;
	struct dirent *de;
	size_t n = 0, i;
	struct stat st;
	int ret = 0;
	DIR *d;

	/* a link is a run too: it is refused by name when loaded */
	pathf(path, sizeof(path), "%s/summary.json", dir);
	if (!lstat(path, &st))
		return add_run(s, dir, err, elen);
	/* a run that was stopped or crashed before it wrote its summary */
	pathf(path, sizeof(path), "%s/meta.json", dir);
	if (!lstat(path, &st)) {
		if (!s->unfinished++)
			s->first_unfinished = strdup(dir);
		return 0;
	}
	if (depth >= RD_MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "plots"))
			continue;
		pathf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISLNK(st.st_mode))
			warn_refused(path, ELOOP);
		if (!S_ISDIR(st.st_mode))
			continue;
		names = realloc(names, (n + 1) * sizeof(char *));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), by_version);
	for (i = 0; i < n; i++) {
		if (!ret) {
			pathf(path, sizeof(path), "%s/%s", dir, names[i]);
			ret = scan(s, path, depth + 1, err, elen);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* the first unfinished run, and why when its meta.json says */
static void unfinished_error(struct rd_set *s, const char *path, char *err,
			     size_t elen)
{
	char p[RD_PATH_MAX];
	json_t *meta, *why;

	pathf(p, sizeof(p), "%s/meta.json", s->first_unfinished);
	meta = json_load_regular(p, NULL);
	why = json_object_get(meta, "incomplete");
	if (json_is_string(why))
		snprintf(err, elen,
			 "%s: no finished runs (%s is incomplete: %s)", path,
			 s->first_unfinished, json_string_value(why));
	else
		snprintf(err, elen,
			 "%s: no finished runs (%s has no summary.json)", path,
			 s->first_unfinished);
	json_decref(meta);
}

int rd_load(struct rd_set *s, const char *path, char *err, size_t elen)
{
	char clean[RD_PATH_MAX];
	struct stat st;
	size_t l;

	memset(s, 0, sizeof(*s));
	s->arg = strdup(path);
	snprintf(clean, sizeof(clean), "%s", path);
	for (l = strlen(clean); l > 1 && clean[l - 1] == '/'; l--)
		clean[l - 1] = '\0';
	if (stat(clean, &st)) {
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, elen, "%s: not a directory", path);
		return -1;
	}
	if (scan(s, clean, 0, err, elen))
		return -1;
	if (!s->n && s->unfinished) {
		unfinished_error(s, path, err, elen);
		return -1;
	}
	if (!s->n) {
		snprintf(err, elen,
			 "%s: no runs (no summary.json in it or below it)",
			 path);
		return -1;
	}
	return 0;
}

void rd_free(struct rd_set *s)
{
	int i, k;

	for (i = 0; i < s->n; i++) {
		struct rd_run *r = &s->run[i];

		json_decref(r->summary);
		json_decref(r->meta);
		free(r->dir);
		free(r->reason);
		for (k = 0; k < r->argc; k++)
			free(r->argv[k]);
		free(r->argv);
	}
	free(s->run);
	free(s->arg);
	free(s->first_unfinished);
	memset(s, 0, sizeof(*s));
}

const char *rd_meta_str(const struct rd_run *r, const char *a, const char *b)
{
	json_t *j = json_object_get(r->meta, a);

	if (b)
		j = json_object_get(j, b);
	return json_is_string(j) ? json_string_value(j) : NULL;
}

const char *rd_scenario(const struct rd_run *r)
{
	const char *s = rd_meta_str(r, "scenario", NULL);

	return s ? s : "";
}

int rd_metric(const struct rd_run *r, const char *name, double *v)
{
	json_t *m =
		json_object_get(json_object_get(r->summary, "metrics"), name);
	json_t *x = json_object_get(m, "value");

	if (!json_is_number(x))
		return -1;
	*v = json_number_value(x);
	return isfinite(*v) ? 0 : -1;
}

const char *rd_arg_next(const struct rd_run *r, const char *lopt, char sopt,
			int *k)
{
	size_t l = strlen(lopt);

	for (*k = *k < 1 ? 1 : *k; *k < r->argc; (*k)++) {
		const char *a = r->argv[*k];

		if (a[0] == '-' && a[1] == '-' && !strncmp(a + 2, lopt, l)) {
			if (a[2 + l] == '=') {
				(*k)++;
				return a + 3 + l;
			}
			if (!a[2 + l] && *k + 1 < r->argc) {
				*k += 2;
				return r->argv[*k - 1];
			}
		} else if (sopt && a[0] == '-' && a[1] == sopt && !a[2] &&
			   *k + 1 < r->argc) {
			*k += 2;
			return r->argv[*k - 1];
		}
	}
	return NULL;
}

int rd_phase(const struct rd_run *r, const char *name, double *from, double *to)
{
	json_t *ph = json_object_get(r->meta, "phases"), *p;
	size_t i;

	json_array_foreach(ph, i, p)
	{
		json_t *n = json_object_get(p, "name");

		if (!json_is_string(n) || strcmp(json_string_value(n), name))
			continue;
		*from = json_number_value(json_object_get(p, "start_s"));
		*to = json_number_value(json_object_get(p, "end_s"));
		return *from >= 0 && *to > *from ? 0 : -1;
	}
	return -1;
}

/*
 * The tracer's per-interval series (trace/timeline.csv, [trace]) join
 * derived.csv's rows by time: each row takes the intervals that ended
 * since the row before (to the nearest interval end), averaged, or their
 * maximum for a *max* series, so that a late sample covers its whole gap.
 */
void csv_join_trace(struct csv *t, const char *dir)
{
	struct csv tl;
	char path[4200];
	size_t row, k = 0, n;
	int nc, c;
	double step, prev, *v;

	pathf(path, sizeof(path), "%s/trace/timeline.csv", dir);
	if (csv_load(&tl, path))
		return;
	if (!tl.nrows || tl.ncols < 2) {
		csv_free(&tl);
		return;
	}
	step = tl.v[0]; /* the first interval ends one step in */
	nc = t->ncols + tl.ncols - 1;
	v = malloc(t->nrows * (size_t)nc * sizeof(double) + 1);
	t->names = realloc(t->names, (size_t)nc * sizeof(char *));
	if (!v || !t->names)
		die("out of memory");
	for (c = 1; c < tl.ncols; c++)
		t->names[t->ncols + c - 1] = strdup(tl.names[c]);
	prev = -INFINITY;
	for (row = 0; row < t->nrows; row++) {
		double ts = t->v[row * t->ncols];
		double *out = &v[row * nc + t->ncols];

		memcpy(&v[row * nc], &t->v[row * t->ncols],
		       (size_t)t->ncols * sizeof(double));
		for (c = 1; c < tl.ncols; c++)
			out[c - 1] = 0;
		/* intervals ending in (prev, ts], each end rounded to the nearer */
		for (n = 0; k < tl.nrows && tl.v[k * tl.ncols] <= ts + step / 2;
		     k++) {
			if (tl.v[k * tl.ncols] <= prev + step / 2)
				continue;
			for (c = 1; c < tl.ncols; c++) {
				double x = tl.v[k * tl.ncols + c];

				if (strstr(tl.names[c], "max"))
					out[c - 1] = n && out[c - 1] > x ?
							     out[c - 1] :
							     x;
				else
					out[c - 1] += x;
			}
			n++;
		}
		for (c = 1; c < tl.ncols; c++)
			if (!n)
				out[c - 1] = NAN;
			else if (!strstr(tl.names[c], "max"))
				out[c - 1] /= (double)n;
		prev = ts;
	}
	free(t->v);
	t->v = v;
	t->ncols = nc;
	csv_free(&tl);
}
