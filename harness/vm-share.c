// SPDX-License-Identifier: GPL-2.0
/*
 * What of the host the guest sees.  The kernel under test is the code
 * that cannot be trusted, and QEMU runs as root, so the guest gets no
 * whole host root: only /usr and /etc (its programs and their
 * configuration), the top-level directories that are not links into
 * /usr, the working directory, the directory of the command and of
 * every argument that names an existing file, and what --share adds.
 * Each is a read-only 9p share under a tmpfs overlay in the guest, at
 * its host path; the top-level links (bin -> usr/bin on a merged /usr)
 * are made again in the guest's root.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"

/* the top-level entries a program may need: shared, or linked again */
static const char *const top[] = { "bin",   "sbin",  "lib",
				   "lib32", "lib64", "libx32" };

/* A is B or below it */
static bool below(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (!strcmp(b, "/"))
		return true;
	return !strncmp(a, b, n) && (a[n] == '/' || !a[n]);
}

int vm_share_add(struct vm_shares *s, const char *path)
{
	int i, j;

	if (path[0] != '/' || strlen(path) >= sizeof(s->path[0]))
		return -EINVAL;
	for (i = 0; i < s->n; i++)
		if (below(path, s->path[i]))
			return 0;
	/* a new parent takes the place of the shares below it */
	for (i = j = 0; i < s->n; i++)
		if (!below(s->path[i], path))
			memmove(s->path[j++], s->path[i], sizeof(s->path[0]));
	s->n = j;
	if (s->n == VM_MAX_SHARES)
		return -ENOSPC;
	snprintf(s->path[s->n++], sizeof(s->path[0]), "%s", path);
	return 0;
}

/*
 * The directory that PATH names, or holds, as an absolute path the
 * guest will also see it by: the working directory put before a
 * relative one, links left as they are (a share of a link is one of
 * what it points to, at the link's path); -1 if nothing is there
 */
static int dir_of(const char *path, char *dir, size_t len)
{
	char cwd[PATH_MAX], *slash;
	struct stat st;

	if (!*path || stat(path, &st))
		return -1;
	if (path[0] == '/')
		snprintf(dir, len, "%s", path);
	else if (!getcwd(cwd, sizeof(cwd)) ||
		 pathf(dir, len, "%s/%s", cwd, path))
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	/* "dir/." and "dir/" as "dir" */
	for (;;) {
		size_t n = strlen(dir);

		if (n > 2 && !strcmp(dir + n - 2, "/."))
			dir[n - 2] = '\0';
		else if (n > 1 && dir[n - 1] == '/')
			dir[n - 1] = '\0';
		else
			break;
	}
	return 0;
}

/* an automatic share: never the whole root (--share / says so) */
static int add_auto(struct vm_shares *s, const char *path)
{
	char dir[PATH_MAX];

	if (dir_of(path, dir, sizeof(dir)) || !strcmp(dir, "/"))
		return 0;
	return vm_share_add(s, dir);
}

int vm_shares_check(int n, const char *const *dirs, char *why, size_t wlen)
{
	int i;

	if (n > VM_MAX_SHARES) {
		snprintf(why, wlen, "at most %d --share directories",
			 VM_MAX_SHARES);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (access(dirs[i], F_OK)) {
			snprintf(why, wlen, "--share %s: %s", dirs[i],
				 strerror(errno));
			return -1;
		}
	return 0;
}

int vm_shares(const struct vm_cfg *cfg, struct vm_shares *s, char *why,
	      size_t wlen)
{
	char dir[PATH_MAX], top_path[16], target[64];
	struct stat st;
	size_t t;
	ssize_t n;
	int i, ret;

	memset(s, 0, sizeof(*s));
	vm_share_add(s, "/usr");
	vm_share_add(s, "/etc");
	for (t = 0; t < ARRAY_SIZE(top); t++) {
		snprintf(top_path, sizeof(top_path), "/%s", top[t]);
		if (lstat(top_path, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(top_path, target, sizeof(target) - 1);
			if (n <= 0 || s->nlinks == (int)ARRAY_SIZE(s->link))
				continue;
			target[n] = '\0';
			snprintf(s->link[s->nlinks].name,
				 sizeof(s->link[0].name), "%s", top[t]);
			snprintf(s->link[s->nlinks++].target,
				 sizeof(s->link[0].target), "%s", target);
		} else if (S_ISDIR(st.st_mode)) {
			vm_share_add(s, top_path);
		}
	}
	ret = add_auto(s, ".");
	for (i = 0; !ret && i < cfg->nshares; i++) {
		if (dir_of(cfg->shares[i], dir, sizeof(dir))) {
			snprintf(why, wlen, "--share %s: %s", cfg->shares[i],
				 strerror(errno));
			return -1;
		}
		ret = vm_share_add(s, dir);
	}
	for (i = 0; !ret && i < cfg->argc; i++)
		ret = add_auto(s, cfg->argv[i]);
	if (ret == -ENOSPC)
		snprintf(
			why, wlen,
			"more than %d directories to share with the guest (the working directory, the command's arguments, --share): give a common parent with --share",
			VM_MAX_SHARES);
	else if (ret)
		snprintf(why, wlen,
			 "a directory to share with the guest: path too long");
	if (ret)
		return -1;
	return 0;
}
