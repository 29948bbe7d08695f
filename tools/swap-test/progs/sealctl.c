// SPDX-License-Identifier: GPL-2.0
/*
 * sealctl: seal, unseal and inspect block-map sealed files from shell tests.
 *
 *   sealctl seal FILE      fallocate(FALLOC_FL_SEAL_BLOCK_MAP, 0, size)
 *   sealctl unseal FILE    fallocate(FALLOC_FL_UNSEAL_BLOCK_MAP, 0, size)
 *   sealctl status FILE    "sealed" or "unsealed" (statx), plus the xflag
 *   sealctl fiemap FILE    one line per extent: logical physical length flags
 *   sealctl exchange FILE1 FILE2
 *                          XFS_IOC_EXCHANGE_RANGE of the whole of FILE1
 *   sealctl prepare FILE   make the block map final: allocate, unshare,
 *                          write zeroes over what is not written (prepare.h)
 *   sealctl write-zeroes FILE OFFSET LENGTH
 *                          fallocate(FALLOC_FL_WRITE_ZEROES, OFFSET, LENGTH)
 *   sealctl seal-alarm FILE MS
 *                          seal with a signal (SIGALRM, a handler, no
 *                          restart) arriving after MS milliseconds; prints
 *                          "signalled" if it arrived before the seal
 *                          returned
 *   sealctl mmap-swapon FILE
 *                          map FILE shared and writable, swapon(2) it, then
 *                          write through the mapping: prints "SIGBUS" (and
 *                          exits 0) if the write fault was refused, "wrote"
 *                          otherwise; swapoff(2) either way
 *   sealctl swapon FILE    swapon(2) with no flags, no header check of its
 *                          own (swapon(8) reads the header first)
 *   sealctl swapon-sealed FILE
 *                          swapon(2) with SWAP_FLAG_SEALED: only if FILE is
 *                          sealed; it stays active
 *
 * On failure it prints the errno name (e.g. "ETXTBSY") on stdout and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/time.h>

#include "prepare.h"
#include "xfs_exchange.h"

/* swapon(2): require a block-map sealed file (include/linux/swap.h). */
#ifndef SWAP_FLAG_SEALED
#define SWAP_FLAG_SEALED	0x80000
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *errname(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EINVAL, "EINVAL" }, { EPERM, "EPERM" }, { EBADF, "EBADF" },
		{ EROFS, "EROFS" }, { ETXTBSY, "ETXTBSY" }, { ENOSPC, "ENOSPC" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENODEV, "ENODEV" },
		{ EISDIR, "EISDIR" }, { ESPIPE, "ESPIPE" }, { EBUSY, "EBUSY" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENOENT, "ENOENT" },
		{ EACCES, "EACCES" }, { EFBIG, "EFBIG" }, { EDQUOT, "EDQUOT" },
		{ EUCLEAN, "EUCLEAN" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}

static int fail(const char *what, const char *path)
{
	int err = errno;

	printf("%s\n", errname(err));
	fprintf(stderr, "sealctl: %s %s: %s\n", what, path, strerror(err));
	return 1;
}

/*
 * Whether the kernel says it can seal fd (STATX_ATTR_IOMAP_IMMUTABLE in
 * stx_attributes_mask).  A kernel that does not may give the fallocate
 * modes another meaning: it is never asked, and the answer is EOPNOTSUPP,
 * as a kernel without the seal gives.
 */
static bool seal_supported(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return false;
	if (stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE)
		return true;
	errno = EOPNOTSUPP;
	return false;
}

static int do_fallocate(const char *path, int mode)
{
	struct stat st;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return fail("open", path);
	if (fstat(fd, &st) || !seal_supported(fd) ||
	    fallocate(fd, mode, 0, st.st_size))
		return fail(mode == FALLOC_FL_SEAL_BLOCK_MAP ? "seal" : "unseal",
			    path);
	return close(fd);
}

