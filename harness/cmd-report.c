// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro report: one run as a plain-text bug report for a mailing
 * list, and with --bundle a tarball of everything needed to look at it
 * again or to reproduce it: the reproducers are single C files.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "text.h"
#include "mmrepro.h"
#include "opt.h"
#include "scenario.h"
#include "trace/trace.h"
#include "util.h"

#define TS_ROWS 20
#define LOG_LINES 60
#define LOG_COLS 200
#define NAME_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/*
 * Upstream defaults of vm sysctls that do not depend on the machine
 * (Documentation/admin-guide/sysctl/vm.rst); a knob away from its
 * default is the first thing a reader of a report asks about.
 */
static const struct {
	const char *name, *value;
} vm_defaults[] = {
	{ "compact_unevictable_allowed", "1" },
	{ "compaction_proactiveness", "20" },
	{ "defrag_mode", "0" },
	{ "dirty_background_bytes", "0" },
	{ "dirty_background_ratio", "10" },
	{ "dirty_bytes", "0" },
	{ "dirty_expire_centisecs", "3000" },
	{ "dirty_ratio", "20" },
	{ "dirty_writeback_centisecs", "500" },
	{ "extfrag_threshold", "500" },
	{ "laptop_mode", "0" },
	{ "max_map_count", "65530" },
	{ "nr_hugepages", "0" },
	{ "nr_overcommit_hugepages", "0" },
	{ "oom_kill_allocating_task", "0" },
	{ "overcommit_kbytes", "0" },
	{ "overcommit_memory", "0" },
	{ "overcommit_ratio", "50" },
	{ "page-cluster", "3" },
	{ "panic_on_oom", "0" },
	{ "percpu_pagelist_high_fraction", "0" },
	{ "swappiness", "60" },
	{ "vfs_cache_pressure", "100" },
	{ "watermark_boost_factor", "15000" },
	{ "watermark_scale_factor", "10" },
	{ "zone_reclaim_mode", "0" },
};

static const struct {
	const char *col, *head, *unit;
	int width;
} ts_cols[] = {
	{ "t", "t", "s", 6 },
	{ "buddyinfo.free_o0_pages", "o0 free", "pages", 8 },
	{ "buddyinfo.free_o3plus_blocks", "o3+ free", "blocks", 8 },
	{ "meminfo.MemFree_MiB", "MemFree", "MiB", 8 },
	{ "kthreads.kswapd_cpu_pct", "kswapd", "%CPU", 6 },
	{ "vmstat.pgscan_kswapd_per_s", "scan_ksw", "pages/s", 8 },
	{ "vmstat.pgscan_direct_per_s", "scan_dir", "pages/s", 8 },
	{ "psi.some_avg10", "PSI some", "avg10 %", 8 },
};

/* kernel log lines worth quoting, and how many lines after each */
static const struct {
	const char *needle, *what;
	int after;
} log_pat[] = {
	{ "invoked oom-killer", "OOM kill", 0 },
	{ "Out of memory", NULL, 0 },
	{ "oom-kill:", NULL, 0 },
	{ "page allocation failure", "allocation failure", 2 },
	{ "WARNING:", "WARNING", 3 },
	{ "BUG:", "BUG", 3 },
	{ "Oops", "Oops", 0 },
	{ "blocked for more than", "hung task", 0 },
	{ "soft lockup", "soft lockup", 0 },
};

static void num(char *b, size_t l, double v)
{
	if (isnan(v))
		snprintf(b, l, "-");
	else if (fabs(v) >= 1e7)
		snprintf(b, l, "%.3gM", v / 1e6);
	else if (fabs(v) >= 100 || v == floor(v))
		snprintf(b, l, "%.0f", v);
	else
		snprintf(b, l, "%.1f", v);
}

static const char *json_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * meta.json's scenario_file, when it names a regular file inside the
 * run directory: relative to it, or absolute under it as given; no ".."
 * and no link on the way.  0 and its path, or -1 and why.
 */
