// SPDX-License-Identifier: GPL-2.0
/*
 * sealfsx: a seeded, reproducible, model-checked stream of operations on a
 * few files, in the manner of fsx, for block-map sealed files and swapfiles.
 *
 *   sealfsx [-svVM] [-n OPS] [-S SEED] [-f NFILES] [-l MAXSIZE] [-o MAXOP]
 *           [-c EVERY] DIR
 *
 *   -n OPS      operations to run (default 10000)
 *   -S SEED     seed of the stream (default: from the clock); printed first
 *   -f NFILES   files, DIR/sealfsx.0 ... (default 3, 2 to 8)
 *   -l MAXSIZE  largest file size (default 256k; k and m suffixes)
 *   -o MAXOP    longest write, range or copy (default 64k)
 *   -c EVERY    check every file (contents, size, seal state) every EVERY
 *               operations (default 100), besides those an operation
 *               touched, which are checked after each operation
 *   -s          the kernel has the seal: issue the seal modes even where
 *               statx does not advertise them (ext4: EOPNOTSUPP expected);
 *               without it and without the statx bit the seal is not
 *               called (as sealctl does) and counts as EOPNOTSUPP, and no
 *               transient seal is expected of swapon
 *   -V          also check the model's block states against FIEMAP at every
 *               full check (XFS: hole, unwritten, written and shared;
 *               elsewhere hole or not)
 *   -M          no remount and no crash points (also when DIR is not a
 *               mount point)
 *   -v          print every operation
 *
 * The operations: buffered pwrite inside and past EOF, O_APPEND writes
 * (pwritev2 with RWF_APPEND), O_DIRECT writes (block aligned), stores
 * through a shared writable mapping, io_uring writes, ftruncate, every
 * fallocate mode (allocate, keep-size allocate, punch, zero range with
 * and without keep-size, collapse, insert, unshare, write zeroes),
 * FICLONERANGE, FIDEDUPERANGE (half of them after a pwrite
 * that makes the ranges equal), copy_file_range (block-aligned, which
 * reflinks on a reflink XFS, or not), XFS_IOC_EXCHANGE_RANGE, the
 * preparation of prepare.h (allocate, unshare, write zeroes; mostly
 * followed by a seal), seal, unseal, mkswap (a swap header written by
 * pwrite, after a truncate to a swap size if needed), swapon(2) and
 * swapoff(2), remount (umount and mount of DIR, from /proc/self/mountinfo)
 * and crash points (syncfs, FS_IOC_SHUTDOWN with a log flush, umount,
 * mount).  A few requests are made invalid on purpose (an unaligned clone
 * or exchange, a collapse reaching EOF, an insert at EOF, swapon of a file
 * without a swap header, swapon of an active swapfile, swapoff of a file
 * that is not swap) to check the order of the errnos.
 *
 * The model keeps, per file, its size, its contents, whether it is sealed
 * and whether it is active swap, and per block a state (hole, unwritten,
 * written) and an identity token: blocks that share storage share a token
 * (clone, dedupe and copy_file_range by reflink share tokens, a write over
 * a shared block gets a new one, collapse and insert shift them,
 * exchange-range swaps them, truncate drops them).  From it every result is
 * predicted, as Documentation/swap/design.rst's tables say: the errno (or
 * success and the byte count) of each call, whether a seal succeeds (the
 * map of [0, EOF) is final: written and unshared) and whether swapon does
 * (a canonical header, no hole, no shared block).  After each operation
 * the files it touched are read back whole (an active swapfile's swap
 * area, which swap may write, is taken from the file at swapoff), their
 * size and statx seal attribute (and FS_XFLAG_IOMAP_IMMUTABLE on XFS) are
 * checked, and the FIEMAP map of [0, EOF) of a sealed or active file must
 * be the one it had when it was sealed or activated, also across
 * remounts and crashes.  A seal must change no extent either.
 *
 * What the model does not know, it leaves open and reads from FIEMAP
 * (with FIEMAP_FLAG_SYNC) when a prediction needs it, and only then:
 * blocks past EOF (XFS preallocates speculatively, and frees it later;
 * they come inside EOF by a truncate, an extending write or fallocate),
 * the edge blocks of an ext4 zero range that were holes, and whether the
 * zeroing of a partial block that a reflink shares (the EOF block on a
 * size change, the edges of a punch or zero range) copied it on write.
 * Such a block read as shared where the model says it cannot be is a
 * mismatch.  A block overwritten in one file stays shared with the other
 * until the write reaches the disk (the CoW completes at writeback), which
 * the model does not follow: before a seal, a swapon, a store through a
 * mapping and any reading of FIEMAP it writes the filesystem back
 * (syncfs), so a seal refused for a partner's pending write is not
 * exercised.  The preparation is not issued where FALLOC_FL_WRITE_ZEROES
 * is not supported (it would stop half-way); a swapfile is allocated
 * there instead.  Where copy_file_range reflinks is derived, not probed: on a
 * filesystem where FICLONERANGE works, with block-aligned offsets and
 * length and neither file sealed.  Probed once at start-up, on scratch
 * files: FICLONERANGE, XFS_IOC_EXCHANGE_RANGE, FALLOC_FL_WRITE_ZEROES and
 * the statx seal bit.  Stores through a mapping are made only where the
 * whole map of the file is final (a fault may allocate a whole large
 * folio), and not to an active swapfile; swapon only of a file with the
 * canonical header for its size, or without any.
 *
 * At the end, active files are swapped off and sealed files unsealed
 * (predicted like any other operation), so that xfs_repair 6.1 finds a
 * clean filesystem.  On the first mismatch it prints the operation, what
 * was expected and what happened, the operations before it and the
 * command that replays the stream up to it, and exits 1.  Otherwise it
 * prints for each kind of operation how many were made and how each
 * ended, and "sealfsx: seed S ops N mismatches 0".  Exit 2: bad usage or
 * set-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>

#include "prepare.h"
#include "xfs_exchange.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_FILES	8
#define MAX_ERRNO	160
#define HISTORY		16
#define SWAP_MIN_PAGES	16
#define COPY_MAX	(32 * 1024)

enum { B_HOLE, B_UNWRITTEN, B_WRITTEN, B_MAYBE };

/* FIEMAP, block by block */
#define FB_MAPPED	1
#define FB_UNWRITTEN	2
#define FB_SHARED	4

struct blk {
	unsigned int tok;	/* storage identity, 0 for none */
	unsigned char st;	/* B_* */
	unsigned char unsure;	/* written, shared: its zeroing may have CoW'd it */
};

struct mfile {
	char path[PATH_MAX + 32];
	int fd, dfd;
	off_t size;
	unsigned char *data;
	struct blk *b;
	bool sealed, active;
	struct fiemap *snap;	/* the map while sealed or active */
};

enum {
	OP_WRITE, OP_WRITE_PAST, OP_APPEND, OP_DIO, OP_MMAP, OP_URING,
	OP_TRUNCATE,
	OP_ALLOC, OP_ALLOC_KEEP, OP_PUNCH, OP_ZERO, OP_ZERO_KEEP, OP_COLLAPSE,
	OP_INSERT, OP_UNSHARE, OP_WZERO, OP_CLONE, OP_DEDUPE, OP_COPY,
	OP_EXCHANGE, OP_PREPARE, OP_SEAL, OP_UNSEAL, OP_MKSWAP, OP_SWAPON,
	OP_SWAPOFF, OP_REMOUNT, OP_CRASH, NR_OPS
};

static const struct {
	const char *name;
	int weight;
} kinds[NR_OPS] = {
	[OP_WRITE] = { "write", 90 },
	[OP_WRITE_PAST] = { "write-past-eof", 50 },
	[OP_APPEND] = { "append-write", 20 },
	[OP_DIO] = { "odirect-write", 60 },
	[OP_MMAP] = { "mmap-write", 40 },
	[OP_URING] = { "uring-write", 50 },
	[OP_TRUNCATE] = { "truncate", 50 },
	[OP_ALLOC] = { "allocate", 30 },
	[OP_ALLOC_KEEP] = { "allocate-keep-size", 20 },
	[OP_PUNCH] = { "punch-hole", 40 },
	[OP_ZERO] = { "zero-range", 30 },
	[OP_ZERO_KEEP] = { "zero-range-keep-size", 20 },
	[OP_COLLAPSE] = { "collapse-range", 20 },
	[OP_INSERT] = { "insert-range", 20 },
	[OP_UNSHARE] = { "unshare-range", 20 },
	[OP_WZERO] = { "write-zeroes", 20 },
	[OP_CLONE] = { "clone", 40 },
	[OP_DEDUPE] = { "dedupe", 30 },
	[OP_COPY] = { "copy_file_range", 40 },
	[OP_EXCHANGE] = { "exchange-range", 30 },
	[OP_PREPARE] = { "prepare", 40 },
	[OP_SEAL] = { "seal", 40 },
	[OP_UNSEAL] = { "unseal", 40 },
	[OP_MKSWAP] = { "mkswap", 15 },
	[OP_SWAPON] = { "swapon", 20 },
	[OP_SWAPOFF] = { "swapoff", 20 },
	[OP_REMOUNT] = { "remount", 2 },
	[OP_CRASH] = { "crash", 2 },
};

