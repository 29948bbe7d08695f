#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 2400
# Crash consistency at every write.  XFS runs on dm-log-writes, which
# logs every write that reaches the disk (non-FUA writes at the next
# flush, in the order they completed; write-zeroes as a write of zeroes);
# each state-changing step (the preparation by allocate, unshare and
# FALLOC_FL_WRITE_ZEROES, seal, unseal, seal of a file just written over
# its unwritten extents, swapon with its transient seal, swapoff,
# mkswapfile from nothing, swapon and swapoff of that sealed swapfile,
# umount) is bracketed by a mark and ends with sync.  The disks start
# filled with a pattern and mkfs does not discard, so blocks that were
# never written read back as the pattern, not as zeroes.  Then
# logreplay brings a second disk and a copy of it to the state after
# each write of the log in turn (every prefix of the log is a state a
# crash can leave); the copy is mounted (log recovery) and checked
# through a second log-writes device, whose log says which blocks the
# check wrote: logreplay restores them from the second disk before the
# next write is replayed.  The checks:
#   - every file holds its data, and no file shows the pattern: nothing
#     stale is exposed; f and s sit on the blocks they had before the
#     first step;
#   - a sealed file has its final map (written, unshared extents from 0
#     to EOF: never holes, unwritten, delayed or shared extents), and a
#     file sealed after a write holds that write;
#   - each file is in the state the step before left or the one its
#     step leaves, never back once changed, and in the latter at the
#     step's last write; the transient seal of swapon never reaches the
#     disk;
#   - mkswapfile's file is absent or whole: sealed, final, of its size,
#     a swap header and zeroes after it;
#   - xfs_repair -n reports nothing but the seal's bit on exactly the
#     sealed files (Debian's xfs_repair 6.1 does not know the bit), and
#     xfs_scrub -n on the patched kernel finds nothing.
# The checks must fail where they should: a seal's bit set by xfs_db on a
# file of unwritten extents, and the pattern put back where a
# write-zeroes wrote zeroes.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH" LC_ALL=C
data=/dev/vdd replay=/dev/vdc copy=/dev/vdb
mnt=/mnt/x chk=/mnt/c
mkdir -p $mnt $chk
sectors=$(blockdev --getsz $data)
mib=$((sectors / 2048))
# Two logs on the first disk: the recorded run's, and the check's.
export DM_DISABLE_UDEV=1
half=$(($(blockdev --getsz /dev/vda) / 2))
dmsetup create runlog --table "0 $half linear /dev/vda 0" &&
	dmsetup create chklog --table "0 $half linear /dev/vda $half" ||
	exit 1
logdev=/dev/mapper/runlog
STEPS="allocate unshare zero seal unseal reseal write-seal seal-p swapon swapoff mkswapfile swapon-m swapoff-m umount"

# final FILE: the map covers [0, EOF) with written, unshared extents.
final() {
	sealctl fiemap "$1" | awk -v size="$(stat -c %s "$1")" '
		$1 != end || $4 != "0x0" { bad = 1 }
		{ end = $1 + $3 }
		END { exit bad || end < size }'
}

sealed() { [ "$(sealctl status "$1" | cut -d' ' -f1)" = sealed ]; }

# state FILE: sealed, final (unsealed, final map), holes (unsealed, not
# final) or absent.
state() {
	if [ ! -e "$1" ]; then
		echo absent
	elif sealed "$1"; then
		echo sealed
	elif final "$1"; then
		echo final
	else
		echo holes
	fi
}

# The pattern the disks start with: 0xaa, octal 252.
for d in $data $replay $copy; do
	tr '\0' '\252' < /dev/zero |
		dd of=$d bs=1M count=$mib iflag=fullblock oflag=direct status=none
done
# stale FILE: FILE holds a run of 64 bytes of the pattern.
run64=$(printf '%64s' | tr ' ' '\252')
stale() { grep -qaF "$run64" "$1"; }

# Record.  No udev in the guest: libdevmapper makes the /dev/mapper node.
check "log-writes over the data disk" \
	dmsetup create lw --table "0 $sectors log-writes $data $logdev"
