#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# Every reason the series' kernel code logs for refusing swapon or the
# seal, and the fix it names, is in the admin guide's troubleshooting
# sections: the strings of iomap_blockmap_reject() (fs/iomap/blockmap.c,
# which also has the "has unallocated extents" of unpatched kernels), the
# policy refusals of mm/swap_seal.c and the XFS seal's warning.  A format
# string counts as there when each of its pieces between conversions
# (%s, %llx) is.
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
doc=Documentation/swap/admin-guide.rst
# The guide's text with its lines joined, so a message may wrap.
text=$(tr '\n' ' ' < "$doc" | tr -s ' ')

# literals FILE FUNC: the string literals of function FUNC in FILE.
# Kernel style and XFS style ("static int" on a line of its own) both.
literals() {
	awk -v f="$2" '$0 ~ "^([a-z].*[ *])?" f "\\(" { on = 1 }
		on; on && /^}/ { on = 0 }' "$1" |
		sed 's/\\"/@Q@/g' | grep -o '"[^"]*"' |
		sed 's/^"//; s/"$//; s/@Q@/"/g'
}

n=0
missing=
for spec in fs/iomap/blockmap.c:iomap_blockmap_reject \
	    fs/iomap/blockmap.c:iomap_blockmap_fail \
	    mm/swap_seal.c:swap_seal_refuse mm/swap_seal.c:swap_seal_check \
	    fs/xfs/xfs_seal.c:xfs_seal_set; do
	lits=$(literals "${spec%%:*}" "${spec#*:}")
	[ -n "$lits" ] || missing="$missing
#   ${spec#*:}() in ${spec%%:*} has no messages (renamed?)"
	# Each literal, cut at its conversions and escapes; pieces of a
	# few characters (": ") and the path placeholder say nothing.
	pieces=$(printf '%s\n' "$lits" |
		sed 's/\\n$//; s/%[a-z]*[a-z]/\n/g' |
		sed 's/^ *//; s/ *$//' | awk 'length >= 8 && $0 != "<unknown>"')
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		n=$((n + 1))
		case $text in
		*"$p"*) ;;
		*) missing="$missing
#   ${spec#*:}: $p" ;;
		esac
	done <<EOF
$pieces
EOF
done
check "the kernel's messages were found ($n pieces)" test "$n" -ge 15
if [ -z "$missing" ]; then
	ok "admin-guide.rst has every swapon and seal refusal the kernel logs"
else
	not_ok "admin-guide.rst has every swapon and seal refusal the kernel logs"
	echo "#   missing from $doc:$missing"
fi
tap_done
