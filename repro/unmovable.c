// SPDX-License-Identifier: GPL-2.0
/*
 * unmovable: a sustained load of kernel allocations that cannot be
 * migrated, for the defrag-unmovable scenario (reclaim storms under
 * vm.defrag_mode=1, linux-mm thread of 2026-06-26).  With memory full of
 * movable pages, every new Unmovable or Reclaimable pageblock must first
 * be reclaimed or compacted free; under defrag_mode=1 the allocator may
 * no longer steal pages from movable blocks instead.
 *
 * Sources (--source, comma-separated): page tables, pipe buffers, unread
 * UDP queues on loopback, kernel stacks of sleeping children,
 * memfd_secret pages (all Unmovable), and dentries or inodes
 * (Reclaimable).  It only makes the pressure: what the kernel makes of
 * it (the /proc/meminfo field a source raises, pageblocks by type,
 * direct reclaim by the request's migratetype, extfrag fallbacks) is
 * measured from outside, by mmrepro's sampler and tracer or from /proc.
 *
 * Build: cc -O2 unmovable.c -o unmovable
 * Usage: ./unmovable --source pipes,pagetables --rate 50M/s --total 256M
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION "0.1.0"
#define MIB (1024.0 * 1024.0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif
#if !defined(SYS_memfd_secret) && defined(__x86_64__)
#define SYS_memfd_secret 447
#endif

static volatile sig_atomic_t stop;
static double t_start;
static long page_size;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("unmovable: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- numbers ---- */

static int parse_bytes(const char *s, double *out, bool pct)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	if (pct && !strcmp(end, "%")) {
		*out = -v; /* a share of MemTotal, resolved later */
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
	*out = v;
	return *end ? -1 : 0;
}

