#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched
# The commands that README.md and Documentation/swap/testing.rst show
# work as written.  The runner example is run for real, in order with
# the commands before it (the disk it boots with is made there), in a
# scratch directory and on the patched kernel of the suite; a make
# command is checked against the Makefile (its targets exist, its
# variables are used; make add names a file the overlay does not track
# yet) and a run-tests command with -l (its tests exist), since each of
# those builds or boots for minutes and CI runs the main two anyway.
# The admin guide's and the man page's examples run in 50-doc-examples.
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
} | sed 's/ \{2,\}#.*$//; s/ *$//' |
	grep -E '^([A-Z_]+=[^ ]* )*(make|tools/|truncate )' > "$cmds"
check "the docs show commands" test -s "$cmds"
check "... and a tools/swap-test/vm example" grep -q '^tools/swap-test/vm ' "$cmds"
mkdir -p "$RUNDIR/build"
kernel=${KERNEL_PATCHED:-$B/obj/arch/x86/boot/bzImage}
tracked=$(tools/swap-test/kernel/overlay.sh targets)
base=${KERNEL_SRC:-$B/base-src}

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
			     esac
			     # make add: an upstream file not tracked yet.
			     case $w in
			     FILES=*)
				f=${w#FILES=}
				! echo "$tracked" | grep -qxF "$f" ||
					bad="$bad $f(tracked)"
				[ ! -d "$base" ] || [ -f "$base/$f" ] ||
					bad="$bad $f(not-in-base)" ;;
			     esac ;;
			*) echo "$targets" | grep -qx "$w" || bad="$bad $w" ;;
			esac
		done
		check_eq "docs: $cmd (targets and variables exist)" "" "$bad"
		;;
	tools/swap-test/run-tests)
		case " $* " in
		*" -h "*)
			out=$(env $env "$prog" "$@" 2>&1) && rc=0 || rc=$?
			check_eq "docs: $cmd (prints the usage)" "0 usage:" \
				"$rc$bad $(echo "$out" | head -n 1 | cut -d' ' -f1)"
			continue ;;
		esac
		out=$(env $env "$prog" -l "$@" 2>"$RUNDIR/err") && rc=0 || rc=$?
		check_eq "docs: $cmd (selects $(echo "$out" | grep -c .) runs)" \
			0 "$rc$bad"
		[ "$rc" -eq 0 ] || sed 's/^/#   /' "$RUNDIR/err"
		;;
	truncate)
		# A disk for the vm example, in the scratch directory.
		case $* in
		*" build/"*) check "docs: $cmd" sh -c "cd '$RUNDIR' && $cmd" ;;
		*) not_ok "docs: $cmd (makes its file under build/)" ;;
		esac
		;;
	tools/swap-test/vm)
		# In the scratch directory, where the commands before it made
		# its disks; the run directory it makes is removed afterwards.
		ls -d "$TOP"/build/runs/vm.* > "$RUNDIR/vm-before" 2>/dev/null || true
		out=$(cd "$RUNDIR" && eval "env $env $TOP/$prog -k $kernel" \
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
