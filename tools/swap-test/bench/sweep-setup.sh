# SPDX-License-Identifier: GPL-2.0
# The setup of bench/sweep, sourced by sweep-guest.sh: points, and
# setup_all, which makes the filesystems SETUP names (xfs, ext4, ext2;
# all by default) on /dev/vda, vdb, ... in that order, with one swapfile
# per point: POINTS, words SIZE:EXTENTS,... (GiB, fragfile's counts) on
# XFS and ext4, EXT2_SIZES with one extent on ext2.  The XFS files get
# their blocks written (sealctl prepare) so that the same file can be
# sealed later.  Prints "setup: FS SIZE TARGET EXTENTS SECONDS".
# bench/sweep keeps the images this makes while this file, fragfile,
# prepare.h and the points stay the same.

# points: "SIZE TARGET" lines of the sweep's points on XFS and ext4
points() {
	for p in $POINTS; do
		for n in $(echo "${p#*:}" | tr , ' '); do
			echo "${p%%:*} $n"
		done
	done
}

setup() { # FS DEV DIR [EXT2_SIZES]
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
	# ext4 keeps each file's run going apart from the filler's: its
	# pieces are holes punched in a filler that took all the space.
	off=0
	echo "$p" | while read -r s n; do
		t0=$(date +%s)
		f=$3/s$s-$n
		case $1 in
		xfs) fragfile "$f" "$3/f$s-$n" $((s << 30)) "$n" ;;
		ext4) off=$(fragfile "$f" "$3/filler" $((s << 30)) "$n" holes "$off") ;;
		ext2) fragfile "$f" "$3/f$s-$n" $((s << 30)) 1 write ;;
		esac || exit 1
		mkswap -q "$f" > /dev/null || exit 1
		if [ "$1" = xfs ]; then
			sealctl prepare "$f" || exit 1
		fi
		sealctl fiemap "$f" > /tmp/map || exit 1
		e=$(wc -l < /tmp/map)
		echo "$s $n $e" >> "$3/extents"
		echo "setup: $1 $s $n $e $(($(date +%s) - t0))"
	done || return 1
	umount "$3"
}

setup_all() {
	# The guest has the disks of the filesystems it makes, in order.
	set -- a b c
	for fs in ${SETUP:-xfs ext4 ext2}; do
		case $fs in
		xfs) setup xfs "/dev/vd$1" /mnt/x ;;
		ext4) setup ext4 "/dev/vd$1" /mnt/e4 ;;
		ext2) setup ext2 "/dev/vd$1" /mnt/e2 "$EXT2_SIZES" ;;
		esac || return 1
		shift
	done
}
