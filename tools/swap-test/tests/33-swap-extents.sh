#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched base
# The block-map walk finds the same swap extents as the unpatched kernel:
# fragmented swapfiles (more mappings than one XFS batch of 256) on XFS,
# sealed and not, and on ext2 (patched: the iomap helper, base: the ->bmap
# walk) activate with the same size, extent count and span on both
# kernels.  A file sharing part of one extent is refused on both; an ext2
# file with a hole past the last page of its swap header is refused by
# the helper, which walks to EOF, where the base kernel's ->bmap walk
# stopped at that page.  ext2 maps runs of blocks at once: a file written
# in pieces reads back.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"
xfs=$RUNDIR/xfs.img ext2=$RUNDIR/ext2.img
rm -f "$xfs" "$ext2" && truncate -s 1G "$xfs" "$ext2"
files="frag sealed ext2"
# shape NAME FILE [swaptime1]: swapon, print "NAME: <size>k extents:N
# across:Mk", swapoff.  swaptime1 calls swapon(2) and swapoff(2) itself,
# where swapon(8) would refuse a file with holes before the kernel sees it.
shape='shape() {
	if ${3:-swapon} "$2"; then
		echo "$1: $(dmesg | sed -n "s/.*Adding \([0-9]*k\) swap .*\(extents:[0-9]* across:[0-9]*k\).*/\1 \2/p" | tail -n 1)"
		if [ -z "$3" ]; then swapoff "$2"; fi
	else
		echo "$1: refused"
	fi
}
swaptime1() { swaptime "$1" 1 > /dev/null; }
mkdir -p /mnt/x /mnt/e && mount /dev/vda /mnt/x && mount /dev/vdb /mnt/e
shapes() {
	shape frag /mnt/x/frag
	shape sealed /mnt/x/sealed
	shape ext2 /mnt/e/frag
	shape partshared /mnt/x/partshared
	shape tailhole /mnt/e/tailhole swaptime1
}'

guest patched make "$xfs" "$ext2" -- '
mkfs.xfs -f -q -m reflink=1 /dev/vda && mkfs.ext2 -F -q /dev/vdb
'"$shape"'
fragfile /mnt/x/frag /mnt/x/filler1 $((96 << 20)) 300
fragfile /mnt/x/sealed /mnt/x/filler2 $((96 << 20)) 200
fragfile /mnt/e/frag /mnt/e/filler $((96 << 20)) 50 write
xfs_io -f -c "pwrite -q 0 16M" -c fsync /mnt/x/partshared
xfs_io -f -c "reflink /mnt/x/partshared 8M 0 1M" /mnt/x/other > /dev/null
for f in /mnt/x/frag /mnt/x/sealed /mnt/e/frag /mnt/x/partshared; do
	chmod 600 $f && mkswap -q $f
done
sealctl prepare /mnt/x/sealed && sealctl seal /mnt/x/sealed
echo "mappings: $(sealctl fiemap /mnt/x/frag | wc -l)"
# ext2 maps runs of blocks: random data written in 1 MiB pieces between
# pieces of another file reads back the same, direct and buffered.
head -c 24M /dev/urandom > /tmp/rand
i=0
while [ $i -lt 24 ]; do
	dd if=/tmp/rand of=/mnt/e/data bs=1M skip=$i seek=$i count=1 \
		conv=notrunc,fsync status=none
	dd if=/dev/urandom of=/mnt/e/other bs=4k count=1 seek=$i \
		conv=notrunc,fsync status=none
	i=$((i + 1))
done
echo "ext2-data-runs: $(sealctl fiemap /mnt/e/data | wc -l)"
echo 3 > /proc/sys/vm/drop_caches
dd if=/mnt/e/data iflag=direct bs=8M status=none | cmp -s - /tmp/rand &&
	echo "ext2-direct: same"
echo 3 > /proc/sys/vm/drop_caches
cmp -s /mnt/e/data /tmp/rand && echo "ext2-buffered: same"
# an ext2 swapfile with a hole after the last page its header uses
dd if=/dev/zero of=/mnt/e/tailhole bs=1M count=16 conv=fsync status=none
chmod 600 /mnt/e/tailhole && mkswap -q /mnt/e/tailhole
truncate -s 32M /mnt/e/tailhole
shapes
dmesg | grep -c "swapon: file /mnt/x/partshared has shared extents" | sed "s/^/partshared-log: /"
dmesg | grep -c "swapon: file /mnt/e/tailhole has holes" | sed "s/^/tailhole-log: /"
umount /mnt/x /mnt/e
'
check_eq "patched: runs" 0 "$guest_rc"
check "the XFS file has more mappings than one batch (256)" \
	test "$(gval make mappings)" -gt 256
for f in $files; do
	check "patched: $f swaps ($(gval make $f))" \
		sh -c "echo '$(gval make $f)' | grep -q '^[1-9][0-9]*k extents:[1-9]'"
done
check_eq "patched: a partly shared extent is refused" refused "$(gval make partshared)"
check_eq "patched: and the log says why" 1 "$(gval make partshared-log)"
check_eq "patched: ext2 refuses a hole past the header's last page" \
	refused "$(gval make tailhole)"
check_eq "patched: and the log says why" 1 "$(gval make tailhole-log)"
# ext2's reservation windows keep some pieces together: 9 of 24 were
# seen as runs of their own in one CI run, more in others.
check "ext2: the data file is in pieces ($(gval make ext2-data-runs))" \
	test "$(gval make ext2-data-runs)" -gt 4
check_eq "ext2: direct reads of runs give the data written" same \
	"$(gval make ext2-direct)"
check_eq "ext2: buffered reads give it too" same "$(gval make ext2-buffered)"

guest base old "$xfs" "$ext2" -- '
'"$shape"'
shapes
umount /mnt/x /mnt/e
'
check_eq "base kernel: runs" 0 "$guest_rc"
for f in $files; do
	check_eq "$f: same size, extents and span on both kernels" \
		"$(gval old $f)" "$(gval make $f)"
done
check_eq "base kernel refuses the partly shared file too" refused \
	"$(gval old partshared)"
check "base kernel: its ->bmap walk took the ext2 file with the hole" \
	sh -c "echo '$(gval old tailhole)' | grep -q '^16380k extents:[1-9]'"
tap_done
