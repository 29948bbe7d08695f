# SPDX-License-Identifier: GPL-2.0
# The wall-clock half of bench/guest.sh (PART=io), sourced by it.

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
