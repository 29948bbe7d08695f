// SPDX-License-Identifier: GPL-2.0
/*
 * seal_test: FALLOC_FL_SEAL_BLOCK_MAP and FALLOC_FL_UNSEAL_BLOCK_MAP.
 *
 * Tests the argument checks of both calls and the order of their errnos;
 * what sealing prepares (holes, unwritten, delalloc and shared extents
 * become written, unshared blocks, the data never changes, ENOSPC leaves
 * the file unsealed); what a sealed file refuses with ETXTBSY (size
 * changes, extending writes, the other fallocate modes, reflink, dedupe,
 * placement attributes) and what it still allows without a change to its
 * block map (reads and overwrites inside EOF by write, O_DIRECT, io_uring,
 * mmap and copy_file_range); the seal as statx and FS_IOC_FSGETXATTR
 * report it; and unsealing.
 *
 * Runs as root.  The environment names the places to use:
 *   SEAL_DIR        an empty directory on the XFS under test
 *   SEAL_REFLINK    1 if that XFS has reflink, else 0
 *   SEAL_SMALL_DIR  an empty directory on a small XFS (for ENOSPC)
 *   SEAL_RO_DIR     a read-only XFS holding a non-empty regular file "file"
 *   SEAL_EXT4_DIR   a writable directory on ext4
 *   SEAL_TMPFS_DIR  a writable directory on tmpfs
 *   SEAL_BLKDEV     a block device not in use
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <liburing.h>

#include "kselftest_harness.h"
#include "prepare.h"

/*
 * The harness's TEST_F() wrapper reads a local after longjmp(), which gcc
 * reports with -Wextra at -O2 once per test: harness code, not ours.
 */
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

/* For a build against uapi headers that predate the seal. */
#ifndef FALLOC_FL_SEAL_BLOCK_MAP
#define FALLOC_FL_SEAL_BLOCK_MAP	0x100
#endif
#ifndef FALLOC_FL_UNSEAL_BLOCK_MAP
#define FALLOC_FL_UNSEAL_BLOCK_MAP	0x200
#endif
#ifndef FS_XFLAG_IOMAP_IMMUTABLE
#define FS_XFLAG_IOMAP_IMMUTABLE	0x01000000
#endif
#ifndef STATX_ATTR_IOMAP_IMMUTABLE
#define STATX_ATTR_IOMAP_IMMUTABLE	0x01000000
#endif

#define SEAL		FALLOC_FL_SEAL_BLOCK_MAP
#define UNSEAL		FALLOC_FL_UNSEAL_BLOCK_MAP
#define KIB		1024
#define MIB		(1024 * 1024)
#define BLK		4096		/* aligned for O_DIRECT and remaps */
#define FILE_SIZE	MIB		/* the files of the fixtures */
#define MAX_EXTENTS	4096
#define NOBODY		65534
#define CHILD_FAILED	255		/* a child could not get ready */
#define PREP_TIMEOUT	300		/* seconds: zeroing is slow under TCG */

/*
 * Expect @call to fail with @err.  The value is taken as a long, which
 * holds the int and ssize_t results alike.
 */
#define EXPECT_ERRNO(err, call)						\
	do {								\
		long _ret;						\
		int _err;						\
									\
		errno = 0;						\
		_ret = (long)(call);					\
		_err = errno;						\
		EXPECT_EQ(-1, _ret)					\
			TH_LOG("%s succeeded", #call);			\
		EXPECT_EQ(err, _err)					\
			TH_LOG("%s: %s", #call, strerror(_err));	\
	} while (0)

/* The value of environment variable @name, which the wrapper must set. */
static const char *env(struct __test_metadata *_metadata, const char *name)
{
	const char *value = getenv(name);

	ASSERT_NE(NULL, value) TH_LOG("%s is not set", name);
	return value;
}

static bool have_reflink(struct __test_metadata *_metadata)
{
	const char *value = env(_metadata, "SEAL_REFLINK");

	ASSERT_TRUE(!strcmp(value, "0") || !strcmp(value, "1"))
		TH_LOG("SEAL_REFLINK=%s, want 0 or 1", value);
	return value[0] == '1';
}

/*
 * What reflink and dedupe involving a sealed file fail with: the seal on a
 * reflink XFS, else the filesystem, which refuses before the seal check.
 */
static int remap_errno(struct __test_metadata *_metadata)
{
	return have_reflink(_metadata) ? ETXTBSY : EOPNOTSUPP;
}

/* A new empty file @dir/@tag.TEST.PID; its name goes to @path. */
static int create_file(struct __test_metadata *_metadata, char *path,
		       const char *dir, const char *tag)
{
	int fd, len;

	len = snprintf(path, PATH_MAX, "%s/%s.%s.%d", dir, tag,
		       _metadata->name, getpid());
	ASSERT_GT(PATH_MAX, len);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	ASSERT_LE(0, fd) TH_LOG("create %s: %s", path, strerror(errno));
	return fd;
}

static unsigned char pattern(off_t off, unsigned int seed)
{
	return (off >> 12) * 131 + off * 7 + seed * 29 + 1;
}

/* Fill @buf with the pattern of @seed for file offset @off on. */
static void fill(void *buf, size_t len, off_t off, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(off + i, seed);
}

/* Write the pattern of @seed to [@off, @off + @len) of @fd. */
static int write_pattern(int fd, off_t off, size_t len, unsigned int seed)
{
	unsigned char buf[64 * KIB];
	size_t n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		fill(buf, n, off, seed);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}

/* Whether [@off, @off + @len) of @fd holds the pattern of @seed. */
static bool has_pattern(int fd, off_t off, size_t len, unsigned int seed)
{
	unsigned char buf[64 * KIB], want[64 * KIB];
	size_t n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		fill(want, n, off, seed);
		if (pread(fd, buf, n, off) != (ssize_t)n ||
		    memcmp(buf, want, n))
			return false;
		off += n;
		len -= n;
	}
	return true;
}

/* Whether @fd holds exactly the @size bytes at @data. */
static bool file_matches(int fd, const unsigned char *data, off_t size)
{
	static unsigned char buf[64 * KIB];
	ssize_t n;
	off_t off;

	for (off = 0; off < size; off += n) {
		n = pread(fd, buf, sizeof(buf), off);
		if (n <= 0 || off + n > size || memcmp(buf, data + off, n))
			return false;
	}
	return pread(fd, buf, 1, size) == 0;
}

/* Whether [@off, @off + @len) of @fd reads as zeroes. */
static bool is_zero(int fd, off_t off, off_t len)
{
	static unsigned char buf[MIB];
	off_t end = off + len;
	ssize_t n, i;

	for (; off < end; off += n) {
		n = pread(fd, buf, end - off < MIB ? end - off : MIB, off);
		if (n <= 0)
			return false;
		for (i = 0; i < n; i++)
			if (buf[i])
				return false;
	}
	return true;
}

/* Whether @fd_a at @off_a and @fd_b at @off_b hold the same @len bytes. */
static bool same_data(int fd_a, off_t off_a, int fd_b, off_t off_b,
		      size_t len)
{
	static unsigned char a[64 * KIB], b[64 * KIB];
	size_t n;

	while (len) {
		n = len < sizeof(a) ? len : sizeof(a);
		if (pread(fd_a, a, n, off_a) != (ssize_t)n ||
		    pread(fd_b, b, n, off_b) != (ssize_t)n || memcmp(a, b, n))
			return false;
		off_a += n;
		off_b += n;
		len -= n;
	}
	return true;
}

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t fnv(uint64_t hash, uint64_t value)
{
	return (hash ^ value) * FNV_PRIME;
}

/*
 * A checksum of the content of @fd that does not depend on its layout:
 * FNV-1a over the offset and value of every non-zero 64-bit word, then
 * the size.  Only what SEEK_DATA reports is read, so that a large sparse
 * file costs little; holes read as zeroes and add nothing, whether blocks
 * back them or not.  Returns 0 on error.
 */
static uint64_t file_hash(int fd)
{
	static unsigned char buf[MIB];
	uint64_t hash = FNV_OFFSET, word;
	off_t data = 0, hole, off;
	ssize_t n, i;
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	while ((data = lseek(fd, data, SEEK_DATA)) >= 0) {
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return 0;
		for (off = data & ~7; off < hole; off += n) {
			n = pread(fd, buf, hole - off < MIB ? hole - off : MIB,
				  off);
			if (n <= 0)
				return 0;
			for (i = 0; i < n; i += 8) {
				word = 0;
				memcpy(&word, buf + i, n - i < 8 ? n - i : 8);
				if (word)
					hash = fnv(fnv(hash, off + i), word);
			}
		}
		data = hole;
	}
	if (errno != ENXIO)
		return 0;
	return fnv(hash, st.st_size);
}

static off_t file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

/* fallocate(@mode) over the whole file, as sealing and unsealing want. */
static int seal_op(int fd, int mode)
{
	off_t size = file_size(fd);

	return size < 0 ? -1 : fallocate(fd, mode, 0, size);
}

static int seal(int fd)
{
	return seal_op(fd, SEAL);
}

static int unseal(int fd)
{
	return seal_op(fd, UNSEAL);
}

static uint32_t get_xflags(struct __test_metadata *_metadata, int fd)
{
	struct fsxattr fsx;

	ASSERT_EQ(0, ioctl(fd, FS_IOC_FSGETXATTR, &fsx));
	return fsx.fsx_xflags;
}

/*
 * Whether statx reports the XFS file @fd sealed.  On the way, check that
 * stx_attributes_mask offers the bit and that FS_IOC_FSGETXATTR agrees.
 */
static bool is_sealed(struct __test_metadata *_metadata, int fd)
{
	struct statx stx;
	bool sealed;

	memset(&stx, 0, sizeof(stx));
	ASSERT_EQ(0, statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx));
	EXPECT_TRUE(!!(stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE))
		TH_LOG("no STATX_ATTR_IOMAP_IMMUTABLE in stx_attributes_mask");
	sealed = stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE;
	EXPECT_EQ(sealed,
		  !!(get_xflags(_metadata, fd) & FS_XFLAG_IOMAP_IMMUTABLE));
	return sealed;
}

