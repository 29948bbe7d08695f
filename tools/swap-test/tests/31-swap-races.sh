#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 900
# Races: truncate, punch, refill, reflink, unshare, seal and unseal in a
# loop against swapon/swapoff in a loop, on a reflink XFS, a non-reflink
# XFS and ext4: the block map of the file never changes while it is active
# swap (FIEMAP read twice in each activation), no oops/WARN/lockdep report
# (the run's log check), the file is a usable swapfile again once the
# loops stop, and the filesystem is consistent.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
SECS=${RACE_SECONDS:-20}

race() {
	kind=$1 dir=$2
	f=$dir/swap
	fallocate -l 64M "$f" && chmod 600 "$f" && mkswap -q "$f" > /dev/null
	end=$(( $(date +%s) + SECS ))
	(
		n=0 moved=0
		while [ "$(date +%s)" -lt $end ]; do
			swapon "$f" 2>/dev/null || continue
			n=$((n + 1))
			m1=$(sealctl fiemap "$f")
			sleep 0.2
			[ "$m1" = "$(sealctl fiemap "$f")" ] || moved=$((moved + 1))
			swapoff "$f"
		done
		echo "$n" > "$dir/swapons"
		echo "$moved" > "$dir/moved"
	) &
	(
		while [ "$(date +%s)" -lt $end ]; do
			truncate -s 32M "$f"; truncate -s 64M "$f"
			fallocate -o 0 -l 64M "$f"
			fallocate -p -o 1M -l 64K "$f"; fallocate -o 1M -l 64K "$f"
			xfs_io -c "reflink $f 0 0 64k" "$dir/other" > /dev/null
			xfs_io -c "funshare 0 64m" "$f"
			sealctl seal "$f"; sealctl unseal "$f"
			xfs_io -c "pwrite -S 0x55 8M 4k" "$f" > /dev/null
		done > /dev/null 2>&1
	) &
	wait
	swapoff "$f" 2>/dev/null
	check "$kind: swapon won some rounds ($(cat "$dir/swapons"))" \
		test "$(cat "$dir/swapons")" -gt 0
	check_eq "$kind: the map never changed while active" 0 \
		"$(cat "$dir/moved")"
	# Whatever won, the file is still a usable swapfile once the dust
	# settles: refill what a punch or truncate left, swapon, swapoff.
	sealctl unseal "$f" > /dev/null 2>&1
	truncate -s 64M "$f" && fallocate -o 0 -l 64M "$f"
	[ "$kind" = ext4 ] || xfs_io -c "funshare 0 64m" "$f"
	check "$kind: swapon after the race" swapon "$f"
	check "$kind: swapoff after the race" swapoff "$f"
}

check "reflink XFS" mkfs_mount xfs /dev/vda /mnt/xr -m reflink=1
touch /mnt/xr/other
race xfs /mnt/xr
umount /mnt/xr
check "xfs_repair -n clean after the race" xfs_repair -n /dev/vda
check "non-reflink XFS" mkfs_mount xfs /dev/vdb /mnt/xn -m reflink=0
touch /mnt/xn/other
race xfs-noreflink /mnt/xn
umount /mnt/xn
check "xfs_repair -n clean after the race (non-reflink)" xfs_repair -n /dev/vdb
check "ext4" mkfs_mount ext4 /dev/vdc /mnt/e4
touch /mnt/e4/other
race ext4 /mnt/e4
umount /mnt/e4
check "e2fsck -fn clean after the race" e2fsck -fn /dev/vdc
tap_done