lw=/dev/mapper/lw
lwdev=$(dmsetup info -c --noheadings -o major,minor --separator : lw)
check "log-writes takes write-zeroes" \
	test "$(cat /sys/dev/block/$lwdev/queue/write_zeroes_max_bytes)" -gt 0
mark() { dmsetup message lw 0 mark "$1"; }
mkfs.xfs -f -q -K -m reflink=1 $lw && mark setup && mount $lw $mnt || exit 1
head -c 8M /dev/urandom > /tmp/f.data
dd if=/tmp/f.data of=$mnt/f bs=1M conv=fsync status=none
fallocate -l 8M $mnt/s && chmod 600 $mnt/s && mkswap -q $mnt/s
# p: data, holes and blocks shared with another file, for preparation.
xfs_io -f -c "pwrite -q -S 0x61 0 1M" -c "pwrite -q -S 0x62 4M 1M" \
	-c "truncate 8M" $mnt/p
xfs_io -f -c "pwrite -q -S 0x63 0 1M" $mnt/donor
xfs_io -c "reflink $mnt/donor 0 2M 1M" $mnt/p
# q: unwritten extents, to be written and sealed at once.
fallocate -l 4M $mnt/q
xfs_io -f -c "pwrite -q -S 0x71 0 4M" /tmp/q.data > /dev/null
sync
for f in f s p; do
	md5sum < $mnt/$f > /tmp/sum.$f
	sealctl fiemap $mnt/$f > /tmp/map.$f
done
md5sum < /tmp/q.data > /tmp/sum.q
check_eq "before the steps: p is not final, q is unwritten" "holes holes" \
	"$(state $mnt/p) $(state $mnt/q)"

run_step() {
	mark "$1"
	shift
	check "record: $*" "$@" && sync
}
# The preparation of sealctl prepare: allocate, unshare, then
# FALLOC_FL_WRITE_ZEROES over what is unwritten.
run_step allocate fallocate -l 8M $mnt/p
run_step unshare xfs_io -c "funshare 0 8M" $mnt/p
run_step zero sh -c "sealctl write-zeroes $mnt/p $((1 << 20)) $((1 << 20)) &&
	sealctl write-zeroes $mnt/p $((3 << 20)) $((1 << 20)) &&
	sealctl write-zeroes $mnt/p $((5 << 20)) $((3 << 20))"
sealctl fiemap $mnt/p > /tmp/map.p
run_step seal sealctl seal $mnt/f
run_step unseal sealctl unseal $mnt/f
run_step reseal sealctl seal $mnt/f
# Written (buffered, no fsync) and sealed in one go: the seal must make
# the data durable before the seal is.
run_step write-seal sh -c "dd if=/tmp/q.data of=$mnt/q bs=1M conv=notrunc status=none && sealctl seal $mnt/q"
run_step seal-p sealctl seal $mnt/p
run_step swapon swapon $mnt/s
run_step swapoff swapoff $mnt/s
run_step mkswapfile mkswapfile $mnt/m 8M
run_step swapon-m swapon $mnt/m
run_step swapoff-m swapoff $mnt/m
mark umount
umount $mnt
check_eq "the log did not run out of space" "" \
	"$(dmesg | grep -i 'ran out of space')"
check "log-writes removed" dmsetup remove lw