/* FS_IOC_SETFLAGS: set the flags @set and clear those in @clear. */
static int change_flags(int fd, int set, int clear)
{
	int flags;

	if (ioctl(fd, FS_IOC_GETFLAGS, &flags))
		return -1;
	flags = (flags | set) & ~clear;
	return ioctl(fd, FS_IOC_SETFLAGS, &flags);
}

/* The FIEMAP of [0, @size) of @fd, or NULL; free() it. */
static struct fiemap *get_map(int fd, off_t size, unsigned int flags)
{
	struct fiemap *fm;

	fm = calloc(1, sizeof(*fm) + MAX_EXTENTS * sizeof(fm->fm_extents[0]));
	if (!fm)
		return NULL;
	fm->fm_length = size;
	fm->fm_flags = flags;
	fm->fm_extent_count = MAX_EXTENTS;
	if (ioctl(fd, FS_IOC_FIEMAP, fm) ||
	    fm->fm_mapped_extents >= MAX_EXTENTS) {
		free(fm);
		return NULL;
	}
	return fm;
}

static void log_map(struct __test_metadata *_metadata, const char *what,
		    const struct fiemap *fm)
{
	const struct fiemap_extent *fe;
	unsigned int i;

	for (i = 0; i < fm->fm_mapped_extents; i++) {
		fe = &fm->fm_extents[i];
		TH_LOG("%s: %llu %llu %llu 0x%x", what,
		       (unsigned long long)fe->fe_logical,
		       (unsigned long long)fe->fe_physical,
		       (unsigned long long)fe->fe_length, fe->fe_flags);
	}
}

/* Whether an extent of @fm has one of @flags. */
static bool map_has(const struct fiemap *fm, unsigned int flags)
{
	unsigned int i;

	for (i = 0; i < fm->fm_mapped_extents; i++)
		if (fm->fm_extents[i].fe_flags & flags)
			return true;
	return false;
}

/* The length of @fe inside [0, @size). */
static __u64 clip(const struct fiemap_extent *fe, off_t size)
{
	__u64 end = fe->fe_logical + fe->fe_length;

	if (end > (__u64)size)
		end = size;
	return end - fe->fe_logical;
}

/*
 * Whether two maps of [0, @size) have the same extents at the same
 * places with the same flags.  Blocks past EOF (speculative preallocation,
 * trimmed at any time) and FIEMAP_EXTENT_LAST do not count.
 */
static bool map_same(const struct fiemap *a, const struct fiemap *b,
		     off_t size)
{
	const struct fiemap_extent *x, *y;
	unsigned int i;

	if (a->fm_mapped_extents != b->fm_mapped_extents)
		return false;
	for (i = 0; i < a->fm_mapped_extents; i++) {
		x = &a->fm_extents[i];
		y = &b->fm_extents[i];
		if (x->fe_logical != y->fe_logical ||
		    x->fe_physical != y->fe_physical ||
		    clip(x, size) != clip(y, size) ||
		    (x->fe_flags ^ y->fe_flags) & ~FIEMAP_EXTENT_LAST)
			return false;
	}
	return true;
}

/*
 * Check that the block map of [0, @size) of @fd is final, as a seal wants
 * it: extents cover it without a hole and none is unwritten, delalloc, of
 * unknown location or shared.
 */
static void check_map_final(struct __test_metadata *_metadata, int fd,
			    off_t size)
{
	const unsigned int bad = FIEMAP_EXTENT_UNKNOWN |
				 FIEMAP_EXTENT_DELALLOC |
				 FIEMAP_EXTENT_UNWRITTEN |
				 FIEMAP_EXTENT_SHARED;
	const struct fiemap_extent *fe;
	struct fiemap *fm;
	unsigned int i;
	__u64 end = 0;

	fm = get_map(fd, size, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, fm);
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		fe = &fm->fm_extents[i];
		if (fe->fe_logical >= (__u64)size)
			break;
		EXPECT_EQ(end, fe->fe_logical)
			TH_LOG("hole at %llu", (unsigned long long)end);
		EXPECT_EQ(0U, fe->fe_flags & bad)
			TH_LOG("extent at %llu has flags 0x%x",
			       (unsigned long long)fe->fe_logical,
			       fe->fe_flags);
		end = fe->fe_logical + fe->fe_length;
	}
	EXPECT_LE((__u64)size, end);
	if (_metadata->exit_code)
		log_map(_metadata, "map", fm);
	free(fm);
}

/*
 * Seal @fd and check what sealing must have done: the seal is set, the
 * size and data are the same and the block map is final.
 */
static void seal_and_check(struct __test_metadata *_metadata, int fd)
{
	off_t size = file_size(fd);
	uint64_t hash = file_hash(fd);

	ASSERT_LT(0, size);
	ASSERT_TRUE(hash != 0);
	ASSERT_EQ(0, seal(fd)) TH_LOG("seal: %s", strerror(errno));
	EXPECT_TRUE(is_sealed(_metadata, fd));
	EXPECT_EQ(size, file_size(fd));
	EXPECT_EQ(hash, file_hash(fd));
	check_map_final(_metadata, fd, size);
}

/*
 * FIDEDUPERANGE of @len bytes at 0 of @src onto @dst: the errno of the
 * ioctl or the status of the one destination, negative, or 0 or
 * FILE_DEDUPE_RANGE_DIFFERS.  Failures may come either way.
 */
static int dedupe(int src, int dst, __u64 len)
{
	struct file_dedupe_range *range;
	int ret;

	range = calloc(1, sizeof(*range) + sizeof(range->info[0]));
	if (!range)
		return -ENOMEM;
	range->src_length = len;
	range->dest_count = 1;
	range->info[0].dest_fd = dst;
	ret = ioctl(src, FIDEDUPERANGE, range) ? -errno : range->info[0].status;
	free(range);
	return ret;
}

/* One write through io_uring: the result of its completion. */
static int uring_write(struct io_uring *ring, int fd, const void *buf,
		       unsigned int len, __u64 off)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret;

	sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_write(sqe, fd, buf, len, off);
	ret = io_uring_submit(ring);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

enum privilege {
	AS_NOBODY,			/* uid and gid 65534, no capability */
	NO_CAP_LINUX_IMMUTABLE,		/* root without CAP_LINUX_IMMUTABLE */
};

/* Drop CAP_LINUX_IMMUTABLE from the effective set; no libcap here. */
static int drop_cap_linux_immutable(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const unsigned int i = CAP_TO_INDEX(CAP_LINUX_IMMUTABLE);
	const __u32 bit = CAP_TO_MASK(CAP_LINUX_IMMUTABLE);

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~bit;
	if (syscall(SYS_capset, &hdr, data) || syscall(SYS_capget, &hdr, data))
		return -1;
	return data[i].effective & bit ? -1 : 0;
}

/*
 * In a child with @priv, open @path read-write and call fallocate(@mode,
 * 0, @len).  Returns the errno it got, 0 on success, or CHILD_FAILED.
 */
