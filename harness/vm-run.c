// SPDX-License-Identifier: GPL-2.0
/*
 * One boot of a guest: QEMU with the kernel, the cached initramfs plus a
 * small per-run archive (the command), the host root and the results
 * directory over 9p; then watch the serial ports until it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "results.h"
#include "util.h"
#include "vm.h"

#define POLL_NS (100 * NSEC_PER_MSEC)
#define EXCERPT_LINES 60
#define SCRATCH_MNT "/mnt/scratch"
#define MAX_ATTEMPTS 4 /* the first boot and up to 3 retries */
#define EXIT_HANG 124
#define EXIT_CRASH 125

static int sh(const char *script, const char *a1, const char *a2)
{
	const char *argv[] = { "sh", "-c", script, "sh", a1, a2, NULL };

	return sys_run(argv);
}

/*
 * Each boot gets a random token, on the guest's kernel command line and in
 * its command's environment.  `run --inside` checks that both agree, so
 * that only a process inside a mmrepro guest passes: on the host, no
 * /proc/cmdline holds the token (an environment variable alone did).
 */
static int guest_token(char *tok, size_t len)
{
	unsigned char r[16];
	size_t i;

	if (len < 2 * sizeof(r) + 1 || getrandom(r, sizeof(r), 0) != sizeof(r))
		return -1;
	for (i = 0; i < sizeof(r); i++)
		sprintf(tok + 2 * i, "%02x", r[i]);
	return 0;
}

bool vm_inside_guest(void)
{
	const char *tok = getenv("MMREPRO_GUEST");
	char want[80], *cmd, *at, end;
	size_t len;
	bool r;

	if (!tok || strlen(tok) < 16 || strlen(tok) > 64 ||
	    strspn(tok, "0123456789abcdef") != strlen(tok))
		return false;
	cmd = read_file_str("/proc/cmdline", 1 << 16, &len);
	if (!cmd)
		return false;
	snprintf(want, sizeof(want), " mmrepro.guest=%s", tok);
	/* a whole word: the token ends at a blank or at the end */
	at = strstr(cmd, want);
	end = at ? at[strlen(want)] : 'x';
	r = at && (end == ' ' || end == '\n' || end == '\0');
	free(cmd);
	return r;
}

/*
 * The per-run archive: run.conf (mounts) and cmd.sh (the command, its
 * working directory and environment), appended to the cached base.  The
 * kernel needs the gzip base padded to 4 bytes before the next cpio.
 */
static int run_initrd(const struct vm_cfg *cfg, const struct vm_shares *shr,
		      const char *base, const char *dir, const char *token,
		      char *initrd, size_t len)
{
	char p[4200], cwd[4096];
	struct afile a;
	int i;

	snprintf(p, sizeof(p), "%s/stage", dir);
	if (mkdir_p(p, 0755))
		return -1;
	snprintf(p, sizeof(p), "%s/stage/run.conf", dir);
	if (afile_open(&a, p))
		return -1;
	fputs("OUT=", a.f);
	sh_quote(a.f, cfg->out ? cfg->out : "");
	fprintf(a.f, "\nSCRATCH=%s\nNSHARE=%d\nNLINK=%d\n",
		cfg->disk ? SCRATCH_MNT : "", shr->n, shr->nlinks);
	for (i = 0; i < shr->n; i++) {
		fprintf(a.f, "SHARE%d=", i);
		sh_quote(a.f, shr->path[i]);
		fputc('\n', a.f);
	}
	for (i = 0; i < shr->nlinks; i++) {
		fprintf(a.f, "LINK%d=", i);
		sh_quote(a.f, shr->link[i].name);
		fprintf(a.f, "\nLINKT%d=", i);
		sh_quote(a.f, shr->link[i].target);
		fputc('\n', a.f);
	}
	if (afile_commit(&a))
		return -1;

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	snprintf(p, sizeof(p), "%s/stage/cmd.sh", dir);
	if (afile_open(&a, p))
		return -1;
	fputs("cd ", a.f);
	sh_quote(a.f, cwd);
	fputs(" || echo 'mmrepro vm: that directory is not in the guest' >&2\n"
	      "export HOME=/root TERM=dumb NO_COLOR=1\n"
	      "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
	      a.f);
	fprintf(a.f, "export MMREPRO_GUEST=%s MMREPRO_OUT=", token);
	sh_quote(a.f, cfg->out ? cfg->out : "");
	fprintf(a.f, " MMREPRO_SCRATCH=%s\nexec", cfg->disk ? SCRATCH_MNT : "");
	for (i = 0; i < cfg->argc; i++) {
		fputc(' ', a.f);
		sh_quote(a.f, cfg->argv[i]);
	}
	fputc('\n', a.f);
	if (afile_commit(&a))
		return -1;

	snprintf(initrd, len, "%s/initrd", dir);
	return sh("cp \"$1\" \"$2\" && s=$(stat -c %s \"$2\") && "
		  "head -c $(( (4 - s % 4) % 4 )) /dev/zero >>\"$2\" && "
		  "cd \"${2%/*}/stage\" && "
		  "printf 'run.conf\\ncmd.sh\\n' | "
		  "cpio -o -H newc -R 0:0 --quiet >>\"$2\"",
		  base, initrd);
}

