// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a results directory: meta.json and the start/end snapshots.
 * (rundata.c reads finished runs back.)
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "results.h"
#include "util.h"

static json_t *file_str(const char *root, const char *rel)
{
	char path[512], *s;
	size_t len;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	s = read_file_str(path, 1 << 16, &len);
	if (!s)
		return json_null();
	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	j = json_stringn_nocheck(s, len);
	free(s);
	return j;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every readable /proc/sys/vm knob; write-only ones (drop_caches) skip */
static json_t *sysctl_vm(const char *proc_root)
{
	char dir[512], *names[512];
	json_t *o = json_object();
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/sys/vm", proc_root);
	d = opendir(dir);
	if (!d)
		return o;
	while ((de = readdir(d)) && n < 512)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_str);
	for (i = 0; i < n; i++) {
		char rel[300];
		json_t *v;

		snprintf(rel, sizeof(rel), "sys/vm/%s", names[i]);
		v = file_str(proc_root, rel);
		if (json_is_string(v))
			json_object_set_new(o, names[i], v);
		else
			json_decref(v);
		free(names[i]);
	}
	return o;
}

static long long meminfo_kb(const char *proc_root, const char *key)
{
	char path[512], *s, *p;
	long long v = -1;

	snprintf(path, sizeof(path), "%s/meminfo", proc_root);
	s = read_file_str(path, 1 << 16, NULL);
	if (!s)
		return -1;
	p = strstr(s, key);
	if (p)
		sscanf(p + strlen(key), ": %lld", &v);
	free(s);
	return v;
}

json_t *meta_system(const struct mm_env *env)
{
	struct utsname u;
	json_t *m = json_object(), *k = json_object(), *h = json_object();
	bool host = !strcmp(env->proc_root, "/proc");

	uname(&u);
	/* a captured root describes its own kernel, not this one */
	json_object_set_new(k, "release",
			    host ? json_string(u.release) :
				   file_str(env->proc_root,
					    "sys/kernel/osrelease"));
	if (host) {
		json_object_set_new(k, "version", json_string(u.version));
		json_object_set_new(k, "machine", json_string(u.machine));
	}
	json_object_set_new(k, "cmdline", file_str(env->proc_root, "cmdline"));
	json_object_set_new(m, "kernel", k);
	json_object_set_new(h, "name", json_string("mmrepro"));
	json_object_set_new(h, "version", json_string(MMREPRO_VERSION));
	json_object_set_new(h, "git", json_string(MMREPRO_GIT));
	json_object_set_new(m, "harness", h);
	json_object_set_new(m, "cpus",
			    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(
		m, "mem_total_kB",
		json_integer(meminfo_kb(env->proc_root, "MemTotal")));
	json_object_set_new(m, "sysctl_vm", sysctl_vm(env->proc_root));
	json_object_set_new(m, "proc_root", json_string(env->proc_root));
	json_object_set_new(m, "sys_root", json_string(env->sys_root));
	return m;
}

json_t *meta_argv(int argc, char *const *argv)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	return a;
}

json_t *meta_protect_self(void)
{
	struct self_protection p = protect_self();
	json_t *o = json_object();

	json_object_set_new(o, "mlockall",
			    json_string(p.mlockall ? strerror(-p.mlockall) :
						     "ok"));
	json_object_set_new(o, "oom_score_adj_-1000",
			    json_string(p.oom_score_adj ?
						strerror(-p.oom_score_adj) :
						"ok"));
	return o;
}

/* Replaced whole (util.h: afile), never written through a link */
int json_save(json_t *j, const char *dir, const char *name)
{
	char path[4096];
	struct afile a;
	int ret;

	if (pathf(path, sizeof(path), "%s/%s", dir, name))
		return -ENAMETOOLONG;
	ret = afile_open(&a, path);
	if (ret)
		return ret;
	errno = 0;
	if (json_dumpf(j, a.f, JSON_INDENT(2) | JSON_SORT_KEYS)) {
		ret = errno ? -errno : -EIO;
		afile_abort(&a);
		return ret;
	}
	return afile_commit(&a);
}

/*
 * Full copies of the counters at the start and end of every run; on
 * failure, the file that could not be written is in errpath.
 */
int snapshot_files(const struct mm_env *env, const char *dir, char *errpath,
		   size_t elen)
{
	static const char *const files[] = { "vmstat", "zoneinfo", "meminfo",
					     "buddyinfo", "pagetypeinfo" };
	char src[512], dst[4096], *s;
	size_t i, len;
	int ret;

	snprintf(errpath, elen, "%s", dir);
	ret = mkdir_p(dir, 0755);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(src, sizeof(src), "%s/%s", env->proc_root, files[i]);
		s = read_file_str(src, 1 << 20, &len);
		if (!s)
			continue;
		snprintf(dst, sizeof(dst), "%s/%s", dir, files[i]);
		ret = write_file_replace(dst, s, len);
		free(s);
		if (ret) {
			snprintf(errpath, elen, "%s", dst);
			return ret;
		}
	}
	return 0;
}

/* results/<what>/<kernel-release>/<UTC stamp> */
void results_default_dir(char *buf, size_t len, const char *what,
			 const struct mm_env *env)
{
	json_t *rel = file_str(env->proc_root, "sys/kernel/osrelease");
	char stamp[32];

	utc_stamp(stamp, sizeof(stamp));
	snprintf(buf, len, "results/%s/%s/%s", what,
		 json_is_string(rel) ? json_string_value(rel) : "unknown",
		 stamp);
	json_decref(rel);
}
