// SPDX-License-Identifier: GPL-2.0
/*
 * sweep, KTAP: a test per point, which fails when it has fewer than 2
 * usable runs and skips when it is not applicable; the steps' changes
 * are diagnostics (a sweep measures, it does not gate)
 */
#include <stdio.h>

#include "compare-print.h"
#include "sweep.h"

void sweep_write_ktap(const struct sweep *s, FILE *out)
{
	char ch[40], p[16];
	int i, j;

	fprintf(out, "KTAP version 1\n# mmrepro sweep: %s across %s\n1..%d\n",
		s->scenario, s->axis, s->np);
	for (i = 0; i < s->np; i++) {
		const struct cmp_side *sd = s->pt[i].side;

		for (j = 0; i && j < s->nm; j++) {
			const struct cmp_metric *st = s->m[j].step[i - 1];

			if (!st || !st->tested || !s->m[j].m->gate)
				continue;
			cmp_fmt_change(ch, sizeof(ch), st);
			cmp_fmt_p(p, sizeof(p), st->mwu.p);
			fprintf(out, "# %s -> %s: %s %s, p=%s, %s\n",
				s->pt[i - 1].label, s->pt[i].label, st->name,
				ch, p, cmp_result_name(st->result));
		}
		if (sweep_not_applicable(s, i))
			fprintf(out,
				"ok %d %s # SKIP not applicable in %d runs\n",
				i + 1, s->pt[i].label, sd->not_applicable);
		else if (sweep_usable(s, i) < 2)
			fprintf(out,
				"not ok %d %s # %d usable run(s) of %d: fewer than 2\n",
				i + 1, s->pt[i].label, sweep_usable(s, i),
				sd->set.n);
		else
			fprintf(out, "ok %d %s # reproduced %d of %d\n", i + 1,
				s->pt[i].label, sd->reproduced,
				sweep_usable(s, i));
	}
}