struct op {
	int kind;
	int f, g;		/* the file changed; the other one, or -1 */
	off_t off, off2, len;	/* off2: the other file's offset */
	int variant;		/* 1: invalid on purpose; COPY: 1 aligned */
	bool ready;		/* parameters set (queued) */
	bool again;		/* MKSWAP, SWAPON: made possible once */
};

/* Options */
static long nops = 10000, every = 100;
static unsigned long long seed;
static int nfiles = 3;
static off_t maxsize = 256 * 1024, maxop = 64 * 1024;
static bool opt_seal, opt_verify, opt_nomount, verbose;
static char dir[PATH_MAX];

/* What the filesystem and kernel do, probed at start-up */
static off_t bs;
static bool fs_xfs, reflink, can_seal, kernel_seal, can_mount;
static int exch_err, wz_err;
static char mnt_src[PATH_MAX], mnt_type[64];

static struct mfile files[MAX_FILES];
static unsigned int nblk, tokens;
static unsigned long long rng;
static unsigned char *opbuf, *rdbuf;
static struct io_uring ring;
static long opnum, failed, map_checks, content_checks, remounts;
static long counts[NR_OPS][MAX_ERRNO], differs;
static char history[HISTORY][200];
static char desc[200];

static unsigned long long rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static off_t below(off_t n)
{
	return n > 0 ? (off_t)(rnd() % (unsigned long long)n) : 0;
}

static const char *ename(int err)
{
	const char *s;

	if (!err)
		return "success";
	s = strerrorname_np(err);
	return s ? s : "E?";
}

static void say_replay(void)
{
	fprintf(stderr, "sealfsx: replay with: sealfsx -S %llu -n %ld",
		seed, opnum);
	fprintf(stderr, " -f %d -l %lld -o %lld -c %ld%s%s%s %s\n", nfiles,
		(long long)maxsize, (long long)maxop, every,
		opt_seal ? " -s" : "", opt_verify ? " -V" : "",
		opt_nomount ? " -M" : "", dir);
}

static unsigned int nb(off_t size)
{
	return (size + bs - 1) / bs;
}

/* The model's files: size, state, and per block state and token. */
static void dump_model(void)
{
	static const char st[] = "huw?";
	unsigned int i;
	int f;

	for (f = 0; f < nfiles; f++) {
		fprintf(stderr, "  f%d size %lld%s%s:", f,
			(long long)files[f].size,
			files[f].sealed ? " sealed" : "",
			files[f].active ? " active" : "");
		for (i = 0; i < nb(files[f].size); i++)
			fprintf(stderr, " %c%u%s", st[files[f].b[i].st],
				files[f].b[i].tok,
				files[f].b[i].unsure ? "?" : "");
		fputc('\n', stderr);
	}
}

/* A mismatch: say what, with the operations before it; only the first. */
static void bad(const char *fmt, ...)
{
	va_list ap;
	int i;

	if (failed++)
		return;
	fprintf(stderr, "sealfsx: MISMATCH at op %ld (%s): ", opnum, desc);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, "sealfsx: the operations before it:\n");
	for (i = 1; i < HISTORY; i++)
		if (opnum - HISTORY + i > 0)
			fprintf(stderr, "  %ld %s\n", opnum - HISTORY + i,
				history[(opnum + i) % HISTORY]);
	fprintf(stderr, "sealfsx: the model (h hole, u unwritten, w written, ? unknown; token):\n");
	dump_model();
	say_replay();
}

static int refs(unsigned int tok)
{
	unsigned int i;
	int f, n = 0;

	if (!tok)
		return 0;
	for (f = 0; f < nfiles; f++)
		for (i = 0; i < nblk; i++)
			n += files[f].b[i].tok == tok;
	return n;
}

static bool is_shared(const struct blk *b)
{
	return b->st == B_WRITTEN && refs(b->tok) > 1;
}

static unsigned int newtok(void)
{
	return ++tokens;
}

static void set_blk(struct blk *b, int st, unsigned int tok)
{
	b->st = st;
	b->tok = tok;
	b->unsure = 0;
}

/* Blocks past EOF are left to the filesystem (speculative preallocation). */
static void normalize(struct mfile *m)
{
	unsigned int i;

	for (i = nb(m->size); i < nblk; i++)
		set_blk(&m->b[i], B_MAYBE, 0);
	memset(m->data + m->size, 0, maxsize + bs - m->size);
}

/*
 * Zeroing part of the block at @pos (a size change, the edges of a punch
 * or zero range) writes it: copy on write if a reflink shares it.
 */
static void zeroing(struct mfile *m, off_t pos)
{
	struct blk *b = &m->b[pos / bs];

	if (reflink && pos % bs && b->st == B_WRITTEN && refs(b->tok) > 1)
		b->unsure = 1;
}

static void grow(struct mfile *m, off_t size)
{
	if (size <= m->size)
		return;
	zeroing(m, m->size);
	m->size = size;
}

static bool fixed(const struct mfile *m)
{
	return m->sealed || m->active;
}

/* Every block of [0, EOF) written and unshared: what the seal asks. */
static bool final(const struct mfile *m)
{
	unsigned int i;

	for (i = 0; i < nb(m->size); i++)
		if (m->b[i].st != B_WRITTEN || m->b[i].unsure ||
		    refs(m->b[i].tok) > 1)
			return false;
	return true;
}

/* The FIEMAP map of [0, EOF), trimmed there as seal_race does. */
static struct fiemap *map_read(struct mfile *m)
{
	struct fiemap_extent *fe;
	struct fiemap *fm;
	unsigned int i;

	fm = calloc(1, sizeof(*fm) + (nblk + 1) * sizeof(fm->fm_extents[0]));
	if (!fm)
		return NULL;
	fm->fm_length = m->size;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = nblk + 1;
	if (m->size && ioctl(m->fd, FS_IOC_FIEMAP, fm)) {
		free(fm);
		return NULL;
	}
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		fe = &fm->fm_extents[i];
		if (fe->fe_logical + fe->fe_length > (__u64)m->size)
			fe->fe_length = m->size - fe->fe_logical;
		fe->fe_flags &= ~FIEMAP_EXTENT_LAST;
	}
	return fm;
}

static bool map_same(const struct fiemap *a, const struct fiemap *b)
{
	return a && b && a->fm_mapped_extents == b->fm_mapped_extents &&
	       !memcmp(a->fm_extents, b->fm_extents,
		       a->fm_mapped_extents * sizeof(a->fm_extents[0]));
}

static void map_print(const char *what, const struct fiemap *fm)
{
	const struct fiemap_extent *fe;
	unsigned int i;

	fprintf(stderr, "sealfsx: %s:\n", what);
	for (i = 0; fm && i < fm->fm_mapped_extents; i++) {
		fe = &fm->fm_extents[i];
		fprintf(stderr, "  %llu %llu %llu 0x%x\n",
			(unsigned long long)fe->fe_logical,
			(unsigned long long)fe->fe_physical,
			(unsigned long long)fe->fe_length, fe->fe_flags);
	}
}

/* The map of a sealed or active file: the one it had, or a mismatch. */
static void check_snap(struct mfile *m)
{
	struct fiemap *now;

	if (!fixed(m) || !m->snap)
		return;
	now = map_read(m);
	map_checks++;
	if (!map_same(m->snap, now)) {
		map_print("map when it became sealed or active", m->snap);
		map_print("map now", now);
		bad("the map of %s (%s) changed", m->path,
		    m->sealed ? "sealed" : "active");
	}
	free(now);
}

