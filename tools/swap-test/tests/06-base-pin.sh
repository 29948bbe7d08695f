#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The base kernel is the pinned one: a tarball whose sha256 differs from
# the pin is refused; a pinned version that is no longer served falls
# back to the installed linux-source-6.12 with a warning naming both; and
# KERNEL_SRC replaces the base tree everywhere the Makefile uses it.
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
. tools/swap-test/kernel/base.pin
base=tools/swap-test/kernel/base.sh
installed=$(dpkg-query -W -f '${Version}' "$PIN_PACKAGE")
pin=$RUNDIR/pin

sed 's/^PIN_SHA256=.*/PIN_SHA256=0000000000000000000000000000000000000000000000000000000000000000/' \
	tools/swap-test/kernel/base.pin > "$pin"
out=$(BASE_PIN=$pin $base "$RUNDIR/src" 2>&1) && rc=0 || rc=$?
check_eq "a tarball that does not match the pinned sha256 is refused" 1 "$rc"
check "... saying so" sh -c "echo '$out' | grep -q 'does not match the pinned 0000'"
check_fails "... and nothing is extracted" test -e "$RUNDIR/src"

# A version that is not served: the fallback.  A directory stamped with
# what is installed stands for an extracted tree, so nothing is unpacked,
# and apt-get answers as it does for a version it does not have, without
# touching the host's packages (the real one would upgrade them).
mkdir -p "$RUNDIR/bin"
printf '#!/bin/sh\ncase "$*" in *=0.0-not-served*) exit 100 ;; esac\nexit 0\n' \
	> "$RUNDIR/bin/apt-get"
chmod +x "$RUNDIR/bin/apt-get"
sed 's/^PIN_VERSION=.*/PIN_VERSION=0.0-not-served/' \
	tools/swap-test/kernel/base.pin > "$pin"
mkdir -p "$RUNDIR/src"
echo "$installed $(sha256sum "$PIN_TARBALL" | cut -d' ' -f1)" \
	> "$RUNDIR/src/.base-version"
out=$(PATH=$RUNDIR/bin:$PATH BASE_PIN=$pin $base "$RUNDIR/src" 2>&1) &&
	rc=0 || rc=$?
check_eq "a pinned version that is not served falls back" 0 "$rc"
check_eq "... with a warning naming both versions" \
	"*** WARNING: pinned $PIN_PACKAGE 0.0-not-served is not available; using $installed instead. Overlay patches may not apply; update base.pin." \
	"$(echo "$out" | grep WARNING)"

out=$(make -n tree KERNEL_SRC=/nonexistent/linux 2>&1)
check "make tree KERNEL_SRC=DIR builds the tree from DIR" \
	sh -c "echo '$out' | grep -q 'overlay.sh tree /nonexistent/linux '"
check_fails "... without the pinned base" \
	sh -c "echo '$out' | grep -q 'base.sh'"
tap_done
