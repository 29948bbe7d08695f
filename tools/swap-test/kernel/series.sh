#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# series.sh BASE OUT: write the overlay's history as an upstream-style
# patch set.  Each commit of this repository that touches the overlay
# becomes one kernel commit (same author, same message) on top of BASE,
# in a scratch git tree under OUT; OUT/patches gets the git format-patch
# output with a cover letter (text: tools/swap-test/kernel/cover-letter).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
base=$1 out=$2
dirs="Documentation arch block drivers fs include kernel lib mm security"

rm -rf "$out"
mkdir -p "$out/tree" "$out/patches"
cd "$top"
commits=$(git rev-list --reverse HEAD -- $dirs)
[ -n "$commits" ] || { echo "series: no overlay commits" >&2; exit 1; }

# Every target any commit touched starts at its base version.
targets=$(git log --format= --name-only HEAD -- $dirs | sed 's/\.patch$//' |
	LC_ALL=C sort -u)
for t in $targets; do
	[ -f "$base/$t" ] || continue
	mkdir -p "$out/tree/$(dirname "$t")"
	cp "$base/$t" "$out/tree/$t"
done
git -C "$out/tree" init -q
printf '.overlay\n.base-id\n' >> "$out/tree/.git/info/exclude"
git -C "$out/tree" add -A
git -C "$out/tree" -c user.name=base -c user.email=base@localhost \
	commit -q -m "base: $(cat "$base/.base-version" 2>/dev/null || echo "$base")"
git -C "$out/tree" tag base

for c in $commits; do
	snap=$out/snap
	rm -rf "$snap" && mkdir -p "$snap"
	present=$(for d in $dirs; do
		if git cat-file -e "$c:$d" 2>/dev/null; then echo "$d"; fi
	done)
	git archive "$c" -- $present | tar -C "$snap" -xf -
	OVERLAY_TOP=$snap "$here/overlay.sh" tree "$base" "$out/tree" > /dev/null
	git -C "$out/tree" add -A
	git -C "$out/tree" diff --cached --quiet && continue
	GIT_AUTHOR_NAME=$(git log -1 --format=%an "$c") \
	GIT_AUTHOR_EMAIL=$(git log -1 --format=%ae "$c") \
	GIT_AUTHOR_DATE=$(git log -1 --format=%ad "$c") \
	git -C "$out/tree" -c user.name="$(git log -1 --format=%cn "$c")" \
		-c user.email="$(git log -1 --format=%ce "$c")" \
		commit -q -s -F - <<MSG
$(git log -1 --format=%B "$c")
MSG
done
rm -rf "$out/snap"

branch=$(git -C "$out/tree" symbolic-ref --short HEAD)
git -C "$out/tree" config "branch.$branch.description" "$(cat "$here/cover-letter")"
git -C "$out/tree" format-patch -q --cover-letter --cover-from-description=subject \
	-o "$out/patches" base..HEAD
ls "$out/patches"
