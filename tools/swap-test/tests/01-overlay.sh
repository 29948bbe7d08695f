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
# of a file the real overlay does not touch.  On a backport, the real
# overlay as it is for that base, flattened into top-level entries (the
# backport's own rules are tested below, on a scratch backport).
mkdir -p "$tmp/repo"
if [ -z "${OVERLAY_BACKPORT:-}" ]; then
	OVERLAY_TOP=$TOP "$ov" list | while read -r f t; do
		mkdir -p "$tmp/repo/$(dirname "$f")"
		cp "$TOP/$f" "$tmp/repo/$f"
	done
else
	mkdir -p "$tmp/flat"
	OVERLAY_TOP=$TOP "$ov" targets | while read -r t; do
		mkdir -p "$tmp/flat/$(dirname "$t")"
		[ -f "$base/$t" ] && cp "$base/$t" "$tmp/flat/$t"
	done
	OVERLAY_TOP=$TOP "$ov" tree "$base" "$tmp/flat" > /dev/null
	OVERLAY_TOP=$TOP "$ov" targets | while read -r t; do
		mkdir -p "$tmp/repo/$(dirname "$t")"
		if [ -f "$base/$t" ]; then
			diff -u --label "a/$t" --label "b/$t" "$base/$t" \
				"$tmp/flat/$t" > "$tmp/repo/$t.patch" || true
		else
			cp "$tmp/flat/$t" "$tmp/repo/$t"
		fi
	done
fi
unset OVERLAY_BACKPORT
mkdir -p "$tmp/repo/lib" "$tmp/edit/lib"
echo "overlay selftest" > "$tmp/repo/lib/overlay-selftest.txt"
sed 's/^MODULE_LICENSE.*/&\n\/* overlay selftest *\//' "$base/lib/glob.c" > "$tmp/edit/lib/glob.c"
(cd "$tmp" && diff -u --label a/lib/glob.c --label b/lib/glob.c \
	"$base/lib/glob.c" edit/lib/glob.c > repo/lib/glob.c.patch) || true
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
check "patched file as edited" cmp "$tmp/edit/lib/glob.c" "$tmp/tree/lib/glob.c"
check "new file copied whole" cmp "$tmp/repo/lib/overlay-selftest.txt" "$tmp/tree/lib/overlay-selftest.txt"
check "refresh" "$ov" refresh "$base" "$tmp/tree"
check "tree -> refresh leaves the overlay byte for byte" diff -r "$tmp/orig" "$tmp/repo"
check_eq "tree again touches nothing" "" "$("$ov" tree "$base" "$tmp/tree" 2>&1)"

echo "/* edited in the tree */" >> "$tmp/tree/lib/glob.c"
check "refresh after an edit" "$ov" refresh "$base" "$tmp/tree"
check "the edit is in the patch" grep -q '^+/\* edited in the tree \*/' "$tmp/repo/lib/glob.c.patch"
fresh_tree "$tmp/tree2"
"$ov" tree "$base" "$tmp/tree2" > /dev/null
check "a fresh tree reproduces the edit" cmp "$tmp/tree/lib/glob.c" "$tmp/tree2/lib/glob.c"

# make add: an edited upstream file becomes a patch, a new one a file.
echo "/* added */" >> "$tmp/tree/lib/parser.c"
echo "new" > "$tmp/tree/lib/overlay-added.txt"
check "add an edited upstream file and a new one" \
	"$ov" add "$base" "$tmp/tree" lib/parser.c lib/overlay-added.txt
check "... the upstream file as a patch" \
	grep -q '^+/\* added \*/' "$tmp/repo/lib/parser.c.patch"
check "... the new file whole" cmp "$tmp/tree/lib/overlay-added.txt" \
	"$tmp/repo/lib/overlay-added.txt"
check_eq "... and tree then touches nothing" "" \
	"$("$ov" tree "$base" "$tmp/tree" 2>&1)"

# add refuses what it cannot track, and changes nothing, also for the
# edited file named with it: a file already in the overlay (a patch or
# a whole file of ours), an upstream file not edited yet (an empty patch
# would be no entry, and refresh would never see the file again), a
# file in neither the base nor the tree, a path outside the overlay.
cp "$base/lib/bitmap.c" "$base/lib/cmdline.c" "$tmp/tree/lib/"
echo "/* not added */" >> "$tmp/tree/lib/bitmap.c"
cp -a "$tmp/repo" "$tmp/repo-before"
cp "$tmp/tree/.overlay" "$tmp/overlay-before"
add_refuses() { # WHAT MESSAGE PATH
	err=$("$ov" add "$base" "$tmp/tree" lib/bitmap.c "$3" 2>&1) &&
		rc=0 || rc=$?
	case $err in
	*"$2"*) check_eq "add refuses $1" 1 "$rc" ;;
	*) not_ok "add refuses $1"; echo "#   $err" ;;
	esac
	check "... and changes nothing" sh -c "diff -r '$tmp/repo-before' \
		'$tmp/repo' && cmp '$tmp/overlay-before' '$tmp/tree/.overlay'"
}
add_refuses "a patched file" "lib/glob.c is already in the overlay (lib/glob.c.patch)" lib/glob.c
add_refuses "a new file of ours" "lib/overlay-selftest.txt is already in the overlay" \
	lib/overlay-selftest.txt
add_refuses "an upstream file not edited" "edit $tmp/tree/lib/cmdline.c first" \
	lib/cmdline.c
