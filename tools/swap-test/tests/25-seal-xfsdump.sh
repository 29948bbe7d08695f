#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched
# xfsdump and xfsrestore (Debian's 3.1.11) of a filesystem holding sealed
# files.  xfsdump records the xflags that bulkstat reports, the seal among
# them; xfsrestore writes them back with FS_IOC_FSSETXATTR.  The seal is a
# read-only flag that FSSETXATTR ignores, so the restore succeeds and keeps
# every other attribute: extent size hint, project id, append-only and
# immutable flags, data.  The restored copy is not sealed (only fallocate
# seals); sealctl prepare and seal make it so.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"
src=$RUNDIR/src.img dst=$RUNDIR/dst.img
rm -f "$src" "$dst" && truncate -s 512M "$src" && truncate -s 512M "$dst"

guest patched dump "$src" "$dst" -- '
mkfs.xfs -f -q /dev/vda && mkfs.xfs -f -q /dev/vdb
mkdir -p /mnt/x /mnt/y && mount /dev/vda /mnt/x && mount /dev/vdb /mnt/y
cd /mnt/x
dd if=/dev/urandom of=sealed bs=1M count=4 status=none
xfs_io -c "chproj 42" sealed && sealctl seal sealed
xfs_io -f -c "extsize 1m" hinted && dd if=/dev/urandom of=hinted bs=1M count=2 conv=notrunc status=none
xfs_io -f -c "extsize 1m" -c "chproj 7" sealedhint &&
	dd if=/dev/urandom of=sealedhint bs=1M count=2 conv=notrunc status=none &&
	sealctl prepare sealedhint && sealctl seal sealedhint
dd if=/dev/urandom of=appendonly bs=64k count=1 status=none && xfs_io -c "chattr +a" appendonly
dd if=/dev/urandom of=imm bs=64k count=1 status=none && xfs_io -c "chattr +i" imm
md5sum sealed hinted sealedhint appendonly imm > /tmp/sums
echo "src-sealed: $(sealctl status sealed) $(sealctl status sealedhint)"
echo "src-xflags: $(xfs_io -r -c stat sealed | awk "/^fsxattr.xflags/ { print \$3 }")"
cd /
rc=0 && xfsdump -J -l 0 -L sealtest -M media -f /tmp/dump /mnt/x > /tmp/dump.out 2>&1 || rc=$?
echo "dump-rc: $rc"
rc=0 && xfsrestore -J -f /tmp/dump /mnt/y > /tmp/restore.out 2>&1 || rc=$?
echo "restore-rc: $rc"
echo "restore-warnings: $(grep -ciE "warning|error|invalid|fssetxattr" /tmp/restore.out)"
grep -iE "warning|error|invalid|fssetxattr" /tmp/restore.out | head -n 5 | sed "s/^/# /"
cd /mnt/y && md5sum -c --quiet /tmp/sums && echo "sums: ok"
echo "projid: $(xfs_io -c lsproj sealed) / $(xfs_io -c lsproj sealedhint)"
echo "extsize: $(xfs_io -c extsize hinted) / $(xfs_io -c extsize sealedhint)"
echo "appendonly: $(lsattr appendonly | cut -c1-8)"
echo "imm: $(lsattr imm | cut -c1-8)"
echo "dst-sealed: $(sealctl status sealed)"
sealctl prepare sealed && sealctl seal sealed && echo "reseal: $(sealctl status sealed)"
cd / && umount /mnt/x /mnt/y
'
check_eq "guest runs" 0 "$guest_rc"
check_eq "the source files are sealed" \
	"sealed xflag=1 supported=1 sealed xflag=1 supported=1" \
	"$(gval dump src-sealed)"
check_eq "FSGETXATTR reports the seal (0x1000000), as bulkstat does for xfsdump" \
	0x1000000 "$(gval dump src-xflags)"
check_eq "xfsdump of a filesystem holding sealed files works" 0 \
	"$(gval dump dump-rc)"
check_eq "xfsrestore of it works" 0 "$(gval dump restore-rc)"
check_eq "... with no warning or FSSETXATTR error" 0 \
	"$(gval dump restore-warnings)"
check_eq "... and the data of every file" ok "$(gval dump sums)"
check_eq "... project ids kept (the sealed files' too)" \
	"projid = 42 / projid = 7" "$(gval dump projid)"
check_eq "... extent size hints kept (also on a sealed file)" \
	"[1048576] hinted / [1048576] sealedhint" "$(gval dump extsize)"
check_eq "... append-only kept" "-----a--" "$(gval dump appendonly)"
check_eq "... immutable kept" "----i---" "$(gval dump imm)"
check_eq "the restored copy is not sealed (only fallocate seals)" \
	"unsealed xflag=0 supported=1" "$(gval dump dst-sealed)"
check_eq "... prepare and seal make it so" "sealed xflag=1 supported=1" \
	"$(gval dump reseal)"
tap_done
