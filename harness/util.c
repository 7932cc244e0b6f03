// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers shared by every subcommand: error reporting in the
 * util-linux manner ("prog: what: why", no trailing period), suffixed
 * number parsing, file helpers, the check of a results directory before
 * a command writes there, and self-protection from the OOM killer.
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

const char *progname = "mmrepro";

static void vwarnx(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(EXIT_ERROR); /* bad usage included */
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

static const struct {
	const char *suffix;
	int64_t mult;
} duration_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", NSEC_PER_MSEC },
	{ "s", NSEC_PER_SEC },
	{ "", NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC },
	{ "h", 3600 * NSEC_PER_SEC },
};

/* The number that s starts with, not negative and not NaN; end after it */
static int parse_number(const char *s, double *v, char **end)
{
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	*v = strtod(s, end);
	if (errno || *end == s || *v < 0 || *v != *v)
		return -EINVAL;
	return 0;
}

/* "250ms", "1.5s", "2m"; a bare number is seconds. */
int parse_duration_ns(const char *s, int64_t *out)
{
	char *end;
	double v;
	size_t i;

	if (parse_number(s, &v, &end))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(duration_units); i++) {
		if (strcmp(end, duration_units[i].suffix))
			continue;
		if (v * duration_units[i].mult > 9.2e18)
			return -ERANGE;
		*out = (int64_t)(v * duration_units[i].mult + 0.5);
		return 0;
	}
	return -EINVAL;
}