static int scenario_in_run(const struct rd_run *r, const char *f, char *path,
			   size_t plen, const char **why)
{
	size_t dl = strlen(r->dir);
	const char *rel = f, *p;
	struct stat st;
	int fd;

	*why = "outside the run directory";
	if (f[0] == '/') {
		if (strncmp(f, r->dir, dl) || f[dl] != '/')
			return -1;
		rel = f + dl + 1;
	}
	for (p = rel; *p; p += strcspn(p, "/"), p += *p == '/')
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return -1;
	if (!*rel || pathf(path, plen, "%s/%s", r->dir, rel))
		return -1;
	/* every directory on the way, then the file: none a link */
	for (p = strchr(path + dl + 1, '/'); p; p = strchr(p + 1, '/')) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		if (lstat(dir, &st) || !S_ISDIR(st.st_mode)) {
			*why = "a symbolic link on the way, not followed";
			return -1;
		}
	}
	fd = open_regular(path);
	if (fd < 0) {
		*why = file_error(errno);
		return -1;
	}
	close(fd);
	return 0;
}

/* The scenario as run: its file with the run's --set values */
static struct scenario *load_scenario(const struct rd_run *r, char *path,
				      size_t plen)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	const char *f = rd_meta_str(r, "scenario_file", NULL), *a, *why;
	const char *name = rd_scenario(r);
	char err[1024];
	int i;

	path[0] = '\0';
	if (f && scenario_in_run(r, f, path, plen, &why)) {
		warnx_("report: scenario_file %s: %s; not read", f, why);
		path[0] = '\0';
	}
	/* else the scenario of that name here, when it is a plain name */
	if (!path[0] &&
	    (!*name || strspn(name, NAME_CHARS "-") != strlen(name) ||
	     scenario_find(name, path, plen)))
		path[0] = '\0';
	if (!path[0] || scenario_load(sc, path, err, sizeof(err))) {
		free(sc);
		path[0] = '\0';
		return NULL;
	}
	for (i = 0; (a = rd_arg_next(r, "set", 's', &i));)
		scenario_set(sc, a, err, sizeof(err));
	return sc;
}

static void section(FILE *out, const char *title)
{
	fprintf(out, "\n%s\n", title);
	for (size_t i = 0; i < strlen(title); i++)
		fputc('-', out);
	fputc('\n', out);
}

static void print_knobs(FILE *out, const struct rd_run *r,
			const struct scenario *sc)
{
	json_t *vm = json_object_get(r->meta, "sysctl_vm");
	const char *a;
	size_t i;
	int k, n = 0;
	bool first;

	section(out, "Knobs");
	if (sc && sc->nsysctl) {
		fprintf(out, "The scenario sets (with this run's --set):\n");
		for (k = 0; k < sc->nsysctl; k++)
			fprintf(out, "  %s = %s\n", sc->sysctl[k].key,
				sc->sysctl[k].val);
	}
	for (k = 0, first = true; (a = rd_arg_next(r, "set", 's', &k));
	     first = false)
		fprintf(out, "%s  --set %s\n",
			first ? "Overrides on the command line:\n" : "", a);
	for (i = 0; i < ARRAY_SIZE(vm_defaults); i++) {
		const char *v = json_str(vm, vm_defaults[i].name);

		if (!v || !strcmp(v, vm_defaults[i].value))
			continue;
		fprintf(out, "%s  vm.%s = %s (default %s)\n",
			n++ ? "" :
			      "vm sysctls away from their defaults, as the run started:\n",
			vm_defaults[i].name, v, vm_defaults[i].value);
	}
	if (!n && vm)
		fprintf(out,
			"Every vm sysctl with a fixed default had it at the start.\n");
	if (json_str(vm, "min_free_kbytes"))
		fprintf(out, "  vm.min_free_kbytes = %s (scaled to memory)\n",
			json_str(vm, "min_free_kbytes"));
}

/* The reproducers a scenario's phases run: {repro}/NAME */
static int repro_names(const struct scenario *sc, char names[][64], int max)
{
	int i, n = 0, k;

	for (i = 0; sc && i < sc->nphases; i++) {
		const char *p = sc->phase[i].cmd;

		while ((p = strstr(p, "{repro}/"))) {
			char name[64];

			p += 8;
			snprintf(name, sizeof(name), "%.*s",
				 (int)strspn(p, NAME_CHARS "-"), p);
			for (k = 0; k < n; k++)
				if (!strcmp(names[k], name))
					break;
			if (k == n && n < max && name[0])
				snprintf(names[n++], 64, "%s", name);
		}
	}
	return n;
}

/*
 * repro/NAME.c in the source tree next to the binary (build/mmrepro), or
 * where make install put it (PREFIX/share/mmrepro/repro)
 */
