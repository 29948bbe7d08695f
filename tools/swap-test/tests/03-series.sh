#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# make series: the overlay's history as a format-patch series with a cover
# letter, each patch checkpatch-clean (but for the MAINTAINERS reminder),
# ending in exactly the tree the overlay gives.
. "$TOP/tools/swap-test/lib/tap.sh"
base=${KERNEL_SRC:-$B/base-src}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

check "series.sh writes the series" \
	"$TOP/tools/swap-test/kernel/series.sh" "$base" "$out"
check "with a cover letter" test -s "$out/patches/0000-cover-letter.patch"
check_eq "the cover letter has the subject of cover-letter" \
	"Subject: [PATCH 00/$(ls "$out"/patches/0*.patch | grep -vc cover-letter)] $(head -n 1 "$TOP/tools/swap-test/kernel/cover-letter")" \
	"$(awk '/^Subject:/ { s = $0; f = 1; next }
		f && /^ / { s = s $0; next } f { print s; exit }' \
		"$out/patches/0000-cover-letter.patch")"
check_fails "no placeholder in the cover letter" \
	grep -q '\*\*\* SUBJECT HERE \*\*\*' "$out/patches/0000-cover-letter.patch"
n=0
for p in "$out"/patches/0*.patch; do
	case $p in *cover-letter*) continue ;; esac
	n=$((n + 1))
	r=$(perl "$base/scripts/checkpatch.pl" --strict -q --root="$base" "$p" 2>&1 |
		grep -E '^(ERROR|WARNING|CHECK)' | grep -v 'does MAINTAINERS need updating')
	check_eq "checkpatch --strict $(basename "$p")" "" "$r"
done
check "at least one patch" test "$n" -gt 0
mkdir -p "$out/overlay"
OVERLAY_TOP=$TOP "$TOP/tools/swap-test/kernel/overlay.sh" list | while read -r f t; do
	mkdir -p "$out/overlay/$(dirname "$t")"
	[ -f "$base/$t" ] && cp "$base/$t" "$out/overlay/$t"
done
OVERLAY_TOP=$TOP "$TOP/tools/swap-test/kernel/overlay.sh" tree "$base" "$out/overlay" > /dev/null
bad=$(OVERLAY_TOP=$TOP "$TOP/tools/swap-test/kernel/overlay.sh" list |
	while read -r f t; do cmp -s "$out/overlay/$t" "$out/tree/$t" || echo "$t"; done)
check_eq "the series ends in the overlay's tree" "" "$bad"
tap_done
