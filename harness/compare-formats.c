// SPDX-License-Identifier: GPL-2.0
/*
 * The table of a comparison's output formats; adding one is a file
 * compare-NAME.c plus one row here (see compare-formats.h).
 */
#include <stdio.h>
#include <string.h>

#include "compare-formats.h"

const struct cmp_format cmp_formats[] = {
	{ .name = "text",
	  .ext = "txt",
	  .write = cmp_write_text,
	  .note = "72 columns" },
	{ .name = "md", .ext = "md", .write = cmp_write_md },
	{ .name = "json", .ext = "json", .write = cmp_write_json },
	{ .name = "ktap", .ext = "ktap", .write = cmp_write_ktap },
	{ .name = "html", .ext = "html", .write = cmp_write_html },
	{ .name = NULL },
};

const struct cmp_format *compare_format(const char *name)
{
	const struct cmp_format *f;

	for (f = cmp_formats; f->name; f++)
		if (!strcmp(name, f->name))
			return f;
	return NULL;
}

void cmp_format_list(char *b, size_t l, bool ext, bool notes, const char *sep,
		     const char *last)
{
	const struct cmp_format *f;
	size_t n = 0;

	b[0] = '\0';
	for (f = cmp_formats; f->name && n < l; f++)
		n += (size_t)snprintf(b + n, l - n, "%s%s%s%s%s",
				      f == cmp_formats ? "" :
				      f[1].name	       ? sep :
							 last,
				      ext ? f->ext : f->name,
				      notes && f->note ? " (" : "",
				      notes && f->note ? f->note : "",
				      notes && f->note ? ")" : "");
}
