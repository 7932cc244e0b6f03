// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels by name: `mmrepro kernels', and the lookup behind every
 * --kernel NAME.  The fetching is harness/kernels.sh (apt-get download,
 * dpkg-deb, depmod), compiled in as kernels_sh[] and run by bash.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels.h"
#include "mmrepro.h"
#include "util.h"

extern const char kernels_sh[];

bool kernel_is_name(const char *s)
{
	regex_t re;
	bool m;

	if (!s || !access(s, F_OK))
		return false;
	if (regcomp(&re, "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$", REG_EXTENDED))
		return false;
	m = !regexec(&re, s, 0, NULL, 0) && strlen(s) < KERNEL_NAME_MAX;
	regfree(&re);
	return m;
}

/* argv for bash running the script with args (NULL-ended, malloc'd) */
static char **script_argv(char *const *args, int nargs)
{
	char **argv = calloc((size_t)nargs + 5, sizeof(*argv));
	int i, a = 0;

	if (!argv)
		die("kernels: out of memory");
	argv[a++] = "bash";
	argv[a++] = "-c";
	argv[a++] = (char *)kernels_sh;
	argv[a++] = "mmrepro kernels";
	for (i = 0; i < nargs; i++)
		argv[a++] = args[i];
	return argv;
}

/* Run the script with args; its stdout into *out; the exit status */
static int script(char *const *args, int nargs, char **out)
{
	char **argv = script_argv(args, nargs);
	int st = run_capture(NULL, argv, out, NULL);

	free(argv);
	return st;
}

int kernel_fetch(const char *name, struct kernel_pkg *k, char *err, size_t elen)
{
	char *out = NULL, *args[1] = { (char *)name };
	int st = script(args, 1, &out);
	char fmt[64];

	memset(k, 0, sizeof(*k));
	snprintf(fmt, sizeof(fmt), "%%%zus %%%zus %%%zus %%%zus",
		 sizeof(k->name) - 1, sizeof(k->release) - 1,
		 sizeof(k->image) - 1, sizeof(k->modules) - 1);
	if (st || !out ||
	    sscanf(out, fmt, k->name, k->release, k->image, k->modules) != 4) {
		snprintf(
			err, elen,
			st > 0 ?
				"kernel %s: cannot fetch it (exit %d; the reason is above)" :
				"kernel %s: cannot run the fetcher (%d)",
			name, st);
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

int kernel_resolve(const char **kernel, const char **modules, bool debs,
		   struct kernel_pkg *k, char *err, size_t elen)
{
	if (!kernel_is_name(*kernel))
		return 0;
	if (*modules || debs) {
		snprintf(
			err, elen,
			"kernel %s names a packaged kernel, which brings its own modules: give no modules or deb with it",
			*kernel);
		return -1;
	}
	if (kernel_fetch(*kernel, k, err, elen))
		return -1;
	*kernel = k->image;
	*modules = k->modules;
	return 1;
}

char **kernel_list(int *n, char *err, size_t elen)
{
	char *out = NULL, *args[1] = { "--list" }, *line, *save;
	char **v = NULL, name[KERNEL_NAME_MAX];
	int st = script(args, 1, &out);

	*n = 0;
	if (st || !out) {
		snprintf(
			err, elen,
			"mmrepro kernels --list: exit %d (the reason is above)",
			st);
		free(out);
		return NULL;
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char **nv;

		if (sscanf(line, "%31s", name) != 1 ||
		    (*n && !strcmp(v[*n - 1], name)))
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[(*n)++] = strdup(name);
	}
	free(out);
	if (!*n)
		snprintf(err, elen, "mmrepro kernels --list: no kernels");
	return v;
}

void kernel_list_free(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int kernel_list_find(char *const *list, int n, const char *name)
{
	size_t l = strlen(name);
	int i, found = -1;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name) ||
		    (!strncmp(list[i], name, l) && list[i][l] == '.' &&
		     !strchr(list[i] + l + 1, '.')))
			found = i;
	return found;
}

int cmd_kernels(int argc, char **argv)
{
	execvp("bash", script_argv(argv + 1, argc - 1));
	die("kernels: bash: %s", strerror(errno));
}
