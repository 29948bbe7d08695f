// SPDX-License-Identifier: GPL-2.0
/*
 * fragfile FILE FILLER SIZE EXTENTS [write]: make FILE of SIZE bytes in
 * about EXTENTS physically separate pieces, by allocating it in chunks
 * interleaved with chunks of FILLER.  XFS speculative preallocation keeps
 * interleaved buffered writes contiguous, so this uses fallocate; with
 * "write" (for filesystems without fallocate, such as ext2) it writes
 * zeroes instead, with an fsync after each chunk, and drops them from
 * the page cache.
 *
 * fragfile FILE FILLER SIZE EXTENTS holes OFFSET: the same pieces made
 * the other way round, for allocators that place two files' chunks
 * apart (ext4's keeps each file's run going elsewhere): FILLER first
 * takes all free space but a little (once, when it is empty), then
 * EXTENTS holes of SIZE / EXTENTS are punched in it from OFFSET, one
 * block kept between each two, and FILE is allocated with one fallocate
 * into them.  Prints the OFFSET for the next file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

/* Free space FILLER leaves for the metadata the holes and FILE need. */
#define SLACK	(64LL << 20)

/*
 * fill FD: allocate all free space but SLACK, a GiB (then a MiB) a time;
 * root's reserve too (f_bfree), or FILE would be allocated there.
 */
static int fill(int fd)
{
	struct statvfs v;
	off_t off = 0, step;

	for (step = 1 << 30; step >= 1 << 20; step >>= 10) {
		for (;;) {
			if (fstatvfs(fd, &v))
				return -1;
			if ((long long)(v.f_bfree * v.f_frsize) < SLACK + step)
				break;
			if (fallocate(fd, 0, off, step))
				return errno == ENOSPC ? 0 : -1;
			off += step;
		}
	}
	return 0;
}

static int holes(int fd, int filler, off_t size, off_t step, off_t from,
		 off_t *next)
{
	struct stat st;
	off_t off;

	if (fstat(filler, &st) || (st.st_size == 0 && fill(filler)))
		return -1;
	for (off = 0; off < size; off += step) {
		off_t len = size - off < step ? size - off : step;

		if (fallocate(filler, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      from + off / step * (step + 4096), len))
			return -1;
	}
	*next = from + off / step * (step + 4096);
	return fallocate(fd, 0, 0, size);
}

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
	int fd, filler, use_write, use_holes;
	char *zero;

	if (argc < 5) {
		fprintf(stderr,
			"usage: fragfile FILE FILLER SIZE EXTENTS [write | holes OFFSET]\n");
		return 2;
	}
	size = strtoll(argv[3], NULL, 0);
	extents = strtol(argv[4], NULL, 0);
	use_write = argc > 5 && !strcmp(argv[5], "write");
	use_holes = argc > 6 && !strcmp(argv[5], "holes");
	if (size <= 0 || extents <= 0) {
		fprintf(stderr, "fragfile: SIZE and EXTENTS must be positive\n");
		return 2;
	}
	step = size / extents;
	step -= step % 4096;
	if (step < 4096)
		step = 4096;
	zero = calloc(1, 1 << 20);
	fd = open(argv[1], O_CREAT | O_TRUNC | O_RDWR, 0600);
	filler = open(argv[2], O_CREAT | O_RDWR | (use_holes ? 0 : O_TRUNC),
		      0600);
	if (fd < 0 || filler < 0 || !zero) {
		perror("fragfile");
		return 1;
	}
	if (use_holes) {
		off_t next;

		if (holes(fd, filler, size, step, strtoll(argv[6], NULL, 0),
			  &next) || fsync(fd) || fsync(filler)) {
			perror("fragfile: holes");
			return 1;
		}
		printf("%lld\n", (long long)next);
		return 0;
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
