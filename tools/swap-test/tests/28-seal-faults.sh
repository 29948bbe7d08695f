#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 2400
# Faults at each phase of a sealed file's life, on an XFS whose data
# device is a device-mapper device, so that a table swap can fail the
# blocks of one file (dm-flakey error_reads/error_writes/drop_writes over
# its extents, everything else linear) or the whole device, log included
# (dm-error):
#   - seal and unseal do no data I/O: they complete with the file's
#     blocks failing reads and dropping writes; a seal whose write-back
#     fails answers EIO;
#   - unshare with the shared blocks unreadable: EIO, nothing lost;
#   - swapon with the header unreadable: EIO; with writes failing,
#     swapon of an unsealed file answers EIO (its fsync's flush) and of
#     a sealed one completes, as does swapoff; swapoff with the swapped
#     pages unreadable completes, releases the transient seal, and their
#     owner gets SIGBUS, never wrong data;
#   - the log failing under a seal or an unseal: EIO and a shutdown (the
#     only one allowed here), and after recovery the state before it;
# then XFS's own error injection (bmapifmt: the block map read fails;
# buf_ioerror: every metadata write-back fails and is retried, around a
# seal and an unseal), EDQUOT over a user quota, ENOSPC over a project
# quota and on a full filesystem, a shutdown at five delays into a seal
# and one into a preparation's write-zeroes, a freeze during a seal, and
# a seal and an unseal on a frozen filesystem.  Each time: the exact
# errno, the filesystem up unless the log failed, the file's data intact,
# its map unchanged, and xfs_repair -n clean at the end.  No oops, WARN
# or lockdep report (the run's log check).  The preparation's
# write-zeroes is not failed through device-mapper: dm-flakey and
# dm-error have no write-zeroes, so a table with them answers EOPNOTSUPP;
# 23-seal-fail fails it with fail_make_request.
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

