#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# series.sh BASE OUT: write the overlay as an upstream patch set.
#
# The order and the changelogs come from series.list beside this script:
# each patch names the hunks of the overlay that it adds (see there).  The
# overlay is applied to a copy of BASE's versions of its files (with
# OVERLAY_BACKPORT, the backport's overlay), each file's change is cut into
# hunks without context, and every hunk goes to the first patch whose
# selector takes it; a hunk no patch takes, or a selector that takes
# nothing, is an error.  Patch N is then BASE plus the hunks of patches 1 to
# N, and the fixups in force (series.d/NAME.patch: where an early patch
# needs a file in a state that a later one changes, the difference), all
# committed in a scratch git tree under OUT/tree; OUT/patches gets git
# format-patch output with a cover letter (text: cover-letter); a patch
# that takes nothing on this base (only ? selectors) is left out, and
# OUT/series lists the patches made, in order.  The last
# commit is the overlay's tree, but for the files series.list excludes.
# A backport's changelogs/NAME, cover-letter and series.d/NAME.patch,
# where it has them, stand in for those of the mainline series; a fixup
# file without a "+++" line (a comment) fixes nothing on that base.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
base=$1 out=$2
spec=$here/series.list
ov=$here/overlay.sh

die() { printf 'series: %s\n' "$*" >&2; exit 1; }

# text NAME: the backport's version of changelogs/NAME, cover-letter or
# series.d/NAME.patch, or the mainline one.
text() {
	if [ -n "${OVERLAY_BACKPORT:-}" ] &&
	   [ -f "$top/$OVERLAY_BACKPORT/$1" ]; then
		echo "$top/$OVERLAY_BACKPORT/$1"
	else
		echo "$here/$1"
	fi
}

rm -rf "$out"
mkdir -p "$out/final" "$out/hunks" "$out/tree" "$out/patches"
targets=$("$ov" targets)
excluded=$(sed -n 's/^exclude //p' "$spec")

# The overlay's result, on a tree of just its targets.
for t in $targets; do
	[ -f "$base/$t" ] || continue
	mkdir -p "$out/final/$(dirname "$t")"
	cp "$base/$t" "$out/final/$t"
done
"$ov" tree "$base" "$out/final" > /dev/null

# hunks T: cut T's change into hunks without context; list each as
# "N<tab>the function line and changed lines" in $out/hunks/T.list.
hunks() {
	mkdir -p "$out/hunks/$(dirname "$1")"
	diff -U0 -F '^[[:alpha:]$_]' "$base/$1" "$out/final/$1" \
		> "$out/hunks/$1.diff" || [ $? -eq 1 ]
	awk '/^@@ / { if (n) print n "\t" s; n++; s = $0; next }
		n && /^[-+]/ { s = s " " $0 }
		END { if (n) print n "\t" s }' "$out/hunks/$1.diff" \
		> "$out/hunks/$1.list"
}

# apply T N...: BASE's T with T's hunks N... applied, on stdout.
apply() {
	t=$1
	shift
	awk -v sel=",$(echo "$*" | tr ' ' ','),"  '
	FNR == NR {
		if (/^@@ /) {
			n++
			split(substr($2, 2), a, ",")
			os[n] = a[1] + 0
			ol[n] = (2 in a) ? a[2] + 0 : 1
			nn[n] = 0
		} else if (n && /^\+/) {
			txt[n, ++nn[n]] = substr($0, 2)
		}
		next
	}
	{ line[++l] = $0 }
	END {
		i = 1
		for (h = 1; h <= n; h++) {
			start = ol[h] ? os[h] : os[h] + 1
			while (i < start)
				print line[i++]
			if (index(sel, "," h ",")) {
				for (k = 1; k <= nn[h]; k++)
					print txt[h, k]
				i += ol[h]
			} else {
				for (k = 0; k < ol[h]; k++)
					print line[i++]
			}
		}
		while (i <= l)
			print line[i++]
	}' "$out/hunks/$t.diff" "$base/$t"
}

for t in $targets; do
	[ -f "$base/$t" ] && hunks "$t"
done

