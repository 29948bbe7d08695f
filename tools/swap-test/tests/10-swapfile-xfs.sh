#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched base
# timeout: 400
# A swapfile on a fresh XFS disk takes real swap traffic under a memory
# cgroup limit, on the patched and on the base kernel alike.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"

check "mkfs.xfs and mount" mkfs_mount xfs /dev/vda /mnt/x
check "mkswap a 256 MiB swapfile" make_swapfile /mnt/x/swap 256
check "swapon" swapon /mnt/x/swap
check "listed in /proc/swaps" grep -q '^/mnt/x/swap ' /proc/swaps
mark_swap
check "stress-ng --vm --verify under memory.max" pressure 160 15
check "swap traffic (pswpout and pswpin moved)" swap_moved
check "swapoff" swapoff /mnt/x/swap
check_fails "gone from /proc/swaps" grep -q '^/mnt/x/swap ' /proc/swaps
check "umount" umount /mnt/x
tap_done
