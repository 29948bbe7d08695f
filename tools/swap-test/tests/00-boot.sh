#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched base
# timeout: 120
# The guest boots each kernel with the host's userland and test disks.
. "$TOP/tools/swap-test/lib/tap.sh"

check "kernel $(uname -r) booted ($KERNEL)" test -r /proc/swaps
check "four test disks" test -b /dev/vda -a -b /dev/vdb -a -b /dev/vdc -a -b /dev/vdd
check "memory cgroup available" grep -qw memory /sys/fs/cgroup/cgroup.controllers
check "userland tools present" which mkfs.xfs xfs_io mkswap swapon stress-ng
tap_done