static int make_disk(uint64_t size, const char *dir, char *img, size_t len)
{
	char sz[32];

	snprintf(img, len, "%s/scratch.img", dir);
	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
	/* mke2fs on a plain file: no loop device, no root tricks */
	return sh("truncate -s \"$2\" \"$1\" && "
		  "mke2fs -q -F -t ext4 -E lazy_itable_init=0 \"$1\"",
		  img, sz);
}

static off_t fsize(const char *p)
{
	struct stat st;

	return stat(p, &st) ? 0 : st.st_size;
}

/* Copy what `path' gained since *off to fd 1 */
static void stream(const char *path, off_t *off, bool quiet)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = pread(fd, buf, sizeof(buf), *off)) > 0) {
		*off += n;
		if (!quiet && write(1, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
}

static bool console_has(const char *path, const char *s)
{
	size_t len;
	char *log = read_file_str(path, 64 << 20, &len);
	bool r = log && memmem(log, len, s, strlen(s));

	free(log);
	return r;
}

static void add(char **argv, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char **argv, int *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&argv[*n], fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	(*n)++;
}

/*
 * A path inside a QEMU option string ("file,id=con,path=..."): a comma
 * would end the option and start another, so QEMU wants it doubled.
 * Returns a static buffer, one of two, so that two can be in one call.
 */
static const char *qopt(const char *path)
{
	static char buf[2][8400];
	static int which;
	char *o = buf[which ^= 1], *e = o + sizeof(buf[0]) - 2;

	for (; *path && o < e; path++) {
		if (*path == ',')
			*o++ = ',';
		*o++ = *path;
	}
	*o = '\0';
	return buf[which];
}

static int qemu_argv(const struct vm_cfg *cfg, const struct vm_kernel *k,
		     const struct vm_shares *shr, const char *initrd,
		     const char *disk, const char *dir, const char *accel,
		     const char *token, char **argv)
{
	int n = 0, i;
	bool tcg = !strcmp(accel, "tcg");

	add(argv, &n, "qemu-system-x86_64");
	add(argv, &n, "-nodefaults");
	add(argv, &n, "-no-user-config");
	add(argv, &n, "-nographic");
	add(argv, &n, "-no-reboot");
	add(argv, &n, "-accel");
	/* qemu64 is faster than max under TCG for memory-heavy guests */
	add(argv, &n, tcg ? "tcg,thread=multi" : "kvm");
	add(argv, &n, "-cpu");
	add(argv, &n, tcg ? "qemu64" : "host");
	add(argv, &n, "-smp");
	add(argv, &n, "%d", cfg->cpus);
	add(argv, &n, "-m");
	add(argv, &n, "%lluM", (unsigned long long)(cfg->mem >> 20));
	add(argv, &n, "-kernel");
	add(argv, &n, "%s", k->image);
	add(argv, &n, "-initrd");
	add(argv, &n, "%s", initrd);
	add(argv, &n, "-append");
	/*
	 * psi=1: Debian disables PSI by default.  Under emulation, relax
	 * the watchdogs that would otherwise fire falsely (as syzkaller
	 * does).  oops=panic with panic=-1 and -no-reboot ends a crashed
	 * guest at once instead of leaving it half alive.
	 */
	add(argv, &n,
	    "console=ttyS0 8250.nr_uarts=4 panic=-1 oops=panic psi=1 rdinit=/init mmrepro.guest=%s%s%s%s",
	    token,
	    tcg ? " watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"
		  " sysctl.kernel.hung_task_timeout_secs=600" :
		  "",
	    cfg->append ? " " : "", cfg->append ? cfg->append : "");
	add(argv, &n, "-chardev");
	add(argv, &n, "file,id=con,path=%s/console.log", qopt(cfg->out));
	add(argv, &n, "-serial");
	add(argv, &n, "chardev:con");
	add(argv, &n, "-chardev");
	add(argv, &n, "file,id=cmd,path=%s/output.log", qopt(cfg->out));
	add(argv, &n, "-serial");
	add(argv, &n, "chardev:cmd");
	add(argv, &n, "-chardev");
	add(argv, &n, "file,id=hb,path=%s/heartbeat", qopt(dir));
	add(argv, &n, "-serial");
	add(argv, &n, "chardev:hb");
	/* read-only: vm-share.c says which, and why not the whole root */
	for (i = 0; i < shr->n; i++) {
		add(argv, &n, "-virtfs");
		add(argv, &n,
		    "local,path=%s,mount_tag=share%d,security_model=none,readonly=on,multidevs=remap",
		    qopt(shr->path[i]), i);
	}
	/*
	 * The kernel under test writes here, and QEMU runs as the host's
	 * user (root): with mapped-xattr, the guest's owners, modes, device
	 * nodes and symlinks are kept in xattrs and never become real ones,
	 * so the host never writes through a link the guest planted.
	 */
	add(argv, &n, "-virtfs");
	add(argv, &n,
	    "local,path=%s,mount_tag=out,security_model=mapped-xattr,fmode=0644,dmode=0755,multidevs=remap",
	    qopt(cfg->out));
	if (disk) {
		add(argv, &n, "-drive");
		add(argv, &n, "file=%s,format=raw,if=virtio,cache=unsafe",
		    qopt(disk));
	}
	argv[n] = NULL;
	return n;
}

static void classify(const struct vm_cfg *cfg, const char *accel,
		     struct vm_result *res, bool hung, int qstatus,
		     const char *qlog)
{
	char path[4200], *log, *qerr;
	struct vm_console c;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/console.log", cfg->out);
	log = read_file_str(path, 64 << 20, &len);
	vm_console_scan(log ? log : "", len, &c);
	if (c.crashed) {
		res->excerpt =
			vm_console_excerpt(log, len, c.crash_at, EXCERPT_LINES);
		if (c.crash_before_start) {
			res->outcome = VM_INFRA;
			snprintf(res->reason, sizeof(res->reason),
				 "kernel crashed before the command started");
		} else if (c.int3 && !strcmp(accel, "tcg")) {
			/* seen 2.4 s into boot, when the TSC's static key flips */
			res->outcome = VM_INFRA;
			snprintf(
				res->reason, sizeof(res->reason),
				"int3 oops under TCG (a text-patching race of multi-threaded TCG, not the run's)");
		} else {
			res->outcome = VM_CRASH;
			snprintf(res->reason, sizeof(res->reason),
				 "kernel crashed while the command ran");
		}
	} else if (c.exited) {
		res->status = c.status;
		res->outcome = c.status ? VM_CMD_FAILED : VM_OK;
		if (c.status)
			snprintf(res->reason, sizeof(res->reason),
				 "command exited with %d", c.status);
		if (!c.started) {
			res->outcome = VM_INFRA;
			snprintf(res->reason, sizeof(res->reason),
				 "guest init failed before the command");
		}
	} else if (hung) {
		res->outcome = c.started ? VM_HANG : VM_INFRA;
		snprintf(res->reason, sizeof(res->reason),
			 "no console output and no heartbeat for %.0f s%s",
			 (double)cfg->timeout_ns / NSEC_PER_SEC,
			 c.started ? "" : " before the command started");
	} else {
		qerr = read_file_str(qlog, 4096, NULL);
		if (qerr)
			qerr[strcspn(qerr, "\n")] = '\0';
		res->outcome = c.started ? VM_CRASH : VM_INFRA;
		snprintf(res->reason, sizeof(res->reason),
			 "qemu ended (status %d) %s the command finished%s%s",
			 qstatus, c.started ? "before" : "before",
			 qerr && *qerr ? ": " : "", qerr ? qerr : "");
		free(qerr);
	}
	free(log);
}

/* Starts QEMU in its own process group, its output into QLOG */
static pid_t spawn_qemu(char **argv, const char *qlog)
{
	int null, qfd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		null = open("/dev/null", O_RDONLY);
		qfd = open(qlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(null, 0);
		dup2(qfd, 1);
		dup2(qfd, 2);
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Frees the QEMU command line and removes the staging directory */
static void cleanup(char **argv, const char *dir)
{
	int i;

	for (i = 0; argv[i]; i++)
		free(argv[i]);
	sh("rm -rf \"$1\"", dir, NULL);
}

int vm_run(const struct vm_cfg *cfg, const struct vm_kernel *k,
	   const struct vm_shares *shr, const char *initrd, const char *accel,
	   struct vm_result *res)
{
	char dir[] = "/tmp/mmrepro-vm.XXXXXX", rinitrd[4200], disk[4200];
	char con[4200], outp[4200], hb[4200], qlog[4200];
	char *argv[64 + 2 * VM_MAX_SHARES];
	char token[33];
	int64_t t0 = now_ns(), last, now;
	off_t out_off = 0, sizes[3] = { 0, 0, 0 };
	bool hung = false, started = false;
	int qstatus = -1;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (!mkdtemp(dir) || guest_token(token, sizeof(token)))
		return -1;
	if (run_initrd(cfg, shr, initrd, dir, token, rinitrd, sizeof(rinitrd)))
		return -1;
	if (cfg->disk && make_disk(cfg->disk, dir, disk, sizeof(disk)))
		return -1;
	snprintf(con, sizeof(con), "%s/console.log", cfg->out);
	snprintf(outp, sizeof(outp), "%s/output.log", cfg->out);
	snprintf(hb, sizeof(hb), "%s/heartbeat", dir);
	snprintf(qlog, sizeof(qlog), "%s/qemu.log", dir);
	unlink(con);
	unlink(outp);
	qemu_argv(cfg, k, shr, rinitrd, cfg->disk ? disk : NULL, dir, accel,
		  token, argv);

	pid = spawn_qemu(argv, qlog);
	if (pid < 0)
		return -1;
	last = t0;
	for (;;) {
		struct timespec ts = { 0, POLL_NS };
		off_t s[3] = { fsize(con), fsize(outp), fsize(hb) };
		pid_t w = waitpid(pid, &qstatus, WNOHANG);

		stream(outp, &out_off, cfg->quiet);
		now = now_ns();
		if (memcmp(s, sizes, sizeof(s))) {
			memcpy(sizes, s, sizeof(s));
			last = now;
		}
		if (!started &&
		    console_has(con, "mmrepro-init: command starting")) {
			started = true;
			res->boot_s = (double)(now - t0) / NSEC_PER_SEC;
		}
		if (w == pid)
			break;
		if (cfg->stop && *cfg->stop) {
			kill(-pid, SIGKILL);
			waitpid(pid, &qstatus, 0);
			res->outcome = VM_INTERRUPTED;
			snprintf(res->reason, sizeof(res->reason),
				 "stopped by a signal on the host");
			stream(outp, &out_off, cfg->quiet);
			cleanup(argv, dir);
			return 0;
		}
		if (now - last > cfg->timeout_ns) {
			hung = true;
			kill(-pid, SIGKILL);
			waitpid(pid, &qstatus, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	stream(outp, &out_off, cfg->quiet);
	res->total_s = (double)(now_ns() - t0) / NSEC_PER_SEC;
	qstatus = WIFEXITED(qstatus) ? WEXITSTATUS(qstatus) : -1;
	classify(cfg, accel, res, hung, qstatus, qlog);
	cleanup(argv, dir);
	return 0;
}

/*
 * KVM only if a guest really runs under it: on some hosts /dev/kvm
 * exists but stock kernels fail (a paravirtual KVM).  The answer is
 * cached per host kernel.
 */
const char *vm_pick_accel(const struct vm_cfg *cfg, const struct vm_kernel *k,
			  const char *initrd)
{
	char *cache, path[4200], *old;
	struct vm_cfg probe = *cfg;
	char *const argv[] = { "true", NULL };
	char outdir[] = "/tmp/mmrepro-kvmprobe.XXXXXX", why[256];
	struct vm_shares shr;
	struct vm_result r;
	struct utsname u;
	const char *answer = "tcg";

	if (cfg->accel)
		return cfg->accel;
	if (access("/dev/kvm", R_OK | W_OK))
		return "tcg";
	uname(&u);
	cache = vm_cache_dir("", path, sizeof(path));
	if (!cache)
		return "tcg"; /* not probed: never a guessable name in /tmp */
	snprintf(path, sizeof(path), "%s/kvm-probe-%s", cache, u.release);
	free(cache);
	old = read_file_str(path, 16, NULL);
	if (old) {
		answer = strncmp(old, "kvm", 3) ? "tcg" : "kvm";
		free(old);
		return answer;
	}
	if (!mkdtemp(outdir))
		return "tcg";
	probe.argv = argv;
	probe.argc = 1;
	probe.disk = 0;
	probe.quiet = true;
	probe.out = outdir;
	probe.timeout_ns = 20 * NSEC_PER_SEC;
	probe.nshares = 0;
	if (!vm_shares(&probe, &shr, why, sizeof(why)) &&
	    !vm_run(&probe, k, &shr, initrd, "kvm", &r) && r.outcome == VM_OK)
		answer = "kvm";
	free(r.excerpt);
	sh("rm -rf \"$1\"", outdir, NULL);
	write_file(path, answer, strlen(answer));
	return answer;
}

static json_t *result_json(const struct vm_cfg *cfg, const struct vm_kernel *k,
			   const struct vm_shares *shr, const char *accel,
			   const char *initrd, const char *mods,
			   const struct vm_result *r)
{
	json_t *j = json_object(), *kj = json_object(), *m = json_array();
	json_t *shares = json_array();
	char *copy = strdup(mods ? mods : ""), *line, *save;
	int i;

	json_object_set_new(j, "outcome",
			    json_string(vm_outcome_name(r->outcome)));
	json_object_set_new(j, "status", json_integer(r->status));
	json_object_set_new(j, "reason", json_string(r->reason));
	json_object_set_new(j, "accel", json_string(accel));
	json_object_set_new(j, "attempts", json_integer(r->attempts));
	json_object_set_new(j, "boot_s", json_real(r->boot_s));
	json_object_set_new(j, "total_s", json_real(r->total_s));
	json_object_set_new(kj, "image", json_string(k->image));
	json_object_set_new(kj, "release", json_string(k->release));
	json_object_set_new(kj, "modules", json_string(k->modroot));
	json_object_set_new(j, "kernel", kj);
	json_object_set_new(j, "initramfs", json_string(initrd));
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		json_array_append_new(m, json_string(line));
	free(copy);
	json_object_set_new(j, "modules_loaded", m);
	/* the host directories the guest saw, read-only */
	for (i = 0; i < shr->n; i++)
		json_array_append_new(shares, json_string(shr->path[i]));
	json_object_set_new(j, "shares", shares);
	json_object_set_new(j, "command", meta_argv(cfg->argc, cfg->argv));
	json_object_set_new(j, "mem_MiB",
			    json_integer((json_int_t)(cfg->mem >> 20)));
	json_object_set_new(j, "cpus", json_integer(cfg->cpus));
	{
		/* the host CPUs QEMU had: a slot's under -j */
		cpu_set_t set;
		char b[256];

		if (!sched_getaffinity(0, sizeof(set), &set)) {
			cpus_fmt(b, sizeof(b), &set);
			json_object_set_new(j, "host_cpus", json_string(b));
		}
	}
	json_object_set_new(j, "disk_bytes",
			    json_integer((json_int_t)cfg->disk));
	if (r->excerpt)
		json_object_set_new(j, "crash_excerpt",
				    json_string(r->excerpt));
	return j;
}

int vm_exit_code(const struct vm_result *r)
{
	switch (r->outcome) {
	case VM_OK:
	case VM_CMD_FAILED:
		return r->status;
	case VM_CRASH:
		return EXIT_CRASH;
	case VM_HANG:
		return EXIT_HANG;
	case VM_INFRA:
		break;
	case VM_INTERRUPTED:
		return EXIT_ERROR;
	}
	return EXIT_INFRA;
}

static void keep_attempt_log(const char *out, int attempt)
{
	char a[4200], b[4200];

	snprintf(a, sizeof(a), "%s/console.log", out);
	snprintf(b, sizeof(b), "%s/console.attempt%d.log", out, attempt);
	rename(a, b);
}

/*
 * Boot, retrying what died before the command started; write vm.json
 * (and crash.txt) into cfg->out.  -1 with why on a setup error.
 */
int vm_execute(const struct vm_cfg *cfg, struct vm_kernel *k,
	       struct vm_result *r, char *why, size_t wlen)
{
	char initrd[4200], p[4200], *mods = NULL, *cache;
	static struct vm_shares shr; /* 64 KiB: not on the stack */
	const char *accel;
	int attempt;
	json_t *j;

	cache = vm_cache_dir("initramfs", why, wlen);
	if (!cache)
		return -1;
	if (vm_initramfs(k, cache, initrd, sizeof(initrd), &mods, why, wlen)) {
		free(cache);
		return -1;
	}
	free(cache);
	if (vm_shares(cfg, &shr, why, wlen))
		return -1;
	accel = vm_pick_accel(cfg, k, initrd);
	for (attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		fprintf(stderr,
			"mmrepro vm: booting %s under %s (attempt %d of %d)\n",
			k->release, accel, attempt, MAX_ATTEMPTS);
		if (vm_run(cfg, k, &shr, initrd, accel, r)) {
			snprintf(why, wlen, "cannot start qemu: %s",
				 strerror(errno));
			free(mods);
			return -1;
		}
		r->attempts = attempt;
		if (r->outcome != VM_INFRA || attempt == MAX_ATTEMPTS ||
		    (cfg->stop && *cfg->stop))
			break;
		fprintf(stderr, "mmrepro vm: %s: %s; retrying\n",
			vm_outcome_name(r->outcome), r->reason);
		keep_attempt_log(cfg->out, attempt);
		free(r->excerpt);
		r->excerpt = NULL;
	}
	j = result_json(cfg, k, &shr, accel, initrd, mods, r);
	json_save(j, cfg->out, "vm.json");
	json_decref(j);
	if (r->excerpt) {
		pathf(p, sizeof(p), "%s/crash.txt", cfg->out);
		write_file_replace(p, r->excerpt, strlen(r->excerpt));
	}
	/* a run's own exit status is its verdict, said by the run itself */
	if (cfg->inner_run &&
	    (r->outcome == VM_OK || r->outcome == VM_CMD_FAILED))
		fprintf(stderr,
			"mmrepro vm: the guest came up under %s in %.1f s\n",
			accel, r->boot_s);
	else if (r->outcome == VM_INFRA)
		fprintf(stderr,
			"mmrepro vm: %s: %s; %s; %d attempts; results in %s\n",
			vm_outcome_name(r->outcome), r->reason, accel,
			r->attempts, cfg->out);
	else
		fprintf(stderr,
			"mmrepro vm: %s%s%s; %s; command started %.1f s after launch; results in %s\n",
			vm_outcome_name(r->outcome), r->reason[0] ? ": " : "",
			r->reason, accel, r->boot_s, cfg->out);
	free(mods);
	return 0;
}
