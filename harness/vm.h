/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_VM_H
#define MMREPRO_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#define VM_MAX_DEBS 4
#define VM_MAX_SHARES 16
#define VM_MIN_MEM (256ULL << 20)

/* What was asked for: see `mmrepro vm --help` */
struct vm_cfg {
	const char *kernel;
	const char *modules; /* lib/modules/<ver>, or a root holding it */
	const char *debs[VM_MAX_DEBS];
	int ndebs;
	uint64_t mem;
	int cpus;
	uint64_t disk;
	int64_t timeout_ns; /* no output and no heartbeat for this long */
	const char *out; /* absolute */
	const char *accel; /* NULL: probe */
	const char *append; /* extra kernel command line */
	const char *shares[VM_MAX_SHARES]; /* --share: more for the guest */
	int nshares;
	char *const *argv; /* the command */
	int argc;
	bool quiet; /* do not stream the command's output */
	bool inner_run; /* the command is `mmrepro run --inside` */
	volatile sig_atomic_t *stop; /* set by a signal handler: stop it */
};

/* What the kernel and its modules turned out to be */
struct vm_kernel {
	char image[4096];
	char release[128]; /* from the bzImage header */
	char modroot[4096]; /* directory with modules.dep; "" if none */
};

enum vm_outcome {
	VM_OK,
	VM_CMD_FAILED,
	VM_CRASH, /* oops, panic or BUG after the command started */
	VM_HANG, /* no output and no heartbeat for --timeout */
	VM_INFRA, /* died before the command started */
	VM_INTERRUPTED, /* SIGINT/SIGTERM on the host: the guest was stopped */
};

struct vm_result {
	enum vm_outcome outcome;
	int status; /* the command's exit status */
	double boot_s; /* invocation to "command starting" */
	double total_s;
	int attempts;
	char reason[256];
	char *excerpt; /* console lines of the crash */
};

const char *vm_outcome_name(enum vm_outcome o);

/* vm-kernel.c: image and module checks, initramfs build and cache */
int vm_kernel_release(const char *image, char *rel, size_t len, char *why,
		      size_t wlen);
int vm_prepare_kernel(const struct vm_cfg *cfg, struct vm_kernel *k, char *why,
		      size_t wlen);
int vm_initramfs(const struct vm_kernel *k, const char *cache, char *path,
		 size_t len, char **mods, char *why, size_t wlen);
/* $CACHE/SUB, made if missing; NULL (with why) if not this user's alone */
char *vm_cache_dir(const char *sub, char *why, size_t wlen);
/* the cache base, if it exists, is this user's alone: 0, else -1 and why */
int vm_cache_check(char *why, size_t wlen);
/* $MMREPRO_CACHE, else the config file's cache, else ~/.cache/mmrepro */
void vm_cache_base(char *b, size_t l);

/* vm-console.c: classify a console log (pure, testable on captures) */
struct vm_console {
	bool started; /* "command starting" seen */
	bool exited; /* "mmrepro-exit=N" seen */
	int status;
	bool crashed;
	bool crash_before_start;
	size_t crash_at; /* offset of the first crash line */
	/*
	 * The crash is an int3 oops ("int3: 0000 [#1]"): under
	 * multi-threaded TCG, a race with the kernel's text patching
	 * (static keys, tracepoints), not a result of the run.
	 */
	bool int3;
};

void vm_console_scan(const char *log, size_t len, struct vm_console *c);
char *vm_console_excerpt(const char *log, size_t len, size_t at, int lines);

/* vm-share.c: the host directories the guest sees, read-only */
struct vm_shares {
	char path[VM_MAX_SHARES][4096];
	int n;
	struct {
		char name[8], target[64];
	} link[6]; /* top-level links of the host's root, made again */
	int nlinks;
};

/* Adds PATH (absolute), unless a share holds it; parents replace */
int vm_share_add(struct vm_shares *s, const char *path);
/* --share: at most VM_MAX_SHARES, each there; -1 with why, naming it */
int vm_shares_check(int n, const char *const *dirs, char *why, size_t wlen);
int vm_shares(const struct vm_cfg *cfg, struct vm_shares *s, char *why,
	      size_t wlen);

/* vm-run.c */
int vm_run(const struct vm_cfg *cfg, const struct vm_kernel *k,
	   const struct vm_shares *sh, const char *initrd, const char *accel,
	   struct vm_result *res);
int vm_execute(const struct vm_cfg *cfg, struct vm_kernel *k,
	       struct vm_result *r, char *why, size_t wlen);
int vm_exit_code(const struct vm_result *r);
/* true in a mmrepro guest: $MMREPRO_GUEST is the token in /proc/cmdline */
bool vm_inside_guest(void);
const char *vm_pick_accel(const struct vm_cfg *cfg, const struct vm_kernel *k,
			  const char *initrd);

#endif