/* FIEMAP flags of each block of [0, EOF) into @fl; 0 or -1. */
static int map_blocks(struct mfile *m, unsigned char *fl)
{
	struct fiemap *fm = map_read(m);
	struct fiemap_extent *fe;
	unsigned int i, j, v;

	memset(fl, 0, nblk);
	if (!fm)
		return -1;
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		fe = &fm->fm_extents[i];
		v = FB_MAPPED;
		if (fe->fe_flags & FIEMAP_EXTENT_UNWRITTEN)
			v |= FB_UNWRITTEN;
		if (fe->fe_flags & FIEMAP_EXTENT_SHARED)
			v |= FB_SHARED;
		for (j = fe->fe_logical / bs;
		     j < nb(fe->fe_logical + fe->fe_length) && j < nblk; j++)
			fl[j] = v;
	}
	free(fm);
	return 0;
}

static const char *st_name(int st)
{
	static const char * const names[] = {
		"hole", "unwritten", "written", "unknown"
	};

	return names[st];
}

/*
 * A write over a shared block leaves it shared until it is written back:
 * write everything back before a prediction depends on what is shared.
 */
static void settle(struct mfile *m)
{
	if (reflink && syncfs(m->fd))
		bad("syncfs: %s", ename(errno));
}

/*
 * Settle what the model left open in [0, EOF) from FIEMAP; with -V (or
 * @verify) check the rest against it.
 */
static void resolve(struct mfile *m, bool verify)
{
	unsigned char fl[nblk];
	unsigned int i, n = nb(m->size);
	struct blk *b;
	bool hole, was_hole;
	int st;

	for (i = 0; i < n && !verify; i++)
		if (m->b[i].st == B_MAYBE || m->b[i].unsure)
			break;
	if (i == n && !verify)
		return;
	settle(m);
	if (map_blocks(m, fl)) {
		bad("FIEMAP of %s: %s", m->path, ename(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		b = &m->b[i];
		st = !(fl[i] & FB_MAPPED) ? B_HOLE :
		     fl[i] & FB_UNWRITTEN ? B_UNWRITTEN : B_WRITTEN;
		if (b->st == B_MAYBE) {
			if (fl[i] & FB_SHARED)
				bad("%s block %u is shared, the model has it unshared",
				    m->path, i);
			set_blk(b, st, st == B_HOLE ? 0 : newtok());
			continue;
		}
		if (b->unsure) {
			if (st != B_WRITTEN)
				bad("%s block %u is %s, the model has it written",
				    m->path, i, st_name(st));
			if (!(fl[i] & FB_SHARED))
				b->tok = newtok();
			b->unsure = 0;
			continue;
		}
		if (!verify)
			continue;
		hole = st == B_HOLE;
		was_hole = b->st == B_HOLE;
		if (!fs_xfs && hole != was_hole)
			bad("%s block %u is %s, the model has it %s", m->path,
			    i, st_name(st), st_name(b->st));
		if (fs_xfs && st != b->st)
			bad("%s block %u is %s, the model has it %s", m->path,
			    i, st_name(st), st_name(b->st));
		if (fs_xfs && !!(fl[i] & FB_SHARED) != is_shared(b))
			bad("%s block %u is %sshared, the model has it %sshared",
			    m->path, i, fl[i] & FB_SHARED ? "" : "not ",
			    is_shared(b) ? "" : "not ");
	}
}

/*
 * Settle every file: whether a block of one is shared may depend on a
 * partner's block that the model left open.
 */
static void resolve_all(void)
{
	int f;

	for (f = 0; f < nfiles; f++)
		resolve(&files[f], false);
}

static void swap_header(unsigned char *p, off_t size)
{
	unsigned int v[3] = { 1, size / bs - 1, 0 };

	memset(p, 0, bs);
	memcpy(p + 1024, v, sizeof(v));	/* version, last_page, nr_badpages */
	memcpy(p + bs - 10, "SWAPSPACE2", 10);
}

/* The header mkswap writes for the file's size, on a file that can swap. */
static bool swap_canonical(const struct mfile *m)
{
	unsigned char hdr[bs];

	if (m->size % bs || m->size < SWAP_MIN_PAGES * bs)
		return false;
	swap_header(hdr, m->size);
	return !memcmp(m->data, hdr, bs);
}

static bool swap_nomagic(const struct mfile *m)
{
	return m->size >= 2 * bs &&
	       memcmp(m->data + bs - 10, "SWAPSPACE2", 10) &&
	       memcmp(m->data + bs - 10, "SWAP-SPACE", 10);
}

/* Model effects */

static void m_write(struct mfile *m, off_t off, const unsigned char *buf,
		    off_t len)
{
	unsigned int i;

	grow(m, off + len);
	memcpy(m->data + off, buf, len);
	for (i = off / bs; i < nb(off + len); i++)
		if (m->b[i].st != B_WRITTEN || refs(m->b[i].tok) > 1)
			set_blk(&m->b[i], B_WRITTEN, newtok());
		else
			m->b[i].unsure = 0;
	normalize(m);
}

static void m_truncate(struct mfile *m, off_t size)
{
	zeroing(m, size < m->size ? size : m->size);
	m->size = size;
	normalize(m);
}

static void m_alloc(struct mfile *m, off_t off, off_t len, bool keep)
{
	unsigned int i;

	if (!keep)
		grow(m, off + len);
	for (i = off / bs; i < nb(off + len); i++)
		if (m->b[i].st == B_HOLE)
			set_blk(&m->b[i], B_UNWRITTEN, newtok());
	normalize(m);
}

/*
 * The edge block at @pos of a punch or zero range, zeroed from @zs on (if
 * that is inside EOF); @alloc: a zero range, which allocates over a hole.
 */
static void zero_edge(struct mfile *m, off_t pos, off_t zs, bool alloc)
{
	struct blk *b = &m->b[pos / bs];

	if (zs < m->size && b->st == B_WRITTEN && reflink && refs(b->tok) > 1)
		b->unsure = 1;
	if (alloc && b->st == B_HOLE) {
		if (fs_xfs)
			set_blk(b, B_UNWRITTEN, newtok());
		else
			set_blk(b, B_MAYBE, 0);
	}
}

/* The edge blocks of [@off, @end) that are zeroed in part. */
static void zero_edges(struct mfile *m, off_t off, off_t end, bool alloc)
{
	off_t last = (end - 1) / bs * bs;

	if (off % bs)
		zero_edge(m, off, off, alloc);
	if (end % bs && (last / bs != off / bs || !(off % bs)))
		zero_edge(m, last, last > off ? last : off, alloc);
}

static void m_punch(struct mfile *m, off_t off, off_t len)
{
	off_t end = off + len;
	unsigned int i;

	/* ext4 punches a range past EOF to the end of the EOF block. */
	if (!fs_xfs && end > m->size)
		end = (m->size / bs + 1) * bs;
	zero_edges(m, off, end, false);
	for (i = (off + bs - 1) / bs; i < end / bs; i++)
		set_blk(&m->b[i], B_HOLE, 0);
	if (off < m->size)
		memset(m->data + off, 0, (end < m->size ? end : m->size) - off);
	normalize(m);
}

static void m_zero(struct mfile *m, off_t off, off_t len, bool keep)
{
	off_t end = off + len;
	unsigned int i;

	zero_edges(m, off, end, true);
	for (i = (off + bs - 1) / bs; i < end / bs; i++)
		set_blk(&m->b[i], B_UNWRITTEN, newtok());
	if (!keep)
		grow(m, end);
	if (off < m->size)
		memset(m->data + off, 0, (end < m->size ? end : m->size) - off);
	normalize(m);
}

static void m_collapse(struct mfile *m, off_t off, off_t len)
{
	unsigned int i, k = len / bs;

	for (i = off / bs; i + k < nblk; i++)
		m->b[i] = m->b[i + k];
	memmove(m->data + off, m->data + off + len, m->size - off - len);
	m->size -= len;
	normalize(m);
	zeroing(m, m->size);
}

static void m_insert(struct mfile *m, off_t off, off_t len)
{
	unsigned int i, k = len / bs;

	zeroing(m, m->size);
	for (i = nblk - 1; i >= off / bs + k; i--)
		m->b[i] = m->b[i - k];
	for (i = off / bs; i < off / bs + k; i++)
		set_blk(&m->b[i], B_HOLE, 0);
	memmove(m->data + off + len, m->data + off, m->size - off);
	memset(m->data + off, 0, len);
	m->size += len;
	normalize(m);
}

static void m_unshare(struct mfile *m, off_t off, off_t len)
{
	unsigned int i;

	for (i = off / bs; i < nb(off + len); i++)
		if (m->b[i].st == B_HOLE)
			set_blk(&m->b[i], B_UNWRITTEN, newtok());
		else if (is_shared(&m->b[i]))
			set_blk(&m->b[i], B_WRITTEN, newtok());
	normalize(m);
}

static void m_wzero(struct mfile *m, off_t off, off_t len)
{
	unsigned int i;

	grow(m, off + len);
	for (i = off / bs; i < nb(off + len); i++)
		if (m->b[i].st == B_UNWRITTEN)
			m->b[i].st = B_WRITTEN;
		else
			set_blk(&m->b[i], B_WRITTEN, newtok());
	memset(m->data + off, 0, len);
	normalize(m);
}

/* Remap [@soff, +@len) of @s over [@doff, +@len) of @d (clone, dedupe). */
static void m_remap(struct mfile *s, off_t soff, struct mfile *d, off_t doff,
		    off_t len)
{
	struct blk *sb, *db;
	unsigned int i;

	if (doff + len > d->size)
		d->size = doff + len;
	for (i = 0; i < len / bs; i++) {
		sb = &s->b[soff / bs + i];
		db = &d->b[doff / bs + i];
		/* Unwritten over unwritten is left alone, else unmapped. */
		if (sb->st == B_WRITTEN)
			*db = *sb;
		else if (sb->st == B_UNWRITTEN && db->st == B_MAYBE)
			set_blk(db, B_MAYBE, 0);
		else if (sb->st != B_UNWRITTEN || db->st != B_UNWRITTEN)
			set_blk(db, B_HOLE, 0);
	}
	memcpy(d->data + doff, s->data + soff, len);
	normalize(d);
}

static void m_exchange(struct mfile *a, off_t aoff, struct mfile *b,
		       off_t boff, off_t len)
{
	unsigned char tmp[len];
	unsigned int i;
	struct blk t;

	for (i = 0; i < len / bs; i++) {
		t = a->b[aoff / bs + i];
		a->b[aoff / bs + i] = b->b[boff / bs + i];
		b->b[boff / bs + i] = t;
	}
	memcpy(tmp, a->data + aoff, len);
	memcpy(a->data + aoff, b->data + boff, len);
	memcpy(b->data + boff, tmp, len);
}

static void m_prepare(struct mfile *m)
{
	unsigned int i;

	for (i = 0; i < nb(m->size); i++)
		if (m->b[i].st == B_UNWRITTEN)
			m->b[i].st = B_WRITTEN;
		else if (m->b[i].st != B_WRITTEN || is_shared(&m->b[i]))
			set_blk(&m->b[i], B_WRITTEN, newtok());
}

/* Checks of the kernel's view */

static void check_file(struct mfile *m)
{
	struct fsxattr fsx = { 0 };
	struct statx stx;
	off_t to = m->size, i;
	ssize_t n;
	bool attr;

	if (failed)
		return;
	content_checks++;
	if (statx(m->fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx)) {
		bad("statx %s: %s", m->path, ename(errno));
		return;
	}
	if ((off_t)stx.stx_size != m->size) {
		bad("%s has size %llu, the model %lld", m->path,
		    (unsigned long long)stx.stx_size, (long long)m->size);
		return;
	}
	attr = stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE;
	if (attr != (m->sealed || (m->active && kernel_seal)))
		bad("%s: statx says %s, the model %s%s", m->path,
		    attr ? "sealed" : "not sealed",
		    m->sealed ? "sealed" : "not sealed",
		    m->active ? " (active)" : "");
	if (fs_xfs && can_seal && !ioctl(m->fd, FS_IOC_FSGETXATTR, &fsx) &&
	    !!(fsx.fsx_xflags & FS_XFLAG_IOMAP_IMMUTABLE) != m->sealed)
		bad("%s: FS_XFLAG_IOMAP_IMMUTABLE is %s, the model %s",
		    m->path, m->sealed ? "clear" : "set",
		    m->sealed ? "sealed" : "not sealed");
	n = pread(m->fd, rdbuf, m->size, 0);
	if (n != m->size) {
		bad("read %s: %zd of %lld bytes (%s)", m->path, n,
		    (long long)m->size, ename(n < 0 ? errno : 0));
		return;
	}
	/* The swap area of an active swapfile is swap's: its header only. */
	if (m->active && m->size > bs)
		to = bs;
	for (i = 0; i < to; i++)
		if (rdbuf[i] != m->data[i]) {
			bad("%s: byte %lld is 0x%02x, the model 0x%02x",
			    m->path, (long long)i, rdbuf[i], m->data[i]);
			return;
		}
	check_snap(m);
}

static void check_all(bool verify)
{
	int f;

	/* What is open first: a partner's may decide what is shared. */
	resolve_all();
	for (f = 0; f < nfiles && !failed; f++) {
		if (verify)
			resolve(&files[f], true);
		check_file(&files[f]);
	}
}

/* Operations */

static int do_write(int fd, const void *buf, off_t len, off_t off,
		    off_t *ret)
{
	ssize_t n = pwrite(fd, buf, len, off);

	*ret = n;
	return n < 0 ? -errno : 0;
}

/* An O_APPEND write: RWF_APPEND, at EOF whatever the offset. */
static int do_append(int fd, const void *buf, off_t len, off_t *ret)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	ssize_t n = pwritev2(fd, &iov, 1, 0, RWF_APPEND);

	*ret = n;
	return n < 0 ? -errno : 0;
}

static int do_uring(int fd, const void *buf, off_t len, off_t off,
		    off_t *ret)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int r;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_write(sqe, fd, buf, len, off);
	r = io_uring_submit(&ring);
	if (r < 0)
		return r;
	r = io_uring_wait_cqe(&ring, &cqe);
	if (r < 0)
		return r;
	r = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	*ret = r;
	return r < 0 ? r : 0;
}

