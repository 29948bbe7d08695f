#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched base
# A filesystem holding sealed files, taken to the unpatched base kernel and
# back, and through Debian's xfs_repair 6.1: nothing is lost or corrupted;
# what the old code does with the unknown di_flags2 bit is what
# Documentation/swap/design.rst says.  A sealed swapfile the old kernel
# punched and reflinked is refused by swapon with the reason, and by the
# seal (its map is not final); unsealed, prepared and sealed again on the
# patched kernel, it is whole.  Writes into what the old kernel changed in
# a sealed file (a hole, an unwritten extent, a shared extent) are refused
# by XFS itself: ETXTBSY for write(2) and O_DIRECT, SIGBUS for a store
# through a shared mapping, nothing allocated, no shutdown.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"
disk=$RUNDIR/disk.img
rm -f "$disk" && truncate -s 1G "$disk"

guest patched make "$disk" -- '
mkfs.xfs -f -q /dev/vda
mkdir -p /mnt/x && mount /dev/vda /mnt/x
for n in keep chattr trunc fixed; do
	dd if=/dev/urandom of=/mnt/x/$n bs=1M count=4 status=none
	sealctl seal /mnt/x/$n
done
(cd /mnt/x && sha256sum keep chattr fixed) > sums
dd if=/dev/zero of=/mnt/x/changed bs=1M count=4 status=none
chmod 600 /mnt/x/changed && mkswap -q /mnt/x/changed && sealctl seal /mnt/x/changed
dd if=/dev/urandom of=/mnt/x/w bs=1M count=4 status=none && sealctl seal /mnt/x/w
head -c 1048676 /dev/urandom > /mnt/x/tz && sealctl seal /mnt/x/tz
umount /mnt/x
'
check_eq "patched: four sealed files made" 0 "$guest_rc"

guest base old "$disk" -- '
mkdir -p /mnt/x && mount /dev/vda /mnt/x
echo "mount: ok"
(cd /mnt/x && sha256sum -c --quiet '"$RUNDIR"'/make/sums) && echo "sums: ok"
echo "xflags: $(xfs_io -r -c stat /mnt/x/keep | awk "/^fsxattr.xflags/ { print \$3 }")"
truncate -s 1M /mnt/x/trunc && echo "truncate: ok"
xfs_io -c "chattr +d" /mnt/x/chattr && echo "chattr: ok"
fallocate -p -o 1M -l 64K /mnt/x/changed &&
	xfs_io -f -c "reflink /mnt/x/changed 2M 0 64k" /mnt/x/clone > /dev/null &&
	echo "changed: ok"
fallocate -p -o 1M -l 64K /mnt/x/w && fallocate -p -o 2M -l 64K /mnt/x/w &&
	fallocate -n -o 2M -l 64K /mnt/x/w &&
	xfs_io -f -c "reflink /mnt/x/w 3M 0 64k" /mnt/x/wclone > /dev/null &&
	xfs_io -f -c "reflink /mnt/x/tz 1048576 0 100" /mnt/x/tzclone > /dev/null &&
	echo "w: ok"
umount /mnt/x
'
check_eq "base kernel: boots and runs" 0 "$guest_rc"
check_eq "base kernel mounts the filesystem" ok "$(gval old mount)"
check_eq "base kernel reads the sealed files intact" ok "$(gval old sums)"
check_eq "base kernel does not report the seal (xflags)" 0x0 \
	"$(printf '0x%x' $(( $(gval old xflags) & 0x1000000 )))"
check_eq "base kernel does not enforce the seal (truncate works)" ok \
	"$(gval old truncate)"
check_eq "base kernel chattr works" ok "$(gval old chattr)"
check_eq "base kernel punches and reflinks a sealed file" ok \
	"$(gval old changed)"
check_eq "base kernel punches, preallocates and reflinks another" ok \
	"$(gval old w)"

guest patched back "$disk" -- '
mkdir -p /mnt/x && mount /dev/vda /mnt/x
for n in keep chattr trunc fixed; do echo "$n: $(sealctl status /mnt/x/$n)"; done
(cd /mnt/x && sha256sum -c --quiet '"$RUNDIR"'/make/sums) && echo "sums: ok"
w=/mnt/x/w
t=/sys/kernel/tracing
mountpoint -q $t || mount -t tracefs nodev $t
for e in xfs_seal_refuse_write xfs_file_seal xfs_file_unseal xfs_file_seal_error; do
	echo 1 > $t/events/xfs/$e/enable
