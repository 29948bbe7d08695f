// SPDX-License-Identifier: GPL-2.0
/*
 * Block-map sealed files on XFS: FALLOC_FL_SEAL_BLOCK_MAP and
 * FALLOC_FL_UNSEAL_BLOCK_MAP.
 *
 * Sealing makes no layout change of its own.  It writes back the caller's
 * dirty data (which allocates and converts under it, as any writeback
 * does), commits the map, checks with iomap_blockmap_walk() that every
 * block of [0, EOF) is written, committed and not shared, and sets
 * XFS_DIFLAG2_IOMAP_IMMUTABLE in a synchronous transaction, dropping a
 * reflink flag that protects nothing with what is left in its CoW fork:
 * when fallocate returns, the seal is on stable storage.  A map that is
 * not final yet is refused with EINVAL and the reason in the log; the
 * fallocate modes that make it final each do one thing: allocate (mode 0),
 * FALLOC_FL_UNSHARE_RANGE and FALLOC_FL_WRITE_ZEROES.
 *
 * Once sealed, the VFS refuses whatever would change the map (truncate,
 * fallocate, reflink, extent swaps) on the flag alone, and lets writes
 * inside EOF through on the promise that they find written, unshared
 * blocks.  A kernel that does not know the flag may have broken that
 * promise (punched, preallocated or reflinked the file): XFS itself then
 * refuses the write that would allocate, convert or copy-on-write, in
 * xfs_seal_check_write() and, behind it, in xfs_bmapi_write().
 */
#include "xfs_platform.h"
#include "xfs_fs.h"
#include "xfs_shared.h"
#include "xfs_format.h"
#include "xfs_log_format.h"
#include "xfs_trans_resv.h"
#include "xfs_mount.h"
#include "xfs_inode.h"
#include "xfs_trans.h"
#include "xfs_bmap.h"
#include "xfs_bmap_btree.h"
#include "xfs_error.h"
#include "xfs_iomap.h"
#include "xfs_reflink.h"
#include "xfs_quota.h"
#include "xfs_trace.h"
#include "xfs_seal.h"
#include <linux/blockmap_seal.h>

/* Set or clear the seal in a synchronous transaction. */
static int
xfs_seal_set(
	struct xfs_inode	*ip,
	bool			seal)
{
	struct xfs_mount	*mp = ip->i_mount;
	struct inode		*inode = VFS_I(ip);
	struct xfs_trans	*tp;
	u64			was_sealed;
	int			error;

	error = xfs_trans_alloc(mp, &M_RES(mp)->tr_write, 0, 0, 0, &tp);
	if (error)
		return error;
	xfs_ilock(ip, XFS_ILOCK_EXCL);
	xfs_trans_ijoin(tp, ip, 0);

	/*
	 * Writes to a reflink inode may go through the CoW fork and remap
	 * blocks.  A flag that protects nothing any more (the walk found no
	 * shared block) goes, with what is left in the CoW fork, as unshare
	 * would drop it; the data fork is not touched.  Under the IOLOCK and
	 * MMAPLOCK nothing can share a block again meanwhile.
	 */
	if (seal && xfs_is_reflink_inode(ip)) {
		error = xfs_reflink_clear_inode_flag(ip, &tp);
		if (error)
			goto out_cancel;
		error = -EINVAL;
		if (xfs_is_reflink_inode(ip)) {
			xfs_warn(mp,
"seal: inode 0x%llx may still share blocks: unshare it first (FALLOC_FL_UNSHARE_RANGE)",
				 I_INO(ip));
			goto out_cancel;
		}
	}

	was_sealed = xfs_is_sealed_inode(ip);
	if (seal)
		ip->i_diflags2 |= XFS_DIFLAG2_IOMAP_IMMUTABLE;
	else
		ip->i_diflags2 &= ~XFS_DIFLAG2_IOMAP_IMMUTABLE;
	xfs_trans_ichgtime(tp, ip, XFS_ICHGTIME_CHG);
	xfs_trans_log_inode(tp, ip, XFS_ILOG_CORE);
	xfs_trans_set_sync(tp);
	error = xfs_trans_commit(tp);
	if (!error) {
		if (seal) {
			inode->i_flags |= S_IOMAP_IMMUTABLE;
			trace_xfs_file_seal(ip);
		} else {
			inode->i_flags &= ~S_IOMAP_IMMUTABLE;
			trace_xfs_file_unseal(ip);
		}
	} else {
		/* Not on disk (the log is shut down): not in memory either. */
		ip->i_diflags2 &= ~XFS_DIFLAG2_IOMAP_IMMUTABLE;
		ip->i_diflags2 |= was_sealed;
	}
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return error;

out_cancel:
	xfs_trans_cancel(tp);
	xfs_iunlock(ip, XFS_ILOCK_EXCL);
	return error;
}