# fault "FEATURE..." FILE...: the blocks of the FILEs get dm-flakey's
# FEATUREs (error_reads, error_writes, drop_writes; down all the time),
# the rest of the disk works.  dm-flakey fails (or drops) the device's
# cache flushes along with the writes: an empty flush is a write.
fault() {
	feats=$(echo "$1" | awk '{ printf "%d %s", NF, $0 }')
	shift
	faults=$((faults + 1))
	over "flakey /dev/vdb @ 0 1 $feats" "$@"
	dmsetup table fx | grep -q " flakey " || not_ok "fault $feats in place"
}
# over TARGET FILE...: the blocks of the FILEs mapped by TARGET, where @
# is their first sector on /dev/vdb; the rest of the disk linear.
# over_span TARGET FILE: the same over all sectors from FILE's first
# block to its last (one target, where a fragmented file would need
# thousands).
over() {
	tmpl=$1
	shift
	for f; do sealctl fiemap "$f"; done |
		awk '{ printf "%d %d\n", $2 / 512, $3 / 512 }' | table "$tmpl"
}
over_span() {
	sealctl fiemap "$2" | awk 'NR == 1 || $2 < s { s = $2 }
		$2 + $3 > e { e = $2 + $3 }
		END { printf "%d %d\n", s / 512, (e - s) / 512 }' | table "$1"
}
# table TARGET: load the table of the "START SECTORS" ranges on stdin.
table() {
	tmpl=$1
	dm_swap "$(sort -n |
		awk -v end="$SECT" -v tmpl="$tmpl" '
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
			t = tmpl
			gsub("@", s, t)
			printf "%d %d %s\n", s, e - s, t
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

# Seal and unseal: no data I/O.  Reads of the file's blocks fail and
# writes to them are dropped (so are flushes, which complete): a seal
# that wrote data there would lose it, which the check after would see.
drop
fault "error_reads drop_writes" $F
check_fails "the file's blocks failing reads (the fault is in place)" \
	dd if=$F of=/dev/null bs=4k count=1 iflag=direct status=none
check "... seal completes" sealctl seal $F
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
# holds it and nothing else changed.  The log, elsewhere on the disk,
# keeps working: its writes carry a cache flush, which dm-flakey fails,
# but dm core reissues the data of a flush with data without looking at
# the flush's status (dm_io_complete()).
sealctl unseal $F
fault error_writes $F
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
fault error_reads $F
check_err "unshare with the shared blocks failing reads: EIO" EIO \
	sealctl prepare $C
check "... the filesystem is up" up $M
no_fault
dmesg_mark shared
check_err "... the copy still shares blocks: the seal refuses it (EINVAL)" \
	EINVAL sealctl seal $C
check "... and says so" sh -c \
	"dmesg | sed -n '/swaptest-mark shared\$/,\$p' | grep -q 'has shared extents'"
check "... its data intact" intact $C "$sum"
check "... unshare completes once the blocks read" sealctl prepare $C
check "... and the copy seals" sealctl seal $C
check "... its data intact" intact $C "$sum"
sealctl unseal $C && rm $C

# swapon and swapoff.
S=$M/swap
make_swapfile $S 64 && sync
drop
fault error_reads $S
check_err "swapon(2) with the swapfile's header unreadable: EIO" EIO \
	sealctl swapon $S
check_eq "... not active" 0 "$(grep -c "^$S " /proc/swaps)"
check "... the filesystem is up" up $M
# Writes failing: swapon's fsync of an unsealed file, with nothing of the
# inode in the log (sync first), sends an empty cache flush, which fails;
# a sealed file's map was committed by the seal and needs no fsync.
no_fault
sync
fault error_writes $S
check_err "swapon(2) of the unsealed swapfile, writes failing: EIO (its fsync)" \
	EIO sealctl swapon $S
active() { grep -q "^$1 " /proc/swaps; }
active $S && swapoff $S
no_fault
sealctl seal $S
fault error_writes $S
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
fault error_reads $S
echo max > $cg/memory.max
check "swapoff with the swapped pages unreadable completes" swapoff $S
check_eq "... and releases the seal" unsealed "$(state $S)"
touch /tmp/hog.go
rc=0 && wait $hog || rc=$?
check_eq "... their owner gets SIGBUS, not wrong data" 135 $rc
no_fault
rmdir $cg && rm -f /tmp/hog.ready /tmp/hog.go
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
check_eq "... the swapfile is not active" 0 "$(grep -c "^$S " /proc/swaps)"
errortag bmapifmt 0
check "... the filesystem is up" up $M
check "... seal completes once the tag is off" sealctl seal $F
check "... swapon completes" swapon $S
check "... swapoff" swapoff $S
check "... unseal completes" sealctl unseal $F

# buf_ioerror: every asynchronous metadata write fails and XFS retries
# it (the default error configuration).  A seal or an unseal is in the
# log once it returns: it completes, the inode's write-back keeps failing
# until the tag is off, the filesystem stays up, and after umount the
# inode is written with the new state: xfs_repair 6.1 calls the sealed
# inode's flags2 bad (it does not know the bit), and no inode after the
# unseal.
ino=$(stat -c %i $F)
io_failed() { dmesg_since "$1" | grep -q 'metadata I/O error'; }
for op in seal unseal; do
	dmesg_mark buf-$op
	faults=$((faults + 1))
	errortag buf_ioerror 1
	check "metadata write-back failing (errortag buf_ioerror): $op completes" \
		sealctl $op $F
	i=0
	while ! io_failed buf-$op && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
	check "... the inode's write-back failed" io_failed buf-$op
	check "... the filesystem is up" up $M
	errortag buf_ioerror 0
	check "... umount" umount $M
	xfs_repair -n $fx > /tmp/repair.out 2>&1
	check_eq "... xfs_repair -n reports nothing but the seal's bit" "" \
		"$(repair_problems /tmp/repair.out)"
	want=$([ $op = seal ] && echo "$ino")
	check_eq "... the inode is $op""ed on disk" "$want" \
		"$(repair_flags2_inodes /tmp/repair.out)"
	mount $fx $M
	check "... data intact" intact $F "$sum"
done

# A shutdown at several points of a seal that writes back 128 MiB of
# dirty data over a fragmented file: a seal that returned 0 is on disk
# (a synchronous transaction) with the new data (written back before
# it); one that answered EIO may or may not be, and where it is not,
# each byte is the old or the new one.  The map never changes.  Round k
# writes byte 0x41+k over byte 0x40+k.  Background write-back is held
# off (it would write the data before the seal does), and dm-delay holds
# each write to the file's blocks (and to what lies between them) for
# 3 s, so that the seal's write-back lasts that long whatever the host's
# speed.
s=$M/frag
fragfile $s $M/frag-filler $((128 << 20)) 8192 && rm $M/frag-filler
xfs_io -c "pwrite -q -S 0x40 0 128m" -c fsync $s
sealctl prepare $s
smap=$(sealctl fiemap $s)
echo 0 > /proc/sys/vm/dirty_writeback_centisecs
echo 60 > /proc/sys/vm/dirty_background_ratio
echo 80 > /proc/sys/vm/dirty_ratio
# until_in PID CMD...: wait until CMD succeeds, while PID lives, at most
# 30 s.  in_fallocate PID: until PID sleeps in fallocate(2) (285).
until_in() {
	u_pid=$1 u_end=$(($(date +%s) + 30))
	shift
	until "$@"; do
		kill -0 $u_pid 2> /dev/null && [ "$(date +%s)" -lt $u_end ] ||
			return 1
		sleep 0.1
	done
}
in_fallocate() { until_in $1 grep -q '^285 ' /proc/$1/syscall; }
outcomes= bad= k=0 interrupted=0
for d in 0 0.5 1 2 8; do
	old=$(printf '\\%03o' $((0x40 + k)))
	k=$((k + 1))
	new=$(printf '\\%03o' $((0x40 + k)))
	# The table first: FIEMAP_FLAG_SYNC would write the data back.
	over_span "delay /dev/vdb @ 0 /dev/vdb @ 3000" $s
	xfs_io -c "pwrite -q -S $((0x40 + k)) 0 128m" $s
	sealctl seal $s > /tmp/seal.out 2> /tmp/seal.err & p=$!
	sleep $d
	faults=$((faults + 1))
	xfs_io -x -c shutdown $M
	rc=0 && wait $p || rc=$?
	err=$(head -n 1 /tmp/seal.out)
	# Before sealctl opened the file: it never called the seal.
	grep -q "^sealctl: open" /tmp/seal.err && err=open
	umount $M && no_fault && mount $fx $M ||
		{ bad="$bad $d:remount"; break; }
	st=$(state $s)
	outcomes="$outcomes ${err:-0}:$st"
	case $rc:${err:-0}:$st in
	0:0:sealed | 1:open:unsealed) ;;
	1:EIO:sealed|1:EIO:unsealed) interrupted=$((interrupted + 1)) ;;
	*) bad="$bad $d:$rc:${err:-0}:$st" ;;
	esac
	[ "$(sealctl fiemap $s)" = "$smap" ] || bad="$bad $d:map"
	drop
	if [ "$st" = sealed ]; then
		tr -d "$new" < $s | cmp -s - /dev/null || bad="$bad $d:data"
		sealctl unseal $s || bad="$bad $d:unseal"
	else
		tr -d "$old$new" < $s | cmp -s - /dev/null || bad="$bad $d:data"
		# What the shutdown lost is written again.
		xfs_io -c "pwrite -q -S $((0x40 + k)) 0 128m" -c fsync $s
	fi
