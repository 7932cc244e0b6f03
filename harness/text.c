// SPDX-License-Identifier: GPL-2.0
/* Plain text for email: paragraphs wrapped at TEXT_WIDTH columns */
#include <stdio.h>
#include <string.h>

#include "text.h"

void text_wrap(FILE *out, int indent, const char *first, const char *s,
	       int cont)
{
	int col = fprintf(out, "%*s%s", indent, "", first), start = col;
	const char *p = s;

	while (*p) {
		size_t w;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = strcspn(p, " ");
		if (col > start && col + 1 + (int)w > TEXT_WIDTH) {
			fprintf(out, "\n%*s", cont, "");
			col = start = cont;
		} else if (col > start) {
			fputc(' ', out);
			col++;
		}
		while (col + (int)w > TEXT_WIDTH) {
			int room = TEXT_WIDTH - col > 0 ? TEXT_WIDTH - col : 0;

			fprintf(out, "%.*s\n%*s", room, p, cont, "");
			p += room;
			w -= (size_t)room;
			col = start = cont;
		}
		col += fprintf(out, "%.*s", (int)w, p);
		p += w;
	}
	fputc('\n', out);
}