static int parse_time(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
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

/* ---- sources ---- */

struct src;

struct src_ops {
	const char *name;
	const char *help;
	/*
	 * What the kernel shows it as, for --help: a /proc/meminfo field;
	 * Unaccounted, memory in no field (MemTotal less MemFree, the
	 * per-CPU free pages and every field that names a use); or
	 * AnonUnmapped, anonymous LRU pages that no process maps.
	 */
	const char *field;
	const char *blocks; /* the pageblock type it fills */
	bool not_in_all;
	size_t unit; /* nominal bytes per grow(), for the pacing */
	void (*setup)(struct src *s);
	/* one more unit: 1, or 0 when it cannot now (a note says why) */
	int (*grow)(struct src *s);
	/* free the oldest unit; false when nothing is held */
	bool (*shrink)(struct src *s);
	void (*refresh)(struct src *s); /* update held, where measured */
	void (*teardown)(struct src *s);
};

struct src {
	const struct src_ops *ops;
	double rate, total; /* bytes/s (0: no limit), bytes */
	double held; /* bytes held now */
	double allocated; /* bytes allocated since the start */
	double forgiven; /* pacing debt dropped when a source fell behind */
	double last_alloc;
	bool full_seen;
	char last_note[160];
	void *priv;
};

static void tell(struct src *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A condition that stops a source for now, said once while it lasts */
static void tell(struct src *s, const char *fmt, ...)
{
	char msg[sizeof(s->last_note)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(msg, s->last_note))
		return;
	snprintf(s->last_note, sizeof(s->last_note), "%s", msg);
	printf("phase=note t=%.1f source=%s held_mib=%.1f what=\"%s\"\n",
	       now() - t_start, s->ops->name, s->held / MIB, msg);
}

/* A ring of handles: the oldest is freed first */
struct ring {
	void *v;
	size_t size, cap, head, n;
};

static void ring_init(struct ring *r, size_t size, size_t cap)
{
	r->v = calloc(cap, size);
	if (!r->v)
		die("out of memory");
	r->size = size;
	r->cap = cap;
}

static void *ring_at(struct ring *r, size_t i) /* 0 is the oldest */
{
	return (char *)r->v + ((r->head + i) % r->cap) * r->size;
}

static void *ring_push(struct ring *r)
{
	void *e;

	if (r->n == r->cap) {
		/* unroll into a larger array */
		struct ring g;
		size_t i;

		ring_init(&g, r->size, r->cap * 2);
		for (i = 0; i < r->n; i++)
			memcpy(ring_at(&g, i), ring_at(r, i), r->size);
		g.n = r->n;
		free(r->v);
		*r = g;
	}
	e = ring_at(r, r->n++);
	memset(e, 0, r->size);
	return e;
}

static void *ring_newest(struct ring *r)
{
	return r->n ? ring_at(r, r->n - 1) : NULL;
}

static void ring_pop(struct ring *r)
{
	r->head = (r->head + 1) % r->cap;
	r->n--;
}

/*
 * pagetables: read one byte per 2 MiB of a MAP_NORESERVE mapping.  Each
 * read maps the shared zero page and costs one PTE page; the data cost
 * nothing.  Slots of 1 GiB (one PMD page each) are mapped and unmapped
 * as a ring, inside a PROT_NONE reservation so that nothing else lands
 * in a freed slot.
 */
#define PT_SLOT (1UL << 30)
#define PT_STRIDE (2UL << 20)

struct pt {
	char *base;
	size_t nslots, oldest, nactive, touched; /* in the newest slot */
};

static void pt_setup(struct src *s)
{
	struct pt *pt = calloc(1, sizeof(*pt));
	size_t per_slot = (PT_SLOT / PT_STRIDE + 1) * (size_t)page_size;
	uintptr_t a;
	char *p;

	pt->nslots = (size_t)(s->total / (double)per_slot) + 2;
	p = mmap(NULL, (pt->nslots + 1) * PT_SLOT, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die("pagetables: mmap of %zu GiB: %s", pt->nslots + 1,
		    strerror(errno));
	a = ((uintptr_t)p + PT_SLOT - 1) & ~(PT_SLOT - 1);
	pt->base = (char *)a;
	s->priv = pt;
}

static char *pt_slot(struct pt *pt, size_t i)
{
	return pt->base + (i % pt->nslots) * PT_SLOT;
}

static int pt_grow(struct src *s)
{
	struct pt *pt = s->priv;
	char *slot;

	if (!pt->nactive || pt->touched == PT_SLOT / PT_STRIDE) {
		if (pt->nactive == pt->nslots)
			return 0;
		slot = pt_slot(pt, pt->oldest + pt->nactive);
		if (mmap(slot, PT_SLOT, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				 MAP_FIXED,
			 -1, 0) == MAP_FAILED) {
			tell(s, "mmap: %s", strerror(errno));
			return 0;
		}
		/* no huge zero page: one PTE page per 2 MiB is the point */
		madvise(slot, PT_SLOT, MADV_NOHUGEPAGE);
		pt->nactive++;
		pt->touched = 0;
		s->held += (double)page_size; /* the PMD page */
	}
	slot = pt_slot(pt, pt->oldest + pt->nactive - 1);
	(void)*(volatile char *)(slot + pt->touched++ * PT_STRIDE);
	s->held += (double)page_size;
	s->allocated += (double)page_size;
	return 1;
}

static bool pt_shrink(struct src *s)
{
	struct pt *pt = s->priv;
	size_t n = pt->nactive == 1 ? pt->touched : PT_SLOT / PT_STRIDE;

	if (!pt->nactive)
		return false;
	/* replacing the slot unmaps it and frees its page tables */
	if (mmap(pt_slot(pt, pt->oldest), PT_SLOT, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
		 0) == MAP_FAILED)
		return false;
	s->held -= (double)(n + 1) * (double)page_size;
	pt->oldest = (pt->oldest + 1) % pt->nslots;
	if (!--pt->nactive)
		pt->touched = 0;
	return true;
}

static void pt_teardown(struct src *s)
{
	struct pt *pt = s->priv;

	munmap(pt->base, pt->nslots * PT_SLOT);
	s->held = 0;
}

/*
 * pipes: one page per write(), into pipes widened with F_SETPIPE_SZ; a
 * full pipe keeps only its read end, so its pages stay until it closes.
 */
#define PIPE_BYTES (1 << 20)

struct pipe_q {
	int rd;
	long pages;
};

struct pipes {
	struct ring q;
	int wr; /* write end of the newest pipe, or -1 */
	long max_pages; /* of the newest pipe */
	char *page;
};

static void pipes_setup(struct src *s)
{
	struct pipes *p = calloc(1, sizeof(*p));

	ring_init(&p->q, sizeof(struct pipe_q), 64);
	p->wr = -1;
	p->page = malloc((size_t)page_size);
	memset(p->page, 'u', (size_t)page_size);
	s->priv = p;
}

static int pipes_grow(struct src *s)
{
	struct pipes *p = s->priv;
	struct pipe_q *q;
	int fds[2], sz;

	if (p->wr < 0) {
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK)) {
			tell(s, "pipe: %s", strerror(errno));
			return 0;
		}
		sz = fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES);
		if (sz < 0)
			sz = fcntl(fds[1], F_GETPIPE_SZ);
		q = ring_push(&p->q);
		q->rd = fds[0];
		p->wr = fds[1];
		p->max_pages = sz > 0 ? sz / page_size : 1;
	}
	q = ring_newest(&p->q);
	if (write(p->wr, p->page, (size_t)page_size) != page_size) {
		if (errno != EAGAIN) {
			tell(s, "write: %s", strerror(errno));
			return 0;
		}
		q->pages = p->max_pages; /* full after all */
	} else {
		q->pages++;
		s->held += (double)page_size;
		s->allocated += (double)page_size;
	}
	if (q->pages >= p->max_pages) {
		close(p->wr);
		p->wr = -1;
	}
	return 1;
}

static bool pipes_shrink(struct src *s)
{
	struct pipes *p = s->priv;
	struct pipe_q *q;

	if (!p->q.n)
		return false;
	q = ring_at(&p->q, 0);
	if (p->q.n == 1 && p->wr >= 0) {
		close(p->wr);
		p->wr = -1;
	}
	close(q->rd);
	s->held -= (double)q->pages * (double)page_size;
	ring_pop(&p->q);
	return true;
}

static void pipes_teardown(struct src *s)
{
	while (pipes_shrink(s))
		;
}

/*
 * sockets: datagrams to unread UDP sockets on 127.0.0.1.  What they hold
 * is the kernel's own count, SO_MEMINFO's rmem_alloc (skb truesize).
 * Above net.ipv4.udp_mem's maximum the kernel drops them instead.
 */
