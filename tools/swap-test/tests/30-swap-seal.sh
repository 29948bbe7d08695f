#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 1500
# swapon on the seal, with util-linux swapon/mkswap, on a reflink XFS, a
# non-reflink XFS and ext4: the transient seal (vm.swapfile_seal=set), a
# file sealed before swapon, the require policy, every refused operation
# on an active swapfile with its errno, real swapping under a memory
# cgroup, and 100 swapon/swapoff cycles followed by a remount.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
BUSY="Text file busy"

check_eq "vm.swapfile_seal defaults to set" set "$(cat /proc/sys/vm/swapfile_seal)"
check_err "vm.swapfile_seal rejects other values" "Invalid argument" \
	sh -c '/bin/echo sometimes > /proc/sys/vm/swapfile_seal'

# refused NAME FILE: every change to an active swapfile's blocks fails.
refused() {
	f=$2
	check_err "$1: truncate" "$BUSY" truncate -s 1M "$f"
	check_err "$1: truncate to its own size (upstream's rule)" "$BUSY" \
		truncate -s "$(stat -c %s "$f")" "$f"
	check_err "$1: grow" "$BUSY" truncate -s 1G "$f"
	check_err "$1: punch hole" "$BUSY" fallocate -p -o 0 -l 4096 "$f"
	check_err "$1: zero range" "$BUSY" fallocate -z -o 0 -l 4096 "$f"
	check_err "$1: allocate" "$BUSY" fallocate -o 0 -l 64M "$f"
	check_err "$1: overwrite" "$BUSY" xfs_io -c "pwrite 0 4096" "$f"
	check_err "$1: append" "$BUSY" xfs_io -a -c "pwrite 0 4096" "$f"
	check_err "$1: writable shared mmap" "$BUSY" xfs_io -c "mmap -w 0 4096" "$f"
	check_err "$1: copy_file_range into it" "$BUSY" \
		xfs_io -c "copy_range -s 0 -d 0 -l 4096 $f.other" "$f"
	check_err "$1: copy_file_range from it" "$BUSY" \
		xfs_io -c "copy_range -s 0 -d 0 -l 4096 $f" "$f.other"
	check_err "$1: unseal" ETXTBSY sealctl unseal "$f"
	check_err "$1: seal" ETXTBSY sealctl seal "$f"
	check_err "$1: unlink" "Operation not permitted" rm -f "$f"
	case $3 in
	reflink)
		check_err "$1: reflink from it" "$BUSY" \
			xfs_io -c "reflink $f" "$f.other"
		check_err "$1: reflink into it" "$BUSY" \
			xfs_io -c "reflink $f.other" "$f"
		check_err "$1: unaligned reflink from it (upstream's errno)" \
			"$BUSY" xfs_io -c "reflink $f 1 0 4096" "$f.other"
		check_err "$1: dedupe into it" "$BUSY" \
			xfs_io -c "dedupe $f.other 0 0 4096" "$f"
		check_err "$1: dedupe from it" "$BUSY" \
			xfs_io -c "dedupe $f 0 0 4096" "$f.other"
		;;
	esac
	case $3 in
	reflink|xfs)
		check_err "$1: extent swap (xfs_fsr)" "$BUSY" \
			xfs_io -c "swapext $f" "$f.other"
		;;
	esac
}

