// SPDX-License-Identifier: GPL-2.0
/*
 * fragfile FILE FILLER SIZE EXTENTS [write]: make FILE of SIZE bytes in
 * about EXTENTS physically separate pieces, by allocating it in chunks
 * interleaved with chunks of FILLER.  XFS speculative preallocation keeps
 * interleaved buffered writes contiguous, so this uses fallocate; with
 * "write" (for filesystems without fallocate, such as ext2) it writes
 * zeroes instead, with an fsync after each chunk, and drops them from
 * the page cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int chunk(int fd, off_t off, off_t len, int use_write, char *zero)
{
	off_t done;
	ssize_t n;

	if (!use_write)
		return fallocate(fd, 0, off, len);
	for (done = 0; done < len; done += n) {
		n = pwrite(fd, zero, len - done > (1 << 20) ? 1 << 20 :
			   len - done, off + done);
		if (n <= 0)
			return -1;
	}
	/*
	 * Written back, the zeroes need not stay cached: a guest whose
	 * memory is full of them makes the next allocation reclaim.
	 */
	if (fdatasync(fd))
		return -1;
	errno = posix_fadvise(fd, off, len, POSIX_FADV_DONTNEED);
	return errno ? -1 : 0;
}

int main(int argc, char **argv)
{
	off_t size, step, off;
	long extents;
	int fd, filler, use_write;
	char *zero;

	if (argc < 5) {
		fprintf(stderr, "usage: fragfile FILE FILLER SIZE EXTENTS [write]\n");
		return 2;
	}
	size = strtoll(argv[3], NULL, 0);
	extents = strtol(argv[4], NULL, 0);
	use_write = argc > 5 && !strcmp(argv[5], "write");
	step = size / extents;
	step -= step % 4096;
	if (step < 4096)
		step = 4096;
	zero = calloc(1, 1 << 20);
	fd = open(argv[1], O_CREAT | O_TRUNC | O_RDWR, 0600);
	filler = open(argv[2], O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0 || filler < 0 || !zero) {
		perror("fragfile");
		return 1;
	}
	for (off = 0; off < size; off += step) {
		off_t len = size - off < step ? size - off : step;

		if (chunk(fd, off, len, use_write, zero) ||
		    (extents > 1 && chunk(filler, off, 4096, use_write, zero))) {
			perror("fragfile: allocate");
			return 1;
		}
	}
	if (fsync(fd) || fsync(filler)) {
		perror("fragfile: fsync");
		return 1;
	}
	return 0;
}