#define RCVBUF (8 << 20)

struct rx {
	int fd;
	struct sockaddr_in a;
	double rmem;
	uint32_t drops;
};

struct socks {
	struct ring q;
	int tx;
	bool need_rx;
	size_t dgram;
	char *buf;
	double rcvbuf; /* the limit the kernel applies */
};

static size_t opt_dgram = 32000;

static int rx_meminfo(int fd, double *rmem, uint32_t *drops)
{
	uint32_t m[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(m);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, m, &len))
		return -1;
	*rmem = m[SK_MEMINFO_RMEM_ALLOC];
	*drops = len > SK_MEMINFO_DROPS * sizeof(m[0]) ? m[SK_MEMINFO_DROPS] :
							 0;
	return 0;
}

static int new_rx(struct src *s, struct socks *k)
{
	socklen_t len = sizeof(struct sockaddr_in);
	int fd, v = RCVBUF;
	struct rx *r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		tell(s, "socket: %s", strerror(errno));
		return -1;
	}
	/* past net.core.rmem_max needs CAP_NET_ADMIN */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	len = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
	k->rcvbuf = v;
	r = ring_push(&k->q);
	r->fd = fd;
	r->a.sin_family = AF_INET;
	r->a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	len = sizeof(r->a);
	if (bind(fd, (struct sockaddr *)&r->a, len) ||
	    getsockname(fd, (struct sockaddr *)&r->a, &len)) {
		tell(s, "bind 127.0.0.1: %s", strerror(errno));
		close(fd);
		k->q.n--;
		return -1;
	}
	k->need_rx = false;
	return 0;
}

static void socks_setup(struct src *s)
{
	struct socks *k = calloc(1, sizeof(*k));
	struct rx *r;

	ring_init(&k->q, sizeof(struct rx), 64);
	k->dgram = opt_dgram;
	k->buf = malloc(k->dgram);
	memset(k->buf, 'u', k->dgram);
	k->tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (k->tx < 0)
		die("sockets: socket: %s", strerror(errno));
	k->need_rx = true;
	s->priv = k;
	/* a guest or a new netns may have lo down: say so plainly */
	if (new_rx(s, k))
		die("sockets: cannot bind 127.0.0.1: %s", s->last_note);
	r = ring_newest(&k->q);
	if (sendto(k->tx, "", 0, MSG_DONTWAIT, (struct sockaddr *)&r->a,
		   sizeof(r->a)) < 0)
		die("sockets: sendto 127.0.0.1: %s (is lo up? ip link set lo up)",
		    strerror(errno));
	close(r->fd);
	ring_pop(&k->q);
	k->need_rx = true;
}

static int socks_grow(struct src *s)
{
	struct socks *k = s->priv;
	uint32_t drops;
	double rmem;
	struct rx *r;

	if (k->need_rx && new_rx(s, k))
		return 0;
	r = ring_newest(&k->q);
	if (sendto(k->tx, k->buf, k->dgram, MSG_DONTWAIT,
		   (struct sockaddr *)&r->a, sizeof(r->a)) < 0) {
		tell(s, "sendto: %s", strerror(errno));
		return 0;
	}
	s->allocated += (double)k->dgram;
	if (rx_meminfo(r->fd, &rmem, &drops))
		return 1;
	s->held += rmem - r->rmem;
	r->rmem = rmem;
	if (drops != r->drops) {
		r->drops = drops;
		if (rmem + 2.0 * (double)k->dgram >= k->rcvbuf) {
			k->need_rx = true; /* this one is full */
		} else {
			tell(s,
			     "datagrams dropped below the socket's limit: net.ipv4.udp_mem is full");
			return 0;
		}
	}
	return 1;
}

static void socks_refresh(struct src *s)
{
	struct socks *k = s->priv;
	size_t i;

	s->held = 0;
	for (i = 0; i < k->q.n; i++) {
		struct rx *r = ring_at(&k->q, i);

		rx_meminfo(r->fd, &r->rmem, &r->drops);
		s->held += r->rmem;
	}
}

static bool socks_shrink(struct src *s)
{
	struct socks *k = s->priv;
	struct rx *r;

	if (!k->q.n)
		return false;
	r = ring_at(&k->q, 0);
	close(r->fd);
	s->held -= r->rmem;
	ring_pop(&k->q);
	if (!k->q.n)
		k->need_rx = true;
	return true;
}

static void socks_teardown(struct src *s)
{
	while (socks_shrink(s))
		;
	close(((struct socks *)s->priv)->tx);
}

/*
 * fork: children that only sleep.  Each holds a kernel stack
 * (THREAD_SIZE, 16 KiB on x86_64 and arm64), a task_struct and the page
 * tables of a small mm.
 */
#define STACK_BYTES (16 << 10)

struct kids {
	struct ring pid;
	pid_t parent;
};

static void kids_setup(struct src *s)
{
	struct kids *k = calloc(1, sizeof(*k));

	ring_init(&k->pid, sizeof(pid_t), 256);
	k->parent = getpid();
	s->priv = k;
}

static void child(pid_t parent)
{
	int fd;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
		/* the pipes and sockets must not outlive their owner through us */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U))
