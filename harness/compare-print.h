/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_COMPARE_PRINT_H
#define MMREPRO_COMPARE_PRINT_H

#include <stddef.h>

#include "compare.h"

/*
 * For the writers of a comparison (compare-formats.h): its numbers and
 * sentences as every format shows them.
 */

void cmp_fmt_num(char *b, size_t l, double v);
/*
 * A side's mean, sd and CoV (decimals of the CoV in %; "-" when there is
 * none), each into a buffer of CMP_CELL bytes
 */
#define CMP_CELL 32
void cmp_fmt_spread(const struct stats_desc *d, int cov_decimals,
		    char mean[CMP_CELL], char sd[CMP_CELL], char cov[CMP_CELL]);
void cmp_fmt_pct(char *b, size_t l, double v);
void cmp_fmt_p(char *b, size_t l, double p);
/* "-12.3%" or, where the median of A is 0, "(+4.1)" in the unit */
void cmp_fmt_change(char *b, size_t l, const struct cmp_metric *m);
void cmp_fmt_ci(char *b, size_t l, const struct cmp_metric *m);
/* "6.12.0, kvm, N=5, reproduced 5 of 5[, 1 error]" */
void cmp_side_line(char *b, size_t l, const struct cmp_side *sd);
void cmp_fingerprint_line(char *b, size_t l, const struct cmp_side *sd);
/*
 * [expect] fixed: 'A' or 'B' (the side that behaves like the fix), 'n'
 * (neither), with the sentence in b; 0 when no run declares one
 */
int cmp_expect_fixed(const struct comparison *c, char *b, size_t l);
/*
 * The result as one sentence ("REGRESSION in ...", "no gating metric
 * is significantly worse", "NO COMPARISON: ..."); the exit status
 */
int cmp_result_line(const struct comparison *c, char *b, size_t l);

#endif
