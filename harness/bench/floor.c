// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the sampler benchmark: open the same files once, then at
 * every tick only pread() each one to EOF.  No parsing, no output.
 * usage: floor INTERVAL_MS DURATION_S FILE...
 * A FILE written @PATH is read on every 10th tick only, as the sampler
 * does for its slow sources at 10 Hz.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	long interval_ms, i, n;
	double duration;
	struct timespec ts;
	int *fds, f;

	if (argc < 4) {
		fprintf(stderr,
			"usage: floor INTERVAL_MS DURATION_S FILE...\n");
		return 2;
	}
	interval_ms = atol(argv[1]);
	duration = atof(argv[2]);
	fds = calloc((size_t)argc, sizeof(int));
	for (f = 3; f < argc; f++) {
		fds[f] = open(argv[f] + (argv[f][0] == '@'), O_RDONLY);
		if (fds[f] < 0) {
			perror(argv[f]);
			return 1;
		}
	}
	n = (long)(duration * 1000 / interval_ms);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i <= n; i++) {
		for (f = 3; f < argc; f++) {
			off_t off = 0;
			ssize_t r;

			if (argv[f][0] == '@' && i % 10)
				continue;
			while ((r = pread(fds[f], buf, sizeof(buf), off)) > 0)
				off += r;
		}
		ts.tv_nsec += interval_ms * 1000000L;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_nsec -= 1000000000L;
			ts.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return 0;
}
