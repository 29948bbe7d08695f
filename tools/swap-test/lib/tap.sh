# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the shell tests: source this file, call the checks,
# end with tap_done.  Each check prints "ok N - what" or "not ok N - what".

tap_n=0
tap_failed=0
TOOLS=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}/tools/swap-test
PROGS=${B:-$TOOLS/../../build}/progs

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# check WHAT CMD...: ok when CMD succeeds; its output is shown as comments.
check() {
	what=$1
	shift
	if tap_out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what"
		printf '%s\n' "$tap_out" | sed 's/^/#   /'
	fi
}

# check_fails WHAT CMD...: ok when CMD fails.
check_fails() {
	what=$1
	shift
	if tap_out=$("$@" 2>&1); then
		not_ok "$what (unexpectedly succeeded)"
		printf '%s\n' "$tap_out" | sed 's/^/#   /'
	else
		ok "$what"
	fi
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: $2"
		echo "#   actual:   $3"
	fi
}

# vmstat NAME: a counter from /proc/vmstat.
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}

# dmesg_since MARK: kernel messages after the line containing MARK.
dmesg_mark() {
	echo "swaptest-mark $1" > /dev/kmsg
}

dmesg_since() {
	dmesg | sed -n "/swaptest-mark $1\$/,\$p"
}

# repair_problems FILE: what an xfs_repair -n output in FILE reports
# besides its progress and the seal's flags2 bit, which Debian's
# xfs_repair 6.1 does not know; nothing when that is all.
repair_problems() {
	grep -vE '^Phase |^ +- |^No modify flag set|^ *$|Bad flags2 set in inode|would fix bad flags2' \
		"$1" || true
}

# repair_flags2_inodes FILE: the inodes that output calls bad for their
# flags2, one a line, sorted.
repair_flags2_inodes() {
	sed -n 's/.*Bad flags2 set in inode \([0-9]*\).*/\1/p' "$1" | sort -nu
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# check_err WHAT MESSAGE CMD...: ok when CMD reports MESSAGE, the strerror
# text of the errno expected (e.g. "Text file busy").  Some tools (xfs_io)
# exit 0 after a failed command, so the message is what counts.
check_err() {
	what=$1 msg=$2
	shift 2
	tap_out=$("$@" 2>&1)
	case $tap_out in
	*"$msg"*) ok "$what" ;;
	*) not_ok "$what"; printf '%s\n' "$tap_out" | sed 's/^/#   /' ;;
	esac
}