static int repro_source(const char *name, char *path, size_t len)
{
	char self[4096], *d;

	self_exe(self, sizeof(self));
	d = dirname(dirname(self));
	if (!pathf(path, len, "%s/repro/%s.c", d, name) && !access(path, R_OK))
		return 0;
	if (share_dir() &&
	    !pathf(path, len, "%s/repro/%s.c", share_dir(), name) &&
	    !access(path, R_OK))
		return 0;
	if (!pathf(path, len, "repro/%s.c", name) && !access(path, R_OK))
		return 0;
	return -1;
}

static void print_reproduce(FILE *out, const struct rd_run *r,
			    const struct scenario *sc)
{
	char names[8][64], src[4096];
	int i, n = repro_names(sc, names, 8), col;

	section(out, "To reproduce");
	if (!r->argc) {
		fprintf(out, "(no reproduce.sh in the run directory)\n");
	} else {
		col = 0;
		for (i = 0; i < r->argc; i++) {
			const char *a = r->argv[i], *q;
			bool plain = *a && strspn(a, NAME_CHARS "-./=+%:,") ==
						   strlen(a);
			int w = (int)strlen(a) + (plain ? 0 : 2);

			for (q = a; !plain && (q = strchr(q, '\'')); q++)
				w += 3;
			if (col && col + 1 + w > 70) {
				fprintf(out, " \\\n    ");
				col = 4;
			} else if (col) {
				fputc(' ', out);
				col++;
			}
			col += plain ? fprintf(out, "%s", a) : sh_quote(out, a);
		}
		fputc('\n', out);
	}
	if (n) {
		fprintf(out,
			"The reproducers are single C files (in the bundle):\n");
		for (i = 0; i < n; i++)
			fprintf(out, "  repro/%s.c%s\n", names[i],
				repro_source(names[i], src, sizeof(src)) ?
					" (source not found here)" :
					"");
	}
}

static void print_metrics(FILE *out, const struct rd_run *r)
{
	json_t *ms = json_object_get(r->summary, "metrics"), *m;
	const char *name;
	char v[32];

	if (!json_object_size(ms))
		return;
	section(out, "Metrics");
	json_object_foreach(ms, name, m)
	{
		json_t *x = json_object_get(m, "value");
		const char *during = json_str(m, "during");

		num(v, sizeof(v),
		    json_is_number(x) ? json_number_value(x) : NAN);
		fprintf(out, "  %-14s %8s %-7s %s%s%s, %s=better%s\n", name, v,
			json_str(m, "unit") ? json_str(m, "unit") : "",
			json_str(m, "stat") ? json_str(m, "stat") : "",
			during && *during ? " in " : "", during ? during : "",
			json_str(m, "better") ? json_str(m, "better") : "lower",
			json_is_true(json_object_get(m, "gate")) ? ", gating" :
								   "");
	}
}

/* The 7.2 defrag fix's fingerprint, when the run traced it */
static void print_fingerprint(FILE *out, const struct rd_run *r)
{
	json_t *fp = json_object_get(json_object_get(r->summary, "trace"),
				     "defrag_fingerprint");
	const char *b = json_str(fp, "behaviour");
	char line[512];

	if (!b)
		return;
	section(out, "Fix fingerprint (vm.defrag_mode, the 7.2 fix)");
	snprintf(line, sizeof(line),
		 "%s: non-movable direct reclaim at pageblock order %lld, "
		 "below it %lld; compaction at pageblock order %lld, below "
		 "it %lld",
		 b, json_integer_value(json_object_get(fp, "reclaim_promoted")),
		 json_integer_value(json_object_get(fp, "reclaim_below")),
		 json_integer_value(json_object_get(fp, "compact_promoted")),
		 json_integer_value(json_object_get(fp, "compact_below")));
	text_wrap(out, 2, "", line, 4);
}

static void emit_trace_line(const char *line, void *arg)
{
	text_wrap(arg, 2, "", line, 4);
}

/* The tracer's evidence, from summary.json's "trace" object */
static void print_tracepoints(FILE *out, const struct rd_run *r)
{
	json_t *t = json_object_get(r->summary, "trace");

	if (!json_is_object(t) || !json_object_size(t))
		return;
	section(out, "Tracepoints (trace/*.json for the detail)");
	if (!trace_describe(t, emit_trace_line, out))
		fprintf(out, "  nothing the report knows how to read\n");
}