add_refuses "a file in neither base nor tree" \
	"lib/no-such-file.c is neither in the base" lib/no-such-file.c
add_refuses "a path outside the overlay" "not a path under" \
	build/tree/lib/bitmap.c
# The same through make, as README.md shows it (not the make that runs
# the suite: its variables would select the base).
mkdir -p "$tmp/b"
ln -s "$tmp/tree" "$tmp/b/tree"
err=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BASE -u OVERLAY_BACKPORT \
	make -s -C "$TOP" add B="$tmp/b" KERNEL_SRC="$base" \
	FILES=lib/glob.c 2>&1) && rc=0 || rc=$?
check_eq "make add FILES=a tracked file fails, saying so" \
	"2 overlay: lib/glob.c is already in the overlay (lib/glob.c.patch): edit $tmp/b/tree/lib/glob.c and run make refresh" \
	"$rc $(echo "$err" | grep overlay:)"
check "... and changes nothing" diff -r "$tmp/repo-before" "$tmp/repo"
rm "$tmp/tree/lib/bitmap.c" "$tmp/tree/lib/cmdline.c"
rm -r "$tmp/repo-before" "$tmp/overlay-before" "$tmp/b"
rm "$tmp/repo/lib/parser.c.patch" "$tmp/repo/lib/overlay-added.txt"
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

rm "$tmp/repo/lib/glob.c.patch" "$tmp/repo/lib/overlay-selftest.txt"
"$ov" tree "$base" "$tmp/tree" > /dev/null
check "a dropped patch restores the base file" cmp "$base/lib/glob.c" "$tmp/tree/lib/glob.c"
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

# A backport (OVERLAY_BACKPORT): its entries replace the top level's,
# patch a new file of the top level, or leave a file out; refresh writes
# to the backport.
bp=backport/x
mkdir -p "$tmp/repo/$bp/lib" "$tmp/repo/$bp/fs" "$tmp/repo/$bp/include/linux"
cp "$tmp/orig/lib/glob.c.patch" "$tmp/repo/lib/glob.c.patch"
sed 's/^MODULE_LICENSE.*/&\n\/* backport x *\//' "$base/lib/glob.c" > "$tmp/edit/lib/glob.bp"
(cd "$tmp" && diff -u --label a/lib/glob.c --label b/lib/glob.c \
	"$base/lib/glob.c" edit/lib/glob.bp > "repo/$bp/lib/glob.c.patch") || true
sed 's|^// SPDX.*|&\n/* backport x */|' "$tmp/repo/fs/blockmap_seal.c" > "$tmp/edit/bms.c"
(cd "$tmp" && diff -u --label a/fs/blockmap_seal.c --label b/fs/blockmap_seal.c \
	repo/fs/blockmap_seal.c edit/bms.c > "repo/$bp/fs/blockmap_seal.c.patch") || true
echo "not on this base" > "$tmp/repo/$bp/include/linux/fs.h.absent"
fresh_tree "$tmp/tree4"
check "backport: tree applies the backport's overlay" \
	env OVERLAY_BACKPORT=$bp "$ov" tree "$base" "$tmp/tree4"
check "backport: its patch of an upstream file replaces the top level's" \
	cmp "$tmp/edit/lib/glob.bp" "$tmp/tree4/lib/glob.c"
check "backport: its patch of a new file goes on top of it" \
	cmp "$tmp/edit/bms.c" "$tmp/tree4/fs/blockmap_seal.c"
check "backport: FILE.absent leaves FILE as the base has it" \
	cmp "$base/include/linux/fs.h" "$tmp/tree4/include/linux/fs.h"
check_fails "backport: ... and out of the targets" \
	sh -c "OVERLAY_BACKPORT=$bp '$ov' targets | grep -qx include/linux/fs.h"
check "backport: the top level alone still gives the mainline tree" \
	sh -c "OVERLAY_BACKPORT= '$ov' targets | grep -qx include/linux/fs.h"
echo "/* bp edit */" >> "$tmp/tree4/fs/blockmap_seal.c"
cp "$tmp/repo/fs/blockmap_seal.c" "$tmp/bms.top"
check "backport: refresh" env OVERLAY_BACKPORT=$bp "$ov" refresh "$base" "$tmp/tree4"
check "backport: ... writes the edit to the backport's patch" \
	grep -q '^+/\* bp edit \*/' "$tmp/repo/$bp/fs/blockmap_seal.c.patch"
check "backport: ... and leaves the top level alone" \
	cmp "$tmp/bms.top" "$tmp/repo/fs/blockmap_seal.c"
check_eq "backport: tree again touches nothing" "" \
	"$(OVERLAY_BACKPORT=$bp "$ov" tree "$base" "$tmp/tree4" 2>&1)"
rm -r "$tmp/repo/backport" "$tmp/repo/lib/glob.c.patch"

sed 's/^-MODULE_LICENSE/-NO_SUCH_LINE/; s/^ MODULE_LICENSE/ NO_SUCH_LINE/' \
	"$tmp/orig/lib/glob.c.patch" > "$tmp/repo/lib/glob.c.patch"
err=$("$ov" tree "$base" "$tmp/tree" 2>&1) && rc=0 || rc=$?
check "a patch that does not apply fails" test "$rc" -ne 0
case $err in
*"lib/glob.c.patch does not apply"*) ok "... naming the file" ;;
*) not_ok "... naming the file"; echo "#   $err" ;;
esac
tap_done
