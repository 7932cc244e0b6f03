// SPDX-License-Identifier: GPL-2.0
/*
 * frag: create physical fragmentation that compaction cannot undo, and
 * hold it.
 *
 * It fills memory with anonymous pages that compaction may not move
 * (--method mlock with vm.compact_unevictable_allowed=0, or io_uring
 * fixed buffers, which are long-term pinned), then frees one 4 KiB page
 * in every --stride (32 KiB by default), so that no free block of order
 * 3 (32 KiB) can form while plenty of order-0 pages are free.  With
 * --feeder a thread keeps re-dirtying and MADV_FREE-ing the holes, so
 * kswapd always finds lazily freed pages to reclaim and never gives up;
 * if the fill already made it give up (node_unreclaimable), frag revives
 * it through the root cgroup's memory.reclaim ("phase=hopeless").
 * --method pipe holds the memory in pipe buffers (unmovable kernel
 * pages) instead.
 *
 * It checks the fragmentation it achieved in /proc/buddyinfo, all
 * zones of all nodes, and prints "phase=" lines:
 *   phase=hold t=12.0 held_mib=1180 holes=37760 o0_free=35000 o3plus_free=0
 *
 * mlock splits the VMA twice per hole: 1.2 GiB at 32 KiB needs ~77k
 * VMAs, above the default vm.max_map_count (65530); frag checks and
 * says which sysctl to raise.
 *
 * Build: cc -O2 -o frag ./frag.c -luring -lpthread
 * mmrepro-libs: -luring -lpthread
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1UL << 20)
#define URING_MAX_BUFS 16384 /* IORING_MAX_REG_BUFFERS */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static volatile sig_atomic_t stop;
static double t0;

static struct {
	const char *method;
	size_t stride;
	double fill_pct; /* of MemAvailable less the reserve; <0: unset */
	size_t size; /* or an absolute size */
	double duration; /* 0: until a signal */
	bool feeder;
	double report_s;
	double revive_window; /* s of the hold in which kswapd is revived */
	size_t reserve;
	size_t feeder_every;
} opt = { "mlock", 32768, -1, 0, 0, false, 5, 10, 16 << 20, 16 };

static char *region;
static size_t region_len, nholes;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("frag: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A /proc/meminfo value in kB, or -1 */
static long meminfo_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Sum of a watermark over every zone, in pages */
static long wmark_pages(const char *which)
{
	char line[256], key[32];
	long sum = 0, v;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	snprintf(key, sizeof(key), "%s %%ld", which);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*[a-z]%*[ ]%ld", &v) == 1 &&
		    sscanf(line, key, &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

/* Free order-0 pages and free blocks of order >= 3, all zones */
static void buddy(long *o0, long *o3)
{
	char line[512], *p, *e;
	FILE *f = fopen("/proc/buddyinfo", "r");
	int order;
	long v;

	*o0 = *o3 = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "zone");
		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		p += strcspn(p, " "); /* the zone name */
		for (order = 0;; order++) {
			v = strtol(p, &e, 10);
			if (e == p)
				break;
			p = e;
			if (order == 0)
				*o0 += v;
			if (order >= 3)
				*o3 += v;
		}
	}
	fclose(f);
}

static void report(const char *phase)
{
	long o0, o3;

	buddy(&o0, &o3);
	printf("phase=%s t=%.1f method=%s held_mib=%zu holes=%zu o0_free=%ld o3plus_free=%ld\n",
	       phase, now() - t0, opt.method, region_len / MIB, nholes, o0, o3);
	fflush(stdout);
}

/*
 * How much to take: --size, or --fill percent of what is available
 * once a reserve is kept: the high watermarks of every zone plus
 * --reserve (16 MiB) for the kernel.  The holes give back one page in
 * every stride on top (1/8 at 32K), as order-0 pages only.  A fixed
 * "free minus 25 MiB" gets the filler OOM-killed on small guests.
 */
static size_t target_bytes(void)
{
	long avail = meminfo_kb("MemAvailable");
	long reserve = wmark_pages("high") * 4 + (long)(opt.reserve >> 10);
	double pct = opt.fill_pct < 0 ? 90 : opt.fill_pct;

	if (opt.size)
		return opt.size;
	if (avail < 0)
		die(1, "/proc/meminfo: no MemAvailable");
	if (avail <= reserve)
		die(1, "only %ld MiB available, less than the %ld MiB reserve",
		    avail / 1024, reserve / 1024);
	return (size_t)((double)(avail - reserve) * 1024 * pct / 100) &
	       ~(opt.stride - 1);
}

static void fill_region(size_t len)
{
	size_t off;

	region_len = len;
	region = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED)
		die(1, "mmap %zu MiB: %s", len / MIB, strerror(errno));
	/* small pages: a huge page cannot have a 4 KiB hole */
	if (madvise(region, len, MADV_NOHUGEPAGE))
		die(1, "madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	for (off = 0; off < len && !stop; off += PAGE) {
		region[off] = (char)off | 1;
		if (off % (64 * MIB) == 0 && off) {
			printf("phase=fill t=%.1f held_mib=%zu\n", now() - t0,
			       off / MIB);
			fflush(stdout);
		}
	}
}