static sigjmp_buf bus_jmp;

static void on_bus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

static int do_mmap(struct mfile *m, const void *buf, off_t len, off_t off)
{
	struct sigaction sa = { .sa_handler = on_bus }, old;
	size_t maplen = nb(m->size) * bs;
	int faulted;
	char *p;

	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	sigaction(SIGBUS, &sa, &old);
	faulted = sigsetjmp(bus_jmp, 1);
	if (!faulted)
		memcpy(p + off, buf, len);
	sigaction(SIGBUS, &old, NULL);
	munmap(p, maplen);
	return faulted ? -EFAULT : 0;
}

static int do_falloc(struct mfile *m, int mode, off_t off, off_t len)
{
	return fallocate(m->fd, mode, off, len) ? -errno : 0;
}

static int do_clone(struct mfile *s, off_t soff, struct mfile *d, off_t doff,
		    off_t len)
{
	struct file_clone_range fcr = {
		.src_fd = s->fd, .src_offset = soff,
		.src_length = len, .dest_offset = doff,
	};

	return ioctl(d->fd, FICLONERANGE, &fcr) ? -errno : 0;
}

/* 0 or an errno; *@status: FILE_DEDUPE_RANGE_SAME or _DIFFERS. */
static int do_dedupe(struct mfile *s, off_t soff, struct mfile *d,
		     off_t doff, off_t len, int *status)
{
	struct {
		struct file_dedupe_range r;
		struct file_dedupe_range_info i;
	} x = {
		.r = { .src_offset = soff, .src_length = len, .dest_count = 1 },
		.i = { .dest_fd = d->fd, .dest_offset = doff },
	};

	if (ioctl(s->fd, FIDEDUPERANGE, &x))
		return -errno;
	if (x.i.status < 0)
		return x.i.status;
	*status = x.i.status;
	if (x.i.status == FILE_DEDUPE_RANGE_SAME &&
	    x.i.bytes_deduped != (__u64)len)
		return -EIO;
	return 0;
}

static int do_copy(struct mfile *s, off_t soff, struct mfile *d, off_t doff,
		   off_t len, off_t *ret)
{
	loff_t in = soff, out = doff;
	ssize_t n = copy_file_range(s->fd, &in, d->fd, &out, len, 0);

	*ret = n;
	return n < 0 ? -errno : 0;
}

static int do_exchange(struct mfile *a, off_t aoff, struct mfile *b,
		       off_t boff, off_t len)
{
	struct xfs_exchange_range xr = {
		.file1_fd = b->fd, .file1_offset = boff,
		.file2_offset = aoff, .length = len,
	};

	return ioctl(a->fd, XFS_IOC_EXCHANGE_RANGE, &xr) ? -errno : 0;
}

static int do_seal(struct mfile *m, int mode)
{
	return fallocate(m->fd, mode, 0, m->size) ? -errno : 0;
}