# suite FSTYPE DEV DIR KIND: the whole sequence on one filesystem.
suite() {
	fs=$1 dev=$2 dir=$3 kind=$4
	shift 4
	check "$kind: mkfs and mount" mkfs_mount "$fs" "$dev" "$dir" "$@"
	f=$dir/swap
	fallocate -l 256M "$f" && chmod 600 "$f" && mkswap -q "$f" > /dev/null
	dd if=/dev/urandom of="$f.other" bs=1M count=1 status=none

	# swapon(2) refuses a file with holes, and says so (util-linux
	# swapon would refuse it before the syscall: swaptime calls swapon(2))
	truncate -s 64M "$dir/sparse" && chmod 600 "$dir/sparse"
	mkswap -q "$dir/sparse" > /dev/null
	dmesg_mark "$kind-holes"
	check_err "$kind: swapon(2) of a sparse file" "Invalid argument" \
		swaptime "$dir/sparse" 1
	check "$kind: the log says it has holes" \
		sh -c "dmesg | sed -n '/swaptest-mark $kind-holes/,\$p' | grep -q 'swapon: file $dir/sparse has holes'"
	check_eq "$kind: and no transient seal is left on it" unsealed \
		"$(sealctl status "$dir/sparse" | cut -d' ' -f1)"
	rm -f "$dir/sparse"

	# set policy: a transient seal, released by swapoff, nothing on disk
	map0=$(sealctl fiemap "$f")
	check "$kind: swapon an unsealed file" swapon "$f"
	check_eq "$kind: transiently sealed (statx yes, on-disk flag no)" \
		"sealed xflag=0" "$(sealctl status "$f" | cut -d' ' -f1,2)"
	refused "$kind" "$f" "$kind"
	mark_swap
	check "$kind: stress-ng --vm --verify on the transient seal" \
		pressure 160 10
	check "$kind: swap traffic on the transient seal" swap_moved
	check "$kind: swapoff" swapoff "$f"
	check_eq "$kind: swapoff released the transient seal" unsealed \
		"$(sealctl status "$f" | cut -d' ' -f1)"
	check_eq "$kind: swapon and swapoff left the block map as it was" \
		"$map0" "$(sealctl fiemap "$f")"
	check_eq "$kind: a write fault through a mapping made before swapon" \
		SIGBUS "$(sealctl mmap-swapon "$f")"
	check_eq "$kind: ... and the seal went with swapoff" unsealed \
		"$(sealctl status "$f" | cut -d' ' -f1)"
	check "$kind: a plain file again: truncate works" \
		truncate -s 256M "$f"

	# a file sealed before swapon stays sealed
	if [ "$fs" = xfs ]; then
		check_err "$kind: the seal refuses its unwritten extents" \
			EINVAL sealctl seal "$f"
		check "$kind: prepare it (allocate, unshare, write zeroes)" \
			sealctl prepare "$f"
		check "$kind: seal before swapon" sealctl seal "$f"
		check "$kind: swapon a sealed file" swapon "$f"
		refused "$kind sealed" "$f" "$kind"
		mark_swap
		check "$kind: stress-ng --vm --verify on the sealed swapfile" \
			pressure 160 10
		check "$kind: swap traffic on the sealed swapfile" swap_moved
		check "$kind: swapoff" swapoff "$f"
		check_eq "$kind: still sealed after swapoff" "sealed xflag=1" \
			"$(sealctl status "$f" | cut -d' ' -f1,2)"
		check "$kind: unseal" sealctl unseal "$f"
	else
		check_err "$kind: no persistent seal here" EOPNOTSUPP sealctl seal "$f"
	fi

	# stress-ng's page-swapping and swapon/swapoff stressors, verified,
	# with the swapfile active: --swap makes and drops swapfiles of its
	# own in this filesystem (transiently sealed each time)
	check "$kind: swapon for the stressors" swapon "$f"
	mark_swap
	check "$kind: stress-ng --pageswap --swap --verify in a memory cgroup" \
		pressure_more "$dir" 80 8
	check "$kind: swap traffic under the stressors" swap_moved
	check "$kind: swapoff after the stressors" swapoff "$f"
	check_eq "$kind: --swap left no swap area behind" 1 \
		"$(wc -l < /proc/swaps)"

	# require policy
	echo require > /proc/sys/vm/swapfile_seal
	dmesg_mark "$kind-require"
	check_err "$kind: require: swapon of an unsealed file: EINVAL" \
		"Invalid argument" swapon "$f"
	check "$kind: require: the log says how to seal it" \
		sh -c "dmesg | sed -n '/swaptest-mark $kind-require/,\$p' | grep -q 'is not sealed and vm.swapfile_seal is \"require\": seal it first'"
	if [ "$fs" = xfs ]; then
		sealctl seal "$f"
		check "$kind: require: swapon of a sealed file" swapon "$f"
		check "$kind: require: swapoff" swapoff "$f"
		sealctl unseal "$f"
	fi
	echo set > /proc/sys/vm/swapfile_seal

	# SWAP_FLAG_SEALED: "require" for one swapon, whatever the policy
	dmesg_mark "$kind-flag"
	check_eq "$kind: SWAP_FLAG_SEALED: swapon of an unsealed file: EINVAL" \
		EINVAL "$(sealctl swapon-sealed "$f" 2>/dev/null)"
	check "$kind: SWAP_FLAG_SEALED: the log names the flag" \
		sh -c "dmesg | sed -n '/swaptest-mark $kind-flag/,\$p' | grep -q 'is not sealed and swapon was asked for a sealed file (SWAP_FLAG_SEALED): seal it first'"
	check_eq "$kind: SWAP_FLAG_SEALED: nothing activated" 1 \
		"$(wc -l < /proc/swaps)"
	if [ "$fs" = xfs ]; then
		sealctl seal "$f"
		check "$kind: SWAP_FLAG_SEALED: swapon of a sealed file" \
			sealctl swapon-sealed "$f"
		check "$kind: SWAP_FLAG_SEALED: swapoff" swapoff "$f"
		sealctl unseal "$f"
	fi

	# 100 cycles, then remount and once more
	n=0
	while [ $n -lt 100 ] && swapon "$f" && swapoff "$f"; do
		n=$((n + 1))
	done
	check_eq "$kind: 100 swapon/swapoff cycles" 100 "$n"
	check "$kind: umount after the cycles" umount "$dir"
	mount "$dev" "$dir"
	check "$kind: swapon after remount" swapon "$f"
	check "$kind: swapoff after remount" swapoff "$f"
	check_eq "$kind: not sealed after all that" unsealed \
		"$(sealctl status "$f" | cut -d' ' -f1)"
	umount "$dir"
}

suite xfs /dev/vda /mnt/xr reflink -m reflink=1
suite xfs /dev/vdb /mnt/xn xfs -m reflink=0
suite ext4 /dev/vdc /mnt/e4 ext4
check "xfs_repair -n clean (reflink XFS)" xfs_repair -n /dev/vda
check "xfs_repair -n clean (non-reflink XFS)" xfs_repair -n /dev/vdb
check "e2fsck -fn clean (ext4)" e2fsck -fn /dev/vdc
tap_done
