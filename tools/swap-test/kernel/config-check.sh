#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# config-check.sh CONFIG FRAGMENT...: fail if an option a fragment asks
# for (CONFIG_X=value, or "# CONFIG_X is not set") did not make it into
# CONFIG: an unmet dependency, a renamed symbol.
set -eu
config=$1
shift
bad=0
for frag; do
	sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=\(.*\)$/\1 \2/p
		s/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1 n/p' "$frag" |
	while read -r opt want; do
		have=$(sed -n "s/^$opt=//p" "$config")
		[ -n "$have" ] || have=n
		if [ "$have" != "$want" ]; then
			echo "config-check: $frag asks for $opt=$want," \
				".config has $opt=$have" >&2
			exit 1
		fi
	done || bad=1
done
exit $bad
