// SPDX-License-Identifier: GPL-2.0
/*
 * Parser tests.  Every fixture kernel under fixtures/ is parsed by each
 * source and checked value by value against a second, deliberately
 * naive reader (sscanf on the same file), so the expected values come
 * from the captured files and not from this code.  Malformed, truncated
 * and missing inputs are built in a temporary root.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler.h"
#include "source.h"
#include "util.h"
#include "vm.h"

#define FIXTURES "harness/tests/fixtures"
#define MAX_FIX 16

static char *fixdirs[MAX_FIX];
static int nfix;

static void find_fixtures(void)
{
	struct dirent *de;
	DIR *d = opendir(FIXTURES);

	if (!d)
		return;
	while ((de = readdir(d)) && nfix < MAX_FIX) {
		char p[600];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/proc/vmstat", FIXTURES,
			 de->d_name);
		if (stat(p, &st))
			continue;
		p[strlen(p) - strlen("/proc/vmstat")] = '\0';
		fixdirs[nfix++] = strdup(p);
	}
	closedir(d);
}

struct fx {
	char proc[400];
	char sys[400];
	struct mm_env env;
	struct mm_src src;
};

static void fx_open(struct fx *f, const char *dir,
		    const struct mm_source_ops *ops)
{
	snprintf(f->proc, sizeof(f->proc), "%s/proc", dir);
	snprintf(f->sys, sizeof(f->sys), "%s/sys", dir);
	f->env.proc_root = f->proc;
	f->env.sys_root = f->sys;
	assert_int_equal(src_open(&f->src, ops, &f->env), 0);
	assert_true(f->src.present);
	assert_int_equal(src_sample(&f->src), 0);
}

static int64_t col(const struct mm_src *s, const char *fmt, ...)
{
	char name[128];
	va_list ap;
	int c;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	c = src_find_col(s, name);
	if (c < 0)
		fail_msg("column %s not found in %s", name, s->ops->name);
	return s->vals[c];
}

static FILE *fopen_fix(const char *dir, const char *rel)
{
	char p[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "r");
	if (!f)
		fail_msg("%s: %s", p, strerror(errno));
	return f;
}

static void test_fixture_count(void **state)
{
	(void)state;
	/* 6.1, 6.12 and the host's kernel at least: never pass by skipping */
	assert_true(nfix >= 3);
}

static void test_vmstat_all_values(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct fx f;
		char k[128];
		long long v;
		int lines = 0;
		FILE *fp = fopen_fix(fixdirs[i], "proc/vmstat");

		fx_open(&f, fixdirs[i], &src_vmstat);
		while (fscanf(fp, "%127s %lld", k, &v) == 2) {
			assert_int_equal(col(&f.src, "%s", k), v);
			lines++;
		}
		fclose(fp);
		assert_int_equal(f.src.ncols, lines);
		assert_int_equal(f.src.bad_lines, 0);
		assert_int_equal(f.src.unknown, 0);
		src_free(&f.src);
	}
}

static void test_meminfo_all_values(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct fx f;
		char line[256], k[128];
		long long v;
		int lines = 0;
		FILE *fp = fopen_fix(fixdirs[i], "proc/meminfo");

		fx_open(&f, fixdirs[i], &src_meminfo);
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "%127[^:]: %lld", k, &v) != 2)
				continue;
			assert_int_equal(col(&f.src, "%s", k), v);
			lines++;
		}
		fclose(fp);
		assert_int_equal(f.src.ncols, lines);
		assert_true(col(&f.src, "MemTotal") > 0);
		src_free(&f.src);
	}
}