# The state of "f p q m" each step leaves.
leaves() {
	case $1 in
	setup | allocate | unshare) echo "final holes holes absent" ;;
	zero | unseal)	echo "final final holes absent" ;;
	seal | reseal)	echo "sealed final holes absent" ;;
	write-seal)	echo "sealed final sealed absent" ;;
	seal-p | swapon | swapoff) echo "sealed sealed sealed absent" ;;
	*)		echo "sealed sealed sealed sealed" ;;
	esac
}
# observe STEP: "f p q m" states of the mounted copy, then what is wrong
# with it, if anything.
observe() {
	bad= states=
	for f in f s p q m; do
		st=$(state $chk/$f)
		states="$states $f=$st"
		[ $st = absent ] && continue
		stale $chk/$f && bad="$bad $f:stale"
		[ $st = sealed ] && ! final $chk/$f &&
			bad="$bad $f:sealed-not-final"
	done
	for f in f s p; do
		md5sum < $chk/$f | cmp -s - /tmp/sum.$f || bad="$bad $f:data"
	done
	for f in f s; do
		sealctl fiemap $chk/$f | cmp -s - /tmp/map.$f || bad="$bad $f:moved"
	done
	case $1 in allocate | unshare | zero) ;; *)
		sealctl fiemap $chk/p | cmp -s - /tmp/map.p || bad="$bad p:moved"
	esac
	[ "$(st_of s)" = sealed ] && bad="$bad s:sealed"
	# q holds zeroes or its data, whole once sealed.
	if [ "$(st_of q)" = sealed ]; then
		md5sum < $chk/q | cmp -s - /tmp/sum.q || bad="$bad q:data"
	else
		tr -d '\000\161' < $chk/q | cmp -s - /dev/null || bad="$bad q:data"
	fi
	if [ -e $chk/m ]; then
		[ "$(stat -c %s $chk/m)" = $((8 << 20)) ] &&
		[ "$(dd if=$chk/m bs=1 skip=4086 count=10 status=none)" = SWAPSPACE2 ] &&
		tail -c +4097 $chk/m | tr -d '\000' | cmp -s - /dev/null ||
			bad="$bad m:partial"
	fi
	# The inodes xfs_repair 6.1 will call bad: the sealed ones.
	for f in f p q m; do
		[ "$(st_of $f)" = sealed ] && stat -c %i $chk/$f
	done | sort -n > /tmp/sealed.ino
	xfs_scrub -n $chk > /tmp/scrub.out 2>&1 ||
		bad="$bad scrub:$(grep -v '^Info' /tmp/scrub.out | head -n 1 | tr ' ' _)"
	echo "$(st_of f) $(st_of p) $(st_of q) $(st_of m)$bad"
}
# st_of F: the state observe found F in.
st_of() {
	st=${states#*" $1="}
	echo "${st%% *}"
}

# point STEP INDEX: check the state of the replay disk on the copy,
# then undo what the check wrote.
point() {
	dmsetup create chk --table "0 $sectors log-writes $copy /dev/mapper/chklog" ||
		exit 1
	check_copy "$@"
	dmsetup remove chk &&
		logreplay restore /dev/mapper/chklog $replay $copy || exit 1
}
check_copy() {
	if ! mount -t xfs /dev/mapper/chk $chk 2> /tmp/mount.err; then
		echo "$1 $2 MOUNT: $(head -n 1 /tmp/mount.err | tr ' ' _)" >> /tmp/results
		return
	fi
	bad= got= step=$1 idx=$2
	if [ "$1" = setup ]; then
		: > /tmp/sealed.ino
	else
		set -- "$1" "$2" $(observe "$1")
		got="$3 $4 $5 $6"
		shift 6
		bad=${*:+ $*}
	fi
	umount $chk
	xfs_repair -n /dev/mapper/chk > /tmp/repair.out 2>&1
	problem=$(repair_problems /tmp/repair.out | head -n 1)
	[ -z "$problem" ] || bad="$bad repair:$(echo "$problem" | tr ' ' _)"
	repair_flags2_inodes /tmp/repair.out | cmp -s - /tmp/sealed.ino ||
		bad="$bad repair:flags2-not-the-sealed-inodes"
	echo "$step $idx $got${bad:+ BAD:$bad}" >> /tmp/results
}

logreplay list $logdev > /tmp/marks
echo "# $(tail -n 1 /tmp/marks) in the log, $(grep -c -E 'flush|fua' /tmp/marks) of them flush or FUA writes"
# Every write after mkfs is a point.
step= next=0 t0=$(date +%s)
: > /tmp/results
n=$(tail -n 1 /tmp/marks | cut -d' ' -f2)
i=0
while [ $i -lt "$n" ]; do
	kind=$(awk -v i=$i '$1 == i { print $2; exit }' /tmp/marks)
	if [ "$kind" = mark ]; then
		step=$(awk -v i=$i '$1 == i { print $3; exit }' /tmp/marks)
	else
		for d in $replay $copy; do
			logreplay replay $logdev $d $next $i < /dev/null ||
				exit 1
		done
		next=$((i + 1))
		[ -z "$step" ] || [ "$step" = dm-log-writes-end ] ||
			point "$step" "$i${kind:+-$kind}" < /dev/null
	fi
	i=$((i + 1))
done
sed 's/^/# point: /' /tmp/results
echo "# $(grep -c . /tmp/results) points checked in $(($(date +%s) - t0)) s"
# Compare what is on the disks, not what is cached of them.
blockdev --flushbufs $data $replay $copy
check "the replayed disk is the disk the log was made from" \
	cmp -n $((sectors * 512)) $replay $data
check "the copy, restored after each check, is the replayed disk" \
	cmp -n $((sectors * 512)) $copy $replay

prev=
for s in setup $STEPS; do
	from=$prev prev=$s
	pts=$(awk -v s="$s" '$1 == s' /tmp/results)
	n=$(echo "$pts" | grep -c .)
	nf=$(echo "$pts" | grep -c -E '^[^ ]+ [0-9]+-')
	b=$(echo "$pts" | grep -c -E ' BAD:| MOUNT:')
	echo "# $s: $n writes, $nf of them flush or FUA"
	if [ "$n" = 0 ]; then
		# Nothing to crash in: the state is the step before's.
		check "$s: writes nothing to the disk (its mark is in the log)" \
			grep -q " mark $s\$" /tmp/marks
		continue
	fi
	check "$s: a crash after each of its $n writes recovers consistent" \
		test "$b" = 0
	[ $s = setup ] && continue
	# From the state the step before left to the one it leaves, never
	# back, and there at the step's last write.
	from=$(leaves "$from")
	to=$(leaves $s)
	# Per file: from, then to; holes become sealed through final.
	wrong=
	set -- $from
	for c in 3 4 5 6; do
		t=$(echo $to | cut -d' ' -f$((c - 2)))
		seq=$(echo "$pts" | cut -d' ' -f$c | uniq | tr '\n' ,)
		case $seq in
		"$t," | "$1,$t,") ;;
		"final,$t," | "$1,final,$t,") [ "$1/$t" = holes/sealed ] ||
			wrong="$wrong $seq" ;;
		*) wrong="$wrong $seq" ;;
		esac
		shift
	done
	check_eq "$s: from the state before to its own, never back" "" "$wrong"
