#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 900
# append: lsm=selinux
# mkswapfile labels a swapfile swapfile_t where SELinux is enabled, as
# util-linux mkswap does.  The guest boots with SELinux and no policy:
# the kernel then stores and returns the label on disk as it is given.
# libselinux takes SELinux for enabled when selinuxfs is mounted
# read-write and /etc/selinux/config exists; the config and the file
# contexts it names are written to a tmpfs over /etc/selinux (the guest's
# root is the host's, read-only).  Without a policy a new file has no
# label, so this tests the file contexts' default; a file that inherits
# a label from a loaded policy takes the other branch of selinux_label(),
# the same calls as util-linux mkswap's, which no guest here can reach.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"

# label FILE: the security.selinux xattr as stored, without the NUL.
label() {
	python3 -c '
import os, sys
try:
    v = os.getxattr(sys.argv[1], "security.selinux")
    print(v.rstrip(b"\0").decode())
except OSError as e:
    print("error: " + os.strerror(e.errno))' "$1"
}

check "SELinux is initialized" sh -c 'dmesg | grep -q "SELinux:  Initializing"'
check "mount selinuxfs" mount -t selinuxfs selinuxfs /sys/fs/selinux
check "XFS on vda" mkfs_mount xfs /dev/vda /mnt/x
# Without /etc/selinux/config, libselinux calls SELinux disabled: no label.
check "without /etc/selinux/config: mkswapfile" mkswapfile /mnt/x/control 64M
check_eq "... labels nothing" "error: No data available" \
	"$(label /mnt/x/control)"
sealctl unseal /mnt/x/control > /dev/null
rm -f /mnt/x/control
check "a tmpfs over /etc/selinux" mount -t tmpfs tmpfs /etc/selinux
mkdir -p /etc/selinux/swaptest/contexts/files
printf 'SELINUX=permissive\nSELINUXTYPE=swaptest\n' > /etc/selinux/config
# Only /mnt/x/sw has a default label: elsewhere the lookup finds none.
printf '%s\n' '/mnt/x/sw(/.*)?	system_u:object_r:mnt_t:s0' \
	> /etc/selinux/swaptest/contexts/files/file_contexts

mkdir /mnt/x/sw
f=/mnt/x/sw/swapfile
check "mkswapfile on XFS" mkswapfile $f 64M
check_eq "... labelled: the default label, type swapfile_t" \
	system_u:object_r:swapfile_t:s0 "$(label $f)"
check_eq "... sealed" sealed "$(mkswapfile --status $f | sed -n 's/^seal: //p')"
truncate -s 64M /mnt/x/sw/ref
check "util-linux mkswap on a file beside it" mkswap -q /mnt/x/sw/ref
check_eq "... gives the same label" "$(label /mnt/x/sw/ref)" "$(label $f)"
rm -f /mnt/x/sw/ref
check "swapon takes it" swapon $f
check "swapoff" swapoff $f
ino=$(stat -c %i $f)
check "replaced with another size" mkswapfile $f 32M
check "... a new file" test "$(stat -c %i $f)" != "$ino"
check_eq "... labelled again" system_u:object_r:swapfile_t:s0 "$(label $f)"

# No default label for the path: an error naming it, nothing left.
out=$(mkswapfile /mnt/x/nolabel 64M 2>&1)
check_eq "no default label: exit status 1" 1 "$?"
check_eq "... the message says so" \
	"mkswapfile: /mnt/x/nolabel: no default SELinux label for /mnt/x/nolabel in the file contexts" \
	"$out"
check_fails "... and leaves no file" test -e /mnt/x/nolabel
check_eq "... nothing temporary either" "" "$(ls -A /mnt/x | grep '^\.')"
check "a relative PATH is looked up by its absolute path" \
	sh -c 'cd /mnt/x/sw && mkswapfile rel 64M'
check_eq "... labelled" system_u:object_r:swapfile_t:s0 "$(label /mnt/x/sw/rel)"
for s in /mnt/x/sw/*; do
	sealctl unseal "$s" > /dev/null
done
check "umount the XFS" umount /mnt/x

# vfat keeps no labels (ENOTSUP): the swapfile is made all the same.
mkfs.vfat /dev/vdd > /dev/null
mkdir -p /mnt/v
check "vfat on vdd" mount -t vfat -o uid=0,gid=0,fmask=0177,dmask=0077 /dev/vdd /mnt/v
printf '%s\n' '/mnt(/.*)?	system_u:object_r:mnt_t:s0' \
	> /etc/selinux/swaptest/contexts/files/file_contexts
check "vfat: mkswapfile works without labels" mkswapfile /mnt/v/swapfile 32M
check_eq "... no label" "error: Operation not supported" "$(label /mnt/v/swapfile)"
check "umount the vfat" umount /mnt/v
tap_done
