#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 1500
# mkswapfile (tools/mkswapfile) end to end: a sealed swapfile on XFS whose
# header util-linux reads, --status in text and JSON, --activate under
# memory pressure, the refusals (ordinary file, active swap, hibernation
# image, swap header for another page size, bad sizes and paths, non-root,
# no CAP_LINUX_IMMUTABLE), --force, idempotence, the ext4 fallback and
# --require-seal, an --activate the kernel refuses, the temporary-name
# path where there is no O_TMPFILE (vfat), and no file left behind on
# ENOSPC.  This guest has no SELinux: nothing is labelled
# (41-mkswapfile-selinux has it).
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
MAN=$TOP/tools/mkswapfile/mkswapfile.8
PAGE=$(getconf PAGESIZE)
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# expect WHAT RC TEXT CMD...: CMD exits with status RC and says TEXT.
expect() {
	what=$1 want=$2 text=$3
	shift 3
	out=$("$@" 2>&1)
	got=$?
	case $out in
	*"$text"*)
		if [ "$got" = "$want" ]; then
			ok "$what"
			return
		fi
		;;
	esac
	not_ok "$what"
	echo "#   exit status $got (expected $want), output:"
	printf '%s\n' "$out" | sed 's/^/#   /'
}

# st FILE KEY: one line of mkswapfile --status.
st() {
	mkswapfile --status "$1" | sed -n "s/^$2: //p"
}

# js FILE KEY: the same key from --status --json, read with python3's json.
js() {
	mkswapfile --status --json "$1" | python3 -c "
import json, sys
v = json.load(sys.stdin)['$2']
print(v if isinstance(v, str) else json.dumps(v))"
}

# selinux_xattr FILE: the security.selinux xattr, or the errno name.
selinux_xattr() {
	python3 -c '
import errno, os, sys
try:
    print(os.getxattr(sys.argv[1], "security.selinux"))
except OSError as e:
    print(errno.errorcode[e.errno])' "$1"
}

# fileid FILE: what changes if the file is replaced or written.
fileid() {
	echo "$(stat -c '%i %s %a %u %g %y %z' "$1") $(head -c "$PAGE" "$1" | sha256sum)"
}

# --help and the man page say the same: every option's text, the
# description and the SIZE paragraph.
help=$(mkswapfile --help)
check "--help" mkswapfile --help
man=$(groff -man -Tascii -P-bcou -rLL=2000n "$MAN" 2>&1 | tr -s ' \n' '  ')
check "the man page renders without warnings" \
	sh -c "! groff -man -ww -z '$MAN' 2>&1 | grep ."
echo "$help" | awk '
	/^ +-/ { if (d) print d; d = substr($0, 23); next }
	/^                      / { sub(/^ +/, ""); d = d " " $0; next }
	/^(Usage|Options|Exit|  )/ || /^$/ { if (d) print d; d = ""; next }
	{ d = d ? d " " $0 : $0 }
	END { if (d) print d }' > /tmp/help-texts
check "help texts found" test "$(wc -l < /tmp/help-texts)" -ge 11
while IFS= read -r text; do
	case $man in
	*"$text"*) ok "man page has: $text" ;;
	*) not_ok "man page has: $text" ;;
	esac
done < /tmp/help-texts

# XFS: create, inspect, hand to util-linux.
check "XFS on vda" mkfs_mount xfs /dev/vda /mnt/x
f=/mnt/x/swapfile
expect "create a 256M sealed swapfile" 0 "$f: sealed swapfile, 268435456 bytes, LABEL=mkswaptest" \
	mkswapfile -L mkswaptest $f 256M
check_eq "mode 0600, owned by root, 256 MiB" "600 0 0 268435456" \
	"$(stat -c '%a %u %g %s' $f)"
check_eq "sealed on disk (sealctl: statx and xflag)" "sealed xflag=1" \
	"$(sealctl status $f | cut -d' ' -f1,2)"
check_eq "no SELinux here: no label, and no error for it" ENODATA \
	"$(selinux_xattr $f)"
check_eq "status: seal" sealed "$(st $f seal)"
check_eq "status: seal_supported" yes "$(st $f seal_supported)"
check_eq "status: active" no "$(st $f active)"
check_eq "status: size" 268435456 "$(st $f size)"
check_eq "status: header" valid "$(st $f header)"
check_eq "status: signature" "swap header (SWAPSPACE2)" "$(st $f signature)"
check_eq "status: pages" $((268435456 / PAGE)) "$(st $f pages)"
check_eq "status: label" mkswaptest "$(st $f label)"
uuid=$(st $f uuid)
check "status: a random (version 4) UUID" sh -c "echo '$uuid' |
	grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'"
