/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __XFS_SEAL_H__
#define __XFS_SEAL_H__

struct iomap_blockmap;
struct xfs_bmbt_irec;
struct xfs_inode;

int xfs_file_seal(struct file *file, int mode, loff_t offset, loff_t len);
int xfs_blockmap_report(struct iomap_blockmap *bm, loff_t len);
int xfs_seal_check_write(struct xfs_inode *ip, unsigned int flags,
		const struct xfs_bmbt_irec *imap, xfs_fileoff_t offset_fsb);

#endif /* __XFS_SEAL_H__ */
