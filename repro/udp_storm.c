// SPDX-License-Identifier: GPL-2.0
/*
 * udp_storm: a UDP storm that keeps requesting order-3 page frags.
 *
 * A datagram larger than about 16 KiB (or any datagram with MSG_MORE or
 * UDP_SEGMENT) has its payload copied into page frags, and
 * skb_page_frag_refill() asks for an order-3 page first (32 KiB,
 * __GFP_NORETRY without direct reclaim, so it wakes kswapd) before it
 * falls back to order 0.  On a fragmented machine no order-3 block is
 * free, so every refill wakes kswapd, which reclaims in vain while
 * order-0 memory is plentiful.  net.core.high_order_alloc_disable=1
 * skips the order-3 attempt: the control.
 *
 * --threads senders send --size byte datagrams to a receiver that reads
 * them, so frags are freed and refilled all the time.  --holes sockets
 * with SO_RCVBUFFORCE are never read: a parker thread sends a datagram
 * to one of them whenever /proc/buddyinfo shows a free block of order
 * >= 3 in any zone, so that the block is used up and pinned.
 * Traffic goes to 127.0.0.1, or with --allow-netns to --dest.
 *
 *   phase=storm t=12.0 sent=123456 send_errors=0 received=1000 parked=200
 *
 * Build: cc -O2 -o udp_storm ./udp_storm.c -lpthread
 * mmrepro-libs: -lpthread
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static volatile sig_atomic_t stop;
static atomic_ulong sent, send_errors, received, parked;

static struct {
	int threads;
	size_t size;
	bool cork;
	int gso;
	int holes;
	int hole_buf;
	size_t park_max; /* bytes the parker may pin in hole sockets */
	double duration;
	const char *dest;
	bool allow_netns;
	int port;
	double report_s;
	bool receiver;
} opt = {
	.threads = 4,
	.size = 30000,
	.holes = 500,
	.hole_buf = 4 << 20,
	.park_max = 256 << 20,
	.duration = 60,
	.dest = "127.0.0.1",
	.port = 20000,
	.report_s = 1.0,
	.receiver = true,
};

static struct sockaddr_in dst;
static int *hole_fds;

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("udp_storm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int bound(int port, int rcvbuf)
{
	struct sockaddr_in a = dst;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die(1, "socket: %s", strerror(errno));
	if (rcvbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
		die(1, "SO_RCVBUF: %s", strerror(errno));
	a.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die(1, "bind %s:%d: %s", opt.dest, port, strerror(errno));
	return fd;
}

static void send_one(int fd, const char *buf, int port)
{
	struct sockaddr_in a = dst;
	ssize_t n;

	a.sin_port = htons((uint16_t)port);
	if (opt.cork) {
		/* MSG_MORE: the payload goes to sk_page_frag() */
		size_t half = opt.size / 2;

		n = sendto(fd, buf, half, MSG_MORE, (struct sockaddr *)&a,
			   sizeof(a));
		if (n >= 0)
			n = sendto(fd, buf + half, opt.size - half, 0,
				   (struct sockaddr *)&a, sizeof(a));
	} else {
		n = sendto(fd, buf, opt.size, 0, (struct sockaddr *)&a,
			   sizeof(a));
	}
	if (n < 0)
		atomic_fetch_add(&send_errors, 1);
	else
		atomic_fetch_add(&sent, 1);
}

static int sender_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die(1, "socket: %s", strerror(errno));
	if (opt.gso &&
	    setsockopt(fd, IPPROTO_UDP, UDP_SEGMENT, &opt.gso, sizeof(opt.gso)))
		die(1, "UDP_SEGMENT %d: %s", opt.gso, strerror(errno));
	return fd;
}

static void *sender(void *arg)
{
	char *buf = calloc(1, opt.size);
	int fd = sender_socket();

	(void)arg;
	if (!buf)
		die(1, "out of memory");
	while (!stop)
		send_one(fd, buf, opt.port);
	close(fd);
	free(buf);
	return NULL;
}

static void *receiver(void *arg)
{
	int fd = *(int *)arg;
	char *buf = malloc(65536);
	struct timeval tv = { 0, 200000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!stop)
		if (recv(fd, buf, 65536, 0) > 0)
			atomic_fetch_add(&received, 1);
	free(buf);
	return NULL;
}

/*
 * Free pages in blocks of order >= 3, in every zone of every node but
 * ZONE_DMA, whose blocks lowmem_reserve keeps out of reach of these
 * allocations.  (*blocks gets the number of such blocks.)
 */
static long o3_pages(long *blocks)
{
	char line[512], *p, *e;
	FILE *f = fopen("/proc/buddyinfo", "r");
	long sum = 0, v;
	int order;

	*blocks = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "zone");
		if (!p)
			continue;
		p += 4;
		p += strspn(p, " ");
		if (!strncmp(p, "DMA ", 4))
			continue;
		p += strcspn(p, " ");
		for (order = 0;; order++) {
			v = strtol(p, &e, 10);
			if (e == p)
				break;
			p = e;
			if (order >= 3) {
				sum += v << order;
				*blocks += v;
			}
		}
	}
	fclose(f);
	return sum;
}

