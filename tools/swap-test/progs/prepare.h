/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Make a file's block map final before sealing it, the way
 * Documentation/swap/admin-guide.rst does by hand, with fallocate modes
 * that each do one thing:
 *
 *   allocate             fallocate(fd, 0, 0, size): holes become unwritten
 *                        extents
 *   unshare              FALLOC_FL_UNSHARE_RANGE over [0, size), where
 *                        the filesystem shares blocks (EOPNOTSUPP: it
 *                        does not)
 *   write zeroes         FALLOC_FL_WRITE_ZEROES over each range that is
 *                        still not written (unwritten or delayed)
 *
 * Written data is kept: only what reads as zeroes is zeroed.  Nothing
 * else may write to the file meanwhile (a write between the FIEMAP and the
 * fallocate that covers its range would be zeroed): prepare a swapfile
 * before swapon, and any file while no one else has it open for writing.
 */
#ifndef PREPARE_H
#define PREPARE_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>

#ifndef FALLOC_FL_WRITE_ZEROES
#define FALLOC_FL_WRITE_ZEROES	0x80
#endif

#define PREPARE_MAX_EXTENTS	1024

/*
 * Ranges to write zeroes over, merged while they follow each other, so
 * that a file of many unwritten extents takes one call.
 */
struct prepare_zeroes {
	int fd;
	__u64 start, end;	/* pending: [start, end) */
};

/* Write zeroes over the pending range, if any. */
static int prepare_flush(struct prepare_zeroes *z)
{
	int ret = 0;

	if (z->start < z->end)
		ret = fallocate(z->fd, FALLOC_FL_WRITE_ZEROES, z->start,
				z->end - z->start);
	z->start = 0;
	z->end = 0;
	return ret;
}

/* Add [@start, @end) to the ranges to write zeroes over. */
static int prepare_add(struct prepare_zeroes *z, __u64 start, __u64 end)
{
	int ret = 0;

	if (start >= end)
		return 0;
	if (z->start < z->end && z->end != start)
		ret = prepare_flush(z);
	if (z->start >= z->end)
		z->start = start;
	z->end = end;
	return ret;
}

/*
 * Write zeroes over every part of [0, @size) of @fd that reads as zeroes
 * without being written: holes, and unwritten and delayed extents (after
 * writeback: a delayed extent that no dirty page covers any more).  The
 * map is read a batch of extents at a time, each batch before any of it
 * is zeroed.
 */
static int prepare_zero_unwritten(int fd, off_t size)
{
	const unsigned int unwritten = FIEMAP_EXTENT_UNWRITTEN |
				       FIEMAP_EXTENT_DELALLOC;
	struct prepare_zeroes z = { .fd = fd };
	struct fiemap_extent *fe;
	struct fiemap *fm;
	__u64 pos = 0, end;
	unsigned int i;
	int ret = 0;

	fm = calloc(1, sizeof(*fm) +
		       PREPARE_MAX_EXTENTS * sizeof(struct fiemap_extent));
	if (!fm)
		return -1;
	while (!ret && pos < (__u64)size) {
		fm->fm_start = pos;
		fm->fm_length = size - pos;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = PREPARE_MAX_EXTENTS;
		ret = ioctl(fd, FS_IOC_FIEMAP, fm);
		if (ret)
			break;
		if (!fm->fm_mapped_extents) {
			ret = prepare_add(&z, pos, size);
			break;
		}
		for (i = 0; !ret && i < fm->fm_mapped_extents; i++) {
			fe = &fm->fm_extents[i];
			end = fe->fe_logical + fe->fe_length;
			if (end > (__u64)size)
				end = size;
			/* A hole before the extent, then the extent itself. */
			ret = prepare_add(&z, pos, fe->fe_logical);
			if (!ret && (fe->fe_flags & unwritten))
				ret = prepare_add(&z, fe->fe_logical, end);
			else if (!ret)
				ret = prepare_flush(&z);
			pos = end;
			if (fe->fe_flags & FIEMAP_EXTENT_LAST) {
				if (!ret)
					ret = prepare_add(&z, pos, size);
				pos = size;
			}
		}
	}
	if (!ret)
		ret = prepare_flush(&z);
	free(fm);
	return ret;
}

/* Allocate, unshare and write zeroes: see above.  0 or -1 and errno. */
static int prepare_file(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	if (!st.st_size)
		return 0;
	if (fallocate(fd, 0, 0, st.st_size))
		return -1;
	if (fallocate(fd, FALLOC_FL_UNSHARE_RANGE, 0, st.st_size) &&
	    errno != EOPNOTSUPP)
		return -1;
	return prepare_zero_unwritten(fd, st.st_size);
}

#endif /* PREPARE_H */