done

# The checks can fail: on the copy of the last point, xfs_db sets the
# seal's bit on s, whose extents are unwritten; s must be reported, and
# so must its inode among those xfs_repair calls bad.
ino=$(mount -t xfs $copy $chk && stat -c %i $chk/s && umount $chk)
v=$(xfs_db -c "inode $ino" -c "print v3.flags2" $copy | sed "s/.* = //")
xfs_db -x -c "inode $ino" -c "write v3.flags2 $(printf 0x%x $((v | (1 << 62))))" \
	$copy > /dev/null
mount -t xfs $copy $chk && got=$(observe umount) && umount $chk
xfs_repair -n $copy > /tmp/repair.out 2>&1
check "the checks find a seal on a file that cannot be sealed" \
	sh -c "echo '$got' | grep -q 's:sealed'"
check_eq "... and xfs_repair calling an inode other than the sealed ones bad" \
	"$ino" "$(repair_flags2_inodes /tmp/repair.out | grep -x "$ino")"
# ... and a write-zeroes lost: the pattern put back on one block of the
# range of p that the zero step wrote zeroes over must be found stale.
phys=$(mount -t xfs $copy $chk && sealctl fiemap $chk/p |
	awk -v o=$((1 << 20)) '$1 <= o && o < $1 + $3 { print $2 + o - $1 }' &&
	umount $chk)
head -c 4096 /dev/zero | tr '\000' '\252' |
	dd of=$copy bs=4096 seek=$((phys / 4096)) oflag=direct status=none
mount -t xfs $copy $chk && got=$(observe umount) && umount $chk
check "the checks find the pattern in p where a write-zeroes was lost" \
	sh -c "echo '$got' | grep -q 'p:stale'"
tap_done
