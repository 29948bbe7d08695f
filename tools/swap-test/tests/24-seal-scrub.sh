#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched
# The seal bit belongs to regular files only: set by xfs_db on a
# directory, the inode verifier refuses the directory (EUCLEAN), online
# scrub reports it and online repair clears it (repairing an inode that
# fails its verifier needs the reverse-mapping btree, as for any other
# such inode: rmapbt=1), while the sealed regular file next to it is fine
# and stays sealed.  An unknown bit (61) set beside it goes too, and the
# directory's known flags (bigtime) stay: 6.12's xrep_inode_flags()
# cleared the known flags and kept the unknown one.  The
# guest's kernel log then holds the corruption report, so its log check
# fails the run on purpose (status 125); the test checks that nothing else
# was reported.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"
disk=$RUNDIR/disk.img
rm -f "$disk" && truncate -s 512M "$disk"

# reports LOG: the lines of LOG that report a WARN, BUG, oops, lockdep,
# KASAN/UBSAN or assertion; the corruption reports this test causes are
# not among them.
reports() {
	grep -aE '(WARNING:|BUG:|Oops|possible (circular|recursive) locking|inconsistent lock state|Assertion failed|KASAN|UBSAN)' "$1"
}

guest patched scrub "$disk" -- '
mkfs.xfs -f -q -m rmapbt=1 /dev/vda && mkdir -p /mnt/x && mount /dev/vda /mnt/x
mkdir /mnt/x/d && touch /mnt/x/d/entry
dd if=/dev/urandom of=/mnt/x/f bs=1M count=1 status=none && sealctl seal /mnt/x/f
ino=$(stat -c %i /mnt/x/d)
echo "dir-ino: $ino"
echo "file-ino: $(stat -c %i /mnt/x/f)"
umount /mnt/x
v=$(xfs_db -c "inode $ino" -c "print v3.flags2" /dev/vda | sed "s/.* = //")
echo "dir-flags2-before: $v"
xfs_db -x -c "inode $ino" -c "write v3.flags2 $(printf 0x%x $((v | (3 << 61))))" /dev/vda > /dev/null
echo "dir-flags2: $(xfs_db -c "inode $ino" -c "print v3.flags2" /dev/vda | sed "s/.* = //")"
mount /dev/vda /mnt/x
echo "file: $(sealctl status /mnt/x/f)"
echo "dir: $(ls /mnt/x/d 2>&1 | tail -n 1)"
rc=0 && xfs_scrub -n /mnt/x > scrub.out 2>&1 || rc=$?
echo "scrub-rc: $rc"
echo "scrub-dir: $(grep -c "inode $ino" scrub.out)"
echo "scrub-file: $(grep -c "inode $(stat -c %i /mnt/x/f)" scrub.out)"
umount /mnt/x
'
check_eq "the guest ran; its log check failed on the corruption report" \
	125 "$guest_rc"
check_eq "xfs_db set the bit on the directory" 0x4000000000000000 \
	"$(printf '0x%x' $(( $(gval scrub dir-flags2) & (1 << 62) )))"
check_eq "the sealed regular file is fine" "sealed xflag=1 supported=1" \
	"$(gval scrub file)"
check "the inode verifier refuses the directory" \
	sh -c "echo '$(gval scrub dir)' | grep -q 'Structure needs cleaning'"
check "xfs_scrub -n fails" test "$(gval scrub scrub-rc)" -ne 0
check "... naming the directory's inode" test "$(gval scrub scrub-dir)" -gt 0
check_eq "... and not the sealed file's" 0 "$(gval scrub scrub-file)"
log=$RUNDIR/scrub/console.log
check "the kernel log reports the directory inode as corrupt" \
	grep -aq "Metadata corruption detected at xfs_dinode_verify" "$log"
check_eq "and nothing else: no WARN, BUG, oops or lockdep report" "" \
	"$(reports "$log")"

# Online repair, in a boot of its own: repairing an inode that fails the
# verifier (xrep_dinode_core()) takes the IOLOCK of the inode it has just
# made loadable while holding a transaction, and lockdep reports that
# order against the usual IOLOCK-then-transaction one.  That is upstream
# code, untouched here (6.12 and mainline alike); this boot allows that one
# report and fails on any other.
ino=$(gval scrub dir-ino)
guest patched repair "$disk" -- "
mkdir -p /mnt/x && mount /dev/vda /mnt/x
rc=0 && xfs_scrub /mnt/x > repair.out 2>&1 || rc=\$?
echo \"repair-rc: \$rc\"
echo \"dir-after-repair: \$(ls /mnt/x/d 2>&1 | tail -n 1)\"
echo \"file-after-repair: \$(sealctl status /mnt/x/f)\"
rc=0 && xfs_scrub -n /mnt/x > rescrub.out 2>&1 || rc=\$?
echo \"rescrub-rc: \$rc\"
umount /mnt/x
echo \"dir-flags2-after-repair: \$(xfs_db -c 'inode $ino' -c 'print v3.flags2' /dev/vda | sed 's/.* = //')\"
"
check_eq "xfs_scrub repairs it" 0 "$(gval repair repair-rc)"
check_eq "... the directory is readable again" entry \
	"$(gval repair dir-after-repair)"
check_eq "... without the bit on disk" 0x0 \
	"$(printf '0x%x' $(( $(gval repair dir-flags2-after-repair) & (1 << 62) )))"
check_eq "... nor the unknown bit 61, and with its known flags (bigtime)" \
	"$(printf '0x%x' "$(gval scrub dir-flags2-before)")" \
	"$(printf '0x%x' "$(gval repair dir-flags2-after-repair)")"
check_eq "... which it had" 0x8 \
	"$(printf '0x%x' $(( $(gval scrub dir-flags2-before) & 0x8 )))"
check_eq "... and the sealed file stays sealed" "sealed xflag=1 supported=1" \
	"$(gval repair file-after-repair)"
check_eq "xfs_scrub -n is clean after the repair" 0 "$(gval repair rescrub-rc)"
log=$RUNDIR/repair/console.log
n=$(grep -ac "possible circular locking dependency" "$log")
if [ "$n" -gt 0 ]; then
	check "the one lockdep report is upstream's, from xrep_dinode_core()" \
		sh -c "test $n -eq 1 && grep -aA 60 'possible circular locking dependency' '$log' | grep -q xrep_dinode_core"
fi
check_eq "and no other WARN, BUG, oops or lockdep report" "" \
	"$(reports "$log" | grep -av 'possible circular locking dependency')"
tap_done
