#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 900
# The XFS-only refusals and the failure paths of sealing: extent swap,
# xfs_fsr and exchange-range on a sealed file (and exchange-range on an
# active swapfile); online scrub accepting
# sealed files; the seal refusing a map that is not final, and a caught
# signal not interrupting it, SIGKILL stopping FALLOC_FL_WRITE_ZEROES with
# nothing stale exposed; write errors while writing zeroes and while
# sealing (EIO, fail_make_request) leave the filesystem mounted and the
# file unsealed with its data intact, and preparing and sealing again
# complete; a v4 XFS and a realtime file cannot seal.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
BUSY="Text file busy"

check "reflink XFS" mkfs_mount xfs /dev/vda /mnt/x
f=/mnt/x/sealed
dd if=/dev/urandom of=$f bs=1M count=4 status=none
dd if=/dev/urandom of=/mnt/x/other bs=1M count=4 status=none
check "seal" sealctl seal $f
map=$(sealctl fiemap $f)
check_err "XFS_IOC_SWAPEXT with the sealed file as donor" "$BUSY" \
	xfs_io -c "swapext $f" /mnt/x/other
check_err "XFS_IOC_SWAPEXT into the sealed file" "$BUSY" \
	xfs_io -c "swapext /mnt/x/other" $f
check_err "chattr +r (realtime) on a sealed file" "$BUSY" xfs_io -c "chattr +r" $f
# xfs_fsr only calls XFS_IOC_SWAPEXT on a file it can defragment: use
# one of 200 extents, and first check that it does defragment the same
# file unsealed, so that the sealed run cannot pass by doing nothing.
fsr=/mnt/x/frag
fragfile $fsr /mnt/x/fsr-filler $((32 << 20)) 200
rm /mnt/x/fsr-filler
n0=$(sealctl fiemap $fsr | wc -l)
fragfile /mnt/x/fsr-twin /mnt/x/fsr-filler2 $((32 << 20)) 200
rm /mnt/x/fsr-filler2
xfs_fsr /mnt/x/fsr-twin > /dev/null 2>&1
check "xfs_fsr defragments an unsealed file ($(sealctl fiemap /mnt/x/fsr-twin | wc -l) extents)" \
	test "$(sealctl fiemap /mnt/x/fsr-twin | wc -l)" -lt 100
check "prepare and seal the fragmented file" sh -c \
	"sealctl prepare $fsr && sealctl seal $fsr"
check_eq "... in place: still $n0 extents" "$n0" "$(sealctl fiemap $fsr | wc -l)"
map=$(sealctl fiemap $fsr)
xfs_fsr -v $fsr > /mnt/x/fsr.out 2>&1
check_eq "xfs_fsr leaves the sealed file's map alone ($n0 extents)" "$map" \
	"$(sealctl fiemap $fsr)"
# xfs_fsr copies the file's xflags to its temporary file (the seal flag is
# read-only and dropped there), then XFS_IOC_SWAPEXT refuses the sealed
# file with ETXTBSY.
check "... because XFS_IOC_SWAPEXT refuses it (Text file busy)" \
	grep -q "Text file busy" /mnt/x/fsr.out
check "xfs_scrub accepts sealed files" xfs_scrub -n /mnt/x

# Signals: the seal and FALLOC_FL_WRITE_ZEROES wait killably, and a
# caught signal interrupts neither.  A sparse 256 MiB file with 4 KiB of
# data every 64 KiB: the seal refuses its holes at once, naming the fix;
# prepared (allocate, 4,096 write-zeroes calls), it has 8,192 extents, and
# a timer fires while the seal walks them.  Its data is checked with
# md5sum: under TCG sha256sum is three times slower.
s=/mnt/x/sparse
python3 -c "
import os
fd = os.open('$s', os.O_CREAT | os.O_WRONLY, 0o600)
os.ftruncate(fd, 256 << 20)
for off in range(0, 256 << 20, 65536):
    os.pwrite(fd, os.urandom(16) * 256, off)
os.fsync(fd)
"
sum=$(md5sum < $s)
dmesg_mark holes
check_err "the seal refuses a file with holes: EINVAL" EINVAL sealctl seal $s
has_log() { dmesg_since "$1" | grep -qF "$2"; }
check "... and says why and what fixes it" has_log holes \
	"seal: file $s has holes: write zeroes over it first (FALLOC_FL_WRITE_ZEROES)"
check_eq "... the file is not sealed" unsealed "$(sealctl status $s | cut -d' ' -f1)"
check_eq "... and its data is intact" "$sum" "$(md5sum < $s)"
check "allocate and write zeroes (sealctl prepare)" sealctl prepare $s
check_eq "... with the data intact" "$sum" "$(md5sum < $s)"
check_eq "... into 8,192 extents" 8192 "$(sealctl fiemap $s | wc -l)"
check_eq "a caught signal during the seal does not interrupt it" signalled \
	"$(sealctl seal-alarm $s 1)"
