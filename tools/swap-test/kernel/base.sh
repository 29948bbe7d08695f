#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# base.sh [PIN] DIR: make DIR a pristine copy of the base kernel source
# that PIN (default: base.pin beside this script) pins.
#
# Downloads the pinned linux-source package with apt-get download into
# DIR's parent directory (apt/), checks the tarball it holds against the
# pinned sha256 and extracts it once (a stamp file records what was
# extracted).  Nothing is installed on the host.  A pin with PIN_SUITES
# gets the package from those Debian suites through a private apt
# configuration (sources list, lists and cache under apt/); the host's
# apt configuration is never changed.  Without PIN_SUITES the host's own
# suites serve it.  If the pinned version is no longer served, the newest
# one is used with a loud warning.  With KERNEL_SRC set, the Makefile does
# not call this at all: the caller builds from that tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 2 ]; then
	pin=$1
	shift
else
	pin=${BASE_PIN:-$here/base.pin}
fi
[ $# -eq 1 ] || { echo "usage: base.sh [PIN] DIR" >&2; exit 2; }
. "$pin"
dir=$1
apt=${BASE_APT:-$(dirname "$dir")/apt}

warn() { printf '\n*** WARNING: %s\n\n' "$*" >&2; }
die() { printf 'base.sh: %s\n' "$*" >&2; exit 1; }

for c in apt-get dpkg-deb; do
	command -v $c >/dev/null 2>&1 || die "no $c here: the pinned \
$PIN_PACKAGE comes from Debian's archive; on another host, build on a \
tree of the same version with KERNEL_SRC=/path/to/linux"
done
mkdir -p "$apt/debs"
set --
if [ -n "${PIN_SUITES:-}" ]; then
	mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
	: > "$apt/empty.list"
	cat > "$apt/parts/base.sources" <<EOF
Types: deb
URIs: ${PIN_URI:-http://deb.debian.org/debian}
Suites: $PIN_SUITES
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	set -- -o Dir::Etc::SourceList="$apt/empty.list" \
		-o Dir::Etc::SourceParts="$apt/parts" \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache"
fi

# download SPEC: fetch the package SPEC (NAME or NAME=VERSION) into
# $apt/debs; a private configuration reads its lists first.
download() {
	(cd "$apt/debs" && apt-get -q "$@" download "$spec") >/dev/null 2>&1
}

deb=$(ls "$apt/debs/${PIN_PACKAGE}_$(echo "$PIN_VERSION" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	echo "  APT     $PIN_PACKAGE=$PIN_VERSION"
	[ $# -eq 0 ] || apt-get -q "$@" update >/dev/null 2>&1 ||
		die "apt-get update of $PIN_SUITES failed"
	spec="$PIN_PACKAGE=$PIN_VERSION"
	if ! download "$@"; then
		[ $# -gt 0 ] || apt-get -q update >/dev/null 2>&1 || true
		download "$@" || {
			spec=$PIN_PACKAGE
			download "$@" || die "cannot download $PIN_PACKAGE"
		}
	fi
	deb=$(ls -t "$apt/debs/${PIN_PACKAGE}_"*.deb | head -n 1)
fi
version=$(dpkg-deb -f "$deb" Version)

tarball=$apt/$(basename "$PIN_TARBALL")
if [ ! -f "$tarball" ] || [ "$tarball" -ot "$deb" ] ||
   [ "$(cat "$tarball.version" 2>/dev/null)" != "$version" ]; then
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./${PIN_TARBALL#/}" > "$tarball.tmp" ||
		die "$deb holds no $PIN_TARBALL"
	mv "$tarball.tmp" "$tarball"
	echo "$version" > "$tarball.version"
fi
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$version" != "$PIN_VERSION" ]; then
	warn "pinned $PIN_PACKAGE $PIN_VERSION is not available; using $version instead. Overlay patches may not apply; update $(basename "$pin")."
elif [ "$sum" != "$PIN_SHA256" ]; then
	die "$PIN_TARBALL: sha256 $sum does not match the pinned $PIN_SHA256"
fi

stamp="$dir/.base-version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version $sum" ]; then
	exit 0
fi
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp"
echo "  EXTRACT $PIN_PACKAGE $version"
tar -C "$dir.tmp" -xf "$tarball"
mv "$dir.tmp/${PIN_PACKAGE}" "$dir"
rmdir "$dir.tmp"
echo "$version $sum" > "$stamp"
