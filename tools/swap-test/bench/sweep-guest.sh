# SPDX-License-Identifier: GPL-2.0
# The guest half of bench/sweep.  /dev/vda holds XFS, /dev/vdb ext4 and
# /dev/vdc ext2 (qcow2 images: sparse where the files were allocated or
# zeroed without being written).
#
#   SWEEP=setup    make the filesystems SETUP names (xfs, ext4, ext2; all
#                  by default) on /dev/vda, vdb, ... in that order, with
#                  one swapfile per point: POINTS, words SIZE:EXTENTS,...
#                  (GiB, fragfile's counts) on XFS and ext4, EXT2_SIZES
#                  with one extent on ext2;
#                  the XFS files get their blocks written (sealctl
#                  prepare) so that the same file can be sealed later.
#                  Prints "setup: FS SIZE TARGET EXTENTS SECONDS".
#   SWEEP=measure  one round: per point and variant, the first swapon(2)
#                  after mount (cold: inode, extent list and bmbt blocks
#                  read from disk) and the minimum of WARM more (warm),
#                  printed as "csv: ..." lines (see bench/sweep).  On the
#                  patched kernel the XFS files are then sealed, the
#                  filesystem mounted again, measured as "sealed" and
#                  unsealed again for the next round.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
set +e

# points: "SIZE TARGET" lines of the sweep's points on XFS and ext4
points() {
	for p in $POINTS; do
		for n in $(echo "${p#*:}" | tr , ' '); do
			echo "${p%%:*} $n"
		done
	done
}

reads() { awk '{ print $1 }' "/sys/block/$1/stat"; }

# measure FS DEV DIR VARIANT SIZE TARGET
measure() {
	f=$3/s$5-$6
	ext=$(awk -v s="$5" -v n="$6" '$1 == s && $2 == n { print $3 }' \
		"$3/extents")
	r0=$(reads "$2")
	cold=$(swaptime "$f" 1) || cold=-1
	r1=$(reads "$2")
	warm=$(swaptime "$f" "$WARM") || warm=-1
	echo "csv: $ROUND,$CLOCK,$KERNEL,$1,$4,$5,$6,${ext:-0},${cold%% *},${warm%% *},$((r1 - r0))"
}

if [ "$SWEEP" = setup ]; then
	setup() { # FS DEV DIR EXT2_SIZES [write]
		case $1 in
		xfs) mkfs_mount xfs "$2" "$3" -K ;;
		*) mkfs_mount "$1" "$2" "$3" -E nodiscard ;;
		esac || return 1
		: > "$3/extents"
		if [ "$1" = ext2 ]; then
			p=$(for s in $4; do echo "$s 1"; done)
		else
			p=$(points)
		fi
		echo "$p" | while read -r s n; do
			t0=$(date +%s)
			f=$3/s$s-$n
			fragfile "$f" "$3/f$s-$n" $((s << 30)) "$n" $5 &&
				mkswap -q "$f" > /dev/null || exit 1
			if [ "$1" = xfs ]; then
				sealctl prepare "$f" || exit 1
			fi
			e=$(sealctl fiemap "$f" | wc -l)
			echo "$s $n $e" >> "$3/extents"
			echo "setup: $1 $s $n $e $(($(date +%s) - t0))"
		done || return 1
		umount "$3"
	}
	# The guest has the disks of the filesystems it makes, in order.
	set -- a b c
	for fs in ${SETUP:-xfs ext4 ext2}; do
		case $fs in
		xfs) setup xfs "/dev/vd$1" /mnt/x ;;
		ext4) setup ext4 "/dev/vd$1" /mnt/e4 ;;
		ext2) setup ext2 "/dev/vd$1" /mnt/e2 "$EXT2_SIZES" write ;;
		esac || return 1
		shift
	done
	return
fi

# A swapon that fails prints -1 (bench/sweep counts it as a failed run).
mount /dev/vda /mnt/x || return 1
points | while read -r s n; do
	measure xfs vda /mnt/x unsealed "$s" "$n"
done
if [ "$KERNEL" = patched ]; then
	points | while read -r s n; do
		sealctl seal "/mnt/x/s$s-$n" > /dev/null
	done
	umount /mnt/x && mount /dev/vda /mnt/x || return 1
	points | while read -r s n; do
		measure xfs vda /mnt/x sealed "$s" "$n"
		sealctl unseal "/mnt/x/s$s-$n" > /dev/null
	done
fi
umount /mnt/x

mount /dev/vdb /mnt/e4 || return 1
points | while read -r s n; do
	measure ext4 vdb /mnt/e4 unsealed "$s" "$n"
done
umount /mnt/e4

mount -t ext2 /dev/vdc /mnt/e2 || return 1
for s in $EXT2_SIZES; do
	measure ext2 vdc /mnt/e2 unsealed "$s" 1
done
umount /mnt/e2