static void print_series(FILE *out, const struct rd_run *r, const char *during)
{
	char path[RD_PATH_MAX], v[32];
	double from = -1, to = -1;
	struct csv t;
	int cols[ARRAY_SIZE(ts_cols)];
	size_t i, row, prev = (size_t)-1;
	int k;

	section(out, "Time series (derived.csv)");
	pathf(path, sizeof(path), "%s/derived.csv", r->dir);
	if (csv_load(&t, path) || !t.nrows) {
		fprintf(out, "(no samples: %s)\n", path);
		if (t.ncols)
			csv_free(&t);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(ts_cols); i++)
		cols[i] = csv_col(&t, ts_cols[i].col);
	if (during && rd_phase(r, during, &from, &to))
		from = to = -1;
	fprintf(out, "%zu samples, %d shown%s%s%s\n", t.nrows,
		t.nrows < TS_ROWS ? (int)t.nrows : TS_ROWS,
		from >= 0 ? "; * = during phase " : "", from >= 0 ? during : "",
		from >= 0 ? "" : "");
	for (k = 0; k < 2; k++) {
		fputc(' ', out);
		for (i = 0; i < ARRAY_SIZE(ts_cols); i++)
			fprintf(out, "%s%*s", i ? " " : "", ts_cols[i].width,
				k ? ts_cols[i].unit : ts_cols[i].head);
		fputc('\n', out);
	}
	for (k = 0; k < TS_ROWS; k++) {
		double ts;

		row = (size_t)llround((double)k * (double)(t.nrows - 1) /
				      (TS_ROWS - 1));
		if (row == prev || row >= t.nrows)
			continue;
		prev = row;
		ts = csv_at(&t, row, 0);
		fputc(from >= 0 && ts >= from && ts <= to ? '*' : ' ', out);
		for (i = 0; i < ARRAY_SIZE(ts_cols); i++) {
			double x = cols[i] >= 0 ? csv_at(&t, row, cols[i]) :
						  NAN;

			if (i == 0)
				snprintf(v, sizeof(v), "%.1f", x);
			else
				num(v, sizeof(v), x);
			fprintf(out, "%s%*s", i ? " " : "", ts_cols[i].width,
				v);
		}
		fputc('\n', out);
	}
	csv_free(&t);
}

static void kernel_log(FILE *out, const struct rd_run *r)
{
	static const char *const files[] = { "dmesg.txt", "console.log" };
	char path[RD_PATH_MAX], *s = NULL, *line, *save;
	int count[ARRAY_SIZE(log_pat)] = { 0 }, shown = 0, after = 0;
	size_t i, f, n;
	char sum[512];

	section(out, "Kernel log");
	for (f = 0; f < ARRAY_SIZE(files) && !s; f++) {
		pathf(path, sizeof(path), "%s/%s", r->dir, files[f]);
		s = read_regular(path, 16 << 20, NULL);
	}
	if (!s) {
		fprintf(out,
			"(no dmesg.txt or console.log: a --local run does not keep the kernel log)\n");
		return;
	}
	fprintf(out, "From %s:\n", path);
	for (line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool hit = false;

		for (i = 0; i < ARRAY_SIZE(log_pat); i++)
			if (strstr(line, log_pat[i].needle)) {
				count[i]++;
				hit = true;
				if (log_pat[i].after > after)
					after = log_pat[i].after;
				break;
			}
		if (!hit && after <= 0)
			continue;
		if (!hit)
			after--;
		if (shown++ < LOG_LINES)
			fprintf(out, "  %.*s\n", LOG_COLS, line);
	}
	if (shown > LOG_LINES)
		fprintf(out, "  ... %d more lines\n", shown - LOG_LINES);
	n = 0;
	for (i = 0; i < ARRAY_SIZE(log_pat); i++)
		if (log_pat[i].what)
			n += (size_t)snprintf(sum + n, sizeof(sum) - n,
					      "%s%s %d", n ? ", " : "",
					      log_pat[i].what, count[i]);
	text_wrap(out, 0, "Counts: ", sum, 8);
	free(s);
}

