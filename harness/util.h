/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_UTIL_H
#define MMREPRO_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_MSEC 1000000LL

/* Exit codes, as in docs/design.md */
#define EXIT_REPRODUCED 1
#define EXIT_USAGE 2
#define EXIT_INFRA 3

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
#endif