static void test_buddyinfo_all_values(void **state)
{
	int i, zones_total = 0;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct fx f;
		char line[512], zone[32];
		int node, off, n, o, zones = 0;
		long long v;
		double o3 = 0;
		FILE *fp = fopen_fix(fixdirs[i], "proc/buddyinfo");

		fx_open(&f, fixdirs[i], &src_buddyinfo);
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "Node %d, zone %31s%n", &node, zone,
				   &off) != 2)
				continue;
			zones++;
			for (o = 0; sscanf(line + off, "%lld%n", &v, &n) == 1;
			     o++, off += n) {
				assert_int_equal(col(&f.src, "node%d_%s_o%d",
						     node, zone, o),
						 v);
				if (o >= 3)
					o3 += (double)v;
			}
			assert_true(o >= 11);
		}
		fclose(fp);
		zones_total += zones;
		assert_true(zones >= 2);
		/* the derived order>=3 total agrees with the file */
		for (o = 0; o < f.src.ndrv; o++)
			if (!strcmp(f.src.drv[o].name, "free_o3plus_blocks"))
				assert_true(src_derive(&f.src, o, NULL,
						       f.src.vals, 0) == o3);
		src_free(&f.src);
	}
	assert_true(zones_total >= 3 * nfix);
}

static void test_pagetypeinfo_all_values(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct fx f;
		char line[1024], zone[32], type[32], types[8][32];
		int node, off, n, o, ntypes = 0, rows = 0, brows = 0;
		long long v;
		FILE *fp = fopen_fix(fixdirs[i], "proc/pagetypeinfo");

		fx_open(&f, fixdirs[i], &src_pagetypeinfo);
		while (fgets(line, sizeof(line), fp)) {
			if (!strncmp(line, "Number of blocks type", 21)) {
				off = 21;
				while (ntypes < 8 &&
				       sscanf(line + off, "%31s%n",
					      types[ntypes], &n) == 1) {
					ntypes++;
					off += n;
				}
				continue;
			}
			if (sscanf(line, "Node %d, zone %31[^,], type %31s%n",
				   &node, zone, type, &off) == 3) {
				char *z = zone + strspn(zone, " ");

				for (o = 0;
				     sscanf(line + off, " %*[>]%lld%n", &v,
					    &n) == 1 ||
				     sscanf(line + off, "%lld%n", &v, &n) == 1;
				     o++, off += n)
					assert_int_equal(col(&f.src,
							     "node%d_%s_%s_o%d",
							     node, z, type, o),
							 v);
				rows++;
				continue;
			}
			if (ntypes && sscanf(line, "Node %d, zone %31s%n",
					     &node, zone, &off) == 2) {
				for (o = 0;
				     o < ntypes &&
				     sscanf(line + off, "%lld%n", &v, &n) == 1;
				     o++, off += n)
					assert_int_equal(
						col(&f.src,
						    "node%d_%s_blocks_%s", node,
						    zone, types[o]),
						v);
				brows++;
			}
		}
		fclose(fp);
		assert_true(rows >= 3);
		assert_true(brows >= 2);
		assert_true(ntypes >= 3);
		assert_true(col(&f.src, "pageblock_order") >= 9);
		assert_int_equal(f.src.bad_lines, 0);
		src_free(&f.src);
	}
}

static void test_psi_all_values(void **state)
{
	int i, seen = 0;

	(void)state;
	for (i = 0; i < nfix; i++) {
		char p[600];
		struct fx f;
		double a10, a60, a300;
		long long tot;
		char kind[8];
		FILE *fp;

		snprintf(p, sizeof(p), "%s/proc/pressure/memory", fixdirs[i]);
		if (access(p, R_OK))
			continue;
		seen++;
		fp = fopen_fix(fixdirs[i], "proc/pressure/memory");
		fx_open(&f, fixdirs[i], &src_psi);
		while (fscanf(fp,
			      "%7s avg10=%lf avg60=%lf avg300=%lf total=%lld",
			      kind, &a10, &a60, &a300, &tot) == 5) {
			assert_int_equal(col(&f.src, "%s_avg10", kind),
					 llround(a10 * 100));
			assert_int_equal(col(&f.src, "%s_avg60", kind),
					 llround(a60 * 100));
			assert_int_equal(col(&f.src, "%s_avg300", kind),
					 llround(a300 * 100));
			assert_int_equal(col(&f.src, "%s_total", kind), tot);
		}
		fclose(fp);
		src_free(&f.src);
	}
	assert_true(seen >= 3);
}

