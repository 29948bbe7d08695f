/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __XFS_SEAL_H__
#define __XFS_SEAL_H__

struct iomap_blockmap;
struct xfs_inode;

/* Why a write to a sealed file was refused (xfs_seal_refuse_write). */
enum xfs_seal_refusal {
	XFS_SEAL_REFUSE_HOLE,
	XFS_SEAL_REFUSE_DELALLOC,
	XFS_SEAL_REFUSE_UNWRITTEN,
	XFS_SEAL_REFUSE_SHARED,
};

int xfs_file_seal(struct file *file, int mode, loff_t offset, loff_t len);
int xfs_blockmap_report(struct iomap_blockmap *bm, loff_t len);
int xfs_seal_check_range(struct xfs_inode *ip, unsigned int flags,
		xfs_fileoff_t offset_fsb, xfs_fileoff_t end_fsb);

/* Refuse a write that would change the block map of a sealed file. */
static inline int
xfs_seal_check_write(
	struct xfs_inode	*ip,
	unsigned int		flags,
	xfs_fileoff_t		offset_fsb,
	xfs_fileoff_t		end_fsb)
{
	if (!IS_IOMAP_IMMUTABLE(VFS_I(ip)))
		return 0;
	return xfs_seal_check_range(ip, flags, offset_fsb, end_fsb);
}

#endif /* __XFS_SEAL_H__ */