/**
 * xfs_seal_check_range - refuse a write that would change a sealed map
 * @ip:		the inode, sealed, ILOCK held
 * @flags:	the iomap operation (IOMAP_WRITE, IOMAP_FAULT, IOMAP_ZERO, ...)
 * @offset_fsb:	the first block written
 * @end_fsb:	the block after the last
 *
 * Writes to a sealed file inside EOF go to the blocks it has.  Where a
 * kernel that ignores the seal left a hole, a delayed allocation, an
 * unwritten or a shared extent, writing would allocate, convert or
 * copy-on-write.  A write is checked a mapping at a time, the one about
 * to be returned: it stops short at the first such block, having dirtied
 * or written only what it copied before it.  A write fault dirties the
 * whole folio as soon as its first mapping is accepted, so for
 * IOMAP_FAULT the whole range (one folio, up to EOF) is checked first.
 * Zeroing over holes and unwritten extents allocates nothing; over shared
 * blocks it would copy them.
 *
 * Return: 0, -EAGAIN for IOMAP_NOWAIT where the check would read the
 * refcount btree, -ETXTBSY (SIGBUS for a fault) before the write reserved
 * or allocated anything, or the error of a lookup.
 */
int
xfs_seal_check_range(
	struct xfs_inode	*ip,
	unsigned int		flags,
	xfs_fileoff_t		offset_fsb,
	xfs_fileoff_t		end_fsb)
{
	struct xfs_bmbt_irec	imap;
	enum xfs_seal_refusal	why;
	bool			shared;
	int			nimaps;
	int			error;

	end_fsb = min(end_fsb, XFS_B_TO_FSB(ip->i_mount, XFS_ISIZE(ip)));
	while (offset_fsb < end_fsb) {
		nimaps = 1;
		error = xfs_bmapi_read(ip, offset_fsb, end_fsb - offset_fsb,
				&imap, &nimaps, 0);
		if (error)
			return error;
		if (imap.br_startblock == HOLESTARTBLOCK) {
			why = XFS_SEAL_REFUSE_HOLE;
			if (!(flags & IOMAP_ZERO))
				goto out_refuse;
		} else if (imap.br_startblock == DELAYSTARTBLOCK) {
			why = XFS_SEAL_REFUSE_DELALLOC;
			if (!(flags & IOMAP_ZERO))
				goto out_refuse;
		} else if (imap.br_state == XFS_EXT_UNWRITTEN) {
			why = XFS_SEAL_REFUSE_UNWRITTEN;
			if (!(flags & IOMAP_ZERO))
				goto out_refuse;
		} else {
			if ((flags & IOMAP_NOWAIT) && xfs_is_reflink_inode(ip))
				return -EAGAIN;
			/* Trimmed to the shared part, or to the part before it. */
			error = xfs_bmap_trim_cow(ip, &imap, &shared);
			if (error)
				return error;
			if (shared) {
				why = XFS_SEAL_REFUSE_SHARED;
				goto out_refuse;
			}
		}
		if (!(flags & IOMAP_FAULT))
			break;
		offset_fsb = imap.br_startoff + imap.br_blockcount;
	}
	return 0;

out_refuse:
	trace_xfs_seal_refuse_write(ip, imap.br_startoff, why);
	return -ETXTBSY;
}

