# SPDX-License-Identifier: GPL-2.0
# The guest half of bench/sweep.  /dev/vda holds XFS, /dev/vdb ext4 and
# /dev/vdc ext2 (qcow2 images: sparse where the files were allocated or
# zeroed without being written).
#
#   SWEEP=setup    make the filesystems and files (sweep-setup.sh)
#   SWEEP=measure  one round: per point and variant, a swapon(2) after
#                  the filesystem was mounted again (cold: extent list and
#                  extent tree read from disk) and the minimum of WARM
#                  more (warm), printed as "csv: ..." lines (see
#                  bench/sweep).  On the patched kernel the XFS files are
#                  also measured sealed: after the unsealed pass in odd
#                  rounds, before it in even ones.  The disks are
#                  overlays that bench/sweep throws away.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
. "$TOP/tools/swap-test/bench/sweep-setup.sh"
set +e

reads() { awk '{ print $1 }' "/sys/block/$1/stat"; }

# Every timed swapon runs on the last CPU.  Under TCG the same swapon
# took a third longer cold on CPU 0 than on CPU 1, on either kernel,
# and an unpinned one landed on either (testing.rst, "Sweep on 7.3").
PIN="taskset -c $(($(nproc) - 1))"

# row FS VARIANT SIZE TARGET COLD WARM READS: a "csv:" line; a swapon
# that failed has the time -1 (bench/sweep counts it as a failed run).
row() {
	ext=$(awk -v s="$3" -v n="$4" '$1 == s && $2 == n { print $3 }' \
		"/mnt/$1/extents" 2>/dev/null)
	echo "csv: $ROUND,$CLOCK,$KERNEL,$1,$2,$3,$4,${ext:-0},$5,$6,$7"
}

# measure FS VARIANT SIZE TARGET: the filesystem on /mnt/FS is mounted
# again and the file looked up before the cold swapon, so that every
# point starts alike: the inode in memory, its extent list not.
measure() {
	f=/mnt/$1/s$3-$4
	dev=$(awk -v m="/mnt/$1" '$2 == m { print $1 }' /proc/mounts)
	umount "/mnt/$1" && mount -t "$1" "$dev" "/mnt/$1" &&
		stat "$f" > /dev/null || { row "$@" -1 -1 0; return; }
	r0=$(reads "${dev#/dev/}")
	cold=$($PIN swaptime "$f" 1) || cold=-1
	r1=$(reads "${dev#/dev/}")
	warm=$($PIN swaptime "$f" "$WARM") || warm=-1
	row "$@" "${cold%% *}" "${warm%% *}" $((r1 - r0))
}

# dropped VARIANT SIZE TARGET: one swapon of an XFS file after sync and
# drop_caches, which is cold only if the inode was clean (design.rst,
# "Cold and warm activation"); the time goes in both columns.
dropped() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	r0=$(reads vda)
	t=$($PIN swaptime "/mnt/xfs/s$2-$3" 1) || t=-1
	r1=$(reads vda)
	row xfs "$1" "$2" "$3" "${t%% *}" "${t%% *}" $((r1 - r0))
}

if [ "$SWEEP" = setup ]; then
	setup_all
	return
fi

mkdir -p /mnt/xfs /mnt/ext4 /mnt/ext2
mount -t xfs /dev/vda /mnt/xfs || return 1
# Whatever the first swapon after boot sets up is not the first point's.
fallocate -l 16M /mnt/xfs/warmup && mkswap -q /mnt/xfs/warmup > /dev/null &&
	swapon /mnt/xfs/warmup && swapoff /mnt/xfs/warmup
rm -f /mnt/xfs/warmup

# ext4 and ext2 first: the patched guest has more XFS passes than the
# base guest, and what they leave behind must not fall on one kernel's
# ext4 and ext2 points only.
mount -t ext4 /dev/vdb /mnt/ext4 || return 1
points | while read -r s n; do
	measure ext4 unsealed "$s" "$n"
done
umount /mnt/ext4

mount -t ext2 /dev/vdc /mnt/ext2 || return 1
for s in $EXT2_SIZES; do
	measure ext2 unsealed "$s" 1
done
umount /mnt/ext2

unsealed_pass() {
	points | while read -r s n; do
		measure xfs unsealed "$s" "$n"
	done
	# The method that misled before, on the point DROPPED ("SIZE
	# TARGET"): the extent list brought into memory by a swapon, the
	# inode logged (chmod, on any kernel), then swapon after sync and
	# drop_caches, twice.
	set -- $DROPPED
	if [ $# = 2 ] && [ -f "/mnt/xfs/s$1-$2" ]; then
		swaptime "/mnt/xfs/s$1-$2" 1 > /dev/null
		chmod 600 "/mnt/xfs/s$1-$2"
		dropped dropped-logged "$1" "$2"
		dropped dropped-again "$1" "$2"
	fi
}

# Sealed before swapon: a file the seal refused is a failed point.
sealed_pass() {
	points | while read -r s n; do
		f=/mnt/xfs/s$s-$n
		if sealctl seal "$f" > /dev/null &&
		   [ "$(sealctl status "$f" | cut -d' ' -f1)" = sealed ]; then
			measure xfs sealed "$s" "$n"
		else
			row xfs sealed "$s" "$n" -1 -1 0
		fi
	done
}

# Whichever pass comes second in a guest may find more of the disks in
# the host's caches: the patched kernel's passes take turns.
if [ "$KERNEL" != patched ]; then
	unsealed_pass
elif [ $((ROUND % 2)) = 1 ]; then
	unsealed_pass
	sealed_pass
else
	sealed_pass
	points | while read -r s n; do
		sealctl unseal "/mnt/xfs/s$s-$n" > /dev/null
	done
	unsealed_pass
fi
umount /mnt/xfs
