#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched base
# timeout: 900
# The seal and swap over NFS, with the guest as its own NFSv4.1 server:
# nfsd exports an XFS with pNFS block layouts to 127.0.0.1.
#
# 1. A swapfile on NFS has no block map of its own (swap I/O goes through
#    the NFS client): swapon takes no transient seal on it, and statx must
#    not say sealed; the require policy and SWAP_FLAG_SEALED refuse it.
# 2. An extending write on the server waits for a pNFS layout recall with
#    the IOLOCK dropped (xfs_file_write_checks()).  While the client cannot
#    answer (loopback down), the file becomes a swapfile; the write must
#    look at the file again once it has the IOLOCK back.  The base kernel
#    has the window (the write grows the active swapfile): it is asserted
#    there, so this test is seen to fail without the fix.  A new base
#    that has the fix turns that assertion red: then drop it.
#
# nfs-utils comes unpacked from Debian's packages (make nfs-root), with
# no /etc/nfs.conf of its own, and needs no rpcbind (NFSv4 only).  The
# daemons are left running: every test gets a fresh guest.
. "$TOP/tools/swap-test/lib/tap.sh"
. "$TOP/tools/swap-test/lib/swap.sh"
export PATH="$PROGS:$PATH"
exp=/srv/export nfs=/mnt/nfs
R=$B/nfs-root
export PATH="$R/usr/sbin:$R/sbin:$PATH"
export LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu"
# Whatever happens, give the client its loopback back (umount needs it).
trap 'ip link set lo up' EXIT

# nfs_up: nfsd with NFSv4.1+ only, exporting $exp (an XFS) with pnfs, and
# the client (blkmapd for block layouts) mounting it at $nfs.
nfs_up() {
	ip link set lo up &&
	mkdir -p "$nfs" /var/lib/nfs/rpc_pipefs /var/lib/nfs/nfsdcld &&
	: > /var/lib/nfs/etab &&
	mount -t nfsd nfsd /proc/fs/nfsd &&
	mount -t rpc_pipefs sunrpc /var/lib/nfs/rpc_pipefs &&
	exportfs -i -o rw,no_root_squash,no_subtree_check,fsid=0,pnfs \
		"127.0.0.1:$exp" &&
	rpc.mountd -N 3 2>/dev/null &&
	nfsdcld &&
	rpc.nfsd -N 3 -L 10 -G 10 4 &&
	# No grace period: nfsdcld had no clients to reclaim, or it is
	# forced (the write fails when it has already ended).
	{ { echo Y > /proc/fs/nfsd/v4_end_grace; } 2>/dev/null || :; } &&
	grep -q Y /proc/fs/nfsd/v4_end_grace &&
	blkmapd &&
	mount.nfs4 127.0.0.1:/ "$nfs" -o vers=4.1
}