check_eq "status: extents, all of FIEMAP's" "$(sealctl fiemap $f | wc -l)" \
	"$(st $f extents)"
phys=$(sealctl fiemap $f | head -n 1 | cut -d' ' -f2)
check_eq "status: resume_offset = extent 0's physical block in pages" \
	$((phys / PAGE)) "$(st $f resume_offset)"
# One job per call: written zeroes (FALLOC_FL_WRITE_ZEROES, 0x80), the
# header, then the seal (0x100), which only checks and freezes the map.
strace -f -X raw -o /tmp/strace-fa -e trace=fallocate \
	mkswapfile "$(dirname $f)/traced" 64M > /dev/null 2>&1
check_eq "XFS: fallocate modes write zeroes, then seal" "0x80 0x100" \
	"$(sed -n 's/^[0-9]* *fallocate([0-9]*, \(0x[0-9a-f]*\|0\),.*= 0$/\1/p' /tmp/strace-fa | tr '\n' ' ' | sed 's/ $//')"
check_eq "... and the file is sealed" sealed "$(st "$(dirname $f)/traced" seal)"
rm -f "$(dirname $f)/traced"
check "status --json: one object, the same values as the text" python3 -c "
import json, subprocess
j = json.loads(subprocess.check_output(['mkswapfile', '--status', '--json', '$f']))
t = subprocess.check_output(['mkswapfile', '--status', '$f'], text=True)
t = dict(line.split(': ', 1) for line in t.splitlines())
assert sorted(j) == sorted(t), (j, t)
for k, v in j.items():
    v = {True: 'yes', False: 'no'}[v] if isinstance(v, bool) else str(v)
    assert v == t[k], (k, v, t[k])
assert j['seal'] == 'sealed' and j['active'] is False, j
assert j['size'] == 268435456 and j['label'] == 'mkswaptest', j
"
check_eq "swaplabel: the label" mkswaptest "$(swaplabel $f | sed -n 's/^LABEL: *//p')"
check_eq "swaplabel: the UUID" "$uuid" "$(swaplabel $f | sed -n 's/^UUID: *//p')"
check_eq "blkid: a swap signature" swap "$(blkid -p -o value -s TYPE $f)"
truncate -s 256M /mnt/x/ref
mkswap -q -L mkswaptest -U "$uuid" /mnt/x/ref > /dev/null 2>&1
check "the header page is byte for byte mkswap's" cmp -n "$PAGE" $f /mnt/x/ref
rm -f /mnt/x/ref
check "util-linux swapon accepts it" swapon $f
check_eq "status: active" yes "$(st $f active)"
check_eq "status: still sealed on disk while active" sealed "$(st $f seal)"
check "swapon --show lists it" sh -c "swapon --show=NAME --noheadings | grep -qx $f"
check "swapoff" swapoff $f

# Idempotence, and replacing a swapfile that is not active.
before=$(fileid $f)
expect "a second run: nothing to do" 0 "$f: already a swapfile of 268435456 bytes, sealed, nothing to do" \
	mkswapfile -L mkswaptest $f 256M
check_eq "... the file is untouched (inode, times, header)" "$before" "$(fileid $f)"
expect "... also with --force" 0 "nothing to do" mkswapfile --force $f 256M
check_eq "... still untouched" "$before" "$(fileid $f)"
ino=$(stat -c %i $f)
expect "another size replaces a swapfile that is not active" 0 \
	"$f: sealed swapfile, 134217728 bytes" mkswapfile -L mkswaptest $f 128M
check "... a new file" test "$(stat -c %i $f)" != "$ino"
check_eq "... sealed, valid, 128 MiB" "sealed valid 134217728" \
	"$(st $f seal) $(st $f header) $(st $f size)"
expect "another label replaces it too" 0 "LABEL=other" mkswapfile -L other $f 128M
expect "-U sets the UUID" 0 "UUID=0123abcd-4567-89ef-0123-456789abcdef" \
	mkswapfile -U 0123abcd-4567-89EF-0123-456789abcdef $f 128M