static long o3_free(void)
{
	long blocks;

	o3_pages(&blocks);
	return blocks;
}

/*
 * Park order-3 blocks as they appear: each datagram sent from this
 * thread takes its payload from this thread's own frag page, and the
 * unread hole socket keeps it.  When parking stops eating high-order
 * pages (with net.core.high_order_alloc_disable=1 the frags are order-0
 * pages, taken from the holes), it pauses, so that the control run is
 * not put under memory pressure the storm run does not have.
 */
static void *parker(void *arg)
{
	char *buf = calloc(1, opt.size);
	int fd = sender_socket(), h = 0, burst, idle = 0;
	long free3, pages, before = -1, blocks;

	(void)arg;
	while (!stop) {
		pages = o3_pages(&blocks);
		free3 = blocks;
		if (before >= 0 && pages >= before)
			idle++;
		else
			idle = 0;
		if (idle >= 8) {
			/* 8 bursts took no high-order page: wait for new ones */
			usleep(1000000);
			if (o3_pages(&blocks) <= pages)
				continue;
			idle = 0;
		}
		before = pages;
		if (atomic_load(&parked) * 32768 >= opt.park_max)
			free3 = 0; /* pinned enough: do not eat the machine */
		if (!free3)
			before = -1;
		for (burst = 0; free3 > 0 && burst < 64 && !stop; burst++) {
			send_one(fd, buf, opt.port + 1 + h);
			atomic_fetch_add(&parked, 1);
			h = (h + 1) % opt.holes;
		}
		usleep(free3 > 0 ? 1000 : 20000);
	}
	close(fd);
	free(buf);
	return NULL;
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

static long number(const char *s, const char *what, long lo, long hi)
{
	char *e;
	long v = strtol(s, &e, 0);

	if (e == s || *e || v < lo || v > hi)
		die(2, "--%s: expected %ld to %ld, not '%s'", what, lo, hi, s);
	return v;
}

/*
 * A size in bytes, as mmrepro reads one: a number, or with K, M, G or T
 * (binary multiples), optionally followed by B or iB (4M, 256MiB)
 */
static long size_arg(const char *s, const char *what, long lo, long hi)
{
	static const char units[] = "KMGT";
	char *e;
	double v = strtod(s, &e);
	const char *p = *e ? strchr(units, *e & ~0x20) : NULL;

	if (p && *p) {
		v *= (double)(1ULL << (10 * (p - units + 1)));
		e++;
		if (!strcmp(e, "iB") || !strcmp(e, "B"))
			e += strlen(e);
	}
	if (e == s || *e || v != v || v < (double)lo || v > (double)hi)
		die(2, "--%s: expected %ld to %ld bytes (or e.g. 4M), not '%s'",
		    what, lo, hi, s);
	return (long)v;
}

static void print_usage(void)
{
	printf("usage: udp_storm [--threads N] [--size BYTES] [--cork] [--gso SEGSIZE]\n"
	       "                 [--holes N] [--hole-buf BYTES] [--park-max BYTES]\n"
	       "                 [--no-receiver]\n"
	       "                 [--duration TIME] [--dest ADDR --allow-netns] [--port N]\n\n"
	       "Send large UDP datagrams (default 4 threads of 30000 bytes) to a reading\n"
	       "receiver on 127.0.0.1, parking any free order>=3 block in one of --holes\n"
	       "unread sockets (SO_RCVBUFFORCE --hole-buf, default 4M) up to --park-max\n"
	       "bytes (default 256M), for --duration (default 60s). ZONE_DMA is left\n"
	       "alone. Prints phase=storm lines every second.\n");
}

/* Parses the options into opt; --help prints the usage and exits */
static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "cork", no_argument, NULL, 'c' },
		{ "gso", required_argument, NULL, 'g' },
		{ "holes", required_argument, NULL, 'H' },
		{ "hole-buf", required_argument, NULL, 'b' },
		{ "park-max", required_argument, NULL, 'P' },
		{ "no-receiver", no_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "dest", required_argument, NULL, 'D' },
		{ "allow-netns", no_argument, NULL, 'A' },
		{ "port", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			opt.threads = (int)number(optarg, "threads", 1, 256);
			break;
		case 's':
			opt.size = (size_t)size_arg(optarg, "size", 1, 65507);
			break;
		case 'c':
			opt.cork = true;
			break;
		case 'g':
			opt.gso = (int)number(optarg, "gso", 1, 65507);
			break;
		case 'H':
			opt.holes = (int)number(optarg, "holes", 1, 10000);
			break;
		case 'b':
			opt.hole_buf = (int)size_arg(optarg, "hole-buf", 4096,
						     1 << 30);
			break;
		case 'P':
			opt.park_max = (size_t)size_arg(optarg, "park-max", 0,
							1L << 40);
			break;
		case 'n':
			opt.receiver = false;
			break;
		case 'd':
			opt.duration = parse_time(optarg);
			break;
		case 'D':
			opt.dest = optarg;
			break;
		case 'A':
			opt.allow_netns = true;
			break;
		case 'p':
			opt.port = (int)number(optarg, "port", 1024, 60000);
			break;
		case 'h':
			print_usage();
			exit(0);
		default:
			die(2, "unknown option (see --help)");
		}
	}
}

