#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The base kernel is the pinned one: base.sh downloads the pinned package
# without touching the host's apt configuration or packages, refuses a
# tarball whose sha256 differs from the pin, falls back with a warning
# naming both versions when the pinned one is no longer served; BASE=
# selects a base for every target, and KERNEL_SRC replaces the base tree
# everywhere the Makefile uses it.
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
# The make calls below are not part of the make that runs the suite.
unset MAKEFLAGS MFLAGS MAKELEVEL BASE
realpin=tools/swap-test/kernel/base.pin
[ -z "${OVERLAY_BACKPORT:-}" ] || realpin=$OVERLAY_BACKPORT/base.pin
. "./$realpin"
base=tools/swap-test/kernel/base.sh
realdeb=$(ls "$B/apt/debs/${PIN_PACKAGE}_"*.deb | head -n 1)
version=$(dpkg-deb -f "$realdeb" Version)
pin=$RUNDIR/pin
apt=$RUNDIR/apt
export BASE_APT=$apt

# A stand-in apt-get: it logs its arguments, serves the package base.sh
# downloaded for the suite under its real version and any version the
# test names in SERVE, and answers as apt does for a version it does not
# have.  The host's packages and lists are never touched.
mkdir -p "$RUNDIR/bin"
cat > "$RUNDIR/bin/apt-get" <<EOF
#!/bin/sh
echo "\$*" >> "$RUNDIR/apt-get.log"
for a; do spec=\$a; done
case "\$*" in
*" update") exit 0 ;;
*" download "*) ;;
*) exit 100 ;;
esac
case \$spec in
*=$version | *=\${SERVE:-none} | $PIN_PACKAGE) cp "$realdeb" . ;;
*) exit 100 ;;
esac
EOF
chmod +x "$RUNDIR/bin/apt-get"
export PATH="$RUNDIR/bin:$PATH"

sed 's/^PIN_SHA256=.*/PIN_SHA256=0000000000000000000000000000000000000000000000000000000000000000/' \
	"$realpin" > "$pin"
out=$($base "$pin" "$RUNDIR/src" 2>&1) && rc=0 || rc=$?
check_eq "a tarball that does not match the pinned sha256 is refused" 1 "$rc"
check "... saying so" sh -c "echo '$out' | grep -q 'does not match the pinned 0000'"
check_fails "... and nothing is extracted" test -e "$RUNDIR/src"
check "the package is downloaded, not installed" \
	grep -q " download $PIN_PACKAGE=$PIN_VERSION\$" "$RUNDIR/apt-get.log"
check_fails "... and apt-get is never asked to install anything" \
	grep -qE '(^| )(install|remove|upgrade)( |$)' "$RUNDIR/apt-get.log"
if [ -n "${PIN_SUITES:-}" ]; then
	check_eq "every apt-get call uses the private configuration" "" \
		"$(grep -v "Dir::Etc::SourceList=$apt/empty.list -o Dir::Etc::SourceParts=$apt/parts -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache" "$RUNDIR/apt-get.log")"
	check "... whose sources name the pinned suites" \
		grep -qx "Suites: $PIN_SUITES" "$apt/parts/base.sources"
	check "... signed by Debian's archive key" \
		grep -qx "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
		"$apt/parts/base.sources"
else
	check_eq "the host's own suites serve it: no other configuration" "" \
		"$(grep 'Dir::' "$RUNDIR/apt-get.log")"
fi

# A version that is not served: the fallback to what is.  A directory
# stamped with what is served stands for an extracted tree, so nothing
# is unpacked.
rm -rf "$apt" "$RUNDIR/apt-get.log"
sed 's/^PIN_VERSION=.*/PIN_VERSION=0.0-not-served/' "$realpin" > "$pin"
mkdir -p "$RUNDIR/src"
tar=$(dpkg-deb --fsys-tarfile "$realdeb" | tar -xOf - "./${PIN_TARBALL#/}" | sha256sum | cut -d' ' -f1)
echo "$version $tar" > "$RUNDIR/src/.base-version"
out=$($base "$pin" "$RUNDIR/src" 2>&1) && rc=0 || rc=$?
check_eq "a pinned version that is not served falls back" 0 "$rc"
check_eq "... with a warning naming both versions" \
	"*** WARNING: pinned $PIN_PACKAGE 0.0-not-served is not available; using $version instead. Overlay patches may not apply; update pin." \
	"$(echo "$out" | grep WARNING)"
check "... after asking for the pinned version first" \
	grep -q " download $PIN_PACKAGE=0.0-not-served\$" "$RUNDIR/apt-get.log"

out=$(env -u B make -n tree KERNEL_SRC=/nonexistent/linux 2>&1)
check "make tree KERNEL_SRC=DIR builds the tree from DIR" \
	sh -c "echo '$out' | grep -q 'overlay.sh tree /nonexistent/linux '"
check_fails "... without the pinned base" \
	sh -c "echo '$out' | grep -q 'base.sh'"
out=$(env -u B make -n tree 2>&1)
check "make tree uses the mainline pin by default" \
	sh -c "echo '$out' | grep -q 'base.sh tools/swap-test/kernel/base.pin $TOP/build/base-src'"
for d in backport/*/; do
	b=$(basename "$d")
	out=$(env -u B make -n tree BASE="$b" 2>&1)
	check "make tree BASE=$b uses $d""base.pin and build/$b/" \
		sh -c "echo '$out' | grep -q 'base.sh backport/$b/base.pin $TOP/build/$b/base-src'"
	check "... and the backport's overlay" \
		sh -c "echo '$out' | grep -q 'overlay.sh tree $TOP/build/$b/base-src $TOP/build/$b/tree'"
done
out=$(env -u B make -n tree BASE=bogus 2>&1) && rc=0 || rc=$?
check "an unknown BASE fails" test "$rc" -ne 0
check "... naming the bases there are" \
	sh -c "echo '$out' | grep -q 'BASE=bogus: no such base; the bases are 7.3 (the default) and 6.12'"
tap_done
