#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
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
sealctl seal /mnt/x/sealed
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
umount /mnt/x
'
check_eq "base kernel: runs" 0 "$guest_rc"
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
