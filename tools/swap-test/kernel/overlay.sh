#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh: move the kernel overlay between this repository and a
# build tree.
#
#   overlay.sh tree    BASE TREE  make TREE = BASE + overlay
#   overlay.sh refresh BASE TREE  rewrite the overlay from TREE
#   overlay.sh add     BASE TREE PATH...  start tracking PATH
#   overlay.sh list               print "overlay-file target" pairs
#
# The overlay lives at kernel paths under the directories in $dirs.  A
# file FILE.patch is a unified diff of FILE against BASE; any other file
# is a new kernel file, copied whole.  TREE/.overlay lists each target
# with the hash of the content last synced between repository and tree:
# a target dropped from the overlay is put back to its base version, and
# neither direction overwrites edits made on the other side since the last
# sync (it stops and names the file instead).  Files whose content did not
# change are not touched, so kbuild rebuilds only what changed.
set -eu
top=${OVERLAY_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
dirs="Documentation arch block drivers fs include kernel lib mm security"

die() { printf 'overlay: %s\n' "$*" >&2; exit 1; }

hash() { [ -f "$1" ] && sha1sum < "$1" | cut -c1-40 || echo none; }

# synced TREE TARGET: the hash recorded at the last sync, or "none".
synced() {
	awk -v t="$2" '$1 == t { h = $2 } END { print h ? h : "none" }' \
		"$1/.overlay" 2>/dev/null || echo none
}

# record TREE TARGET: remember the tree's current content as synced.
record() {
	touch "$1/.overlay"
	{
		awk -v t="$2" '$1 != t' "$1/.overlay"
		echo "$2 $(hash "$1/$2")"
	} > "$1/.overlay.new"
	mv "$1/.overlay.new" "$1/.overlay"
}

# edited TREE TARGET: true when the tree's copy changed since the sync.
edited() {
	r=$(synced "$1" "$2")
	[ "$r" != none ] && [ "$r" != "$(hash "$1/$2")" ]
}

list() {
	cd "$top"
	for d in $dirs; do
		[ -d "$d" ] || continue
		find "$d" -type f ! -name '*~' ! -name '*.orig' ! -name '*.rej' \
			! -name '.*.swp'
	done | LC_ALL=C sort | while read -r f; do
		case $f in
		*.patch) echo "$f ${f%.patch}" ;;
		*) echo "$f $f" ;;
		esac
	done
}

# install SRC DST: copy SRC over DST unless they are already equal.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		echo "  OVERLAY $3"
	fi
}

# content F T: what the overlay entry F makes of target T, into $tmp.
content() {
	case $1 in
	*.patch)
		[ -f "$base/$2" ] || die "$1: $2 does not exist in the base tree"
		patch -s -f --no-backup-if-mismatch -r - -o "$tmp" \
			"$base/$2" < "$top/$1" >/dev/null 2>&1 ||
			die "$1 does not apply to $base/$2"
		;;
	*) cp "$top/$1" "$tmp" ;;
	esac
}

# base_id BASE: what BASE is (the extracted version, or the path and git
# commit of a KERNEL_SRC tree), so that a tree made from another base is
# made again instead of mixing two kernels.
base_id() {
	if [ -f "$1/.base-version" ]; then
		cat "$1/.base-version"
	else
		echo "$(cd "$1" && pwd -P)" \
			"$(git -C "$1" rev-parse HEAD 2>/dev/null || echo no-git)"
	fi
}

