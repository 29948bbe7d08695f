#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: patched
# timeout: 43200
# The soak of tests/29-seal-fsx.sh: the same stream, 1,000,000 operations
# on each filesystem, from a new seed each run (sealfsx prints it first,
# and on a mismatch the command that replays the stream up to it).
FSX_OPS=1000000
FSX_SEED=${FSX_SEED:-random}
. "$TOP/tools/swap-test/tests/29-seal-fsx.sh"
