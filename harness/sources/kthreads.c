// SPDX-License-Identifier: GPL-2.0
/*
 * CPU time of kswapdN and kcompactdN.  The threads are found once, by
 * scanning /proc/<pid>/comm, one per node.  utime/stime come from
 * /proc/<pid>/stat in clock ticks (10 ms: too coarse for short
 * intervals), so the run time in ns from /proc/<pid>/schedstat is
 * preferred for the CPU share when the kernel has CONFIG_SCHED_INFO.
 */
#include <errno.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../source.h"

#define MAX_THREADS 64

struct kthread {
	char comm[16];
	char pid[16];
	int stat_file;
	int sched_file; /* -1 without schedstat */
	int col; /* utime, stime, run_ns follow */
};

struct kth {
	int n;
	struct kthread t[MAX_THREADS];
};

static int by_comm(const void *a, const void *b)
{
	const struct kthread *x = a, *y = b;
	size_t lx = strlen(x->comm), ly = strlen(y->comm);

	/* kswapd2 before kswapd10 */
	return lx != ly && !strncmp(x->comm, y->comm, 6) ?
		       (int)lx - (int)ly :
		       strcmp(x->comm, y->comm);
}

static int kth_find(struct mm_src *src, struct kth *k)
{
	DIR *d = opendir(src->env->proc_root);
	struct dirent *de;
	char path[300], comm[32];

	if (!d) {
		snprintf(src->reason, sizeof(src->reason), "%s: cannot list",
			 src->env->proc_root);
		return -ENOENT;
	}
	while ((de = readdir(d)) && k->n < MAX_THREADS) {
		FILE *f;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", src->env->proc_root,
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			if ((!strncmp(comm, "kswapd", 6) &&
			     isdigit((unsigned char)comm[6])) ||
			    (!strncmp(comm, "kcompactd", 9) &&
			     isdigit((unsigned char)comm[9]))) {
				snprintf(k->t[k->n].comm, 16, "%.15s", comm);
				snprintf(k->t[k->n].pid, 16, "%.15s",
					 de->d_name);
				k->n++;
			}
		}
		fclose(f);
	}
	closedir(d);
	return 0;
}

static int kth_open(struct mm_src *src)
{
	struct kth *k = calloc(1, sizeof(*k));
	char rel[64];
	int i, ret, dsw, dcd, d;

	if (!k)
		return -ENOMEM;
	src->priv = k;
	ret = kth_find(src, k);
	if (ret)
		return ret;
	if (!k->n) {
		snprintf(src->reason, sizeof(src->reason),
			 "no kswapd or kcompactd thread in %s",
			 src->env->proc_root);
		return -ENOENT;
	}
	qsort(k->t, (size_t)k->n, sizeof(k->t[0]), by_comm);
	dsw = src_add_drv(src, MM_DRV_RATE, 1e-7, "%", "kswapd_cpu_pct");
	dcd = src_add_drv(src, MM_DRV_RATE, 1e-7, "%", "kcompactd_cpu_pct");
	for (i = 0; i < k->n; i++) {
		struct kthread *t = &k->t[i];

		snprintf(rel, sizeof(rel), "%s/stat", t->pid);
		ret = src_add_file(src, src->env->proc_root, rel);
		if (ret)
			return ret;
		t->stat_file = src->nfiles - 1;
		snprintf(rel, sizeof(rel), "%s/schedstat", t->pid);
		t->sched_file = src_add_file(src, src->env->proc_root, rel) ?
					-1 :
					src->nfiles - 1;
		src->reason[0] = '\0';
		t->col = src_add_col(src, 0, "%s_utime_ticks", t->comm);
		src_add_col(src, 0, "%s_stime_ticks", t->comm);
		src_add_col(src, 0, "%s_run_ns", t->comm);
		/* run_ns (ns) -> percent of one CPU is 1e-7; ticks need HZ */
		if (t->sched_file >= 0) {
			d = src_add_drv(src, MM_DRV_RATE, 1e-7, "%",
					"%s_cpu_pct", t->comm);
			src_drv_term(src, d, t->col + 2);
			src_drv_term(src, t->comm[1] == 's' ? dsw : dcd,
				     t->col + 2);
		} else {
			double tick = 100.0 / (double)sysconf(_SC_CLK_TCK);

			int agg = t->comm[1] == 's' ? dsw : dcd;

			/* the sum needs one unit: drop run_ns for ticks */
			src->drv[agg].scale = tick;
			d = src_add_drv(src, MM_DRV_RATE, tick, "%",
					"%s_cpu_pct", t->comm);
			src_drv_term(src, d, t->col);
			src_drv_term(src, d, t->col + 1);
			src_drv_term(src, agg, t->col);
			src_drv_term(src, agg, t->col + 1);
		}
	}
	return 0;
}

/* utime and stime are fields 14 and 15; comm may hold spaces */
static void parse_stat(struct mm_src *src, struct pfile *pf, int col)
{
	const char *rp = NULL, *p;
	struct scan s;
	const char *w;
	size_t n;
	int f;

	for (p = pf->buf; p < pf->buf + pf->len; p++)
		if (*p == ')')
			rp = p;
	if (!rp) {
		src->bad_lines++;
		return;
	}
	s.p = rp + 1;
	s.end = pf->buf + pf->len;
	for (f = 3; scan_word(&s, &w, &n) && f <= 15; f++) {
		if (f < 14)
			continue;
		if (scan_int(w, n, 0, &src->vals[col + f - 14]))
			src->bad_lines++;
	}
}

static int kth_sample(struct mm_src *src)
{
	struct kth *k = src->priv;
	int i;

	for (i = 0; i < k->n; i++) {
		struct kthread *t = &k->t[i];
		struct pfile *pf;
		struct scan s;
		const char *w;
		size_t n;

		if (src_read(src, t->stat_file))
			continue;
		parse_stat(src, &src->files[t->stat_file], t->col);
		if (t->sched_file < 0 || src_read(src, t->sched_file))
			continue;
		pf = &src->files[t->sched_file];
		s.p = pf->buf;
		s.end = pf->buf + pf->len;
		if (!scan_word(&s, &w, &n) ||
		    scan_int(w, n, 0, &src->vals[t->col + 2]))
			src->bad_lines++;
	}
	return 0;
}

static const char *const kth_series[] = {
	"kswapd_cpu_pct",
	"kcompactd_cpu_pct",
	"kswapd[0-9]*_cpu_pct",
	"kcompactd[0-9]*_cpu_pct",
	NULL,
};

static const struct mm_live_col kth_live[] = {
	{ 50, "kswapd_cpu_pct", "kswapd%", "%*.1f", 8 },
	{ 0 },
};

const struct mm_source_ops src_kthreads = {
	.name = "kthreads",
	.desc = "kswapdN and kcompactdN CPU time",
	.series = kth_series,
	.live = kth_live,
	.open = kth_open,
	.sample = kth_sample,
};
