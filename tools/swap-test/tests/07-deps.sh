#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The package step (make deps, tools/swap-test/deps.sh): every package of
# the Makefile's list has a check; DEPS=check installs nothing and runs
# neither dpkg nor apt-get, passes on this host and names what is missing
# with its package; a host without dpkg and apt-get gets DEPS=check by
# default, and the targets that need Debian's archive (the base source,
# nfs-root) say so instead of failing obscurely; DEPS=bogus is refused.
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
unset MAKEFLAGS MFLAGS MAKELEVEL
packages=$(make -s -p -n deps 2>/dev/null | sed -n 's/^PACKAGES := //p')
check "the Makefile lists packages" test -n "$packages"

nocheck=
for p in $packages; do
	tools/swap-test/deps.sh check /dev/null "$p" >/dev/null 2>&1
	[ $? -eq 2 ] && nocheck="$nocheck $p"
done
check_eq "deps.sh knows how to check every package of the list" "" "$nocheck"

# Stand-ins for dpkg-query and apt-get first on PATH: they only log.
bin=$RUNDIR/bin
mkdir -p "$bin"
for c in dpkg-query apt-get dpkg; do
	printf '#!/bin/sh\necho "%s $*" >> %s/calls\nexit 1\n' "$c" "$RUNDIR" \
		> "$bin/$c"
	chmod +x "$bin/$c"
done
: > "$RUNDIR/calls"
check "make deps DEPS=check passes on this host" \
	env PATH="$bin:$PATH" make -s deps DEPS=check B="$RUNDIR/b"
check_eq "... and ran neither dpkg nor apt-get" "" "$(cat "$RUNDIR/calls")"
check_fails "... and wrote no stamp (it checks every time)" \
	test -e "$RUNDIR/b/.deps"

# A PATH that has everything this host has but xfsprogs and the Debian
# package tools: symlinks to every command of the usual directories.
nodeb=$RUNDIR/nodeb
mkdir -p "$nodeb"
for d in /usr/local/bin /usr/bin /bin /usr/sbin /sbin; do
	for f in "$d"/*; do
		n=${f##*/}
		[ -e "$nodeb/$n" ] || ln -s "$f" "$nodeb/$n"
	done
done
for c in mkfs.xfs xfs_io apt-get dpkg-query dpkg dpkg-deb; do
	rm -f "$nodeb/$c"
done
out=$(PATH=$nodeb make -s deps B="$RUNDIR/b" 2>&1) && rc=0 || rc=$?
check_eq "without dpkg and apt-get, make deps checks and fails" 2 "$rc"
case $out in
*"mkfs.xfs (xfsprogs)"*"xfs_io (xfsprogs)"*) ok "... naming each missing command and its package" ;;
*) not_ok "... naming each missing command and its package"
   printf '%s\n' "$out" | sed 's/^/#   /' ;;
esac
case $out in
*qemu-system-x86_64*) not_ok "... and only those"
   printf '%s\n' "$out" | sed 's/^/#   /' ;;
*) ok "... and only those" ;;
esac
case $(PATH=$nodeb make -n deps 2>/dev/null) in
*"deps.sh check "*) ok "... by default (DEPS=check)" ;;
*) not_ok "... by default (DEPS=check)" ;;
esac
out=$(PATH=$nodeb sh tools/swap-test/kernel/base.sh "$RUNDIR/src" 2>&1) &&
	rc=0 || rc=$?
case $rc:$out in
1:*"no apt-get here"*KERNEL_SRC=*) ok "the base source says it needs Debian's archive, and names KERNEL_SRC" ;;
*) not_ok "the base source says it needs Debian's archive, and names KERNEL_SRC"
   printf '%s\n' "$rc: $out" | sed 's/^/#   /' ;;
esac
ln -s "$(command -v mkfs.xfs)" "$(command -v xfs_io)" "$nodeb"
out=$(PATH=$nodeb make -s nfs-root DEPS=check B="$RUNDIR/b" 2>&1) &&
	rc=0 || rc=$?
case $rc:$out in
2:*"34-swap-nfs needs Debian's"*) ok "nfs-root says what it needs" ;;
*) not_ok "nfs-root says what it needs"
   printf '%s\n' "$rc: $out" | sed 's/^/#   /' ;;
esac

check "CC=\"ccache gcc\" finds the headers too" \
	env CC="ccache gcc" tools/swap-test/deps.sh check /dev/null libelf-dev

# Refused by make itself, also where the package step is already done.
mkdir -p "$RUNDIR/b" && touch "$RUNDIR/b/.deps"
out=$(make -s deps DEPS=bogus B="$RUNDIR/b" 2>&1) && rc=0 || rc=$?
case $rc:$out in
2:*"DEPS=bogus"*) ok "DEPS=bogus is refused, also after a done package step" ;;
*) not_ok "DEPS=bogus is refused, also after a done package step"
   printf '%s\n' "$rc: $out" | sed 's/^/#   /' ;;
esac
tap_done
