#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# checkpatch.pl --strict is clean on every kernel change in the overlay
# (each .patch, each new file), with the checkpatch of the base it is
# for: the series with the primary base's, each backport's own entries
# with that backport's base (FILE.absent entries say why a file is left
# out: no code); and on our C tools.
. "$TOP/tools/swap-test/lib/tap.sh"
base=${KERNEL_SRC:-$B/base-src}

# XFS style (Documentation/swap/design.rst, Style): a function's name on
# a line of its own, then one parameter a line, which --strict reports as
# an open-ended line and as parameters not aligned with the parenthesis.
xfs=" --ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT"

# checkpatch BASE FILE...
checkpatch() {
	cp="perl $1/scripts/checkpatch.pl --strict --quiet --no-summary --show-types --ignore COMMIT_MESSAGE --root=$1"
	shift
	# Patches go in on stdin: checkpatch treats a file git tracks as a
	# source file, not as a patch.
	for f; do
		x=
		case $f in */fs/xfs/* | fs/xfs/*) x=$xfs ;; esac
		case $f in
		*.patch) check "checkpatch --strict $f" sh -c "cd '$TOP' && $cp$x --no-signoff - < '$f'" ;;
		*) check "checkpatch --strict $f" sh -c "cd '$TOP' && $cp$x --no-tree -f '$f'" ;;
		esac
	done
}

# code LIST: the overlay entries of LIST that are code.
code() {
	cut -d' ' -f1 | grep -vE '^(backport/[^/]*/)?Documentation/|\.rst$|\.txt$|\.absent$'
}

cd "$TOP"
checkpatch "$base" $(OVERLAY_BACKPORT= tools/swap-test/kernel/overlay.sh list | code) \
	$(ls tools/swap-test/*/*.[ch] tools/mkswapfile/*.[ch] 2>/dev/null)
# The backports, from the primary base's run (make check extracts their
# bases), or the one this run is for.
for d in backport/*; do
	[ -z "${OVERLAY_BACKPORT:-}" ] || [ "$OVERLAY_BACKPORT" = "$d" ] || continue
	b=$(basename "$d")
	bbase=$B/$b/base-src
	[ -n "${OVERLAY_BACKPORT:-}" ] && bbase=$base
	check "$d: its base is extracted" test -f "$bbase/.base-version"
	[ -f "$bbase/.base-version" ] || continue
	checkpatch "$bbase" $(OVERLAY_BACKPORT=$d tools/swap-test/kernel/overlay.sh list |
		grep "^$d/" | code)
done
[ "$tap_n" -gt 0 ] || check "no kernel changes to check yet" true
tap_done
