# SPDX-License-Identifier: GPL-2.0
# The guest half of bench/run: prints "csv: ..." lines.  lib/swap.sh
# refuses to run outside the test guest.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
set +e

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

# seal: writing zeroes over 1 GiB unwritten (FALLOC_FL_WRITE_ZEROES) and
# sealing it, against writing 1 GiB of zeroes
if [ "$KERNEL" = patched ]; then
	mkfs_mount xfs /dev/vdd /mnt/s
	i=0 s="" w=""
	while [ $i -lt "$RUNS" ]; do
		rm -f /mnt/s/f /mnt/s/z
		fallocate -l 1G /mnt/s/f
		t0=$(date +%s%N)
		sealctl write-zeroes /mnt/s/f 0 $((1 << 30)) && sealctl seal /mnt/s/f
		t1=$(date +%s%N)
		s="$s $(( (t1 - t0) / 1000 ))"
		t0=$(date +%s%N)
		dd if=/dev/zero of=/mnt/s/z bs=1M count=1024 oflag=direct status=none
		sync; t1=$(date +%s%N)
		w="$w $(( (t1 - t0) / 1000 ))"
		i=$((i + 1))
	done
	row seal seal-1g-unwritten "0,$(stats $s),us"
	row seal write-1g-zeroes "0,$(stats $w),us"
	umount /mnt/s
fi

# swapio: sealed XFS swapfile against the raw partition vdc, same size
mkfs_mount xfs /dev/vda /mnt/x
fallocate -l 512M /mnt/x/swap && chmod 600 /mnt/x/swap
mkswap -q /mnt/x/swap > /dev/null
[ "$KERNEL" = patched ] && sealctl prepare /mnt/x/swap && sealctl seal /mnt/x/swap
dd if=/dev/zero of=/dev/vdc bs=1M count=512 status=none
mkswap -q /dev/vdc 524288 > /dev/null
for dev in /mnt/x/swap /dev/vdc /mnt/x/swap /dev/vdc /mnt/x/swap /dev/vdc; do
	swapon "$dev"
	mark_swap
	t0=$(date +%s%N)
	pressure 384 20 > /dev/null
	t1=$(date +%s%N)
	out=$(( $(vmstat pswpout) - swap_out0 ))
	in=$(( $(vmstat pswpin) - swap_in0 ))
	swapoff "$dev"
	v=raw-partition
	[ "$dev" = /dev/vdc ] || v=xfs-swapfile
	r=$(( (out + in) * 1000000000 / (t1 - t0) ))
	row swapio "$v" "0,$r,$r,$r,pages/s"
done
umount /mnt/x
