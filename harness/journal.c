// SPDX-License-Identifier: GPL-2.0
/* The runner's journal of system changes, and their undoing. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "util.h"

#define TRACEFS_INSTANCES "/sys/kernel/tracing/instances"

const char *journal_path(void)
{
	const char *p = getenv("MMREPRO_JOURNAL");

	/* /run is cleared at boot, as every change journaled here is */
	return p && *p ? p : "/run/mmrepro/journal";
}

/* Field 22 of /proc/PID/stat: tells a live owner from a reused pid */
unsigned long long proc_start_time(long pid)
{
	char path[64], *s, *rp;
	unsigned long long t = 0;
	int f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	s = read_file_str(path, 4096, NULL);
	if (!s)
		return 0;
	rp = strrchr(s, ')');
	if (rp) {
		char *p = rp + 2;

		for (f = 3; f < 22 && p; f++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		if (p)
			t = strtoull(p, NULL, 10);
	}
	free(s);
	return t;
}

int sys_run(const char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int sys_sysctl_path(const char *name, char *path, size_t len)
{
	size_t i, n = (size_t)snprintf(path, len, "/proc/sys/");

	for (i = 0; name[i] && n + 1 < len; i++)
		path[n++] = name[i] == '.' ? '/' : name[i];
	path[n] = '\0';
	return name[i] ? -ENAMETOOLONG : 0;
}

int sys_sysctl_read(const char *name, char *val, size_t len)
{
	char path[512], *s, *p;

	if (sys_sysctl_path(name, path, sizeof(path)))
		return -ENAMETOOLONG;
	s = read_file_str(path, 4096, NULL);
	if (!s)
		return -errno;
	/* one line; tabs (udp_mem) become spaces, which write back fine */
	for (p = s; *p; p++)
		if (*p == '\t')
			*p = ' ';
	s[strcspn(s, "\n")] = '\0';
	snprintf(val, len, "%s", s);
	free(s);
	return 0;
}

static int sysctl_write(const char *name, const char *val)
{
	char path[512];

	if (sys_sysctl_path(name, path, sizeof(path)))
		return -ENAMETOOLONG;
	return write_file(path, val, strlen(val));
}

/*
 * How long teardown keeps trying a swapoff, and a zram reset or removal.
 * A swapoff must read every page back into RAM; right after an OOM kill,
 * or on a kernel whose reclaim behaves differently (a patched one), it can
 * fail or the device stay busy for a while.  Bounded: a run that cannot
 * undo its swap says so instead of hanging.
 */
#define SWAPOFF_TRIES 30
#define ZRAM_TRIES 20
#define RETRY_US 500000

/* DEV is listed in /proc/swaps */
static bool swap_active(const char *dev)
{
	char *s = read_file_str("/proc/swaps", 1 << 16, NULL), *line, *save;
	char name[512];
	bool on = false;

	if (!s)
		return false;
	for (line = strtok_r(s, "\n", &save); line && !on;
	     line = strtok_r(NULL, "\n", &save))
		on = sscanf(line, "%511s", name) == 1 && !strcmp(name, dev);
	free(s);
	return on;
}

/* swapoff DEV until it is off (or was never on); 0 or -1 */
static int swapoff_bounded(const char *dev, FILE *log)
{
	const char *a[] = { "swapoff", dev, NULL };
	int i, rc = 0;

	for (i = 0; i < SWAPOFF_TRIES; i++) {
		rc = sys_run(a);
		if (!rc || !swap_active(dev))
			return 0;
		if (!i)
			fprintf(log,
				"teardown: swapoff %s failed (status %d); trying again for %d s\n",
				dev, rc, SWAPOFF_TRIES * RETRY_US / 1000000);
		usleep(RETRY_US);
	}
	return -1;
}

/* write VAL to PATH until it takes; 0 or -errno */
static int write_bounded(const char *path, const char *val)
{
	int i, ret = 0;

	for (i = 0; i < ZRAM_TRIES; i++) {
		ret = write_file(path, val, strlen(val));
		if (!ret)
			return 0;
		usleep(RETRY_US);
	}
	return ret;
}

/* SIGKILL to a process group, then wait (bounded) until it is gone */
static void kill_group(long pg)
{
	int i;

	if (pg <= 1 || kill((pid_t)-pg, SIGKILL))
		return;
	for (i = 0; i < 50 && !(kill((pid_t)-pg, 0) && errno == ESRCH); i++)
		usleep(100000);
}

/* Swaps a zram device off, resets it and removes it */
static int undo_zram(const char *arg, FILE *log)
{
	const char *step = "swapoff";
	char path[600];
	int ret;

	pathf(path, sizeof(path), "/dev/zram%s", arg);
	ret = swapoff_bounded(path, log);
	if (!ret) {
		step = "reset";
		pathf(path, sizeof(path), "/sys/block/zram%s/reset", arg);
		ret = write_bounded(path, "1");
	}
	if (!ret) {
		step = "hot_remove";
		ret = write_bounded("/sys/class/zram-control/hot_remove", arg);
	}
	if (ret)
		fprintf(log, "teardown: zram%s reset and removed FAILED (%s)\n",
			arg, step);
	else
		fprintf(log, "teardown: zram%s reset and removed\n", arg);
	return ret;
}

/*
 * Removes a tracefs instance that the tracer left behind.  The line is
 * written before the instance is made, so a stale one may name an
 * instance never made (ENOENT: done), or one of the same name that a
 * live process made since: the tracer names them mmrepro-PID[-N], and
 * while PID is some other live process (a reused pid), the instance may
 * be its own and is left alone.
 */
static int undo_tracefs(const char *arg, FILE *log, bool stale)
{
	char path[600];
	long pid;
	int ret;

	if (stale && sscanf(arg, "mmrepro-%ld", &pid) == 1 && pid > 0 &&
	    pid != (long)getpid() && !kill((pid_t)pid, 0)) {
		fprintf(log,
			"teardown: tracefs instance %s left: pid %ld is a live process again, so it may be its own\n",
			arg, pid);
		return 0;
	}
	pathf(path, sizeof(path), "%s/%s", TRACEFS_INSTANCES, arg);
	ret = rmdir(path) ? -errno : 0;
	/* never made, or the tracer removed its own; no tracefs is no answer */
	if (ret == -ENOENT && !access(TRACEFS_INSTANCES, F_OK))
		ret = 0;
	else if (ret == -ENOENT)
		fprintf(log,
			"teardown: no tracefs at %s: cannot look for instance %s\n",
			TRACEFS_INSTANCES, arg);
	else
		fprintf(log, "teardown: tracefs instance %s removed%s\n", arg,
			ret ? " FAILED" : "");
	return ret;
}

/* Kills a phase's process group left behind, if it is still the phase's */
static void undo_pgid(const char *arg, FILE *log, bool stale)
{
	long pg = 0;
	unsigned long long st = 0;

	/*
	 * Only while its leader is the process the run started: the
	 * number may name another process's group now.
	 */
	if (sscanf(arg, "%ld %llu", &pg, &st) == 2 && pg > 1 && st &&
	    proc_start_time(pg) == st)
		kill_group(pg);
	else if (stale && pg > 1 && !kill((pid_t)-pg, 0))
		fprintf(log,
			"teardown: process group %ld left alone: its leader is not the phase's (gone, or another process)\n",
			pg);
}

/*
 * Undo one entry (its text, without the checksum); 1 if it failed.  STALE:
 * the journal of a run that died, not this process's own.
 */
static int undo(const char *line, FILE *log, bool stale)
{
	char kind[16], arg[4096];
	int ret = 0, n = 0;

	if (sscanf(line, "%15s %n", kind, &n) != 1)
		return 0;
	snprintf(arg, sizeof(arg), "%s", line + n);
	arg[strcspn(arg, "\n")] = '\0';
	if (!strcmp(kind, "sysctl")) {
		char *sp = strchr(arg, ' ');

		if (!sp)
			return 0;
		*sp = '\0';
		ret = sysctl_write(arg, sp + 1);
		fprintf(log, "teardown: sysctl %s = %s%s\n", arg, sp + 1,
			ret ? " FAILED" : "");
	} else if (!strcmp(kind, "netns")) {
		const char *a[] = { "ip", "netns", "del", arg, NULL };

		ret = sys_run(a);
		fprintf(log, "teardown: netns %s removed%s\n", arg,
			ret ? " (was gone)" : "");
		ret = 0;
	} else if (!strcmp(kind, "link")) {
		const char *a[] = { "ip", "link", "del", arg, NULL };

		sys_run(a);
		fprintf(log, "teardown: link %s removed\n", arg);
	} else if (!strcmp(kind, "swap")) {
		ret = swapoff_bounded(arg, log);
		fprintf(log, "teardown: swapoff %s%s\n", arg,
			ret ? " FAILED" : "");
	} else if (!strcmp(kind, "zram")) {
		ret = undo_zram(arg, log);
	} else if (!strcmp(kind, "swapon")) {
		const char *a[] = { "swapon", arg, NULL };

		ret = sys_run(a);
		fprintf(log, "teardown: swapon %s (it was on before)%s\n", arg,
			ret ? " FAILED" : "");
	} else if (!strcmp(kind, "param")) {
		char *sp = strchr(arg, ' ');

		if (!sp)
			return 0;
		*sp = '\0';
		ret = write_file(arg, sp + 1, strlen(sp + 1));
		fprintf(log, "teardown: %s = %s%s\n", arg, sp + 1,
			ret ? " FAILED" : "");
	} else if (!strcmp(kind, "file")) {
		unlink(arg);
		fprintf(log, "teardown: removed %s\n", arg);
	} else if (!strcmp(kind, "tracefs")) {
		ret = undo_tracefs(arg, log, stale);
	} else if (!strcmp(kind, "pgid")) {
		undo_pgid(arg, log, stale);
	} else if (!strcmp(kind, "cut")) {
		fprintf(log,
			"teardown: a line found cut short before, never undone: '%s'\n",
			arg);
		ret = -1;
	}
	return ret ? 1 : 0;
}

/*
 * The POSIX cksum(1) of a line's text: CRC-32 (0x04c11db7, MSB first) of
 * the bytes, then of the length, least significant byte first, inverted.
 * `printf %s TEXT | cksum` says the same.
 */
static uint32_t crc_byte(uint32_t crc, unsigned char c)
{
	int b;

	crc ^= (uint32_t)c << 24;
	for (b = 0; b < 8; b++)
		crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	return crc;
}

static uint32_t cksum(const char *s, size_t n)
{
	uint32_t crc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		crc = crc_byte(crc, (unsigned char)s[i]);
	for (; n; n >>= 8)
		crc = crc_byte(crc, n & 0xff);
	return ~crc;
}

/* One line: TEXT #CKSUM, fsync'ed */
static int put_line(FILE *f, const char *text)
{
	if (strchr(text, '\n'))
		return -EINVAL;
	fprintf(f, "%s #%u\n", text, cksum(text, strlen(text)));
	if (fflush(f) || fsync(fileno(f)))
		return -errno;
	return 0;
}

/*
 * The text of a whole line, its checksum cut off; NULL for a line cut
 * short (the run died writing it) or damaged.  LINE is changed.
 */
static char *line_text(char *line)
{
	char *hash, *end;
	unsigned long ck;

	line[strcspn(line, "\n")] = '\0';
	hash = strrchr(line, '#');
	if (!hash || hash == line || hash[-1] != ' ' || !isdigit(hash[1]))
		return NULL;
	errno = 0;
	ck = strtoul(hash + 1, &end, 10);
	if (*end || errno || ck > UINT32_MAX)
		return NULL;
	hash[-1] = '\0';
	if (cksum(line, strlen(line)) != ck)
		return NULL;
	return line;
}

/* A line as it can be printed: control bytes become '?' */
static char *printable(char *s)
{
	char *p;

	s[strcspn(s, "\n")] = '\0';
	for (p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return s;
}

struct jline {
	char *raw; /* as read, with its checksum */
	bool cut; /* no whole line: never applied */
	bool left; /* not undone: it stays in the journal */
};

/*
 * What could not be undone stays in the journal, and only that: the
 * header, the entries that failed (the next run retries them) and a
 * "cut" entry for each line cut short, which no run can undo.  Written
 * beside it and renamed over it.
 */
static int keep_left(const char *path, const struct jline *l, int n)
{
	char tmp[600], text[4300];
	FILE *f;
	int i, ret = 0;

	if (pathf(tmp, sizeof(tmp), "%s.new", path))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (i = 0; i < n && !ret; i++) {
		if (!l[i].left)
			continue;
		if (l[i].cut) {
			snprintf(text, sizeof(text), "cut %s", l[i].raw);
			ret = put_line(f, printable(text));
		} else if (fprintf(f, "%.*s\n", (int)strcspn(l[i].raw, "\n"),
				   l[i].raw) < 0) {
			ret = -EIO;
		}
	}
	if ((fflush(f) || fsync(fileno(f))) && !ret)
		ret = -errno;
	fclose(f);
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/*
 * Undo a journal's entries in reverse order.  A line that is not whole
 * is never applied (its value may be cut: 300 for 3000); it counts as a
 * failure, and the journal then keeps what is left instead of going.
 * The caller holds the lock.
 */
int journal_replay_with(const char *path, FILE *log, bool stale,
			journal_undo_fn undo)
{
	struct jline *l = NULL;
	char buf[4200], *text;
	size_t cap = 0, n = 0, i;
	int failed = 0, ret;
	FILE *f = fopen(path, "re");

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(buf, sizeof(buf), f)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			l = realloc(l, cap * sizeof(*l));
			if (!l)
				die("out of memory");
		}
		l[n].raw = strdup(buf);
		if (!l[n].raw)
			die("out of memory");
		l[n].cut = l[n].left = false;
		n++;
	}
	fclose(f);
	for (i = n; i-- > 0;) {
		snprintf(buf, sizeof(buf), "%s", l[i].raw);
		text = line_text(buf);
		if (!text) {
			snprintf(buf, sizeof(buf), "%s", l[i].raw);
			printable(buf);
			/* a header cut short: the run died before any change */
			if (!strncmp(buf, "mmrepro-journal", strnlen(buf, 15)))
				continue;
			fprintf(log,
				"teardown: %s: line %zu is cut short (the run died writing it?), not undone: '%s'\n",
				path, i + 1, buf);
			l[i].cut = l[i].left = true;
			failed++;
		} else if (!strncmp(text, "mmrepro-journal", 15)) {
			l[i].left = true; /* kept with what is left, if any */
		} else if (undo(text, log, stale)) {
			l[i].left = true;
			failed++;
		}
	}
	if (!failed) {
		unlink(path);
	} else {
		ret = keep_left(path, l, (int)n);
		if (ret)
			fprintf(log, "teardown: %s: cannot rewrite it: %s\n",
				path, strerror(-ret));
		fprintf(log,
			"teardown: %s keeps the %d change(s) not undone: the next run retries them and will not start while any is left; undo by hand what cannot be, then remove the file\n",
			path, failed);
	}
	for (i = 0; i < n; i++)
		free(l[i].raw);
	free(l);
	return failed;
}

static int replay(const char *path, FILE *log, bool stale)
{
	return journal_replay_with(path, log, stale, undo);
}

/*
 * The lock beside the journal (JOURNAL.lock), taken before the journal
 * is read and held until this process ends: a run that cannot take it
 * leaves the journal alone, whatever the journal says or does not say
 * yet (it is created before its header is written).  The kernel drops
 * it when the holder dies, so a journal found under the lock is stale.
 * Close-on-exec, so that no phase outlives the runner holding it; the
 * file itself stays, as removing it would let two runs lock two files.
 */
static int lock_fd = -1;

static int journal_lock(const char *jpath, char *err, size_t elen)
{
	char path[600], owner[64] = "", *s;
	long pid;
	int fd, n;

	if (lock_fd >= 0)
		return 0;
	if (pathf(path, sizeof(path), "%s.lock", jpath)) {
		snprintf(err, elen, "%s.lock: %s", jpath,
			 strerror(ENAMETOOLONG));
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			snprintf(err, elen, "%s: flock: %s", path,
				 strerror(errno));
			close(fd);
			return -1;
		}
		/* its holder writes its pid there once it has it */
		s = read_file_str(path, 64, NULL);
		pid = s ? strtol(s, NULL, 10) : 0;
		if (pid > 0)
			snprintf(owner, sizeof(owner), " (pid %ld)", pid);
		free(s);
		snprintf(err, elen,
			 "another run%s holds %s; wait for it or stop it",
			 owner, jpath);
		close(fd);
		return -1;
	}
	n = snprintf(owner, sizeof(owner), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, owner, (size_t)n, 0) != n) {
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	lock_fd = fd;
	return 0;
}

int journal_open(struct journal *j, FILE *log, char *err, size_t elen)
{
	char dir[512], hdr[96], *s, *slash;
	long pid;
	unsigned long long st;
	int ret;

	memset(j, 0, sizeof(*j));
	snprintf(j->path, sizeof(j->path), "%s", journal_path());
	snprintf(dir, sizeof(dir), "%s", j->path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		ret = mkdir_p(dir, 0755);
		if (ret) {
			snprintf(err, elen, "%s: %s", dir, strerror(-ret));
			return -1;
		}
	}
	if (journal_lock(j->path, err, elen))
		return -1;
	s = read_file_str(j->path, 4096, NULL);
	if (s) {
		/* a run of a build that takes no lock */
		if (sscanf(s, "mmrepro-journal pid=%ld start=%llu", &pid,
			   &st) == 2 &&
		    pid != getpid() && proc_start_time(pid) == st && st) {
			snprintf(
				err, elen,
				"another run (pid %ld) holds %s; wait for it or stop it",
				pid, j->path);
			free(s);
			return -1;
		}
		free(s);
		fprintf(log,
			"mmrepro: %s: restoring what a run that died left changed\n",
			j->path);
		if (replay(j->path, log, true)) {
			snprintf(err, elen,
				 "%s: could not undo every change; see above",
				 j->path);
			return -1;
		}
	}
	j->f = fopen(j->path, "wxe");
	if (!j->f) {
		snprintf(err, elen, "%s: %s", j->path, strerror(errno));
		return -1;
	}
	snprintf(hdr, sizeof(hdr), "mmrepro-journal pid=%ld start=%llu",
		 (long)getpid(), proc_start_time(getpid()));
	ret = put_line(j->f, hdr);
	if (ret)
		snprintf(err, elen, "%s: %s", j->path, strerror(-ret));
	return ret ? -1 : 0;
}

int journal_add(struct journal *j, const char *fmt, ...)
{
	char line[4200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENAMETOOLONG;
	if (fflush(j->f))
		return -errno;
	j->last = ftell(j->f);
	j->entries++;
	return put_line(j->f, line);
}

int journal_drop_last(struct journal *j)
{
	if (!j->f || j->last <= 0 || fflush(j->f) ||
	    ftruncate(fileno(j->f), j->last) || fsync(fileno(j->f)) ||
	    fseek(j->f, 0, SEEK_END))
		return j->f && j->last > 0 ? -errno : -EINVAL;
	j->last = 0;
	j->entries--;
	return 0;
}

int journal_teardown(struct journal *j, FILE *log)
{
	int failed;

	if (!j->f)
		return 0;
	fclose(j->f);
	j->f = NULL;
	/* the runner killed what its phases left in their groups */
	failed = replay(j->path, log, false);
	return failed;
}

int sys_sysctl_set(struct journal *j, const char *name, const char *val,
		   char *err, size_t elen)
{
	char old[1024];
	int ret = sys_sysctl_read(name, old, sizeof(old));

	if (ret) {
		snprintf(err, elen, "sysctl %s: %s", name, strerror(-ret));
		return ret;
	}
	ret = journal_add(j, "sysctl %s %s", name, old);
	if (!ret)
		ret = sysctl_write(name, val);
	if (ret)
		snprintf(err, elen, "sysctl %s = %s: %s", name, val,
			 strerror(-ret));
	return ret;
}

int sys_netns_add(struct journal *j, const char *name, char *err, size_t elen)
{
	const char *add[] = { "ip", "netns", "add", name, NULL };
	const char *lo[] = { "ip", "-n", name, "link", "set", "lo", "up", NULL };
	int ret = journal_add(j, "netns %s", name);

	if (!ret && (sys_run(add) || sys_run(lo)))
		ret = -EIO;
	if (ret)
		snprintf(err, elen, "ip netns add %s failed", name);
	return ret;
}
