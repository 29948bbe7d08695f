#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The docs quote only figures of a run of record.  The runs of record are
# tools/swap-test/bench/records/BASE.csv (make bench-record): testing.rst
# must show each as the table report.py --rst makes of it, and nowhere in
# the docs, changelogs or cover letters may a time ("N ms"), a ratio
# ("0.N"), a speed-up ("N times") or an extent count ("N,NNN extents") be
# quoted that is not a figure of a record, or a parameter of a test that
# the test itself checks (PARAMS below).
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
testing=Documentation/swap/testing.rst
report=tools/swap-test/bench/report.py
values=$RUNDIR/values
: > "$values"

records=$(ls tools/swap-test/bench/records/*.csv 2>/dev/null)
check "there is a run of record" test -n "$records"
for r in $records; do
	name=$(basename "$r" .csv)
	python3 "$report" --values "$r" >> "$values"
	python3 "$report" --rst "$r" > "$RUNDIR/$name.want"
	# The block between ".. bench-record: NAME" and ".. end of
	# bench-record", without those lines and the blank lines around.
	awk -v n="$name" '$0 == ".. bench-record: " n { on = 1; next }
		on && /^\.\. end of bench-record/ { on = 0 } on' "$testing" |
		sed '1{/^$/d}' | sed '${/^$/d}' > "$RUNDIR/$name.have"
	check "testing.rst shows record $name as report.py --rst makes it" \
		diff -u "$RUNDIR/$name.want" "$RUNDIR/$name.have"
	head -n 1 "$r" | grep -q '^# ' ||
		not_ok "record $name says how it was made (a # header)"
done
shown=$(sed -n 's/^\.\. bench-record: //p' "$testing")
for n in $shown; do
	check "testing.rst's record $n has its CSV" \
		test -f "tools/swap-test/bench/records/$n.csv"
done

# figures FILE: "LINE:TOKEN" for each figure quoted in FILE outside the
# record blocks (their lines are blanked, so the numbers stay right).
# Percentages are budgets and targets, not figures: dropped first.
figures() {
	awk '/^\.\. bench-record: / { on = 1 } /^\.\. end of bench-record/ { on = 0 }
	     { print on ? "" : $0 }' "$1" |
		sed -E 's/[0-9.]+%//g' |
		grep -noE '[0-9][0-9,]*(\.[0-9]+)? ms\b|(^|[^0-9.])0\.[0-9]+|[0-9]+(\.[0-9]+)? times\b|[0-9]{1,3}(,[0-9]{3})+[ -]extents?' |
		sed -E 's/:[^0-9]*0\./:0./; s/[ -]extents?$//'
}

# Figures that are what a test sets up, not what a benchmark measured:
# "FILE FIGURE TEST".  A check of the test must name the figure (as
# written or without its commas), so the doc and the test cannot drift
# apart.
PARAMS="Documentation/swap/design.rst 8,192 tools/swap-test/tests/23-seal-fail.sh"
set -- $PARAMS
while [ $# -ge 3 ]; do
	check "$1's $2 is a figure that $3 checks" grep -qE \
		"^[[:space:]]*check.*[^0-9,]($2|$(echo "$2" | tr -d ,))([^0-9,]|\$)" "$3"
	shift 3
done
# param FILE FIGURE: FIGURE is one of FILE's parameters.
param() {
	p_f=$1 p_v=$2
	set -- $PARAMS
	while [ $# -ge 3 ]; do
		[ "$1 $2" = "$p_f $p_v" ] && return 0
		shift 3
	done
	return 1
}

docs="README.md Documentation/swap/*.rst tools/swap-test/kernel/cover-letter
	tools/swap-test/kernel/changelogs/* backport/6.12/cover-letter
	backport/6.12/changelogs/* tools/mkswapfile/mkswapfile.8"
stray=
for f in $docs; do
	[ -f "$f" ] || continue
	for t in $(figures "$f" | tr ' ' '@'); do
		v=$(echo "${t#*:}" | tr '@' ' ')
		grep -qxF "$v" "$values" || param "$f" "$v" || stray="$stray
#   $f:${t%%:*}: $v"
	done
done
if [ -z "$stray" ]; then
	ok "the docs quote no figure that is not in a run of record"
else
	not_ok "the docs quote no figure that is not in a run of record"
	echo "#   not in $(echo $records) (report.py --values):$stray"
fi
tap_done
