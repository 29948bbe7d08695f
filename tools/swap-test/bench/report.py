#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py CSV DIR: summarise bench/run results, print the ratios the
docs quote and plot swapon latency against extent count (DIR/swapon.png)."""
import csv
import statistics
import subprocess
import sys
from collections import defaultdict

rows = defaultdict(list)
with open(sys.argv[1]) as f:
    for r in csv.DictReader(f):
        key = (r['bench'], r['kernel'], r['variant'], int(r['extents']))
        rows[key].append((float(r['min']), float(r['median']), float(r['max']), r['unit']))


def agg(key):
    v = rows.get(key)
    if not v:
        return None
    return (min(x[0] for x in v), statistics.median(x[1] for x in v),
            max(x[2] for x in v), v[0][3])


def fmt(a):
    return '%g/%g/%g %s' % a if a else 'n/a'


def ratio(a, b):
    return '%.3f' % (a[1] / b[1]) if a and b and b[1] else 'n/a'


out = []
out.append('swapon(2) latency, min/median/max:')
swapon = sorted(k for k in rows if k[0] == 'swapon')
variants = sorted({(k[2]) for k in swapon})
def nearest(kern, var, k):
    """The row of kern/var whose extent count is nearest k: two runs of
    fragfile do not always make exactly the same number of extents."""
    near = sorted((abs(s[3] - k), s[3]) for s in swapon
                  if s[1] == kern and s[2] == var)
    return agg(('swapon', kern, var, near[0][1])) if near else None


for v in variants:
    counts = sorted({k[3] for k in swapon if k[2] == v and k[1] == 'base'}) \
        or sorted({k[3] for k in swapon if k[2] == v})
    for k in counts:
        base = agg(('swapon', 'base', v, k))
        pat = nearest('patched', v, k)
        line = '  %-14s %6d extents  base %-26s patched %-26s patched/base %s' % (
            v, k, fmt(base), fmt(pat), ratio(pat, base))
        if v == 'xfs-unsealed':
            sealed = nearest('patched', 'xfs-sealed', k)
            line += '  pre-sealed/base %s' % ratio(sealed, base)
        out.append(line)
seal = agg(('seal', 'patched', 'seal-1g-unwritten', 0))
write = agg(('seal', 'patched', 'write-1g-zeroes', 0))
out.append('write zeroes + seal 1 GiB unwritten: %s; write 1 GiB zeroes: %s; '
           'seal/write %s'
           % (fmt(seal), fmt(write), ratio(seal, write)))
for kern in ('base', 'patched'):
    f = agg(('swapio', kern, 'xfs-swapfile', 0))
    r = agg(('swapio', kern, 'raw-partition', 0))
    out.append('swap traffic (%s): xfs swapfile %s, raw partition %s, swapfile/raw %s'
               % (kern, fmt(f), fmt(r), ratio(f, r)))
for op in ('pwrite', 'extend', 'truncate', 'fallocate'):
    b = agg(('hotpath', 'base', op, 0))
    p = agg(('hotpath', 'patched', op, 0))
    out.append('hot path %-9s base %s patched %s patched/base %s'
               % (op, fmt(b), fmt(p), ratio(p, b)))
report = '\n'.join(out)
print(report)
with open(sys.argv[2] + '/summary.txt', 'w') as f:
    f.write(report + '\n')

# Plot: swapon median latency against extents, one line per kernel/variant.
series = defaultdict(list)
for (bench, kern, var, ext), v in rows.items():
    if bench == 'swapon':
        a = agg((bench, kern, var, ext))
        series['%s %s' % (kern, var)].append((max(ext, 1), a[1] / 1000.0))
dat = sys.argv[2] + '/swapon.dat'
plot = []
with open(dat, 'w') as f:
    for i, (name, pts) in enumerate(sorted(series.items())):
        f.write('# %s\n' % name)
        for x, y in sorted(pts):
            f.write('%d %f\n' % (x, y))
        f.write('\n\n')
        plot.append("'%s' index %d with linespoints title '%s'" % (dat, i, name))
gp = """set terminal png size 900,600
set output '%s/swapon.png'
set logscale xy
set xlabel 'extents in a 1 GiB swapfile'
set ylabel 'swapon(2) median, ms (TCG)'
set key left top
plot %s
""" % (sys.argv[2], ', '.join(plot))
subprocess.run(['gnuplot'], input=gp.encode(), check=False)
