// SPDX-License-Identifier: GPL-2.0
/*
 * Block-map sealed files.
 *
 * FALLOC_FL_SEAL_BLOCK_MAP fixes the logical-to-physical block map of a
 * file (S_IOMAP_IMMUTABLE) until FALLOC_FL_UNSEAL_BLOCK_MAP releases it.
 * This file holds the VFS checks of the two calls; the filesystem does the
 * preparation and sets the flag, and the enforcement lives at the VFS
 * entry points that would change a block map (size changes, writes past
 * EOF, fallocate, remap) and in the filesystem where only it knows.
 */
#include <linux/blockmap_seal.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/fileattr.h>
#include <linux/fsnotify.h>
#include <linux/mount.h>
#include <linux/security.h>

/* The errno for a file that is not a regular one, as fallocate(2) has it. */
static int blockmap_seal_check_type(umode_t mode)
{
	if (S_ISFIFO(mode))
		return -ESPIPE;
	if (S_ISDIR(mode))
		return -EISDIR;
	if (!S_ISREG(mode))
		return -ENODEV;
	return 0;
}

/**
 * vfs_fallocate_seal - seal or unseal the block map of a file
 * @file:	file to seal, open for writing
 * @mode:	exactly FALLOC_FL_SEAL_BLOCK_MAP or FALLOC_FL_UNSEAL_BLOCK_MAP
 * @offset:	must be 0
 * @len:	must be the file size
 *
 * Checks, in this order: the mode and the offset (EINVAL), the file type
 * (ESPIPE, EISDIR, ENODEV), an active swapfile (ETXTBSY, whatever the
 * filesystem), filesystem support (EOPNOTSUPP), a read-only mount (EROFS),
 * a file not open for writing (EBADF), an append-only or immutable file
 * (EPERM), CAP_LINUX_IMMUTABLE (EPERM) and the length (EINVAL), then calls
 * ->fallocate, which rechecks under its locks.  Both calls are idempotent.
 *
 * Return: 0 on success or a negative errno.
 */
long vfs_fallocate_seal(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file_inode(file);
	long ret;

	if (mode != FALLOC_FL_SEAL_BLOCK_MAP &&
	    mode != FALLOC_FL_UNSEAL_BLOCK_MAP)
		return -EINVAL;
	if (offset != 0)
		return -EINVAL;

	ret = blockmap_seal_check_type(inode->i_mode);
	if (ret)
		return ret;
	if (IS_SWAPFILE(inode))
		return -ETXTBSY;
	if (!file->f_op->fallocate ||
	    !(file->f_op->fop_flags & FOP_BLOCKMAP_SEAL))
		return -EOPNOTSUPP;
	if (IS_RDONLY(inode) || __mnt_is_readonly(file->f_path.mnt))
		return -EROFS;
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (IS_APPEND(inode) || IS_IMMUTABLE(inode))
		return -EPERM;
	if (!capable(CAP_LINUX_IMMUTABLE))
		return -EPERM;
	if (len != i_size_read(inode))
		return -EINVAL;

	ret = security_file_permission(file, MAY_WRITE);
	if (ret)
		return ret;

	file_start_write(file);
	ret = file->f_op->fallocate(file, mode, offset, len);
	if (ret == 0)
		fsnotify_change(file->f_path.dentry, ATTR_CTIME);
	file_end_write(file);
	return ret;
}

/**
 * blockmap_seal_fileattr_check - refuse attribute changes a seal forbids
 * @inode:	inode whose attributes are being set
 * @old:	current attributes
 * @fa:		requested attributes
 *
 * FS_XFLAG_IOMAP_IMMUTABLE reports the seal; it is one of the read-only
 * flags (FS_XFLAG_RDONLY_MASK), which are dropped from a request before it
 * gets here, so that a tool writing back what it read keeps working.  On a
 * sealed file, attributes that choose where data is placed (realtime, DAX,
 * extent size hints) may not change: ETXTBSY, as for the other block map
 * changes.
 *
 * Return: 0 if the change is allowed, else a negative errno.
 */
int blockmap_seal_fileattr_check(struct inode *inode,
				 const struct file_kattr *old,
				 const struct file_kattr *fa)
{
	const u32 placement = FS_XFLAG_REALTIME | FS_XFLAG_DAX |
			      FS_XFLAG_EXTSIZE | FS_XFLAG_COWEXTSIZE;

	if (!IS_IOMAP_IMMUTABLE(inode))
		return 0;
	if ((old->fsx_xflags ^ fa->fsx_xflags) & placement)
		return -ETXTBSY;
	if (fa->fsx_valid && (old->fsx_extsize != fa->fsx_extsize ||
			      old->fsx_cowextsize != fa->fsx_cowextsize))
		return -ETXTBSY;
	return 0;
}
