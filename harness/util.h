/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_UTIL_H
#define MMREPRO_UTIL_H

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_MSEC 1000000LL

/*
 * Exit codes, as in docs/design.md: 0 ok or not reproduced, 1 reproduced
 * or a significant regression, 2 a usage or setup error, 3 a failure of
 * the infrastructure.  Code 2 has two names: EXIT_USAGE for bad input,
 * found before anything is done, and EXIT_ERROR for a command that then
 * failed or was interrupted (a run judged "error" too).
 */
#define EXIT_REPRODUCED 1
#define EXIT_USAGE 2
#define EXIT_ERROR EXIT_USAGE
#define EXIT_INFRA 3

/* The Makefile gives both; a build without it still says what it is */
#ifndef MMREPRO_VERSION
#define MMREPRO_VERSION "0.0.0"
#endif
#ifndef MMREPRO_GIT
#define MMREPRO_GIT "unknown"
#endif

extern const char *progname;

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int parse_duration_ns(const char *s, int64_t *out);
int parse_size(const char *s, uint64_t *out);
int64_t now_ns(void);
int mkdir_p(const char *path, int mode);
int write_file(const char *path, const char *data, size_t len);
char *read_file_str(const char *path, size_t max, size_t *len);
/*
 * This binary's path, from /proc/self/exe, without the " (deleted)" the
 * link gets when a rebuild replaced it: the new binary is at that path.
 * The length, or -1 (buf then "").
 */
ssize_t self_exe(char *buf, size_t len);
void utc_stamp(char *buf, size_t len);
/*
 * PREFIX/share/mmrepro of an installed binary (PREFIX/bin/mmrepro):
 * the scenarios, the reproducers' sources and the documentation; NULL
 * when there is none (a binary in the source tree)
 */
const char *share_dir(void);

/*
 * snprintf for paths: -ENAMETOOLONG instead of a silently cut path.
 * (It also keeps gcc's truncation warnings for what they are for.)
 */
int pathf(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A name read from a results directory, made fit to be a file name: every
 * byte outside [A-Za-z0-9_.-] becomes '_', and a leading '.' too (no "..",
 * no hidden file); an empty name becomes "_".  Returns out.
 */
char *safe_name(char *out, size_t len, const char *in);

/*
 * Files of a results directory.  One may come from another machine (a
 * bug report, a CI artifact) and be read here as root, so a file in it
 * is read only when it is a regular file itself, never through a
 * symbolic link, and written only by replacing it: a new file renamed
 * over the name replaces a planted link instead of writing through it.
 *
 * open_regular: O_RDONLY of a regular file; -1 with errno ELOOP for a
 * link, EISDIR for a directory, E_NOT_REGULAR for anything else (a FIFO
 * or a device is not even opened).  file_error() says which in words, and
 * warn_refused() says it on stderr, naming the file, when the error is
 * one of these three (nothing when the file is just missing).
 */
#define E_NOT_REGULAR EMEDIUMTYPE
/* a path from a results directory that leaves it ("..") */
#define E_OUTSIDE EXDEV
int open_regular(const char *path);
/*
 * dir is a run directory that may come from elsewhere: from now on,
 * open_regular() of a path below it follows no link in any component
 * below dir (dir itself, which the user named, may be one)
 */
void untrusted_root_add(const char *dir);
const char *file_error(int err);
void warn_refused(const char *path, int err);
/* read_file_str() through open_regular(), warning when refused */
char *read_regular(const char *path, size_t max, size_t *len);
/*
 * A file of a raw recording or its live source alike: read_regular() for
 * a file with a size, read_file_str() for a pseudo-file that says 0
 * bytes (procfs, tracefs); a link is refused either way
 */
char *read_any_nolink(const char *path, size_t max, size_t *len);
/* mkdir, or an existing directory that is not a link (-ELOOP) */
int mkdir_nofollow(const char *path, int mode);
/*
 * For files written as they grow (logs, samples): the name is unlinked
 * and created anew, O_EXCL | O_NOFOLLOW.  A descriptor, or -1 and errno.
 */
int create_new(const char *path);

/*
 * Whole files: written to a new temporary file next to `path' (O_EXCL,
 * O_NOFOLLOW), renamed over it by afile_commit(), which returns 0 or
 * -errno and removes the temporary file on failure.
 */
struct afile {
	FILE *f;
	char path[4096];
	char tmp[4200];
};
int afile_open(struct afile *a, const char *path);
int afile_commit(struct afile *a);
void afile_abort(struct afile *a);
int write_file_replace(const char *path, const char *data, size_t len);

/*
 * A directory for a command's results, checked before the command runs
 * rather than after a long run: made with its parents, refused when it
 * already holds `marker' (a path below it; `taken' says what that
 * means), and with `probe' shown writable by making a file in it.  Dies
 * on failure, with "PREFIX DIR: why": the prefix names the command and
 * how it names the directory ("sample: ", "trace: --out ").
 */
void out_dir_check(const char *prefix, const char *dir, const char *marker,
		   const char *taken, bool probe);

/*
 * What provokes or watches an OOM must outlive it: this process's memory
 * locked (mlockall, current and future) and the OOM killer told to pass
 * it over (oom_score_adj -1000).  A sandbox may refuse either, and the
 * caller goes on: each result is 0 or -errno.
 */
struct self_protection {
	int mlockall;
	int oom_score_adj;
};
struct self_protection protect_self(void);

/*
 * s as one single-quoted shell word, '\'' for a quote: inside single
 * quotes sh expands nothing, a newline included.  The bytes written.
 */
int sh_quote(FILE *f, const char *s);
/*
 * Run argv (NULL-ended; argv[0] looked up in PATH) in dir (NULL: here);
 * its stdout into *out (malloc'd, NUL-ended) unless out is NULL, its
 * stderr to ours or, with errpath, appended to that file.  The exit
 * status (128+N for a signal), or -1.
 */
int run_capture(const char *dir, char *const *argv, char **out,
		const char *errpath);
/* "0-3,6": the CPUs of a set, as taskset -c and cpusets write them */
void cpus_fmt(char *b, size_t l, const cpu_set_t *set);

#endif