check_eq "... the file is sealed" sealed "$(sealctl status $s | cut -d' ' -f1)"
check_eq "... with the data intact" "$sum" "$(md5sum < $s)"
sealctl unseal $s
sealctl unseal $f

# SIGKILL inside FALLOC_FL_WRITE_ZEROES (the kill is sent once
# /proc/PID/syscall shows the process in fallocate, 285): a 512 MiB file
# of 4,096 unwritten extents, laid on the blocks of a deleted file full of
# 0xab.  The zeroing stops, nothing it did not zero becomes written, so
# the file reads as zeroes; the filesystem stays up and the next call
# completes.
rm -f /mnt/x/sparse /mnt/x/fsr-twin /mnt/x/frag
xfs_io -f -c "pwrite -q -S 0xab 0 1g" -c fsync /mnt/x/stale
rm /mnt/x/stale && sync
k=/mnt/x/killed
fragfile $k /mnt/x/killed-filler $((512 << 20)) 4096
sealctl write-zeroes $k 0 $((512 << 20)) > /dev/null & p=$!
inside=no
while kill -0 $p 2> /dev/null; do
	case $(cat /proc/$p/syscall 2> /dev/null) in
	"285 "*) kill -9 $p && inside=yes; break ;;
	esac
done
rc=0 && wait $p || rc=$?
check_eq "SIGKILL sent while FALLOC_FL_WRITE_ZEROES runs" yes "$inside"
check_eq "... the process dies of it" 137 "$rc"
check "... part of the file is still unwritten" \
	sh -c "sealctl fiemap $k | awk '\$4 == \"0x800\"' | grep -q ."
check "... the file reads as zeroes: no stale data exposed" \
	cmp -s -n $((512 << 20)) $k /dev/zero
check "... the filesystem is not shut down" touch /mnt/x/after-kill
check "... and writing zeroes again completes" \
	sealctl write-zeroes $k 0 $((512 << 20))
check_eq "... into written extents only" 0 \
	"$(sealctl fiemap $k | awk '$4 != "0x0"' | wc -l)"
rm -f $k /mnt/x/killed-filler
umount /mnt/x

# EIO: every bio to the data device fails (fail_make_request), the log is
# on another device.  An XFS that zeroed inside its allocation transaction
# would shut down here (a dirty transaction cancelled); this one answers
# EIO, stays mounted, and leaves the file unsealed, its unwritten extents
# unwritten (still reading as zeroes) and its data intact.
mount -t debugfs none /sys/kernel/debug 2>/dev/null || :
fi=/sys/kernel/debug/fail_make_request
echo 100 > $fi/probability && echo 1 > $fi/interval && echo -1 > $fi/times &&
	echo 0 > $fi/verbose
fail_writes() { echo "$1" > /sys/block/vdb/make-it-fail; }
check "XFS with its log on another device" sh -c \
	"mkfs.xfs -f -q -l logdev=/dev/vdd,size=64m /dev/vdb &&
	 mkdir -p /mnt/fl && mount -o logdev=/dev/vdd /dev/vdb /mnt/fl"
e=/mnt/fl/unwritten
fallocate -l 256M $e
dd if=/dev/urandom of=$e bs=1M count=1 conv=notrunc status=none
sync
sum=$(md5sum < $e)
check_err "the seal refuses unwritten extents without any I/O: EINVAL" EINVAL \
	sealctl seal $e
# Allocate and free once first, so that the free space and refcount btree
# blocks that allocation reads are cached: a failed metadata read inside a
# transaction is a shutdown of its own, not the one under test.
fallocate -l 64M /mnt/fl/warm && fallocate -p -o 0 -l 32M /mnt/fl/warm &&
	rm /mnt/fl/warm && sync
fail_writes 1
check_err "write zeroes with the data device failing: EIO" EIO \
	sealctl write-zeroes $e $((1 << 20)) $((255 << 20))
dd if=/dev/urandom of=$e bs=4k count=1 conv=notrunc status=none
check_err "a seal whose writeback fails: EIO" EIO sealctl seal $e
fail_writes 0
check "... the filesystem is still mounted and writable" sh -c \
	"touch /mnt/fl/after && rm /mnt/fl/after"
check_eq "... the file is not sealed" unsealed "$(sealctl status $e | cut -d' ' -f1)"
check "... and its unwritten extents are still unwritten" sh -c \
	"sealctl fiemap $e | grep -q ' 0x800$'"
# The first fsync after the failed writeback reports it (errseq: no one
# has seen it yet); the second is clean.
check_fails "the next fsync reports the earlier write error" \
	dd if=/dev/urandom of=$e bs=1M count=1 conv=notrunc,fsync status=none
