# SPDX-License-Identifier: GPL-2.0
# The guest half of bench/run: prints "csv: ..." lines.  lib/swap.sh
# refuses to run outside the test guest.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
set +e

case $PART in
swapon | io | hotpath) ;;
*)	echo "bench/guest.sh: PART=$PART: swapon, io or hotpath" >&2
	return 1 ;;
esac

row() { echo "csv: $1,$KERNEL,$2,$3"; }

# stats N...: "min,median,max" of the numbers.
stats() {
	echo "$*" | tr ' ' '\n' |
		awk 'NF { print }' | sort -n |
		awk '{ a[n++] = $1 } END { print a[0] "," a[int(n / 2)] "," a[n - 1] }'
}

# swapon_times BENCH VARIANT FILE: RUNS timed swapons of FILE
swapon_times() {
	n=$(sealctl fiemap "$3" | wc -l)
	t=$(swaptime "$3" "$RUNS") || t="-1 -1 -1"
	row "$1" "$2" "$n,$(echo "$t" | tr ' ' ','),us"
}

# hotpath: unsealed files, both kernels, in a guest of its own whose
# clock counts instructions (ICOUNT=1, see bench/run).
if [ "$PART" = hotpath ]; then
	mkfs_mount xfs /dev/vdb /mnt/h
	for op in pwrite extend truncate fallocate; do
		r=""
		i=0
		while [ $i -lt "$RUNS" ]; do
			r="$r $(hotpath /mnt/h $op 1)"
			i=$((i + 1))
		done
		row hotpath "$op" "0,$(stats $r),ops/s"
	done
	umount /mnt/h
	return 0
fi

# io: seal and swap traffic wait for the disk, which only the wall clock
# sees: a guest of its own without ICOUNT (see bench/run).
if [ "$PART" = io ]; then
	. "$TOP/tools/swap-test/bench/io.sh"
	return 0
fi

mkfs_mount xfs /dev/vda /mnt/x
for n in 1 1000 60000; do
	rm -f /mnt/x/swap /mnt/x/filler
	fragfile /mnt/x/swap /mnt/x/filler $((1 << 30)) "$n"
	mkswap -q /mnt/x/swap > /dev/null
	swapon_times swapon xfs-unsealed /mnt/x/swap
	if [ "$KERNEL" = patched ]; then
		sealctl prepare /mnt/x/swap && sealctl seal /mnt/x/swap
		swapon_times swapon xfs-sealed /mnt/x/swap
		sealctl unseal /mnt/x/swap
	fi
done
umount /mnt/x

mkfs_mount ext2 /dev/vdb /mnt/e2
fragfile /mnt/e2/swap /mnt/e2/filler $((1 << 30)) 256 write
mkswap -q /mnt/e2/swap > /dev/null
swapon_times swapon ext2 /mnt/e2/swap
umount /mnt/e2

mkfs_mount vfat /dev/vdc /mnt/fat
fragfile /mnt/fat/swap /mnt/fat/filler $((1 << 30)) 1 write
mkswap -q /mnt/fat/swap > /dev/null
swapon_times swapon vfat /mnt/fat/swap
umount /mnt/fat
