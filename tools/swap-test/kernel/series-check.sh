#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# series-check.sh BASE SERIES DIR FRAGMENT...: build every patch of the
# series that series.sh wrote to SERIES (its git tree SERIES/tree), in
# order, on a full copy of BASE in DIR/tree, incrementally in DIR/obj
# with the config of tinyconfig plus FRAGMENTs.  Stops at the first
# patch that does not build, naming it.  The layout is that of the
# overlay's tree and obj, so that ccache finds what those builds
# compiled from the same sources.
set -eu
base=$1 series=$2 dir=$3
shift 3
src=$dir/tree obj=$dir/obj
jobs=${JOBS:-$(nproc)}
cc=${CCACHE:-ccache}
[ "$cc" = 0 ] && cc=

die() { printf 'series-check: %s\n' "$*" >&2; exit 1; }
kmake() {
	make -s -C "$src" O="$obj" -j"$jobs" ${cc:+CC="$cc gcc"} "$@"
}

[ -d "$series/tree/.git" ] || die "no series in $series (make series first)"
# A fresh object tree: the copied sources keep the base's timestamps,
# older than objects left from an earlier run.
rm -rf "$src" "$obj"
mkdir -p "$dir"
echo "  COPY    $base -> $src"
cp -a "$base" "$src"
mkdir -p "$obj"
kmake tinyconfig > /dev/null
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O . .config "$@" > /dev/null)
kmake olddefconfig > /dev/null

prev=base
for c in $(git -C "$series/tree" rev-list --reverse base..HEAD); do
	subject=$(git -C "$series/tree" log -1 --format=%s "$c")
	git -C "$series/tree" diff --name-only --diff-filter=D "$prev" "$c" |
		while read -r f; do rm -f "$src/$f"; done
	git -C "$series/tree" diff --name-only --diff-filter=d "$prev" "$c" |
		while read -r f; do
			mkdir -p "$src/$(dirname "$f")"
			git -C "$series/tree" show "$c:$f" > "$src/$f"
		done
	echo "  BUILD   $subject"
	kmake bzImage || die "does not build: $subject"
	prev=$c
done
echo "  OK      every patch builds"