tree() {
	base=$1 tree=$2
	id=$(base_id "$base")
	# A tree from before base ids were kept is taken to be of this base.
	[ ! -d "$tree" ] || [ -f "$tree/.base-id" ] || echo "$id" > "$tree/.base-id"
	if [ -d "$tree" ] && [ "$(cat "$tree/.base-id")" != "$id" ]; then
		if [ -f "$tree/.overlay" ]; then
			cut -d' ' -f1 "$tree/.overlay" | while read -r t; do
				! edited "$tree" "$t" ||
					die "$tree was made from another base and $t has edits: make refresh first, or delete $tree"
			done
		fi
		echo "  REMOVE  $tree (made from another base; now: $id)"
		rm -rf "$tree"
	fi
	if [ ! -d "$tree" ]; then
		echo "  COPY    $base -> $tree"
		rm -rf "$tree.tmp"
		cp -a --reflink=auto "$base" "$tree.tmp"
		echo "$id" > "$tree.tmp/.base-id"
		mv "$tree.tmp" "$tree"
	fi
	tmp=$(mktemp)
	trap 'rm -f "$tmp" "$tmp.new"' EXIT
	list > "$tmp.new"
	while read -r f t; do
		content "$f" "$t"
		if edited "$tree" "$t" && ! cmp -s "$tmp" "$tree/$t"; then
			die "$tree/$t has edits that are not in the overlay: make refresh first, or delete it"
		fi
		install_if_changed "$tmp" "$tree/$t" "$t"
		record "$tree" "$t"
	done < "$tmp.new"
	# Targets dropped from the overlay go back to the base version.
	if [ -f "$tree/.overlay" ]; then
		cut -d' ' -f2 "$tmp.new" | LC_ALL=C sort > "$tmp"
		cut -d' ' -f1 "$tree/.overlay" | LC_ALL=C sort | comm -23 - "$tmp" |
		while read -r t; do
			if [ -f "$base/$t" ]; then
				install_if_changed "$base/$t" "$tree/$t" "$t"
			else
				rm -f "$tree/$t"
				echo "  REMOVE  $t"
			fi
			awk -v t="$t" '$1 != t' "$tree/.overlay" > "$tree/.overlay.new"
			mv "$tree/.overlay.new" "$tree/.overlay"
		done
	fi
}

# diff_one BASE TREE TARGET: the overlay patch for TARGET on stdout.
diff_one() {
	diff -u --label "a/$3" --label "b/$3" "$1/$3" "$2/$3" || [ $? -eq 1 ]
}

refresh() {
	base=$1 tree=$2
	[ -d "$tree" ] || die "no build tree at $tree (run make tree)"
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	list | while read -r f t; do
		if [ ! -f "$tree/$t" ]; then
			echo "overlay: $t is not in the tree yet (make tree)" >&2
			continue
		fi
		# Only what was edited in the tree goes back, and only over an
		# overlay file that did not change since the last sync.
		edited "$tree" "$t" || continue
		content "$f" "$t"
		[ "$(hash "$tmp")" = "$(synced "$tree" "$t")" ] ||
			die "$f changed in the repository and $tree/$t in the tree: merge by hand"
		case $f in
		*.patch)
			diff_one "$base" "$tree" "$t" > "$top/$f.new"
			if [ -s "$top/$f.new" ]; then
				install_if_changed "$top/$f.new" "$top/$f" "$f"
			else
				echo "overlay: $t equals the base; remove $f" >&2
			fi
			rm -f "$top/$f.new"
			;;
		*)
			install_if_changed "$tree/$t" "$top/$f" "$f"
			;;
		esac
		record "$tree" "$t"
	done
}

add() {
	base=$1 tree=$2
	shift 2
	for t; do
		[ -f "$tree/$t" ] || die "$tree/$t does not exist"
		mkdir -p "$top/$(dirname "$t")"
		if [ -f "$base/$t" ]; then
			diff_one "$base" "$tree" "$t" > "$top/$t.patch"
			echo "  ADD     $t.patch"
		else
			cp "$tree/$t" "$top/$t"
			echo "  ADD     $t"
		fi
		record "$tree" "$t"
	done
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
tree) [ $# -eq 2 ] || die "usage: tree BASE TREE"; tree "$@" ;;
refresh) [ $# -eq 2 ] || die "usage: refresh BASE TREE"; refresh "$@" ;;
add) [ $# -ge 3 ] || die "usage: add BASE TREE PATH..."; add "$@" ;;
list) list ;;
*) die "usage: overlay.sh tree|refresh|add|list ..." ;;
esac
