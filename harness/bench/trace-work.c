// SPDX-License-Identifier: GPL-2.0
/*
 * trace-work SECONDS [CPU]: a simple measured workload for the tracer's
 * overhead: map 8 MiB of anonymous memory, touch every page, unmap, for
 * SECONDS on one CPU.  Prints pages touched per second.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SIZE (8UL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long pages = 0;
	double secs, t0, t;
	cpu_set_t set;
	size_t off;
	char *p;

	if (argc < 2) {
		fprintf(stderr, "usage: trace-work SECONDS [CPU]\n");
		return 2;
	}
	secs = atof(argv[1]);
	if (argc > 2) {
		CPU_ZERO(&set);
		CPU_SET(atoi(argv[2]), &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	t0 = now();
	do {
		p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (off = 0; off < SIZE; off += (size_t)page, pages++)
			p[off] = 1;
		munmap(p, SIZE);
		t = now() - t0;
	} while (t < secs);
	printf("%.0f\n", (double)pages / t);
	return 0;
}