done
echo "# shutdowns during a seal, after 0, 0.5, 1, 2 and 8 s (errno:state):$outcomes"
check_eq "a shutdown at five delays into a seal: a seal that returned 0 is on disk with its data, the map unchanged, no byte but the old or the new" \
	"" "$bad"
check "... at least one shutdown came before the seal returned ($interrupted)" \
	test "$interrupted" -gt 0

# A freeze during a seal (its write-back held 3 s by dm-delay) waits for
# it: the seal completes, then the freeze.
over_span "delay /dev/vdb @ 0 /dev/vdb @ 3000" $s
xfs_io -c "pwrite -q -S 0x7a 0 128m" $s
sealctl seal $s & p=$!
in_fallocate $p
check "a freeze during a seal of 128 MiB of dirty data completes" fsfreeze -f $M
rc=0 && wait $p || rc=$?
check_eq "... after the seal, which completed" "0 sealed" "$rc $(state $s)"
fsfreeze -u $M
no_fault
sealctl unseal $s
echo 500 > /proc/sys/vm/dirty_writeback_centisecs
echo 10 > /proc/sys/vm/dirty_background_ratio
echo 20 > /proc/sys/vm/dirty_ratio

# A shutdown while FALLOC_FL_WRITE_ZEROES runs over 512 MiB laid on the
# blocks of a deleted file full of 0xab: it answers EIO, after recovery
# the file reads as zeroes (nothing stale exposed) and preparing again
# completes.
rm $s
xfs_io -f -c "pwrite -q -S 0xab 0 512m" -c fsync $M/stale
sealctl fiemap $M/stale | awk '{ print $2, $2 + $3 }' > /tmp/stale.map
rm $M/stale && sync
z=$M/zeroes
fragfile $z $M/z-filler $((512 << 20)) 4096 && rm $M/z-filler
# z must lie on some of those blocks, or the cell proves nothing.
check "a 512 MiB file of 4,096 unwritten extents on the blocks of a deleted file of 0xab" \
	sh -c "sealctl fiemap $z | awk 'NR == FNR { s[NR] = \$1; e[NR] = \$2; n = NR; next }
		{ for (i = 1; i <= n; i++) if (\$2 < e[i] && \$2 + \$3 > s[i]) f = 1 }
		END { exit !f }' /tmp/stale.map -"
