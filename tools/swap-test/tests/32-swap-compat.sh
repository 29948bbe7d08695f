#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched base
# A swapfile moves between the patched and the unpatched base kernel both
# ways: one made and used (transient seal) on the patched kernel swaps on
# the base kernel, one sealed persistently too, and one made on the base
# kernel swaps on the patched kernel; pages go out and come back in on
# each.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"
disk=$RUNDIR/disk.img
rm -f "$disk" && truncate -s 1G "$disk"
use='swapon /mnt/x/$1 && mark_swap && pressure 128 8 > /dev/null && echo "$1: $(swap_moved)" && swapoff /mnt/x/$1'

guest patched make "$disk" -- '
. $TOP/tools/swap-test/lib/tap.sh; . $TOP/tools/swap-test/lib/swap.sh
u() { '"$use"'; }
mkfs.xfs -f -q /dev/vda && mkdir -p /mnt/x && mount /dev/vda /mnt/x
for n in transient sealed; do
	fallocate -l 128M /mnt/x/$n && chmod 600 /mnt/x/$n && mkswap -q /mnt/x/$n
done
sealctl prepare /mnt/x/sealed && sealctl seal /mnt/x/sealed
u transient
u sealed
echo "transient-after: $(sealctl status /mnt/x/transient)"
umount /mnt/x
'
check_eq "patched: runs" 0 "$guest_rc"
check "patched: swaps on a transiently sealed file" \
	sh -c "echo '$(gval make transient)' | grep -q '^pswpout +[1-9][0-9]* pswpin +[1-9]'"
check_eq "patched: nothing left on disk after swapoff" \
	"unsealed xflag=0 supported=1" "$(gval make transient-after)"

guest base old "$disk" -- '
. $TOP/tools/swap-test/lib/tap.sh; . $TOP/tools/swap-test/lib/swap.sh
u() { '"$use"'; }
mkdir -p /mnt/x && mount /dev/vda /mnt/x
u transient
u sealed
fallocate -l 128M /mnt/x/frombase && chmod 600 /mnt/x/frombase && mkswap -q /mnt/x/frombase
u frombase
rc=0 && strace -f -o /tmp/mks.strace -e trace=fallocate,statx \
	mkswapfile /mnt/x/mks 16M > /tmp/mks.out 2>&1 || rc=$?
echo "mks-rc: $rc"
echo "mks-statx: $(grep -c "statx(" /tmp/mks.strace)"
echo "mks-fallocate: $(grep -c "fallocate(" /tmp/mks.strace)"
echo "mks-other-modes: $(grep -cE "fallocate\([0-9]+, [^0]" /tmp/mks.strace)"
echo "mks-warning: $(grep -c "not sealed" /tmp/mks.out)"
rm -f /mnt/x/mks
umount /mnt/x
'
check_eq "base kernel: runs" 0 "$guest_rc"
# Until the seal's fallocate values are assigned upstream, mkswapfile
# asks statx first and never sends them to a kernel that does not report
# the seal, which might give them another meaning.
check_eq "base kernel: mkswapfile makes an unsealed swapfile" 0 "$(gval old mks-rc)"
check "... saying it is not sealed" test "$(gval old mks-warning)" -ge 1
check "... after asking statx whether the kernel can seal" \
	test "$(gval old mks-statx)" -ge 1
check "... allocating with plain fallocate" test "$(gval old mks-fallocate)" -ge 1
check_eq "... and never issuing another fallocate mode" 0 "$(gval old mks-other-modes)"
for n in transient sealed frombase; do
	check "base kernel swaps on the $n swapfile" \
		sh -c "echo '$(gval old $n)' | grep -q '^pswpout +[1-9][0-9]* pswpin +[1-9]'"
done

guest patched back "$disk" -- '
. $TOP/tools/swap-test/lib/tap.sh; . $TOP/tools/swap-test/lib/swap.sh
u() { '"$use"'; }
mkdir -p /mnt/x && mount /dev/vda /mnt/x
u frombase
u sealed
echo "sealed-after: $(sealctl status /mnt/x/sealed)"
umount /mnt/x
'
check_eq "patched kernel: runs" 0 "$guest_rc"
check "patched kernel swaps on the swapfile made by the base kernel" \
	sh -c "echo '$(gval back frombase)' | grep -q '^pswpout +[1-9][0-9]* pswpin +[1-9]'"
check "patched kernel still swaps on the sealed one" \
	sh -c "echo '$(gval back sealed)' | grep -q '^pswpout +[1-9][0-9]* pswpin +[1-9]'"
check_eq "and it is still sealed" "sealed xflag=1 supported=1" \
	"$(gval back sealed-after)"
tap_done
