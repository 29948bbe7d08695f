#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py CSV DIR: summarise bench/run results (DIR/summary.txt), print
the ratios and plot swapon latency against extent count (DIR/swapon.png).

report.py --rst CSV: the table that Documentation/swap/testing.rst shows
for a run of record (tools/swap-test/bench/records/BASE.csv), exactly as
it must appear there.
report.py --values CSV: every figure that table holds, one a line, in
every form the docs may quote it; tests/09-doc-figures.sh checks that the
docs quote no figure that is not one of these."""
import csv
import statistics
import subprocess
import sys
from collections import defaultdict


def load(path):
    rows = defaultdict(list)
    meta = []
    with open(path) as f:
        lines = []
        for line in f:
            if line.startswith('#'):
                meta.append(line[1:].strip())
            else:
                lines.append(line)
    for r in csv.DictReader(lines):
        key = (r['bench'], r['kernel'], r['variant'], int(r['extents']))
        rows[key].append((float(r['min']), float(r['median']),
                          float(r['max']), r['unit']))
    return rows, meta


def agg(rows, key):
    v = rows.get(key)
    if not v:
        return None
    return (min(x[0] for x in v), statistics.median(x[1] for x in v),
            max(x[2] for x in v), v[0][3])


def nearest(rows, kern, var, k):
    """The swapon row of kern/var whose extent count is nearest k: two
    runs of fragfile do not always make exactly the same number of
    extents.  Returns (extents, aggregate)."""
    near = sorted((abs(s[3] - k), s[3]) for s in rows
                  if s[0] == 'swapon' and s[1] == kern and s[2] == var)
    if not near:
        return None, None
    return near[0][1], agg(rows, ('swapon', kern, var, near[0][1]))


def ms(us):
    """A time in microseconds as the docs print milliseconds."""
    v = us / 1000.0
    if v >= 1000:
        return '{:,.0f}'.format(v)
    if v >= 10:
        return '%.1f' % v
    if v >= 1:
        return '%.2f' % v
    return '%.3f' % v


def num(v):
    return '{:,.0f}'.format(v)


def kilo(v):
    return '{:,.1f}'.format(v / 1000.0)


def rt(a, b):
    if a is None or not b:
        return 'n/a'
    return '%.3f' % (a / b) if a / b >= 0.1 else '%.2g' % (a / b)


SWAPON = (('xfs-unsealed', 'XFS unsealed'),
          ('xfs-sealed', 'XFS sealed before'),
          ('ext2', 'ext2 bmap -> iomap'),
          ('vfat', 'vfat bmap on both'))


def table(rows, meta):
    """The rst table, at most 80 columns: (lines, figures), figures being
    every value it shows.  A ratio of medians is marked '*' where either
    set spread over more than twice its minimum: such a median says which
    mode most runs fell into, and the minima are the figures to compare."""
    out, figs = [], []
    clock = 'instruction' if meta and 'ICOUNT=1' in meta[0] else 'wall'
    wide = []
    w = '  %-20s %7s  %-19s  %-19s  %s'

    def cell(a, f, unit=''):
        if not a:
            return '-'
        cells = (f(a[1]), f(a[0]), f(a[2]))
        figs.extend(cells)
        figs.extend(c + unit for c in cells)
        return '%s (%s-%s)' % cells

    def ratio(a, b):
        r = rt(a[1] if a else None, b[1] if b else None)
        if r != 'n/a' and any(x[2] > 2 * x[0] for x in (a, b)):
            wide.append(r)
            figs.append(r)
            r += '*'
        elif r != 'n/a':
            figs.append(r)
            figs.append('%.2f' % (a[1] / b[1]))
            figs.append('%.2g' % (a[1] / b[1]))
            inv = b[1] / a[1]
            figs.append('%.0f times' % inv)
            figs.append('%.1f times' % inv)
        return r

    out.append(w % ('swapon(2), 1 GiB', 'extents', 'base kernel, ms',
                    'patched kernel, ms', 'ratio'))
    for var, label in SWAPON:
        counts = sorted({k[3] for k in rows
                         if k[0] == 'swapon' and k[2] == var})
        # One line per fragmentation level: the base kernel's counts
        # (patched rows matched to the nearest), else the patched ones;
        # a file sealed before swapon against the base kernel's
        # unsealed one.
        base_counts = sorted({k[3] for k in rows if k[0] == 'swapon'
                              and k[2] == var and k[1] == 'base'})
        for k in base_counts or counts:
            b = agg(rows, ('swapon', 'base', var, k))
            pk, p = nearest(rows, 'patched', var, k)
            if var == 'xfs-sealed':
                b = nearest(rows, 'base', 'xfs-unsealed', k)[1]
            shown = pk if pk is not None else k
            figs.append(num(shown))
            out.append(w % (label, num(shown), cell(b, ms, ' ms'),
                            cell(p, ms, ' ms'), ratio(p, b)))
    out.append('%-33s %s' % ('', 'median (min-max) of each set of runs,'))
    out.append('%-33s %s' % ('', clock + ' clock'))
    if wide:
        out.append('%-33s %s' % ('', '* spread over 2x: compare the minima'))
    s = agg(rows, ('seal', 'patched', 'seal-1g-unwritten', 0))
    z = agg(rows, ('seal', 'patched', 'write-1g-zeroes', 0))
    if s and z:
        out.append('')
        out.append(w % ('1 GiB unwritten', '', 'write zeroes+seal',
                        'dd 1 GiB zeroes', 'ratio'))
        out.append(w % ('patched kernel, ms', '', cell(s, ms, ' ms'),
                        cell(z, ms, ' ms'), ratio(s, z)))
    out.append('')
    out.append(w % ('swap traffic', '', 'XFS swapfile', 'raw partition',
                    'ratio'))
    for kern in ('base', 'patched'):
        f = agg(rows, ('swapio', kern, 'xfs-swapfile', 0))
        r = agg(rows, ('swapio', kern, 'raw-partition', 0))
        if f and r:
            out.append(w % ('%s, k pages/s' % kern, '', cell(f, kilo),
                            cell(r, kilo), ratio(f, r)))
    out.append('%-33s %s' % ('', 'wall clock'))
    out.append('')
    out.append(w % ('hot path k ops/Ginsn', '', 'base kernel',
                    'patched kernel', 'ratio'))
    for op in ('pwrite', 'extend', 'truncate', 'fallocate'):
        b = agg(rows, ('hotpath', 'base', op, 0))
        p = agg(rows, ('hotpath', 'patched', op, 0))
        if b and p:
            out.append(w % ('unsealed ' + op, '', cell(b, kilo),
                            cell(p, kilo), ratio(p, b)))
    out.append('%-33s %s' % ('', 'per 10^9 instructions of the loop'))
    return [line.rstrip() for line in out], figs


def rst(path):
    rows, meta = load(path)
    lines, _ = table(rows, meta)
    print('::')
    print()
    for m in meta:
        print('  # ' + m if m else '  #')
    print('  #')
    for line in lines:
        print(line)


def values(path):
    rows, meta = load(path)
    _, figs = table(rows, meta)
    for f in sorted(set(figs)):
        print(f)


def summary(path, outdir):
    rows, meta = load(path)
    lines, _ = table(rows, meta)
    report = '\n'.join(lines)
    print(report)
    with open(outdir + '/summary.txt', 'w') as f:
        f.write(report + '\n')

    # Plot: swapon median latency against extents, one line per
    # kernel/variant.
    series = defaultdict(list)
    for (bench, kern, var, ext) in rows:
        if bench == 'swapon':
            a = agg(rows, (bench, kern, var, ext))
            series['%s %s' % (kern, var)].append((max(ext, 1),
                                                  a[1] / 1000.0))
    dat = outdir + '/swapon.dat'
    plot = []
    with open(dat, 'w') as f:
        for i, (name, pts) in enumerate(sorted(series.items())):
            f.write('# %s\n' % name)
            for x, y in sorted(pts):
                f.write('%d %f\n' % (x, y))
            f.write('\n\n')
            plot.append("'%s' index %d with linespoints title '%s'"
                        % (dat, i, name))
    gp = """set terminal png size 900,600
set output '%s/swapon.png'
set logscale xy
set xlabel 'extents in a 1 GiB swapfile'
set ylabel 'swapon(2) median, ms (TCG)'
set key left top
plot %s
""" % (outdir, ', '.join(plot))
    subprocess.run(['gnuplot'], input=gp.encode(), check=False)


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--rst':
        rst(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == '--values':
        values(sys.argv[2])
    elif len(sys.argv) == 3:
        summary(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