sealctl write-zeroes $z 0 $((512 << 20)) > /tmp/wz.out 2> /dev/null & p=$!
in_fallocate $p
sleep 1
faults=$((faults + 1))
xfs_io -x -c shutdown $M
rc=0 && wait $p || rc=$?
check_eq "... a shutdown while writing zeroes over it: EIO" "1 EIO" "$rc $(cat /tmp/wz.out)"
check "... umount and mount again" sh -c "umount $M && mount $fx $M"
left=$(sealctl fiemap $z | awk '$4 != "0x0"' | wc -l)
check "... it stopped part way: $left of 4,096 extents still unwritten" \
	test "$left" -gt 0 -a "$left" -lt 4096
check "... the file reads as zeroes: no stale data exposed" \
	cmp -s -n $((512 << 20)) $z /dev/zero
check "... preparing and sealing it complete" sh -c \
	"sealctl prepare $z && sealctl seal $z && sealctl unseal $z"
rm $z

# fsfreeze: a seal (or an unseal) on a frozen filesystem waits for the
# thaw on the superblock's freeze lock (already in open(2) for writing,
# as any writer), then completes.
# frozen PID: PID waits for the freeze lock.
frozen() { grep -qE 'percpu_rwsem_wait|__percpu_down_read' /proc/$1/stack; }
fsfreeze -f $M
sealctl seal $F & p=$!
check "a seal on a frozen filesystem waits for the thaw" until_in $p frozen $p
check_eq "... the file is not sealed meanwhile" unsealed "$(state $F)"
fsfreeze -u $M
rc=0 && wait $p || rc=$?
check_eq "... it completes after the thaw" 0 $rc
check_eq "... the file is sealed" sealed "$(state $F)"
fsfreeze -f $M
sealctl unseal $F & p=$!
check "an unseal on a frozen filesystem waits for the thaw" until_in $p frozen $p
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
# refused_prepare WHAT ERRNO FILE: preparing FILE fails with ERRNO, and
# FILE stays unsealed with its data intact.
refused_prepare() {
	r_sum=$(md5sum < "$3")
	faults=$((faults + 1))
	check_err "$1: $2" "$2" sealctl prepare "$3"
	check_eq "... the file is not sealed" unsealed "$(state "$3")"
	check "... its data intact" intact "$3" "$r_sum"
}
check "320 MiB XFS with user and project quotas" sh -c \
	"mkfs.xfs -f -q -d size=320m /dev/vdc && mkdir -p $Q &&
	 mount -o uquota,prjquota /dev/vdc $Q && mkdir $Q/d &&
	 xfs_quota -x -c 'limit -u bhard=16m 1000' \
		-c 'project -s -p $Q/d 42' -c 'limit -p bhard=16m 42' $Q > /dev/null"
g=$Q/file
dd if=/dev/urandom of=$g bs=1M count=4 status=none && truncate -s 64M $g &&
	chown 1000 $g
gsum=$(md5sum < $g)
refused_prepare "preparing a file beyond its owner's quota" EDQUOT $g
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
refused_prepare "preparing a file larger than the free space" ENOSPC $x
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