#endif
		for (fd = 3; fd < 65536; fd++)
			close(fd);
	for (;;)
		pause();
}

static int kids_grow(struct src *s)
{
	struct kids *k = s->priv;
	pid_t pid = fork();

	if (pid < 0) {
		tell(s, "fork: %s", strerror(errno));
		return 0;
	}
	if (!pid)
		child(k->parent);
	*(pid_t *)ring_push(&k->pid) = pid;
	s->held += STACK_BYTES;
	s->allocated += STACK_BYTES;
	return 1;
}

static bool kids_shrink(struct src *s)
{
	struct kids *k = s->priv;
	pid_t pid;

	if (!k->pid.n)
		return false;
	pid = *(pid_t *)ring_at(&k->pid, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ring_pop(&k->pid);
	s->held -= STACK_BYTES;
	return true;
}

static void kids_teardown(struct src *s)
{
	struct kids *k = s->priv;
	size_t i;

	/* all at once, then reap: one by one is slow with thousands */
	for (i = 0; i < k->pid.n; i++)
		kill(*(pid_t *)ring_at(&k->pid, i), SIGKILL);
	for (i = 0; i < k->pid.n; i++)
		waitpid(*(pid_t *)ring_at(&k->pid, i), NULL, 0);
	k->pid.n = 0;
	s->held = 0;
}

/*
 * secretmem: pages of memfd_secret() (5.14+), written one by one.  They
 * are allocated GFP_HIGHUSER, unevictable and removed from the kernel's
 * direct map, in files of 2 MiB.
 */
#define SECRET_BYTES (2UL << 20)

struct secret {
	int fd;
	char *p;
	size_t touched;
};

static int memfd_secret(void)
{
#ifdef SYS_memfd_secret
	return (int)syscall(SYS_memfd_secret, O_CLOEXEC);
#else
	errno = EOPNOTSUPP;
	return -1;
#endif
}

static void secret_setup(struct src *s)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct ring *r = calloc(1, sizeof(*r));
	int fd = memfd_secret();

	if (fd < 0)
		die("secretmem: memfd_secret: %s (it needs Linux 5.14+ with CONFIG_SECRETMEM, and before 6.5 secretmem.enable=1 on the kernel command line)",
		    strerror(errno));
	close(fd);
	/* its pages count as locked memory */
	if (setrlimit(RLIMIT_MEMLOCK, &rl) &&
	    getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < s->total)
		fprintf(stderr,
			"unmovable: secretmem: RLIMIT_MEMLOCK is %llu KiB, below --total\n",
			(unsigned long long)rl.rlim_cur >> 10);
	ring_init(r, sizeof(struct secret), 64);
	s->priv = r;
}