dd if=/dev/urandom of=$e bs=1M count=1 conv=notrunc,fsync status=none
sum=$(md5sum < $e)
check "preparing again completes" sealctl prepare $e
check "sealing again completes" sealctl seal $e
check_eq "... with the data intact" "$sum" "$(md5sum < $e)"
sealctl unseal $e
check "umount" umount /mnt/fl
check "xfs_repair -n clean after the I/O errors" \
	xfs_repair -n -l /dev/vdd /dev/vdb

# XFS_IOC_EXCHANGE_RANGE, on a filesystem given the feature
# (xfs_exchange_feature).  The exchange works on unsealed files first, so
# the refusals cannot pass by the feature being absent.
mkfs.xfs -f -q /dev/vdc && xfs_exchange_feature /dev/vdc on
check "XFS with exchange-range" sh -c "mkdir -p /mnt/xr && mount /dev/vdc /mnt/xr"
for n in a b c; do
	dd if=/dev/urandom of=/mnt/xr/$n bs=1M count=4 status=none
done
sync
sum_b=$(sha256sum < /mnt/xr/b)
check "exchange-range works on unsealed files" sealctl exchange /mnt/xr/a /mnt/xr/b
check_eq "... it exchanged them" "$sum_b" "$(sha256sum < /mnt/xr/a)"
sealctl seal /mnt/xr/b
sum_b=$(sha256sum < /mnt/xr/b)
map_b=$(sealctl fiemap /mnt/xr/b)
check_err "exchange-range into a sealed file: ETXTBSY" ETXTBSY \
	sealctl exchange /mnt/xr/c /mnt/xr/b
check_err "exchange-range from a sealed file: ETXTBSY" ETXTBSY \
	sealctl exchange /mnt/xr/b /mnt/xr/c
check_eq "... the sealed file's data and map are unchanged" "$sum_b $map_b" \
	"$(sha256sum < /mnt/xr/b) $(sealctl fiemap /mnt/xr/b)"
sealctl unseal /mnt/xr/b
chmod 600 /mnt/xr/c && mkswap -q /mnt/xr/c > /dev/null && sync
check "swapon an unsealed file on it" swapon /mnt/xr/c
check_err "exchange-range into an active swapfile: ETXTBSY" ETXTBSY \
	sealctl exchange /mnt/xr/a /mnt/xr/c
check_err "exchange-range from an active swapfile: ETXTBSY" ETXTBSY \
	sealctl exchange /mnt/xr/c /mnt/xr/a
check "swapoff" swapoff /mnt/xr/c
check "umount" umount /mnt/xr

# A v4 XFS has no di_flags2 to keep the seal in: EOPNOTSUPP, and statx
# does not advertise the attribute there.
check "v4 XFS (crc=0)" mkfs_mount xfs /dev/vdd /mnt/v4 -m crc=0
v=/mnt/v4/f
dd if=/dev/urandom of=$v bs=1M count=1 status=none
check_err "v4 XFS: seal is not supported: EOPNOTSUPP" EOPNOTSUPP sealctl seal $v
check_eq "v4 XFS: statx does not advertise the seal" "unsealed xflag=0 supported=0" \
	"$(sealctl status $v)"
check "v4 XFS: the file is a plain file: truncate works" truncate -s 0 $v
check "umount v4" umount /mnt/v4

# A realtime file: the seal would have to flush the realtime device and
# respect rt extents; it is refused (EOPNOTSUPP) and not advertised.  A
# file on the data device of the same filesystem seals.
check "XFS with a realtime device" sh -c \
	"mkfs.xfs -f -q -r rtdev=/dev/vdd /dev/vdc &&
	 mkdir -p /mnt/rt && mount -o rtdev=/dev/vdd /dev/vdc /mnt/rt"
xfs_io -f -c "chattr +r" -c "pwrite -q 0 1m" -c fsync /mnt/rt/rtfile
check_eq "... the file is on the realtime device (FS_XFLAG_REALTIME)" 1 \
	"$(( $(xfs_io -r -c stat /mnt/rt/rtfile | awk '/^fsxattr.xflags/ { print $3 }') & 1 ))"
check_err "realtime file: seal is not supported: EOPNOTSUPP" EOPNOTSUPP \
	sealctl seal /mnt/rt/rtfile
check_eq "realtime file: statx does not advertise the seal" \
	"unsealed xflag=0 supported=0" "$(sealctl status /mnt/rt/rtfile)"
dd if=/dev/urandom of=/mnt/rt/datafile bs=1M count=1 status=none
check "a data-device file on it seals" sealctl seal /mnt/rt/datafile
sealctl unseal /mnt/rt/datafile
check "umount rt" umount /mnt/rt
tap_done
