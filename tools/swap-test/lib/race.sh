# SPDX-License-Identifier: GPL-2.0
# The thread race of progs/seal_race.c over one swapfile while stress-ng
# swaps to it (source after tap.sh and swap.sh; PATH has $PROGS).
# Needs a swap device below the raced file's priority, which takes the
# traffic while the file is not active: race_backing DEV sets one up.

race_backing() {
	mkswap -q "$1" > /dev/null && swapon -p 1 "$1"
}

# race KIND DIR [SEAL_RACE-OPTIONS]: mkswap'd file DIR/swap and a file
# of written zeroes DIR/other, then seal_race over them next to
# stress-ng's verified VM workload; checks its counts and that the file
# is a usable swapfile once it is over.
race() {
	kind=$1 dir=$2
	shift 2
	f=$dir/swap
	fallocate -l 64M "$f" && chmod 600 "$f" && mkswap -q "$f" > /dev/null
	dd if=/dev/zero of="$dir/other" bs=1M count=64 status=none
	rm -f "$dir/race.out"
	(pressure 128 100000 > "$dir/stress.out"; echo "$?" > "$dir/stress.rc") &
	seal_race "$@" "$f" "$dir/other" > "$dir/race.out" 2> "$dir/race.err"
	echo "$?" > "$dir/race.rc"
	kill -INT $(cat /sys/fs/cgroup/swaptest/cgroup.procs)
	wait
	sed "s/^/# $kind: /" "$dir/race.out"
	head -n 5 "$dir/race.err" | sed "s/^/# $kind: /"
	get() { sed -n "s/^$1 //p" "$dir/race.out"; }
	check_eq "$kind: every result is one the semantics allow" 0 \
		"$(get unexpected)"
	check_eq "$kind: the map never changed while active or sealed" 0 \
		"$(get moved)"
	check_eq "$kind: seal_race exits 0" 0 "$(cat "$dir/race.rc")"
	won() { get "$1" | cut -d' ' -f4; }
	check "$kind: swapon won rounds ($(won swapon))" test "$(won swapon)" -gt 0
	if sealctl status "$f" | grep -q supported=1; then
		check "$kind: seal won rounds ($(won seal))" test "$(won seal)" -gt 0
	fi
	check "$kind: changes won rounds ($(get changes-won))" \
		test "$(get changes-won)" -gt 0
	check "$kind: changes were refused as busy ($(get changes-refused))" \
		test "$(get changes-refused)" -gt 0
	check "$kind: the swapfile took swap traffic while active" \
		test "$(get swap-used-max)" -gt 0
	check_eq "$kind: stress-ng verified every page (exit 0)" 0 \
		"$(cat "$dir/stress.rc")"
	# The file is a usable swapfile again once the dust settles.
	sealctl unseal "$f" > /dev/null 2>&1
	truncate -s 64M "$f" && sealctl prepare "$f" > /dev/null 2>&1
	mkswap -q "$f" > /dev/null
	check "$kind: swapon after the race" swapon "$f"
	check "$kind: swapoff after the race" swapoff "$f"
}