static void punch(size_t off)
{
	if (madvise(region + off, PAGE, MADV_DONTNEED))
		die(1, "madvise(MADV_DONTNEED) at %zu: %s", off,
		    strerror(errno));
	nholes++;
}

static void m_mlock(void)
{
	size_t off;
	long maps = 0;
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	char buf[16] = "";

	if (f) {
		if (fscanf(f, "%ld", &maps) != 1)
			maps = 0;
		fclose(f);
	}
	if (maps && (long)(region_len / opt.stride) * 2 + 1000 > maps)
		die(2,
		    "%zu holes need %zu VMAs, above vm.max_map_count=%ld: raise it (e.g. sysctl vm.max_map_count=1000000) or use --method uring",
		    region_len / opt.stride, region_len / opt.stride * 2, maps);
	f = fopen("/proc/sys/vm/compact_unevictable_allowed", "r");
	if (f && fgets(buf, sizeof(buf), f) && buf[0] == '1')
		printf("phase=warning msg=vm.compact_unevictable_allowed=1:compaction_may_move_mlocked_pages\n");
	if (f)
		fclose(f);
	if (mlock(region, region_len))
		die(1, "mlock %zu MiB: %s", region_len / MIB, strerror(errno));
	for (off = opt.stride - PAGE; off < region_len && !stop;
	     off += opt.stride) {
		if (munlock(region + off, PAGE))
			die(1, "munlock at %zu: %s (vm.max_map_count?)", off,
			    strerror(errno));
		punch(off);
	}
}

/*
 * io_uring fixed buffers are pinned long-term (FOLL_LONGTERM), so
 * compaction cannot move them, and registering does not split VMAs.
 * One registered buffer per stride, less its last page, which is freed.
 */
static void m_uring(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	size_t n = region_len / opt.stride, i, done = 0;
	struct iovec *iov = calloc(URING_MAX_BUFS, sizeof(*iov));
	struct io_uring *rings;
	int r, ret, nrings = (int)((n + URING_MAX_BUFS - 1) / URING_MAX_BUFS);

	setrlimit(RLIMIT_MEMLOCK,
		  &rl); /* root may; otherwise it is the limit */
	rings = calloc((size_t)nrings, sizeof(*rings));
	if (!iov || !rings)
		die(1, "out of memory");
	for (r = 0; r < nrings; r++) {
		size_t k = 0;

		if (io_uring_queue_init(1, &rings[r], 0) < 0)
			die(1, "io_uring_queue_init: %s", strerror(errno));
		for (i = done; i < n && k < URING_MAX_BUFS; i++, k++) {
			iov[k].iov_base = region + i * opt.stride;
			iov[k].iov_len = opt.stride - PAGE;
		}
		/* the rings stay open: their buffers stay pinned */
		ret = io_uring_register_buffers(&rings[r], iov,
						(unsigned int)k);
		if (ret < 0)
			die(1,
			    "io_uring_register_buffers: %s (RLIMIT_MEMLOCK?)",
			    strerror(-ret));
		done += k;
	}
	for (i = 0; i < n && !stop; i++)
		punch(i * opt.stride + opt.stride - PAGE);
	free(iov);
}

/*
 * Pipe buffers: unmovable kernel pages, one per write of a page; they
 * are scattered through memory as the allocator hands them out.
 */
static void m_pipe(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };
	size_t held = 0, want = region_len;
	char *page = calloc(1, PAGE);
	int fds[2];

	/* two descriptors per MiB held */
	if (setrlimit(RLIMIT_NOFILE, &rl))
		getrlimit(RLIMIT_NOFILE, &rl);
	munmap(region, region_len);
	region = NULL;
	region_len = 0;
	while (held < want && !stop) {
		if (pipe(fds))
			die(1, "pipe: %s (raise the open file limit?)",
			    strerror(errno));
		/* a larger pipe where pipe-max-size allows; 64K if not */
		fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
		fcntl(fds[1], F_SETFL, O_NONBLOCK);
		/* both ends stay open: the pages live while nobody reads */
		while (held < want &&
		       write(fds[1], page, PAGE) == (ssize_t)PAGE)
			held += PAGE;
	}
	region_len = held;
	free(page);
}

