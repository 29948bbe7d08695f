#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 1200
# The seal's semantics (progs/seal_test.c, kselftest harness) on a reflink
# and on a non-reflink XFS, with ext4 and tmpfs answering EOPNOTSUPP, a
# read-only XFS, a block device and a small XFS for ENOSPC.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
set -u

check "reflink XFS on vda" mkfs_mount xfs /dev/vda /mnt/xr -m reflink=1
check "non-reflink XFS on vdb" mkfs_mount xfs /dev/vdb /mnt/xn -m reflink=0
check "small XFS on vdd" mkfs_mount xfs /dev/vdd /mnt/small
mkfs_mount xfs /dev/vdc /mnt/ro && echo data > /mnt/ro/file && umount /mnt/ro
check "read-only XFS on vdc" mount -o ro /dev/vdc /mnt/ro
truncate -s 64M /tmp/ext4.img /tmp/blk.img
check "ext4 on a loop device" mkfs_mount ext4 "$(losetup -f --show /tmp/ext4.img)" /mnt/ext4
blk=$(losetup -f --show /tmp/blk.img)
mkdir -p /tmp/tmpfs-dir

for fs in xr xn; do
	rm -rf "/mnt/$fs/t" "/mnt/small/t" && mkdir "/mnt/$fs/t" "/mnt/small/t"
	echo "# seal_test on /mnt/$fs"
	out=/tmp/seal_test.$fs rc=0
	SEAL_DIR=/mnt/$fs/t SEAL_REFLINK=$([ $fs = xr ] && echo 1 || echo 0) \
	SEAL_SMALL_DIR=/mnt/small/t SEAL_RO_DIR=/mnt/ro \
	SEAL_EXT4_DIR=/mnt/ext4 SEAL_TMPFS_DIR=/tmp/tmpfs-dir \
	SEAL_BLKDEV=$blk "$PROGS/seal_test" > "$out" 2>&1 || rc=$?
	sed "s/^\(\(not \)\{0,1\}ok [0-9]* \)/\1$fs: /" "$out"
	# A harness that crashed or stopped early must not pass quietly.
	check_eq "$fs: seal_test exits 0" 0 "$rc"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out")
	check_eq "$fs: seal_test ran all of its plan (${plan:-no plan})" \
		"${plan:-none}" "$(grep -cE '^ok [0-9]+ ' "$out")"
	check_eq "$fs: and skipped nothing" 0 "$(grep -cE '^ok .*# SKIP' "$out")"
done

for d in /mnt/xr /mnt/xn /mnt/small; do
	umount "$d"
done
check "xfs_repair -n clean on the reflink XFS afterwards" xfs_repair -n /dev/vda
check "xfs_repair -n clean on the non-reflink XFS afterwards" xfs_repair -n /dev/vdb
tap_done
