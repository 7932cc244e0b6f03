/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_TEXT_H
#define MMREPRO_TEXT_H

#include <stdio.h>

/* Plain-text reports (compare's text format, report) */

#define TEXT_WIDTH 72 /* text reports survive an email reply */
/*
 * `first', then the words of s wrapped at TEXT_WIDTH, continuation
 * lines indented by `cont'.  A word longer than a line is cut.
 */
void text_wrap(FILE *out, int indent, const char *first, const char *s,
	       int cont);

#endif