check_eq "... swaplabel agrees" 0123abcd-4567-89ef-0123-456789abcdef \
	"$(swaplabel $f | sed -n 's/^UUID: *//p')"
expect "-U clear: the nil UUID" 0 "UUID=00000000-0000-0000-0000-000000000000" \
	mkswapfile -U clear $f 128M
expect "an invalid UUID" 1 "invalid UUID 'xyz': expected 8-4-4-4-12 hex digits" \
	mkswapfile -U xyz $f 128M
expect "suffixes: 64MiB" 0 "67108864 bytes" mkswapfile /mnt/x/mib 64MiB
mib=$(fileid /mnt/x/mib)
expect "suffixes: 65536k" 0 "67108864 bytes" mkswapfile /mnt/x/k 65536k
expect "rounded down to the page size" 0 "67108864 bytes" \
	mkswapfile /mnt/x/mib $((64 * 1048576 + PAGE - 1))
check_eq "... which is the same file as before: nothing to do" "$mib" \
	"$(fileid /mnt/x/mib)"
rm -f /mnt/x/mib /mnt/x/k

# --activate, with real swapping, and an active swapfile is never replaced.
a=/mnt/x/active
expect "--activate: create and swapon" 0 "$a: activated" \
	mkswapfile --activate $a 256M
check "... listed in /proc/swaps" grep -q "^$a " /proc/swaps
check_eq "... sealed on disk" sealed "$(st $a seal)"
mark_swap
check "stress-ng --vm --verify on it" pressure 160 10
check "swap traffic on it" swap_moved
before=$(fileid $a)
check_eq "active swap: another size is refused, saying what to do" \
	"mkswapfile: $a: active swap, not replaced (not even with --force); swapoff it" \
	"$(mkswapfile $a 128M 2>&1)"
expect "active swap: refused with --force too" 1 "not even with --force" \
	mkswapfile --force $a 128M
expect "active swap: the same request finds it done" 0 "sealed, active, nothing to do" \
	mkswapfile --activate $a 256M
check_eq "... the active swapfile is untouched" "$before" "$(fileid $a)"
check "swapoff" swapoff $a

# A file sealed by swapon alone.
t=/mnt/x/classic
fallocate -l 64M $t && chmod 600 $t && mkswap -q $t > /dev/null 2>&1
check_eq "a classic swapfile: not sealed" "not sealed" "$(st $t seal)"
check "... swapon" swapon $t
check_eq "... sealed by swapon only: transient" transient "$(st $t seal)"
check_eq "... in JSON too" transient "$(js $t seal)"
check_eq "... active" true "$(js $t active)"
expect "... the same request is done while it is active" 0 "transient, active, nothing to do" \
	mkswapfile $t 64M
expect "... but not with --require-seal" 1 "active swap, not replaced" \
	mkswapfile --require-seal $t 64M
check "... swapoff" swapoff $t
check_eq "... not sealed again" "not sealed" "$(st $t seal)"
expect "... replaced by a sealed one" 0 "$t: sealed swapfile" mkswapfile $t 64M

# Ordinary files are not overwritten, except with --force.
p=/mnt/x/plain
dd if=/dev/urandom of=$p bs=1M count=4 status=none
before="$(fileid $p) $(sha256sum < $p)"
expect "an ordinary file is refused" 1 "$p: not a swapfile (no SWAPSPACE2); --force replaces it" \
	mkswapfile $p 64M
check_eq "... the whole message, no strerror after it" \
	"mkswapfile: $p: not a swapfile (no SWAPSPACE2); --force replaces it" \
	"$(mkswapfile $p 64M 2>&1)"
check_eq "... and left as it was" "$before" "$(fileid $p) $(sha256sum < $p)"
expect "--force replaces it" 0 "$p: sealed swapfile, 67108864 bytes" \
	mkswapfile --force $p 64M
check_eq "... now a sealed 64 MiB swapfile" "sealed valid 67108864" \
	"$(st $p seal) $(st $p header) $(st $p size)"
ln -s $f /mnt/x/link
check_eq "a symbolic link is refused" \
	"mkswapfile: /mnt/x/link: is a symbolic link; give the file's own path" \
	"$(mkswapfile --force /mnt/x/link 128M 2>&1)"
rm /mnt/x/link
mkfifo /mnt/x/fifo
check_eq "a FIFO is refused" \
	"mkswapfile: /mnt/x/fifo: exists and is not a regular file, not replaced" \
	"$(mkswapfile --force /mnt/x/fifo 128M 2>&1)"