static int secret_grow(struct src *s)
{
	struct ring *r = s->priv;
	struct secret *c = ring_newest(r);

	if (!c || c->touched * (size_t)page_size == SECRET_BYTES) {
		int fd = memfd_secret();
		char *p;

		if (fd < 0) {
			tell(s, "memfd_secret: %s", strerror(errno));
			return 0;
		}
		if (ftruncate(fd, SECRET_BYTES)) {
			tell(s, "ftruncate: %s", strerror(errno));
			close(fd);
			return 0;
		}
		p = mmap(NULL, SECRET_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (p == MAP_FAILED) {
			tell(s, "mmap: %s (RLIMIT_MEMLOCK?)", strerror(errno));
			close(fd);
			return 0;
		}
		c = ring_push(r);
		c->fd = fd;
		c->p = p;
	}
	c->p[c->touched++ * (size_t)page_size] = 1;
	s->held += (double)page_size;
	s->allocated += (double)page_size;
	return 1;
}

static bool secret_shrink(struct src *s)
{
	struct ring *r = s->priv;
	struct secret *c;

	if (!r->n)
		return false;
	c = ring_at(r, 0);
	munmap(c->p, SECRET_BYTES);
	close(c->fd);
	s->held -= (double)c->touched * (double)page_size;
	ring_pop(r);
	return true;
}

static void secret_teardown(struct src *s)
{
	while (secret_shrink(s))
		;
}

/*
 * slab: stat() of unique names that do not exist leaves one negative
 * dentry each; with --create, empty files leave a dentry and an inode.
 * Both caches are SLAB_RECLAIM_ACCOUNT, so their pages are Reclaimable.
 * Names go into directories of SLAB_BATCH; removing a directory frees
 * what its names hold.  held_mib is an estimate from the object sizes.
 */
#define SLAB_BATCH 4096
#define DENTRY_BYTES 192
#define INODE_BYTES 1088 /* ext4_inode_cache, about */

static const char *opt_dir = ".";
static bool opt_create;

struct slab {
	int dfd;
	struct ring batch; /* unsigned long ids */
	unsigned long next_id;
	long in_newest;
};

static double slab_cost(void)
{
	return opt_create ? DENTRY_BYTES + INODE_BYTES : DENTRY_BYTES;
}

static void slab_setup(struct src *s)
{
	struct slab *sl = calloc(1, sizeof(*sl));

	sl->dfd = open(opt_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sl->dfd < 0)
		die("slab: %s: %s", opt_dir, strerror(errno));
	ring_init(&sl->batch, sizeof(unsigned long), 64);
	sl->in_newest = SLAB_BATCH;
	s->priv = sl;
}

static void batch_name(char *buf, size_t len, unsigned long id)
{
	snprintf(buf, len, "unmovable.%d.%lu", (int)getpid(), id);
}

static int slab_grow(struct src *s)
{
	struct slab *sl = s->priv;
	char name[96];
	struct stat st;
	int fd;

	if (sl->in_newest == SLAB_BATCH) {
		batch_name(name, sizeof(name), sl->next_id);
		if (mkdirat(sl->dfd, name, 0700)) {
			tell(s, "mkdir %s/%s: %s", opt_dir, name,
			     strerror(errno));
			return 0;
		}
		*(unsigned long *)ring_push(&sl->batch) = sl->next_id++;
		sl->in_newest = 0;
		s->held += DENTRY_BYTES + INODE_BYTES;
	}
	batch_name(name, sizeof(name), sl->next_id - 1);
	snprintf(name + strlen(name), sizeof(name) - strlen(name), "/n%ld",
		 sl->in_newest);
	if (opt_create) {
		fd = openat(sl->dfd, name,
			    O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0) {
			tell(s, "create %s/%s: %s", opt_dir, name,
			     strerror(errno));
			return 0;
		}
		close(fd);
	} else if (!fstatat(sl->dfd, name, &st, 0) || errno != ENOENT) {
		tell(s, "stat %s/%s: expected ENOENT", opt_dir, name);
	}
	sl->in_newest++;
	s->held += slab_cost();
	s->allocated += slab_cost();
	return 1;
}

static bool slab_shrink(struct src *s)
{
	struct slab *sl = s->priv;
	char dir[96], name[128];
	long i, n;

	if (!sl->batch.n)
		return false;
	batch_name(dir, sizeof(dir), *(unsigned long *)ring_at(&sl->batch, 0));
	n = sl->batch.n == 1 ? sl->in_newest : SLAB_BATCH;
	for (i = 0; opt_create && i < n; i++) {
		snprintf(name, sizeof(name), "%s/n%ld", dir, i);
		unlinkat(sl->dfd, name, 0);
	}
	/* rmdir prunes the negative dentries below it */
	unlinkat(sl->dfd, dir, AT_REMOVEDIR);
	s->held -= (double)n * slab_cost() + DENTRY_BYTES + INODE_BYTES;
	ring_pop(&sl->batch);
	if (!sl->batch.n)
		sl->in_newest = SLAB_BATCH;
	return true;
}

static void slab_teardown(struct src *s)
{
	while (slab_shrink(s))
		;
	close(((struct slab *)s->priv)->dfd);
}

/*
 * pins: the opposite pollution, Movable pageblocks that compaction cannot
 * empty.  A region is touched page by page while memory is still free,
 * so that it spreads over many pageblocks; then one page in every
 * PIN_STRIDE is spliced into a pipe (vmsplice takes a reference, which
 * migration cannot move) and the rest is freed for others to fill.  Under
 * defrag_mode=1 no free pageblock can then be made from those blocks.
 * --total is the region; what it holds is the pinned pages.
 */
#define PIN_STRIDE (256UL << 10)

struct pins {
	char *p;
	size_t len, touched; /* bytes */
	struct ring pipes; /* read ends */
	bool pinned;
};

static void pins_setup(struct src *s)
{
	struct pins *pn = calloc(1, sizeof(*pn));

	pn->len = ((size_t)s->total + PIN_STRIDE - 1) & ~(PIN_STRIDE - 1);
	pn->p = mmap(NULL, pn->len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pn->p == MAP_FAILED)
		die("pins: mmap: %s", strerror(errno));
	/* 4 KiB pages: a pinned huge page would pin its whole block */
	madvise(pn->p, pn->len, MADV_NOHUGEPAGE);
	ring_init(&pn->pipes, sizeof(int), 64);
	s->priv = pn;
}

static int pins_pin(struct src *s, struct pins *pn)
{
	struct iovec iov = { .iov_len = (size_t)page_size };
	int fds[2] = { -1, -1 };
	size_t off;

	for (off = 0; off < pn->len; off += PIN_STRIDE) {
		iov.iov_base = pn->p + off;
		while (fds[1] < 0 || vmsplice(fds[1], &iov, 1, 0) < 0) {
			if (fds[1] >= 0 && errno != EAGAIN)
				die("pins: vmsplice: %s", strerror(errno));
			if (fds[1] >= 0)
				close(fds[1]);
			if (pipe2(fds, O_CLOEXEC | O_NONBLOCK)) {
				tell(s, "pipe: %s", strerror(errno));
				return 0;
			}
			fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES);
			*(int *)ring_push(&pn->pipes) = fds[0];
		}
		s->held += (double)page_size;
	}
	close(fds[1]);
	/* the pipes keep their pages; all others go back */
	madvise(pn->p, pn->len, MADV_DONTNEED);
	pn->pinned = true;
	s->total = s->held;
	return 1;
}

static int pins_grow(struct src *s)
{
	struct pins *pn = s->priv;

	if (pn->pinned)
		return 0;
	if (pn->touched == pn->len)
		return pins_pin(s, pn);
	pn->p[pn->touched] = 1;
	pn->touched += (size_t)page_size;
	s->allocated += (double)page_size;
	return 1;
}