static int fallocate_as(enum privilege priv, const char *path, int mode,
			off_t len)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return CHILD_FAILED;
	if (pid == 0) {
		if (priv == AS_NOBODY) {
			if (setgroups(0, NULL) ||
			    setresgid(NOBODY, NOBODY, NOBODY) ||
			    setresuid(NOBODY, NOBODY, NOBODY))
				_exit(CHILD_FAILED);
		} else if (drop_cap_linux_immutable()) {
			_exit(CHILD_FAILED);
		}
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(CHILD_FAILED);
		_exit(fallocate(fd, mode, 0, len) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return CHILD_FAILED;
	return WEXITSTATUS(status);
}

/* What the file of a test must look like. */
struct want {
	off_t size;
	unsigned char *data;		/* its content */
	struct fiemap *map;		/* its block map */
};

/*
 * Check that @fd has the size, content and block map of @want, and is
 * @sealed or not.
 */
static void check_file(struct __test_metadata *_metadata, int fd,
		       const struct want *want, bool sealed)
{
	struct fiemap *fm;

	EXPECT_EQ(want->size, file_size(fd));
	EXPECT_EQ(sealed, is_sealed(_metadata, fd));
	EXPECT_TRUE(file_matches(fd, want->data, want->size));
	fm = get_map(fd, want->size, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, fm);
	EXPECT_TRUE(map_same(want->map, fm, want->size)) {
		log_map(_metadata, "want", want->map);
		log_map(_metadata, "have", fm);
	}
	free(fm);
}

/* A second file in SEAL_DIR, named in @path: FILE_SIZE bytes, pattern 2. */
static int make_other(struct __test_metadata *_metadata, char *path)
{
	int fd = create_file(_metadata, path, env(_metadata, "SEAL_DIR"),
			     "other");

	ASSERT_EQ(0, write_pattern(fd, 0, FILE_SIZE, 2));
	ASSERT_EQ(0, fsync(fd));
	return fd;
}

/*
 * sealed: a file of FILE_SIZE bytes of pattern 1 in SEAL_DIR, written,
 * synced and sealed.  Each refused operation is a test of its own, and
 * checks afterwards that nothing changed.
 */
FIXTURE(sealed)
{
	int fd;				/* read-write */
	char path[PATH_MAX];
	struct want want;		/* as sealed, or as a test changed it */
	char other_path[PATH_MAX];	/* see make_other() */
};

FIXTURE_SETUP(sealed)
{
	int err;

	self->want.size = FILE_SIZE;
	self->want.data = malloc(FILE_SIZE);
	ASSERT_NE(NULL, self->want.data);
	fill(self->want.data, FILE_SIZE, 0, 1);
	self->fd = create_file(_metadata, self->path,
			       env(_metadata, "SEAL_DIR"), "sealed");
	ASSERT_EQ(FILE_SIZE, pwrite(self->fd, self->want.data, FILE_SIZE, 0));
	ASSERT_EQ(0, fsync(self->fd));
	if (seal(self->fd)) {
		/* No teardown after a failed setup: clean up here. */
		err = errno;
		unlink(self->path);
		ASSERT_EQ(0, err) TH_LOG("seal: %s", strerror(err));
	}
	ASSERT_TRUE(is_sealed(_metadata, self->fd));
	self->want.map = get_map(self->fd, FILE_SIZE, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, self->want.map);
}

FIXTURE_TEARDOWN(sealed)
{
	if (self->fd >= 0) {
		unseal(self->fd);
		close(self->fd);
	}
	if (self->path[0])
		unlink(self->path);
	if (self->other_path[0])
		unlink(self->other_path);
	free(self->want.map);
	free(self->want.data);
}

/* The seal as statx and FS_IOC_FSGETXATTR report it. */
TEST_F(sealed, statx_attribute)
{
	struct statx stx;

	memset(&stx, 0, sizeof(stx));
	ASSERT_EQ(0, statx(AT_FDCWD, self->path, 0, STATX_BASIC_STATS, &stx));
	EXPECT_TRUE(!!(stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE));
	EXPECT_TRUE(!!(stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE));
}

TEST_F(sealed, fsgetxattr_flag)
{
	EXPECT_TRUE(!!(get_xflags(_metadata, self->fd) &
		       FS_XFLAG_IOMAP_IMMUTABLE));
}

TEST_F(sealed, block_map_final)
{
	check_map_final(_metadata, self->fd, self->want.size);
}

TEST_F(sealed, seal_again)
{
	EXPECT_EQ(0, seal(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, reopen)
{
	int fd;

	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	fd = open(self->path, O_RDWR);
	ASSERT_LE(0, fd);
	self->fd = fd;
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, len_mismatch)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, 0, FILE_SIZE + BLK));
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, UNSEAL, 0, FILE_SIZE - BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, read)
{
	unsigned char buf[BLK];

	EXPECT_EQ(BLK, pread(self->fd, buf, BLK, 7 * BLK));
	EXPECT_EQ(0, memcmp(buf, self->want.data + 7 * BLK, BLK));
	EXPECT_EQ(0, pread(self->fd, buf, BLK, FILE_SIZE));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ftruncate_shrink)
{
	EXPECT_ERRNO(ETXTBSY, ftruncate(self->fd, FILE_SIZE / 2));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ftruncate_grow)
{
	EXPECT_ERRNO(ETXTBSY, ftruncate(self->fd, 2 * FILE_SIZE));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ftruncate_zero)
{
	EXPECT_ERRNO(ETXTBSY, ftruncate(self->fd, 0));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ftruncate_same_size)
{
	EXPECT_EQ(0, ftruncate(self->fd, FILE_SIZE));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, truncate_path)
{
	EXPECT_ERRNO(ETXTBSY, truncate(self->path, FILE_SIZE - BLK));
	EXPECT_ERRNO(ETXTBSY, truncate(self->path, FILE_SIZE + BLK));
	EXPECT_EQ(0, truncate(self->path, FILE_SIZE));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, open_trunc)
{
	EXPECT_ERRNO(ETXTBSY, open(self->path, O_WRONLY | O_TRUNC));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, write_at_eof)
{
	unsigned char buf[BLK];

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(FILE_SIZE, lseek(self->fd, 0, SEEK_END));
	EXPECT_ERRNO(ETXTBSY, write(self->fd, buf, sizeof(buf)));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, pwrite_across_eof)
{
	unsigned char buf[2 * BLK];

	memset(buf, 0xa5, sizeof(buf));
	EXPECT_ERRNO(ETXTBSY, pwrite(self->fd, buf, 200, FILE_SIZE - 100));
	EXPECT_ERRNO(ETXTBSY, pwrite(self->fd, buf, sizeof(buf),
				     FILE_SIZE - BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, pwrite_past_eof)
{
	unsigned char buf[BLK];

	memset(buf, 0xa5, sizeof(buf));
	EXPECT_ERRNO(ETXTBSY, pwrite(self->fd, buf, BLK, FILE_SIZE + MIB));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, pwritev_across_eof)
{
	unsigned char buf[BLK];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = BLK },
		{ .iov_base = buf, .iov_len = BLK },
	};

	memset(buf, 0xa5, sizeof(buf));
	EXPECT_ERRNO(ETXTBSY, pwritev(self->fd, iov, 2, FILE_SIZE - BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, writev_across_eof)
{
	unsigned char buf[BLK];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = BLK },
		{ .iov_base = buf, .iov_len = BLK },
	};

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(FILE_SIZE - BLK, lseek(self->fd, FILE_SIZE - BLK, SEEK_SET));
	EXPECT_ERRNO(ETXTBSY, writev(self->fd, iov, 2));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, splice_across_eof)
{
	unsigned char buf[2 * BLK];
	loff_t out = FILE_SIZE - BLK;
	int pipefd[2];

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ((ssize_t)sizeof(buf), write(pipefd[1], buf, sizeof(buf)));
	EXPECT_ERRNO(ETXTBSY, splice(pipefd[0], NULL, self->fd, &out,
				     sizeof(buf), 0));
	close(pipefd[0]);
	close(pipefd[1]);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, sendfile_across_eof)
{
	int other = make_other(_metadata, self->other_path);
	off_t in = 0;

	ASSERT_EQ(FILE_SIZE - BLK, lseek(self->fd, FILE_SIZE - BLK, SEEK_SET));
	EXPECT_ERRNO(ETXTBSY, sendfile(self->fd, other, &in, 2 * BLK));
	close(other);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, append_write)
{
	unsigned char buf[BLK];
	int fd;

	memset(buf, 0xa5, sizeof(buf));
	fd = open(self->path, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	EXPECT_ERRNO(ETXTBSY, write(fd, buf, sizeof(buf)));
	close(fd);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, io_uring_write_across_eof)
{
	unsigned char buf[2 * BLK];
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		SKIP(return, "io_uring_queue_init: %s", strerror(-ret));
	memset(buf, 0xa5, sizeof(buf));
	EXPECT_EQ(-ETXTBSY, uring_write(&ring, self->fd, buf, sizeof(buf),
					FILE_SIZE - BLK));
	io_uring_queue_exit(&ring);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, io_uring_write_inside)
{
	unsigned char buf[2 * BLK];
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		SKIP(return, "io_uring_queue_init: %s", strerror(-ret));
	fill(buf, sizeof(buf), 9 * BLK, 4);
	EXPECT_EQ((int)sizeof(buf),
		  uring_write(&ring, self->fd, buf, sizeof(buf), 9 * BLK));
	io_uring_queue_exit(&ring);
	memcpy(self->want.data + 9 * BLK, buf, sizeof(buf));
	EXPECT_EQ(0, fsync(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, pwrite_inside)
{
	unsigned char buf[3 * BLK];

	fill(buf, sizeof(buf), 20 * BLK + 123, 5);
	EXPECT_EQ((ssize_t)sizeof(buf),
		  pwrite(self->fd, buf, sizeof(buf), 20 * BLK + 123));
	memcpy(self->want.data + 20 * BLK + 123, buf, sizeof(buf));
	EXPECT_EQ(0, fsync(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, pwrite_up_to_eof)
{
	unsigned char buf[BLK];

	fill(buf, sizeof(buf), FILE_SIZE - BLK, 6);
	EXPECT_EQ(BLK, pwrite(self->fd, buf, BLK, FILE_SIZE - BLK));
	memcpy(self->want.data + FILE_SIZE - BLK, buf, BLK);
	EXPECT_EQ(0, fsync(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, direct_io_overwrite)
{
	void *buf;
	int fd;

	fd = open(self->path, O_RDWR | O_DIRECT);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, posix_memalign(&buf, BLK, 2 * BLK));
	fill(buf, 2 * BLK, 3 * BLK, 7);
	EXPECT_EQ(2 * BLK, pwrite(fd, buf, 2 * BLK, 3 * BLK));
	memcpy(self->want.data + 3 * BLK, buf, 2 * BLK);
	EXPECT_ERRNO(ETXTBSY, pwrite(fd, buf, 2 * BLK, FILE_SIZE - BLK));
	close(fd);
	free(buf);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, mmap_overwrite)
{
	unsigned char *p;

	p = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	fill(p + 5 * BLK, 3 * BLK, 5 * BLK, 8);
	fill(self->want.data + 5 * BLK, 3 * BLK, 5 * BLK, 8);
	EXPECT_EQ(0, msync(p, FILE_SIZE, MS_SYNC));
	EXPECT_EQ(0, munmap(p, FILE_SIZE));
	EXPECT_EQ(0, fsync(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, fallocate_default)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, 0, 0, 2 * FILE_SIZE));
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, 0, 0, FILE_SIZE));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, fallocate_keep_size)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, FALLOC_FL_KEEP_SIZE,
					FILE_SIZE, MIB));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, punch_hole)
{
	const int mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, mode, 16 * BLK, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, collapse_range)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, FALLOC_FL_COLLAPSE_RANGE,
					16 * BLK, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, insert_range)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, FALLOC_FL_INSERT_RANGE,
					16 * BLK, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, zero_range)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, FALLOC_FL_ZERO_RANGE,
					16 * BLK, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, zero_range_keep_size)
{
	const int mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;

	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, mode, 16 * BLK, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, unshare_range)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, FALLOC_FL_UNSHARE_RANGE,
					0, FILE_SIZE));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ficlone_from_sealed)
{
	int other = make_other(_metadata, self->other_path);

	EXPECT_ERRNO(remap_errno(_metadata), ioctl(other, FICLONE, self->fd));
	EXPECT_TRUE(has_pattern(other, 0, FILE_SIZE, 2));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ficlone_onto_sealed)
{
	int other = make_other(_metadata, self->other_path);

	EXPECT_ERRNO(remap_errno(_metadata), ioctl(self->fd, FICLONE, other));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ficlonerange_from_sealed)
{
	int other = make_other(_metadata, self->other_path);
	struct file_clone_range range = {
		.src_fd = self->fd,
		.src_length = 16 * BLK,
		.dest_offset = 32 * BLK,
	};

	EXPECT_ERRNO(remap_errno(_metadata),
		     ioctl(other, FICLONERANGE, &range));
	EXPECT_TRUE(has_pattern(other, 0, FILE_SIZE, 2));
	check_file(_metadata, self->fd, &self->want, true);
}

