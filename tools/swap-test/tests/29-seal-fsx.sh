#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 600
# A seeded, model-checked stream of operations (progs/sealfsx.c): writes
# inside and past EOF, O_DIRECT, mmap and io_uring writes, truncate, every
# fallocate mode, clone, dedupe, copy_file_range, exchange-range, the
# preparation, seal and unseal, mkswap, swapon and swapoff, remounts and
# crash points (FS_IOC_SHUTDOWN), over three files, on a reflink XFS with
# exchange-range and on ext4.  Every errno is predicted from the semantics
# tables, every file read back after each operation, and the FIEMAP map of
# a sealed or active file must never change; the stream must have sealed,
# swapped on, refused with ETXTBSY and remounted.  Then xfs_repair -n and
# e2fsck -fn must be clean.  FSX_OPS operations on each (default 3000),
# from seeds 1 (XFS) and 2 (ext4), or FSX_SEED (a number, or "random" for
# one from the clock); a mismatch prints the command that replays it.
# soak/fsx.sh runs 1,000,000 operations on each.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
FSX_OPS=${FSX_OPS:-3000}
FSX_ARGS=${FSX_ARGS:-}

# seed DEFAULT: the -S option of a run.
seed() {
	case ${FSX_SEED:-} in
	random) ;;
	"") echo "-S $1" ;;
	*) echo "-S $FSX_SEED" ;;
	esac
}

# count OUT OP FIELD: a count from sealfsx's summary, 0 if absent.
count() {
	awk -v op="$2" -v f="$3" '$1 == op {
		for (i = 2; i < NF; i++) if ($i == f) { print $(i + 1); exit }
	}' "$1" | grep . || echo 0
}

# fsx NAME DIR SEED: run the stream on DIR, show its output, check it.
fsx() {
	out=/tmp/sealfsx.$1 rc=0
	start=$(date +%s)
	# shellcheck disable=SC2046,SC2086
	sealfsx -s -V -n "$FSX_OPS" $(seed "$3") $FSX_ARGS "$2" > "$out" 2>&1 ||
		rc=$?
	sed 's/^/# /' "$out"
	check_eq "$1: $FSX_OPS operations, no mismatch ($(($(date +%s) - start)) s)" \
		0 "$rc"
	check "$1: a summary line with 0 mismatches" \
		grep -q "^sealfsx: seed [0-9]* ops [0-9]* mismatches 0$" "$out"
	check "$1: files were swapped on ($(count "$out" swapon ok) times)" \
		test "$(count "$out" swapon ok)" -gt 0
	busy=$(grep -o 'ETXTBSY [0-9]*' "$out" | awk '{ n += $2 } END { print n + 0 }')
	check "$1: operations were refused with ETXTBSY ($busy times)" \
		test "$busy" -gt 0
	check "$1: the filesystem was remounted" grep -q "remounts [1-9]" "$out"
}

mkfs.xfs -f -q -m reflink=1 /dev/vda
check "exchange-range on the reflink XFS" xfs_exchange_feature /dev/vda on
check "reflink XFS with exchange-range" \
	sh -c "mkdir -p /mnt/fsx && mount /dev/vda /mnt/fsx"
fsx xfs /mnt/fsx 1
check "xfs: files were sealed ($(count /tmp/sealfsx.xfs seal ok) times)" \
	test "$(count /tmp/sealfsx.xfs seal ok)" -gt 0
check "xfs: clone, exchange-range and write-zeroes worked" sh -c \
	"grep -q '^clone .* ok [1-9]' /tmp/sealfsx.xfs &&
	grep -q '^exchange-range .* ok [1-9]' /tmp/sealfsx.xfs &&
	grep -q '^write-zeroes .* ok [1-9]' /tmp/sealfsx.xfs"
check "umount the XFS" umount /mnt/fsx
# xfs_repair 6.1 refuses a filesystem with the bit.
check "exchange-range off again" xfs_exchange_feature /dev/vda off
check "xfs_repair -n clean after the stream" xfs_repair -n /dev/vda

check "ext4" mkfs_mount ext4 /dev/vdc /mnt/fsx4
fsx ext4 /mnt/fsx4 2
check "ext4: the seal answers EOPNOTSUPP" \
	test "$(count /tmp/sealfsx.ext4 seal EOPNOTSUPP)" -gt 0
check "umount the ext4" umount /mnt/fsx4
check "e2fsck -fn clean after the stream" e2fsck -fn /dev/vdc
tap_done