static bool pins_shrink(struct src *s)
{
	(void)s;
	return false; /* the pins stay until the end */
}

static void pins_teardown(struct src *s)
{
	struct pins *pn = s->priv;
	size_t i;

	for (i = 0; i < pn->pipes.n; i++)
		close(*(int *)ring_at(&pn->pipes, i));
	munmap(pn->p, pn->len);
	s->held = 0;
}

static const struct src_ops sources[] = {
	{
		.name = "pagetables",
		.help = "PTE pages: read one byte per 2 MiB of a MAP_NORESERVE mapping",
		.field = "PageTables",
		.blocks = "Unmovable",
		.unit = 4096,
		.setup = pt_setup,
		.grow = pt_grow,
		.shrink = pt_shrink,
		.teardown = pt_teardown,
	},
	{
		.name = "pipes",
		.help = "pipe buffers: one page per write, 1 MiB pipes left unread",
		.field = "Unaccounted",
		.blocks = "Unmovable",
		.unit = 4096,
		.setup = pipes_setup,
		.grow = pipes_grow,
		.shrink = pipes_shrink,
		.teardown = pipes_teardown,
	},
	{
		.name = "sockets",
		.help = "unread UDP receive queues on 127.0.0.1 (--dgram bytes each)",
		.field = "sockstat.UDP.mem",
		.blocks = "Unmovable",
		.unit = 32000,
		.setup = socks_setup,
		.grow = socks_grow,
		.shrink = socks_shrink,
		.refresh = socks_refresh,
		.teardown = socks_teardown,
	},
	{
		.name = "fork",
		.help = "kernel stacks: bursts of children that sleep",
		.field = "KernelStack",
		.blocks = "Unmovable",
		.unit = STACK_BYTES,
		.setup = kids_setup,
		.grow = kids_grow,
		.shrink = kids_shrink,
		.teardown = kids_teardown,
	},
	{
		.name = "secretmem",
		.help = "memfd_secret pages, unevictable and out of the direct map",
		.field = "Unevictable",
		.blocks = "Unmovable",
		.unit = 4096,
		.setup = secret_setup,
		.grow = secret_grow,
		.shrink = secret_shrink,
		.teardown = secret_teardown,
	},
	{
		.name = "slab",
		.help = "dentries (stat of missing names) or, with --create, inodes",
		.field = "SReclaimable",
		.blocks = "Reclaimable",
		.unit = DENTRY_BYTES,
		.setup = slab_setup,
		.grow = slab_grow,
		.shrink = slab_shrink,
		.teardown = slab_teardown,
	},
	{
		.name = "pins",
		.help = "vmspliced pages, one per 256 KiB of a region: Movable blocks\n"
			"              that compaction cannot empty (not in all)",
		.field = "AnonUnmapped",
		.blocks = "Movable",
		.not_in_all = true,
		.unit = 4096,
		.setup = pins_setup,
		.grow = pins_grow,
		.shrink = pins_shrink,
		.teardown = pins_teardown,
	},
};

/* ---- the run ---- */

static bool opt_churn = true;
static double opt_drop; /* share of --total freed at once when reached */

/*
 * Allocate what the rate allows by now.  At --total, free the oldest
 * unit before each new one, or with --drop a share of the total at once
 * (a sawtooth: memory that others take meanwhile must be won back).
 */
static void pump(struct src *s, double elapsed, double budget)
{
	double due, until = now() + budget, floor;

	if (s->rate > 0) {
		due = s->rate * elapsed - s->allocated - s->forgiven;
		/* a source that fell behind does not make up in one burst */
		if (due > s->rate)
			s->forgiven += due - s->rate;
	}
	for (;;) {
		if (stop || now() > until)
			return;
		if (s->rate > 0 &&
		    s->rate * elapsed - s->allocated - s->forgiven <
			    (double)s->ops->unit)
			return;
		if (s->held + (double)s->ops->unit > s->total) {
			if (!opt_churn)
				return;
			floor = s->total * (1 - opt_drop);
			if (!s->ops->shrink(s))
				return;
			while (opt_drop > 0 && s->held > floor &&
			       s->ops->shrink(s))
				;
			if (opt_drop > 0)
				printf("phase=drop t=%.1f source=%s held_mib=%.1f\n",
				       now() - t_start, s->ops->name,
				       s->held / MIB);
			continue;
		}
		if (s->ops->grow(s) <= 0)
			return;
	}
}

/* phase=hold for every source, and phase=full for those just full */
static void report(struct src *srcs, int n, double dt)
{
	double t = now() - t_start;
	int i;

	for (i = 0; i < n; i++) {
		struct src *s = &srcs[i];

		if (s->ops->refresh)
			s->ops->refresh(s);
		printf("phase=hold t=%.1f source=%s held_mib=%.1f rate_mib_s=%.1f\n",
		       t, s->ops->name, s->held / MIB,
		       dt > 0 ? (s->allocated - s->last_alloc) / dt / MIB : 0);
		s->last_alloc = s->allocated;
	}
	for (i = 0; i < n; i++) {
		struct src *s = &srcs[i];

		if (s->full_seen || s->held < 0.98 * s->total)
			continue;
		s->full_seen = true;
		printf("phase=full t=%.1f source=%s held_mib=%.1f total_mib=%.1f\n",
		       t, s->ops->name, s->held / MIB, s->total / MIB);
	}
}

