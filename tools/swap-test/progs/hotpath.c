// SPDX-License-Identifier: GPL-2.0
/*
 * hotpath DIR OP SECONDS: run one operation on an ordinary (unsealed) file
 * in a loop and print operations per second.  OP is pwrite (4 KiB pwrite
 * inside EOF), extend (4 KiB append then truncate back), truncate
 * (shrink and grow by 4 KiB) or fallocate (allocate and punch 4 KiB).
 * Used to compare the patched and base kernels on the paths the seal
 * checks.  Time is the process's CPU time (user and system), so waiting
 * for log I/O done by other threads does not count; under QEMU -icount
 * (bench/run) that is the number of instructions the operations took.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int one(int fd, const char *op, char *buf)
{
	if (!strcmp(op, "pwrite"))
		return pwrite(fd, buf, 4096, 8192) != 4096;
	if (!strcmp(op, "extend"))
		return pwrite(fd, buf, 4096, 1 << 20) != 4096 ||
		       ftruncate(fd, 1 << 20);
	if (!strcmp(op, "truncate"))
		return ftruncate(fd, (1 << 20) - 4096) || ftruncate(fd, 1 << 20);
	if (!strcmp(op, "fallocate"))
		return fallocate(fd, 0, 1 << 20, 4096) ||
		       fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				 1 << 20, 4096) || ftruncate(fd, 1 << 20);
	return -1;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	char path[4096];
	double t0, secs;
	long n = 0;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: hotpath DIR OP SECONDS\n");
		return 2;
	}
	secs = atof(argv[3]);
	snprintf(path, sizeof(path), "%s/hotpath.%d", argv[1], getpid());
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20)) {
		perror("hotpath");
		return 1;
	}
	t0 = now();
	do {
		int i;

		for (i = 0; i < 64; i++, n++)
			if (one(fd, argv[2], buf)) {
				perror(argv[2]);
				return 1;
			}
	} while (now() - t0 < secs);
	printf("%.0f\n", n / (now() - t0));
	close(fd);
	unlink(path);
	return 0;
}