static int open_files(void)
{
	int f;

	for (f = 0; f < nfiles; f++) {
		files[f].fd = open(files[f].path, O_RDWR | O_CREAT, 0600);
		files[f].dfd = open(files[f].path, O_RDWR | O_DIRECT);
		if (files[f].fd < 0 || files[f].dfd < 0)
			return -errno;
	}
	return 0;
}

static void close_files(void)
{
	int f;

	for (f = 0; f < nfiles; f++) {
		close(files[f].fd);
		close(files[f].dfd);
	}
}

/* umount and mount DIR again; @crash: shut the filesystem down first. */
static int do_remount(bool crash)
{
	__u32 flags = FS_SHUTDOWN_FLAGS_LOGFLUSH;
	int i, err = 0;

	if (syncfs(files[0].fd))
		return -errno;
	if (crash && ioctl(files[0].fd, FS_IOC_SHUTDOWN, &flags))
		return -errno;
	close_files();
	/* io_uring may drop its file references a little later. */
	for (i = 0; i < 100; i++) {
		err = umount2(dir, 0) ? -errno : 0;
		if (err != -EBUSY)
			break;
		usleep(20000);
	}
	if (err)
		return err;
	if (mount(mnt_src, dir, mnt_type, 0, NULL))
		return -errno;
	remounts++;
	return open_files();
}

/* The expected errno of @op, from the model (0: success). */
static int expect(struct op *op)
{
	struct mfile *f = &files[op->f];
	struct mfile *g = op->g >= 0 ? &files[op->g] : NULL;
	unsigned int i;

	switch (op->kind) {
	case OP_WRITE:
	case OP_WRITE_PAST:
	case OP_APPEND:
	case OP_DIO:
	case OP_URING:
	case OP_MKSWAP:
		if (f->active)
			return -ETXTBSY;
		if (f->sealed && op->off + op->len > f->size)
			return -ETXTBSY;
		return 0;
	case OP_MMAP:
	case OP_REMOUNT:
	case OP_CRASH:
		return 0;
	case OP_TRUNCATE:
		if (f->active || (f->sealed && op->len != f->size))
			return -ETXTBSY;
		return 0;
	case OP_PREPARE:
		if (!f->size)
			return 0;
		return fixed(f) ? -ETXTBSY : 0;
	case OP_ALLOC:
	case OP_ALLOC_KEEP:
	case OP_PUNCH:
	case OP_ZERO:
	case OP_ZERO_KEEP:
	case OP_COLLAPSE:
	case OP_INSERT:
	case OP_UNSHARE:
	case OP_WZERO:
		if (fixed(f))
			return -ETXTBSY;
		if (op->kind == OP_UNSHARE && !fs_xfs)
			return -EOPNOTSUPP;
		if (op->kind == OP_WZERO && wz_err)
			return wz_err;
		if (op->kind == OP_COLLAPSE && op->off + op->len >= f->size)
			return -EINVAL;
		if (op->kind == OP_INSERT && op->off >= f->size)
			return -EINVAL;
		return 0;
	case OP_CLONE:
	case OP_DEDUPE:
		if (!reflink)
			return -EOPNOTSUPP;
		if (f->active || g->active)
			return -ETXTBSY;
		if (op->variant)
			return -EINVAL;
		if (f->sealed || g->sealed)
			return -ETXTBSY;
		return 0;
	case OP_COPY:
		if (f->active || g->active)
			return -ETXTBSY;
		if (f->sealed && op->off + op->len > f->size)
			return -ETXTBSY;
		return 0;
	case OP_EXCHANGE:
		if (exch_err)
			return exch_err;
		if (fixed(f) || fixed(g))
			return -ETXTBSY;
		return op->variant ? -EINVAL : 0;
	case OP_SEAL:
	case OP_UNSEAL:
		if (!can_seal && !opt_seal)
			return -EOPNOTSUPP;
		if (!f->size)
			return -EINVAL;
		if (f->active)
			return -ETXTBSY;
		if (!can_seal)
			return -EOPNOTSUPP;
		if (op->kind == OP_SEAL && !final(f))
			return -EINVAL;
		return 0;
	case OP_SWAPON:
		if (f->active)
			return -EBUSY;
		if (!swap_canonical(f))
			return -EINVAL;
		for (i = 0; i < nb(f->size); i++)
			if (f->b[i].st == B_HOLE || is_shared(&f->b[i]))
				return -EINVAL;
		return 0;
	case OP_SWAPOFF:
		return f->active ? 0 : -EINVAL;
	}
	return 0;
}

/* The expected byte count of a successful data operation, or -1. */
static off_t expect_ret(const struct op *op)
{
	switch (op->kind) {
	case OP_WRITE:
	case OP_WRITE_PAST:
	case OP_APPEND:
	case OP_DIO:
	case OP_URING:
	case OP_MKSWAP:
	case OP_COPY:
		return op->len;
	}
	return -1;
}

/* Whether copy_file_range of @op reflinks (else it copies). */
static bool copy_reflinks(const struct op *op)
{
	return reflink && op->variant && !files[op->f].sealed &&
	       !files[op->g].sealed;
}

static int run(struct op *op, off_t *ret, int *status)
{
	struct mfile *f = &files[op->f];
	struct mfile *g = op->g >= 0 ? &files[op->g] : NULL;

	*ret = -1;
	switch (op->kind) {
	case OP_WRITE:
	case OP_WRITE_PAST:
	case OP_MKSWAP:
		return do_write(f->fd, opbuf, op->len, op->off, ret);
	case OP_APPEND:
		return do_append(f->fd, opbuf, op->len, ret);
	case OP_DIO:
		return do_write(f->dfd, opbuf, op->len, op->off, ret);
	case OP_URING:
		return do_uring(f->fd, opbuf, op->len, op->off, ret);
	case OP_MMAP:
		return do_mmap(f, opbuf, op->len, op->off);
	case OP_TRUNCATE:
		return ftruncate(f->fd, op->len) ? -errno : 0;
	case OP_ALLOC:
		return do_falloc(f, 0, op->off, op->len);
	case OP_ALLOC_KEEP:
		return do_falloc(f, FALLOC_FL_KEEP_SIZE, op->off, op->len);
	case OP_PUNCH:
		return do_falloc(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				 op->off, op->len);
	case OP_ZERO:
		return do_falloc(f, FALLOC_FL_ZERO_RANGE, op->off, op->len);
	case OP_ZERO_KEEP:
		return do_falloc(f, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
				 op->off, op->len);
	case OP_COLLAPSE:
		return do_falloc(f, FALLOC_FL_COLLAPSE_RANGE, op->off, op->len);
	case OP_INSERT:
		return do_falloc(f, FALLOC_FL_INSERT_RANGE, op->off, op->len);
	case OP_UNSHARE:
		return do_falloc(f, FALLOC_FL_UNSHARE_RANGE, op->off, op->len);
	case OP_WZERO:
		return do_falloc(f, FALLOC_FL_WRITE_ZEROES, op->off, op->len);
	case OP_CLONE:
		return do_clone(g, op->off2, f, op->off, op->len);
	case OP_DEDUPE:
		return do_dedupe(g, op->off2, f, op->off, op->len, status);
	case OP_COPY:
		return do_copy(g, op->off2, f, op->off, op->len, ret);
	case OP_EXCHANGE:
		return do_exchange(f, op->off, g, op->off2, op->len);
	case OP_PREPARE:
		return prepare_file(f->fd) ? -errno : 0;
	case OP_SEAL:
	case OP_UNSEAL:
		/* Never asked of a kernel that did not say it has the seal. */
		if (!can_seal && !opt_seal)
			return -EOPNOTSUPP;
		return do_seal(f, op->kind == OP_SEAL ?
			       FALLOC_FL_SEAL_BLOCK_MAP :
			       FALLOC_FL_UNSEAL_BLOCK_MAP);
	case OP_SWAPON:
		return swapon(f->path, 0) ? -errno : 0;
	case OP_SWAPOFF:
		return swapoff(f->path) ? -errno : 0;
	case OP_REMOUNT:
		return do_remount(false);
	case OP_CRASH:
		return do_remount(true);
	}
	return -EINVAL;
}

static void drop_snap(struct mfile *m)
{
	if (!fixed(m)) {
		free(m->snap);
		m->snap = NULL;
	}
}

