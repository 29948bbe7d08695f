#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The overlay round trip: tree -> refresh -> tree changes nothing, edits
# in the tree come back as patches, dropped files go back to the base,
# and a patch that no longer applies fails loudly, naming the file.
. "$TOP/tools/swap-test/lib/tap.sh"
set -u
ov=$TOP/tools/swap-test/kernel/overlay.sh
base=${KERNEL_SRC:-$B/base-src}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OVERLAY_TOP=$tmp/repo

# A scratch repository: the real overlay plus one new file and one patch
# of a file the real overlay does not touch.
mkdir -p "$tmp/repo"
OVERLAY_TOP=$TOP "$ov" list | while read -r f t; do
	mkdir -p "$tmp/repo/$(dirname "$f")"
	cp "$TOP/$f" "$tmp/repo/$f"
done
mkdir -p "$tmp/repo/lib" "$tmp/edit/lib"
echo "overlay selftest" > "$tmp/repo/lib/overlay-selftest.txt"
sed 's/^MODULE_LICENSE.*/&\n\/* overlay selftest *\//' "$base/lib/crc16.c" > "$tmp/edit/lib/crc16.c"
(cd "$tmp" && diff -u --label a/lib/crc16.c --label b/lib/crc16.c \
	"$base/lib/crc16.c" edit/lib/crc16.c > repo/lib/crc16.c.patch) || true
cp -a "$tmp/repo" "$tmp/orig"

# fresh_tree DIR: a tree holding just the base versions of the targets.
fresh_tree() {
	rm -rf "$1"
	"$ov" list | while read -r f t; do
		mkdir -p "$1/$(dirname "$t")"
		[ -f "$base/$t" ] && cp "$base/$t" "$1/$t"
	done
	return 0
}

fresh_tree "$tmp/tree"
check "tree applies the overlay" "$ov" tree "$base" "$tmp/tree"
check "patched file as edited" cmp "$tmp/edit/lib/crc16.c" "$tmp/tree/lib/crc16.c"
check "new file copied whole" cmp "$tmp/repo/lib/overlay-selftest.txt" "$tmp/tree/lib/overlay-selftest.txt"
check "refresh" "$ov" refresh "$base" "$tmp/tree"
check "tree -> refresh leaves the overlay byte for byte" diff -r "$tmp/orig" "$tmp/repo"
check_eq "tree again touches nothing" "" "$("$ov" tree "$base" "$tmp/tree" 2>&1)"

echo "/* edited in the tree */" >> "$tmp/tree/lib/crc16.c"
check "refresh after an edit" "$ov" refresh "$base" "$tmp/tree"
check "the edit is in the patch" grep -q '^+/\* edited in the tree \*/' "$tmp/repo/lib/crc16.c.patch"
fresh_tree "$tmp/tree2"
"$ov" tree "$base" "$tmp/tree2" > /dev/null
check "a fresh tree reproduces the edit" cmp "$tmp/tree/lib/crc16.c" "$tmp/tree2/lib/crc16.c"

# make add: an edited upstream file becomes a patch, a new one a file.
echo "/* added */" >> "$tmp/tree/lib/crc32.c"
echo "new" > "$tmp/tree/lib/overlay-added.txt"
check "add an edited upstream file and a new one" \
	"$ov" add "$base" "$tmp/tree" lib/crc32.c lib/overlay-added.txt
check "... the upstream file as a patch" \
	grep -q '^+/\* added \*/' "$tmp/repo/lib/crc32.c.patch"
check "... the new file whole" cmp "$tmp/tree/lib/overlay-added.txt" \
	"$tmp/repo/lib/overlay-added.txt"
check_eq "... and tree then touches nothing" "" \
	"$("$ov" tree "$base" "$tmp/tree" 2>&1)"
check_fails "add of a file not in the tree fails" \
	"$ov" add "$base" "$tmp/tree" lib/no-such-file.c
rm "$tmp/repo/lib/crc32.c.patch" "$tmp/repo/lib/overlay-added.txt"
"$ov" tree "$base" "$tmp/tree" > /dev/null

# Neither direction overwrites edits made on the other side.
echo "repo edit" >> "$tmp/repo/lib/overlay-selftest.txt"
"$ov" refresh "$base" "$tmp/tree" > /dev/null
check "refresh leaves a repository edit alone when the tree was not edited" \
	grep -q "repo edit" "$tmp/repo/lib/overlay-selftest.txt"
"$ov" tree "$base" "$tmp/tree" > /dev/null
echo "tree edit" >> "$tmp/tree/lib/overlay-selftest.txt"
echo "another repo edit" >> "$tmp/repo/lib/overlay-selftest.txt"
check_fails "refresh stops when both sides changed" "$ov" refresh "$base" "$tmp/tree"
check_fails "tree stops rather than drop edits made in the tree" "$ov" tree "$base" "$tmp/tree"
check "... and keeps them" grep -q "tree edit" "$tmp/tree/lib/overlay-selftest.txt"
rm "$tmp/tree/lib/overlay-selftest.txt"

rm "$tmp/repo/lib/crc16.c.patch" "$tmp/repo/lib/overlay-selftest.txt"
"$ov" tree "$base" "$tmp/tree" > /dev/null
check "a dropped patch restores the base file" cmp "$base/lib/crc16.c" "$tmp/tree/lib/crc16.c"
check_fails "a dropped new file is removed" test -e "$tmp/tree/lib/overlay-selftest.txt"

# A tree made from one base is made again from another, not mixed: here
# two small bases that differ in a file the overlay does not touch.
fresh_tree "$tmp/base2"
echo "base 2" > "$tmp/base2/base-only" && echo "v2" > "$tmp/base2/.base-version"
"$ov" tree "$tmp/base2" "$tmp/tree3" > /dev/null
echo "base 3" > "$tmp/base2/base-only" && echo "v3" > "$tmp/base2/.base-version"
echo "/* edit */" >> "$tmp/tree3/fs/blockmap_seal.c"
check_fails "tree on another base stops rather than drop edits" \
	"$ov" tree "$tmp/base2" "$tmp/tree3"
check "... and keeps them" grep -q "/\* edit \*/" "$tmp/tree3/fs/blockmap_seal.c"
"$ov" refresh "$tmp/base2" "$tmp/tree3" > /dev/null
"$ov" tree "$tmp/base2" "$tmp/tree3" > /dev/null
check_eq "tree on another base is made again from it" "base 3" \
	"$(cat "$tmp/tree3/base-only")"
check "... with the overlay applied" cmp "$tmp/repo/fs/blockmap_seal.c" \
	"$tmp/tree3/fs/blockmap_seal.c"

sed 's/^-MODULE_LICENSE/-NO_SUCH_LINE/; s/^ MODULE_LICENSE/ NO_SUCH_LINE/' \
	"$tmp/orig/lib/crc16.c.patch" > "$tmp/repo/lib/crc16.c.patch"
err=$("$ov" tree "$base" "$tmp/tree" 2>&1) && rc=0 || rc=$?
check "a patch that does not apply fails" test "$rc" -ne 0
case $err in
*"lib/crc16.c.patch does not apply"*) ok "... naming the file" ;;
*) not_ok "... naming the file"; echo "#   $err" ;;
esac
tap_done