static void test_kthreads_all_values(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct fx f;
		struct dirent *de;
		char p[700], comm[32], buf[1024];
		int found = 0, nodes = 0;
		DIR *d;

		fx_open(&f, fixdirs[i], &src_kthreads);
		d = opendir(f.proc);
		assert_non_null(d);
		while ((de = readdir(d))) {
			unsigned long long ut, st, run;
			FILE *fp;
			char *rp;

			snprintf(p, sizeof(p), "%s/%s/comm", f.proc,
				 de->d_name);
			fp = fopen(p, "r");
			if (!fp)
				continue;
			if (!fgets(comm, sizeof(comm), fp))
				comm[0] = '\0';
			fclose(fp);
			comm[strcspn(comm, "\n")] = '\0';
			if (strncmp(comm, "kswapd", 6) &&
			    strncmp(comm, "kcompactd", 9))
				continue;
			nodes += !strncmp(comm, "kswapd", 6);
			snprintf(p, sizeof(p), "%s/%s/stat", f.proc,
				 de->d_name);
			fp = fopen(p, "r");
			assert_non_null(fp);
			assert_non_null(fgets(buf, sizeof(buf), fp));
			fclose(fp);
			rp = strrchr(buf, ')');
			assert_int_equal(
				sscanf(rp + 2,
				       "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu",
				       &ut, &st),
				2);
			assert_int_equal(col(&f.src, "%s_utime_ticks", comm),
					 ut);
			assert_int_equal(col(&f.src, "%s_stime_ticks", comm),
					 st);
			snprintf(p, sizeof(p), "%s/%s/schedstat", f.proc,
				 de->d_name);
			fp = fopen(p, "r");
			if (fp) {
				assert_int_equal(fscanf(fp, "%llu", &run), 1);
				fclose(fp);
				assert_int_equal(col(&f.src, "%s_run_ns", comm),
						 run);
			}
			found++;
		}
		closedir(d);
		assert_true(nodes >= 1);
		assert_int_equal(found * 3, f.src.ncols);
		src_free(&f.src);
	}
}

static void test_zram_all_values(void **state)
{
	int i, seen = 0, written = 0;

	(void)state;
	for (i = 0; i < nfix; i++) {
		char p[600];
		struct fx f;
		long long v;
		int k = 0;
		FILE *fp;

		snprintf(p, sizeof(p), "%s/sys/block/zram0/mm_stat",
			 fixdirs[i]);
		if (access(p, R_OK))
			continue;
		seen++;
		fx_open(&f, fixdirs[i], &src_zram);
		fp = fopen(p, "r");
		while (fscanf(fp, "%lld", &v) == 1) {
			assert_int_equal(f.src.vals[k], v);
			k++;
		}
		fclose(fp);
		assert_true(k >= 8);
		assert_string_equal(f.src.cols[1].name,
				    "zram0_compr_data_size");
		/* guests wrote 6 MiB to an initialised device (SOURCE.md) */
		snprintf(p, sizeof(p), "%s/sys/block/zram0/disksize",
			 fixdirs[i]);
		fp = fopen(p, "r");
		if (fp && fscanf(fp, "%lld", &v) == 1 && v > 0) {
			assert_int_equal(col(&f.src, "zram0_orig_data_size"),
					 6 << 20);
			written++;
		}
		if (fp)
			fclose(fp);
		src_free(&f.src);
	}
	assert_true(seen >= 3);
	assert_true(written >= 3);
}

static void test_snmp_all_values(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nfix; i++) {
		struct fx f;
		char names[512], vals[512], name[64];
		int no, nv, k = 0;
		long long v;
		FILE *fp = fopen_fix(fixdirs[i], "proc/net/snmp");
		char *pn, *pv;

		fx_open(&f, fixdirs[i], &src_snmp);
		names[0] = vals[0] = '\0';
		while (fgets(names, sizeof(names), fp))
			if (!strncmp(names, "Udp: ", 5) &&
			    fgets(vals, sizeof(vals), fp))
				break;
		fclose(fp);
		pn = names + 4;
		pv = vals + 4;
		while (sscanf(pn, "%63s%n", name, &no) == 1 &&
		       sscanf(pv, "%lld%n", &v, &nv) == 1) {
			assert_int_equal(col(&f.src, "Udp_%s", name), v);
			pn += no;
			pv += nv;
			k++;
		}
		assert_true(k >= 7);
		assert_int_equal(f.src.ncols, k);
		src_free(&f.src);
	}
}

