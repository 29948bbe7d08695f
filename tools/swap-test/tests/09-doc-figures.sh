#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# The docs quote only figures of a run of record.  The runs of record are
# tools/swap-test/bench/records/BASE.csv and BASE-sweep.csv (make
# bench-record): testing.rst must show each as the table report.py --rst
# (sweep.py --rst for a sweep) makes of it, and nowhere in
# the docs, changelogs or cover letters may a time ("N ms"), a ratio
# ("0.N"), a speed-up ("N times") or an extent count ("N,NNN extents") be
# quoted that is not a figure of a record, or a parameter of a test that
# the test itself checks (PARAMS below).  report.py, which makes the
# tables, must also render failed runs as failed.
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
	tool=$report
	head -n 1 "$r" | grep -q bench/sweep && tool=tools/swap-test/bench/sweep.py
	python3 "$tool" --values "$r" >> "$values"
	python3 "$tool" --rst "$r" > "$RUNDIR/$name.want"
	# The block between ".. bench-record: NAME" and ".. end of
	# bench-record", without those lines and the blank lines around.
	awk -v n="$name" '$0 == ".. bench-record: " n { on = 1; next }
		on && /^\.\. end of bench-record/ { on = 0 } on' "$testing" |
		sed '1{/^$/d}' | sed '${/^$/d}' > "$RUNDIR/$name.have"
	check "testing.rst shows record $name as report.py --rst makes it" \
		diff -u "$RUNDIR/$name.want" "$RUNDIR/$name.have"
	head -n 1 "$r" | grep -q '^# ' ||
		not_ok "record $name says how it was made (a # header)"
	if [ "$tool" != "$report" ]; then
		check "record $name has its plot, in records/ and shown" sh -c \
			"test -s tools/swap-test/bench/records/$name.png &&
			test -s Documentation/swap/$name.svg &&
			grep -qx '.. image:: $name.svg' $testing"
	fi
done
shown=$(sed -n 's/^\.\. bench-record: //p' "$testing")
for n in $shown; do
	check "testing.rst's record $n has its CSV" \
		test -f "tools/swap-test/bench/records/$n.csv"
done

# report.py on a run with failed and empty sets: a failed swapon
# (swaptime's -1), a swap-traffic run that bench/io.sh failed for OOM
# kills beside one that did not, a rate of 0.  It must say so, not divide
# by zero or print negative times.
cat > "$RUNDIR/failed.csv" <<'EOF'
# ICOUNT=0 tools/swap-test/bench/run -r 1
# clocks: swapon=wall io=wall hotpath=instruction
bench,kernel,variant,extents,min,median,max,unit
swapon,base,xfs-unsealed,3,-1,-1,-1,us
swapon,patched,xfs-unsealed,3,100,120,130,us
swapio,base,xfs-swapfile,0,0,0,0,pages/s
swapio,base,raw-partition,0,-1,-1,-1,pages/s
swapio,base,raw-partition,0,7000,7000,7000,pages/s
swapio,patched,xfs-swapfile,0,5000,5000,5000,pages/s
swapio,patched,raw-partition,0,6000,6000,6000,pages/s
EOF
python3 "$report" --rst "$RUNDIR/failed.csv" > "$RUNDIR/failed.rst" 2>&1
check "report.py shows a failed set as failed" \
	grep -q '^  XFS unsealed  *3  failed  *0.120 (0.100-0.130)  *n/a$' \
	"$RUNDIR/failed.rst"
check "... leaves failed runs out of a set and counts them" sh -c \
	"grep -q '^  base, k pages/s  *0.0 (0.0-0.0)  *7.0 (7.0-7.0)  *n/a$' \
	$RUNDIR/failed.rst && grep -c 'runs that failed, left out: 1$' \
	$RUNDIR/failed.rst | grep -qx 2"
check "... and gives the other ratios" \
	grep -q '^  patched, k pages/s .* 0.833$' "$RUNDIR/failed.rst"

