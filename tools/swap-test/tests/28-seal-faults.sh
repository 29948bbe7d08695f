#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 1200
# Faults at each phase of a sealed file's life, on an XFS whose data
# device is a device-mapper device, so that a table swap can fail the
# blocks of one file (dm-flakey error_reads/error_writes over its
# extents, everything else linear) or the whole device, log included
# (dm-error):
#   - seal and unseal do no data I/O: they complete with the file's
#     blocks failing; a seal whose write-back fails answers EIO;
#   - unshare with the shared blocks unreadable: EIO, nothing lost;
#   - swapon with the header unreadable: EIO, and no seal left behind;
#     with writes failing, swapon of an unsealed file answers EIO (its
#     fsync) and of a sealed one completes, as does swapoff; swapoff with
#     the swapped pages unreadable completes, releases the transient
#     seal, and their owner gets SIGBUS, never wrong data;
#   - the log failing under a seal or an unseal: EIO and a shutdown (the
#     only one allowed here), and after recovery the state before it;
# then XFS's own error injection (bmapifmt: the block map read fails;
# buf_ioerror: every metadata write-back fails and is retried), EDQUOT
# over a user quota, ENOSPC over a project quota and on a full
# filesystem, a shutdown at several points of a seal and of a
# preparation, and fsfreeze around a seal and an unseal.  Each time: the
# exact errno, the filesystem up unless the log failed, the file's data
# intact, its map unchanged, and xfs_repair -n clean at the end.  No
# oops, WARN or lockdep report (the run's log check).
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
faults=0
# No udev in the guest: libdevmapper makes the /dev/mapper node.
export DM_DISABLE_UDEV=1
# XFS's log worker, which pushes dirty metadata, every second instead of
# every 30: a filesystem takes the period when it is mounted.
echo 100 > /proc/sys/fs/xfs/xfssyncd_centisecs

SECT=$(blockdev --getsz /dev/vdb)
LINEAR="0 $SECT linear /dev/vdb 0"
fx=/dev/mapper/fx
M=/mnt/f
check "reflink XFS on a device-mapper device" sh -c \
	"dmsetup create fx --table '$LINEAR' && mkfs.xfs -f -q -m reflink=1 $fx &&
	 mkdir -p $M && mount $fx $M"

# dm_swap TABLE: switch fx to TABLE without freezing the filesystem
# (dm's lockfs would write back what the fault is meant to meet).
dm_swap() {
	printf '%s\n' "$1" | dmsetup load fx &&
	dmsetup suspend --nolockfs fx && dmsetup resume fx
}

# fault "reads|writes|reads writes" FILE...: the blocks of the FILEs fail
# those I/Os (dm-flakey, down all the time), the rest of the disk works.
fault() {
	feats=$(echo "$1" | awk '{ printf "%d", NF
		for (i = 1; i <= NF; i++) printf " error_%s", $i }')
	shift
	faults=$((faults + 1))
	dm_swap "$(for f; do sealctl fiemap "$f"; done |
		awk '{ printf "%d %d\n", $2 / 512, $3 / 512 }' | sort -n |
		awk -v end="$SECT" -v feats="$feats" '
		function linear(to) {
			if (to > pos)
				printf "%d %d linear /dev/vdb %d\n", pos, to - pos, pos
		}
		{
			s = $1; e = $1 + $2
			if (e <= pos)
				next
			if (s < pos)
				s = pos
			linear(s)
			printf "%d %d flakey /dev/vdb %d 0 1 %s\n", s, e - s, s, feats
			pos = e
		}
		END { linear(end) }')"
}
no_fault() { dm_swap "$LINEAR"; }

drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# up DIR: the filesystem at DIR still takes a new file.
up() { touch "$1/.up" && rm "$1/.up"; }
state() { sealctl status "$1" | cut -d' ' -f1; }
# intact FILE MD5: FILE, read from the disk, has that md5sum.
intact() { drop; [ "$(md5sum < "$1")" = "$2" ]; }

F=$M/data
dd if=/dev/urandom of=$F bs=1M count=32 status=none
sync
sum=$(md5sum < $F)
map=$(sealctl fiemap $F)

# Seal and unseal: no data I/O.
drop
fault "reads writes" $F
check "the file's blocks failing reads and writes: seal completes" sealctl seal $F
check "... unseal completes" sealctl unseal $F
check "... seal again completes" sealctl seal $F
check "... the filesystem is up" up $M
no_fault
check_eq "... the file is sealed, its map unchanged" "sealed $map" \
	"$(state $F) $(sealctl fiemap $F)"
