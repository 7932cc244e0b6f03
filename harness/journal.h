/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_JOURNAL_H
#define MMREPRO_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Every change the runner makes to the system is written here before it
 * is made, one line each, fsync'ed, ending in " #" and the POSIX cksum(1)
 * of the text before it (`printf %s TEXT | cksum`), so that a line cut
 * short is known and never applied:
 *
 *   sysctl NAME OLD-VALUE     restored by writing OLD-VALUE back
 *   netns NAME                ip netns del NAME
 *   link NAME                 ip link del NAME
 *   swap DEVICE               swapoff DEVICE
 *   zram N                    swapoff, reset and hot_remove /dev/zramN
 *   file PATH                 unlink PATH (a swap file)
 *   swapon DEVICE             swapon DEVICE (swap that was on before)
 *   param PATH OLD-VALUE      a module parameter (zswap), written back
 *   tracefs NAME              rmdir the tracefs instance NAME (written
 *                             before it is made; dropped again if NAME
 *                             turns out to be someone else's; a stale
 *                             one is left while the PID in its name
 *                             mmrepro-PID[-N] is a live process)
 *   pgid PGID START           SIGKILL to a process group still running,
 *                             if its leader started at START (field 22
 *                             of /proc/PGID/stat): a reused pid is not it
 *   cut TEXT                  a line found cut short: never undone, it
 *                             stays until removed by hand
 *
 * Teardown undoes them in reverse order: at the end of a run, on
 * SIGINT/SIGTERM, and, after a SIGKILL of the runner, at the next start,
 * which finds the journal of a process that no longer exists.  What
 * cannot be undone stays in the journal, and only that, and the next
 * run retries it and does not start while any is left.  A run
 * holds an flock on JOURNAL.lock from before it reads the journal until
 * it exits; one that cannot take it touches nothing and is refused.
 */

struct journal {
	char path[512];
	FILE *f;
	int entries;
	long last; /* where the last line added starts; 0: none to drop */
};

const char *journal_path(void);
/*
 * Takes the lock, replays a stale journal, starts a new one; -1 with err
 * if another run holds the lock or the stale journal is not all undone
 */
int journal_open(struct journal *j, FILE *log, char *err, size_t elen);
int journal_add(struct journal *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Takes back the line journal_add() just wrote, for a change that was
 * not made after all; only that one line, once
 */
int journal_drop_last(struct journal *j);
/* Undo everything in reverse order, remove the journal; failures */
int journal_teardown(struct journal *j, FILE *log);
/*
 * The reader of journal_teardown() and of a stale journal, with the
 * undo of one whole line given (the fuzz target's changes nothing): the
 * number of lines not undone; the caller holds the lock
 */
typedef int (*journal_undo_fn)(const char *line, FILE *log, bool stale);
int journal_replay_with(const char *path, FILE *log, bool stale,
			journal_undo_fn undo);

/* Changes made through the journal */
int sys_sysctl_path(const char *name, char *path, size_t len);
int sys_sysctl_read(const char *name, char *val, size_t len);
int sys_sysctl_set(struct journal *j, const char *name, const char *val,
		   char *err, size_t elen);
int sys_netns_add(struct journal *j, const char *name, char *err, size_t elen);
int sys_run(const char *const argv[]);
/* Field 22 of /proc/PID/stat, in clock ticks after boot; 0 if gone */
unsigned long long proc_start_time(long pid);

#endif
