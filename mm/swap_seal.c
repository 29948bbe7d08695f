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
 *   set      (default) seal it transiently: in memory only, nothing is
 *            written to disk, for the life of the activation; swapoff
 *            releases it.  An older kernel can still use the same file.
 *   require  refuse it with EPERM and say in the log how to seal it.
 *
 * A file sealed with FALLOC_FL_SEAL_BLOCK_MAP before swapon stays sealed
 * after swapoff.
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

static void swap_seal_refuse(struct file *file)
{
	char *buf, *p = ERR_PTR(-ENOMEM);

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf)
		p = file_path(file, buf, PATH_MAX);
	pr_err("swapon: file %s is not sealed and vm.swapfile_seal is \"require\": seal it first with fallocate(fd, FALLOC_FL_SEAL_BLOCK_MAP, 0, size)\n",
	       IS_ERR(p) ? "<unknown>" : p);
	kfree(buf);
}

/**
 * swap_seal_acquire - make sure a swapfile's block map is sealed
 * @si:		the swap area being activated
 * @file:	its file; the inode is locked
 *
 * Called by swapon before the extents are set up.  A file that is already
 * sealed is used as it is; otherwise vm.swapfile_seal decides between a
 * transient seal (SWP_SEAL_TRANSIENT) and a refusal.  Block devices have
 * no block map to seal.
 *
 * Return: 0, or -EPERM when the policy requires a sealed file.
 */
int swap_seal_acquire(struct swap_info_struct *si, struct file *file)
{
	struct inode *inode = file->f_mapping->host;

	if (!S_ISREG(inode->i_mode) || IS_IOMAP_IMMUTABLE(inode))
		return 0;
	if (READ_ONCE(swap_seal_policy) == SWAP_SEAL_REQUIRE) {
		swap_seal_refuse(file);
		return -EPERM;
	}
	inode->i_flags |= S_IOMAP_IMMUTABLE;
	si->flags |= SWP_SEAL_TRANSIENT;
	return 0;
}

/**
 * swap_seal_release - drop the seal swapon took, if it took one
 * @si:		the swap area being deactivated (or failing to activate)
 * @inode:	its inode, locked
 *
 * Leaves SWP_SEAL_TRANSIENT in @si->flags: both callers clear all of
 * them under swap_lock once the area is torn down.
 */
void swap_seal_release(struct swap_info_struct *si, struct inode *inode)
{
	if (si->flags & SWP_SEAL_TRANSIENT)
		inode->i_flags &= ~S_IOMAP_IMMUTABLE;
}