static void write_report(FILE *out, const struct rd_run *r,
			 const struct scenario *sc)
{
	const char *rel = rd_meta_str(r, "kernel", "release");
	const char *ver = rd_meta_str(r, "kernel", "version");
	const char *cmdline = rd_meta_str(r, "kernel", "cmdline");
	json_t *mem = json_object_get(r->meta, "mem_total_kB");
	json_t *cpus = json_object_get(r->meta, "cpus");
	json_t *el = json_object_get(r->summary, "elapsed_s");
	char title[256], line[2048];
	size_t i;

	snprintf(title, sizeof(title), "mmrepro report: %s on %s",
		 rd_scenario(r)[0] ? rd_scenario(r) : "(no scenario)",
		 rel ? rel : "an unknown kernel");
	fprintf(out, "%s\n", title);
	for (i = 0; i < strlen(title); i++)
		fputc('=', out);
	snprintf(line, sizeof(line), "%s%s%s", r->verdict,
		 r->reason[0] ? ": " : "", r->reason);
	fprintf(out, "\n\n");
	text_wrap(out, 0, "Verdict:  ", line, 10);
	fprintf(out, "\n");
	if (sc) {
		snprintf(line, sizeof(line), "%s: %s", sc->name,
			 sc->description);
		text_wrap(out, 0, "Scenario: ", line, 10);
		if (sc->thread[0])
			text_wrap(out, 0, "From:     ", sc->thread, 10);
	}
	fprintf(out, "Kernel:   %s\n", rel ? rel : "unknown");
	if (ver)
		text_wrap(out, 0, "          ", ver, 10);
	if (cmdline)
		text_wrap(out, 0, "Cmdline:  ", cmdline, 10);
	fprintf(out, "Machine:  %lld CPUs, %.1f GiB, %s%s\n",
		(long long)json_integer_value(cpus),
		(double)json_integer_value(mem) / (1 << 20), r->accel,
		strcmp(r->accel, "local") ? " guest" : " (this host)");
	if (json_is_number(el)) {
		snprintf(line, sizeof(line), "%s, %.0f s, results in %s",
			 rd_meta_str(r, "start_utc", NULL) ?
				 rd_meta_str(r, "start_utc", NULL) :
				 "?",
			 json_number_value(el), r->dir);
		text_wrap(out, 0, "Run:      ", line, 10);
	}
	print_knobs(out, r, sc);
	print_reproduce(out, r, sc);
	print_metrics(out, r);
	print_fingerprint(out, r);
	print_tracepoints(out, r);
	print_series(out, r, sc ? sc->during : NULL);
	kernel_log(out, r);
}

/* ---- --bundle ---- */

/* A regular file of the run, never through a link (refused aloud) */
static int copy_file(const char *src, const char *dst)
{
	size_t len;
	char *s = read_regular(src, 256 << 20, &len);
	int ret;

	if (!s)
		return -errno;
	ret = write_file(dst, s, len);
	free(s);
	return ret;
}

static void copy_into(const char *src_dir, const char *name, const char *dst)
{
	char a[RD_PATH_MAX], b[RD_PATH_MAX];

	pathf(a, sizeof(a), "%s/%s", src_dir, name);
	pathf(b, sizeof(b), "%s/%s", dst, name);
	copy_file(a, b);
}

