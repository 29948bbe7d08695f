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
    """(min, median, max, unit, failed) of the rows of key: a row with a
    negative min is a run that failed (bench/io.sh, swaptime), counted
    and left out; all of them failed, the figures are -1."""
    v = rows.get(key)
    if not v:
        return None
    good = [x for x in v if x[0] >= 0]
    if not good:
        return (-1, -1, -1, v[0][3], len(v))
    return (min(x[0] for x in good), statistics.median(x[1] for x in good),
            max(x[2] for x in good), v[0][3], len(v) - len(good))


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
    if a is None or not b or a <= 0 or b <= 0:
        return 'n/a'
    return '%.3f' % (a / b) if a / b >= 0.1 else '%.2g' % (a / b)


SWAPON = (('xfs-unsealed', 'XFS unsealed'),
          ('xfs-sealed', 'XFS sealed before'),
          ('ext2', 'ext2 bmap -> iomap'),
          ('vfat', 'vfat bmap on both'))


def clocks(meta):
    """{part: 'instruction' or 'wall'} for the swapon, io and hotpath
    parts: bench/run's "clocks:" header line, or for a run from before
    it, swapon on the instruction clock under ICOUNT=1."""
    for m in meta:
        if m.startswith('clocks:'):
            return dict(kv.split('=') for kv in m.split()[1:])
    icount = meta and 'ICOUNT=1' in meta[0].split()
    return {'swapon': 'instruction' if icount else 'wall', 'io': 'wall',
            'hotpath': 'instruction'}


# A set whose max exceeds its min by more than this says, in its median,
# only which mode most runs fell into (a timer tick waited for or not, a
# run cut short): its ratio is marked and the minima are the figures to
# compare.  The instruction clock repeats to about 1%, the wall clock
# under TCG spreads by far more.
SPREAD = {'instruction': 1.05, 'wall': 2.0}
SPREAD_TEXT = {'instruction': '5%', 'wall': '2x'}


def table(rows, meta):
    """The rst table, at most 80 columns: (lines, figures), figures being
    every value it shows.  Ratios are of medians, marked '*' where either
    set spread more than SPREAD allows for its clock."""
    out, figs = [], []
    clk = clocks(meta)
    wide, failed = [], []
    w = '  %-20s %7s  %-19s  %-19s  %s'

    def cell(a, f, unit=''):
        if not a:
            return '-'
        if a[4]:
            failed.append(a[4])
        if a[0] < 0:
            return 'failed'
        cells = (f(a[1]), f(a[0]), f(a[2]))
        figs.extend(cells)
        figs.extend(c + unit for c in cells)
        return '%s (%s-%s)' % cells

    def ratio(a, b, part):
        r = rt(a[1] if a else None, b[1] if b else None)
        if r == 'n/a':
            return r
        figs.append(r)
        if any(x[2] > SPREAD[clk[part]] * x[0] for x in (a, b)):
            wide.append(part)
            r += '*'
        else:
            figs.append('%.2f' % (a[1] / b[1]))
            figs.append('%.2g' % (a[1] / b[1]))
            inv = b[1] / a[1]
            figs.append('%.0f times' % inv)
            figs.append('%.1f times' % inv)
        return r

    def footer(part):
        out.append('%-33s %s' % ('', clk[part] + ' clock'))
        if failed:
            out.append('%-33s runs that failed, left out: %d'
                       % ('', sum(failed)))
            del failed[:]
        if part in wide:
            out.append('%-33s * spread over %s: compare the minima'
                       % ('', SPREAD_TEXT[clk[part]]))

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
                            cell(p, ms, ' ms'), ratio(p, b, 'swapon')))
    out.append('%-33s %s' % ('', 'median (min-max) of each set of runs,'))
    footer('swapon')
    s = agg(rows, ('seal', 'patched', 'seal-1g-unwritten', 0))
    z = agg(rows, ('seal', 'patched', 'write-1g-zeroes', 0))
    if s and z:
        out.append('')
        out.append(w % ('1 GiB unwritten', '', 'write zeroes+seal',
                        'dd 1 GiB zeroes', 'ratio'))
        out.append(w % ('patched kernel, ms', '', cell(s, ms, ' ms'),
                        cell(z, ms, ' ms'), ratio(s, z, 'io')))
    out.append('')
    out.append(w % ('swap traffic', '', 'XFS swapfile', 'raw partition',
                    'ratio'))
    for kern in ('base', 'patched'):
        f = agg(rows, ('swapio', kern, 'xfs-swapfile', 0))
        r = agg(rows, ('swapio', kern, 'raw-partition', 0))
        if f and r:
            out.append(w % ('%s, k pages/s' % kern, '', cell(f, kilo),
                            cell(r, kilo), ratio(f, r, 'io')))
    footer('io')
    out.append('')
    out.append(w % ('hot path k ops/Ginsn', '', 'base kernel',
                    'patched kernel', 'ratio'))
    for op in ('pwrite', 'extend', 'truncate', 'fallocate'):
        b = agg(rows, ('hotpath', 'base', op, 0))
        p = agg(rows, ('hotpath', 'patched', op, 0))
        if b and p:
            out.append(w % ('unsealed ' + op, '', cell(b, kilo),
                            cell(p, kilo), ratio(p, b, 'hotpath')))
    out.append('%-33s %s' % ('', 'per 10^9 instructions of the loop,'))
    footer('hotpath')
    return [line.rstrip() for line in out], figs


def rst(path):
    rows, meta = load(path)
    lines, _ = table(rows, meta)
    print('::')
    print()
    for m in meta:
        # At most 80 columns: long header lines wrap after a comma.
        line = '  #'
        for piece in m.split(', '):
            if line != '  #' and len(line) + len(piece) + 2 > 80:
                print(line + ',')
                line = '  #  '
            elif line != '  #':
                line += ','
            line += ' ' + piece
        print(line)
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