# Assign hunks: $out/assign holds "PATCH TARGET HUNK|new".
: > "$out/assign"
: > "$out/fixups"
patches=
p=
while read -r kw rest; do
	case $kw in
	"" | "#"*) continue ;;
	exclude) continue ;;
	fixup | unfix)
		[ -n "$p" ] || die "$kw $rest: before the first patch"
		[ -f "$(text "series.d/$rest.patch")" ] ||
			die "no series.d/$rest.patch"
		echo "$p $kw $rest" >> "$out/fixups"
		continue ;;
	patch)
		p=$rest
		[ -f "$here/changelogs/$p" ] || die "no changelog changelogs/$p"
		patches="$patches $p"
		continue ;;
	esac
	[ -n "$p" ] || die "$kw: a selector before the first patch"
	t=${kw#\?} re=$rest
	if ! echo "$targets" | grep -qxF "$t"; then
		[ "$t" != "$kw" ] && continue
		die "$p: $t is not in the overlay"
	fi
	if [ ! -f "$base/$t" ]; then
		grep -q " $t new\$" "$out/assign" && die "$p: $t is taken already"
		echo "$p $t new" >> "$out/assign"
		continue
	fi
	taken=$(awk -v t="$t" '$2 == t { print $3 }' "$out/assign" | tr '\n' ' ')
	got=$(awk -F '\t' -v re="${re:-.}" -v taken=" $taken" '
		index(taken, " " $1 " ") == 0 &&
		substr($0, length($1) + 2) ~ re { print $1 }' \
		"$out/hunks/$t.list")
	if [ -z "$got" ]; then
		[ "$t" != "$kw" ] && continue
		die "$p: '$t${re:+ $re}' takes no hunk"
	fi
	for h in $got; do
		echo "$p $t $h" >> "$out/assign"
	done
done < "$spec"

bad=
for t in $targets; do
	echo "$excluded" | grep -qxF "$t" && continue
	if [ ! -f "$base/$t" ]; then
		grep -q " $t new\$" "$out/assign" || bad="$bad $t"
		continue
	fi
	n=$(wc -l < "$out/hunks/$t.list")
	m=$(awk -v t="$t" '$2 == t' "$out/assign" | wc -l)
	[ "$n" -eq "$m" ] || bad="$bad $t($((n - m)) hunks)"
done
[ -z "$bad" ] || die "no patch takes:$bad"

# The base commit, then one commit per patch.
for t in $targets; do
	[ -f "$base/$t" ] || continue
	mkdir -p "$out/tree/$(dirname "$t")"
	cp "$base/$t" "$out/tree/$t"
done
git -C "$out/tree" init -q
git -C "$out/tree" add -A
git -C "$out/tree" -c user.name=base -c user.email=base@localhost \
	commit -q -m "base: $(cat "$base/.base-version" 2>/dev/null || echo "$base")"
git -C "$out/tree" tag base

name=$(git -C "$top" log -1 --format=%an -- "$spec")
email=$(git -C "$top" log -1 --format=%ae -- "$spec")
: "${name:=$(git -C "$top" config user.name || echo developer)}"
: "${email:=$(git -C "$top" config user.email || echo developer@localhost)}"
: > "$out/series"
done_patches=
fixed=
for p in $patches; do
	done_patches="$done_patches $p"
	# This patch's files, and those of the fixups in force so far, from
	# their hunks again; then the fixups in force from now on.
	files=$(awk -v p="$p" '$1 == p { print $2 }' "$out/assign")
	for f in $fixed; do
		files="$files $(sed -n 's|^+++ b/||p' "$(text "series.d/$f.patch")")"
	done
	for t in $(echo "$files" | tr ' ' '\n' | sort -u); do
		mkdir -p "$out/tree/$(dirname "$t")"
		if [ ! -f "$base/$t" ]; then
			grep -q " $t new\$" "$out/assign" && cp "$out/final/$t" "$out/tree/$t"
			continue
		fi
		sel=$(awk -v ps="$done_patches " -v t="$t" \
			'$2 == t && index(ps, " " $1 " ") { print $3 }' "$out/assign")
		apply "$t" $sel > "$out/tree/$t"
	done
	fixed=$(awk -v ps="$done_patches " '
		index(ps, " " $1 " ") && $2 == "fixup" { on[$3] = 1 }
		index(ps, " " $1 " ") && $2 == "unfix" { delete on[$3] }
		END { for (f in on) print f }' "$out/fixups")
	for f in $fixed; do
		fx=$(text "series.d/$f.patch")
		grep -q '^+++ ' "$fx" || continue
		patch -s -F 0 --no-backup-if-mismatch -p1 -d "$out/tree" \
			< "$fx" || die "$p: fixup $f does not apply"
	done
	git -C "$out/tree" add -A
	# A patch that only has optional selectors may take nothing here.
	git -C "$out/tree" diff --cached --quiet && continue
	echo "$p" >> "$out/series"
	GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
	git -C "$out/tree" -c user.name="$name" -c user.email="$email" \
		commit -q -s -F "$(text "changelogs/$p")"
done

branch=$(git -C "$out/tree" symbolic-ref --short HEAD)
git -C "$out/tree" config "branch.$branch.description" "$(cat "$(text cover-letter)")"
# A backport's patches say which kernel they are for: [PATCH 6.12 01/10].
prefix=PATCH${OVERLAY_BACKPORT:+ ${OVERLAY_BACKPORT##*/}}
git -C "$out/tree" format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="$prefix" -o "$out/patches" base..HEAD
ls "$out/patches"
