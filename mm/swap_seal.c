// SPDX-License-Identifier: GPL-2.0
/*
 * Swap activation on block-map sealed files.
 *
 * A swapfile's blocks must not move while it is active: swap writes to the
 * physical blocks it found at swapon.  The block-map seal (S_IOMAP_IMMUTABLE,
 * see fs/blockmap_seal.c) is that promise, so swapon stands on it.  The
 * sysctl vm.swapfile_seal says what swapon does with a regular file that is
 * not sealed:
 *
 *   set      (default) seal it transiently once it is active: in memory
 *            only, nothing is written to disk, for the life of the
 *            activation; swapoff releases it.  An older kernel can still
 *            use the same file.
 *   require  refuse it with EINVAL, as swapon refuses any other file it
 *            cannot use, and say in the log how to seal it.
 *
 * SWAP_FLAG_SEALED asks for "require" for one swapon.  A file sealed with
 * FALLOC_FL_SEAL_BLOCK_MAP before swapon stays sealed after swapoff.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/sysctl.h>

#include "swap.h"

enum swap_seal_policy {
	SWAP_SEAL_SET,
	SWAP_SEAL_REQUIRE,
};

static const char * const swap_seal_policy_names[] = {
	[SWAP_SEAL_SET]		= "set",
	[SWAP_SEAL_REQUIRE]	= "require",
};

static int swap_seal_policy = SWAP_SEAL_SET;

static int swap_seal_policy_handler(const struct ctl_table *table, int write,
				    void *buffer, size_t *lenp, loff_t *ppos)
{
	char buf[16] = "";
	const struct ctl_table t = {
		.data	= buf,
		.maxlen	= sizeof(buf),
	};
	int policy, ret;

	if (!write)
		strscpy(buf, swap_seal_policy_names[READ_ONCE(swap_seal_policy)]);
	ret = proc_dostring(&t, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	policy = match_string(swap_seal_policy_names,
			      ARRAY_SIZE(swap_seal_policy_names), strim(buf));
	if (policy < 0)
		return -EINVAL;
	WRITE_ONCE(swap_seal_policy, policy);
	return 0;
}

static const struct ctl_table swap_seal_sysctl_table[] = {
	{
		.procname	= "swapfile_seal",
		.maxlen		= 16,
		.mode		= 0644,
		.proc_handler	= swap_seal_policy_handler,
	},
};

static int __init swap_seal_sysctl_init(void)
{
	register_sysctl_init("vm", swap_seal_sysctl_table);
	return 0;
}
subsys_initcall(swap_seal_sysctl_init);

static void swap_seal_refuse(struct file *file, const char *why)
{
	char *buf, *p = ERR_PTR(-ENOMEM);

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf)
		p = file_path(file, buf, PATH_MAX);
	pr_err("swapon: file %s is not sealed and %s: seal it first with fallocate(fd, FALLOC_FL_SEAL_BLOCK_MAP, 0, size)\n",
	       IS_ERR(p) ? "<unknown>" : p, why);
	kfree(buf);
}

/**
 * swap_seal_check - may swapon activate this file under the seal policy?
 * @file:	the file being activated; its inode is locked
 * @swap_flags:	the flags swapon(2) was called with
 *
 * Called by swapon before the extents are set up.  A sealed file, a block
 * device and, under the "set" policy, any other file may go on; a regular
 * file that is not sealed is refused under "require" or when the caller
 * asked for a sealed file with SWAP_FLAG_SEALED.
 *
 * Return: 0, or -EINVAL when a sealed file is required.
 */
int swap_seal_check(struct file *file, int swap_flags)
{
	struct inode *inode = file->f_mapping->host;

	if (!S_ISREG(inode->i_mode) || IS_IOMAP_IMMUTABLE(inode))
		return 0;
	if (swap_flags & SWAP_FLAG_SEALED) {
		swap_seal_refuse(file, "swapon was asked for a sealed file (SWAP_FLAG_SEALED)");
		return -EINVAL;
	}
	if (READ_ONCE(swap_seal_policy) == SWAP_SEAL_REQUIRE) {
		swap_seal_refuse(file, "vm.swapfile_seal is \"require\"");
		return -EINVAL;
	}
	return 0;
}

/**
 * swap_seal_acquire - seal an active swapfile's block map transiently
 * @si:		the swap area, activated and not yet enabled
 * @inode:	its inode, locked, with S_SWAPFILE set and its writes drained
 *
 * Sets the in-memory seal (SWP_SEAL_TRANSIENT) on a regular file that is
 * not sealed, so that statx and the checks report what S_SWAPFILE already
 * enforces.  Only a file whose blocks swap writes itself has a block map
 * to seal: a swapfile on NFS or SMB (no block device) is left alone.  It
 * comes after activation and after swapon's writeback, which may still
 * allocate or convert the file's blocks.
 */
void swap_seal_acquire(struct swap_info_struct *si, struct inode *inode)
{
	if (!S_ISREG(inode->i_mode) || IS_IOMAP_IMMUTABLE(inode) || !si->bdev)
		return;
	inode->i_flags |= S_IOMAP_IMMUTABLE;
	si->flags |= SWP_SEAL_TRANSIENT;
}

/**
 * swap_seal_release - drop the seal swapon took, if it took one
 * @si:		the swap area being deactivated
 * @inode:	its inode, locked
 *
 * Leaves SWP_SEAL_TRANSIENT in @si->flags: swapoff clears all of them
 * under swap_lock once the area is torn down.
 */
void swap_seal_release(struct swap_info_struct *si, struct inode *inode)
{
	if (si->flags & SWP_SEAL_TRANSIENT)
		inode->i_flags &= ~S_IOMAP_IMMUTABLE;
}