/*
 * The seal is asked after the range checks: an unaligned range gets the
 * EINVAL it always got (EOPNOTSUPP without reflink, asked first).
 */
TEST_F(sealed, ficlonerange_unaligned)
{
	int other = make_other(_metadata, self->other_path);
	struct file_clone_range range = {
		.src_fd = self->fd,
		.src_offset = 1,
		.src_length = 16 * BLK,
		.dest_offset = 32 * BLK,
	};

	EXPECT_ERRNO(have_reflink(_metadata) ? EINVAL : EOPNOTSUPP,
		     ioctl(other, FICLONERANGE, &range));
	EXPECT_TRUE(has_pattern(other, 0, FILE_SIZE, 2));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, ficlonerange_onto_sealed)
{
	int other = make_other(_metadata, self->other_path);
	struct file_clone_range range = {
		.src_fd = other,
		.src_length = 16 * BLK,
		.dest_offset = 32 * BLK,
	};

	EXPECT_ERRNO(remap_errno(_metadata),
		     ioctl(self->fd, FICLONERANGE, &range));
	check_file(_metadata, self->fd, &self->want, true);
}

/* The other file holds the same data, so only the seal can refuse. */
TEST_F(sealed, dedupe_from_sealed)
{
	int other = make_other(_metadata, self->other_path);

	ASSERT_EQ(FILE_SIZE, pwrite(other, self->want.data, FILE_SIZE, 0));
	ASSERT_EQ(0, fsync(other));
	EXPECT_EQ(-remap_errno(_metadata), dedupe(self->fd, other, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, dedupe_onto_sealed)
{
	int other = make_other(_metadata, self->other_path);

	ASSERT_EQ(FILE_SIZE, pwrite(other, self->want.data, FILE_SIZE, 0));
	ASSERT_EQ(0, fsync(other));
	EXPECT_EQ(-remap_errno(_metadata), dedupe(other, self->fd, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}

/*
 * copy_file_range: a reflink XFS tries a remap first, which the seal
 * refuses; the copy then falls back to read + write, as it does wherever
 * a remap is not possible, and the seal allows that but for an extending
 * write.  Reading a sealed file is allowed, so copying from it is too.
 */
TEST_F(sealed, copy_range_from_sealed)
{
	int other = make_other(_metadata, self->other_path);
	loff_t in = 0, out = 0;

	EXPECT_EQ(16 * BLK, copy_file_range(self->fd, &in, other, &out,
					    16 * BLK, 0));
	EXPECT_TRUE(has_pattern(other, 0, 16 * BLK, 1));
	EXPECT_TRUE(has_pattern(other, 16 * BLK, FILE_SIZE - 16 * BLK, 2));
	/* and its map as it was: nothing shared, nothing moved */
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, copy_range_into_sealed)
{
	int other = make_other(_metadata, self->other_path);
	loff_t in = 0, out = 32 * BLK;

	EXPECT_EQ(16 * BLK, copy_file_range(other, &in, self->fd, &out,
					    16 * BLK, 0));
	fill(self->want.data + 32 * BLK, 16 * BLK, 0, 2);
	EXPECT_EQ(0, fsync(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

/*
 * An unaligned range has no block to remap, so copy_file_range does not
 * even try, and copies it in and out of a sealed file.
 */
TEST_F(sealed, copy_range_unaligned)
{
	int other = make_other(_metadata, self->other_path);
	loff_t in = 100, out = 4 * BLK + 300;
	unsigned char buf[200], want[200];

	EXPECT_EQ(200, copy_file_range(self->fd, &in, other, &out, 200, 0));
	fill(want, sizeof(want), 100, 1);
	EXPECT_EQ(200, pread(other, buf, sizeof(buf), 4 * BLK + 300));
	EXPECT_EQ(0, memcmp(buf, want, sizeof(buf)));
	EXPECT_TRUE(has_pattern(other, 0, 4 * BLK + 300, 2));
	EXPECT_TRUE(has_pattern(other, 4 * BLK + 500,
				FILE_SIZE - 4 * BLK - 500, 2));
	in = 8 * BLK + 100;
	out = 16 * BLK + 7;
	EXPECT_EQ(200, copy_file_range(other, &in, self->fd, &out, 200, 0));
	fill(self->want.data + 16 * BLK + 7, 200, 8 * BLK + 100, 2);
	EXPECT_EQ(0, fsync(self->fd));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, copy_range_across_eof)
{
	int other = make_other(_metadata, self->other_path);
	loff_t in = 0, out = FILE_SIZE - BLK;

	EXPECT_ERRNO(ETXTBSY, copy_file_range(other, &in, self->fd, &out,
					      4 * BLK, 0));
	check_file(_metadata, self->fd, &self->want, true);
}

/*
 * Only fallocate changes the seal: the flag is read-only, and a request to
 * clear it is ignored, as for the other read-only flags.
 */
TEST_F(sealed, fssetxattr_clear_seal_flag)
{
	struct fsxattr fsx;

	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &fsx));
	fsx.fsx_xflags &= ~FS_XFLAG_IOMAP_IMMUTABLE;
	EXPECT_EQ(0, ioctl(self->fd, FS_IOC_FSSETXATTR, &fsx))
		TH_LOG("FS_IOC_FSSETXATTR: %s", strerror(errno));
	EXPECT_TRUE(!!(get_xflags(_metadata, self->fd) &
		       FS_XFLAG_IOMAP_IMMUTABLE));
	check_file(_metadata, self->fd, &self->want, true);
}

#ifdef __NR_file_setattr
/* The same through file_setattr(2), which shares the flag space. */
TEST_F(sealed, file_setattr_clear_seal_flag)
{
	struct file_attr fa;

	ASSERT_EQ(0, syscall(__NR_file_getattr, AT_FDCWD, self->path, &fa,
			     sizeof(fa), 0));
	EXPECT_TRUE(!!(fa.fa_xflags & FS_XFLAG_IOMAP_IMMUTABLE));
	fa.fa_xflags &= ~FS_XFLAG_IOMAP_IMMUTABLE;
	EXPECT_EQ(0, syscall(__NR_file_setattr, AT_FDCWD, self->path, &fa,
			     sizeof(fa), 0))
		TH_LOG("file_setattr: %s", strerror(errno));
	ASSERT_EQ(0, syscall(__NR_file_getattr, AT_FDCWD, self->path, &fa,
			     sizeof(fa), 0));
	EXPECT_TRUE(!!(fa.fa_xflags & FS_XFLAG_IOMAP_IMMUTABLE));
	fa.fa_xflags |= FS_XFLAG_EXTSIZE;
	fa.fa_extsize = MIB;
	EXPECT_ERRNO(ETXTBSY, syscall(__NR_file_setattr, AT_FDCWD, self->path,
				      &fa, sizeof(fa), 0));
	check_file(_metadata, self->fd, &self->want, true);
}
#endif

#ifdef FALLOC_FL_WRITE_ZEROES
TEST_F(sealed, write_zeroes)
{
	EXPECT_ERRNO(ETXTBSY, fallocate(self->fd, FALLOC_FL_WRITE_ZEROES,
					16 * BLK, 16 * BLK));
	check_file(_metadata, self->fd, &self->want, true);
}
#endif

#ifdef RWF_ATOMIC
/* pwritev2(RWF_ATOMIC) of one block at 0 of @path, with O_DIRECT. */
static int atomic_write(const char *path, unsigned int seed)
{
	struct iovec iov = { .iov_len = BLK };
	int fd, ret, err;

	if (posix_memalign(&iov.iov_base, BLK, BLK))
		return -1;
	fill(iov.iov_base, BLK, 0, seed);
	fd = open(path, O_RDWR | O_DIRECT);
	ret = fd < 0 ? -1 : pwritev2(fd, &iov, 1, 0, RWF_ATOMIC);
	err = errno;
	if (fd >= 0)
		close(fd);
	free(iov.iov_base);
	errno = err;
	return ret;
}

/*
 * An atomic write that the device cannot do in place is done out of place
 * and remapped into the file: a sealed file does not offer that, and still
 * takes whatever atomic write stays in place.  Without such a device it
 * offers none (EOPNOTSUPP when opened, as any file that cannot; EINVAL on
 * a descriptor opened before the seal, from the size checks).  An
 * unsealed twin shows which kind of write this kernel and device do.
 */
TEST_F(sealed, atomic_write)
{
	int other = make_other(_metadata, self->other_path);
	struct fiemap *before, *after;
	bool moved;
	int ret, err;

	before = get_map(other, FILE_SIZE, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, before);
	ret = atomic_write(self->other_path, 9);
	err = errno;
	after = get_map(other, FILE_SIZE, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, after);
	moved = !map_same(before, after, FILE_SIZE);
	TH_LOG("unsealed twin: %s, %s", ret == BLK ? "written" : strerror(err),
	       moved ? "block moved" : "block map unchanged");
	if (ret == BLK && moved) {
		struct iovec iov = { .iov_len = BLK };

		EXPECT_ERRNO(EOPNOTSUPP, atomic_write(self->path, 9));
		ASSERT_EQ(0, posix_memalign(&iov.iov_base, BLK, BLK));
		fill(iov.iov_base, BLK, 0, 9);
		ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_DIRECT));
		EXPECT_ERRNO(EINVAL, pwritev2(self->fd, &iov, 1, 0, RWF_ATOMIC));
		ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
		free(iov.iov_base);
	} else if (ret == BLK) {
		EXPECT_EQ(BLK, atomic_write(self->path, 9));
		fill(self->want.data, BLK, 0, 9);
	} else {
		EXPECT_ERRNO(err, atomic_write(self->path, 9));
	}
	free(before);
	free(after);
	close(other);
	check_file(_metadata, self->fd, &self->want, true);
}
#endif

TEST_F(sealed, fssetxattr_extsize)
{
	struct fsxattr fsx, now;

	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &fsx));
	now = fsx;
	now.fsx_xflags |= FS_XFLAG_EXTSIZE;
	now.fsx_extsize = fsx.fsx_extsize ? 2 * fsx.fsx_extsize : MIB;
	EXPECT_ERRNO(ETXTBSY, ioctl(self->fd, FS_IOC_FSSETXATTR, &now));
	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &now));
	EXPECT_EQ(fsx.fsx_xflags, now.fsx_xflags);
	EXPECT_EQ(fsx.fsx_extsize, now.fsx_extsize);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, fssetxattr_cowextsize)
{
	struct fsxattr fsx, now;

	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &fsx));
	now = fsx;
	now.fsx_xflags |= FS_XFLAG_COWEXTSIZE;
	now.fsx_cowextsize = fsx.fsx_cowextsize ? 2 * fsx.fsx_cowextsize : MIB;
	EXPECT_ERRNO(ETXTBSY, ioctl(self->fd, FS_IOC_FSSETXATTR, &now));
	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &now));
	EXPECT_EQ(fsx.fsx_xflags, now.fsx_xflags);
	EXPECT_EQ(fsx.fsx_cowextsize, now.fsx_cowextsize);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, fssetxattr_dax)
{
	struct fsxattr fsx;

	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &fsx));
	fsx.fsx_xflags ^= FS_XFLAG_DAX;
	EXPECT_ERRNO(ETXTBSY, ioctl(self->fd, FS_IOC_FSSETXATTR, &fsx));
	check_file(_metadata, self->fd, &self->want, true);
}