/* Apply a successful @op to the model. */
static void apply(struct op *op, int status)
{
	struct mfile *f = &files[op->f];
	struct mfile *g = op->g >= 0 ? &files[op->g] : NULL;
	off_t n;

	switch (op->kind) {
	case OP_WRITE:
	case OP_WRITE_PAST:
	case OP_APPEND:
	case OP_DIO:
	case OP_URING:
	case OP_MMAP:
	case OP_MKSWAP:
		m_write(f, op->off, opbuf, op->len);
		break;
	case OP_TRUNCATE:
		m_truncate(f, op->len);
		break;
	case OP_ALLOC:
	case OP_ALLOC_KEEP:
		m_alloc(f, op->off, op->len, op->kind == OP_ALLOC_KEEP);
		break;
	case OP_PUNCH:
		m_punch(f, op->off, op->len);
		break;
	case OP_ZERO:
	case OP_ZERO_KEEP:
		m_zero(f, op->off, op->len, op->kind == OP_ZERO_KEEP);
		break;
	case OP_COLLAPSE:
		m_collapse(f, op->off, op->len);
		break;
	case OP_INSERT:
		m_insert(f, op->off, op->len);
		break;
	case OP_UNSHARE:
		m_unshare(f, op->off, op->len);
		break;
	case OP_WZERO:
		m_wzero(f, op->off, op->len);
		break;
	case OP_CLONE:
		m_remap(g, op->off2, f, op->off, op->len);
		break;
	case OP_DEDUPE:
		if (status == FILE_DEDUPE_RANGE_SAME)
			m_remap(g, op->off2, f, op->off, op->len);
		break;
	case OP_COPY:
		if (copy_reflinks(op))
			m_remap(g, op->off2, f, op->off, op->len);
		else
			m_write(f, op->off, g->data + op->off2, op->len);
		break;
	case OP_EXCHANGE:
		m_exchange(f, op->off, g, op->off2, op->len);
		break;
	case OP_PREPARE:
		m_prepare(f);
		break;
	case OP_SEAL:
		f->sealed = true;
		break;
	case OP_UNSEAL:
		f->sealed = false;
		drop_snap(f);
		break;
	case OP_SWAPON:
		f->active = true;
		break;
	case OP_SWAPOFF:
		f->active = false;
		/* What swap wrote to the swap area is the file's now. */
		n = pread(f->fd, f->data + bs, f->size - bs, bs);
		if (n != f->size - bs)
			bad("read %s after swapoff: %s", f->path,
			    ename(n < 0 ? errno : 0));
		drop_snap(f);
		break;
	}
}

/* Generation */

static struct op queue[8];
static int nqueue;

static void push(const struct op *op)
{
	if (nqueue < (int)ARRAY_SIZE(queue))
		queue[nqueue++] = *op;
}

static void fill(off_t len)
{
	off_t i;

	for (i = 0; i < len; i += 8) {
		unsigned long long r = rnd();

		memcpy(opbuf + i, &r, 8);
	}
}

/* A length in [1, @max], short more often than not. */
static off_t some_len(off_t max)
{
	if (max <= 0)
		return 0;
	if (rnd() % 2)
		max = max < 2 * bs ? max : 2 * bs;
	return 1 + below(max);
}

static int pick_kind(void)
{
	int total = 0, k, r;

	for (k = 0; k < NR_OPS; k++)
		total += kinds[k].weight;
	r = below(total);
	for (k = 0; k < NR_OPS; k++) {
		r -= kinds[k].weight;
		if (r < 0)
			break;
	}
	return k;
}

/* A file, a sealed or active one a third of the time if there is one. */
static int pick_file(void)
{
	int f, n = 0, fx[MAX_FILES];

	for (f = 0; f < nfiles; f++)
		if (fixed(&files[f]))
			fx[n++] = f;
	if (n && !below(3))
		return fx[below(n)];
	return below(nfiles);
}

static int pick_active(void)
{
	int f, n = 0, fx[MAX_FILES];

	for (f = 0; f < nfiles; f++)
		if (files[f].active)
			fx[n++] = f;
	return n ? fx[below(n)] : -1;
}

static bool gen_write(struct op *op, struct mfile *f, bool past)
{
	off_t lo;

	if (!past && f->size) {
		op->off = below(f->size);
		op->len = some_len(f->size - op->off < maxop ?
				   f->size - op->off : maxop);
	} else {
		if (f->size >= maxsize)
			return false;
		lo = f->size + 1 > maxop ? f->size + 1 - maxop : 0;
		op->off = lo + below(f->size + maxop - lo);
		if (op->off >= maxsize)
			op->off = lo + below(maxsize - lo);
		lo = f->size + 1 - op->off;
		if (lo < 1)
			lo = 1;
		op->len = lo + below(maxop - lo + 1);
		if (op->off + op->len > maxsize)
			op->len = maxsize - op->off;
		if (op->len < lo)
			return false;
	}
	fill(op->len);
	return true;
}

static bool gen_range(struct op *op, off_t limit)
{
	if (limit <= 0)
		return false;
	op->off = below(limit);
	op->len = some_len(limit - op->off < maxop ? limit - op->off : maxop);
	return op->len > 0;
}

/* Blocks: [@off, +@len) of whole blocks inside @n full blocks. */
static bool gen_blocks(off_t n, off_t *off, off_t *len, off_t room)
{
	off_t k, max = maxop / bs;

	if (n < 1 || room < bs)
		return false;
	if (max > n)
		max = n;
	if (max > room / bs)
		max = room / bs;
	k = 1 + below(max);
	*off = below(n - k + 1) * bs;
	*len = k * bs;
	return true;
}

/*
 * Dedupe and exchange: ranges of the same whole blocks in @f and @g,
 * after their maps are settled, each inside its own file.
 */
static bool gen_pair(struct op *op, struct mfile *f, struct mfile *g)
{
	off_t n, m;

	resolve(f, false);
	resolve(g, false);
	n = f->size / bs;
	m = g->size / bs;
	if (!gen_blocks(n < m ? n : m, &op->off, &op->len, maxsize))
		return false;
	op->off = below(n - op->len / bs + 1) * bs;
	op->off2 = below(m - op->len / bs + 1) * bs;
	return true;
}

