#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The runner's contract: the guest's exit status comes back, a guest that
# hangs is cut off at its timeout (124), a kernel report in the log
# fails a command that passed (125), wherever the console put it, and
# only a QEMU that crashes before the command starts is booted again.
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

# A QEMU that dies of a signal while the guest boots is booted once more;
# once the command has started, it is a failure like any other.
fake=$RUNDIR/fake-qemu
mkdir -p "$fake"
cat > "$fake/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# The first run dies of SIGSEGV: at once, or once the command runs.
mkdir "$FAKE_DIR/crashed" 2>/dev/null || exec "$REAL_QEMU" "$@"
[ "$FAKE_CRASH" = started ] || kill -SEGV $$
out=$(printf '%s\n' "$@" | sed -n 's/.*swaptest\.out=\([^ ]*\).*/\1/p')
"$REAL_QEMU" "$@" &
while [ ! -e "$out/output" ] && kill -0 $!; do sleep 0.2; done
kill -SEGV $!
wait $!
EOF
chmod +x "$fake/qemu-system-x86_64"
export FAKE_DIR="$fake" REAL_QEMU="$(command -v qemu-system-x86_64)"
PATH=$fake:$PATH guest patched qemu-crash -- 'exit 4'
check_eq "a QEMU crash while booting: booted once more" 4 "$guest_rc"
check "... and said so" grep -q "qemu died of signal 11 while booting" \
	"$RUNDIR/qemu-crash/vm.err"
rmdir "$fake/crashed"
FAKE_CRASH=started PATH=$fake:$PATH guest patched qemu-crash-late -- 'sleep 60'
check_eq "a QEMU crash after the command started fails (124)" 124 \
	"$guest_rc"
check_fails "... and is not booted again" grep -q "booting once more" \
	"$RUNDIR/qemu-crash-late/vm.err"
tap_done