/* Writing back what FS_IOC_FSGETXATTR said, the seal flag included. */
TEST_F(sealed, fssetxattr_unchanged)
{
	struct fsxattr fsx;

	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &fsx));
	EXPECT_EQ(0, ioctl(self->fd, FS_IOC_FSSETXATTR, &fsx))
		TH_LOG("FS_IOC_FSSETXATTR: %s", strerror(errno));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, setflags_nodump)
{
	int flags;

	EXPECT_EQ(0, change_flags(self->fd, FS_NODUMP_FL, 0));
	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_GETFLAGS, &flags));
	EXPECT_TRUE(flags & FS_NODUMP_FL);
	EXPECT_EQ(0, change_flags(self->fd, 0, FS_NODUMP_FL));
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, unlink)
{
	EXPECT_EQ(0, unlink(self->path));
	self->path[0] = '\0';
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, rename)
{
	char path[PATH_MAX];
	int fd;

	ASSERT_GT(PATH_MAX, snprintf(path, sizeof(path), "%s.renamed",
				     self->path));
	EXPECT_EQ(0, rename(self->path, path));
	memcpy(self->path, path, sizeof(path));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(is_sealed(_metadata, fd));
	close(fd);
	check_file(_metadata, self->fd, &self->want, true);
}

TEST_F(sealed, unseal)
{
	EXPECT_EQ(0, unseal(self->fd));
	EXPECT_FALSE(is_sealed(_metadata, self->fd));
	check_file(_metadata, self->fd, &self->want, false);
}

TEST_F(sealed, unseal_again)
{
	EXPECT_EQ(0, unseal(self->fd));
	EXPECT_EQ(0, unseal(self->fd));
	check_file(_metadata, self->fd, &self->want, false);
}

/* What the seal refused works again once it is gone. */
TEST_F(sealed, unseal_allows_changes)
{
	int other = make_other(_metadata, self->other_path);
	unsigned char buf[BLK];

	ASSERT_EQ(0, unseal(self->fd));
	EXPECT_EQ(0, ftruncate(self->fd, 2 * FILE_SIZE));
	fill(buf, BLK, 2 * FILE_SIZE, 1);
	EXPECT_EQ(BLK, pwrite(self->fd, buf, BLK, 2 * FILE_SIZE));
	EXPECT_EQ(0, fallocate(self->fd, 0, 2 * FILE_SIZE + BLK, 16 * BLK));
	EXPECT_EQ(0, fallocate(self->fd, FALLOC_FL_PUNCH_HOLE |
			       FALLOC_FL_KEEP_SIZE, 0, 16 * BLK));
	EXPECT_EQ(have_reflink(_metadata) ? 0 : -EOPNOTSUPP,
		  ioctl(other, FICLONE, self->fd) ? -errno : 0);
	EXPECT_FALSE(is_sealed(_metadata, self->fd));
}

/* Unseal, grow the file and seal it again at its new size. */
TEST_F(sealed, reseal_after_growth)
{
	ASSERT_EQ(0, unseal(self->fd));
	ASSERT_EQ(0, ftruncate(self->fd, 2 * FILE_SIZE));
	/* The new half is a hole: refused until zeroes are written there. */
	EXPECT_ERRNO(EINVAL, seal(self->fd));
	EXPECT_FALSE(is_sealed(_metadata, self->fd));
	ASSERT_EQ(0, fallocate(self->fd, FALLOC_FL_WRITE_ZEROES, FILE_SIZE,
			       FILE_SIZE));
	EXPECT_EQ(0, seal(self->fd));
	EXPECT_TRUE(is_sealed(_metadata, self->fd));
	EXPECT_EQ(2 * FILE_SIZE, file_size(self->fd));
	check_map_final(_metadata, self->fd, 2 * FILE_SIZE);
	EXPECT_TRUE(has_pattern(self->fd, 0, FILE_SIZE, 1));
	EXPECT_TRUE(is_zero(self->fd, FILE_SIZE, FILE_SIZE));
	EXPECT_ERRNO(ETXTBSY, ftruncate(self->fd, FILE_SIZE));
}

