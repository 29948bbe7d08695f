#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 600
# Every command in the literal blocks of Documentation/swap/admin-guide.rst
# and in the EXAMPLES of mkswapfile.8 runs, in order, on a fresh XFS (with
# /swapfile put there and sizes made small), so neither can drift from
# what the kernel and tools do; the keys of the guide's mkswapfile
# --status table are the ones mkswapfile prints.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
doc=$TOP/Documentation/swap/admin-guide.rst
man=$TOP/tools/mkswapfile/mkswapfile.8

check "XFS for the examples" mkfs_mount xfs /dev/vda /mnt/x
# run_examples NAME < CMDS: run CMDS, one a line, with /swapfile
# put on the XFS and the sizes made small; the swapfile they make is gone
# at the end.
run_examples() {
	sed 's|/swapfile|/mnt/x/swapfile|g; s|\b4G\b|64M|g; s|\b8G\b|128M|g' \
		> "/tmp/$1.examples"
	check "$1 has examples" test -s "/tmp/$1.examples"
	while IFS= read -r cmd; do
		[ -n "$cmd" ] || continue
		check "$1: $cmd" sh -c "$cmd"
	done < "/tmp/$1.examples"
	check_fails "$1: the swapfile is gone at the end" test -e /mnt/x/swapfile
}

# The guide's literal blocks: the indented lines after a line ending in
# "::", without their comments.
awk '/::$/ { inblock = 1; next }
     inblock && /^  / { sub(/^  /, ""); print; next }
     inblock && /^$/ { next }
     { inblock = 0 }' "$doc" | sed 's| *#.*$||' > /tmp/admin-guide.cmds
run_examples admin-guide < /tmp/admin-guide.cmds

# The man page's EXAMPLES: the lines of its .nf/.fi blocks.
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$man" |
	awk '/^\.nf/ { nf = 1; next } /^\.fi/ { nf = 0 } nf && !/^\./' |
	sed 's/\\-/-/g' > /tmp/mkswapfile.8.cmds
run_examples mkswapfile.8 < /tmp/mkswapfile.8.cmds
mkswapfile /mnt/x/keys 64M > /dev/null 2>&1
check_eq "admin-guide: the status keys are mkswapfile's" \
	"$(mkswapfile --status /mnt/x/keys | cut -d: -f1 | sort | tr '\n' ' ')" \
	"$(sed -n '/^Status$/,/^Resizing/s/^``\([a-z_]*\)``  .*/\1/p' "$doc" |
		sort | tr '\n' ' ')"
rm -f /mnt/x/keys
tap_done