/* ---- crafted inputs ---- */

static char tmproot[64];

static void put(const char *rel, const char *text)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%s", tmproot, rel);
	assert_int_equal(write_file(p, text, strlen(text)), 0);
}

static int tmp_setup(void **state)
{
	(void)state;
	snprintf(tmproot, sizeof(tmproot), "/tmp/mmrepro-test-XXXXXX");
	if (!mkdtemp(tmproot))
		return -1;
	return 0;
}

static int tmp_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmproot);
	return system(cmd);
}

static void test_vmstat_malformed(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	struct mm_src s;

	(void)state;
	put("vmstat", "nr_free_pages 100\npgscan_kswapd 5\npgscan_direct 7\n"
		      "allocstall_normal 1\nallocstall_movable 2\n");
	assert_int_equal(src_open(&s, &src_vmstat, &env), 0);
	assert_int_equal(s.ncols, 5);
	/* a line without value, garbage, an unknown key, a truncated end */
	put("vmstat", "nr_free_pages 90\npgscan_kswapd\npgscan_direct x7\n"
		      "brand_new_counter 3\nallocstall_normal 4");
	assert_int_equal(src_sample(&s), 0);
	assert_int_equal(col(&s, "nr_free_pages"), 90);
	assert_true(col(&s, "pgscan_kswapd") == MM_MISSING);
	assert_true(col(&s, "pgscan_direct") == MM_MISSING);
	assert_int_equal(col(&s, "allocstall_normal"), 4);
	assert_true(col(&s, "allocstall_movable") == MM_MISSING);
	assert_int_equal(s.bad_lines, 2);
	assert_int_equal(s.unknown, 1);
	src_free(&s);
}

/* nr_free_pages_blocks (6.15+) as MiB, and nothing where it is absent */
static void test_vmstat_free_blocks(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	double mib = sysconf(_SC_PAGESIZE) / 1048576.0;
	struct mm_src s;
	int d, found = 0;

	(void)state;
	put("vmstat", "nr_free_pages 900\nnr_free_pages_blocks 512\n");
	assert_int_equal(src_open(&s, &src_vmstat, &env), 0);
	assert_int_equal(src_sample(&s), 0);
	for (d = 0; d < s.ndrv; d++) {
		if (strcmp(s.drv[d].name, "free_pages_blocks_MiB"))
			continue;
		assert_true(fabs(src_derive(&s, d, NULL, s.vals, 1) -
				 512 * mib) < 1e-9);
		found++;
	}
	assert_int_equal(found, 1);
	src_free(&s);
	put("vmstat", "nr_free_pages 900\n");
	assert_int_equal(src_open(&s, &src_vmstat, &env), 0);
	for (d = 0; d < s.ndrv; d++)
		assert_string_not_equal(s.drv[d].name, "free_pages_blocks_MiB");
	src_free(&s);
}

static void test_vmstat_rates(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	int64_t prev[8];
	struct mm_src s;
	int d, found = 0;

	(void)state;
	put("vmstat", "pgscan_kswapd 1000\nallocstall_dma32 10\n"
		      "allocstall_normal 20\n");
	assert_int_equal(src_open(&s, &src_vmstat, &env), 0);
	assert_int_equal(src_sample(&s), 0);
	memcpy(prev, s.vals, sizeof(int64_t) * (size_t)s.ncols);
	put("vmstat", "pgscan_kswapd 1600\nallocstall_dma32 13\n"
		      "allocstall_normal 29\n");
	assert_int_equal(src_sample(&s), 0);
	for (d = 0; d < s.ndrv; d++) {
		double r = src_derive(&s, d, prev, s.vals, 0.5);

		if (!strcmp(s.drv[d].name, "pgscan_kswapd_per_s")) {
			assert_true(fabs(r - (1600 - 1000) / 0.5) < 1e-9);
			found++;
		}
		/* split per zone since 4.8: summed back into one rate */
		if (!strcmp(s.drv[d].name, "allocstall_per_s")) {
			assert_true(fabs(r - ((13 - 10) + (29 - 20)) / 0.5) <
				    1e-9);
			found++;
		}
		/* no previous sample: no rate */
		assert_true(isnan(src_derive(&s, d, NULL, s.vals, 0.5)));
	}
	assert_int_equal(found, 2);
	/* a counter that went backwards (reset) gives no rate */
	prev[0] = 5000;
	for (d = 0; d < s.ndrv; d++)
		if (!strcmp(s.drv[d].name, "pgscan_kswapd_per_s"))
			assert_true(isnan(src_derive(&s, d, prev, s.vals, 1)));
	src_free(&s);
}