# nfs_layouts NAME: the layout stateids nfsd holds on the file NAME.
nfs_layouts() {
	cat /proc/fs/nfsd/clients/*/states 2>/dev/null |
		grep 'type: layout' | grep -c "filename: \"/$1\""
}

# running PID: PID has not exited (a zombie has).
running() {
	case $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) in
	'' | Z) return 1 ;;
	esac
}

# wait_for SECONDS CMD...: until CMD succeeds, at most SECONDS.
wait_for() {
	w=$1
	shift
	until "$@"; do
		[ "$w" -gt 0 ] || return 1
		sleep 1
		w=$((w - 1))
	done
}

check "mkfs.xfs and mount the export" mkfs_mount xfs /dev/vdb "$exp"
check "nfsd (v4.1, pnfs export) and the client mount" nfs_up

if [ "$KERNEL" = patched ]; then
	s=$nfs/swap
	check "a swapfile written over NFS" make_swapfile "$s" 64
	check_eq "statx over NFS: not sealed" unsealed \
		"$(sealctl status "$s" | cut -d' ' -f1)"
	check "swapon of the NFS swapfile" swapon "$s"
	check_eq "the NFS swapfile is active" \
		"$s file" "$(awk -v f="$s" '$1 == f { print $1, $2 }' /proc/swaps)"
	check_eq "no transient seal on an NFS swapfile (statx)" unsealed \
		"$(sealctl status "$s" | cut -d' ' -f1)"
	check_eq "no seal on the server's file either" "unsealed xflag=0" \
		"$(sealctl status "$exp/swap" | cut -d' ' -f1,2)"
	check_err "S_SWAPFILE still refuses a truncate (upstream's rule)" \
		"Text file busy" truncate -s 1M "$s"
	mark_swap
	check "stress-ng --vm --verify swapping over NFS" pressure 64 8
	check "swap traffic over NFS" swap_moved
	check "swapoff" swapoff "$s"
	check_eq "still not sealed after swapoff" unsealed \
		"$(sealctl status "$s" | cut -d' ' -f1)"

	echo require > /proc/sys/vm/swapfile_seal
	dmesg_mark nfs-require
	check_err "require: an NFS swapfile cannot be sealed: EINVAL" \
		"Invalid argument" swapon "$s"
	check "require: the log says why" \
		sh -c "dmesg | sed -n '/swaptest-mark nfs-require/,\$p' | grep -q 'is not sealed and vm.swapfile_seal is \"require\": seal it first'"
	echo set > /proc/sys/vm/swapfile_seal
	check_eq "SWAP_FLAG_SEALED: an NFS swapfile: EINVAL" EINVAL \
		"$(sealctl swapon-sealed "$s" 2>/dev/null)"
	check_eq "nothing left active" 1 "$(wc -l < /proc/swaps)"
	rm -f "$s"
fi

# 2: a layout recall that drops the IOLOCK, and swapon in the window.
f=$exp/F
xfs_io -f -c "pwrite -q 0 1m" "$f" && chmod 600 "$f" && mkswap -q "$f" >/dev/null
# A local open for writing first, so that nfsd grants the client no read
# delegation (whose recall would block the writer's open, not its write).
sleep 600 4<>"$f" &
holder=$!
(dd if="$nfs/F" of=/dev/null bs=4k count=1 iflag=direct status=none &&
	exec sleep 600) 3<"$nfs/F" &
reader=$!
wait_for 30 eval '[ "$(nfs_layouts F)" -gt 0 ]'
check_eq "the client holds a pNFS block layout on the file" 1 \
	"$(nfs_layouts F)"
check "the client does its I/O on the exported device itself" \
	sh -c "dmesg | grep -q 'pNFS: using block device vdb'"

# 7.3 gives up on a recall after lease-break-time (45 s) and drops the
# layout; 6.12 waits for the client.  Make both wait for the client.
lbt=$(cat /proc/sys/fs/lease-break-time)
echo 600 > /proc/sys/fs/lease-break-time
ip link set lo down
# One write(2) of 64 KiB past EOF.
xfs_io -c "pwrite -q -b 64k 1m 64k" "$f" > "$exp.write" 2>&1 &
writer=$!
check "the extending write waits for the layout recall" \
	wait_for 30 grep -q 'LEASE  BREAKING' /proc/locks
check "... with the write still in progress" running "$writer"
check "swapon while the write waits with the IOLOCK dropped" swapon "$f"
ip link set lo up
check "the write finished once the client returned the layout" \
	wait_for 120 eval '! running "$writer"'
kill -KILL "$writer" 2>/dev/null
wait "$writer"
rc=$?
echo "$lbt" > /proc/sys/fs/lease-break-time
if [ "$KERNEL" = patched ]; then
	check_eq "the write looked again: ETXTBSY on the swapfile" \
		"1 pwrite: Text file busy" "$rc $(cat "$exp.write")"
	check_eq "the active swapfile kept its size" 1048576 "$(stat -c %s "$f")"
else
	check_eq "base kernel: the write did not look again (the window)" \
		"0 " "$rc $(cat "$exp.write")"
	check_eq "base kernel: ... and grew the active swapfile" 1114112 \
		"$(stat -c %s "$f")"
fi
check_eq "the client's layout went back" 0 "$(nfs_layouts F)"
check "swapoff" swapoff "$f"
kill "$holder" "$reader" 2>/dev/null
wait

check "umount the NFS client" umount "$nfs"
trap - EXIT
check "stop nfsd" rpc.nfsd 0
exportfs -ua
check "umount the export" umount "$exp"
tap_done