/* The destination and ports; --dest must be loopback unless allowed */
static void check_args(int argc, char **argv)
{
	if (optind < argc)
		die(2, "unexpected argument '%s'", argv[optind]);
	dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, opt.dest, &dst.sin_addr) != 1)
		die(2, "--dest: not an IPv4 address: '%s'", opt.dest);
	/* loopback, or the runner's own namespace when it says so */
	if ((ntohl(dst.sin_addr.s_addr) >> 24) != 127 && !opt.allow_netns)
		die(2,
		    "--dest %s is not loopback; traffic stays on 127.0.0.0/8 unless --allow-netns",
		    opt.dest);
	if (opt.port + opt.holes > 65535)
		die(2, "--port %d plus %d holes exceeds 65535", opt.port,
		    opt.holes);
}

/* Reports the counters every report_s until stopped or the duration ends */
static void report_loop(double t0)
{
	double end, next;

	end = opt.duration ? t0 + opt.duration : 0;
	for (next = t0 + opt.report_s; !stop && (!end || now() < end);) {
		usleep(50000);
		if (now() < next)
			continue;
		printf("phase=storm t=%.1f sent=%lu send_errors=%lu received=%lu parked=%lu o3plus_free=%ld\n",
		       now() - t0, atomic_load(&sent),
		       atomic_load(&send_errors), atomic_load(&received),
		       atomic_load(&parked), o3_free());
		fflush(stdout);
		next += opt.report_s;
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t *th, rx, pk;
	double t0;
	int i, rxfd;

	parse_args(argc, argv);
	check_args(argc, argv);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	rxfd = bound(opt.port, 0);
	hole_fds = calloc((size_t)opt.holes, sizeof(int));
	for (i = 0; i < opt.holes; i++)
		hole_fds[i] = bound(opt.port + 1 + i, opt.hole_buf);
	th = calloc((size_t)opt.threads, sizeof(*th));
	if (!hole_fds || !th)
		die(1, "out of memory");
	if (opt.receiver && pthread_create(&rx, NULL, receiver, &rxfd))
		die(1, "pthread_create: %s", strerror(errno));
	if (pthread_create(&pk, NULL, parker, NULL))
		die(1, "pthread_create: %s", strerror(errno));
	for (i = 0; i < opt.threads; i++)
		if (pthread_create(&th[i], NULL, sender, NULL))
			die(1, "pthread_create: %s", strerror(errno));
	t0 = now();
	report_loop(t0);
	stop = 1;
	for (i = 0; i < opt.threads; i++)
		pthread_join(th[i], NULL);
	pthread_join(pk, NULL);
	if (opt.receiver)
		pthread_join(rx, NULL);
	printf("phase=done t=%.1f sent=%lu send_errors=%lu received=%lu parked=%lu\n",
	       now() - t0, atomic_load(&sent), atomic_load(&send_errors),
	       atomic_load(&received), atomic_load(&parked));
	return 0;
}
