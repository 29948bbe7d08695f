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

# swapio: XFS swapfile (sealed on the patched kernel) against the raw
# partition vdc, same size.  Both written with zeroes first on both
# kernels, so that no run pays for the host allocating its image's blocks.
mkfs_mount xfs /dev/vda /mnt/x
dd if=/dev/zero of=/mnt/x/swap bs=1M count=512 oflag=direct status=none
chmod 600 /mnt/x/swap
mkswap -q /mnt/x/swap > /dev/null
[ "$KERNEL" = patched ] && sealctl prepare /mnt/x/swap && sealctl seal /mnt/x/swap
dd if=/dev/zero of=/dev/vdc bs=1M count=512 oflag=direct status=none
mkswap -q /dev/vdc 524288 > /dev/null
# oom_kills: the memory cgroup's OOM kills so far.  A run in which the
# OOM killer ended stress-ng's worker measured the restarts, not swap
# traffic: it is a failed run (-1), and a "note:" line says so.
oom_kills() {
	sed -n 's/^oom_kill //p' /sys/fs/cgroup/swaptest/memory.events \
		2>/dev/null || echo 0
}
run=0
for dev in /mnt/x/swap /dev/vdc /mnt/x/swap /dev/vdc /mnt/x/swap /dev/vdc; do
	swapon "$dev"
	mark_swap
	k0=$(oom_kills)
	t0=$(date +%s%N)
	pressure 384 20 > /dev/null
	t1=$(date +%s%N)
	out=$(( $(vmstat pswpout) - swap_out0 ))
	in=$(( $(vmstat pswpin) - swap_in0 ))
	swapoff "$dev"
	v=raw-partition
	[ "$dev" = /dev/vdc ] || v=xfs-swapfile
	run=$((run + 1))
	r=$(( (out + in) * 1000000000 / (t1 - t0) ))
	k=$(( $(oom_kills) - k0 ))
	if [ "$k" -gt 0 ]; then
		echo "note: $KERNEL kernel, swap traffic run $run ($v):" \
			"$k OOM kills in the memory cgroup, $r pages/s: failed"
		r=-1
	fi
	row swapio "$v" "0,$r,$r,$r,pages/s"
done
umount /mnt/x
