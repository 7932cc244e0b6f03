// SPDX-License-Identifier: GPL-2.0
/*
 * anon_fill: fill anonymous memory, chunk by chunk, until the OOM killer
 * ends it (or --duration does).
 *
 * It reproduces the late OOM kill with zram as the only swap (linux-mm,
 * 2026-03-03): should_reclaim_retry() counts anonymous pages as
 * reclaimable while the swap device has free slots, but every page
 * swapped out to zram still needs RAM for its compressed copy.  Direct
 * reclaim keeps "making progress" and retrying, the machine stalls, and
 * the OOM kill comes long after memory is really full.  With
 * incompressible data (--ratio 1), Debian's 6.12 sometimes never kills
 * at all: the hogs wait in throttle_direct_reclaim() for a kswapd that
 * finds ZONE_DMA balanced and does nothing; --duration bounds that.
 *
 * The data sets the compression ratio: --ratio N fills the first 1/N of
 * each page with PRNG data and leaves the rest zero, so that zram
 * stores about PAGE/N bytes per page (1: incompressible).  Pages are
 * never constant, which zram would keep for free as same_pages.
 *
 * A supervisor forks --procs hogs of --threads fill threads each; the
 * hogs set their own oom_score_adj (--oom-score-adj, 1000 by default),
 * the supervisor keeps its own and mlocks itself, so that it can report
 * while memory is full.  It prints one line a second:
 *   phase=fill t=3.00 filled_mib=512 rate_mib_s=170.0 chunks=8 hogs=3
 * and at once, when no chunk has completed for a second:
 *   phase=stalled t=9.01 filled_mib=1650
 * (then phase=resumed if a chunk completes again).  When a hog is killed
 * it prints phase=killed with its pid and signal, ends the other hogs,
 * and dies of the same signal itself, so that whoever waits for it sees
 * what the hog died of (SIGKILL: status 137 from a shell).
 *
 * Build: cc -O2 -o anon_fill anon_fill.c -lpthread
 * mmrepro-libs: -lpthread
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1UL << 20)
#define MAX_PROCS 256
#define MAX_THREADS 64
#define TICK_S 0.05 /* how often the supervisor looks */
#define STALL_S 1.0 /* no chunk for this long: stalled */
#define WS_PASS_S 0.1 /* at most one working-set pass per 100 ms */
#define SYSRQ_AFTER_S 10.0 /* --sysrq-f: hogs alive this long after SIGKILL */

static struct {
	unsigned int ratio;
	size_t chunk;
	double rate; /* bytes/s over all hogs; 0: as fast as it goes */
	size_t touch_ws; /* over all hogs */
	size_t size; /* over all hogs; 0: until killed */
	double size_pct; /* or a share of MemTotal */
	unsigned int threads, procs;
	int oom_score_adj;
	double duration;
	uint64_t seed;
	bool sysrq_f;
} opt = { 2, 64 * MIB, 0, 0, 0, 0, 1, 1, 1000, 0, 1, false };

/* Shared between the supervisor and the hogs */
struct hog {
	pid_t pid;
	uint64_t filled; /* bytes */
	uint64_t chunks;
	uint32_t threads_done; /* threads that reached their share */
	uint32_t dead;
};

static struct hog *hogs;
static volatile sig_atomic_t stop;

static void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("anon_fill: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* ---- the data ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* xorshift64*: fast, and its output does not compress */
static inline uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/*
 * The first 1/ratio of the page gets PRNG data.  The rest of a fresh
 * anonymous page is zero already; writing it would only cost time.
 */
static void fill_page(char *p, uint64_t *s)
{
	uint64_t *w = (uint64_t *)p;
	size_t i, n = PAGE / opt.ratio / sizeof(*w);

	for (i = 0; i < (n ? n : 1); i++)
		w[i] = next_rand(s);
}

/* ---- a hog ---- */

struct filler {
	struct hog *hog;
	uint64_t share; /* bytes; 0: no limit */
	uint64_t rng;
};

struct ws {
	size_t len;
	uint64_t rng;
};

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void *map_chunk(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "anon_fill: mmap %zu MiB: %s\n", len / MIB,
			strerror(errno));
		_exit(1);
	}
	return p;
}

/*
 * Sleep until `due' seconds after *t0; after a stall, go on at the rate
 * instead of catching up in a burst
 */
static void pace(double *t0, double due)
{
	double lag = now() - (*t0 + due);

	if (lag > 1)
		*t0 += lag;
	else
		sleep_s(-lag);
}

