#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 900
# Races in threads (progs/seal_race.c, lib/race.sh): swapon/swapoff,
# seal/unseal and map-changing operations (truncate, allocate, punch,
# zero, collapse, insert, unshare, clone, dedupe, exchange-range, a
# write past EOF, copy_file_range, the preparation) on one swapfile,
# for RACE_SECONDS (20) on a reflink XFS with exchange-range, a
# non-reflink XFS and ext4, while stress-ng's verified VM workload
# swaps to it: every result is one the semantics allow, the map read
# twice in each activation and each seal never differs, stress-ng
# verifies every page, no oops/WARN/lockdep report (the run's log
# check), the file is a usable swapfile again once it is over, and the
# filesystem is consistent.  soak/races.sh runs the same for 10,000
# rounds a thread, with no time limit.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
. "$TOP/tools/swap-test/lib/race.sh"
export PATH="$PROGS:$PATH"
RACE="${RACE:--t ${RACE_SECONDS:-20}}"

check "a swap device below the raced files" race_backing /dev/vdd
mkfs.xfs -f -q -m reflink=1 /dev/vda
check "exchange-range on the reflink XFS" xfs_exchange_feature /dev/vda on
check "reflink XFS with exchange-range" \
	sh -c "mkdir -p /mnt/xr && mount /dev/vda /mnt/xr"
# -r: clone, dedupe, exchange and unshare must work here (an exchange
# refused with EOPNOTSUPP would say the feature did not take).
race xfs /mnt/xr -r $RACE
check "umount the reflink XFS" umount /mnt/xr
# xfs_repair 6.1 refuses a filesystem with the bit.
check "exchange-range off again" xfs_exchange_feature /dev/vda off
check "xfs_repair -n clean after the race" xfs_repair -n /dev/vda
check "non-reflink XFS" mkfs_mount xfs /dev/vdb /mnt/xn -m reflink=0
race xfs-noreflink /mnt/xn $RACE
check "umount the non-reflink XFS" umount /mnt/xn
check "xfs_repair -n clean after the race (non-reflink)" xfs_repair -n /dev/vdb
check "ext4" mkfs_mount ext4 /dev/vdc /mnt/e4
race ext4 /mnt/e4 $RACE
check "umount the ext4" umount /mnt/e4
check "e2fsck -fn clean after the race" e2fsck -fn /dev/vdc
check "swapoff of the swap device" swapoff /dev/vdd
tap_done
