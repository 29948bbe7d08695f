# SPDX-License-Identifier: GPL-2.0
# Host side of the tests that need several boots (persistence, crash,
# moving a filesystem between kernels): source after tap.sh.
#
#   guest KERNEL NAME DISK... -- SNIPPET
# boots KERNEL (patched or base) with the DISKs as /dev/vda, /dev/vdb, ...
# and runs the shell SNIPPET there (with sealctl etc. on PATH, set -e);
# the run's files land in $RUNDIR/NAME; its status is in $guest_rc.
# GUEST_TIMEOUT (seconds, default 300) and GUEST_MEM (vm -m, default the
# vm's) apply when set.
#   gval NAME KEY
# prints the value of the line "KEY: value" the snippet printed.

guest() {
	g_kernel=$1 g_name=$2
	shift 2
	g_disks=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		g_disks="$g_disks -d $1"
		shift
	done
	shift
	case $g_kernel in
	patched) g_img=${KERNEL_PATCHED:-$B/obj/arch/x86/boot/bzImage} ;;
	base) g_img=${KERNEL_BASE:-$B/obj-base/arch/x86/boot/bzImage} ;;
	esac
	mkdir -p "$RUNDIR/$g_name"
	printf 'set -e\nexport TOP=%s B=%s PATH="%s:$PATH"\n%s\n' \
		"$TOP" "$B" "$B/progs" "$*" > "$RUNDIR/$g_name/snippet"
	guest_rc=0
	# shellcheck disable=SC2086
	"$TOOLS/vm" -q -k "$g_img" ${GUEST_MEM:+-m "$GUEST_MEM"} -o "$RUNDIR/$g_name" -t "${GUEST_TIMEOUT:-300}" \
		$g_disks -- sh "$RUNDIR/$g_name/snippet" \
		2> "$RUNDIR/$g_name/vm.err" || guest_rc=$?
	echo "# guest $g_kernel $g_name: status $guest_rc"
}

gval() {
	# A guest that crashed on purpose may not have flushed its output
	# file; the serial console has the same lines.
	for g_f in output console.log; do
		g_v=$(tr -d '\r' < "$RUNDIR/$1/$g_f" | sed -n "s/^$2: //p" | tail -n 1)
		[ -n "$g_v" ] && break
	done
	echo "$g_v"
}