/*
 * plain: an unsealed file of FILE_SIZE bytes of pattern 3 in SEAL_DIR,
 * mode 0666 for the unprivileged tests, to try bad arguments on.
 */
FIXTURE(plain)
{
	int fd;				/* read-write */
	char path[PATH_MAX];
	uint64_t hash;
};

FIXTURE_SETUP(plain)
{
	self->fd = create_file(_metadata, self->path,
			       env(_metadata, "SEAL_DIR"), "plain");
	ASSERT_EQ(0, fchmod(self->fd, 0666));
	ASSERT_EQ(0, write_pattern(self->fd, 0, FILE_SIZE, 3));
	ASSERT_EQ(0, fsync(self->fd));
	self->hash = file_hash(self->fd);
	ASSERT_TRUE(self->hash != 0);
}

FIXTURE_TEARDOWN(plain)
{
	int fd = open(self->path, O_RDONLY);

	if (fd >= 0) {
		change_flags(fd, 0, FS_APPEND_FL | FS_IMMUTABLE_FL);
		close(fd);
	}
	unseal(self->fd);
	close(self->fd);
	unlink(self->path);
}

/* The file @fd has its size and content (@hash) still, and no seal. */
static void check_plain(struct __test_metadata *_metadata, int fd,
			uint64_t hash)
{
	EXPECT_EQ(FILE_SIZE, file_size(fd));
	EXPECT_FALSE(is_sealed(_metadata, fd));
	EXPECT_EQ(hash, file_hash(fd));
}

TEST_F(plain, seal_and_unseal)
{
	EXPECT_EQ(0, seal(self->fd));
	EXPECT_TRUE(is_sealed(_metadata, self->fd));
	EXPECT_EQ(0, unseal(self->fd));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, unseal_unsealed)
{
	EXPECT_EQ(0, unseal(self->fd));
	check_plain(_metadata, self->fd, self->hash);
}

/* stx_attributes_mask has the bit on XFS, sealed or not. */
TEST_F(plain, statx_unsealed)
{
	struct statx stx;

	memset(&stx, 0, sizeof(stx));
	ASSERT_EQ(0, statx(AT_FDCWD, self->path, 0, STATX_BASIC_STATS, &stx));
	EXPECT_FALSE(!!(stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE));
	EXPECT_TRUE(!!(stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE));
	EXPECT_FALSE(!!(get_xflags(_metadata, self->fd) &
		     FS_XFLAG_IOMAP_IMMUTABLE));
}

/* The flag is read-only: a request to set it is ignored. */
TEST_F(plain, fssetxattr_set_seal_flag)
{
	struct fsxattr fsx;

	ASSERT_EQ(0, ioctl(self->fd, FS_IOC_FSGETXATTR, &fsx));
	fsx.fsx_xflags |= FS_XFLAG_IOMAP_IMMUTABLE;
	EXPECT_EQ(0, ioctl(self->fd, FS_IOC_FSSETXATTR, &fsx))
		TH_LOG("FS_IOC_FSSETXATTR: %s", strerror(errno));
	EXPECT_FALSE(!!(get_xflags(_metadata, self->fd) &
			FS_XFLAG_IOMAP_IMMUTABLE));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, mode_seal_unseal)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL | UNSEAL, 0, FILE_SIZE));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, mode_keep_size)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL | FALLOC_FL_KEEP_SIZE,
				       0, FILE_SIZE));
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, UNSEAL | FALLOC_FL_KEEP_SIZE,
				       0, FILE_SIZE));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, mode_punch_hole)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL | FALLOC_FL_PUNCH_HOLE |
				       FALLOC_FL_KEEP_SIZE, 0, FILE_SIZE));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, offset_not_zero)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, BLK, FILE_SIZE));
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, BLK, FILE_SIZE - BLK));
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, UNSEAL, BLK, FILE_SIZE));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, offset_negative)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, -1, FILE_SIZE));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, len_zero)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, 0, 0));
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, UNSEAL, 0, 0));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, len_negative)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, 0, -1));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, len_short)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, 0, FILE_SIZE - 1));
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, UNSEAL, 0, FILE_SIZE - 1));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, len_long)
{
	EXPECT_ERRNO(EINVAL, fallocate(self->fd, SEAL, 0, FILE_SIZE + 1));
	check_plain(_metadata, self->fd, self->hash);
}

/* EBADF comes before the length check. */
TEST_F(plain, read_only_fd)
{
	int fd = open(self->path, O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_ERRNO(EBADF, fallocate(fd, SEAL, 0, FILE_SIZE));
	EXPECT_ERRNO(EBADF, fallocate(fd, UNSEAL, 0, FILE_SIZE));
	EXPECT_ERRNO(EBADF, fallocate(fd, SEAL, 0, FILE_SIZE + 1));
	close(fd);
	check_plain(_metadata, self->fd, self->hash);
}

/* The mode check comes before EBADF. */
TEST_F(plain, read_only_fd_bad_mode)
{
	int fd = open(self->path, O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL | UNSEAL, 0, FILE_SIZE));
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL, BLK, FILE_SIZE));
	close(fd);
	check_plain(_metadata, self->fd, self->hash);
}

/* An append-only file can be open read-write: opened before chattr +a. */
TEST_F(plain, append_only)
{
	ASSERT_EQ(0, change_flags(self->fd, FS_APPEND_FL, 0));
	EXPECT_ERRNO(EPERM, seal(self->fd));
	EXPECT_ERRNO(EPERM, unseal(self->fd));
	EXPECT_EQ(0, change_flags(self->fd, 0, FS_APPEND_FL));
	check_plain(_metadata, self->fd, self->hash);
}

/* EBADF comes before EPERM for an append-only file. */
TEST_F(plain, append_only_read_only_fd)
{
	int fd;

	ASSERT_EQ(0, change_flags(self->fd, FS_APPEND_FL, 0));
	fd = open(self->path, O_RDONLY);
	EXPECT_LE(0, fd);
	EXPECT_ERRNO(EBADF, fallocate(fd, SEAL, 0, FILE_SIZE));
	close(fd);
	EXPECT_EQ(0, change_flags(self->fd, 0, FS_APPEND_FL));
	check_plain(_metadata, self->fd, self->hash);
}

/* An immutable file cannot be opened for writing: open, then chattr +i. */
TEST_F(plain, immutable)
{
	ASSERT_EQ(0, change_flags(self->fd, FS_IMMUTABLE_FL, 0));
	EXPECT_ERRNO(EPERM, seal(self->fd));
	EXPECT_ERRNO(EPERM, unseal(self->fd));
	EXPECT_EQ(0, change_flags(self->fd, 0, FS_IMMUTABLE_FL));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, unprivileged)
{
	EXPECT_EQ(EPERM, fallocate_as(AS_NOBODY, self->path, SEAL, FILE_SIZE));
	EXPECT_EQ(EPERM, fallocate_as(AS_NOBODY, self->path, UNSEAL,
				      FILE_SIZE));
	/* The capability is checked before the length. */
	EXPECT_EQ(EPERM, fallocate_as(AS_NOBODY, self->path, SEAL,
				      FILE_SIZE + 1));
	check_plain(_metadata, self->fd, self->hash);
}

TEST_F(plain, no_cap_linux_immutable)
{
	EXPECT_EQ(EPERM, fallocate_as(NO_CAP_LINUX_IMMUTABLE, self->path,
				      SEAL, FILE_SIZE));
	EXPECT_EQ(EPERM, fallocate_as(NO_CAP_LINUX_IMMUTABLE, self->path,
				      UNSEAL, FILE_SIZE));
	EXPECT_EQ(EPERM, fallocate_as(NO_CAP_LINUX_IMMUTABLE, self->path,
				      SEAL, FILE_SIZE - 1));
	check_plain(_metadata, self->fd, self->hash);
}

/* Up to two files that teardown unseals and removes. */
struct files {
	int fd[2];
	char path[2][PATH_MAX];
};

static void files_init(struct files *f)
{
	memset(f, 0, sizeof(*f));
	f->fd[0] = -1;
	f->fd[1] = -1;
}

/* Create file @i of @f in @dir. */
static int files_create(struct __test_metadata *_metadata, struct files *f,
			int i, const char *dir)
{
	f->fd[i] = create_file(_metadata, f->path[i], dir, i ? "b" : "a");
	return f->fd[i];
}

static void files_cleanup(struct files *f)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (f->fd[i] >= 0) {
			unseal(f->fd[i]);
			close(f->fd[i]);
		}
		if (f->path[i][0])
			unlink(f->path[i]);
	}
}

/* other: files that are not regular, or not on XFS. */
FIXTURE(other)
{
	struct files f;
};

FIXTURE_SETUP(other)
{
	files_init(&self->f);
}

FIXTURE_TEARDOWN(other)
{
	files_cleanup(&self->f);
}