/* Every regular file of src/SUB ending in `ext' (or all: NULL) */
static void copy_dir(const char *src, const char *sub, const char *ext,
		     const char *dst)
{
	char a[RD_PATH_MAX], b[RD_PATH_MAX];
	struct dirent **de;
	struct stat st;
	int n, i;

	pathf(a, sizeof(a), "%s/%s", src, sub);
	if (lstat(a, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		warn_refused(a, S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR);
		return;
	}
	n = scandir(a, &de, NULL, alphasort);
	if (n < 0)
		return;
	pathf(b, sizeof(b), "%s/%s", dst, sub);
	mkdir_p(b, 0755);
	for (i = 0; i < n; i++) {
		size_t l = strlen(de[i]->d_name);
		char x[RD_PATH_MAX], y[RD_PATH_MAX];

		pathf(x, sizeof(x), "%s/%s", a, de[i]->d_name);
		if (!lstat(x, &st) && !S_ISDIR(st.st_mode) &&
		    (!ext || (l > strlen(ext) &&
			      !strcmp(de[i]->d_name + l - strlen(ext), ext)))) {
			pathf(y, sizeof(y), "%s/%s", b, de[i]->d_name);
			copy_file(x, y);
		}
		free(de[i]);
	}
	free(de);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int run_tar(const char *file, const char *dir, const char *name)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execlp("tar", "tar", "-czf", file, "-C", dir, name,
		       (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

/*
 * The bundle's reproduce.sh runs the scenario file of the bundle (the
 * run's named it where it was): from the directory it was unpacked in
 */
static void bundle_reproduce(const char *top, const struct rd_run *r,
			     const char *scname)
{
	char path[RD_PATH_MAX], *buf = NULL;
	size_t len = 0, n = strlen(scname);
	FILE *f;
	int i;

	if (!r->argc)
		return;
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	fprintf(f,
		"#!/bin/sh\n# the command that made this run, with the scenario file of\n"
		"# this bundle: run it from where the bundle was unpacked\n"
		"cd \"$(dirname \"$0\")\" || exit 1\nexec mmrepro");
	for (i = 1; i < r->argc; i++) {
		const char *a = r->argv[i];
		size_t l = strlen(a);
		bool scen = i > 1 && (!strcmp(a, rd_scenario(r)) ||
				      (l >= n && !strcmp(a + l - n, scname) &&
				       (l == n || a[l - n - 1] == '/')));

		if (scen)
			fprintf(f, " './%s'", scname);
		else
			fprintf(f, " '%s'", a);
	}
	fputc('\n', f);
	fclose(f);
	pathf(path, sizeof(path), "%s/reproduce.sh", top);
	write_file(path, buf, len);
	chmod(path, 0755);
	free(buf);
}

/* report.txt, the run's files and its scenario, into the bundle */
static void bundle_files(const char *top, const struct rd_run *r,
			 const struct scenario *sc, const char *scfile)
{
	static const char *const files[] = { "reproduce.sh", "verdict",
					     "meta.json",    "summary.json",
					     "derived.csv",  "dmesg.txt",
					     "console.log",  "vm.json" };
	char src[4096], base[RD_PATH_MAX], safe[128];
	FILE *f;
	int i;

	pathf(src, sizeof(src), "%s/report.txt", top);
	f = fopen(src, "we");
	if (f) {
		write_report(f, r, sc);
		fclose(f);
	}
	for (i = 0; i < (int)ARRAY_SIZE(files); i++)
		copy_into(r->dir, files[i], top);
	copy_dir(r->dir, "samples", ".csv", top);
	copy_dir(r->dir, "phases", ".log", top);
	/* the tracer's results and raw traces, and /proc at start and end */
	copy_dir(r->dir, "trace", NULL, top);
	copy_dir(r->dir, ".", ".trace", top);
	copy_dir(r->dir, "snapshots/start", NULL, top);
	copy_dir(r->dir, "snapshots/end", NULL, top);
	if (scfile[0]) {
		snprintf(base, sizeof(base), "%s", scfile);
		pathf(src, sizeof(src), "%s/%s", top,
		      safe_name(safe, sizeof(safe), basename(base)));
		copy_file(scfile, src);
		bundle_reproduce(top, r, basename(base));
	}
}

/* The sources of the scenario's repro programs, into the bundle */
static void bundle_repro(const char *top, const struct scenario *sc)
{
	char names[8][64], src[4096];
	int i, n;

	n = repro_names(sc, names, 8);
	if (n) {
		pathf(src, sizeof(src), "%s/repro", top);
		mkdir_p(src, 0755);
	}
	for (i = 0; i < n; i++) {
		char from[4096], to[RD_PATH_MAX];

		if (repro_source(names[i], from, sizeof(from))) {
			warnx_("report: repro/%s.c: not found next to %s; not in the bundle",
			       names[i], progname);
			continue;
		}
		pathf(to, sizeof(to), "%s/repro/%s.c", top, names[i]);
		copy_file(from, to);
	}
}

/* The run's own plots, over time */
static void bundle_plots(const char *top, const struct rd_run *r,
			 const struct scenario *sc, const char *rel,
			 const char *runname)
{
	struct plot_files pf = { 0 };
	struct plot_side ps;
	struct rd_set one;
	char src[4096], label[400];

	memset(&one, 0, sizeof(one));
	one.arg = (char *)r->dir;
	one.n = 1;
	one.run = (struct rd_run *)r;
	ps.set = &one;
	snprintf(label, sizeof(label), "%s, run %s",
		 rel ? rel : "unknown kernel", runname);
	ps.label = label;
	pathf(src, sizeof(src), "%s/plots", top);
	plot_series(&ps, 1, rd_scenario(r), sc ? sc->during : "", src, &pf);
	plot_files_free(&pf);
}

static void write_bundle(const char *file, const struct rd_run *r,
			 const struct scenario *sc, const char *scfile)
{
	char tmp[] = "/tmp/mmrepro-bundle.XXXXXX", top[RD_PATH_MAX];
	char name[512], path[RD_PATH_MAX], abs[RD_PATH_MAX];
	char base[RD_PATH_MAX], runname[128];
	char safe[3][128];
	const char *rel = rd_meta_str(r, "kernel", "release");
	int ret;

	/* tar runs in the staging directory: the output path must be whole */
	snprintf(base, sizeof(base), "%s", file);
	if (!realpath(dirname(base), abs))
		die("report: --bundle %s: %s", file, strerror(errno));
	snprintf(base, sizeof(base), "%s", file);
	pathf(path, sizeof(path), "%s/%s", abs, basename(base));
	if (!mkdtemp(tmp))
		die("report: mkdtemp: %s", strerror(errno));
	snprintf(base, sizeof(base), "%s", r->dir);
	snprintf(runname, sizeof(runname), "%s", basename(base));
	/* from meta.json: each one path component, whatever it says */
	snprintf(name, sizeof(name), "mmrepro-%s-%s-%s",
		 safe_name(safe[0], sizeof(safe[0]),
			   rd_scenario(r)[0] ? rd_scenario(r) : "run"),
		 safe_name(safe[1], sizeof(safe[1]), rel ? rel : "unknown"),
		 safe_name(safe[2], sizeof(safe[2]), runname));
	pathf(top, sizeof(top), "%s/%s", tmp, name);
	mkdir_p(top, 0755);

	bundle_files(top, r, sc, scfile);
	bundle_repro(top, sc);
	bundle_plots(top, r, sc, rel, runname);

	ret = run_tar(path, tmp, name);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (ret)
		die("report: tar -czf %s failed", path);
	fprintf(stderr, "%s: report: bundle %s\n", progname, path);
}

int cmd_report(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis = "RUN_DIR [--bundle FILE.tar.gz]",
		.summary =
			"A plain-text bug report of one run: kernel, cmdline, knobs, the\n"
			"scenario and the thread it comes from, the command to reproduce\n"
			"it, the verdict, the metrics, a time-series table and the kernel\n"
			"log's OOM kills, WARNINGs and allocation failures. --bundle adds\n"
			"a tarball with the report, the reproducers' C files, the scenario\n"
			"file (which its reproduce.sh runs), the CSVs, the tracer's results\n"
			"and raw traces, the start and end snapshots, the kernel log and\n"
			"plots.",
		.permute = true,
	};
	const char *bundle_file = NULL;
	const struct opt opts[] = {
		OPT_STR('b', "bundle", &bundle_file, "FILE",
			"also write a .tar.gz bundle"),
		OPT_TABLE_END,
	};
	int i = opt_parse(argc, argv, "report", &u, opts);
	char err[RD_PATH_MAX + 256], scfile[4096];
	struct scenario *sc;
	struct rd_set s;

	if (argc - i != 1)
		die("report: give one run directory (see 'mmrepro report --help')");
	if (rd_load(&s, argv[i], err, sizeof(err))) {
		/* a run's own error, or none that names a file deep below */
		pathf(scfile, sizeof(scfile), "%s/summary.json", argv[i]);
		if (access(scfile, F_OK) &&
		    (pathf(scfile, sizeof(scfile), "%s/meta.json", argv[i]),
		     access(scfile, F_OK)))
			die("report: %s is not a run directory (no summary.json in it)",
			    argv[i]);
		die("report: %s", err);
	}
	if (s.n > 1)
		die("report: %s holds %d runs; give one of them (e.g. %s)",
		    argv[i], s.n, s.run[0].dir);
	sc = load_scenario(&s.run[0], scfile, sizeof(scfile));
	write_report(stdout, &s.run[0], sc);
	fflush(stdout);
	if (bundle_file)
		write_bundle(bundle_file, &s.run[0], sc, scfile);
	free(sc);
	rd_free(&s);
	return 0;
}