static void test_buddyinfo_truncated(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	struct mm_src s;

	(void)state;
	put("buddyinfo", "Node 0, zone      DMA      1      2      3      4\n"
			 "Node 0, zone    DMA32     10     20     30     40\n");
	assert_int_equal(src_open(&s, &src_buddyinfo, &env), 0);
	assert_int_equal(s.ncols, 8);
	put("buddyinfo", "Node 0, zone      DMA      5      6\n"
			 "Node 0, zone    DMA32     11     x1     31     41\n"
			 "Node zero, zone Normal 1 2 3 4\n"
			 "Node 1, zone   Normal      1      1      1      1\n");
	assert_int_equal(src_sample(&s), 0);
	assert_int_equal(col(&s, "node0_DMA_o0"), 5);
	assert_int_equal(col(&s, "node0_DMA_o1"), 6);
	assert_true(col(&s, "node0_DMA_o2") == MM_MISSING);
	assert_int_equal(col(&s, "node0_DMA32_o0"), 11);
	assert_true(col(&s, "node0_DMA32_o1") == MM_MISSING);
	assert_int_equal(s.bad_lines, 2);
	assert_int_equal(s.unknown, 1);
	src_free(&s);
}

static void test_pagetypeinfo_overflow(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	struct mm_src s;
	int d;

	(void)state;
	put("pagetypeinfo",
	    "Page block order: 9\nPages per block:  512\n\n"
	    "Free pages count per migrate type at order       0      1      2      3\n"
	    "Node    0, zone   Normal, type    Unmovable      1      2      3      4\n"
	    "Node    0, zone   Normal, type      Movable >100000  50000      7      9\n\n"
	    "Number of blocks type     Unmovable      Movable  Reclaimable\n"
	    "Node 0, zone   Normal          12          900            3\n");
	assert_int_equal(src_open(&s, &src_pagetypeinfo, &env), 0);
	assert_int_equal(src_sample(&s), 0);
	assert_int_equal(col(&s, "node0_Normal_Movable_o0"), 100000);
	assert_int_equal(col(&s, "node0_Normal_Movable_o3"), 9);
	assert_int_equal(col(&s, "node0_Normal_blocks_Movable"), 900);
	assert_int_equal(col(&s, "pageblock_order"), 9);
	for (d = 0; d < s.ndrv; d++) {
		if (!strcmp(s.drv[d].name, "pageblocks_Reclaimable"))
			assert_true(src_derive(&s, d, NULL, s.vals, 0) == 3);
		if (!strcmp(s.drv[d].name, "free_Unmovable_o3plus_blocks"))
			assert_true(src_derive(&s, d, NULL, s.vals, 0) == 4);
	}
	src_free(&s);
}

/* The value of the derived metric NAME (fail when there is none) */
static double drv(const struct mm_src *s, const char *name)
{
	int d;

	for (d = 0; d < s->ndrv; d++)
		if (!strcmp(s->drv[d].name, name))
			return src_derive(s, d, NULL, s->vals, 1);
	fail_msg("no derived metric %s in %s", name, s->ops->name);
	return NAN;
}

/*
 * mm_stat shorter than its three first fields (orig, compr, mem_used):
 * the sums take what is there, never the columns after it (io_stat's,
 * or the next device's).
 */
