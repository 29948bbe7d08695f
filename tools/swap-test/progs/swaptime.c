// SPDX-License-Identifier: GPL-2.0
/*
 * swaptime FILE RUNS: time swapon(2) of FILE RUNS times (swapoff between
 * runs, not timed) and print "min median max" in microseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/swap.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	double *us;
	int i, runs;

	if (argc != 3) {
		fprintf(stderr, "usage: swaptime FILE RUNS\n");
		return 2;
	}
	runs = atoi(argv[2]);
	us = calloc(runs, sizeof(*us));
	for (i = 0; i < runs; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (swapon(argv[1], 0)) {
			perror("swapon");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (swapoff(argv[1])) {
			perror("swapoff");
			return 1;
		}
		us[i] = (t1.tv_sec - t0.tv_sec) * 1e6 +
			(t1.tv_nsec - t0.tv_nsec) / 1e3;
	}
	qsort(us, runs, sizeof(*us), cmp);
	printf("%.0f %.0f %.0f\n", us[0], us[runs / 2], us[runs - 1]);
	return 0;
}
