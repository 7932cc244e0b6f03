// SPDX-License-Identifier: GPL-2.0
/*
 * compare --format ktap: one test per gating metric (and [expect]), at
 * least one, for the kernel's KTAP parsers
 */
#include <stdio.h>

#include "compare-formats.h"
#include "compare-print.h"

struct ktap_count {
	int k, pass, fail, skip;
};

/* A test per gating metric: worse fails, untested skips */
static void ktap_metrics(const struct comparison *c, FILE *out,
			 struct ktap_count *t)
{
	char ch[40], p[16], x[32], y[32];
	int i;

	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		if (!m->gate)
			continue;
		t->k++;
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		fprintf(out, "# %s: median %s -> %s %s, %s%s%s\n", m->name, x,
			y, m->unit, ch, m->tested ? ", p=" : "",
			m->tested ? p : "");
		if (m->result == RES_NA) {
			fprintf(out, "ok %d %s # SKIP %s\n", t->k, m->name,
				m->why);
			t->skip++;
		} else if (m->result == RES_WORSE) {
			fprintf(out, "not ok %d %s # worse: %s (p=%s)\n", t->k,
				m->name, ch, p);
			t->fail++;
		} else {
			fprintf(out, "ok %d %s\n", t->k, m->name);
			t->pass++;
		}
	}
}

/* [expect]: B behaves like the fix passes, A (B lost it) fails */
static void ktap_expect(FILE *out, int who, const char *eb,
			struct ktap_count *t)
{
	if (who == 'B') {
		fprintf(out, "ok %d expect_fixed # %s\n", ++t->k, eb);
		t->pass++;
	} else if (who == 'A') {
		fprintf(out, "not ok %d expect_fixed # %s\n", ++t->k, eb);
		t->fail++;
	} else if (who) {
		fprintf(out, "ok %d expect_fixed # SKIP %s\n", ++t->k, eb);
		t->skip++;
	}
}

void cmp_write_ktap(const struct comparison *c, FILE *out)
{
	struct ktap_count t = { 0 };
	int i, n = 0, who;
	char eb[256];
	bool none;

	for (i = 0; i < c->nm; i++)
		n += c->m[i].gate;
	/* a side without two measured runs: one more test, which fails */
	n += compare_unusable(c);
	who = cmp_expect_fixed(c, eb, sizeof(eb));
	n += !!who;
	/*
	 * Nothing gates: one test that says so, with the reproduction
	 * rates, as "1..0" is an error to KTAP parsers (kunit.py)
	 */
	none = !n;
	n += none;
	fprintf(out, "KTAP version 1\n");
	fprintf(out, "# mmrepro compare %s: A %s (N=%d), B %s (N=%d)\n",
		c->scenario, c->side[0].set.arg, c->side[0].set.n,
		c->side[1].set.arg, c->side[1].set.n);
	for (i = 0; i < c->nnote; i++)
		fprintf(out, "# %s\n", c->note[i]);
	fprintf(out, "1..%d\n", n);
	ktap_metrics(c, out, &t);
	ktap_expect(out, who, eb, &t);
	if (none) {
		fprintf(out,
			"ok %d reproduced # SKIP no gating metric: reproduced A %d of %d, B %d of %d\n",
			++t.k, c->side[0].reproduced, c->side[0].set.n,
			c->side[1].reproduced, c->side[1].set.n);
		t.skip++;
	}
	if (compare_unusable(c)) {
		fprintf(out,
			"not ok %d usable_runs # A %d of %d, B %d of %d: fewer than 2\n",
			++t.k, cmp_usable(&c->side[0]), c->side[0].set.n,
			cmp_usable(&c->side[1]), c->side[1].set.n);
		t.fail++;
	}
	fprintf(out,
		"# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
		t.pass, t.fail, t.skip);
}