static void test_zram_truncated(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	const double mib = 1.0 / (1 << 20);
	char p[300];
	struct mm_src s;

	(void)state;
	snprintf(p, sizeof(p), "%s/block/zram0", tmproot);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/block/zram1", tmproot);
	assert_int_equal(mkdir_p(p, 0755), 0);
	put("block/zram0/mm_stat", "100 200\n");
	put("block/zram0/io_stat", "1 2 3 4\n");
	put("block/zram1/mm_stat", "\n");
	put("block/zram1/io_stat", "5 6 7 8\n");
	assert_int_equal(src_open(&s, &src_zram, &env), 0);
	assert_int_equal(src_sample(&s), 0);
	assert_int_equal(col(&s, "zram0_orig_data_size"), 100);
	assert_int_equal(col(&s, "zram0_compr_data_size"), 200);
	assert_int_equal(col(&s, "zram0_failed_reads"), 1);
	assert_int_equal(col(&s, "zram1_failed_reads"), 5);
	assert_true(fabs(drv(&s, "orig_data_MiB") - 100 * mib) < 1e-12);
	assert_true(fabs(drv(&s, "compr_data_MiB") - 200 * mib) < 1e-12);
	/* neither device has mem_used_total */
	assert_true(isnan(drv(&s, "mem_used_MiB")));
	src_free(&s);
}

/* a zone name as long as the buffer: the row is not taken */
static void test_pagetypeinfo_long_zone(void **state)
{
	struct mm_env env = { tmproot, tmproot };
	struct mm_src s;

	(void)state;
	put("pagetypeinfo",
	    "Page block order: 9\nPages per block:  512\n\n"
	    "Free pages count per migrate type at order       0      1      2      3\n"
	    "Node    0, zone   Normal, type    Unmovable      1      2      3      4\n\n"
	    "Number of blocks type     Unmovable      Movable  Reclaimable\n"
	    "Node 0, zone   Normal          12          900            3\n"
	    "Node 0, zone ABCDEFGHIJKLMNOP          1          2            3\n");
	assert_int_equal(src_open(&s, &src_pagetypeinfo, &env), 0);
	assert_int_equal(src_sample(&s), 0);
	assert_int_equal(col(&s, "node0_Normal_blocks_Movable"), 900);
	assert_int_equal(
		src_find_col(&s, "node0_ABCDEFGHIJKLMNOP_blocks_Movable"), -1);
	src_free(&s);
}

static void test_missing_sources(void **state)
{
	char empty[128];
	struct mm_env env = { empty, empty };
	size_t i;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty", tmproot);
	assert_int_equal(mkdir_p(empty, 0755), 0);
	for (i = 0; i < mm_nsources; i++) {
		struct mm_src s;

		assert_true(src_open(&s, mm_sources[i], &env) < 0);
		assert_false(s.present);
		/* the reason names what is missing */
		assert_true(strlen(s.reason) > 0);
		assert_non_null(strstr(s.reason, empty));
		src_free(&s);
	}
}

/*
 * mmrepro check knows a source's series from its patterns, without a
 * kernel: every name a source declares on a fixture kernel matches one,
 * and every pattern is matched on some fixture (none is stale)
 */
static void test_series_patterns(void **state)
{
	size_t i;
	int f, d;

	(void)state;
	for (i = 0; i < mm_nsources; i++) {
		const struct mm_source_ops *ops = mm_sources[i];
		bool used[16] = { false };
		size_t k, npat = 0;

		while (ops->series && ops->series[npat])
			npat++;
		assert_true(npat > 0 && npat <= ARRAY_SIZE(used));
		for (f = 0; f < nfix; f++) {
			char proc[400], sys[400];
			struct mm_env env = { proc, sys };
			struct mm_src s;

			snprintf(proc, sizeof(proc), "%s/proc", fixdirs[f]);
			snprintf(sys, sizeof(sys), "%s/sys", fixdirs[f]);
			if (src_open(&s, ops, &env) < 0) {
				src_free(&s);
				continue;
			}
			for (d = 0; d < s.ndrv; d++) {
				if (!src_may_derive(ops, s.drv[d].name))
					fail_msg("%s: %s.%s matches no pattern",
						 fixdirs[f], ops->name,
						 s.drv[d].name);
				for (k = 0; k < npat; k++)
					used[k] |= !fnmatch(ops->series[k],
							    s.drv[d].name, 0);
			}
			src_free(&s);
		}
		for (k = 0; k < npat; k++)
			if (!used[k])
				fail_msg("%s: pattern '%s' matches nothing",
					 ops->name, ops->series[k]);
	}
	/* raw columns and made-up names are not series */
	assert_false(src_may_derive(&src_kthreads, "nope"));
	assert_false(src_may_derive(&src_vmstat, "pgscan_kswapd"));
	assert_false(src_may_derive(&src_meminfo, "MemFree"));
	assert_non_null(src_by_name("kthreads", 8));
	assert_null(src_by_name("kthread", 7));
}

