#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 21600
# The soak of tests/31-swap-races.sh: the same races, 10,000 rounds a
# thread on each filesystem, with no time limit.
RACE="-n 10000"
. "$TOP/tools/swap-test/tests/31-swap-races.sh"
