#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# kernels: patched
# The runner's contract: the guest's exit status comes back, a guest that
# hangs is cut off at its timeout (124), a kernel report in the log
# fails a command that passed (125), wherever the console put it, and
# only a QEMU that crashes before the command starts is booted again.
# run-tests and vm say how to use them and refuse what they do not
# understand or what is missing before they boot anything; a run leaves
# the logs that README.md and testing.rst name.
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

rt=$TOOLS/run-tests
img=${KERNEL_PATCHED:-$B/obj/arch/x86/boot/bzImage}

# refused WHAT MESSAGE CMD...: CMD exits with 2, MESSAGE on stderr and
# nothing on stdout.
refused() {
	what=$1 msg=$2
	shift 2
	out=$("$@" 2> "$RUNDIR/err") && rc=0 || rc=$?
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && grep -qF -- "$msg" "$RUNDIR/err"; then
		ok "$what"
	else
		not_ok "$what"
		echo "#   status $rc, expected 2 and: $msg"
		printf '%s\n' "$out" | sed 's/^/#   stdout: /'
		sed 's/^/#   stderr: /' "$RUNDIR/err"
	fi
}

for p in run-tests vm; do
	"$TOOLS/$p" -h > "$RUNDIR/usage" 2> "$RUNDIR/err" && rc=0 || rc=$?
	check_eq "$p -h: the usage on stdout, status 0" "0 usage: $p" \
		"$rc $(head -n 1 "$RUNDIR/usage" | cut -d' ' -f1,2)"
	check "... every option, and nothing on stderr" sh -c \
		"grep -q '^  -h ' '$RUNDIR/usage' && ! test -s '$RUNDIR/err'"
	refused "$p: an unknown option prints the usage" "usage: $p" \
		"$TOOLS/$p" -Z
	refused "$p: an option without its argument prints the usage" \
		"usage: $p" "$TOOLS/$p" -k
done
refused "run-tests -k takes only patched or base" \
	"-k bogus: the kernels are patched and base" "$rt" -k bogus
refused "run-tests -j takes a number" "-j 0: give a number" "$rt" -j 0
refused "... 1 or more, however written" "-j 00: give a number" "$rt" -j 00
check_eq "run-tests runs a test named twice once" "04-runner host" \
	"$("$rt" -l 04 04-runner)"
check_eq "... also given as a relative path, from anywhere" \
	"04-runner host" \
	"$(cd "$TOOLS/tests" && "$rt" -l ./04-runner.sh 04)"
refused "run-tests -B takes a directory" "no such directory" \
	"$rt" -B "$RUNDIR/nonexistent"
refused "vm refuses a disk image that does not exist" \
	"no disk image at $RUNDIR/nonexistent (truncate -s 1G" \
	"$TOOLS/vm" -k "$img" -d "$RUNDIR/nonexistent" -- true
refused "vm refuses a kernel that does not exist, naming make kernel" \
	"(make kernel builds it" "$TOOLS/vm" -k "$RUNDIR/nonexistent" -- true

# -k selects the guest runs on one kernel and leaves every host test
# out, also those that boot guests: those boot the kernels they need.
list=$("$rt" -l -k base 2> "$RUNDIR/err")
check_eq "run-tests -l -k base lists only runs on the base kernel" "" \
	"$(echo "$list" | awk '$2 != "base"')"
check "... some" test -n "$list"
check "... and says which host tests it left out" \
	grep -q "^run-tests: -k base leaves out the host tests: 01-overlay" \
	"$RUNDIR/err"
check "run-tests -l lists the host tests without -k" \
	sh -c "'$rt' -l | grep -qx '04-runner host'"
refused "run-tests -k base with only a host test runs nothing" \
	"nothing to run on the base kernel" "$rt" -k base 04
refused "run-tests refuses a test file that does not exist" \
	"no test file tests/04-runner.sh" "$rt" -l tests/04-runner.sh

# A host test names the kernels it boots (run-tests checks they exist).
for t in "$TOOLS"/tests/*.sh; do
	grep -qx '# where: host' "$t" || continue
	for k in $(sed -n 's/^[^#]*guest \(patched\|base\) .*/\1/p' "$t" | sort -u); do
		check "$(basename "$t") names the $k kernel it boots" \
			grep -qx "# kernels:.* $k\( .*\)\{0,1\}" "$t"
	done
done

# run-tests on a scratch build directory, with a guest test and a host
# test of its own: what is missing is named before anything boots, and
# a run leaves the documented logs.
t=$RUNDIR/tests
mkdir -p "$t" "$RUNDIR/b-empty" "$RUNDIR/b"
ln -s "$B/progs" "$RUNDIR/b/progs"
printf '# kernels: patched\necho "ok 1 - in a patched guest"\n' > "$t/90-guest.sh"
printf '# kernels: base\necho "ok 1 - in a base guest"\n' > "$t/91-base.sh"
printf '# where: host\necho "ok 1 - on the host"\n' > "$t/92-host.sh"
refused "run-tests without the test programs names make test-progs" \
	"no test programs in $RUNDIR/b-empty/progs (make test-progs" \
	env KERNEL_PATCHED="$img" "$rt" -B "$RUNDIR/b-empty" "$t/90-guest.sh"
check_eq "... before it boots anything" "" "$(ls -A "$RUNDIR/b-empty")"
refused "run-tests without the patched kernel names make kernel" \
	"no patched kernel at $RUNDIR/b/obj/arch/x86/boot/bzImage (make kernel" \
	env -u KERNEL_PATCHED "$rt" -B "$RUNDIR/b" "$t/90-guest.sh"
refused "run-tests with a missing KERNEL_BASE says so" \
	"no base kernel at $RUNDIR/nonexistent (set by KERNEL_BASE)" \
	env KERNEL_BASE="$RUNDIR/nonexistent" "$rt" -B "$RUNDIR/b" "$t/91-base.sh"
out=$(KERNEL_PATCHED=$img "$rt" -B "$RUNDIR/b" "$t/90-guest.sh" \
	"$t/92-host.sh" 2>&1) && rc=0 || rc=$?
check_eq "a run of a guest test and a host test passes" "0 2 passed, 0 failed" \
	"$rc $(echo "$out" | tail -n 1)"
printf '# where: host\necho "not ok 1 - one"\necho "not ok 2 - two"\necho "ok 3 - three"\n' \
	> "$t/93-fails.sh"
out=$("$rt" -B "$RUNDIR/b" "$t/93-fails.sh" "$t/92-host.sh" 2>&1) && rc=0 || rc=$?
check_eq "a run with failures lists them again, a line a test, before the count" \
	"1 failed: [93-fails] 2 - first: not ok 1 - one|2 passed, 2 failed" \
	"$rc $(echo "$out" | tail -n 2 | paste -sd '|')"
for f in 90-guest-patched/console.log 90-guest-patched/output \
	90-guest-patched/dmesg 92-host/output results.tap; do
	check "... and leaves runs/$f" test -s "$RUNDIR/b/runs/$f"
done

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
check "... and the guest's dmesg, beside output" sh -c \
	"grep -q 'Linux version' '$RUNDIR/status/dmesg' && test -f '$RUNDIR/status/output'"

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
