#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched base
# timeout: 1200
# The data-acquisition device of the 2017 cover letter: a "device" takes
# a file's physical map (FIEMAP) and writes straight to those blocks of
# the disk, O_DIRECT on the block device as a DMA engine would, and the
# file must then read back what the device wrote, with caches dropped and
# with O_DIRECT.  On the patched kernel the file is sealed, and while the
# device writes round after round, every operation that would move, free,
# share or add a block of it is tried again and again (each must fail
# with ETXTBSY) and memory pressure swaps to a swapfile on the same
# filesystem: the map never changes and every round reads back.  On both
# kernels an unsealed file shows what goes wrong without the seal: once
# xfs_fsr has moved it, the device's writes land outside the file, which
# still reads back its old data.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
BUSY="Text file busy"
ROUNDS=5
dev=/dev/vda mnt=/mnt/x

# device MAP PATTERN: write PATTERN (as long as the file) to the disk at
# the physical place of each extent of MAP ("logical physical length"
# lines of sealctl fiemap, in bytes), O_DIRECT.
device() {
	while read -r lo ph len _; do
		dd if="$2" of=$dev bs=4096 skip=$((lo / 4096)) \
			seek=$((ph / 4096)) count=$((len / 4096)) \
			oflag=direct conv=notrunc status=none || return 1
	done < "$1"
}

# reads_back FILE PATTERN: FILE holds PATTERN, read after drop_caches and
# read with O_DIRECT.
reads_back() {
	echo 3 > /proc/sys/vm/drop_caches
	cmp -s "$1" "$2" &&
		dd if="$1" iflag=direct bs=1M status=none | cmp -s - "$2"
}

# on_disk MAP PATTERN: the disk holds PATTERN where MAP places it.
on_disk() {
	rm -f /tmp/ondisk
	while read -r lo ph len _; do
		dd if=$dev of=/tmp/ondisk bs=4096 skip=$((ph / 4096)) \
			seek=$((lo / 4096)) count=$((len / 4096)) \
			iflag=direct conv=notrunc status=none || return 1
	done < "$1"
	cmp -s /tmp/ondisk "$2"
}

# attack FILE LOG: every map-changing operation on FILE, one after the
# other, at least ROUNDS times and until $mnt/stop exists; each result
# goes to LOG as "refused OP" when it failed with ETXTBSY, "NOT REFUSED
# OP: output" otherwise.  (Exchange-range needs a filesystem feature
# that Debian's mkfs.xfs cannot set; 23-seal-fail.sh sets it to test the
# refusal.)
OPS=15
# xfs_fsr says why it failed only with -d, exits 0 either way, and logs
# to syslog (which the guest has not) unless its stdin is a terminal.
fsr() {
	xfs_fsr -d -v "$1" < /dev/console
}

attack() {
	f=$1
	try() {
		op=$1
		shift
		out=$("$@" 2>&1)
		case $out in
		*"$BUSY"* | *ETXTBSY*) echo "refused $op" ;;
		*) echo "NOT REFUSED $op: $(echo "$out" | head -n 2 | tr '\n' ' ')" ;;
		esac
	}
	i=0
	while [ $i -lt $ROUNDS ] || [ ! -e $mnt/stop ]; do
		i=$((i + 1))
		try truncate truncate -s 8M "$f"
		try extend truncate -s 32M "$f"
		try extending-write xfs_io -c "pwrite -q 16M 4k" "$f"
		try append xfs_io -a -c "pwrite -q 0 4k" "$f"
		try allocate xfs_io -c "falloc 16M 1M" "$f"
		try punch xfs_io -c "fpunch 0 64k" "$f"
		try zero-range xfs_io -c "fzero 0 64k" "$f"
		try collapse xfs_io -c "fcollapse 0 64k" "$f"
		try insert xfs_io -c "finsert 0 64k" "$f"
		try unshare xfs_io -c "funshare 0 64k" "$f"
		try reflink-from xfs_io -f -c "reflink $f 0 0 1M" $mnt/clone
		try reflink-into xfs_io -c "reflink $mnt/donor 0 0 1M" "$f"
		try dedupe-into xfs_io -c "dedupe $mnt/twin 0 0 1M" "$f"
		try swapext xfs_io -c "swapext $mnt/donor" "$f"
		try xfs_fsr fsr "$f"
	done > "$2"
}

