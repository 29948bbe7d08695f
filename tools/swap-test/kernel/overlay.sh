#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh: move the kernel overlay between this repository and a
# build tree.
#
#   overlay.sh tree    BASE TREE  make TREE = BASE + overlay
#   overlay.sh refresh BASE TREE  rewrite the overlay from TREE
#   overlay.sh add     BASE TREE PATH...  start tracking PATH (edited
#                                         in TREE, or new there)
#   overlay.sh list               print "overlay-file target" pairs
#   overlay.sh targets            print the targets, each once
#
# The overlay lives at kernel paths under the directories in $dirs.  A
# file FILE.patch is a unified diff of FILE against BASE; any other file
# is a new kernel file, copied whole.
#
# OVERLAY_BACKPORT=DIR (a directory of the repository, e.g. backport/6.12)
# selects a backport: the series on an older base.  DIR holds, at the same
# kernel paths, only what differs there: a whole file or a FILE.patch
# against that base replaces the top-level entry; a FILE.patch where the
# top level has FILE whole (a new file of the series) is applied on top of
# it; FILE.absent (a line saying why) leaves FILE as the base has it, or
# out, where the base has no such file.  On a backport, refresh and add
# write to DIR.
#
# TREE/.overlay lists each target
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

bp=${OVERLAY_BACKPORT:-}

# entries DIR: "entry target" for each overlay file under DIR (relative to
# the repository, so that DIR/entry is the file).
entries() (
	cd "$top/$1"
	for d in $dirs; do
		[ -d "$d" ] || continue
		find "$d" -type f ! -name '*~' ! -name '*.orig' ! -name '*.rej' \
			! -name '.*.swp'
	done | LC_ALL=C sort | while read -r f; do
		case $f in
		*.patch) echo "$f ${f%.patch}" ;;
		*.absent) echo "$f ${f%.absent}" ;;
		*) echo "$f $f" ;;
		esac
	done
)

# list: "overlay-file target" pairs, the backport's after the top level's;
# a target may have one of each.
list() {
	entries .
	if [ -n "$bp" ]; then
		[ -d "$top/$bp" ] || die "no backport directory $top/$bp"
		entries "$bp" | sed "s|^|$bp/|"
	fi
}

# targets: each target once, but for those the backport leaves out.
targets() {
	list | awk '$1 ~ /\.absent$/ { out[$2] = 1 } { t[$2] = 1 }
		END { for (k in t) if (!(k in out)) print k }' | LC_ALL=C sort
}

# install SRC DST: copy SRC over DST unless they are already equal.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		echo "  OVERLAY $3"
	fi
}

# content T: what the overlay makes of target T, into $tmp.
content() {
	t=$1
	if [ -n "$bp" ] && [ -f "$top/$bp/$t" ]; then
		cp "$top/$bp/$t" "$tmp"
	elif [ -n "$bp" ] && [ -f "$top/$bp/$t.patch" ]; then
		if [ -f "$top/$t" ]; then
			apply_to "$top/$t" "$bp/$t.patch"
		else
			[ -f "$base/$t" ] || die "$bp/$t.patch: $t does not exist in the base tree"
			apply_to "$base/$t" "$bp/$t.patch"
		fi
	elif [ -f "$top/$t" ]; then
		cp "$top/$t" "$tmp"
	else
		[ -f "$base/$t" ] || die "$t.patch: $t does not exist in the base tree"
		apply_to "$base/$t" "$t.patch"
	fi
}

# apply_to FILE PATCH: FILE patched with the overlay's PATCH, into $tmp.
apply_to() {
	patch -s -f -F 0 --no-backup-if-mismatch -r - -o "$tmp" \
		"$1" < "$top/$2" >/dev/null 2>&1 ||
		die "$2 does not apply to $1"
}