check "... its data intact" intact $F "$sum"

# A seal whose write-back fails.  A page dirtied once the fault is in
# place: EIO, not sealed; the first fsync after it reports the error
# (no one has seen it yet), and once the page is written again the file
# holds it and nothing else changed.
sealctl unseal $F
fault writes $F
head -c 4096 /dev/urandom > /tmp/page
tail_sum=$(tail -c +4097 $F | md5sum)
dd if=/tmp/page of=$F bs=4k count=1 conv=notrunc status=none
check_err "a seal whose write-back fails: EIO" EIO sealctl seal $F
check "... the filesystem is up" up $M
check_eq "... the file is not sealed" unsealed "$(state $F)"
no_fault
check_fails "... the next fsync reports the write error" \
	dd if=/tmp/page of=$F bs=4k count=1 conv=notrunc,fsync status=none
check "... writing the page again completes" \
	dd if=/tmp/page of=$F bs=4k count=1 conv=notrunc,fsync status=none
check "... the seal completes" sealctl seal $F
drop
check_eq "... the file holds the page and the rest intact" \
	"$(md5sum < /tmp/page) $tail_sum" \
	"$(head -c 4096 $F | md5sum) $(tail -c +4097 $F | md5sum)"
check_eq "... its map unchanged" "$map" "$(sealctl fiemap $F)"
sealctl unseal $F
sum=$(md5sum < $F)

# Unshare with the shared blocks unreadable.
C=$M/clone
cp --reflink=always $F $C
drop
fault reads $F
check_err "unshare with the shared blocks failing reads: EIO" EIO \
	sealctl prepare $C
check "... the filesystem is up" up $M
no_fault
check_err "... the copy still shares blocks: the seal refuses it (EINVAL)" \
	EINVAL sealctl seal $C
check "... its data intact" intact $C "$sum"
check "... unshare completes once the blocks read" sealctl prepare $C
check "... and the copy seals" sealctl seal $C
check "... its data intact" intact $C "$sum"
sealctl unseal $C && rm $C

# swapon and swapoff.
S=$M/swap
make_swapfile $S 64 && sync
drop
fault reads $S
check_err "swapon(2) with the swapfile's header unreadable: EIO" EIO \
	sealctl swapon $S
check_eq "... not active" 0 "$(grep -c "^$S " /proc/swaps)"
check_eq "... no seal left behind" unsealed "$(state $S)"
check "... the filesystem is up" up $M
# dm-flakey fails the device's cache flushes along with the writes
# (an empty flush is a write), so the fsync that swapon does on an
# unsealed file fails; a sealed file's map was committed by the seal and
# needs no fsync.
fault writes $S
check_err "swapon(2) of the unsealed swapfile, writes failing: EIO (its fsync)" \
	EIO sealctl swapon $S
check_eq "... not active, no seal left behind" "0 unsealed" \
	"$(grep -c "^$S " /proc/swaps) $(state $S)"
no_fault
sealctl seal $S
fault writes $S
check "swapon of the sealed swapfile, writes failing, completes" swapon $S
check "... swapoff completes" swapoff $S
check_eq "... the swapfile is still sealed" sealed "$(state $S)"
no_fault
sealctl unseal $S