mkfs_mount xfs $dev $mnt -m reflink=1 || exit 1
head -c 16M /dev/urandom > /tmp/old

# Without the seal, on both kernels: a file in pieces between a filler's, the
# file's own data written; the device writes where FIEMAP said the file
# was, after xfs_fsr made it one extent.
fragfile $mnt/loose $mnt/filler1 $((16 << 20)) 16 &&
	dd if=/tmp/old of=$mnt/loose bs=1M conv=notrunc,fsync status=none
sealctl fiemap $mnt/loose > /tmp/map.loose
n=$(wc -l < /tmp/map.loose)
check "unsealed: the file is in pieces ($n extents)" test "$n" -gt 1
head -c 16M /dev/urandom > /tmp/pat
check "unsealed: the device writes to the map" device /tmp/map.loose /tmp/pat
check "unsealed: before xfs_fsr, the file reads back what it wrote" \
	reads_back $mnt/loose /tmp/pat
cp /tmp/pat /tmp/old
check "unsealed: xfs_fsr runs" xfs_fsr -v $mnt/loose
sealctl fiemap $mnt/loose > /tmp/map.moved
check "unsealed: xfs_fsr moved the file" sh -c \
	"! cmp -s /tmp/map.loose /tmp/map.moved"
head -c 16M /dev/urandom > /tmp/pat
check "unsealed: the device writes to the old map" device /tmp/map.loose /tmp/pat
check "unsealed: the device's data is on the disk, at the old map" \
	on_disk /tmp/map.loose /tmp/pat
check "unsealed: but not in the file, which reads back its data from before" \
	reads_back $mnt/loose /tmp/old

if [ "$KERNEL" != patched ]; then
	umount $mnt
	tap_done
	exit
fi

# With the seal.
fragfile $mnt/acq $mnt/filler2 $((16 << 20)) 16 &&
	sealctl prepare $mnt/acq && sealctl seal $mnt/acq
check_eq "sealed: the file is sealed" sealed \
	"$(sealctl status $mnt/acq | cut -d' ' -f1)"
sealctl fiemap $mnt/acq > /tmp/map.acq
n=$(wc -l < /tmp/map.acq)
check "sealed: the file is in pieces ($n extents)" test "$n" -gt 1
xfs_io -f -c "pwrite -q 0 16M" -c fsync $mnt/donor
cp $mnt/acq $mnt/twin
fallocate -l 512M $mnt/swap && chmod 600 $mnt/swap && mkswap -q $mnt/swap
check "sealed: a swapfile on the same filesystem" swapon $mnt/swap

rm -f $mnt/stop
attack $mnt/acq /tmp/attack.log &
apid=$!
mark_swap
pressure 192 600 > /tmp/pressure.log &
r=1
while [ $r -le $ROUNDS ]; do
	head -c 16M /dev/urandom > /tmp/pat
	check "sealed, round $r: the device writes to the map" \
		device /tmp/map.acq /tmp/pat
	check "sealed, round $r: the file reads back what the device wrote" \
		reads_back $mnt/acq /tmp/pat
	check "sealed, round $r: the map has not changed" sh -c \
		"sealctl fiemap $mnt/acq | cmp -s - /tmp/map.acq"
	r=$((r + 1))
done
touch $mnt/stop
wait $apid
pkill -x stress-ng
wait
check "sealed: memory pressure swapped during the rounds" swap_moved
n=$(wc -l < /tmp/attack.log)
echo "# sealed: $n map-changing operations tried during $ROUNDS rounds"
check_eq "sealed: each of the $OPS operations was tried" $OPS \
	"$(sed -n 's/^refused //p' /tmp/attack.log | sort -u | wc -l)"
check "sealed: at least $ROUNDS times" test "$n" -ge $((OPS * ROUNDS))
check "sealed: every one failed with ETXTBSY" sh -c \
	"! grep -v '^refused ' /tmp/attack.log"
check "sealed: after it all, the file reads back the last round" \
	reads_back $mnt/acq /tmp/pat
check "swapoff" swapoff $mnt/swap
check "sealed: unseal" sealctl unseal $mnt/acq
umount $mnt
check "xfs_repair -n is clean" xfs_repair -n $dev
tap_done
