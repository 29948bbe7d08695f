// SPDX-License-Identifier: GPL-2.0
/*
 * Walk a file's block map as a stable map: the one validator shared by
 * swap activation and the block-map seal.
 *
 * Based on the swapfile extent walk by Darrick J. Wong (fs/iomap/swapfile.c).
 */
#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/sched.h>
#include <linux/slab.h>

static int iomap_blockmap_fail(struct iomap_blockmap *bm, const char *why,
			       const char *fix)
{
	char *buf, *p = ERR_PTR(-ENOMEM);

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf)
		p = file_path(bm->file, buf, PATH_MAX);
	pr_err("%s: file %s %s%s%s\n", bm->who, IS_ERR(p) ? "<unknown>" : p,
	       why, fix ? ": " : "", fix ? fix : "");
	kfree(buf);
	return -EINVAL;
}

/*
 * Why @iomap cannot be part of a stable block map, or NULL if it can; and
 * in *@fix, the fallocate mode that makes it acceptable, where there is one.
 */
static const char *iomap_blockmap_reject(struct iomap_blockmap *bm,
					 const struct iomap *iomap,
					 const char **fix)
{
	const char *fill = bm->flags & IOMAP_BLOCKMAP_UNWRITTEN ?
		"allocate it first (fallocate mode 0)" :
		"write zeroes over it first (FALLOC_FL_WRITE_ZEROES)";

	*fix = NULL;
	switch (iomap->type) {
	case IOMAP_MAPPED:
		break;
	case IOMAP_UNWRITTEN:
		if (!(bm->flags & IOMAP_BLOCKMAP_UNWRITTEN)) {
			*fix = fill;
			return "has unwritten extents";
		}
		break;
	case IOMAP_HOLE:
		*fix = fill;
		return "has holes";
	case IOMAP_DELALLOC:
		*fix = fill;
		return "has delayed allocations";
	case IOMAP_INLINE:
		return "is inline";
	default:
		return "has unallocated extents";
	}
	if ((iomap->flags & IOMAP_F_DIRTY) &&
	    !(bm->flags & IOMAP_BLOCKMAP_SEALED))
		return "is not committed";
	if (iomap->flags & IOMAP_F_SHARED) {
		*fix = "unshare it first (FALLOC_FL_UNSHARE_RANGE)";
		return "has shared extents";
	}
	if (iomap->bdev != bm->bdev)
		return "is outside the main device";
	return NULL;
}

/* Hand the accumulated extent, trimmed to whole pages, to ->extent. */
static int iomap_blockmap_emit(struct iomap_blockmap *bm)
{
	struct iomap *acc = &bm->acc;
	u64 first = ALIGN(acc->addr, PAGE_SIZE) >> PAGE_SHIFT;
	u64 next = ALIGN_DOWN(acc->addr + acc->length, PAGE_SIZE) >> PAGE_SHIFT;

	acc->length = 0;
	if (!bm->extent || first >= next)
		return 0;
	return bm->extent(bm, acc->offset, first, next - first);
}

/**
 * iomap_blockmap_add - add the next mapping to a block-map walk
 * @bm:		the walk
 * @iomap:	the mapping that follows the previous one in the file
 *
 * Checks @iomap as iomap_blockmap_walk() describes and merges it with the
 * extent being accumulated when it continues it on disk; otherwise the
 * accumulated extent goes to @bm->extent and @iomap starts a new one.
 * iomap_blockmap_walk() calls it for each mapping, and so does a
 * filesystem's @bm->report.
 *
 * Return: 0, -EINVAL for a mapping that is refused, or the error of
 * @bm->extent.
 */
int iomap_blockmap_add(struct iomap_blockmap *bm, const struct iomap *iomap)
{
	const char *fix, *why = iomap_blockmap_reject(bm, iomap, &fix);
	int error;

	if (why)
		return iomap_blockmap_fail(bm, why, fix);

	if (bm->acc.length &&
	    bm->acc.addr + bm->acc.length == iomap->addr) {
		bm->acc.length += iomap->length;
		return 0;
	}
	error = iomap_blockmap_emit(bm);
	if (error)
		return error;
	bm->acc = *iomap;
	return 0;
}
EXPORT_SYMBOL_GPL(iomap_blockmap_add);

/* One iomap_iter() round trip per mapping of [0, @len). */
static int iomap_blockmap_iterate(struct iomap_blockmap *bm, loff_t len,
				  const struct iomap_ops *ops)
{
	struct iomap_iter iter = {
		.inode	= file_inode(bm->file),
		.pos	= 0,
		.len	= len,
		.flags	= IOMAP_REPORT,
	};
	int ret;

	while ((ret = iomap_iter(&iter, ops)) > 0) {
		ret = iomap_blockmap_add(bm, &iter.iomap);
		iter.status = ret ? ret : iomap_iter_advance_full(&iter);
		cond_resched();
	}
	return ret;
}

/**
 * iomap_blockmap_walk - validate a file's block map and report its extents
 * @bm:		walk parameters; see struct iomap_blockmap
 * @len:	walk [0, @len) of the file
 * @ops:	the filesystem's iomap ops, used with IOMAP_REPORT
 *
 * Every mapping in the range must be written (or unwritten, where
 * IOMAP_BLOCKMAP_UNWRITTEN allows), committed (which a sealed map,
 * IOMAP_BLOCKMAP_SEALED, is by definition), unshared and on @bm->bdev.
 * Holes, delayed allocations, inline data, shared extents, uncommitted
 * mappings and extents on another device are refused, each with its own
 * reason in the kernel log and, where there is one, the fallocate mode
 * that fixes it.  Physically contiguous mappings are merged and
 * passed to @bm->extent.  The mappings come from iomap_iter() with @ops,
 * or from @bm->report where the filesystem has one.  The caller must keep
 * the map from changing during the walk, and commit it first if it wants
 * no IOMAP_F_DIRTY.
 *
 * Return: 0, -EINVAL for a map that is refused, or another negative errno.
 */
int iomap_blockmap_walk(struct iomap_blockmap *bm, loff_t len,
			const struct iomap_ops *ops)
{
	int ret;

	bm->acc.length = 0;
	if (!len)
		return 0;
	if (bm->report)
		ret = bm->report(bm, len);
	else
		ret = iomap_blockmap_iterate(bm, len, ops);
	if (ret < 0)
		return ret;
	return iomap_blockmap_emit(bm);
}
EXPORT_SYMBOL_GPL(iomap_blockmap_walk);
