#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# base.sh DIR: make DIR a pristine copy of the pinned base kernel source.
#
# Installs the pinned linux-source package if needed, checks the tarball
# against the pinned sha256 and extracts it once (a stamp file records
# what was extracted).  With KERNEL_SRC set, nothing is installed and
# DIR is not used: the caller builds from that tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# BASE_PIN: another pin file (the tests use it).
. "${BASE_PIN:-$here/base.pin}"
dir=$1

warn() { printf '\n*** WARNING: %s\n\n' "$*" >&2; }
die() { printf 'base.sh: %s\n' "$*" >&2; exit 1; }

installed=$(dpkg-query -W -f '${Version}' "$PIN_PACKAGE" 2>/dev/null || true)
if [ "$installed" != "$PIN_VERSION" ]; then
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q --allow-downgrades "$PIN_PACKAGE=$PIN_VERSION" >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		if ! apt-get install -y -q --allow-downgrades "$PIN_PACKAGE=$PIN_VERSION" >/dev/null 2>&1; then
			apt-get install -y -q "$PIN_PACKAGE" >/dev/null ||
				die "cannot install $PIN_PACKAGE"
		fi
	fi
	installed=$(dpkg-query -W -f '${Version}' "$PIN_PACKAGE")
fi

sum=$(sha256sum "$PIN_TARBALL" | cut -d' ' -f1)
if [ "$installed" != "$PIN_VERSION" ]; then
	warn "pinned $PIN_PACKAGE $PIN_VERSION is not available; using $installed instead. Overlay patches may not apply; update base.pin."
elif [ "$sum" != "$PIN_SHA256" ]; then
	die "$PIN_TARBALL: sha256 $sum does not match the pinned $PIN_SHA256"
fi

stamp="$dir/.base-version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$installed $sum" ]; then
	exit 0
fi
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
echo "  EXTRACT $PIN_TARBALL ($installed)"
tar -C "$dir.tmp" -xf "$PIN_TARBALL"
mv "$dir.tmp/${PIN_PACKAGE}" "$dir"
rmdir "$dir.tmp"
echo "$installed $sum" > "$stamp"