static void *fill_thread(void *arg)
{
	struct filler *f = arg;
	double t0 = now(), rate = opt.rate / opt.procs / opt.threads;
	uint64_t done = 0;

	while (!stop && (!f->share || done < f->share)) {
		size_t len = opt.chunk, off, acc = 0;
		char *p;

		if (f->share && f->share - done < len)
			len = (size_t)(f->share - done);
		p = map_chunk(len);
		for (off = 0; off < len && !stop; off += PAGE) {
			fill_page(p + off, &f->rng);
			acc += PAGE;
			if (acc < MIB && off + PAGE < len)
				continue;
			__atomic_add_fetch(&f->hog->filled, acc,
					   __ATOMIC_RELAXED);
			done += acc;
			acc = 0;
			if (rate > 0)
				pace(&t0, (double)done / rate);
		}
		if (off >= len)
			__atomic_add_fetch(&f->hog->chunks, 1,
					   __ATOMIC_RELAXED);
	}
	if (!stop)
		__atomic_add_fetch(&f->hog->threads_done, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* Keep a working set hot, as a real workload would, while filling */
static void *ws_thread(void *arg)
{
	struct ws *ws = arg;
	char *p = map_chunk(ws->len);
	size_t off;

	for (off = 0; off < ws->len; off += PAGE)
		fill_page(p + off, &ws->rng);
	while (!stop) {
		double t = now();

		for (off = 0; off < ws->len && !stop; off += PAGE)
			(*(volatile uint64_t *)(p + off))++;
		sleep_s(t + WS_PASS_S - now());
	}
	return NULL;
}

static void set_oom_score_adj(int adj)
{
	char buf[16];
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	int n = snprintf(buf, sizeof(buf), "%d", adj);

	if (fd < 0 || write(fd, buf, (size_t)n) != n) {
		fprintf(stderr, "anon_fill: oom_score_adj %d: %s\n", adj,
			strerror(errno));
		_exit(2);
	}
	close(fd);
}

static uint64_t seed_for(unsigned int h, unsigned int i)
{
	uint64_t x = opt.seed ^ ((uint64_t)h << 32) ^ i;

	return splitmix64(&x) | 1; /* xorshift must not start at 0 */
}

static void __attribute__((noreturn)) hog_main(unsigned int h, uint64_t share)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct filler f[MAX_THREADS];
	struct ws ws = { opt.touch_ws / opt.procs / PAGE * PAGE,
			 seed_for(h, MAX_THREADS) };
	pthread_t tid;
	sigset_t none;
	unsigned int i;

	munlockall(); /* the supervisor's locks are not inherited; be sure */
	set_oom_score_adj(opt.oom_score_adj);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/*
	 * The threads start with SIGTERM blocked (inherited from the
	 * supervisor), so that it reaches this thread and ends pause()
	 */
	if (ws.len && pthread_create(&tid, NULL, ws_thread, &ws)) {
		fprintf(stderr, "anon_fill: pthread_create: %s\n",
			strerror(errno));
		_exit(1);
	}
	for (i = 0; i < opt.threads; i++) {
		f[i].hog = &hogs[h];
		f[i].share = share / opt.threads / PAGE * PAGE;
		f[i].rng = seed_for(h, i);
		if (pthread_create(&tid, NULL, fill_thread, &f[i])) {
			fprintf(stderr, "anon_fill: pthread_create: %s\n",
				strerror(errno));
			_exit(1);
		}
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	while (!stop)
		pause();
	_exit(0);
}

/* ---- the supervisor ---- */

static uint64_t sum(size_t field)
{
	uint64_t s = 0;
	unsigned int h;

	for (h = 0; h < opt.procs; h++)
		s += __atomic_load_n((uint64_t *)((char *)&hogs[h] + field),
				     __ATOMIC_RELAXED);
	return s;
}

static unsigned int hogs_holding(void)
{
	unsigned int h, n = 0;

	for (h = 0; h < opt.procs; h++)
		n += __atomic_load_n(&hogs[h].threads_done, __ATOMIC_RELAXED) ==
		     opt.threads;
	return n;
}

/* Ask the live hogs to stop, then make sure they are gone */
static void end_hogs(void)
{
	double until = now() + 5;
	unsigned int h, alive;
	int status;

	for (h = 0; h < opt.procs; h++)
		if (!hogs[h].dead)
			kill(hogs[h].pid, SIGTERM);
	do {
		alive = 0;
		for (h = 0; h < opt.procs; h++) {
			if (hogs[h].dead)
				continue;
			if (waitpid(hogs[h].pid, &status, WNOHANG) ==
			    hogs[h].pid)
				hogs[h].dead = 1;
			else
				alive++;
		}
		if (alive)
			sleep_s(TICK_S);
	} while (alive && now() < until);
	for (h = 0; h < opt.procs; h++)
		if (!hogs[h].dead)
			kill(hogs[h].pid, SIGKILL);
	/*
	 * A hog stuck in reclaim may not get to its SIGKILL for long.  The
	 * last resort (--sysrq-f): the OOM killer by hand, whose reaper
	 * frees a victim's memory without the victim's help.
	 */
	until = now() + SYSRQ_AFTER_S;
	for (;;) {
		alive = 0;
		for (h = 0; h < opt.procs; h++) {
			if (hogs[h].dead)
				continue;
			if (waitpid(hogs[h].pid, &status, WNOHANG) ==
			    hogs[h].pid)
				hogs[h].dead = 1;
			else
				alive++;
		}
		if (!alive || !opt.sysrq_f || now() >= until)
			break;
		sleep_s(TICK_S);
	}
	if (alive && opt.sysrq_f) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

		printf("phase=sysrq-f hogs=%u\n", alive);
		fflush(stdout);
		if (fd < 0 || write(fd, "f", 1) != 1)
			fprintf(stderr, "anon_fill: /proc/sysrq-trigger: %s\n",
				strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	for (h = 0; h < opt.procs; h++) {
		if (hogs[h].dead)
			continue;
		waitpid(hogs[h].pid, &status, 0);
		hogs[h].dead = 1;
	}
}

static void __attribute__((noreturn))
finish(double t0, const char *why, int status)
{
	sigset_t none;

	end_hogs();
	printf("phase=done t=%.3f filled_mib=%.0f reason=%s\n", now() - t0,
	       (double)sum(offsetof(struct hog, filled)) / MIB, why);
	fflush(stdout);
	if (WIFSIGNALED(status)) {
		/* die as the hog did: the caller sees its signal */
		signal(WTERMSIG(status), SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		raise(WTERMSIG(status));
	}
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* A hog ended on its own: killed (OOM), or failed */
static void reap(double t0)
{
	unsigned int h;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (h = 0; h < opt.procs && hogs[h].pid != pid; h++)
			;
		if (h == opt.procs)
			continue;
		hogs[h].dead = 1;
		if (WIFSIGNALED(status)) {
			printf("phase=killed t=%.3f pid=%d signal=%d filled_mib=%.0f\n",
			       now() - t0, (int)pid, WTERMSIG(status),
			       (double)sum(offsetof(struct hog, filled)) / MIB);
			fflush(stdout);
			finish(t0, "killed", status);
		}
		if (WEXITSTATUS(status))
			finish(t0, "error", status);
	}
}

static void supervise(double t0)
{
	double next = 1, last_change = 0, end = opt.duration, stalled = 0;
	double stall_s = STALL_S, t;
	uint64_t chunks = 0, c, filled, last_filled = 0;
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 0, (long)(TICK_S * 1e9) };
	int sig;

	/* at --rate, a chunk takes its time: that is not a stall */
	if (opt.rate > 0)
		stall_s +=
			(double)opt.chunk * opt.procs * opt.threads / opt.rate;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		sig = sigtimedwait(&set, &si, &ts);
		t = now() - t0;
		if (sig == SIGTERM || sig == SIGINT)
			finish(t0, "signal", 0);
		reap(t0);
		if (end > 0 && t >= end)
			finish(t0, "duration", 0);
		c = sum(offsetof(struct hog, chunks));
		filled = sum(offsetof(struct hog, filled));
		if (c != chunks) {
			chunks = c;
			last_change = t;
			if (stalled > 0) {
				printf("phase=resumed t=%.3f filled_mib=%.0f stalled_s=%.3f\n",
				       t, (double)filled / MIB, t - stalled);
				fflush(stdout);
				stalled = 0;
			}
		} else if (!stalled && t - last_change >= stall_s &&
			   hogs_holding() < opt.procs) {
			stalled = t;
			printf("phase=stalled t=%.3f filled_mib=%.0f\n", t,
			       (double)filled / MIB);
			fflush(stdout);
		}
		if (t < next)
			continue;
		printf("phase=%s t=%.3f filled_mib=%.0f rate_mib_s=%.1f chunks=%llu hogs=%u\n",
		       hogs_holding() == opt.procs ? "hold" : "fill", t,
		       (double)filled / MIB,
		       (double)(filled - last_filled) / MIB / (t - next + 1),
		       (unsigned long long)chunks, opt.procs);
		fflush(stdout);
		last_filled = filled;
		next = t + 1;
	}
}

/* ---- options ---- */

static int parse_size(const char *s, size_t *out, double *pct)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (pct && !strcmp(end, "%")) {
		if (v > 1000)
			return -1;
		*pct = v;
		return 0;
	}
	u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	if (u) {
		v *= (double)(1ULL << (10 * (u - units + 1)));
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B')
			end++;
	}
	if (*end || v >= 0x1p62)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse_time(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (!strcmp(end, "m"))
		v *= 60;
	else if (!strcmp(end, "h"))
		v *= 3600;
	else if (*end && strcmp(end, "s"))
		return -1;
	*out = v;
	return 0;
}

static long parse_int(const char *s, const char *name, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("%s: expected %ld to %ld, not '%s'", name, lo, hi, s);
	return v;
}

static size_t mem_total(void)
{
	char line[256];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %lu kB", &kb) == 1)
			break;
	fclose(f);
	if (!kb)
		die("/proc/meminfo: no MemTotal");
	return kb * 1024;
}

static void show_help(void)
{
	printf("usage: anon_fill [--ratio N] [--chunk SIZE] [--rate RATE] [--size SIZE]\n"
	       "                 [--touch-ws SIZE] [--threads N] [--procs N]\n"
	       "                 [--oom-score-adj N] [--duration TIME] [--seed N] [--sysrq-f]\n"
	       "\n"
	       "Fill anonymous memory in chunks until the OOM killer kills a hog, or\n"
	       "--duration ends (then exit 0).  SIGTERM and SIGINT end it cleanly.\n"
	       "\n"
	       "  -r, --ratio N         compressibility: the first 1/N of each page is\n"
	       "                        PRNG data, the rest zero (1: incompressible;\n"
	       "                        default 2)\n"
	       "  -c, --chunk SIZE      mmap and fill this much at a time (default 64M)\n"
	       "      --rate RATE       at most this fast, over all hogs, e.g. 50M/s\n"
	       "  -s, --size SIZE       stop filling at SIZE (or N%% of MemTotal), over all\n"
	       "                        hogs, and hold (default: no limit)\n"
	       "  -w, --touch-ws SIZE   each hog first fills its share of SIZE and keeps\n"
	       "                        re-touching it (one write per page, a pass at most\n"
	       "                        every 100 ms) while it fills\n"
	       "  -t, --threads N       fill threads per hog (default 1)\n"
	       "  -p, --procs N         hog processes (default 1)\n"
	       "      --oom-score-adj N the hogs' oom_score_adj (default 1000)\n"
	       "  -d, --duration TIME   stop after TIME, e.g. 60s (default: never)\n"
	       "      --seed N          PRNG seed, so that runs store the same data\n"
	       "      --sysrq-f         when hogs that must end (--duration, a signal)\n"
	       "                        still live 10 s after SIGKILL: sysrq f, the OOM\n"
	       "                        killer by hand (a last resort; root)\n"
	       "  -h, --help            this text\n"
	       "\n"
	       "Sizes and the rate are totals, split evenly among hogs and threads.\n"
	       "Output, one line a second and at each event:\n"
	       "  phase=start t=0.000 procs=N threads=N ratio=N chunk_mib=N pids=P,P\n"
	       "  phase=fill t=S filled_mib=M rate_mib_s=R chunks=N hogs=N\n"
	       "  phase=stalled t=S filled_mib=M     no chunk completed for 1 s\n"
	       "  phase=resumed t=S filled_mib=M stalled_s=S\n"
	       "  phase=hold ...                     every hog reached --size\n"
	       "  phase=killed t=S pid=P signal=N filled_mib=M\n"
	       "  phase=sysrq-f hogs=N               --sysrq-f was needed\n"
	       "  phase=done t=S filled_mib=M reason=killed|duration|signal|error\n"
	       "\n"
	       "Exit: 0 at --duration or a signal; killed by the hog's signal when a hog\n"
	       "is killed (137 from a shell for the OOM killer's SIGKILL); 1 a hog\n"
	       "failed; 2 usage or setup error (one line on stderr).\n");
	exit(0);
}

/* Takes one option C, with its value in optarg */
static void take_opt(int c, char **argv)
{
	char buf[64];
	size_t n;

	switch (c) {
	case 'r':
		opt.ratio = (unsigned int)parse_int(optarg, "--ratio", 1, 64);
		break;
	case 'c':
		if (parse_size(optarg, &opt.chunk, NULL) || opt.chunk < MIB ||
		    opt.chunk % PAGE)
			die("--chunk: invalid size '%s' (at least 1M, in 4K pages)",
			    optarg);
		break;
	case 'R':
		snprintf(buf, sizeof(buf), "%s", optarg);
		n = strlen(buf);
		if (n > 2 && !strcmp(buf + n - 2, "/s"))
			buf[n - 2] = '\0';
		if (parse_size(buf, &n, NULL) || n < MIB)
			die("--rate: invalid rate '%s' (use e.g. 50M/s, at least 1M/s)",
			    optarg);
		opt.rate = (double)n;
		break;
	case 's':
		if (parse_size(optarg, &opt.size, &opt.size_pct))
			die("--size: invalid size '%s' (use e.g. 2G or 150%%)",
			    optarg);
		break;
	case 'w':
		if (!strcmp(optarg, "0"))
			opt.touch_ws = 0;
		else if (parse_size(optarg, &opt.touch_ws, NULL))
			die("--touch-ws: invalid size '%s' (use e.g. 128M)",
			    optarg);
		break;
	case 't':
		opt.threads = (unsigned int)parse_int(optarg, "--threads", 1,
						      MAX_THREADS);
		break;
	case 'p':
		opt.procs = (unsigned int)parse_int(optarg, "--procs", 1,
						    MAX_PROCS);
		break;
	case 'o':
		opt.oom_score_adj =
			(int)parse_int(optarg, "--oom-score-adj", -1000, 1000);
		break;
	case 'd':
		if (parse_time(optarg, &opt.duration))
			die("--duration: invalid time '%s' (use e.g. 60s)",
			    optarg);
		break;
	case 'S':
		opt.seed = (uint64_t)parse_int(optarg, "--seed", 0, 0x7fffffff);
		break;
	case 'F':
		opt.sysrq_f = true;
		break;
	case 'h':
		show_help();
		break;
	case ':':
		die("option '%s' needs a value", argv[optind - 1]);
	default:
		die("unknown option '%s' (see --help)", argv[optind - 1]);
	}
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ratio", required_argument, NULL, 'r' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'R' },
		{ "size", required_argument, NULL, 's' },
		{ "touch-ws", required_argument, NULL, 'w' },
		{ "threads", required_argument, NULL, 't' },
		{ "procs", required_argument, NULL, 'p' },
		{ "oom-score-adj", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 'S' },
		{ "sysrq-f", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:c:s:w:t:p:d:h", lo, NULL)) !=
	       -1)
		take_opt(c, argv);
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	if (opt.size_pct > 0)
		opt.size = (size_t)((double)mem_total() * opt.size_pct / 100);
	if (opt.size && opt.size / opt.procs / opt.threads < PAGE)
		die("--size: less than a page per thread");
}

int main(int argc, char **argv)
{
	uint64_t share;
	sigset_t set;
	double t0;
	unsigned int h;
	pid_t pid;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	hogs = mmap(NULL, sizeof(*hogs) * MAX_PROCS, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hogs == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/*
	 * The supervisor must report while memory is full: it stays in
	 * RAM (where allowed; as root in a guest it is).  Signals come
	 * through sigtimedwait(), so block them before the first fork.
	 */
	mlockall(MCL_CURRENT | MCL_FUTURE);
	/* an inherited SIG_IGN would let the kernel reap the hogs unseen */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	share = opt.size / opt.procs;
	t0 = now();
	for (h = 0; h < opt.procs; h++) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "anon_fill: fork: %s\n",
				strerror(errno));
			finish(t0, "error", 1 << 8);
		}
		if (pid == 0)
			hog_main(h, share);
		hogs[h].pid = pid;
	}
	printf("phase=start t=%.3f procs=%u threads=%u ratio=%u chunk_mib=%zu pids=",
	       now() - t0, opt.procs, opt.threads, opt.ratio, opt.chunk / MIB);
	for (h = 0; h < opt.procs; h++)
		printf("%s%d", h ? "," : "", (int)hogs[h].pid);
	printf("\n");
	supervise(t0);
	return 0;
}
