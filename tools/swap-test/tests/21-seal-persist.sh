#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched
# The XFS seal is persistent: it survives umount and mount, and a crash
# right after fallocate returns (sysrq b, nothing synced); log recovery
# brings it back with the same block map.  Unsealing is persistent too.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"
disk=$RUNDIR/disk.img
rm -f "$disk" && truncate -s 1G "$disk"

guest patched remount "$disk" -- '
mkfs.xfs -f -q /dev/vda
mkdir -p /mnt/x && mount /dev/vda /mnt/x
dd if=/dev/urandom of=/mnt/x/f bs=1M count=8 status=none
fallocate -l 32M /mnt/x/g
sealctl seal /mnt/x/f
sealctl prepare /mnt/x/g
sealctl seal /mnt/x/g
echo "sum: $(sha256sum < /mnt/x/f)"
sealctl fiemap /mnt/x/f > fiemap-before
echo "xflags: $(xfs_io -r -c stat /mnt/x/f | awk "/^fsxattr.xflags/ { print \$3 }")"
umount /mnt/x && mount /dev/vda /mnt/x
echo "f-after-remount: $(sealctl status /mnt/x/f)"
echo "sum-after-remount: $(sha256sum < /mnt/x/f)"
sealctl fiemap /mnt/x/f > fiemap-after
echo "truncate-after-remount: $(truncate -s 0 /mnt/x/f 2>&1 | sed "s/.*: //")"
sealctl unseal /mnt/x/g
umount /mnt/x && mount /dev/vda /mnt/x
echo "g-after-unseal-remount: $(sealctl status /mnt/x/g)"
umount /mnt/x
'
check_eq "guest run ok" 0 "$guest_rc"
check_eq "sealed file still sealed after umount/mount" \
	"sealed xflag=1 supported=1" "$(gval remount f-after-remount)"
check_eq "data unchanged across remount" "$(gval remount sum)" \
	"$(gval remount sum-after-remount)"
check "block map (FIEMAP) unchanged across remount" \
	cmp "$RUNDIR/remount/fiemap-before" "$RUNDIR/remount/fiemap-after"
check_eq "xfs_io -c stat shows the FS_XFLAG bit (0x1000000)" 0x1000000 \
	"$(printf '0x%x' $(( $(gval remount xflags) & 0x1000000 )))"
check_eq "truncate refused after remount" "Text file busy" \
	"$(gval remount truncate-after-remount)"
check_eq "unseal is persistent too" "unsealed xflag=0 supported=1" \
	"$(gval remount g-after-unseal-remount)"

# Crash right after the seal returns: buffered data, no sync at all.
guest patched crash "$disk" -- '
mount /dev/vda /mnt/x 2>/dev/null || { mkdir -p /mnt/x; mount /dev/vda /mnt/x; }
dd if=/dev/zero bs=1M count=8 status=none | tr "\000" "s" > /mnt/x/c
sealctl fiemap /mnt/x/c > /dev/null
sealctl seal /mnt/x/c
# Straight to the console: the output file and the pipe to it die with
# the guest.  tcdrain(): the reset must not cut the line off mid-UART.
python3 -c "
import os, sys, termios
fd = os.open(\"/dev/console\", os.O_WRONLY)
os.write(fd, sys.argv[1].encode() + b\"\\n\")
termios.tcdrain(fd)
" "sealed-before-crash: $(sealctl status /mnt/x/c)"
echo b > /proc/sysrq-trigger
'
check_eq "sealed before the crash" "sealed xflag=1 supported=1" \
	"$(gval crash sealed-before-crash)"
check_eq "guest crashed (no clean exit)" 124 "$guest_rc"
# vm skips its log check for a run that did not end cleanly: do it here.
check "no kernel report before the crash" \
	"$TOOLS/logcheck" "$RUNDIR/crash/console.log"

guest patched recover "$disk" -- '
mkdir -p /mnt/x && mount /dev/vda /mnt/x
echo "after-crash: $(sealctl status /mnt/x/c)"
echo "data-after-crash: $(tr -d s < /mnt/x/c | wc -c) $(stat -c %s /mnt/x/c)"
sealctl fiemap /mnt/x/c
echo "map-after-crash: $(sealctl fiemap /mnt/x/c | awk "{ f = f \$4 \" \" } END { print f }")"
umount /mnt/x
xfs_repair -n /dev/vda > repair.out 2>&1 || echo "repair-rc: $?"
mount /dev/vda /mnt/x
for f in /mnt/x/f /mnt/x/c; do sealctl unseal $f; done
umount /mnt/x
rc=0 && xfs_repair -n /dev/vda > repair-unsealed.out 2>&1 || rc=$?
echo "repair-unsealed-rc: $rc"
'
check_eq "guest run ok" 0 "$guest_rc"
check_eq "seal survived the crash" "sealed xflag=1 supported=1" \
	"$(gval recover after-crash)"
check_eq "data survived the crash" "0 8388608" "$(gval recover data-after-crash)"
check_eq "map after recovery: written, unshared" "0x0" \
	"$(gval recover map-after-crash | tr ' ' '\n' | sort -u | tr -d '\n')"
# xfsprogs 6.1 does not know the flag: it reports exactly that, nothing else.
problems=$(repair_problems "$RUNDIR/recover/repair.out")
check_eq "xfs_repair -n (6.1) reports only the unknown flags2 bit" "" "$problems"
check "xfs_repair -n is clean once the files are unsealed" \
	test "$(gval recover repair-unsealed-rc)" = 0
tap_done