static struct {
	const char *list;
	double rate, total, duration, interval; /* bytes/s, bytes, s, s */
} cfg = { .rate = 16 * MIB, .total = 128 * MIB, .interval = 1 };

static void start_sources(struct src *srcs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		srcs[i].rate = cfg.rate / n;
		srcs[i].total = cfg.total / n;
		srcs[i].ops->setup(&srcs[i]);
	}
	for (i = 0; i < n; i++)
		printf("phase=start source=%s rate_mib_s=%.1f total_mib=%.1f pid=%d\n",
		       srcs[i].ops->name, srcs[i].rate / MIB,
		       srcs[i].total / MIB, (int)getpid());
}

/* Allocate until --duration or a signal, reporting every --interval */
static void run(struct src *srcs, int n)
{
	double t, last, next;
	int i;

	t_start = now();
	last = t_start;
	next = t_start + cfg.interval;
	while (!stop) {
		t = now();
		if (cfg.duration > 0 && t - t_start >= cfg.duration)
			break;
		for (i = 0; i < n; i++)
			pump(&srcs[i], t - t_start, 0.01 / n);
		if (now() >= next) {
			t = now();
			report(srcs, n, t - last);
			last = t;
			next += cfg.interval;
			if (next < t)
				next = t + cfg.interval;
		}
		if (!stop)
			usleep(2000);
	}
}

static void finish(struct src *srcs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (srcs[i].ops->refresh)
			srcs[i].ops->refresh(&srcs[i]);
		if (srcs[i].held >= 0.98 * srcs[i].total)
			srcs[i].full_seen = true;
		printf("phase=end t=%.1f source=%s held_mib=%.1f total_mib=%.1f reached=%s\n",
		       now() - t_start, srcs[i].ops->name, srcs[i].held / MIB,
		       srcs[i].total / MIB, srcs[i].full_seen ? "yes" : "no");
	}
	for (i = 0; i < n; i++)
		srcs[i].ops->teardown(&srcs[i]);
	for (i = 0; i < n; i++)
		printf("phase=freed t=%.1f source=%s\n", now() - t_start,
		       srcs[i].ops->name);
}

/* ---- options ---- */

static void set_source(const char *arg)
{
	cfg.list = arg;
}

static void set_rate(const char *arg)
{
	size_t l = strlen(arg);
	char b[64];

	if (!strcmp(arg, "max")) {
		cfg.rate = 0;
		return;
	}
	snprintf(b, sizeof(b), "%s", arg);
	if (l > 2 && l < sizeof(b) && !strcmp(b + l - 2, "/s"))
		b[l - 2] = '\0';
	if (parse_bytes(b, &cfg.rate, false) || cfg.rate <= 0)
		die("--rate: invalid rate '%s' (use e.g. 50M/s or max)", arg);
}

static void set_total(const char *arg)
{
	if (parse_bytes(arg, &cfg.total, true) || !cfg.total)
		die("--total: invalid size '%s' (use e.g. 256M or 10%%)", arg);
}

static void set_duration(const char *arg)
{
	if (parse_time(arg, &cfg.duration))
		die("--duration: invalid time '%s' (use e.g. 90s)", arg);
}

static void set_interval(const char *arg)
{
	if (parse_time(arg, &cfg.interval) || cfg.interval < 0.05)
		die("--interval: invalid time '%s' (at least 50ms)", arg);
}

static void set_no_churn(const char *arg)
{
	(void)arg;
	opt_churn = false;
}

static void set_drop(const char *arg)
{
	char *end;

	opt_drop = strtod(arg, &end) / 100;
	if (end == arg || (*end && strcmp(end, "%")) ||
	    !(opt_drop > 0 && opt_drop <= 1))
		die("--drop: invalid share '%s' (use e.g. 50%%)", arg);
}

static void set_dir(const char *arg)
{
	opt_dir = arg;
}

static void set_create(const char *arg)
{
	(void)arg;
	opt_create = true;
}

static void set_dgram(const char *arg)
{
	double dg;

	if (parse_bytes(arg, &dg, false) || dg < 1 || dg > 65000)
		die("--dgram: invalid size '%s' (1 to 65000 bytes)", arg);
	opt_dgram = (size_t)dg;
}

static void show_help(const char *arg);

static void show_version(const char *arg)
{
	(void)arg;
	printf("unmovable %s\n", VERSION);
	exit(0);
}