/*
 * An interval of 0 divided by zero (SIGFPE) once a slow source was
 * opened: the sampler refuses it, before it writes anything
 */
static void test_sampler_interval_zero(void **state)
{
	char out[128], proc[400], sys[400];
	volatile sig_atomic_t stop = 0;
	struct sampler_cfg cfg = {
		.interval_ns = 0,
		.slow_interval_ns = NSEC_PER_SEC,
		.duration_ns = NSEC_PER_SEC,
		.quiet = true,
	};
	struct stat st;

	(void)state;
	assert_true(nfix > 0);
	snprintf(proc, sizeof(proc), "%s/proc", fixdirs[0]);
	snprintf(sys, sizeof(sys), "%s/sys", fixdirs[0]);
	snprintf(out, sizeof(out), "%s/interval0", tmproot);
	cfg.env.proc_root = proc;
	cfg.env.sys_root = sys;
	cfg.out_dir = out;
	cfg.live = stderr;
	assert_int_equal(sampler_run(&cfg, &stop), EXIT_USAGE);
	assert_int_not_equal(stat(out, &st), 0);
}

static void test_live_line_width(void **state)
{
	const struct mm_src *p[1];
	struct fx f;
	char line[512];
	const double *drv[1];
	double big[64];
	int i;

	(void)state;
	fx_open(&f, fixdirs[0], &src_vmstat);
	p[0] = &f.src;
	for (i = 0; i < 64; i++)
		big[i] = 9.9e9;
	drv[0] = big;
	{
		struct live_view *lv = live_new(p, 1);

		assert_true(live_header(line, sizeof(line)) <= 120);
		assert_true(live_line(lv, 99999.99, drv, line, sizeof(line)) <=
			    120);
		/* the vmstat columns show the value, the others a dash */
		assert_non_null(strstr(line, "9900000000"));
		assert_non_null(strstr(line, " -"));
		live_free(lv);
	}
	src_free(&f.src);
}

