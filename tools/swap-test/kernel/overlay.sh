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
# is a new kernel file, copied whole.  TREE/.overlay lists the targets the
# last "tree" wrote, so that a target dropped from the overlay is put
# back to its base version.  Files whose content did not change are not
# touched, so their timestamps stay and kbuild rebuilds only what
# changed.
set -eu
top=${OVERLAY_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
dirs="Documentation arch block drivers fs include kernel lib mm security"

die() { printf 'overlay: %s\n' "$*" >&2; exit 1; }

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

tree() {
	base=$1 tree=$2
	if [ ! -d "$tree" ]; then
		echo "  COPY    $base -> $tree"
		cp -a --reflink=auto "$base" "$tree.tmp"
		mv "$tree.tmp" "$tree"
	fi
	tmp=$(mktemp)
	trap 'rm -f "$tmp" "$tmp.new"' EXIT
	list > "$tmp.new"
	while read -r f t; do
		case $f in
		*.patch)
			[ -f "$base/$t" ] ||
				die "$f: $t does not exist in the base tree"
			patch -s -f --no-backup-if-mismatch -r - -o "$tmp" \
				"$base/$t" < "$top/$f" >/dev/null 2>&1 ||
				die "$f does not apply to $base/$t"
			install_if_changed "$tmp" "$tree/$t" "$t"
			;;
		*)
			install_if_changed "$top/$f" "$tree/$t" "$t"
			;;
		esac
	done < "$tmp.new"
	# Targets dropped from the overlay go back to the base version.
	if [ -f "$tree/.overlay" ]; then
		cut -d' ' -f2 "$tmp.new" | LC_ALL=C sort > "$tmp"
		LC_ALL=C sort "$tree/.overlay" | comm -23 - "$tmp" |
		while read -r t; do
			if [ -f "$base/$t" ]; then
				install_if_changed "$base/$t" "$tree/$t" "$t"
			else
				rm -f "$tree/$t"
				echo "  REMOVE  $t"
			fi
		done
	fi
	cut -d' ' -f2 "$tmp.new" > "$tree/.overlay"
}

# diff_one BASE TREE TARGET: the overlay patch for TARGET on stdout.
diff_one() {
	diff -u --label "a/$3" --label "b/$3" "$1/$3" "$2/$3" || [ $? -eq 1 ]
}

refresh() {
	base=$1 tree=$2
	[ -d "$tree" ] || die "no build tree at $tree (run make tree)"
	list | while read -r f t; do
		if [ ! -f "$tree/$t" ]; then
			echo "overlay: $t is not in the tree yet (make tree)" >&2
			continue
		fi
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
		echo "$t" >> "$tree/.overlay"
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
