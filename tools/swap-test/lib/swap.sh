# SPDX-License-Identifier: GPL-2.0
# Shared steps of the swap tests (source after tap.sh).  They mkfs the
# guest's /dev/vd* disks, so they refuse to run anywhere but in the guest.
if [ "$(hostname)" != swaptest-guest ]; then
	echo "swap.sh: not in the test guest (tools/swap-test/vm); refusing" >&2
	exit 1
fi

# mkfs_mount FSTYPE DEV DIR [MKFS-OPTIONS]: a fresh filesystem at DIR.
mkfs_mount() {
	fstype=$1 dev=$2 dir=$3
	shift 3
	case $fstype in
	xfs) mkfs.xfs -f -q "$@" "$dev" ;;
	ext4|ext2) "mkfs.$fstype" -F -q "$@" "$dev" ;;
	vfat) mkfs.vfat "$@" "$dev" > /dev/null ;;
	*) echo "mkfs_mount: $fstype?" >&2; return 1 ;;
	esac
	mkdir -p "$dir" && mount -t "$fstype" "$dev" "$dir"
}

# xfs_exchange_feature DEV on|off: set or clear the exchange-range
# feature's incompat bit (1 << 6) on the unmounted XFS on DEV.  mkfs.xfs
# 6.1 cannot make a filesystem with it, and xfs_repair 6.1 refuses one
# (xfs_db -d: its 6.1 verifier does not know the bit; the kernel does).
# Clear it only after a clean unmount: no exchange is left in the log.
xfs_exchange_feature() {
	v=$(xfs_db -c "sb 0" -c "print features_incompat" "$1" | sed "s/.* = //")
	case $2 in
	on) v=$((v | 0x40)) ;;
	*) v=$((v & ~0x40)) ;;
	esac
	xfs_db -x -c "sb 0" -c "write -d features_incompat $(printf 0x%x $v)" \
		"$1" > /dev/null 2>&1
}

# make_swapfile PATH MIB: a swapfile the classic way (written zeroes).
make_swapfile() {
	dd if=/dev/zero of="$1" bs=1M count="$2" status=none &&
	chmod 600 "$1" && mkswap "$1" > /dev/null
}

# pressure MIB SECONDS: run stress-ng's verified VM workload of MIB inside
# a memory cgroup capped at a quarter of it, so that it must swap.
pressure() {
	cg=/sys/fs/cgroup/swaptest
	mkdir -p "$cg"
	echo $(($1 / 4))M > "$cg/memory.max"
	sh -c "echo \$\$ > $cg/cgroup.procs && exec stress-ng --vm 1 \
		--vm-bytes $1M --vm-keep --verify --timeout $2s" 2>&1
}

# pressure_more DIR MIB SECONDS: stress-ng's --pageswap and --swap
# stressors next to a --vm worker of MIB, all verified, inside the memory
# cgroup capped at a quarter of MIB; --swap makes its swapfiles in DIR.
pressure_more() {
	cg=/sys/fs/cgroup/swaptest
	mkdir -p "$cg"
	echo $(($2 / 4))M > "$cg/memory.max"
	sh -c "echo \$\$ > $cg/cgroup.procs && exec stress-ng --pageswap 1 \
		--swap 1 --vm 1 --vm-bytes $2M --vm-keep --verify \
		--temp-path $1 --timeout $3s" 2>&1
}

# swapped_out: 0 when pswpout moved since the last call of mark_swap.
mark_swap() {
	swap_out0=$(vmstat pswpout)
	swap_in0=$(vmstat pswpin)
}

swap_moved() {
	out=$(vmstat pswpout) in=$(vmstat pswpin)
	echo "pswpout +$((out - swap_out0)) pswpin +$((in - swap_in0))"
	[ "$out" -gt "$swap_out0" ] && [ "$in" -gt "$swap_in0" ]
}