/* An empty file cannot be sealed: len must be > 0 and the size. */
TEST_F(other, empty_file)
{
	int fd = files_create(_metadata, &self->f, 0,
			      env(_metadata, "SEAL_DIR"));

	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL, 0, 1));
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL, 0, 0));
	EXPECT_ERRNO(EINVAL, fallocate(fd, UNSEAL, 0, 1));
	EXPECT_FALSE(is_sealed(_metadata, fd));
	EXPECT_EQ(0, file_size(fd));
}

TEST_F(other, directory)
{
	int fd = open(env(_metadata, "SEAL_DIR"), O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, fd);
	EXPECT_ERRNO(EISDIR, fallocate(fd, SEAL, 0, BLK));
	EXPECT_ERRNO(EISDIR, fallocate(fd, UNSEAL, 0, BLK));
	/* The mode and the offset are checked before the file type. */
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL | UNSEAL, 0, BLK));
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL, BLK, BLK));
	close(fd);
}

TEST_F(other, fifo)
{
	const char *dir = env(_metadata, "SEAL_DIR");
	char *path = self->f.path[0];
	int fd;

	ASSERT_GT(PATH_MAX, snprintf(path, PATH_MAX, "%s/fifo.%d", dir,
				     getpid()));
	ASSERT_EQ(0, mkfifo(path, 0600));
	fd = open(path, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd);
	self->f.fd[0] = fd;
	EXPECT_ERRNO(ESPIPE, fallocate(fd, SEAL, 0, BLK));
	EXPECT_ERRNO(ESPIPE, fallocate(fd, UNSEAL, 0, BLK));
}

TEST_F(other, block_device)
{
	const char *dev = env(_metadata, "SEAL_BLKDEV");
	__u64 size = 0;
	int fd;

	fd = open(dev, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", dev, strerror(errno));
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &size));
	ASSERT_LT(0ULL, size);
	EXPECT_ERRNO(ENODEV, fallocate(fd, SEAL, 0, size));
	EXPECT_ERRNO(ENODEV, fallocate(fd, UNSEAL, 0, size));
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL | UNSEAL, 0, size));
	close(fd);
}

/*
 * A filesystem without support: EOPNOTSUPP, before the read-write check,
 * and no seal bit in stx_attributes_mask.
 */
static void check_unsupported(struct __test_metadata *_metadata,
			      struct files *f, const char *dir)
{
	struct statx stx;
	int fd, rdonly;

	fd = files_create(_metadata, f, 0, dir);
	ASSERT_EQ(0, write_pattern(fd, 0, 16 * BLK, 1));
	ASSERT_EQ(0, fsync(fd));
	EXPECT_ERRNO(EOPNOTSUPP, fallocate(fd, SEAL, 0, 16 * BLK));
	EXPECT_ERRNO(EOPNOTSUPP, fallocate(fd, UNSEAL, 0, 16 * BLK));
	rdonly = open(f->path[0], O_RDONLY);
	ASSERT_LE(0, rdonly);
	EXPECT_ERRNO(EOPNOTSUPP, fallocate(rdonly, SEAL, 0, 16 * BLK));
	close(rdonly);
	memset(&stx, 0, sizeof(stx));
	ASSERT_EQ(0, statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx));
	EXPECT_FALSE(!!(stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE));
	EXPECT_FALSE(!!(stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE));
	EXPECT_TRUE(has_pattern(fd, 0, 16 * BLK, 1));
}

TEST_F(other, ext4)
{
	check_unsupported(_metadata, &self->f,
			  env(_metadata, "SEAL_EXT4_DIR"));
}

TEST_F(other, tmpfs)
{
	check_unsupported(_metadata, &self->f,
			  env(_metadata, "SEAL_TMPFS_DIR"));
}

/* EROFS, even for a read-only file descriptor. */
TEST_F(other, read_only_mount)
{
	const char *dir = env(_metadata, "SEAL_RO_DIR");
	char path[PATH_MAX];
	off_t size;
	int fd;

	ASSERT_GT(PATH_MAX, snprintf(path, sizeof(path), "%s/file", dir));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	size = file_size(fd);
	ASSERT_LT(0, size);
	EXPECT_ERRNO(EROFS, fallocate(fd, SEAL, 0, size));
	EXPECT_ERRNO(EROFS, fallocate(fd, UNSEAL, 0, size));
	EXPECT_FALSE(is_sealed(_metadata, fd));
	close(fd);
}

/*
 * prep: the seal only checks the map.  Each test builds a file whose block
 * map is not final yet and checks, with prepare_and_seal(), that sealing
 * it fails with EINVAL and changes nothing, and that after the fallocate
 * modes of prepare_file() it seals with its data unchanged.
 */
FIXTURE(prep)
{
	struct files f;
};

FIXTURE_SETUP(prep)
{
	files_init(&self->f);
}

FIXTURE_TEARDOWN(prep)
{
	files_cleanup(&self->f);
}

/* Create file @i of @f in SEAL_DIR. */
static int prep_create(struct __test_metadata *_metadata, struct files *f,
		       int i)
{
	return files_create(_metadata, f, i, env(_metadata, "SEAL_DIR"));
}

/* Sealing @fd is refused and changes nothing; prepared, it seals. */
static void prepare_and_seal(struct __test_metadata *_metadata, int fd)
{
	off_t size = file_size(fd);
	uint64_t hash = file_hash(fd);

	ASSERT_LT(0, size);
	ASSERT_TRUE(hash != 0);
	EXPECT_ERRNO(EINVAL, seal(fd));
	EXPECT_FALSE(is_sealed(_metadata, fd));
	EXPECT_EQ(size, file_size(fd));
	EXPECT_EQ(hash, file_hash(fd));
	ASSERT_EQ(0, prepare_file(fd)) TH_LOG("prepare: %s", strerror(errno));
	EXPECT_EQ(size, file_size(fd));
	EXPECT_EQ(hash, file_hash(fd));
	seal_and_check(_metadata, fd);
}

/* A sparse file: the holes are allocated, and read as zeroes still. */
TEST_F_TIMEOUT(prep, sparse, PREP_TIMEOUT)
{
	static const off_t offs[] = { 0, MIB + BLK, 3 * MIB, 8 * MIB - BLK };
	int fd = prep_create(_metadata, &self->f, 0);
	unsigned int i;

	ASSERT_EQ(0, ftruncate(fd, 8 * MIB));
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		ASSERT_EQ(0, write_pattern(fd, offs[i], BLK, i + 1));
	ASSERT_EQ(0, fsync(fd));
	prepare_and_seal(_metadata, fd);
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		EXPECT_TRUE(has_pattern(fd, offs[i], BLK, i + 1));
}

/* Preallocated, unwritten extents: written zeroes make them final. */
TEST_F_TIMEOUT(prep, unwritten, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);
	struct fiemap *fm;

	ASSERT_EQ(0, fallocate(fd, 0, 0, 16 * MIB));
	fm = get_map(fd, 16 * MIB, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, fm);
	EXPECT_TRUE(map_has(fm, FIEMAP_EXTENT_UNWRITTEN));
	free(fm);
	prepare_and_seal(_metadata, fd);
	EXPECT_TRUE(is_zero(fd, 0, 16 * MIB));
}

/*
 * Buffered writes not yet written back (delalloc): writing data back is
 * the seal's own job, not a layout change, and it seals at once.
 */
TEST_F_TIMEOUT(prep, delalloc, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);

	ASSERT_EQ(0, write_pattern(fd, 0, MIB, 4));
	seal_and_check(_metadata, fd);
	EXPECT_TRUE(has_pattern(fd, 0, MIB, 4));
}

/* Dirty pages of a shared mapping over a hole are written back too. */
TEST_F_TIMEOUT(prep, mmap_dirty, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);
	unsigned char *p;

	ASSERT_EQ(0, ftruncate(fd, MIB));
	p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	fill(p, MIB, 0, 5);
	seal_and_check(_metadata, fd);
	EXPECT_EQ(0, munmap(p, MIB));
	EXPECT_TRUE(has_pattern(fd, 0, MIB, 5));
}

/* Part of a mapping dirty, the rest a hole: refused until prepared. */
TEST_F_TIMEOUT(prep, mmap_partial, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);
	unsigned char *p;

	ASSERT_EQ(0, ftruncate(fd, MIB));
	p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	fill(p + 64 * KIB, 128 * KIB, 64 * KIB, 5);
	prepare_and_seal(_metadata, fd);
	EXPECT_EQ(0, munmap(p, MIB));
	EXPECT_TRUE(has_pattern(fd, 64 * KIB, 128 * KIB, 5));
	EXPECT_TRUE(is_zero(fd, 0, 64 * KIB));
}

/* All at once: unwritten, written, delalloc and holes. */
TEST_F_TIMEOUT(prep, mixed, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);

	ASSERT_EQ(0, fallocate(fd, 0, 0, 4 * MIB));
	ASSERT_EQ(0, write_pattern(fd, MIB, MIB, 6));
	ASSERT_EQ(0, fsync(fd));
	ASSERT_EQ(0, ftruncate(fd, 12 * MIB));
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_KEEP_SIZE, 10 * MIB, MIB));
	ASSERT_EQ(0, write_pattern(fd, 8 * MIB, 64 * KIB, 7));
	prepare_and_seal(_metadata, fd);
	EXPECT_TRUE(has_pattern(fd, MIB, MIB, 6));
	EXPECT_TRUE(has_pattern(fd, 8 * MIB, 64 * KIB, 7));
}