# swapoff with the swapped pages unreadable: swap_unuse() leaves a
# poisoned entry for a page it could not read, so their owner dies of
# SIGBUS when it touches one instead of reading garbage.
check "swapon" swapon $S
cg=/sys/fs/cgroup/faults
mkdir -p $cg && echo 16M > $cg/memory.max
rm -f /tmp/hog.ready /tmp/hog.go
sh -c "echo \$\$ > $cg/cgroup.procs && exec python3 -c '
import hashlib, os, sys, time
b = bytearray(os.urandom(1 << 20)) * 48
h = hashlib.md5(b).digest()
open(\"/tmp/hog.ready\", \"w\").close()
while not os.path.exists(\"/tmp/hog.go\"):
    time.sleep(0.2)
sys.exit(0 if hashlib.md5(b).digest() == h else 3)
'" & hog=$!
while [ ! -e /tmp/hog.ready ] && kill -0 $hog 2> /dev/null; do sleep 0.2; done
swapped=$(awk '/^VmSwap:/ { print $2 }' /proc/$hog/status)
check "a process with ${swapped:-no} KiB in the swapfile" \
	test "${swapped:-0}" -gt 16384
fault reads $S
echo max > $cg/memory.max
check "swapoff with the swapped pages unreadable completes" swapoff $S
check_eq "... and releases the seal" unsealed "$(state $S)"
touch /tmp/hog.go
rc=0 && wait $hog || rc=$?
check_eq "... their owner gets SIGBUS, not wrong data" 135 $rc
no_fault
check "... swapon completes once the blocks read again" swapon $S
check "... swapoff" swapoff $S

# The log failing: every I/O of the device fails (dm-error).  The seal
# is a synchronous transaction, so the shutdown is the log's own; after
# recovery the file is as it was before the call.
sealctl seal $F
faults=$((faults + 1))
dm_swap "0 $SECT error"
check_err "unseal with the log failing: EIO" EIO sealctl unseal $F
check_fails "... the filesystem is shut down (the log failed)" up $M
no_fault
check "... umount and mount again (log recovery)" sh -c "umount $M && mount $fx $M"
check_eq "... the file is still sealed, its map unchanged" "sealed $map" \
	"$(state $F) $(sealctl fiemap $F)"
check "... its data intact" intact $F "$sum"
sealctl unseal $F
faults=$((faults + 1))
dm_swap "0 $SECT error"
check_err "seal with the log failing: EIO" EIO sealctl seal $F
check_fails "... the filesystem is shut down (the log failed)" up $M
no_fault
check "... umount and mount again (log recovery)" sh -c "umount $M && mount $fx $M"
check_eq "... the file is not sealed, its map unchanged" "unsealed $map" \
	"$(state $F) $(sealctl fiemap $F)"
check "... its data intact" intact $F "$sum"

# XFS error injection (CONFIG_XFS_DEBUG): bmapifmt fails every read of
# the block map with EFSCORRUPTED (EUCLEAN), in the seal's walk and in
# swapon's; neither shuts the filesystem down or leaves a seal.
tags=/sys/fs/xfs/dm-$(dmsetup info -c --noheadings -o minor fx | tr -d ' ')/errortag
# errortag NAME N: XFS fails NAME one time in N (0: never).
errortag() { echo "$2" > "$tags/$1" || not_ok "errortag $1 $2"; }
head -c 4096 $S > /dev/null	# swapon's header read is not the fault
faults=$((faults + 1))
errortag bmapifmt 1
check_err "the block map read failing (errortag bmapifmt): seal answers EUCLEAN" \
	EUCLEAN sealctl seal $F
check_eq "... the file is not sealed" unsealed "$(state $F)"
check_err "... swapon(2) answers EUCLEAN" EUCLEAN sealctl swapon $S
check_eq "... the swapfile is not active, no seal left behind" "0 unsealed" \
	"$(grep -c "^$S " /proc/swaps) $(state $S)"
errortag bmapifmt 0
check "... the filesystem is up" up $M
check "... seal completes once the tag is off" sealctl seal $F
check "... swapon completes" swapon $S
check "... swapoff" swapoff $S
check "... unseal completes" sealctl unseal $F

# buf_ioerror: every asynchronous metadata write fails and XFS retries
# it (the default error configuration).  The seal is in the log already:
# it completes, and the inode's write-back keeps failing until the tag
# is off; the filesystem stays up, and the seal is on disk after umount.
dmesg_mark bufio
faults=$((faults + 1))
errortag buf_ioerror 1
check "metadata write-back failing (errortag buf_ioerror): seal completes" \
	sealctl seal $F
io_failed() { dmesg_since bufio | grep -q 'metadata I/O error'; }
i=0
while ! io_failed && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
check "... the inode's write-back failed" io_failed
check "... the filesystem is up" up $M
errortag buf_ioerror 0
sleep 3
check "... umount" umount $M
xfs_repair -n $fx > /tmp/repair.out 2>&1
check_eq "... xfs_repair -n reports nothing but the seal's bit" "" \
	"$(repair_problems /tmp/repair.out)"
mount $fx $M
check_eq "... the seal is on disk" sealed "$(state $F)"
check "... data intact" intact $F "$sum"
sealctl unseal $F

# A shutdown at several points of a seal that writes back 128 MiB of
# dirty data over a file of 8,192 extents: a seal that returned 0 is on
# disk (a synchronous transaction) with the new data (written back
# before it); one that answered EIO may or may not be, and where it is
# not, each byte is the old or the new one.  The map never changes.
# Round k writes byte 0x41+k over byte 0x40+k.
s=$M/frag
fragfile $s $M/frag-filler $((128 << 20)) 8192 && rm $M/frag-filler
xfs_io -c "pwrite -q -S 0x40 0 128m" -c fsync $s
sealctl prepare $s
smap=$(sealctl fiemap $s)
outcomes= bad= k=0 interrupted=0
for d in 0 0.3 1 2 4; do
	old=$(printf '\\%03o' $((0x40 + k)))
	k=$((k + 1))
	new=$(printf '\\%03o' $((0x40 + k)))
	xfs_io -c "pwrite -q -S $((0x40 + k)) 0 128m" $s
	sealctl seal $s > /tmp/seal.out 2> /dev/null & p=$!
	sleep $d
	faults=$((faults + 1))
	xfs_io -x -c shutdown $M
	rc=0 && wait $p || rc=$?
	err=$(head -n 1 /tmp/seal.out)
	umount $M && mount $fx $M
	st=$(state $s)
	outcomes="$outcomes ${err:-0}:$st"
	case $rc:${err:-0}:$st in
	0:0:sealed) ;;
	1:EIO:sealed|1:EIO:unsealed) interrupted=$((interrupted + 1)) ;;
	*) bad="$bad $d:$rc:${err:-0}:$st" ;;
	esac
	[ "$(sealctl fiemap $s)" = "$smap" ] || bad="$bad $d:map"
	drop
	if [ "$st" = sealed ]; then
		tr -d "$new" < $s | cmp -s - /dev/null || bad="$bad $d:data"
		sealctl unseal $s
	else
		tr -d "$old$new" < $s | cmp -s - /dev/null || bad="$bad $d:data"
		# What the shutdown lost is written again.
		xfs_io -c "pwrite -q -S $((0x40 + k)) 0 128m" -c fsync $s
	fi
