#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# configs.sh TREE OBJDIR FRAGMENT...: build TREE (bzImage and modules)
# once per FRAGMENT, each merged on tinyconfig alone, in OBJDIR/NAME.
# The build check behind "make configs": the overlay must build in
# configurations other than the test guest's.
set -eu
tree=$1 obj=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
for frag; do
	name=$(basename "$frag" .config)
	dir=$obj/$name
	mkdir -p "$dir"
	echo "  CONFIG  $dir"
	make -s -C "$tree" O="$dir" tinyconfig > /dev/null
	(cd "$dir" && "$tree/scripts/kconfig/merge_config.sh" -m -O . .config \
		"$frag" > /dev/null)
	make -s -C "$tree" O="$dir" olddefconfig > /dev/null
	"$here/config-check.sh" "$dir/.config" "$frag"
	echo "  BUILD   $dir (bzImage, modules)"
	make -s -C "$tree" O="$dir" -j"$(nproc)" bzImage modules
done
echo "configs: all built"
