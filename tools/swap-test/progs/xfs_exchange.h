/* SPDX-License-Identifier: GPL-2.0 */
/* XFS_IOC_EXCHANGE_RANGE, from fs/xfs/libxfs/xfs_fs.h (not in uapi). */
#ifndef XFS_EXCHANGE_H
#define XFS_EXCHANGE_H

#include <sys/ioctl.h>
#include <linux/types.h>

struct xfs_exchange_range {
	__s32 file1_fd;
	__u32 pad;
	__u64 file1_offset;
	__u64 file2_offset;
	__u64 length;
	__u64 flags;
};

#define XFS_IOC_EXCHANGE_RANGE _IOW('X', 129, struct xfs_exchange_range)

#endif /* XFS_EXCHANGE_H */