/* The options, their --help lines and the getopt tables, all from here */
static const struct opt {
	const char *name;
	int key; /* the short option, or 0 */
	const char *arg; /* what its value is called; NULL: it takes none */
	const char *help;
	void (*set)(const char *arg);
} opts[] = {
	{ "source", 's', "LIST", "sources, comma-separated", set_source },
	{ "rate", 'r', "RATE",
	  "allocation rate, e.g. 50M/s (default 16M/s; max: no limit)",
	  set_rate },
	{ "total", 't', "SIZE",
	  "what to hold, e.g. 256M or 10% of MemTotal (default 128M)",
	  set_total },
	{ "duration", 'd', "TIME",
	  "stop after TIME, e.g. 90s (default: at SIGTERM)", set_duration },
	{ "no-churn", 0, NULL, "at --total, hold still", set_no_churn },
	{ "drop", 0, "PCT",
	  "at --total, free the oldest PCT% at once, then grow again",
	  set_drop },
	{ "dir", 0, "DIR", "slab: where the names go (default .)", set_dir },
	{ "create", 0, NULL,
	  "slab: create empty files instead of stat() of missing names",
	  set_create },
	{ "dgram", 0, "SIZE", "sockets: datagram size (default 32000)",
	  set_dgram },
	{ "interval", 'i', "TIME", "report period (default 1s)", set_interval },
	{ "help", 'h', NULL, "this text", show_help },
	{ "version", 'V', NULL, "the version", show_version },
};

static void show_help(const char *arg)
{
	const struct opt *o;
	char left[64];
	size_t i;
	int l;

	(void)arg;
	printf("usage: unmovable --source NAME[,NAME...] [OPTION...]\n"
	       "\n"
	       "Sustained non-movable kernel allocations from userspace. Rate and total\n"
	       "are split evenly among the sources. Past --total the oldest unit is freed\n"
	       "before each new one (unless --no-churn), so allocation goes on at --rate.\n"
	       "Prints per source phase=start, then every --interval:\n"
	       "  phase=hold t=S source=NAME held_mib=M rate_mib_s=R\n"
	       "phase=full once it first holds its total, at the end:\n"
	       "  phase=end t=S source=NAME held_mib=M total_mib=T reached=yes|no\n"
	       "and after freeing, phase=freed. SIGTERM or SIGINT ends it. What the\n"
	       "kernel makes of it is measured from outside: mmrepro sample (meminfo,\n"
	       "pagetypeinfo), mmrepro trace (direct_reclaim, extfrag).\n"
	       "\n"
	       "Sources:\n");
	for (i = 0; i < ARRAY_SIZE(sources); i++)
		printf("  %-11s %s\n              raises %s; %s pageblocks\n",
		       sources[i].name, sources[i].help, sources[i].field,
		       sources[i].blocks);
	printf("  all         every source above\n\nOptions:\n");
	for (o = opts; o < opts + ARRAY_SIZE(opts); o++) {
		l = snprintf(left, sizeof(left), o->key ? "-%c, " : "    ",
			     o->key);
		snprintf(left + l, sizeof(left) - (size_t)l, "--%s%s%s",
			 o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		printf("  %-19s  %s\n", left, o->help);
	}
	printf("\nExit: 0 done, 2 usage or setup error (one line on stderr).\n");
	exit(0);
}

/* getopt_long answers with the short key, or 256 + the row for long only */
static int opt_val(size_t i)
{
	return opts[i].key ? opts[i].key : 256 + (int)i;
}

static void parse_args(int argc, char **argv)
{
	struct option lo[ARRAY_SIZE(opts) + 1] = { { 0 } };
	char shorts[2 * ARRAY_SIZE(opts) + 2] = ":", *p = shorts + 1;
	size_t i;
	int c;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].arg ? required_argument : no_argument;
		lo[i].val = opt_val(i);
		if (opts[i].key) {
			*p++ = (char)opts[i].key;
			if (opts[i].arg)
				*p++ = ':';
		}
	}
	opterr = 0; /* one line of our own instead */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == ':')
			die("option '%s' needs a value", argv[optind - 1]);
		for (i = 0; i < ARRAY_SIZE(opts) && opt_val(i) != c; i++)
			;
		if (i == ARRAY_SIZE(opts))
			die("bad option '%s' (see --help)", argv[optind - 1]);
		opts[i].set(optarg);
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
}

static int add_sources(struct src *srcs, const char *list)
{
	char buf[256], *w, *save;
	int n = 0;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		bool all = !strcmp(w, "all"), found = all;

		for (i = 0; i < ARRAY_SIZE(sources); i++) {
			if (all ? sources[i].not_in_all :
				  strcmp(w, sources[i].name))
				continue;
			found = true;
			if (n == (int)ARRAY_SIZE(sources))
				die("--source: '%s' given twice", w);
			srcs[n++].ops = &sources[i];
		}
		if (!found)
			die("--source: unknown source '%s' (see --help)", w);
	}
	if (!n)
		die("--source: none given");
	return n;
}

int main(int argc, char **argv)
{
	struct src srcs[ARRAY_SIZE(sources)];
	struct sigaction sa;
	struct rlimit rl;
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	memset(srcs, 0, sizeof(srcs));
	parse_args(argc, argv);
	if (!cfg.list)
		die("--source: none given (pagetables, pipes, sockets, fork, secretmem, slab or all)");
	n = add_sources(srcs, cfg.list);
	if (cfg.total < 0) /* a share of MemTotal */
		cfg.total = -cfg.total / 100 * (double)sysconf(_SC_PHYS_PAGES) *
			    (double)page_size;
	if (cfg.total < (double)page_size)
		die("--total: below one page");

	/* every pipe and socket is a file descriptor */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	start_sources(srcs, n);
	run(srcs, n);
	finish(srcs, n);
	return 0;
}