done
echo "w-status: $(sealctl status $w)"
xfs_io -c "fiemap -v" $w > w-map-before
xfs_io -c "fiemap -v" /mnt/x/tz > tz-map-before
before=$(dd if=$w bs=4k skip=255 count=1 status=none | md5sum)
echo "w-spanning: $(xfs_io -c "pwrite -q -S 0x5a -b 8k 1020k 8k" $w 2>&1)"
[ "$before" != "$(dd if=$w bs=4k skip=255 count=1 status=none | md5sum)" ] &&
	echo "w-spanning-data: written"
echo "w-spanning-direct: $(xfs_io -d -c "pwrite -q -S 0x5b -b 8k 1020k 8k" $w 2>&1)"
echo "tz-truncate: $(truncate -s 1048676 /mnt/x/tz 2>&1 | sed "s/.*: //")"
xfs_io -c "fiemap -v" /mnt/x/tz > tz-map-after
cmp -s tz-map-before tz-map-after && echo "tz-map: same"
for at in 1M:hole 2M:unwritten 3M:shared 0:written; do
	echo "w-buffered-${at#*:}: $(xfs_io -c "pwrite -q ${at%:*} 4k" $w 2>&1)"
	echo "w-direct-${at#*:}: $(xfs_io -d -c "pwrite -q ${at%:*} 4k" $w 2>&1)"
	rc=0 && xfs_io -c "mmap -w 0 4M" -c "mwrite ${at%:*} 4k" -c msync $w \
		2> /dev/null || rc=$?
	echo "w-mmap-${at#*:}: $rc"
done
xfs_io -c fsync $w
xfs_io -c "fiemap -v" $w > w-map-after
cmp -s w-map-before w-map-after && echo "w-map: same"
touch /mnt/x/alive && sync && echo "w-alive: ok"
echo "w-shutdown: $(dmesg | grep -c "Filesystem has been shut down\|shutting down filesystem")"
sealctl unseal $w && xfs_io -c "pwrite -q 1M 4k" -c fsync $w && echo "w-unsealed-write: ok"
echo "changed-swapon: $(swaptime /mnt/x/changed 1 2>&1 | tail -n 1)"
echo "changed-log: $(dmesg | grep -c "swapon: file /mnt/x/changed has holes")"
echo "reseal: $(sealctl seal /mnt/x/changed 2>/dev/null)"
echo "reseal-log: $(dmesg | grep -c "seal: file /mnt/x/changed has holes: write zeroes over it first")"
sealctl unseal /mnt/x/changed && sealctl prepare /mnt/x/changed &&
	sealctl seal /mnt/x/changed && echo "repair: ok"
echo "changed-map: $(sealctl fiemap /mnt/x/changed | awk "\$4 != \"0x0\"" | wc -l) $(sealctl fiemap /mnt/x/changed | awk "{ n += \$3 } END { print n }")"
swapon /mnt/x/changed && swapoff /mnt/x/changed && echo "changed-swapon-after: ok"
echo "trace-refuse: $(sed -n "s/.*xfs_seal_refuse_write: .* fileoff 0x[0-9a-f]* //p" $t/trace | sort | uniq -c | awk "{ print \$2 \"=\" \$1 }" | paste -sd " ")"
echo "trace-seal: $(grep -c "xfs_file_seal: " $t/trace) $(grep -c "xfs_file_unseal: " $t/trace) $(grep -c "xfs_file_seal_error: .* error -22 " $t/trace)"
echo 0 > $t/tracing_on
umount /mnt/x
rc=0 && xfs_repair -n /dev/vda > repair-n.out 2>&1 || rc=$?
echo "repair-n-rc: $rc"
echo "repair-n-bad: $(grep -o "Bad flags2 set in inode [0-9]*" repair-n.out | sort -u | wc -l)"
rc=0 && xfs_repair /dev/vda > repair.out 2>&1 || rc=$?
echo "repair-rc: $rc"
mount /dev/vda /mnt/x
echo "fixed-after-repair: $(sealctl status /mnt/x/fixed)"
(cd /mnt/x && sha256sum -c --quiet '"$RUNDIR"'/make/sums) && echo "sums-after-repair: ok"
umount /mnt/x
rc=0 && xfs_repair -n /dev/vda > repair-n2.out 2>&1 || rc=$?
echo "repair-n2-rc: $rc"
'
check_eq "patched kernel again: runs" 0 "$guest_rc"
check_eq "untouched sealed file is still sealed" "sealed xflag=1 supported=1" \
	"$(gval back keep)"