# entry T: the overlay file that refresh and add write for target T, and
# what its patch is against ("base", "top" or "" for a whole file).
entry() {
	t=$1
	if [ -n "$bp" ]; then
		if [ -f "$top/$bp/$t" ]; then
			echo "$bp/$t"
		elif [ -f "$top/$t" ]; then
			echo "$bp/$t.patch top"
		elif [ -f "$base/$t" ]; then
			echo "$bp/$t.patch base"
		else
			echo "$bp/$t"
		fi
	elif [ -f "$top/$t" ] || [ ! -f "$base/$t" ]; then
		echo "$t"
	else
		echo "$t.patch base"
	fi
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
	targets > "$tmp.new"
	while read -r t; do
		content "$t"
		if edited "$tree" "$t" && ! cmp -s "$tmp" "$tree/$t"; then
			die "$tree/$t has edits that are not in the overlay: make refresh first, or delete it"
		fi
		install_if_changed "$tmp" "$tree/$t" "$t"
		record "$tree" "$t"
	done < "$tmp.new"
	# Targets dropped from the overlay go back to the base version.
	if [ -f "$tree/.overlay" ]; then
		cp "$tmp.new" "$tmp"
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
	targets | while read -r t; do
		if [ ! -f "$tree/$t" ]; then
			echo "overlay: $t is not in the tree yet (make tree)" >&2
			continue
		fi
		# Only what was edited in the tree goes back, and only over an
		# overlay file that did not change since the last sync.
		edited "$tree" "$t" || continue
		content "$t"
		[ "$(hash "$tmp")" = "$(synced "$tree" "$t")" ] ||
			die "$t changed in the repository and $tree/$t in the tree: merge by hand"
		write_entry "$t"
		record "$tree" "$t"
	done
}

# write_entry T: write the tree's T back to its overlay entry (see entry).
write_entry() {
	set -- "$1" $(entry "$1")
	mkdir -p "$top/$(dirname "$2")"
	case ${3:-} in
	"")
		install_if_changed "$tree/$1" "$top/$2" "$2"
		;;
	*)
		if [ "$3" = top ]; then
			diff -u --label "a/$1" --label "b/$1" "$top/$1" "$tree/$1" \
				> "$top/$2.new" || [ $? -eq 1 ]
		else
			diff_one "$base" "$tree" "$1" > "$top/$2.new"
		fi
		if [ -s "$top/$2.new" ]; then
			install_if_changed "$top/$2.new" "$top/$2" "$2"
		elif [ -f "$top/$2" ]; then
			echo "overlay: $1 needs no $2 any more; remove it" >&2
		fi
		rm -f "$top/$2.new"
		;;
	esac
}

# add BASE TREE PATH...: every PATH is checked before anything is
# written, so that a wrong one leaves the overlay as it was.  An upstream
# file is added once it is edited (the overlay keeps only patches, and an
# unedited file would give none: refresh would then never see it).
add() {
	base=$1 tree=$2
	shift 2
	[ -d "$tree" ] || die "no build tree at $tree (run make tree)"
	for t; do
		case " $dirs " in
		*" ${t%%/*} "*) ;;
		*) die "$t: not a path under the overlay's directories ($dirs), as in mm/memory.c" ;;
		esac
		case /$t/ in
		*/../* | */./* | *//*) die "$t: give the path plainly, as in mm/memory.c" ;;
		esac
		e=$(list | awk -v t="$t" '$2 == t { printf "%s%s", s, $1; s = ", " }')
		[ -z "$e" ] ||
			die "$t is already in the overlay ($e): edit $tree/$t and run make refresh"
		if [ ! -f "$tree/$t" ]; then
			[ -f "$base/$t" ] ||
				die "$t is neither in the base ($base) nor in $tree: create $tree/$t first to add a new file"
			die "$tree/$t does not exist"
		fi
		! cmp -s "$base/$t" "$tree/$t" ||
			die "$t is as the base has it: edit $tree/$t first, then make add"
	done
	for t; do
		write_entry "$t"
		echo "  ADD     $(entry "$t" | cut -d' ' -f1)"
		record "$tree" "$t"
	done
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
tree) [ $# -eq 2 ] || die "usage: tree BASE TREE"; tree "$@" ;;
refresh) [ $# -eq 2 ] || die "usage: refresh BASE TREE"; refresh "$@" ;;
add) [ $# -ge 3 ] || die "usage: add BASE TREE PATH... (make add FILES=PATH...)"; add "$@" ;;
list) list ;;
targets) targets ;;
*) die "usage: overlay.sh tree|refresh|add|list|targets ..." ;;
esac