done
echo "# shutdowns during a seal (errno:state):$outcomes"
check_eq "a shutdown during a seal, 5 times: a seal that returned 0 is on disk with its data, the map unchanged, no byte but the old or the new" \
	"" "$bad"
check "... at least one shutdown came before the seal returned ($interrupted)" \
	test "$interrupted" -gt 0

# A shutdown while FALLOC_FL_WRITE_ZEROES runs over 512 MiB laid on the
# blocks of a deleted file full of 0xab: after recovery the file reads
# as zeroes (nothing stale exposed) and preparing again completes.
rm $s
xfs_io -f -c "pwrite -q -S 0xab 0 512m" -c fsync $M/stale
rm $M/stale && sync
z=$M/zeroes
fragfile $z $M/z-filler $((512 << 20)) 4096 && rm $M/z-filler
sealctl write-zeroes $z 0 $((512 << 20)) > /dev/null 2>&1 & p=$!
sleep 1
faults=$((faults + 1))
xfs_io -x -c shutdown $M
rc=0 && wait $p || rc=$?
check "a shutdown while writing zeroes: umount and mount again" \
	sh -c "umount $M && mount $fx $M"
echo "# write-zeroes returned $rc; $(sealctl fiemap $z | awk '$4 != "0x0"' | wc -l) extents still unwritten"
check "... the file reads as zeroes: no stale data exposed" \
	cmp -s -n $((512 << 20)) $z /dev/zero
check "... preparing and sealing it complete" sh -c \
	"sealctl prepare $z && sealctl seal $z && sealctl unseal $z"
rm $z

# fsfreeze: a seal (or an unseal) on a frozen filesystem waits for the
# thaw, then completes; a freeze during a seal waits for it.
fsfreeze -f $M
sealctl seal $F & p=$!
sleep 2
check "a seal on a frozen filesystem waits" kill -0 $p
check_eq "... the file is not sealed meanwhile" unsealed "$(state $F)"
fsfreeze -u $M
rc=0 && wait $p || rc=$?
check_eq "... it completes after the thaw" 0 $rc
check_eq "... the file is sealed" sealed "$(state $F)"
fsfreeze -f $M
sealctl unseal $F & p=$!
sleep 2
check "an unseal on a frozen filesystem waits" kill -0 $p
fsfreeze -u $M
rc=0 && wait $p || rc=$?
check_eq "... it completes after the thaw" 0 $rc
check_eq "... the file is not sealed" unsealed "$(state $F)"
check "... data intact" intact $F "$sum"
check "umount" umount $M
check "xfs_repair -n clean after the faults" sh -c "xfs_repair -n $fx > /tmp/repair.out 2>&1"
check_eq "... it reports nothing but the seal's bit" "" "$(repair_problems /tmp/repair.out)"
dmsetup remove fx

