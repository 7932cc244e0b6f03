// SPDX-License-Identifier: GPL-2.0
/*
 * trace-gen RATE SECONDS [CPU]: make syscalls:sys_enter_getpgid events
 * at RATE per second (0: as fast as possible) on one CPU, each with the
 * pid argument MAGIC, which no other program passes, so that a filter
 * on it counts these and nothing else.  Prints "calls seconds rate".
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 2147400000L
#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double rate, secs, t0, t;
	unsigned long long done = 0, want;
	cpu_set_t set;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: trace-gen RATE SECONDS [CPU]\n");
		return 2;
	}
	rate = atof(argv[1]);
	secs = atof(argv[2]);
	if (argc > 3) {
		CPU_ZERO(&set);
		CPU_SET(atoi(argv[3]), &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	t0 = now();
	for (;;) {
		t = now() - t0;
		if (t >= secs)
			break;
		want = rate > 0 ? (unsigned long long)(rate * t) : done + BATCH;
		if (done >= want)
			continue; /* spin: pacing to the rate */
		for (i = 0; i < BATCH && done < want; i++, done++)
			syscall(SYS_getpgid, MAGIC);
	}
	t = now() - t0;
	printf("%llu %.3f %.0f\n", done, t, (double)done / t);
	return 0;
}
