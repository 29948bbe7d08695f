#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sweep.py CSV DIR: summarise a bench/sweep run: DIR/summary.txt (the
tables, the fit of cost against extents, the targets), DIR/sweep.png and
DIR/sweep.svg (swapon(2) latency against extents).

sweep.py --rst CSV: the summary as Documentation/swap/testing.rst shows
it for a run of record (tools/swap-test/bench/records/BASE-sweep.csv).
sweep.py --values CSV: every figure the summary holds, one a line (for
tests/09-doc-figures.sh)."""
import csv
import math
import statistics
import subprocess
import sys
from collections import defaultdict

# (kernel, variant) sets of a point, as the tables name them.
SETS = (('base', 'unsealed', 'base'),
        ('patched', 'unsealed', 'unsealed'),
        ('patched', 'sealed', 'sealed before'))
FS = ('xfs', 'ext4', 'ext2')
# A run during which other jobs took more of the host's CPU than this
# (percent) is named busy in the summary.
BUSY = 10


def load(path):
    meta, lines = [], []
    with open(path) as f:
        for line in f:
            (meta if line.startswith('#') else lines).append(line)
    data = defaultdict(list)
    exts = {}
    for r in csv.DictReader(lines):
        point = (r['fs'], int(r['gib']), int(r['target']))
        exts[point] = int(r['extents'])
        for temp in ('cold', 'warm'):
            key = (r['clock'], temp, r['kernel'], r['variant']) + point
            data[key].append(float(r[temp + '_us']))
        data[(r['clock'], 'reads', r['kernel'], r['variant']) + point] \
            .append(float(r['reads']))
    return data, exts, [m[1:].strip() for m in meta]


def agg(v):
    """(min, median, max, failed) in ms of a set of runs in microseconds;
    a negative time is a swapon that failed, counted and left out."""
    if not v:
        return None
    good = [x / 1000.0 for x in v if x >= 0]
    if not good:
        return (-1, -1, -1, len(v))
    return (min(good), statistics.median(good), max(good),
            len(v) - len(good))


def ms(v):
    if v >= 1000:
        return '{:,.0f}'.format(v)
    if v >= 10:
        return '%.1f' % v
    if v >= 1:
        return '%.2f' % v
    return '%.3f' % v


def ratio(a, b):
    if not a or not b or a[1] <= 0 or b[1] <= 0:
        return None
    return a[1] / b[1]


def fmt_ratio(r):
    if r is None:
        return 'n/a'
    return '%.3f' % r if r >= 0.1 else '%.2g' % r


def fit(pts):
    """Least squares t = a + b n over (n, t): (a, b), or None."""
    if len(pts) < 2:
        return None
    n = len(pts)
    sx = sum(p[0] for p in pts)
    sy = sum(p[1] for p in pts)
    sxx = sum(p[0] * p[0] for p in pts)
    sxy = sum(p[0] * p[1] for p in pts)
    d = n * sxx - sx * sx
    if d == 0:
        return None
    b = (n * sxy - sx * sy) / d
    return ((sy - b * sx) / n, b)


class Report:
    def __init__(self, path):
        self.data, self.exts, self.meta = load(path)
        self.figs = []
        self.out = []
        self.clocks = [c for c in ('wall', 'instruction')
                       if any(k[0] == c for k in self.data)]

    def fig(self, *f):
        self.figs.extend(f)
        return f[0]

    def points(self, fs):
        return sorted(p for p in self.exts if p[0] == fs)

    def get(self, clock, temp, s, point):
        return agg(self.data.get((clock, temp, s[0], s[1]) + point))

    def cell(self, a):
        if not a:
            return '-'
        if a[0] < 0:
            return 'failed'
        return '%s (%s-%s)' % tuple(self.fig(ms(x), ms(x) + ' ms')
                                    for x in (a[1], a[0], a[2]))

    def table(self, clock, temp):
        w = '%-4s %3s %9s  %-22s %-22s %6s  %-22s %6s'
        self.out.append('swapon(2) %s, %s clock: median (min-max) of the '
                        'rounds, ms; ratios to base' % (temp, clock))
        self.out.append(w % ('fs', 'GiB', 'extents', 'base kernel',
                             'patched, unsealed', 'ratio',
                             'patched, sealed before', 'ratio'))
        failed = 0
        for fs in FS:
            for p in self.points(fs):
                a = [self.get(clock, temp, s, p) for s in SETS]
                failed += sum(x[3] for x in a if x)
                r1, r2 = ratio(a[1], a[0]), ratio(a[2], a[0])
                self.out.append(w % (
                    fs, p[1], self.fig('{:,}'.format(self.exts[p])),
                    self.cell(a[0]), self.cell(a[1]),
                    self.fig(fmt_ratio(r1)), self.cell(a[2]),
                    self.fig(fmt_ratio(r2)) if a[2] else ''))
        if failed:
            self.out.append('swapons that failed, left out: %d' % failed)
        self.out.append('')

    def fits(self, clock, temp):
        """Cost against extents per set and size: the fixed part, the
        slope, and the growth exponent between the two largest points
        (1.00 is linear)."""
        w = '%-4s %3s  %-14s %12s %16s %9s'
        self.out.append('fit of the %s medians, %s clock: t = fixed + '
                        'slope x extents' % (temp, clock))
        self.out.append(w % ('fs', 'GiB', 'set', 'fixed, ms',
                             'ms per 1k ext.', 'growth'))
        for fs in ('xfs', 'ext4'):
            for gib in sorted({p[1] for p in self.points(fs)}):
                for s in SETS:
                    pts = []
                    for p in self.points(fs):
                        a = self.get(clock, temp, s, p)
                        if p[1] == gib and a and a[1] > 0:
                            pts.append((self.exts[p], a[1]))
                    f = fit(pts)
                    if not f:
                        continue
                    pts.sort()
                    g = 'n/a'
                    (n1, t1), (n2, t2) = pts[-2], pts[-1]
                    if n2 > 2 * n1 and t1 > 0 and t2 > 0:
                        g = self.fig('%.2f' % (math.log(t2 / t1) /
                                               math.log(n2 / n1)))
                    self.out.append(w % (
                        fs, gib, s[2], self.fig(ms(f[0])),
                        self.fig('%.3f' % (f[1] * 1000)), g))
        self.out.append('')

    def targets(self, clock):
        """The targets on the cold and warm medians of clock: how many
        points meet each, and the worst; "sealed before against unsealed"
        is the row that catches a pre-sealed file activating slower than
        an unsealed one in the same cache state."""
        checks = (('xfs', 2, 0, 0.5, 'sealed before / base'),
                  ('xfs', 1, 0, 1.0, 'unsealed / base'),
                  ('ext4', 1, 0, 1.0, 'unsealed / base'),
                  ('xfs', 2, 1, 1.1, 'sealed before / unsealed'))
        for temp in ('cold', 'warm'):
            for fs, i, j, lim, name in checks:
                rs = []
                for p in self.points(fs):
                    r = ratio(self.get(clock, temp, SETS[i], p),
                              self.get(clock, temp, SETS[j], p))
                    if r is not None:
                        rs.append((r, p))
                if not rs:
                    continue
                r, p = max(rs)
                met = sum(1 for x in rs if x[0] <= lim)
                self.out.append(
                    '%-4s %-24s %s: <= %.1f at %d of %d points, worst %s '
                    '(%d GiB, %s extents)' % (
                        fs, name, temp, lim, met, len(rs),
                        self.fig(fmt_ratio(r)), p[1],
                        '{:,}'.format(self.exts[p])))
            for p in self.points('ext2'):
                r = ratio(self.get(clock, temp, SETS[0], p),
                          self.get(clock, temp, SETS[1], p))
                if r is not None:
                    self.out.append(
                        'ext2 %-24s %s: %s times at %d GiB (target '
                        '100)' % ('base / helper', temp,
                                          self.fig('{:,.0f}'.format(r)),
                                          p[1]))
        self.out.append('')

    def reads(self, clock):
        """Disk reads of the cold swapon, as a check that it was cold."""
        w = '%-4s %3s %9s %8s %8s %8s'
        self.out.append('disk reads of the cold swapon (median), '
                        '%s clock' % clock)
        self.out.append(w % ('fs', 'GiB', 'extents', 'base', 'unsealed',
                             'sealed'))
        for fs in FS:
            for p in self.points(fs):
                c = []
                for s in SETS:
                    v = self.data.get((clock, 'reads', s[0], s[1]) + p)
                    c.append('{:,.0f}'.format(statistics.median(v))
                             if v else '-')
                self.out.append(w % ((fs, p[1], '{:,}'.format(self.exts[p]))
                                     + tuple(c)))
        self.out.append('')

    def host(self):
        """Whether the host was busy: the runs' header lines."""
        runs = []
        for m in self.meta:
            if m.startswith('run ') and 'other jobs took ' in m:
                other = int(m.split('other jobs took ')[1].split('%')[0])
                before = float(m.split('load average before ')[1]
                               .split(',')[0])
                runs.append((other, before, m.split(':')[0][4:]))
        if not runs:
            return
        o = max(runs)
        busy = [r[2] for r in runs if r[0] > BUSY]
        self.out.append('host: other jobs took at most %d%% of its CPU during '
                        'a run (%s), load average before a run at most %.2f'
                        % (o[0], o[2], max(r[1] for r in runs)))
        self.out.append('busy runs (other jobs over %d%%): %s'
                        % (BUSY, ', '.join(busy) if busy else 'none'))
        self.out.append('')

    def build(self):
        self.host()
        for clock in self.clocks:
            for temp in ('cold', 'warm'):
                self.table(clock, temp)
        for clock in self.clocks:
            self.fits(clock, 'cold')
        for clock in self.clocks:
            self.out.append('targets, %s clock:' % clock)
            self.targets(clock)
        self.reads(self.clocks[0] if self.clocks else 'wall')
        self.out = [line.rstrip() for line in self.out]
        while self.out and not self.out[-1]:
            self.out.pop()
        return self.out

    def plot(self, outdir):
        """Cold medians against extents, min-max bars, wall clock (or the
        first clock there is), one panel per filesystem and size."""
        clock = self.clocks[0]
        dat = outdir + '/sweep.dat'
        panels = []
        with open(dat, 'w') as f:
            idx = 0
            for fs in ('xfs', 'ext4'):
                for gib in sorted({p[1] for p in self.points(fs)}):
                    lines = []
                    for s in SETS:
                        pts = []
                        for p in self.points(fs):
                            a = self.get(clock, 'cold', s, p)
                            if p[1] == gib and a and a[0] > 0:
                                pts.append((max(self.exts[p], 1),) + a[:3])
                        if not pts:
                            continue
                        for x in sorted(pts):
                            f.write('%d %f %f %f\n' % (x[0], x[2], x[1],
                                                       x[3]))
                        f.write('\n\n')
                        lines.append("'%s' index %d using 1:2:3:4 with "
                                     "yerrorlines title '%s'"
                                     % (dat, idx, s[2]))
                        idx += 1
                    panels.append(("%s, %d GiB" % (fs, gib), lines))
        cols = 3
        rows = (len(panels) + cols - 1) // cols
        for term, ext in (('pngcairo size 1500,%d' % (450 * rows), 'png'),
                          ('svg size 1500,%d' % (450 * rows), 'svg')):
            gp = ['set terminal %s' % term,
                  "set output '%s/sweep.%s'" % (outdir, ext),
                  'set multiplot layout %d,%d title "cold swapon(2), '
                  '%s clock, median and min-max of the rounds"'
                  % (rows, cols, clock),
                  'set logscale xy', "set format x '10^{%L}'",
                  "set xlabel 'extents'",
                  "set ylabel 'ms'", 'set key left top']
            for title, lines in panels:
                gp.append("set title '%s'" % title)
                gp.append('plot ' + ', '.join(lines))
            gp.append('unset multiplot')
            r = subprocess.run(['gnuplot'], input='\n'.join(gp).encode(),
                               stderr=subprocess.PIPE, check=False)
            if r.returncode and ext == 'png':
                # gnuplot-nox may lack cairo: its own png terminal.
                gp[0] = 'set terminal png size 1500,%d' % (450 * rows)
                subprocess.run(['gnuplot'], input='\n'.join(gp).encode(),
                               check=False)


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ('--rst', '--values'):
        r = Report(sys.argv[2])
        lines = r.build()
        if sys.argv[1] == '--values':
            for f in sorted(set(r.figs)):
                print(f)
            return
        print('::')
        print()
        for m in r.meta:
            print(('  # ' + m).rstrip())
        print('  #')
        for line in lines:
            print(('  ' + line).rstrip())
    elif len(sys.argv) == 3:
        r = Report(sys.argv[1])
        report = '\n'.join(r.build())
        print(report)
        with open(sys.argv[2] + '/summary.txt', 'w') as f:
            f.write(report + '\n')
        if r.clocks:
            r.plot(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