static bool gen(struct op *op)
{
	struct mfile *f, *g;
	off_t n, m, room;
	int a;

	if (nqueue) {
		*op = queue[0];
		memmove(queue, queue + 1, --nqueue * sizeof(queue[0]));
		if (op->ready)
			return true;
	} else {
		memset(op, 0, sizeof(*op));
		op->kind = pick_kind();
		op->f = pick_file();
	}
	op->g = -1;
	op->variant = 0;
	f = &files[op->f];
	if (op->kind == OP_CLONE || op->kind == OP_DEDUPE ||
	    op->kind == OP_COPY || op->kind == OP_EXCHANGE) {
		op->g = (op->f + 1 + below(nfiles - 1)) % nfiles;
		g = &files[op->g];
	} else {
		g = NULL;
	}
	switch (op->kind) {
	case OP_WRITE:
	case OP_WRITE_PAST:
		if (gen_write(op, f, op->kind == OP_WRITE_PAST))
			return true;
		break;
	case OP_URING:
		if (gen_write(op, f, rnd() % 2))
			return true;
		break;
	case OP_APPEND:
		if (f->size >= maxsize)
			break;
		op->off = f->size;
		op->len = some_len(maxsize - f->size < maxop ?
				   maxsize - f->size : maxop);
		fill(op->len);
		return true;
	case OP_DIO:
		n = nb(f->size + maxop);
		if (n > maxsize / bs)
			n = maxsize / bs;
		if (!gen_blocks(n, &op->off, &op->len, maxsize))
			break;
		fill(op->len);
		return true;
	case OP_MMAP:
		if (!f->size || f->active)
			break;
		settle(f);
		resolve_all();
		if (!final(f))
			break;
		op->off = below(f->size);
		op->len = some_len(f->size - op->off < maxop ?
				   f->size - op->off : maxop);
		fill(op->len);
		return true;
	case OP_TRUNCATE:
		a = below(8);
		if (!a)
			op->len = f->size;
		else if (a < 4)
			op->len = below(maxsize + 1);
		else
			op->len = f->size - 2 * bs + below(4 * bs);
		if (op->len < 0)
			op->len = 0;
		if (op->len > maxsize)
			op->len = maxsize;
		return true;
	case OP_ALLOC:
	case OP_ALLOC_KEEP:
	case OP_PUNCH:
	case OP_ZERO:
	case OP_ZERO_KEEP:
		if (gen_range(op, maxsize))
			return true;
		break;
	case OP_UNSHARE:
		resolve(f, false);
		if (gen_range(op, f->size))
			return true;
		break;
	case OP_WZERO:
		if (gen_blocks(maxsize / bs, &op->off, &op->len, maxsize))
			return true;
		break;
	case OP_COLLAPSE:
		m = (f->size - 1) / bs;
		if (f->size < 1 || m < 1)
			break;
		if (!below(8)) {
			op->variant = 1;
			op->off = below(nb(f->size)) * bs;
			op->len = nb(f->size) * bs - op->off;
			return true;
		}
		n = below(m);
		op->off = n * bs;
		op->len = (1 + below(m - n)) * bs;
		if (op->len > maxop)
			op->len = maxop / bs * bs;
		return op->len > 0;
	case OP_INSERT:
		room = (maxsize - f->size) / bs * bs;
		if (!f->size || room < bs)
			break;
		op->len = (1 + below((room < maxop ? room : maxop) / bs)) * bs;
		op->off = below(nb(f->size)) * bs;
		if (!below(8)) {
			op->variant = 1;
			op->off = nb(f->size) * bs;
		}
		return true;
	case OP_CLONE:
	case OP_COPY:
		resolve(f, false);
		resolve(g, false);
		if (op->kind == OP_COPY && (!g->size || rnd() % 2)) {
			if (!g->size)
				break;
			/* Unaligned: copied, never reflinked. */
			op->off2 = below(g->size);
			op->len = some_len(g->size - op->off2 < COPY_MAX ?
					   g->size - op->off2 : COPY_MAX);
			op->off = below(f->size + bs);
			if (!(op->off % bs))
				op->off++;
			if (op->off + op->len > maxsize)
				break;
			return true;
		}
		room = maxsize - f->size / bs * bs;
		if (!gen_blocks(g->size / bs, &op->off2, &op->len, room))
			break;
		if (op->kind == OP_COPY && op->len > COPY_MAX)
			op->len = COPY_MAX;
		op->off = below(f->size / bs + 1) * bs;
		if (op->off + op->len > maxsize)
			op->off = f->size / bs * bs;
		if (op->kind == OP_COPY)
			op->variant = 1;
		if (op->kind == OP_CLONE && !below(8)) {
			op->variant = 1;
			op->off2++;
		}
		return true;
	case OP_DEDUPE:
		if (!gen_pair(op, f, g))
			break;
		if (rnd() % 2) {
			/* Make the ranges equal first: a pwrite into f. */
			op->ready = true;
			push(op);
			op->kind = OP_WRITE;
			op->g = -1;
			memcpy(opbuf, g->data + op->off2, op->len);
		}
		return true;
	case OP_EXCHANGE:
		if (!gen_pair(op, f, g))
			break;
		if (!below(8)) {
			op->variant = 1;
			op->off++;
		}
		return true;
	case OP_PREPARE:
		/* Without write zeroes it stops half-way: not modelled. */
		if (wz_err)
			break;
		resolve(f, false);
		if (rnd() % 2) {
			op->kind = OP_SEAL;
			push(op);
			op->kind = OP_PREPARE;
		}
		return true;
	case OP_SEAL:
	case OP_UNSEAL:
		settle(f);
		resolve_all();
		return true;
	case OP_MKSWAP:
		if (maxsize < SWAP_MIN_PAGES * bs)
			break;
		if (f->size % bs || f->size < SWAP_MIN_PAGES * bs) {
			if (fixed(f) || op->again)
				break;
			op->again = true;
			push(op);
			op->kind = OP_TRUNCATE;
			op->len = (SWAP_MIN_PAGES +
				   below(maxsize / bs - SWAP_MIN_PAGES + 1)) * bs;
			return true;
		}
		op->off = 0;
		op->len = bs;
		swap_header(opbuf, f->size);
		if (!op->ready && !fixed(f) && rnd() % 2) {
			/*
			 * Then make it usable (where the preparation cannot,
			 * allocate: swap takes unwritten extents) and swap on
			 * it.
			 */
			op->kind = OP_PREPARE;
			if (wz_err) {
				op->kind = OP_ALLOC;
				op->off = 0;
				op->len = f->size;
				op->ready = true;
			}
			push(op);
			op->ready = false;
			op->kind = OP_SWAPON;
			push(op);
			op->kind = OP_MKSWAP;
			op->len = bs;
		}
		return true;
	case OP_SWAPON:
		if (maxsize < SWAP_MIN_PAGES * bs)
			break;
		if (f->active && below(4))
			break;
		settle(f);
		resolve_all();
		if (f->active || swap_canonical(f))
			return true;
		if (swap_nomagic(f) && !below(4))
			return true;
		if (fixed(f) || op->again)
			break;
		op->again = true;
		op->kind = OP_MKSWAP;
		push(op);
		op->kind = OP_SWAPON;
		push(op);
		return false;
	case OP_SWAPOFF:
		a = pick_active();
		if (a >= 0 && below(8))
			op->f = a;
		else if (a < 0 && below(4))
			break;
		return true;
	case OP_REMOUNT:
	case OP_CRASH:
		if (!can_mount)
			break;
		a = pick_active();
		if (a < 0)
			return true;
		/* Not with an active swapfile: swap it off first. */
		push(op);
		op->kind = OP_SWAPOFF;
		op->f = a;
		return true;
	}
	/* Not possible here: a plain write instead. */
	op->kind = f->size && (f->size >= maxsize || rnd() % 2) ?
		   OP_WRITE : OP_WRITE_PAST;
	op->g = -1;
	op->ready = false;
	return gen_write(op, f, op->kind == OP_WRITE_PAST);
}

static void describe(const struct op *op)
{
	const char *name = kinds[op->kind].name;
	char *p = desc;
	size_t n = sizeof(desc);

	p += snprintf(p, n, "%s f%d", name, op->f);
	n = sizeof(desc) - (p - desc);
	switch (op->kind) {
	case OP_TRUNCATE:
		snprintf(p, n, " to %lld (from %lld)", (long long)op->len,
			 (long long)files[op->f].size);
		break;
	case OP_CLONE:
	case OP_COPY:
		snprintf(p, n, " at %lld from f%d at %lld len %lld%s",
			 (long long)op->off, op->g, (long long)op->off2,
			 (long long)op->len, op->variant ? " (aligned)" : "");
		break;
	case OP_DEDUPE:
	case OP_EXCHANGE:
		snprintf(p, n, " at %lld with f%d at %lld len %lld",
			 (long long)op->off, op->g, (long long)op->off2,
			 (long long)op->len);
		break;
	case OP_PREPARE:
	case OP_SEAL:
	case OP_UNSEAL:
	case OP_SWAPON:
	case OP_SWAPOFF:
	case OP_REMOUNT:
	case OP_CRASH:
		snprintf(p, n, " (size %lld)", (long long)files[op->f].size);
		break;
	default:
		snprintf(p, n, " at %lld len %lld (size %lld)",
			 (long long)op->off, (long long)op->len,
			 (long long)files[op->f].size);
	}
	if (op->variant && op->kind != OP_COPY)
		strncat(desc, " (invalid)", sizeof(desc) - strlen(desc) - 1);
	if (files[op->f].sealed)
		strncat(desc, " [sealed]", sizeof(desc) - strlen(desc) - 1);
	if (files[op->f].active)
		strncat(desc, " [active]", sizeof(desc) - strlen(desc) - 1);
}

static void one_op(struct op *op)
{
	struct mfile *f = &files[op->f];
	struct mfile *g = op->g >= 0 ? &files[op->g] : NULL;
	struct fiemap *before = NULL;
	int err, want, status = -1, want_status = -1;
	off_t ret, want_ret;
	int i;

	want = expect(op);
	want_ret = expect_ret(op);
	if (op->kind == OP_DEDUPE && !want)
		want_status = memcmp(f->data + op->off, g->data + op->off2,
				     op->len) ? FILE_DEDUPE_RANGE_DIFFERS :
					       FILE_DEDUPE_RANGE_SAME;
	if (op->kind == OP_SEAL && !want)
		before = map_read(f);
	err = run(op, &ret, &status);
	if (-err >= 0 && -err < MAX_ERRNO)
		counts[op->kind][-err]++;
	if (err != want) {
		bad("expected %s, got %s", ename(-want), ename(-err));
		goto out;
	}
	if (!err && want_ret >= 0 && ret != want_ret) {
		bad("expected %lld bytes, got %lld", (long long)want_ret,
		    (long long)ret);
		goto out;
	}
	if (want_status >= 0 && status != want_status) {
		bad("expected the ranges to be %s, the kernel says %s",
		    want_status ? "different" : "the same",
		    status ? "different" : "the same");
		goto out;
	}
	if (status == FILE_DEDUPE_RANGE_DIFFERS)
		differs++;
	if (!err)
		apply(op, status);
	if (op->kind == OP_SEAL && !err) {
		free(f->snap);
		f->snap = map_read(f);
		map_checks++;
		if (!map_same(before, f->snap)) {
			map_print("map before the seal", before);
			map_print("map after it", f->snap);
			bad("the seal changed the map of %s", f->path);
		}
	}
	if (op->kind == OP_SWAPON && !err && !f->snap)
		f->snap = map_read(f);
	if (op->kind == OP_REMOUNT || op->kind == OP_CRASH) {
		check_all(opt_verify);
	} else {
		check_file(f);
		if (g)
			check_file(g);
	}
	for (i = 0; i < nfiles; i++)
		if (fixed(&files[i]) && i != op->f && i != op->g &&
		    !(opnum % 16))
			check_snap(&files[i]);
out:
	free(before);
}

