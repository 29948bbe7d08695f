#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The runner's contract: the guest's exit status comes back, a guest that
# hangs is cut off at its timeout (124), and a kernel report in the log
# fails a command that passed (125), wherever the console put it.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/host.sh"

# logcheck on logs written here: each report kind is caught, also in the
# middle of a line of test output; test output alone is not.
log=$RUNDIR/log
for r in 'WARNING: CPU: 0 PID: 1 at fs/x.c:1 f+0x1/0x2' \
	'BUG: KASAN: slab-out-of-bounds in f+0x1/0x2' \
	'WARNING: possible circular locking dependency detected' \
	'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:' \
	'XFS (vda): Metadata corruption detected at xfs_inode_buf_verify' \
	'INFO: task sh:1 blocked for more than 120 seconds.'; do
	printf 'ok 1 - a test\n[   12.345678] %s\n' "$r" > "$log"
	check_fails "logcheck catches: $r" "$TOOLS/logcheck" "$log"
	printf 'ok 1 - a test line[   12.345678] %s\n' "$r" > "$log"
	check_fails "logcheck catches in mid-line: $r" "$TOOLS/logcheck" "$log"
done
printf 'ok 1 - WARNING: BUG: Oops in the test output\n' > "$log"
printf '[    1.000000] XFS (vda): Mounting V5 Filesystem\n' >> "$log"
check "logcheck passes test output and a clean kernel log" \
	"$TOOLS/logcheck" "$log"
printf '[    1.000000] WARNING: CPU: 1 PID: 2 at mm/x.c:1\n' > "$log.2"
check_fails "logcheck reads every log it is given" \
	"$TOOLS/logcheck" "$log" "$RUNDIR/nonexistent" "$log.2"

guest patched status -- 'exit 3'
check_eq "the guest's exit status comes back" 3 "$guest_rc"
guest patched warn -- 'echo "WARNING: CPU: 0 PID: 1 injected by 04-runner" > /dev/kmsg'
check_eq "a kernel report fails a command that passed (125)" 125 "$guest_rc"
check "the report is shown" grep -q "injected by 04-runner" \
	"$RUNDIR/warn/vm.err"
GUEST_TIMEOUT=20 guest patched hang -- 'sleep 600'
check_eq "a guest that hangs is cut off (124)" 124 "$guest_rc"
check "the timeout is reported" grep -q "timed out after 20s" \
	"$RUNDIR/hang/vm.err"
check "the serial log is kept" grep -q "Linux version" \
	"$RUNDIR/status/console.log"
tap_done
