#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# config-check.sh CONFIG FRAGMENT...: fail if an option a fragment asks
# for did not make it into CONFIG (an unmet dependency, a renamed symbol).
set -eu
config=$1
shift
bad=0
for frag; do
	grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS= read -r line; do
		if ! grep -qxF "$line" "$config"; then
			echo "config-check: $frag asks for $line, .config has:" \
				"$(grep -E "^(# )?${line%%=*}[= ]" "$config" || echo unset)" >&2
			exit 1
		fi
	done || bad=1
done
exit $bad
