#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# make series: the patch set of series.list, with a cover letter, each
# patch checkpatch-clean (but for the MAINTAINERS reminder) and with a
# changelog, applying with git am to a pristine base in order, and ending
# in exactly the tree the overlay gives (but for what series.list
# excludes).  On every base: the primary one and each backport.
. "$TOP/tools/swap-test/lib/tap.sh"
kdir=$TOP/tools/swap-test/kernel
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
excluded=$(sed -n 's/^exclude //p' "$kdir/series.list")

# text NAME: the backport's NAME where it has one (as series.sh does).
text() {
	if [ -n "$OVERLAY_BACKPORT" ] && [ -e "$TOP/$OVERLAY_BACKPORT/$1" ]; then
		echo "$OVERLAY_BACKPORT/$1"
	else
		echo "tools/swap-test/kernel/$1"
	fi
}

# series BASE-TREE BACKPORT NAME
series() {
	base=$1 name=$3
	export OVERLAY_BACKPORT=$2
	o=$out/$name
	check "$name: series.sh writes the series" "$kdir/series.sh" "$base" "$o"
	# Without a series, the checks below would look at nothing and
	# some would pass.
	if [ ! -s "$o/series" ]; then
		not_ok "$name: the series' own checks (no series to check)"
		unset OVERLAY_BACKPORT
		return
	fi
	check "$name: with a cover letter" test -s "$o/patches/0000-cover-letter.patch"
	check_eq "$name: the cover letter has the subject of cover-letter" \
		"Subject: [PATCH${OVERLAY_BACKPORT:+ ${OVERLAY_BACKPORT##*/}} 00/$(ls "$o"/patches/0*.patch | grep -vc cover-letter)] $(head -n 1 "$kdir/cover-letter")" \
		"$(awk '/^Subject:/ { s = $0; f = 1; next }
			f && /^ / { s = s $0; next } f { print s; exit }' \
			"$o/patches/0000-cover-letter.patch")"
	check_fails "$name: no placeholder in the cover letter" \
		grep -q '\*\*\* SUBJECT HERE \*\*\*' "$o/patches/0000-cover-letter.patch"
	n=0
	for p in "$o"/patches/0*.patch; do
		case $p in *cover-letter*) continue ;; esac
		n=$((n + 1))
		# XFS style, as 02-checkpatch.sh allows it in fs/xfs.
		x=
		grep -q '^+++ b/fs/xfs/' "$p" &&
			x="--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT"
		r=$(perl "$base/scripts/checkpatch.pl" --strict -q $x --root="$base" "$p" 2>&1 |
			grep -E '^(ERROR|WARNING|CHECK)' | grep -v 'does MAINTAINERS need updating')
		check_eq "$name: checkpatch --strict $(basename "$p")" "" "$r"
	done
	# series.list's patches, but for those with only optional (?)
	# selectors, which may take nothing on a base.
	check_eq "$name: the patches of series.list, in order" "" \
		"$(awk '$1 == "patch" { p = $2; all[++n] = p; opt[p] = 1; next }
			p && $1 !~ /^(#|\?|fixup$|unfix$|exclude$)/ && NF { opt[p] = 0 }
			END { for (i = 1; i <= n; i++) print all[i], opt[all[i]] }' \
			"$kdir/series.list" |
		awk 'NR == FNR { made[$1] = 1; order[++m] = $1; next }
			$2 == 0 && !made[$1] { print "missing " $1 }
			made[$1] { if (order[++k] != $1) print "order " $1 }' \
			"$o/series" -)"
	check_eq "$name: one patch file per patch made" \
		"$(wc -l < "$o/series")" "$n"

	check_eq "$name: the patches touch only the overlay's files" "" \
		"$(git -C "$o/tree" log --name-only --format= base..HEAD |
			sort -u | grep -v '^$' |
			grep -vxF "$("$kdir/overlay.sh" targets)")"

	# Each changelog and the cover letter are the backport's where it
	# has its own.
	bad=$(set -- $(git -C "$o/tree" rev-list --reverse base..HEAD)
	for p in $(cat "$o/series"); do
		c=$TOP/$(text "changelogs/$p")
		[ "$(git -C "$o/tree" log -1 --format=%B "$1" |
			grep -v '^Signed-off-by: ')" = "$(cat "$c")" ] ||
			echo "$p"
		shift
	done)
	check_eq "$name: each patch has the changelog of $(text changelogs)" \
		"" "$bad"
	check_eq "$name: the cover letter is $(text cover-letter)" "" \
		"$(tail -n +3 "$TOP/$(text cover-letter)" | grep -v '^$' |
			grep -vxF -f "$o/patches/0000-cover-letter.patch")"

	# git am on a pristine copy of the base's versions of the targets.
	mkdir -p "$o/am"
	for t in $("$kdir/overlay.sh" targets); do
		[ -f "$base/$t" ] || continue
		mkdir -p "$o/am/$(dirname "$t")"
		cp "$base/$t" "$o/am/$t"
	done
	git -C "$o/am" init -q && git -C "$o/am" add -A &&
		git -C "$o/am" -c user.name=t -c user.email=t@localhost commit -q -m base
	check "$name: git am applies the series to a pristine base" \
		git -C "$o/am" -c user.name=t -c user.email=t@localhost \
		am -q "$o"/patches/0[0-9][0-9][1-9]-*.patch \
		"$o"/patches/0[0-9][1-9]0-*.patch

	mkdir -p "$o/overlay"
	for t in $("$kdir/overlay.sh" targets); do
		mkdir -p "$o/overlay/$(dirname "$t")"
		[ -f "$base/$t" ] && cp "$base/$t" "$o/overlay/$t"
	done
	"$kdir/overlay.sh" tree "$base" "$o/overlay" > /dev/null
	bad=$(for t in $("$kdir/overlay.sh" targets); do
		echo "$excluded" | grep -qxF "$t" && continue
		cmp -s "$o/overlay/$t" "$o/am/$t" || echo "$t"
	done)
	check_eq "$name: the series ends in the overlay's tree" "" "$bad"
	unset OVERLAY_BACKPORT
}

bp0=${OVERLAY_BACKPORT:-}
series "${KERNEL_SRC:-$B/base-src}" "$bp0" "$(basename "${bp0:-mainline}")"
# From the primary base's run, the backports too, where their base is
# extracted (make check extracts it; see the Makefile).
if [ -z "$bp0" ] && [ -z "${KERNEL_SRC:-}" ]; then
	for d in "$TOP"/backport/*/; do
		b=$(basename "$d")
		check "$b: its base is extracted" test -f "$B/$b/base-src/.base-version"
		[ -f "$B/$b/base-src/.base-version" ] &&
			series "$B/$b/base-src" "backport/$b" "$b"
	done
fi
tap_done