static int do_status(const char *path)
{
	struct statx stx;
	struct fsxattr fsx = { 0 };
	int fd;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return fail("statx", path);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	if (ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
		fsx.fsx_xflags = 0;
	close(fd);
	printf("%s xflag=%d supported=%d\n",
	       stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE ?
	       "sealed" : "unsealed",
	       !!(fsx.fsx_xflags & FS_XFLAG_IOMAP_IMMUTABLE),
	       !!(stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE));
	return 0;
}

static int do_fiemap(const char *path)
{
	const unsigned int max = 1024;
	struct fiemap *fm;
	struct fiemap_extent *fe;
	unsigned int i;
	int last = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	fm = calloc(1, sizeof(*fm) + max * sizeof(struct fiemap_extent));
	if (!fm)
		return fail("calloc", path);
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	while (!last) {
		fm->fm_length = FIEMAP_MAX_OFFSET - fm->fm_start;
		fm->fm_extent_count = max;
		if (ioctl(fd, FS_IOC_FIEMAP, fm))
			return fail("fiemap", path);
		if (!fm->fm_mapped_extents)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			fe = &fm->fm_extents[i];
			printf("%llu %llu %llu 0x%x\n",
			       (unsigned long long)fe->fe_logical,
			       (unsigned long long)fe->fe_physical,
			       (unsigned long long)fe->fe_length,
			       fe->fe_flags & ~FIEMAP_EXTENT_LAST);
			last = fe->fe_flags & FIEMAP_EXTENT_LAST;
		}
		fm->fm_start = fe->fe_logical + fe->fe_length;
	}
	free(fm);
	return close(fd);
}

static int do_exchange(const char *path1, const char *path2)
{
	struct xfs_exchange_range xr = { 0 };
	struct stat st;
	int fd2;

	xr.file1_fd = open(path1, O_RDWR);
	fd2 = open(path2, O_RDWR);
	if (xr.file1_fd < 0 || fd2 < 0 || fstat(xr.file1_fd, &st))
		return fail("open", path1);
	xr.length = st.st_size;
	if (ioctl(fd2, XFS_IOC_EXCHANGE_RANGE, &xr))
		return fail("exchange-range", path2);
	return 0;
}

static int do_prepare(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return fail("open", path);
	if (prepare_file(fd))
		return fail("prepare", path);
	return close(fd);
}

static int do_write_zeroes(const char *path, off_t off, off_t len)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return fail("open", path);
	if (fallocate(fd, FALLOC_FL_WRITE_ZEROES, off, len))
		return fail("write-zeroes", path);
	return close(fd);
}

static void on_alarm(int sig)
{
}

static int do_seal_alarm(const char *path, long ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };
	int ret;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	ret = do_fallocate(path, FALLOC_FL_SEAL_BLOCK_MAP);
	/* A one-shot timer that has fired is disarmed. */
	if (!getitimer(ITIMER_REAL, &it) && !it.it_value.tv_sec &&
	    !it.it_value.tv_usec)
		puts("signalled");
	return ret;
}

static sigjmp_buf bus_jmp;

static void on_bus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

static int do_mmap_swapon(const char *path)
{
	struct sigaction sa = { .sa_handler = on_bus };
	int faulted, fd;
	char *p;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open", path);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap", path);
	if (swapon(path, 0))
		return fail("swapon", path);
	sigaction(SIGBUS, &sa, NULL);
	faulted = sigsetjmp(bus_jmp, 1);
	if (!faulted)
		p[0] = 1;	/* the boot sector bytes swap does not use */
	if (swapoff(path))
		return fail("swapoff", path);
	puts(faulted ? "SIGBUS" : "wrote");
	return !faulted;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "exchange"))
		return do_exchange(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "seal-alarm"))
		return do_seal_alarm(argv[2], atol(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "write-zeroes"))
		return do_write_zeroes(argv[2], atoll(argv[3]), atoll(argv[4]));
	if (argc != 3) {
		fprintf(stderr, "usage: sealctl seal|unseal|status|fiemap|prepare FILE\n");
		return 2;
	}
	if (!strcmp(argv[1], "seal"))
		return do_fallocate(argv[2], FALLOC_FL_SEAL_BLOCK_MAP);
	if (!strcmp(argv[1], "unseal"))
		return do_fallocate(argv[2], FALLOC_FL_UNSEAL_BLOCK_MAP);
	if (!strcmp(argv[1], "status"))
		return do_status(argv[2]);
	if (!strcmp(argv[1], "fiemap"))
		return do_fiemap(argv[2]);
	if (!strcmp(argv[1], "prepare"))
		return do_prepare(argv[2]);
	if (!strcmp(argv[1], "mmap-swapon"))
		return do_mmap_swapon(argv[2]);
	if (!strcmp(argv[1], "swapon"))
		return swapon(argv[2], 0) ? fail("swapon", argv[2]) : 0;
	if (!strcmp(argv[1], "swapon-sealed"))
		return swapon(argv[2], SWAP_FLAG_SEALED) ? fail("swapon", argv[2]) : 0;
	fprintf(stderr, "sealctl: unknown command %s\n", argv[1]);
	return 2;
}
