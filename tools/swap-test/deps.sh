#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh install|check LOG PACKAGE...: the host packages the Makefile
# needs (Debian names).
#
#   install  apt-get installs the packages dpkg does not list as installed
#            (a Debian host, as root; LOG gets apt's output)
#   check    installs nothing: looks for what each package provides (a
#            command, or a header for the -dev packages) and names every
#            one that is missing, with the package that has it; works on
#            any host
#
# Exit status 1 when something is missing or apt-get failed.
set -eu

# probe PACKAGE: what the suite uses of PACKAGE, as "cmd:NAME" or
# "hdr:PATH" words; nothing for a package this table does not know.
probe() {
	case $1 in
	qemu-system-x86) echo cmd:qemu-system-x86_64 ;;
	qemu-utils) echo cmd:qemu-img ;;
	xfsprogs) echo cmd:mkfs.xfs cmd:xfs_io cmd:xfs_repair cmd:xfs_db \
		cmd:xfs_fsr cmd:xfs_scrub ;;
	e2fsprogs) echo cmd:mke2fs cmd:mkfs.ext4 cmd:e2fsck ;;
	dosfstools) echo cmd:mkfs.vfat ;;
	util-linux) echo cmd:mkswap cmd:fallocate cmd:setpriv ;;
	stress-ng) echo cmd:stress-ng ;;
	busybox-static) echo cmd:busybox ;;
	flex | bison | bc | cpio | rsync | gcc | make | patch | perl | \
	python3 | git | dmsetup | strace | ccache | xfsdump)
		echo "cmd:$1" ;;
	kmod) echo cmd:depmod ;;
	diffutils) echo cmd:diff ;;
	gnuplot-nox) echo cmd:gnuplot ;;
	groff-base) echo cmd:groff ;;
	iproute2) echo cmd:ip ;;
	libelf-dev) echo hdr:gelf.h ;;
	libssl-dev) echo hdr:openssl/opensslv.h ;;
	liburing-dev) echo hdr:liburing.h ;;
	libblkid-dev) echo hdr:blkid/blkid.h ;;
	libselinux1-dev) echo hdr:selinux/selinux.h ;;
	esac
}

# have WHAT: is the command on PATH, or the header found by the compiler?
have() {
	case $1 in
	cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
	# shellcheck disable=SC2086 # CC may be "ccache gcc"
	hdr:*) printf '#include <%s>\n' "${1#hdr:}" |
		${CC:-cc} -E -x c - >/dev/null 2>&1 ;;
	esac
}

[ $# -ge 2 ] || { echo "usage: deps.sh install|check LOG PACKAGE..." >&2; exit 2; }
mode=$1 log=$2
shift 2

case $mode in
install)
	if ! command -v dpkg-query >/dev/null 2>&1 ||
	   ! command -v apt-get >/dev/null 2>&1; then
		echo "deps: no dpkg/apt-get here: not a Debian host." >&2
		echo "deps: install the packages yourself and use DEPS=check" \
			"(it names what is missing)." >&2
		exit 1
	fi
	dpkg-query -W "$@" >/dev/null 2>&1 && exit 0
	echo "  APT     $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "$@" >"$log" 2>&1 ||
		{ apt-get update -q >>"$log" 2>&1 &&
		  apt-get install -y -q "$@" >>"$log" 2>&1; } ||
		{ cat "$log"; exit 1; }
	;;
check)
	missing=
	for p; do
		what=$(probe "$p")
		if [ -z "$what" ]; then
			echo "deps: no check for package $p (tools/swap-test/deps.sh)" >&2
			exit 2
		fi
		for w in $what; do
			have "$w" || missing="$missing
  ${w#*:} ($p)"
		done
	done
	if [ -n "$missing" ]; then
		echo "deps: missing:$missing" >&2
		echo "deps: install them (Debian package names in parentheses)" \
			"or run with DEPS=install on a Debian host." >&2
		exit 1
	fi
	;;
*)
	echo "deps: DEPS=$mode: it is install or check" >&2
	exit 2
	;;
esac