/*
 * Keep lazily freed pages on the LRU, so kswapd always has work and
 * never counts itself hopeless.  Only one hole in --feeder-every is
 * used: re-dirtying them all takes every hole back and puts the whole
 * node under order-0 pressure, which would wake kswapd for order 0 and
 * hide the order-3 wakeups this is about.
 */
static void *feeder(void *arg)
{
	size_t off, step = opt.stride * opt.feeder_every;

	(void)arg;
	while (!stop) {
		for (off = opt.stride - PAGE; off < region_len && !stop;
		     off += step) {
			region[off] = 1;
			madvise(region + off, PAGE, MADV_FREE);
		}
		usleep(1000);
	}
	return NULL;
}

/* Nodes whose kswapd gave up: "node_unreclaimable: 1" in /proc/zoneinfo */
static int hopeless_nodes(void)
{
	char line[256];
	int n = 0, node = -1, counted = -1, v;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &v) == 1)
			node = v;
		else if (sscanf(line, " node_unreclaimable: %d", &v) == 1 &&
			 v && node != counted) {
			counted = node;
			n++;
		}
	}
	fclose(f);
	return n;
}

/*
 * The fill can leave kswapd "hopeless": after 16 runs that reclaimed
 * nothing (all of it is mlocked or pinned) wakeup_kswapd() returns
 * before waking it, and only a reclaim that makes progress resets that
 * (node_unreclaimable in /proc/zoneinfo).  The storm's atomic order-3
 * refills never reclaim themselves, so they would never wake it: seen
 * in 2 of 35 runs on 6.12, with kswapd at 0 % for the whole storm.  It
 * also happened once in the first second of a storm, before kswapd had
 * reclaimed any of the feeder's fresh pages (6.12 runs MGLRU).  A small
 * proactive reclaim of the root cgroup (memory.reclaim, 5.19+) takes
 * some of the feeder's lazily freed pages and resets the count.  frag
 * does that after the fill and, while a load ramps up, for the first
 * --revive-window of the hold; after that it leaves kswapd alone, so
 * that a kernel whose kswapd rightly gives up is still seen to.
 */
static void revive_kswapd(void)
{
	int before = hopeless_nodes(), i, fd;

	if (!before)
		return;
	fd = open("/sys/fs/cgroup/memory.reclaim", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("phase=hopeless t=%.1f nodes=%d revived=no reason=\"no /sys/fs/cgroup/memory.reclaim (mount cgroup2)\"\n",
		       now() - t0, before);
		fflush(stdout);
		return;
	}
	/* short writes fail with EAGAIN when less was reclaimed: retry */
	for (i = 0; i < 20 && hopeless_nodes(); i++) {
		if (write(fd, "4M", 2) < 0 && errno != EAGAIN)
			break;
		usleep(50000);
	}
	close(fd);
	printf("phase=hopeless t=%.1f nodes=%d revived=%s\n", now() - t0,
	       before, hopeless_nodes() ? "no" : "yes");
	fflush(stdout);
}

static const struct method {
	const char *name;
	void (*fn)(void);
	bool holes; /* has a region with holes the feeder can use */
} methods[] = {
	{ "mlock", m_mlock, true },
	{ "uring", m_uring, true },
	{ "pipe", m_pipe, false },
};

static void print_usage(void)
{
	printf("usage: frag [--method mlock|uring|pipe] [--fill PCT%% | --size SIZE]\n"
	       "            [--stride SIZE] [--feeder] [--feeder-every N] [--reserve SIZE]\n"
	       "            [--duration TIME] [--revive-window TIME]\n"
	       "            [--report TIME]\n\n"
	       "Fill memory with pages compaction cannot move, free one page in every\n"
	       "--stride (default 32K) so no order-3 block can form, and hold it until\n"
	       "SIGINT/SIGTERM or --duration. --fill is a percentage of MemAvailable\n"
	       "less a reserve of the zones' high watermarks and --reserve (16M)\n"
	       "(default 90%%).\n"
	       "--feeder keeps re-dirtying and MADV_FREE-ing one hole in --feeder-every\n"
	       "(16) so kswapd never runs out of reclaimable pages, and revives a kswapd\n"
	       "the fill left hopeless (/proc/zoneinfo node_unreclaimable) through\n"
	       "/sys/fs/cgroup/memory.reclaim, then again during the first\n"
	       "--revive-window (10s; 0: never) of the hold, while a load ramps up.\n"
	       "Prints phase= lines, including the\n"
	       "order-0 and order>=3 free blocks in /proc/buddyinfo (all zones).\n");
}