rm /mnt/x/fifo

# A hibernation image, as the kernel writes its signature: over
# SWAPSPACE2 at PAGE_SIZE - 10.  libblkid names it; --force alone
# destroys it.
h=/mnt/x/hibernation
for sig in S2SUSPEND ULSUSPEND LINHIB0001 S1SUSPEND; do
	mkswapfile --force $h 64M > /dev/null 2>&1
	printf '%s\000' $sig | head -c 10 |
		dd of=$h bs=1 seek=$((PAGE - 10)) conv=notrunc status=none
	check_eq "$sig: blkid: swsuspend" swsuspend "$(blkid -p -o value -s TYPE $h)"
	check_eq "... status: header, signature" \
		"hibernation|hibernation image ($sig)" \
		"$(st $h header)|$(st $h signature)"
done
check_eq "... in JSON too" "hibernation image (S1SUSPEND)" "$(js $h signature)"
# TuxOnIce writes its signature at offset 0 and keeps SWAPSPACE2: a
# header that looks valid still holds an image.
mkswapfile --force $h 64M > /dev/null 2>&1
printf '\355\303\002\351\230\126\345\014' |
	dd of=$h bs=1 conv=notrunc status=none
check_eq "TuxOnIce: blkid: swsuspend" swsuspend "$(blkid -p -o value -s TYPE $h)"
check_eq "... status: header, signature" \
	"hibernation|hibernation image (TuxOnIce)" \
	"$(st $h header)|$(st $h signature)"
before=$(fileid $h)
check_eq "... refused although SWAPSPACE2 is there" \
	"mkswapfile: $h: hibernation image (TuxOnIce): resume it first, or --force destroys it" \
	"$(mkswapfile $h 64M 2>&1)"
check_eq "... untouched" "$before" "$(fileid $h)"
mkswapfile --force $h 64M > /dev/null 2>&1
printf 'S1SUSPEND\000' | dd of=$h bs=1 seek=$((PAGE - 10)) conv=notrunc status=none
before=$(fileid $h)
check_eq "a hibernation image is refused, named, --force not suggested lightly" \
	"mkswapfile: $h: hibernation image (S1SUSPEND): resume it first, or --force destroys it" \
	"$(mkswapfile $h 64M 2>&1)"
check_eq "... untouched" "$before" "$(fileid $h)"
expect "--force discards it, with a warning" 0 \
	"warning: $h: destroying the hibernation image (S1SUSPEND) it holds (--force)" \
	mkswapfile --force $h 64M
check_eq "... a valid swapfile now" "valid sealed" "$(st $h header) $(st $h seal)"
rm -f $h

# A swap header for 64 KiB pages (util-linux mkswap -p): named with its
# page size, by --status too.
g=/mnt/x/pagesize
truncate -s 64M $g
mkswap -q -p 65536 $g > /dev/null 2>&1
check_eq "mkswap -p 65536: blkid: swap" swap "$(blkid -p -o value -s TYPE $g)"
check_eq "... status: header" other-pagesize "$(st $g header)"
check_eq "... status: signature" \
	"swap header for 65536-byte pages, this system uses $PAGE" \
	"$(st $g signature)"
check_eq "... refused, named" \
	"mkswapfile: $g: swap header for 65536-byte pages, not $PAGE; --force replaces it" \
	"$(mkswapfile $g 64M 2>&1)"
expect "... --force replaces it" 0 "$g: sealed swapfile" mkswapfile --force $g 64M
check_eq "... with one for this page size" "valid|swap header (SWAPSPACE2)" \
	"$(st $g header)|$(st $g signature)"
rm -f $g
# Another signature libblkid knows: named.
truncate -s 64M /mnt/x/fs.img
mkfs.ext4 -q -F /mnt/x/fs.img > /dev/null 2>&1
check_eq "a filesystem image is named" \
	"mkswapfile: /mnt/x/fs.img: not a swapfile: libblkid finds ext4; --force replaces it" \
	"$(mkswapfile /mnt/x/fs.img 64M 2>&1)"
check_eq "... status: header, signature" "other|ext4 (libblkid)" \
	"$(st /mnt/x/fs.img header)|$(st /mnt/x/fs.img signature)"
rm -f /mnt/x/fs.img