check_eq "the bit survives an unrelated base-kernel write (truncate)" \
	"sealed xflag=1 supported=1" "$(gval back trunc)"
check_eq "base-kernel chattr drops the seal" "unsealed xflag=0 supported=1" \
	"$(gval back chattr)"
check_eq "data intact after the round trip" ok "$(gval back sums)"
check_eq "the sealed file the base kernel changed is still sealed" \
	"sealed xflag=1 supported=1" "$(gval back w-status)"
for m in buffered direct; do
	for k in hole unwritten shared; do
		check_eq "$m write into what the base kernel made a $k: ETXTBSY" \
			"pwrite: Text file busy" "$(gval back w-$m-$k)"
	done
	check_eq "$m write over a written extent of the same file works" "" \
		"$(gval back w-$m-written)"
done
for k in hole unwritten shared; do
	check_eq "store through a shared mapping into a $k: SIGBUS" 135 \
		"$(gval back w-mmap-$k)"
done
check_eq "store through a shared mapping over a written extent works" 0 \
	"$(gval back w-mmap-written)"
check_eq "one write from a written block into the hole stops short there" \
	"" "$(gval back w-spanning)"
check_eq "... having written the block before it" written \
	"$(gval back w-spanning-data)"
check_eq "... O_DIRECT: ETXTBSY, as for any error after the first mapping" \
	"pwrite: Text file busy" "$(gval back w-spanning-direct)"
check_eq "truncate to the same size, EOF block shared by the base kernel: ETXTBSY" \
	"Text file busy" "$(gval back tz-truncate)"
check_eq "... and the block is still shared, not copied (fiemap)" same \
	"$(gval back tz-map)"
check_eq "... nothing was allocated, converted or unshared (fiemap)" same \
	"$(gval back w-map)"
check_eq "... the filesystem is not shut down and takes writes" ok \
	"$(gval back w-alive)"
check_eq "... and logged no shutdown" 0 "$(gval back w-shutdown)"
check_eq "unsealed, the same write into the hole works" ok \
	"$(gval back w-unsealed-write)"
check_eq "swapon refuses the sealed file the base kernel punched" \
	"swapon: Invalid argument" "$(gval back changed-swapon)"
check_eq "... and says it has holes" 1 "$(gval back changed-log)"
check_eq "sealing it again is refused: its map is not final (EINVAL)" EINVAL \
	"$(gval back reseal)"
check_eq "... naming the holes and the fix" 1 "$(gval back reseal-log)"
check_eq "unseal, prepare (allocate, unshare, write zeroes) and seal repair it" \
	ok "$(gval back repair)"
check_eq "... into a written, unshared, hole-free 4 MiB map" "0 4194304" \
	"$(gval back changed-map)"
check_eq "... that swapon takes" ok "$(gval back changed-swapon-after)"
check_eq "each refused write has a tracepoint, with its reason" \
	"hole=5 shared=4 unwritten=3" "$(gval back trace-refuse)"
check_eq "seal, unseal and the refused reseal have theirs" "1 2 1" \
	"$(gval back trace-seal)"
check_eq "xfs_repair -n 6.1 flags the unknown bit (exit 1)" 1 \
	"$(gval back repair-n-rc)"
check_eq "... once per sealed inode (keep, trunc, fixed, changed, tz)" 5 \
	"$(gval back repair-n-bad)"
check_eq "xfs_repair 6.1 clears the bit (exit 0)" 0 "$(gval back repair-rc)"
check_eq "after xfs_repair the file is unsealed" "unsealed xflag=0 supported=1" \
	"$(gval back fixed-after-repair)"
check_eq "and its data is intact" ok "$(gval back sums-after-repair)"
check_eq "xfs_repair -n is clean afterwards" 0 "$(gval back repair-n2-rc)"
tap_done