/* As mmrepro reads a duration: ns, us, ms, s, m, h; a bare number is s */
static double parse_time(const char *s)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = { { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 },
		      { "s", 1 },     { "", 1 },      { "m", 60 },
		      { "h", 3600 } };
	char *e;
	double v = strtod(s, &e);
	size_t i;

	for (i = 0; e != s && v >= 0 && i < ARRAY_SIZE(units); i++)
		if (!strcmp(e, units[i].unit))
			return v * units[i].mult;
	die(2, "bad duration '%s' (use 500ms, 40s, 2m, 1h)", s);
	return 0;
}

/*
 * As mmrepro reads a size: a number of bytes, or with K, M, G, T or P
 * (binary multiples), optionally followed by B or iB: 32K, 32KiB, 1.5G
 */
static size_t parse_size(const char *s)
{
	static const char units[] = "KMGTP";
	char *e;
	double v = strtod(s, &e);
	const char *p = *e ? strchr(units, *e & ~0x20) : NULL;

	if (p && *p)
		e++;
	if (p && *p && (!strcmp(e, "iB") || !strcmp(e, "B")))
		e += strlen(e);
	if (e == s || *e || v <= 0 || (*e && !p))
		die(2, "bad size '%s' (use 32K, 32KiB, 64M, 1G)", s);
	v *= p && *p ? (double)(1ULL << (10 * (p - units + 1))) : 1;
	if (v >= 0x1p62)
		die(2, "bad size '%s': too large", s);
	return (size_t)v;
}

/* Parses the options into opt; --help prints the usage and exits */
static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "method", required_argument, NULL, 'm' },
		{ "fill", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "stride", required_argument, NULL, 'S' },
		{ "feeder", no_argument, NULL, 'F' },
		{ "duration", required_argument, NULL, 'd' },
		{ "report", required_argument, NULL, 'r' },
		{ "reserve", required_argument, NULL, 'R' },
		{ "feeder-every", required_argument, NULL, 'E' },
		{ "revive-window", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *e;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			opt.method = optarg;
			break;
		case 'f':
			opt.fill_pct = strtod(optarg, &e);
			if (e == optarg || (*e && strcmp(e, "%")) ||
			    opt.fill_pct <= 0 || opt.fill_pct > 100)
				die(2,
				    "--fill: expected 1%% to 100%%, not '%s'",
				    optarg);
			break;
		case 's':
			opt.size = parse_size(optarg);
			break;
		case 'S':
			opt.stride = parse_size(optarg);
			if (opt.stride < 2 * PAGE || opt.stride % PAGE)
				die(2,
				    "--stride: a multiple of 4K, at least 8K");
			break;
		case 'F':
			opt.feeder = true;
			break;
		case 'd':
			opt.duration = parse_time(optarg);
			break;
		case 'r':
			opt.report_s = parse_time(optarg);
			break;
		case 'R':
			opt.reserve = parse_size(optarg);
			break;
		case 'W':
			opt.revive_window = parse_time(optarg);
			break;
		case 'E':
			opt.feeder_every = (size_t)strtoul(optarg, &e, 10);
			if (*e || !opt.feeder_every)
				die(2,
				    "--feeder-every: a positive number, not '%s'",
				    optarg);
			break;
		case 'h':
			print_usage();
			exit(0);
		default:
			die(2, "unknown option (see --help)");
		}
	}
}

/* The method that --method names; no other arguments */
static const struct method *find_method(int argc, char **argv)
{
	const struct method *m = NULL;
	size_t i;

	if (optind < argc)
		die(2, "unexpected argument '%s'", argv[optind]);
	for (i = 0; i < ARRAY_SIZE(methods); i++)
		if (!strcmp(methods[i].name, opt.method))
			m = &methods[i];
	if (!m)
		die(2, "--method: expected mlock, uring or pipe, not '%s'",
		    opt.method);
	return m;
}

/* Holds the pages, reporting, until stopped or the duration ends */
static void hold_loop(const struct method *m)
{
	double next, end, hold;

	hold = now();
	end = opt.duration ? t0 + opt.duration : 0;
	for (next = now() + opt.report_s; !stop && (!end || now() < end);) {
		usleep(100000);
		if (opt.feeder && m->holes && now() - hold < opt.revive_window)
			revive_kswapd();
		if (now() >= next) {
			report("hold");
			next += opt.report_s;
		}
	}
}

int main(int argc, char **argv)
{
	const struct method *m;
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t th;

	parse_args(argc, argv);
	m = find_method(argc, argv);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	t0 = now();
	fill_region(target_bytes());
	m->fn();
	if (opt.feeder && m->holes && pthread_create(&th, NULL, feeder, NULL))
		die(1, "pthread_create: %s", strerror(errno));
	if (opt.feeder && m->holes) {
		usleep(200000); /* some lazily freed pages to reclaim */
		revive_kswapd();
	}
	report("hold");
	hold_loop(m);
	report("done");
	return 0;
}