# The seal needs CAP_LINUX_IMMUTABLE: without it (as a container runtime
# may leave root), the message names it, and nothing is left.
check_eq "no CAP_LINUX_IMMUTABLE: the seal is refused, the capability named" \
	"mkswapfile: /mnt/x/nocap: seal: Operation not permitted: sealing needs CAP_LINUX_IMMUTABLE (containers may drop it)" \
	"$(setpriv --inh-caps=-linux_immutable --bounding-set=-linux_immutable \
		mkswapfile /mnt/x/nocap 64M 2>&1)"
check_fails "... no file made" test -e /mnt/x/nocap

# A SWAPSPACE2 signature alone is not a swapfile: an invalid header (here
# version 2) is not replaced without --force.
mkswapfile --force $p 64M > /dev/null
printf '\002' | dd of=$p bs=1 seek=1024 conv=notrunc status=none
check_eq "an invalid header is reported" invalid "$(st $p header)"
expect "... and not replaced" 1 "$p: invalid swap header (version, size); --force replaces it" \
	mkswapfile $p 64M
expect "... but with --force" 0 "$p: sealed swapfile" mkswapfile --force $p 64M
# last_page 0xffffffff (a 16 TiB swapfile's) does not wrap to 0 pages.
printf '\377\377\377\377' | dd of=$p bs=1 seek=1028 conv=notrunc status=none
check_eq "last_page 0xffffffff is 2^32 pages" "4294967296 invalid" \
	"$(st $p pages) $(st $p header)"
check_eq "... in JSON too" 4294967296 "$(js $p pages)"
mkswapfile --force $p 64M > /dev/null

# --fstab: stdout is the fstab line alone, by absolute path, with the
# characters fstab(5) cannot hold escaped; nothing for a relative path.
mkdir -p "/mnt/x/a dir"
out=$(cd /mnt/x && mkswapfile --fstab "a dir/s\\w" 64M 2>/dev/null)
check_eq "--fstab prints the escaped absolute line, nothing else" \
	'/mnt/x/a\040dir/s\134w none swap defaults 0 0' "$out"
check_eq "... which util-linux reads back as the path" "/mnt/x/a dir/s\\w" \
	"$(printf "%s\n" "$out" > /tmp/fstab && findmnt -F /tmp/fstab -n -o SOURCE)"
expect "--fstab to a full stdout fails" 1 "write error on standard output: No space left on device" \
	sh -c 'cd /mnt/x && mkswapfile --fstab "a dir/s\\w" 64M > /dev/full'
expect "--status to a full stdout fails" 1 "write error on standard output" \
	sh -c "mkswapfile --status $p > /dev/full"
# Names and labels that are not plain text: valid JSON, one line a key.
q=$(printf '/mnt/x/a dir/q"\\\001\377')
out=$(mkswapfile -L "$(printf 'l\nx')" "$q" 64M)
case $out in
*', LABEL=l\x0ax, UUID='*) ok "the creation message escapes a newline in the label" ;;
*) not_ok "the creation message escapes a newline in the label"
   printf '%s\n' "$out" | sed 's/^/#   /' ;;
esac
check_eq "... on one line" 1 "$(printf '%s\n' "$out" | wc -l)"
check_eq "--json escapes quote, backslash, control characters, invalid UTF-8" \
	True "$(mkswapfile --status --json "$q" | Q=$q python3 -c '
import json, os, sys
v = json.load(sys.stdin)
want = os.fsencode(os.environ["Q"]).decode("utf-8", "replace")
print(v["path"] == want and v["label"] == "l\nx")' 2>&1)"
check_eq "--status text: a label with a newline stays on its line" 'l\x0ax' \
	"$(st "$q" label)"
rm -rf "/mnt/x/a dir"

# Bad sizes and paths: error, nothing created.
for s in 0 1 12Q 1.5G 4K 36K "" 99999999999999999999 17T; do
	expect "size '$s' refused" 1 "size '$s'" mkswapfile /mnt/x/bad "$s"
done
check_eq "an invalid size: the message says what is expected" \
	"mkswapfile: invalid size '12Q': expected bytes, or a number with K, M, G or T" \
	"$(mkswapfile /mnt/x/bad 12Q 2>&1)"
expect "a negative size is refused" 1 "invalid size '-1G': expected" \
	mkswapfile /mnt/x/bad -1G
expect "a negative size after -- is refused" 1 "invalid size '-5': expected" \
	mkswapfile -- /mnt/x/bad -5