/* "64M", "2G", "4096", "1.5G"; binary multiples. */
int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "BKMGTP";
	const char *u;
	char *end;
	double v;
	int shift;

	if (parse_number(s, &v, &end))
		return -EINVAL;
	if (!*end) {
		*out = (uint64_t)v;
		return 0;
	}
	u = strchr(units, end[0] & ~0x20);
	if (!u || !*u)
		return -EINVAL;
	if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
		return -EINVAL;
	shift = (int)(u - units) * 10;
	if (v * (double)(1ULL << shift) > 1.8e19)
		return -ERANGE;
	*out = (uint64_t)(v * (double)(1ULL << shift));
	return 0;
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int mkdir_p(const char *path, int mode)
{
	char buf[4096];
	size_t len = strlen(path);
	char *p;

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/*
 * Up to cap bytes of fd as a NUL-terminated string; fd is closed.  NULL
 * with errno set.
 */
static char *read_fd_str(int fd, size_t cap, size_t *len)
{
	size_t used = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int e;

	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	while (used < cap) {
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
}

/* Whole (small) file as a NUL-terminated string, or NULL with errno set. */
char *read_file_str(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	return read_fd_str(fd, max, len);
}

void utc_stamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

int pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

ssize_t self_exe(char *buf, size_t len)
{
	static const char deleted[] = " (deleted)";
	const size_t dl = sizeof(deleted) - 1;
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (n > (ssize_t)dl && !strcmp(buf + n - dl, deleted)) {
		n -= (ssize_t)dl;
		buf[n] = '\0';
	}
	return n > 0 ? n : -1;
}

const char *share_dir(void)
{
	static char dir[4096];
	char self[4096], *slash;
	struct stat st;

	if (dir[0])
		return dir;
	if (self_exe(self, sizeof(self)) < 0)
		return NULL;
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (pathf(self + strlen(self), sizeof(self) - strlen(self),
		  "/../share/mmrepro") ||
	    !realpath(self, dir) || stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		dir[0] = '\0';
		return NULL;
	}
	return dir;
}

char *safe_name(char *out, size_t len, const char *in)
{
	size_t i;

	if (!len)
		return out;
	for (i = 0; in[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = (isalnum(c) && c < 0x80) || c == '_' || c == '-' ||
					 (c == '.' && i) ?
				 (char)c :
				 '_';
	}
	if (!i && len > 1)
		out[i++] = '_';
	out[i] = '\0';
	return out;
}

/* ---- files of a results directory, which may come from elsewhere ---- */

/* The reasons a file is refused: see open_regular() */
static bool refused(int err)
{
	return err == ELOOP || err == E_NOT_REGULAR || err == EISDIR ||
	       err == E_OUTSIDE;
}

const char *file_error(int err)
{
	if (err == ELOOP)
		return "a symbolic link, not followed";
	if (err == E_OUTSIDE)
		return "a path out of its run directory ('..')";
	if (err == E_NOT_REGULAR)
		return "not a regular file";
	return strerror(err);
}

void warn_refused(const char *path, int err)
{
	int e = errno;

	if (refused(err))
		warnx_("%s: %s", path, file_error(err));
	errno = e;
}

/* The run directories being read: below one, no link is followed */
static char **roots;
static size_t nroots;

void untrusted_root_add(const char *dir)
{
	size_t l = strlen(dir);

	while (l > 1 && dir[l - 1] == '/')
		l--;
	roots = realloc(roots, (nroots + 1) * sizeof(*roots));
	if (!roots)
		die("out of memory");
	roots[nroots] = strndup(dir, l);
	if (!roots[nroots])
		die("out of memory");
	nroots++;
}

/* the part of path below the deepest registered root, or NULL */
static const char *below_root(const char *path, size_t *rl)
{
	const char *rest = NULL;
	size_t i, l;

	for (i = 0; i < nroots; i++) {
		l = strlen(roots[i]);
		if (strncmp(path, roots[i], l) || path[l] != '/' ||
		    (rest && l <= *rl))
			continue;
		rest = path + l + 1;
		*rl = l;
	}
	return rest;
}

/*
 * Open rel below the directory root one component at a time, each with
 * O_NOFOLLOW: a linked sub-directory (samples -> /etc) is refused like
 * a linked file.  openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) does
 * the same in one call, but has no glibc 2.36 wrapper and needs 5.6+.
 */
static int open_beneath(const char *root, size_t rl, const char *rel)
{
	char comp[NAME_MAX + 1],
		*dir = rl < PATH_MAX ? strndup(root, rl) : NULL;
	struct stat st;
	int dfd, fd;
	size_t n;

	if (!dir)
		return errno = ENAMETOOLONG, -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	while (dfd >= 0) {
		rel += strspn(rel, "/");
		n = strcspn(rel, "/");
		if (n > NAME_MAX) {
			close(dfd);
			return errno = ENAMETOOLONG, -1;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		rel += n;
		if (!strcmp(comp, "..")) {
			close(dfd);
			return errno = E_OUTSIDE, -1;
		}
		if (!rel[strspn(rel, "/")])
			break;
		fd = openat(dfd, comp,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* O_DIRECTORY | O_NOFOLLOW on a link gives ENOTDIR */
		if (fd < 0 && errno == ENOTDIR &&
		    !fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISLNK(st.st_mode))
			errno = ELOOP;
		close(dfd);
		dfd = fd;
	}
	if (dfd < 0)
		return -1;
	fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	return fd;
}

int open_regular(const char *path)
{
	const char *rest;
	struct stat st;
	size_t rl = 0;
	int fd;

	/* a FIFO or a device is never opened: opening one can block */
	if (lstat(path, &st))
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP :
			S_ISDIR(st.st_mode) ? EISDIR :
					      E_NOT_REGULAR;
		return -1;
	}
	rest = below_root(path, &rl);
	fd = rest ? open_beneath(path, rl, rest) :
		    open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* replaced between the two looks */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = E_NOT_REGULAR;
		return -1;
	}
	return fd;
}

char *read_any_nolink(const char *path, size_t max, size_t *len)
{
	struct stat st;

	if (lstat(path, &st))
		return NULL;
	if (S_ISLNK(st.st_mode)) {
		warn_refused(path, ELOOP);
		errno = ELOOP;
		return NULL;
	}
	/* procfs, sysfs and tracefs files say 0 bytes */
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		return read_regular(path, max, len);
	return read_file_str(path, max, len);
}

char *read_regular(const char *path, size_t max, size_t *len)
{
	size_t cap;
	struct stat st;
	int fd = open_regular(path);

	if (fd < 0) {
		warn_refused(path, errno);
		return NULL;
	}
	/* sized to the file: a guest may not have a spare gigabyte */
	cap = fstat(fd, &st) || (size_t)st.st_size > max ? max :
							   (size_t)st.st_size;
	return read_fd_str(fd, cap, len);
}

int mkdir_nofollow(const char *path, int mode)
{
	struct stat st;

	if (!mkdir(path, (mode_t)mode))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (lstat(path, &st))
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int create_new(const char *path)
{
	int fd;

	if (unlink(path) && errno != ENOENT)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	return fd;
}

int afile_open(struct afile *a, const char *path)
{
	static unsigned int seq;
	const char *slash = strrchr(path, '/');
	int dl = slash ? (int)(slash - path + 1) : 0, i, fd = -1;

	a->f = NULL;
	if (pathf(a->path, sizeof(a->path), "%s", path))
		return -ENAMETOOLONG;
	for (i = 0; i < 100 && fd < 0; i++) {
		unsigned long r = (unsigned long)now_ns() ^
				  ((unsigned long)getpid() << 16) ^ seq++;

		if (pathf(a->tmp, sizeof(a->tmp), "%.*s.%s.%06lx", dl, path,
			  path + dl, r & 0xffffff))
			return -ENAMETOOLONG;
		fd = open(a->tmp,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0644);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	a->f = fdopen(fd, "w");
	if (!a->f) {
		int e = errno;

		close(fd);
		unlink(a->tmp);
		return -e;
	}
	return 0;
}

int afile_commit(struct afile *a)
{
	int ret = 0;

	if (fflush(a->f) || ferror(a->f))
		ret = errno ? -errno : -EIO;
	if (fclose(a->f) && !ret)
		ret = -errno;
	a->f = NULL;
	if (!ret && rename(a->tmp, a->path))
		ret = -errno;
	if (ret)
		unlink(a->tmp);
	return ret;
}

void afile_abort(struct afile *a)
{
	if (a->f)
		fclose(a->f);
	a->f = NULL;
	unlink(a->tmp);
}

int write_file_replace(const char *path, const char *data, size_t len)
{
	struct afile a;
	int ret = afile_open(&a, path);

	if (ret)
		return ret;
	if (len && fwrite(data, 1, len, a.f) != len) {
		ret = -errno;
		afile_abort(&a);
		return ret ? ret : -EIO;
	}
	return afile_commit(&a);
}

int sh_quote(FILE *f, const char *s)
{
	int n = 2;

	fputc('\'', f);
	for (; *s; s++, n++) {
		if (*s != '\'') {
			fputc(*s, f);
			continue;
		}
		fputs("'\\''", f);
		n += 3;
	}
	fputc('\'', f);
	return n;
}

struct self_protection protect_self(void)
{
	struct self_protection p;

	p.mlockall = mlockall(MCL_CURRENT | MCL_FUTURE) ? -errno : 0;
	p.oom_score_adj = write_file("/proc/self/oom_score_adj", "-1000", 5);
	return p;
}

void out_dir_check(const char *prefix, const char *dir, const char *marker,
		   const char *taken, bool probe)
{
	char path[4200];
	int ret = mkdir_p(dir, 0755);

	if (ret)
		die("%s%s: cannot create directory: %s", prefix, dir,
		    strerror(-ret));
	if (pathf(path, sizeof(path), "%s/%s", dir, marker))
		die("%s%s: path too long", prefix, dir);
	if (!access(path, F_OK))
		die("%s%s: %s", prefix, dir, taken);
	if (!probe)
		return;
	snprintf(path, sizeof(path), "%s/.mmrepro-probe", dir);
	ret = create_new(path);
	if (ret >= 0)
		close(ret);
	ret = ret < 0 ? -errno : 0;
	if (ret)
		die("%s%s: not writable: %s", prefix, dir, strerror(-ret));
	unlink(path);
}

/*
 * Run argv (a NULL-ended list) in dir; its stdout into out (malloc'd,
 * when out is not NULL), its stderr to ours or, with errpath, to that
 * file.  Returns the exit status, or -1.
 */
int run_capture(const char *dir, char *const *argv, char **out,
		const char *errpath)
{
	size_t len = 0, cap = 4096;
	int pfd[2], status, fd;
	ssize_t r;
	pid_t pid;

	if (out) {
		*out = malloc(cap);
		if (!*out || pipe(pfd))
			return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out) {
			dup2(pfd[1], 1);
			close(pfd[0]);
			close(pfd[1]);
		}
		if (errpath) {
			fd = open(errpath,
				  O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW,
				  0644);
			if (fd >= 0)
				dup2(fd, 2);
		}
		if (dir && chdir(dir))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		while ((r = read(pfd[0], *out + len, cap - len - 1)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			len += (size_t)r;
			if (cap - len < 2) {
				char *n = realloc(*out, cap * 2);

				if (!n)
					break;
				*out = n;
				cap *= 2;
			}
		}
		(*out)[len] = '\0';
		close(pfd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void cpus_fmt(char *b, size_t l, const cpu_set_t *set)
{
	size_t o = 0;
	int c, lo = -1;

	b[0] = '\0';
	for (c = 0; c <= CPU_SETSIZE; c++) {
		bool in = c < CPU_SETSIZE && CPU_ISSET(c, set);

		if (in && lo < 0)
			lo = c;
		if (in || lo < 0)
			continue;
		if (o < l)
			o += (size_t)snprintf(b + o, l - o, "%s%d",
					      o ? "," : "", lo);
		if (c - 1 > lo && o < l)
			o += (size_t)snprintf(b + o, l - o, "-%d", c - 1);
		lo = -1;
	}
}
