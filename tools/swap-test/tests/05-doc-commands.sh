#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The commands that README.md and Documentation/swap/testing.rst show
# work as written.  The runner example is run for real; a make command is
# checked against the Makefile (its targets exist, its variables are
# used) and a run-tests command with -l (its tests exist), since each of
# those builds or boots for minutes and CI runs the main two anyway.  The
# admin guide's and the man page's examples run in 50-doc-examples.
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
cmds=$RUNDIR/commands

# README: indented code lines; testing.rst: literal blocks and the
# ``command`` terms of its definition lists.  Comments are dropped.
{
	sed -n 's/^    \([A-Za-z$].*\)/\1/p' README.md
	awk '/::$/ { inblock = 1; next }
	     inblock && /^  / { sub(/^  /, ""); print; next }
	     inblock && /^$/ { next }
	     { inblock = 0 }' Documentation/swap/testing.rst
	sed -n 's/^``\([^`]*\)``$/\1/p' Documentation/swap/testing.rst
} | sed 's/ \{2,\}#.*$//; s/ *$//' | grep -E '^([A-Z_]+=[^ ]* )*(make|tools/)' > "$cmds"
check "the docs show commands" test -s "$cmds"

targets=$(sed -n 's/^\([a-z][a-z-]*\):.*/\1/p' Makefile)
while IFS= read -r cmd; do
	env= words=
	for w in $cmd; do
		case $w in
		*=*) [ -z "$words" ] && env="$env $w" || words="$words $w" ;;
		*) words="$words $w" ;;
		esac
	done
	# shellcheck disable=SC2086
	set -- $words
	prog=$1
	shift
	bad=
	for v in $env; do
		grep -qw "${v%%=*}" Makefile tools/swap-test/run-tests \
			tools/swap-test/vm tools/swap-test/lib/host.sh ||
			bad="$bad ${v%%=*}"
	done
	case $prog in
	make)
		for w; do
			case $w in
			*=*) grep -q "\$(${w%%=*})" Makefile || bad="$bad ${w%%=*}"
			     case ${w#*=} in
			     tools/*) [ -e "${w#*=}" ] || bad="$bad ${w#*=}" ;;
			     esac ;;
			*) echo "$targets" | grep -qx "$w" || bad="$bad $w" ;;
			esac
		done
		check_eq "docs: $cmd (targets and variables exist)" "" "$bad"
		;;
	tools/swap-test/run-tests)
		out=$(env $env "$prog" -l "$@" 2>&1) && rc=0 || rc=$?
		check_eq "docs: $cmd (selects $(echo "$out" | grep -c .) runs)" \
			0 "$rc$bad"
		;;
	tools/swap-test/vm)
		# In a scratch directory, on the kernel make check built; the
		# run directory it makes for itself is removed afterwards.
		ls -d "$TOP"/build/runs/vm.* > "$RUNDIR/vm-before" 2>/dev/null || true
		out=$(cd "$RUNDIR" && truncate -s 64M disk.img &&
			eval "env $env $TOP/$prog -k $B/obj/arch/x86/boot/bzImage" \
			"$(echo "$cmd" | sed 's|.*tools/swap-test/vm||')" 2>&1) &&
			rc=0 || rc=$?
		check_eq "docs: $cmd" "0" "$rc$bad"
		ls -d "$TOP"/build/runs/vm.* 2>/dev/null |
			grep -vxF -f "$RUNDIR/vm-before" | xargs -r rm -rf
		case $out in
		*Filename*) ok "... shows /proc/swaps" ;;
		*) not_ok "... shows /proc/swaps"; printf '%s\n' "$out" | sed 's/^/#   /' ;;
		esac
		;;
	*)
		check "docs: $cmd (exists)" test -x "$prog"
		;;
	esac
done < "$cmds"
tap_done