/* A size that is not a multiple of the block size. */
TEST_F_TIMEOUT(prep, unaligned_size, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);

	ASSERT_EQ(0, ftruncate(fd, MIB + 100));
	ASSERT_EQ(0, write_pattern(fd, MIB - 100, 200, 8));
	prepare_and_seal(_metadata, fd);
	EXPECT_TRUE(has_pattern(fd, MIB - 100, 200, 8));
}

/*
 * A clone shares its blocks: refused until unshared; afterwards neither
 * file has a shared extent and both keep their data.  Without reflink,
 * FICLONE itself fails.
 */
TEST_F_TIMEOUT(prep, reflink_clone, PREP_TIMEOUT)
{
	int src = prep_create(_metadata, &self->f, 0);
	int clone = prep_create(_metadata, &self->f, 1);
	struct fiemap *fm;

	ASSERT_EQ(0, write_pattern(src, 0, 4 * MIB, 9));
	ASSERT_EQ(0, fsync(src));
	if (!have_reflink(_metadata)) {
		EXPECT_ERRNO(EOPNOTSUPP, ioctl(clone, FICLONE, src));
		return;
	}
	ASSERT_EQ(0, ioctl(clone, FICLONE, src));
	fm = get_map(clone, 4 * MIB, FIEMAP_FLAG_SYNC);
	ASSERT_NE(NULL, fm);
	EXPECT_TRUE(map_has(fm, FIEMAP_EXTENT_SHARED));
	free(fm);
	prepare_and_seal(_metadata, clone);
	EXPECT_TRUE(has_pattern(clone, 0, 4 * MIB, 9));
	EXPECT_TRUE(has_pattern(src, 0, 4 * MIB, 9));
	EXPECT_FALSE(is_sealed(_metadata, src));
	check_map_final(_metadata, src, 4 * MIB);
}

/* A file that shares a range of its blocks with another. */
TEST_F_TIMEOUT(prep, reflink_range, PREP_TIMEOUT)
{
	int src = prep_create(_metadata, &self->f, 0);
	int dst = prep_create(_metadata, &self->f, 1);
	struct file_clone_range range = {
		.src_fd = src,
		.src_offset = MIB,
		.src_length = MIB,
		.dest_offset = 2 * MIB,
	};

	ASSERT_EQ(0, write_pattern(src, 0, 4 * MIB, 10));
	ASSERT_EQ(0, write_pattern(dst, 0, 4 * MIB, 11));
	ASSERT_EQ(0, fsync(src));
	ASSERT_EQ(0, fsync(dst));
	if (!have_reflink(_metadata)) {
		EXPECT_ERRNO(EOPNOTSUPP, ioctl(dst, FICLONERANGE, &range));
		return;
	}
	ASSERT_EQ(0, ioctl(dst, FICLONERANGE, &range));
	prepare_and_seal(_metadata, src);
	EXPECT_TRUE(has_pattern(src, 0, 4 * MIB, 10));
	EXPECT_TRUE(has_pattern(dst, 0, 2 * MIB, 11));
	EXPECT_TRUE(same_data(dst, 2 * MIB, src, MIB, MIB));
	EXPECT_TRUE(has_pattern(dst, 3 * MIB, MIB, 11));
	check_map_final(_metadata, dst, 4 * MIB);
}

/*
 * A clone whose source is gone shares nothing, but keeps the reflink
 * flag, with which writes may go through the CoW fork.  The seal drops a
 * flag that protects nothing, as unsharing would, and seals.
 */
TEST_F_TIMEOUT(prep, reflink_flag, PREP_TIMEOUT)
{
	int src = prep_create(_metadata, &self->f, 0);
	int clone = prep_create(_metadata, &self->f, 1);
	struct fiemap *fm;
	bool shared = true;
	int i;

	ASSERT_EQ(0, write_pattern(src, 0, MIB, 14));
	ASSERT_EQ(0, fsync(src));
	if (!have_reflink(_metadata)) {
		EXPECT_ERRNO(EOPNOTSUPP, ioctl(clone, FICLONE, src));
		return;
	}
	ASSERT_EQ(0, ioctl(clone, FICLONE, src));
	ASSERT_EQ(0, close(src));
	ASSERT_EQ(0, unlink(self->f.path[0]));
	self->f.fd[0] = -1;
	self->f.path[0][0] = '\0';
	/* The source's blocks are freed in the background. */
	for (i = 0; shared && i < 100; i++) {
		ASSERT_EQ(0, syncfs(clone));
		fm = get_map(clone, MIB, FIEMAP_FLAG_SYNC);
		ASSERT_NE(NULL, fm);
		shared = map_has(fm, FIEMAP_EXTENT_SHARED);
		free(fm);
		if (shared)
			usleep(100 * 1000);
	}
	ASSERT_FALSE(shared);
	check_map_final(_metadata, clone, MIB);
	seal_and_check(_metadata, clone);
	EXPECT_TRUE(has_pattern(clone, 0, MIB, 14));
}

/*
 * A sparse file larger than the free space: the seal refuses it without
 * allocating anything, and preparing it fails with ENOSPC; either way it
 * stays unsealed, with its data.
 */
TEST_F_TIMEOUT(prep, enospc, PREP_TIMEOUT)
{
	int fd = files_create(_metadata, &self->f, 0,
			      env(_metadata, "SEAL_SMALL_DIR"));
	struct statvfs sv;
	uint64_t hash;
	off_t size;

	ASSERT_EQ(0, fstatvfs(fd, &sv));
	size = (off_t)sv.f_bavail * sv.f_frsize + 16 * MIB;
	size = (size + MIB - 1) & ~((off_t)MIB - 1);
	ASSERT_EQ(0, ftruncate(fd, size));
	ASSERT_EQ(0, write_pattern(fd, 0, 64 * KIB, 12));
	ASSERT_EQ(0, write_pattern(fd, size - 64 * KIB, 64 * KIB, 13));
	ASSERT_EQ(0, fsync(fd));
	hash = file_hash(fd);
	ASSERT_TRUE(hash != 0);
	ASSERT_EQ(0, fstatvfs(fd, &sv));
	EXPECT_ERRNO(EINVAL, fallocate(fd, SEAL, 0, size));
	EXPECT_ERRNO(ENOSPC, prepare_file(fd));
	EXPECT_FALSE(is_sealed(_metadata, fd));
	EXPECT_EQ(size, file_size(fd));
	EXPECT_EQ(hash, file_hash(fd));
	EXPECT_TRUE(has_pattern(fd, 0, 64 * KIB, 12));
	EXPECT_TRUE(has_pattern(fd, size - 64 * KIB, 64 * KIB, 13));
}

/*
 * FALLOC_FL_WRITE_ZEROES: the range reads as zeroes and is written, the
 * rest keeps its data, and an unaligned range keeps the bytes of its
 * edge blocks outside it.
 */
TEST_F_TIMEOUT(prep, write_zeroes, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);
	const off_t start = 3 * BLK + 100, end = 40 * BLK + 50;

	ASSERT_EQ(0, write_pattern(fd, 0, 64 * BLK, 15));
	ASSERT_EQ(0, fsync(fd));
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       8 * BLK, 8 * BLK));
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_ZERO_RANGE, 20 * BLK, 8 * BLK));
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_WRITE_ZEROES, start, end - start))
		TH_LOG("write zeroes: %s", strerror(errno));
	EXPECT_EQ(64 * BLK, file_size(fd));
	EXPECT_TRUE(has_pattern(fd, 0, start, 15));
	EXPECT_TRUE(is_zero(fd, start, end - start));
	EXPECT_TRUE(has_pattern(fd, end, 64 * BLK - end, 15));
	check_map_final(_metadata, fd, 64 * BLK);
	seal_and_check(_metadata, fd);
}

/*
 * FALLOC_FL_WRITE_ZEROES past EOF extends the file; with KEEP_SIZE it is
 * refused, as fallocate(2) says.
 */
TEST_F_TIMEOUT(prep, write_zeroes_extend, PREP_TIMEOUT)
{
	int fd = prep_create(_metadata, &self->f, 0);

	ASSERT_EQ(0, write_pattern(fd, 0, MIB, 16));
	EXPECT_ERRNO(EOPNOTSUPP, fallocate(fd, FALLOC_FL_WRITE_ZEROES |
					   FALLOC_FL_KEEP_SIZE, MIB, MIB));
	EXPECT_EQ(MIB, file_size(fd));
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_WRITE_ZEROES, MIB, MIB + 10));
	EXPECT_EQ(2 * MIB + 10, file_size(fd));
	EXPECT_TRUE(has_pattern(fd, 0, MIB, 16));
	EXPECT_TRUE(is_zero(fd, MIB, MIB + 10));
	seal_and_check(_metadata, fd);
}

TEST_HARNESS_MAIN