static int probe(void)
{
	char p1[PATH_MAX + 16], p2[PATH_MAX + 16];
	struct mfile a = { 0 }, b = { 0 };
	struct xfs_exchange_range xr = { 0 };
	struct file_clone_range fcr = { 0 };
	struct statx stx;
	int ret = 0;

	snprintf(p1, sizeof(p1), "%s/sealfsx.probe1", dir);
	snprintf(p2, sizeof(p2), "%s/sealfsx.probe2", dir);
	a.fd = open(p1, O_RDWR | O_CREAT | O_TRUNC, 0600);
	b.fd = open(p2, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (a.fd < 0 || b.fd < 0 || ftruncate(a.fd, 2 * bs) ||
	    ftruncate(b.fd, 2 * bs) || fsync(a.fd)) {
		ret = -1;
		goto out;
	}
	if (!statx(a.fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		can_seal = stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE;
	fcr.src_fd = b.fd;
	fcr.src_length = bs;
	reflink = !ioctl(a.fd, FICLONERANGE, &fcr);
	xr.file1_fd = b.fd;
	xr.length = bs;
	exch_err = ioctl(a.fd, XFS_IOC_EXCHANGE_RANGE, &xr) ? -errno : 0;
	wz_err = fallocate(a.fd, FALLOC_FL_WRITE_ZEROES, 0, bs) ? -errno : 0;
out:
	close(a.fd);
	close(b.fd);
	unlink(p1);
	unlink(p2);
	return ret;
}

/* DIR's filesystem from /proc/self/mountinfo, if DIR is a mount point. */
static void find_mount(void)
{
	char line[4096], mp[PATH_MAX], type[64], src[PATH_MAX];
	FILE *fp = fopen("/proc/self/mountinfo", "r");
	char *dash;

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    strcmp(mp, dir))
			continue;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash, " - %63s %4095s", type, src) != 2)
			continue;
		strcpy(mnt_type, type);
		strcpy(mnt_src, src);
		can_mount = !opt_nomount;
		fs_xfs = !strcmp(type, "xfs");
	}
	fclose(fp);
}

static off_t size_arg(const char *s)
{
	char *end;
	off_t v = strtoll(s, &end, 0);

	if (*end == 'k' || *end == 'K')
		v *= 1024;
	else if (*end == 'm' || *end == 'M')
		v *= 1024 * 1024;
	return v;
}

static void report(void)
{
	int k, e;

	for (k = 0; k < NR_OPS; k++) {
		long tries = 0;

		for (e = 0; e < MAX_ERRNO; e++)
			tries += counts[k][e];
		if (!tries)
			continue;
		printf("%-22s %7ld ok %ld", kinds[k].name, tries, counts[k][0]);
		for (e = 1; e < MAX_ERRNO; e++)
			if (counts[k][e])
				printf(" %s %ld", ename(e), counts[k][e]);
		if (k == OP_DEDUPE)
			printf(" (differs %ld)", differs);
		putchar('\n');
	}
	printf("map-checks %ld content-checks %ld remounts %ld\n", map_checks,
	       content_checks, remounts);
}

/* Swap off and unseal everything, as operations of the stream. */
static void cleanup(void)
{
	struct op op;
	int f;

	for (f = 0; f < nfiles && !failed; f++) {
		memset(&op, 0, sizeof(op));
		op.f = f;
		op.g = -1;
		if (files[f].active) {
			op.kind = OP_SWAPOFF;
			opnum++;
			describe(&op);
			one_op(&op);
		}
		if (files[f].sealed && !failed) {
			op.kind = OP_UNSEAL;
			opnum++;
			describe(&op);
			one_op(&op);
		}
	}
}

static int bad_usage(void)
{
	fputs("usage: sealfsx [-svVM] [-n OPS] [-S SEED] [-f NFILES]", stderr);
	fputs(" [-l MAXSIZE] [-o MAXOP] [-c EVERY] DIR\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct statfs sfs;
	struct op op;
	int opt, f, err;

	seed = time(NULL) ^ (getpid() << 16);
	while ((opt = getopt(argc, argv, "n:S:f:l:o:c:svVM")) != -1) {
		switch (opt) {
		case 'n':
			nops = atol(optarg);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			nfiles = atoi(optarg);
			break;
		case 'l':
			maxsize = size_arg(optarg);
			break;
		case 'o':
			maxop = size_arg(optarg);
			break;
		case 'c':
			every = atol(optarg);
			break;
		case 's':
			opt_seal = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'V':
			opt_verify = true;
			break;
		case 'M':
			opt_nomount = true;
			break;
		default:
			return bad_usage();
		}
	}
	if (argc - optind != 1 || nfiles < 2 || nfiles > MAX_FILES ||
	    nops < 0 || every < 1)
		return bad_usage();
	if (!realpath(argv[optind], dir)) {
		perror("sealfsx: realpath");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("sealfsx: seed %llu\n", seed);
	rng = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (!rng)
		rng = 1;
	if (chdir("/") || statfs(dir, &sfs)) {
		perror("sealfsx: statfs");
		return 2;
	}
	bs = sfs.f_bsize;
	if (bs != sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "sealfsx: block size %lld is not the page size\n",
			(long long)bs);
		return 2;
	}
	maxsize = maxsize / bs * bs;
	maxop = maxop / bs * bs;
	if (maxop < bs || maxsize < 2 * bs) {
		fprintf(stderr, "sealfsx: -l and -o must be 2 blocks and 1 block at least\n");
		return 2;
	}
	nblk = maxsize / bs + 2;
	find_mount();
	if (probe()) {
		perror("sealfsx: probe");
		return 2;
	}
	kernel_seal = can_seal || opt_seal;
	printf("sealfsx: %s, block %lld, reflink %d, exchange-range %s,",
	       mnt_type[0] ? mnt_type : "?", (long long)bs, reflink,
	       ename(-exch_err));
	printf(" write-zeroes %s, seal %s, remount %s\n", ename(-wz_err),
	       can_seal ? "yes" : "no", can_mount ? mnt_src : "no");
	rdbuf = malloc(maxsize + bs);
	if (posix_memalign((void **)&opbuf, bs, maxop + maxsize + bs) ||
	    !rdbuf || io_uring_queue_init(4, &ring, 0)) {
		fprintf(stderr, "sealfsx: set-up failed\n");
		return 2;
	}
	for (f = 0; f < nfiles; f++) {
		snprintf(files[f].path, sizeof(files[f].path), "%s/sealfsx.%d",
			 dir, f);
		files[f].data = calloc(1, maxsize + 2 * bs);
		files[f].b = calloc(nblk, sizeof(struct blk));
		if (!files[f].data || !files[f].b)
			return 2;
		unlink(files[f].path);
		normalize(&files[f]);
	}
	err = open_files();
	if (err) {
		fprintf(stderr, "sealfsx: open: %s\n", strerror(-err));
		return 2;
	}
	for (opnum = 1; opnum <= nops && !failed; opnum++) {
		if (!gen(&op)) {
			opnum--;
			continue;
		}
		if (failed)
			break;
		describe(&op);
		snprintf(history[opnum % HISTORY], sizeof(history[0]), "%s",
			 desc);
		if (verbose)
			printf("%ld %s\n", opnum, desc);
		one_op(&op);
		if (!failed && !(opnum % every))
			check_all(opt_verify);
	}
	if (!failed) {
		opnum--;
		cleanup();
		check_all(opt_verify);
	}
	/* Leave no swap behind a mismatch (a swapon the model refused). */
	for (f = 0; f < nfiles && failed; f++)
		swapoff(files[f].path);
	report();
	printf("sealfsx: seed %llu ops %ld mismatches %ld\n", seed, opnum,
	       failed);
	return failed ? 1 : 0;
}