expect "a size over 2^32 pages says the maximum" 1 "too large for a swap header, the maximum is 2^32 pages" \
	mkswapfile /mnt/x/bad 17T
expect "a tiny size says the minimum" 1 "minimum is 10 pages" \
	mkswapfile /mnt/x/bad 9K
check_fails "... no file made" test -e /mnt/x/bad
expect "10 pages is enough" 0 "sealed swapfile, $((10 * PAGE)) bytes" \
	mkswapfile /mnt/x/min $((10 * PAGE))
rm -f /mnt/x/min
expect "a missing directory" 1 "/mnt/x/nodir: No such file or directory" \
	mkswapfile /mnt/x/nodir/swap 64M
expect "a directory as PATH" 1 "/mnt/x: Is a directory" mkswapfile /mnt/x 64M
mkdir /mnt/x/d
expect "a directory as PATH, with a slash" 1 "Is a directory" mkswapfile /mnt/x/d/ 64M
expect "a directory as PATH, even with --force" 1 "Is a directory" \
	mkswapfile --force /mnt/x/d 64M
rmdir /mnt/x/d
expect "usage: no SIZE" 2 "PATH and SIZE expected" mkswapfile /mnt/x/u
expect "usage: an unknown option" 2 "unrecognized option '--frob'" \
	mkswapfile --frob /mnt/x/u 64M
expect "usage: --json without --status" 2 "--json goes with --status" \
	mkswapfile --json /mnt/x/u 64M
expect "usage: --status with creation options" 2 "--status takes only" \
	mkswapfile --status -L x $f

# Not root.
expect "not root: refused, saying why" 1 "must be run as root" \
	$NOBODY mkswapfile /mnt/x/nobody 64M
check_fails "... no file made" test -e /mnt/x/nobody
expect "not root: --status of a root-only file" 1 "open: Permission denied" \
	$NOBODY mkswapfile --status $f
