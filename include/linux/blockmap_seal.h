/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block-map sealed files: the VFS side of FALLOC_FL_SEAL_BLOCK_MAP.
 * The calls and their errnos: fs/blockmap_seal.c and
 * include/uapi/linux/falloc.h.
 */
#ifndef _LINUX_BLOCKMAP_SEAL_H
#define _LINUX_BLOCKMAP_SEAL_H

#include <linux/types.h>
#include <linux/falloc.h>

struct file;
struct inode;
struct file_kattr;

#define FALLOC_FL_SEAL_MODES \
	(FALLOC_FL_SEAL_BLOCK_MAP | FALLOC_FL_UNSEAL_BLOCK_MAP)

long vfs_fallocate_seal(struct file *file, int mode, loff_t offset,
			loff_t len);
int blockmap_seal_fileattr_check(struct inode *inode,
				 const struct file_kattr *old,
				 const struct file_kattr *fa);

#endif /* _LINUX_BLOCKMAP_SEAL_H */
