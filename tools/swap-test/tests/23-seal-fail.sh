#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 900
# The XFS-only refusals and the failure paths of sealing: extent swap,
# xfs_fsr and exchange-range on a sealed file (and exchange-range on an
# active swapfile); online scrub accepting
# sealed files; a seal interrupted by a signal (EINTR) and one hitting
# write errors (EIO, dm-flakey) both leave the file unsealed with its
# data intact, and a later seal completes; a v4 XFS cannot seal.
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
sealctl seal $fsr
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

# A signal: a sparse 1 GiB file with 4 KiB of data every 64 KiB has 16,384
# holes to fill, long enough for a timer to interrupt.  Its data is checked
# with md5sum: under TCG sha256sum reads 1 GiB in 26 s, md5sum in 9.
s=/mnt/x/sparse
python3 -c "
import os
fd = os.open('$s', os.O_CREAT | os.O_WRONLY, 0o600)
os.ftruncate(fd, 1 << 30)
for off in range(0, 1 << 30, 65536):
    os.pwrite(fd, os.urandom(16) * 256, off)
os.fsync(fd)
"
sum=$(md5sum < $s)
check_err "a signal interrupts the seal: EINTR" EINTR sealctl seal-alarm $s 300
check_eq "... the file is not sealed" unsealed "$(sealctl status $s | cut -d' ' -f1)"
check_eq "... and its data is intact" "$sum" "$(md5sum < $s)"
check "sealing again completes" sealctl seal $s
check_eq "... with the data intact" "$sum" "$(md5sum < $s)"
sealctl unseal $s
sealctl unseal $f
umount /mnt/x


# EIO: the zeroing writes fail on a dm-flakey device that errors writes.
sectors=$(blockdev --getsz /dev/vdb)
table() { echo "0 $sectors flakey /dev/vdb 0 $1"; }
dmsetup create sealfl --table "$(table '60 0')"
dmsetup mknodes sealfl
check "XFS on dm-flakey" mkfs_mount xfs /dev/mapper/sealfl /mnt/fl
e=/mnt/fl/unwritten
fallocate -l 256M $e
dd if=/dev/urandom of=$e bs=1M count=1 conv=notrunc status=none
sync
sum=$(md5sum < $e)
dmsetup suspend --nolockfs sealfl
dmsetup load sealfl --table "$(table '0 60 1 error_writes')"
dmsetup resume sealfl
check_err "write errors fail the seal: EIO" EIO sealctl seal $e
dmsetup suspend --nolockfs sealfl
dmsetup load sealfl --table "$(table '60 0')"
dmsetup resume sealfl
# XFS may have shut down on a failed log write: remount (log recovery).
umount /mnt/fl
check "mount again after the I/O errors" mount /dev/mapper/sealfl /mnt/fl
check_eq "... the file is not sealed" unsealed "$(sealctl status $e | cut -d' ' -f1)"
check_eq "... and its data is intact" "$sum" "$(md5sum < $e)"
check "sealing again completes" sealctl seal $e
check_eq "... with the data intact" "$sum" "$(md5sum < $e)"
sealctl unseal $e
check "umount" umount /mnt/fl
check "xfs_repair -n clean after the I/O errors" xfs_repair -n /dev/mapper/sealfl
dmsetup remove sealfl

# XFS_IOC_EXCHANGE_RANGE: mkfs.xfs 6.1 cannot make a filesystem with the
# exchange-range feature, so set its incompat bit (1 << 6) with xfs_db
# (-d: its 6.1 verifier does not know the bit; the kernel does).  The
# exchange works on unsealed files first, so the refusals cannot pass by
# the feature being absent.
mkfs.xfs -f -q /dev/vdc
v=$(xfs_db -c "sb 0" -c "print features_incompat" /dev/vdc | sed "s/.* = //")
xfs_db -x -c "sb 0" -c "write -d features_incompat $(printf 0x%x $((v | 0x40)))" \
	/dev/vdc > /dev/null 2>&1
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
tap_done
