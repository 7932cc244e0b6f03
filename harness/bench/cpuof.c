// SPDX-License-Identifier: GPL-2.0
/*
 * Run a command and print its CPU seconds (user + system, including the
 * children it waited for) and its wall seconds: "cpu_s wall_s".
 * usage: cpuof COMMAND [ARGS...]
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: cpuof COMMAND [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("cpuof");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.6f %.6f\n", secs(ru.ru_utime) + secs(ru.ru_stime),
	       (double)(b.tv_sec - a.tv_sec) +
		       (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