/* Mappings read under one ILOCK by xfs_blockmap_report(). */
#define XFS_BLOCKMAP_BATCH	256

struct xfs_blockmap_batch {
	struct xfs_bmbt_irec	imap[XFS_BLOCKMAP_BATCH];
	bool			shared[XFS_BLOCKMAP_BATCH];
};

/*
 * Read the mappings of [*@offp, @end), at most a batch of them, under one
 * ILOCK, as xfs_read_iomap_begin() reads one: holes included, trimmed
 * around shared blocks.  Advances *@offp past them; returns their number
 * or a negative errno.
 */
static int
xfs_blockmap_read_batch(
	struct xfs_inode	*ip,
	xfs_fileoff_t		*offp,
	xfs_fileoff_t		end,
	struct xfs_blockmap_batch *batch)
{
	struct xfs_bmbt_irec	*imap = batch->imap;
	int			nimaps = XFS_BLOCKMAP_BATCH;
	unsigned int		lockmode;
	xfs_filblks_t		len;
	int			error, i;

	if (xfs_is_shutdown(ip->i_mount))
		return -EIO;

	lockmode = xfs_ilock_data_map_shared(ip);
	error = xfs_bmapi_read(ip, *offp, end - *offp, imap, &nimaps, 0);
	for (i = 0; !error && i < nimaps; i++) {
		len = imap[i].br_blockcount;
		error = xfs_reflink_trim_around_shared(ip, &imap[i],
						       &batch->shared[i]);
		/* Trimmed: the mappings after it start elsewhere. */
		if (imap[i].br_blockcount != len)
			nimaps = i + 1;
	}
	xfs_iunlock(ip, lockmode);
	if (error)
		return error;
	if (WARN_ON_ONCE(nimaps < 1))
		return -EFSCORRUPTED;

	*offp = imap[nimaps - 1].br_startoff + imap[nimaps - 1].br_blockcount;
	return nimaps;
}

/**
 * xfs_blockmap_report - report an XFS file's block map to a block-map walk
 * @bm:		the walk (see iomap_blockmap_walk())
 * @len:	report [0, @len)
 *
 * Swap activation and the seal's final check read every mapping of a file
 * that may have tens of thousands of extents.  Reading them a batch at a
 * time under one ILOCK, instead of one xfs_read_iomap_begin() call (lock,
 * extent lookup, unlock) each, makes the walk about twice as cheap.  The
 * mappings are the ones xfs_read_iomap_begin() would give for IOMAP_REPORT.
 *
 * Return: 0 or a negative errno.
 */