static void test_scan_int(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(scan_int("12.34", 5, 2, &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(scan_int("0.5", 3, 2, &v), 0);
	assert_int_equal(v, 50);
	assert_int_equal(scan_int("7", 1, 2, &v), 0);
	assert_int_equal(v, 700);
	assert_int_equal(scan_int(">100000", 7, 0, &v), 0);
	assert_int_equal(v, 100000);
	assert_int_equal(scan_int("-3", 2, 0, &v), 0);
	assert_int_equal(v, -3);
	assert_int_not_equal(scan_int("1.5", 3, 0, &v), 0);
	assert_int_not_equal(scan_int("", 0, 0, &v), 0);
	assert_int_not_equal(scan_int("99999999999999999999", 20, 0, &v), 0);
	/* the decimals not written overflow too (found by fuzz-source-psi) */
	assert_int_equal(scan_int("888888888888888888", 18, 2, &v), -ERANGE);
	assert_int_equal(scan_int("92233720368547758", 17, 2, &v), 0);
	assert_true(v == INT64_C(9223372036854775800));
	assert_int_equal(scan_int("92233720368547758.0", 19, 2, &v), 0);
	assert_true(v == INT64_C(9223372036854775800));
	assert_int_equal(scan_int("92233720368547758.1", 19, 2, &v), -ERANGE);
}

static void test_parse_units(void **state)
{
	int64_t d;
	uint64_t s;

	(void)state;
	assert_int_equal(parse_duration_ns("50ms", &d), 0);
	assert_int_equal(d, 50 * NSEC_PER_MSEC);
	assert_int_equal(parse_duration_ns("2", &d), 0);
	assert_int_equal(d, 2 * NSEC_PER_SEC);
	assert_int_equal(parse_duration_ns("1.5m", &d), 0);
	assert_int_equal(d, 90 * NSEC_PER_SEC);
	assert_int_not_equal(parse_duration_ns("abc", &d), 0);
	assert_int_not_equal(parse_duration_ns("5 parsecs", &d), 0);
	assert_int_not_equal(parse_duration_ns("-1s", &d), 0);
	assert_int_equal(parse_size("64M", &s), 0);
	assert_int_equal(s, 64ULL << 20);
	assert_int_equal(parse_size("2GiB", &s), 0);
	assert_int_equal(s, 2ULL << 30);
	assert_int_not_equal(parse_size("12Q", &s), 0);
}

/*
 * Guest consoles captured from 6.12 under TCG (fixtures/consoles/<kernel>/):
 * int3-boot.log is the int3 oops multi-threaded TCG hits when a static
 * key flips (attempt 1 of a udp-order3 run), sysrq-c.log a panic on
 * purpose after the command started.  Where each crash begins is found
 * here by a plain search, to compare with the scanner's answer.
 */
static void test_console_crashes(void **state)
{
	static const struct {
		const char *file, *first; /* first crash line's marker */
		bool int3;
	} cases[] = {
		{ "int3-boot.log", "int3: 0000 [#1]", true },
		{ "sysrq-c.log", "sysrq triggered crash", false },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char path[400], *log, *at, *start;
		struct vm_console c;

		snprintf(path, sizeof(path),
			 FIXTURES "/consoles/6.12.117+deb12-amd64/%s",
			 cases[i].file);
		log = read_file_str(path, 1 << 20, &len);
		if (!log)
			fail_msg("%s: %s", path, strerror(errno));
		at = strstr(log, cases[i].first);
		assert_non_null(at);
		while (at > log && at[-1] != '\n')
			at--;
		start = strstr(log, "mmrepro-init: command starting");
		vm_console_scan(log, len, &c);
		assert_true(c.crashed);
		assert_int_equal(c.int3, cases[i].int3);
		assert_int_equal(c.crash_before_start, !start || start > at);
		if (!cases[i].int3) /* a panic's first line is "BUG:"/"Oops:" */
			assert_true(c.crash_at <= (size_t)(at - log));
		else
			assert_int_equal(c.crash_at, (size_t)(at - log));
		free(log);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_count),
		cmocka_unit_test(test_vmstat_all_values),
		cmocka_unit_test(test_meminfo_all_values),
		cmocka_unit_test(test_buddyinfo_all_values),
		cmocka_unit_test(test_pagetypeinfo_all_values),
		cmocka_unit_test(test_psi_all_values),
		cmocka_unit_test(test_kthreads_all_values),
		cmocka_unit_test(test_zram_all_values),
		cmocka_unit_test(test_snmp_all_values),
		cmocka_unit_test(test_vmstat_malformed),
		cmocka_unit_test(test_vmstat_rates),
		cmocka_unit_test(test_vmstat_free_blocks),
		cmocka_unit_test(test_buddyinfo_truncated),
		cmocka_unit_test(test_pagetypeinfo_overflow),
		cmocka_unit_test(test_zram_truncated),
		cmocka_unit_test(test_pagetypeinfo_long_zone),
		cmocka_unit_test(test_missing_sources),
		cmocka_unit_test(test_series_patterns),
		cmocka_unit_test(test_sampler_interval_zero),
		cmocka_unit_test(test_live_line_width),
		cmocka_unit_test(test_scan_int),
		cmocka_unit_test(test_parse_units),
		cmocka_unit_test(test_console_crashes),
	};

	find_fixtures();
	return cmocka_run_group_tests_name("parsers", tests, tmp_setup,
					   tmp_teardown);
}
