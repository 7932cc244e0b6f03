/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_COMPARE_FORMATS_H
#define MMREPRO_COMPARE_FORMATS_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"

/*
 * The output formats of a comparison, as fio's I/O engines: each is one
 * file, compare-NAME.c, holding its writer, and one row of cmp_formats[]
 * (compare-formats.c), which `compare --format NAME', ab's
 * DIR/report.EXT and their --help all read.  Adding a format is that
 * file, its writer's line below and the row.
 */
struct cmp_format {
	const char *name; /* --format NAME */
	const char *ext; /* ab writes DIR/report.EXT */
	void (*write)(const struct comparison *c, FILE *out);
	const char *note; /* for --help: "text (72 columns)"; or NULL */
};

/* The rows, text first; the last has a NULL name */
extern const struct cmp_format cmp_formats[];
/* The row named name, or NULL */
const struct cmp_format *compare_format(const char *name);
/*
 * The names (or, with ext, the extensions) of the rows, parted by sep
 * and, with last, the last two by it ("text, md or html"); with notes,
 * each row's note in parentheses after its name
 */
void cmp_format_list(char *b, size_t l, bool ext, bool notes, const char *sep,
		     const char *last);

/* The writers: compare-text.c, compare-md.c, ... */
void cmp_write_text(const struct comparison *c, FILE *out);
void cmp_write_md(const struct comparison *c, FILE *out);
void cmp_write_json(const struct comparison *c, FILE *out);
void cmp_write_ktap(const struct comparison *c, FILE *out);
void cmp_write_html(const struct comparison *c, FILE *out);

#endif