int
xfs_blockmap_report(
	struct iomap_blockmap	*bm,
	loff_t			len)
{
	struct xfs_inode	*ip = XFS_I(file_inode(bm->file));
	xfs_fileoff_t		off = 0;
	xfs_fileoff_t		end = XFS_B_TO_FSB(ip->i_mount, len);
	struct xfs_blockmap_batch *batch;
	struct iomap		iomap;
	int			error = 0, n, i;

	batch = kvmalloc_obj(*batch, GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	while (!error && off < end) {
		n = xfs_blockmap_read_batch(ip, &off, end, batch);
		if (n < 0) {
			error = n;
			break;
		}
		for (i = 0; !error && i < n; i++) {
			u16 flags = batch->shared[i] ? IOMAP_F_SHARED : 0;

			error = xfs_bmbt_to_iomap(ip, &iomap, &batch->imap[i],
						  IOMAP_REPORT, flags, 0);
			if (!error)
				error = iomap_blockmap_add(bm, &iomap);
		}
		if (!error && fatal_signal_pending(current))
			error = -EINTR;
		cond_resched();
	}
	kvfree(batch);
	return error;
}

/* Check that the block map of [0, @isize) is final and seal it. */
static int
xfs_seal_file(
	struct file		*file,
	xfs_off_t		isize)
{
	struct xfs_inode	*ip = XFS_I(file_inode(file));
	struct iomap_blockmap	bm = {
		.file	= file,
		.who	= "seal",
		.bdev	= xfs_inode_buftarg(ip)->bt_bdev,
		.report	= xfs_blockmap_report,
	};
	int			error;

	/*
	 * Writing back data is not a layout change: do it for the caller.
	 * write_inode_now() also clears I_DIRTY_PAGES, without which
	 * xfs_reflink_clear_inode_flag() would keep a stale reflink flag.
	 */
	error = write_inode_now(VFS_I(ip), 1);
	if (error)
		return error;

	/* Dropping the CoW fork's leftovers gives blocks back to quota. */
	error = xfs_qm_dqattach(ip);
	if (error)
		return error;

	/* Commit the map, so that the walk sees no IOMAP_F_DIRTY. */
	error = xfs_log_force_inode(ip);
	if (error)
		return error;
	error = iomap_blockmap_walk(&bm, isize, &xfs_read_iomap_ops);
	if (error)
		return error;
	return xfs_seal_set(ip, true);
}

/**
 * xfs_file_seal - seal or unseal the block map of an XFS file
 * @file:	file, open for writing; the VFS checked the rest
 *		(vfs_fallocate_seal())
 * @mode:	FALLOC_FL_SEAL_BLOCK_MAP or FALLOC_FL_UNSEAL_BLOCK_MAP
 * @offset:	0
 * @len:	the file size, checked again here under the locks
 *
 * Takes the IOLOCK and MMAPLOCK, so that no write, fault or direct I/O
 * changes the map between the check and the seal.  Both directions are
 * idempotent.
 *
 * Return: 0 or a negative errno; on error the seal state is unchanged.
 */
int
xfs_file_seal(
	struct file		*file,
	int			mode,
	loff_t			offset,
	loff_t			len)
{
	struct inode		*inode = file_inode(file);
	struct xfs_inode	*ip = XFS_I(inode);
	uint			iolock = XFS_IOLOCK_EXCL | XFS_MMAPLOCK_EXCL;
	bool			sealed;
	int			error;

	/*
	 * di_flags2 needs v3 inodes; forced CoW would remap on overwrite;
	 * realtime files are not sealed (the seal would have to flush the
	 * realtime device and check rt extent alignment).
	 */
	error = -EOPNOTSUPP;
	if (!xfs_has_v3inodes(ip->i_mount) || xfs_is_always_cow_inode(ip) ||
	    XFS_IS_REALTIME_INODE(ip))
		goto out_trace;

	xfs_ilock(ip, iolock);
	error = xfs_break_layouts(inode, &iolock, BREAK_UNMAP);
	if (error)
		goto out_unlock;
	inode_dio_wait(inode);

	/*
	 * swapon may have activated the file, and chattr made it immutable
	 * or append-only, since the VFS looked; the IOLOCK is the i_rwsem
	 * both of them take.
	 */
	error = -ETXTBSY;
	if (IS_SWAPFILE(inode))
		goto out_unlock;
	error = -EPERM;
	if (IS_APPEND(inode) || IS_IMMUTABLE(inode))
		goto out_unlock;
	error = -EINVAL;
	if (offset != 0 || len != i_size_read(inode))
		goto out_unlock;

	/*
	 * Sealing a sealed file checks the map again: a map that a kernel
	 * ignoring the flag changed is refused like any other.
	 */
	sealed = xfs_is_sealed_inode(ip);
	if (mode == FALLOC_FL_UNSEAL_BLOCK_MAP)
		error = sealed ? xfs_seal_set(ip, false) : 0;
	else
		error = xfs_seal_file(file, len);
out_unlock:
	xfs_iunlock(ip, iolock);
out_trace:
	if (error)
		trace_xfs_file_seal_error(ip, error, _RET_IP_);
	return error;
}