check_eq "nothing temporary left on the XFS" "" "$(ls -A /mnt/x | grep '^\.')"
# xfs_repair 6.1 reports sealed inodes ("Bad flags2"): unseal them first.
for s in /mnt/x/*; do
	[ "$(st "$s" seal)" = sealed ] && sealctl unseal "$s" > /dev/null
done
check "umount the XFS" umount /mnt/x
check "xfs_repair -n clean (after unsealing)" xfs_repair -n /dev/vda

# ext4: no seal.
check "ext4 on vdb" mkfs_mount ext4 /dev/vdb /mnt/e
e=/mnt/e/swapfile
expect "ext4 --require-seal: fails" 1 \
	"$e: this filesystem cannot seal a block map (--require-seal)" \
	mkswapfile --require-seal $e 128M
check_eq "... no file, no temporary file" lost+found "$(ls -A /mnt/e)"
mkswapfile $e 128M > /tmp/out 2> /tmp/err
check_eq "ext4 without --require-seal: works" "0" "$?"
check "... with a warning on stderr" \
	grep -qx "mkswapfile: warning: $e: not sealed: this filesystem cannot seal a block map" /tmp/err
check "... stdout: an unsealed swapfile" grep -q "$e: unsealed swapfile" /tmp/out
check_eq "... mode 0600, owned by root, 128 MiB" "600 0 0 134217728" \
	"$(stat -c '%a %u %g %s' $e)"
check_eq "... status: not sealed, cannot be, valid header" "not sealed no valid" \
	"$(st $e seal) $(st $e seal_supported) $(st $e header)"
check "... util-linux swapon accepts it" swapon $e
check_eq "... sealed by swapon while active" transient "$(st $e seal)"
check "... swapoff" swapoff $e
before=$(fileid $e)
expect "ext4: a second run finds it done" 0 "already a swapfile of 134217728 bytes, not sealed" \
	mkswapfile $e 128M
check_eq "... untouched" "$before" "$(fileid $e)"
expect "ext4: --require-seal refuses it" 1 "block map (--require-seal)" \
	mkswapfile --require-seal $e 128M
check_eq "... and leaves it in place" "$before" "$(fileid $e)"
expect "ext4: --activate" 0 "$e: activated" mkswapfile --activate $e 128M
check "... swapoff" swapoff $e
# An --activate the kernel refuses points to the kernel log, which says why.
echo require > /proc/sys/vm/swapfile_seal
dmesg_mark activate
check_eq "--activate refused by swapon: the message points to dmesg" \
	"mkswapfile: /mnt/e/req: swapon: Invalid argument; the kernel log says why (dmesg)" \
	"$(mkswapfile --activate /mnt/e/req 64M 2>&1 >/dev/null |
		grep -v warning:)"
dmesg_since activate | grep -q '/mnt/e/req is not sealed and vm.swapfile_seal is "require"'
check_eq "... where the reason is" 0 "$?"
check "... the finished swapfile stays" test -f /mnt/e/req
echo set > /proc/sys/vm/swapfile_seal
rm -f /mnt/e/req
expect "ext4: ENOSPC" 1 "/mnt/e/big: fallocate: No space left on device" \
	mkswapfile /mnt/e/big 4G
check_eq "... leaves nothing behind" "lost+found swapfile" "$(ls -A /mnt/e | tr '\n' ' ' | sed 's/ $//')"
check "umount the ext4" umount /mnt/e
check "e2fsck -fn clean" e2fsck -fn /dev/vdb

# ENOSPC on a small XFS: no file, no temporary file, the space comes back.
check "a 400M XFS on vdd" mkfs_mount xfs /dev/vdd /mnt/s
expect "ENOSPC: 1G on 400M" 1 "/mnt/s/swapfile: fallocate: No space left on device" \
	mkswapfile /mnt/s/swapfile 1G
check_eq "... no file and no temporary file" "" "$(ls -A /mnt/s)"
sync
expect "... the space is free again: 300M fit" 0 "sealed swapfile" \
	mkswapfile /mnt/s/swapfile 300M
expect "ENOSPC replacing it: 1G" 1 "fallocate: No space left on device" \
	mkswapfile /mnt/s/swapfile 1G
check_eq "... the old one stays, nothing else" "swapfile 314572800" \
	"$(ls -A /mnt/s) $(stat -c %s /mnt/s/swapfile)"
check "umount" umount /mnt/s

# vfat has no O_TMPFILE: the hidden temporary name, renamed into place.
mkfs.vfat /dev/vdd > /dev/null
mkdir -p /mnt/v
check "vfat on vdd" mount -t vfat -o uid=0,gid=0,fmask=0177,dmask=0077 /dev/vdd /mnt/v
v=/mnt/v/swapfile
strace -f -o /tmp/strace -e trace=openat,renameat2,fsync mkswapfile $v 64M > /tmp/out 2>&1
check_eq "vfat: created" 0 "$?"
check "... under a temporary name" \
	grep -q '"\.swapfile\.[0-9a-f]*", O_RDWR|O_CREAT|O_EXCL' /tmp/strace
check "... renamed into place" grep -q 'renameat2(.*"\.swapfile\.[0-9a-f]*".*"swapfile"' /tmp/strace
check_eq "... the file fsynced before the rename, the directory after" \
	"fsync renameat2 fsync" \
	"$(sed -n 's/^[0-9]* *\(fsync\|renameat2\)(.*) *= 0$/\1/p' /tmp/strace | tr '\n' ' ' | sed 's/ $//')"
check_eq "... only the swapfile is there" swapfile "$(ls -A /mnt/v)"
check_eq "... a valid 64 MiB swapfile" "valid 67108864" "$(st $v header) $(st $v size)"
expect "vfat: replacing it" 0 "33554432 bytes" mkswapfile $v 32M
check_eq "... only the swapfile is there" swapfile "$(ls -A /mnt/v)"
expect "vfat: ENOSPC" 1 "/mnt/v/big: fallocate: No space left on device" \
	mkswapfile /mnt/v/big 1G
check_eq "... the temporary file is removed" swapfile "$(ls -A /mnt/v)"
# SIGTERM while the visible temporary file is being built: removed.
mkswapfile /mnt/v/sig 300M > /dev/null 2>&1 &
pid=$!
n=0
while [ -z "$(ls -A /mnt/v | grep '^\.sig\.')" ] && [ $n -lt 1000 ]; do
	sleep 0.01
	n=$((n + 1))
done
check "vfat: the temporary file of a 300M swapfile appears" \
	sh -c "ls -A /mnt/v | grep -q '^\.sig\.'"
kill -TERM $pid
rc=0 && wait $pid 2>/dev/null || rc=$?
check_eq "... SIGTERM stops mkswapfile (status 128+15)" 143 "$rc"
check_eq "... and leaves no file, temporary or not" swapfile "$(ls -A /mnt/v)"
check "umount" umount /mnt/v
tap_done