# sweep.py likewise: a point whose swapons failed on the base kernel, a
# set with rounds missing (guests that did not finish), a CSV without
# measurements.
sweep=tools/swap-test/bench/sweep.py
cat > "$RUNDIR/sweep-failed.csv" <<'EOF'
# tools/swap-test/bench/sweep -r 5 -w 2
round,clock,kernel,fs,variant,gib,target,extents,cold_us,warm_us,reads
1,wall,base,xfs,unsealed,1,1000,1000,-1,-1,0
1,wall,patched,xfs,unsealed,1,1000,1000,100,90,5
2,wall,patched,xfs,unsealed,1,1000,1000,110,95,5
EOF
python3 "$sweep" --rst "$RUNDIR/sweep-failed.csv" > "$RUNDIR/sweep-failed.rst" 2>&1
check "sweep.py shows a failed set as failed, a short one marked" \
	grep -q '^  xfs    1     1,000  failed  *0.105 (0.100-0.110)!  *n/a' \
	"$RUNDIR/sweep-failed.rst"
check "... counts the runs that failed or did not finish" \
	grep -q '^  ! runs that failed or did not finish, left out: 8$' \
	"$RUNDIR/sweep-failed.rst"
check "... and a point without a ratio as a target not met" \
	grep -q 'unsealed / base  *cold: <= 1.0 at 0 of 1 points, no ratio$' \
	"$RUNDIR/sweep-failed.rst"
head -n 2 "$RUNDIR/sweep-failed.csv" > "$RUNDIR/sweep-empty.csv"
check "sweep.py fails on a CSV without measurements" \
	sh -c "! python3 $sweep --rst $RUNDIR/sweep-empty.csv > /dev/null 2>&1"

# The forms a figure takes in the prose: a time (12.3 ms), a speed-up
# (186 times), a ratio (0.465, 1.003), an extent count (65,534 extents,
# a 869-extent file) and a rate or time set against another (8.4 against
# 9.5 k pages/s).  Kernel versions (7.3, 6.12) are not figures.
FIGURE='[0-9][0-9,]*(\.[0-9]+)? ms([^a-z]|$)'
FIGURE="$FIGURE"'|(^|[^0-9.,])0\.[0-9]+|(^|[^0-9.,])[0-9]+\.[0-9]{3,}'
FIGURE="$FIGURE"'|[0-9]+(\.[0-9]+)? times([^a-z]|$)'
FIGURE="$FIGURE"'|[0-9][0-9,]*[ -]extents?([^a-z]|$)'
FIGURE="$FIGURE"'|[0-9]+\.[0-9]+ (against|k pages)|against [0-9][0-9,]*\.[0-9]+'

# figures FILE: "LINE:TOKEN" for each figure quoted in FILE outside the
# record blocks (their lines are blanked, so the numbers stay right).
# Percentages are budgets and targets, not figures, and powers (2^31)
# are limits: both dropped first.
figures() {
	awk '/^\.\. bench-record: / { on = 1 } /^\.\. end of bench-record/ { on = 0 }
	     { print on ? "" : $0 }' "$1" |
		sed -E 's/[0-9.]+%//g; s/\^[0-9]+//g' |
		grep -noE "$FIGURE" |
		sed -E 's/^([0-9]+:)[^0-9]*/\1/
			s/^([0-9]+:[0-9][0-9,.]*)( ms| times)?.*/\1\2/
			s/[.,]+( ms| times)?$/\1/' |
		grep -vE '^[0-9]+:(7\.3|6\.12)$'
}

# Figures that are what a test sets up, not what a benchmark measured:
# "FILE FIGURE TEST".  The figure, without its commas, must be what a
# check_eq of the test expects, so the doc and the test cannot drift
# apart.
PARAMS="Documentation/swap/design.rst 8,192 tools/swap-test/tests/23-seal-fail.sh"
set -- $PARAMS
while [ $# -ge 3 ]; do
	check "$1's $2 is what a check_eq of $3 expects" grep -qE \
		"^[[:space:]]*check_eq \"[^\"]*\" \"?$(echo "$2" | tr -d ,)[\" ]" "$3"
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