# EDQUOT and ENOSPC, on a 320 MiB XFS with user and project quotas:
# preparation and mkswapfile fail with the errno and leave the data as it
# was (and mkswapfile no file); a seal, which allocates nothing,
# completes on a full filesystem, as do swapon and swapoff.  XFS answers
# a project quota with ENOSPC, and root's own ids have no limits, so a
# file of uid 1000 meets the user quota (EDQUOT) and mkswapfile, whose
# files are root's, meets the project quota of its directory.
Q=/mnt/q
check "320 MiB XFS with user and project quotas" sh -c \
	"mkfs.xfs -f -q -d size=320m /dev/vdc && mkdir -p $Q &&
	 mount -o uquota,prjquota /dev/vdc $Q && mkdir $Q/d &&
	 xfs_quota -x -c 'limit -u bhard=16m 1000' \
		-c 'project -s -p $Q/d 42' -c 'limit -p bhard=16m 42' $Q > /dev/null"
g=$Q/file
dd if=/dev/urandom of=$g bs=1M count=4 status=none && truncate -s 64M $g &&
	chown 1000 $g
gsum=$(md5sum < $g)
faults=$((faults + 1))
check_err "preparing a file beyond its owner's quota: EDQUOT" EDQUOT \
	sealctl prepare $g
check_eq "... the file is not sealed" unsealed "$(state $g)"
check "... its data intact" intact $g "$gsum"
faults=$((faults + 1))
check_err "mkswapfile beyond its directory's project quota: ENOSPC" \
	"No space left on device" mkswapfile $Q/d/swapfile 64M
check_eq "... and leaves no file behind" "" "$(ls -A $Q/d)"
xfs_quota -x -c "limit -u bhard=200m 1000" -c "limit -p bhard=200m 42" $Q
check "... preparing completes under a raised quota" sealctl prepare $g
check "... the seal completes" sealctl seal $g
check "... its data intact" intact $g "$gsum"
check "... mkswapfile completes" mkswapfile $Q/d/swapfile 64M
sealctl unseal $g
rm -f $Q/d/swapfile $g

r=$Q/ready
dd if=/dev/urandom of=$r bs=1M count=16 status=none && chmod 600 $r &&
	mkswap $r > /dev/null && sync
rsum=$(md5sum < $r)
x=$Q/sparse
dd if=/dev/urandom of=$x bs=1M count=4 status=none && truncate -s 512M $x
xsum=$(md5sum < $x)
faults=$((faults + 1))
check_err "preparing a file larger than the free space: ENOSPC" ENOSPC \
	sealctl prepare $x
check_eq "... the file is not sealed" unsealed "$(state $x)"
check "... its data intact" intact $x "$xsum"
# Fill it with allocations of decreasing size: XFS reserves a whole
# fallocate's blocks at once, and unlike buffered writes these leave no
# preallocation that could be given back.
i=0
for sz in 64M 16M 4M 1M 256K 64K 4K; do
	while fallocate -l $sz $Q/fill.$i 2> /dev/null; do i=$((i + 1)); done
done
check_err "the filesystem is full: allocating 1 MiB more fails" \
	"No space left on device" fallocate -l 1M $Q/more
check "... swapon and swapoff of an unsealed swapfile complete (the transient seal)" \
	sh -c "swapon $r && swapoff $r"
check "... a seal of it completes (it allocates nothing)" sealctl seal $r
check "... swapon and swapoff of it sealed complete" sh -c "swapon $r && swapoff $r"
check "... unseal completes" sealctl unseal $r
check "... the data intact" intact $r "$rsum"
check "umount" umount $Q
check "xfs_repair -n clean after EDQUOT and ENOSPC" sh -c \
	"xfs_repair -n /dev/vdc > /tmp/repair.out 2>&1"
check_eq "... it reports nothing but the seal's bit" "" "$(repair_problems /tmp/repair.out)"
echo "# faults injected: $faults"
tap_done
