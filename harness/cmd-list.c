// SPDX-License-Identifier: GPL-2.0
/* mmrepro list: the scenarios in configs/, with their descriptions. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmrepro.h"
#include "opt.h"
#include "scenario.h"
#include "util.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_list(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis = "",
		.summary =
			"List the scenarios in configs/ (or $MMREPRO_CONFIGS), each with\n"
			"its one-line description and the linux-mm thread it comes from.",
	};
	const struct opt opts[] = { OPT_TABLE_END };
	const char *dir = scenario_dir();
	char *names[256], path[4200], err[1024];
	struct scenario *sc = malloc(sizeof(*sc));
	struct dirent *de;
	size_t n = 0, i;
	int bad = 0;
	DIR *d;

	if (opt_parse(argc, argv, "list", &u, opts) < argc)
		die("list: takes no arguments");
	d = opendir(dir);
	if (!d)
		die("list: %s: no scenario directory", dir);
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".ini"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		pathf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (scenario_load(sc, path, err, sizeof(err)) ||
		    scenario_check(sc, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", progname, err);
			bad++;
		} else {
			printf("%-18s %s\n", sc->name, sc->description);
			if (sc->thread[0])
				printf("%-18s   from: %s\n", "", sc->thread);
		}
		free(names[i]);
	}
	free(sc);
	return bad ? EXIT_USAGE : 0;
}
