/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __XFS_SEAL_H__
#define __XFS_SEAL_H__

struct iomap_blockmap;

int xfs_file_seal(struct file *file, int mode, loff_t offset, loff_t len);
int xfs_blockmap_report(struct iomap_blockmap *bm, loff_t len);

#endif /* __XFS_SEAL_H__ */
