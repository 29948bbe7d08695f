#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# checkpatch.pl --strict is clean on every kernel change in the overlay
# (each .patch, each new file) and on our C tools.
. "$TOP/tools/swap-test/lib/tap.sh"
base=${KERNEL_SRC:-$B/base-src}
cp="perl $base/scripts/checkpatch.pl --strict --quiet --no-summary --show-types --ignore COMMIT_MESSAGE --root=$base"

files=$(cd "$TOP" && tools/swap-test/kernel/overlay.sh list | cut -d' ' -f1 |
	grep -vE '^Documentation/|\.rst$|\.txt$')
files="$files $(cd "$TOP" && ls tools/swap-test/*/*.[ch] tools/mkswapfile/*.[ch] 2>/dev/null)"
# Patches go in on stdin: checkpatch treats a file git tracks as a source
# file, not as a patch.
for f in $files; do
	case $f in
	*.patch) check "checkpatch --strict $f" sh -c "cd '$TOP' && $cp --no-signoff - < '$f'" ;;
	*) check "checkpatch --strict $f" sh -c "cd '$TOP' && $cp --no-tree -f '$f'" ;;
	esac
done
[ "$tap_n" -gt 0 ] || check "no kernel changes to check yet" true
tap_done
