#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sweep.py CSV DIR: summarise a bench/sweep run: DIR/summary.txt (the
tables, the fit of cost against extents, the targets), DIR/sweep.png and
DIR/sweep.svg (swapon(2) latency against extents).

sweep.py --rst CSV: the summary as Documentation/swap/testing.rst shows
it for a run of record (tools/swap-test/bench/records/BASE-sweep.csv).
sweep.py --values CSV: every figure the summary holds, one a line (for
tests/09-doc-figures.sh).

Exits 1 when the CSV holds no measurement."""
import csv
import math
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

# (kernel, variant, name) of the sets of a point.
SETS = (('base', 'unsealed', 'base'),
        ('patched', 'unsealed', 'unsealed'),
        ('patched', 'sealed', 'sealed before'))
FS = ('xfs', 'ext4', 'ext2')
# A run during which other jobs took more of the host's CPU than this
# (percent) is named busy in the summary.
BUSY = 10
# What each clock measures.  A cold swapon waits for the disk; under
# -icount the guest's clock runs on through that wait at whatever pace
# the host's disk and timers set (the 5 rounds of record spread more
# than a thousandfold at one point), so cold times, their reads and
# their fits are reported on the wall clock only.
TEMPS = {'wall': ('cold', 'warm'), 'instruction': ('warm',)}
# The drop_caches rows (variant, label).
DROPPED = (('dropped-logged', 'first drop after chmod'),
           ('dropped-again', 'the drop after that'))


def load(path):
    """data[(clock, temp, kernel, variant, fs, gib, target)] = {round:
    value}, temp being cold, warm (microseconds) or reads; extent counts
    per point; the header lines; the rounds asked for."""
    meta, lines = [], []
    with open(path) as f:
        for line in f:
            (meta if line.startswith('#') else lines).append(line)
    data = defaultdict(dict)
    exts = {}
    for r in csv.DictReader(lines):
        point = (r['fs'], int(r['gib']), int(r['target']))
        exts[point] = int(r['extents'])
        for temp, col in (('cold', 'cold_us'), ('warm', 'warm_us'),
                          ('reads', 'reads')):
            key = (r['clock'], temp, r['kernel'], r['variant']) + point
            data[key][int(r['round'])] = float(r[col])
    meta = [m[1:].strip() for m in meta]
    rounds = 0
    if meta and ' -r ' in meta[0]:
        rounds = int(meta[0].split(' -r ')[1].split()[0])
    return data, exts, meta, rounds


def agg(v, rounds):
    """(min, median, max, failed) in ms of a set of runs in microseconds.
    A negative time is a swapon that failed; a round without a value is
    a guest that did not finish: both counted as failed and left out."""
    if not v:
        return None
    good = [x / 1000.0 for x in v.values() if x >= 0]
    failed = max(len(v), rounds) - len(good)
    if not good:
        return (-1, -1, -1, failed)
    return (min(good), statistics.median(good), max(good), failed)


def ms(v):
    if v >= 1000:
        return '{:,.0f}'.format(v)
    if v >= 10:
        return '%.1f' % v
    if v >= 1:
        return '%.2f' % v
    return '%.3f' % v


def paired(a, b):
    """The ratios a/b of the rounds both sets ran: (min, median, max),
    or None."""
    if not a or not b:
        return None
    r = [a[k] / b[k] for k in a if k in b and a[k] > 0 and b[k] > 0]
    if not r:
        return None
    return (min(r), statistics.median(r), max(r))


def fmt_ratio(r):
    if r is None:
        return 'n/a'
    return '%.3f' % r if r >= 0.1 else '%.2g' % r


def fit(pts):
    """t = t0 + b (n - n0) over (n, t), (n0, t0) the point of fewest
    extents: (t0, b), b by least squares, or None.  An unweighted line
    through all points would take its fixed part from the largest ones,
    whose times are a thousand times the smallest's."""
    if len(pts) < 2:
        return None
    n0, t0 = min(pts)
    sxx = sum((n - n0) ** 2 for n, t in pts)
    if sxx == 0:
        return None
    return (t0, sum((n - n0) * (t - t0) for n, t in pts) / sxx)


class Report:
    def __init__(self, path):
        self.data, self.exts, self.meta, self.rounds = load(path)
        self.figs = []
        self.out = []
        self.clocks = [c for c in ('wall', 'instruction')
                       if any(k[0] == c for k in self.data)]

    def fig(self, *f):
        self.figs.extend(f)
        return f[0]

    def points(self, fs):
        return sorted(p for p in self.exts if p[0] == fs)

    def raw(self, clock, temp, s, point):
        return self.data.get((clock, temp, s[0], s[1]) + point)

    def get(self, clock, temp, s, point):
        return agg(self.raw(clock, temp, s, point), self.rounds)

    def ratio(self, clock, temp, a, b, point):
        return paired(self.raw(clock, temp, a, point),
                      self.raw(clock, temp, b, point))

    def cell(self, a):
        if not a:
            return '-'
        if a[0] < 0:
            return 'failed'
        c = '%s (%s-%s)' % tuple(self.fig(ms(x), ms(x) + ' ms')
                                 for x in (a[1], a[0], a[2]))
        return c + ('!' if a[3] else '')

    def rcell(self, r):
        if not r:
            return 'n/a'
        return '%s (%s-%s)' % tuple(self.fig(fmt_ratio(x))
                                    for x in (r[1], r[0], r[2]))

    def table(self, clock, temp):
        w = '%-4s %3s %9s  %-22s %-22s %-19s  %-22s %s'
        self.out.append('swapon(2) %s, %s clock: median (min-max) over the '
                        'rounds, ms; ratios to base per round' % (temp,
                                                                  clock))
        self.out.append(w % ('fs', 'GiB', 'extents', 'base kernel',
                             'patched, unsealed', 'ratio',
                             'patched, sealed before', 'ratio'))
        failed = 0
        for fs in FS:
            for p in self.points(fs):
                a = [self.get(clock, temp, s, p) for s in SETS]
                failed += sum(x[3] for x in a if x)
                self.out.append(w % (
                    fs, p[1], self.fig('{:,}'.format(self.exts[p])),
                    self.cell(a[0]), self.cell(a[1]),
                    self.rcell(self.ratio(clock, temp, SETS[1], SETS[0], p)),
                    self.cell(a[2]),
                    self.rcell(self.ratio(clock, temp, SETS[2], SETS[0], p))
                    if a[2] else ''))
        if failed:
            self.out.append('! runs that failed or did not finish, left '
                            'out: %d' % failed)
        self.out.append('')

    def times(self, r):
        t = '{:,.0f}'.format(r) if r >= 10 else '%.1f' % r
        return self.fig(t, t + ' times')

    def temps(self, clock):
        return TEMPS.get(clock, ())

    def fits(self, clock, temp):
        """Cost against extents per set and size: the fixed part (the
        time of the point of fewest extents), the slope of a least-squares
        line from there, and the growth exponent of the
        cost above that of the smallest point between the two largest
        points (1.00 is linear)."""
        w = '%-4s %3s  %-14s %12s %16s %9s'
        self.out.append('fit of the %s medians, %s clock: t = fixed + '
                        'slope x extents beyond the fewest' % (temp, clock))
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
                    t0 = f[0]
                    (n1, t1), (n2, t2) = pts[-2], pts[-1]
                    if n2 > 2 * n1 and t1 > t0 and t2 > t0:
                        g = self.fig('%.2f' % (math.log((t2 - t0) /
                                                        (t1 - t0)) /
                                               math.log(n2 / n1)))
                    self.out.append(w % (
                        fs, gib, s[2], self.fig(ms(f[0])),
                        self.fig('%.3f' % (f[1] * 1000)), g))
        self.out.append('')

    def targets(self, clock):
        """The targets on the per-round ratios of clock: how many points
        meet each (a point without a ratio does not), and the worst.
        "sealed before / unsealed", warm on the instruction clock, is the
        row that catches a file sealed before swapon activating slower
        than an unsealed one in the same cache state: its limit, 2%, is
        above what that clock repeats to, not what the wall clock does."""
        checks = (('xfs', 2, 0, '0.5', 'sealed before / base'),
                  ('xfs', 1, 0, '1.0', 'unsealed / base'),
                  ('ext4', 1, 0, '1.0', 'unsealed / base'),
                  ('xfs', 2, 1, '1.02', 'sealed before / unsealed'))
        for temp in self.temps(clock):
            for fs, i, j, limit, name in checks:
                lim = float(limit)
                rs, pts = [], self.points(fs)
                for p in pts:
                    r = self.ratio(clock, temp, SETS[i], SETS[j], p)
                    if r:
                        rs.append((r[1], p))
                if not pts:
                    continue
                if not rs:
                    self.out.append('%-4s %-24s %s: <= %s at 0 of %d '
                                    'points, no ratio' % (fs, name, temp,
                                                          limit, len(pts)))
                    continue
                r, p = max(rs)
                met = sum(1 for x in rs if x[0] <= lim)
                self.out.append(
                    '%-4s %-24s %s: <= %s at %d of %d points, worst %s '
                    '(%d GiB, %s extents)' % (
                        fs, name, temp, limit, met, len(pts),
                        self.fig(fmt_ratio(r)), p[1],
                        '{:,}'.format(self.exts[p])))
            for p in self.points('ext2'):
                r = self.ratio(clock, temp, SETS[0], SETS[1], p)
                if r:
                    self.out.append(
                        'ext2 %-24s %s: %s times at %d GiB (target '
                        '100)' % ('base / helper', temp,
                                  self.times(r[1]), p[1]))
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
                    v = self.raw(clock, 'reads', s, p)
                    c.append(self.fig('{:,.0f}'.format(
                        statistics.median(v.values()))) if v else '-')
                self.out.append(w % ((fs, p[1], '{:,}'.format(self.exts[p]))
                                     + tuple(c)))
        self.out.append('')

    def host(self):
        """Whether the host was busy: the runs' header lines."""
        runs = []
        for m in self.meta:
            if m.startswith('run ') and 'other jobs took ' in m:
                o = m.split('other jobs took ')[1].split('%')[0]
                o = int(o) if o.isdigit() else -1
                before = float(m.split('load average before ')[1]
                               .split(',')[0])
                after = float(m.split(', after ')[1].split(';')[0])
                runs.append((o, before, after, m.split(':')[0][4:]))
        # The instruction clock does not see other jobs.
        runs = [r for r in runs if 'instruction' not in r[3]]
        if not runs:
            return
        o = max(runs)
        busy = [r[3] for r in runs if r[0] > BUSY]
        self.out.append('host, wall-clock runs: other jobs took at most %d%% '
                        'of its CPU during a run (%s); load average at most '
                        '%.2f before a run, %.2f after'
                        % (o[0], o[3], max(r[1] for r in runs),
                           max(r[2] for r in runs)))
        self.out.append('busy runs (other jobs over %d%%): %s'
                        % (BUSY, ', '.join(busy) if busy else 'none'))
        self.out.append('')

    def dropped(self, clock):
        """swapon after drop_caches, the inode logged or clean."""
        pts = sorted({k[4:] for k in self.data
                      if k[0] == clock and k[3].startswith('dropped-')})
        w = '%-34s %-24s %-24s'
        for p in pts:
            self.out.append('drop_caches before swapon, %s %d GiB, %s '
                            'extents, %s clock: median ms (disk reads)'
                            % (p[0], p[1], '{:,}'.format(self.exts[p]),
                               clock))
            self.out.append(w % ('', 'base kernel', 'patched kernel'))
            for var, label in DROPPED:
                if not any(self.raw(clock, 'cold', (k, var), p)
                           for k in ('base', 'patched')):
                    continue
                c = []
                for kern in ('base', 'patched'):
                    a = self.get(clock, 'cold', (kern, var), p)
                    r = self.raw(clock, 'reads', (kern, var), p)
                    if not a or a[0] < 0:
                        c.append('-' if not a else 'failed')
                        continue
                    c.append('%s (%s)' % (
                        self.fig(ms(a[1]), ms(a[1]) + ' ms'),
                        self.fig('{:,.0f}'.format(
                            statistics.median(r.values())))))
                self.out.append(w % ((label,) + tuple(c)))
            self.out.append('')

    def build(self):
        self.host()
        if self.rounds and self.rounds < 5:
            self.out.append('%d rounds: fewer than 5, not a run of record'
                            % self.rounds)
            self.out.append('')
        if 'instruction' in self.clocks:
            self.out.append('instruction clock: warm only; a cold swapon '
                            'waits for the disk, which this clock does not '
                            'measure')
            self.out.append('')
        for clock in self.clocks:
            for temp in self.temps(clock):
                self.table(clock, temp)
        for clock in self.clocks:
            if 'cold' in self.temps(clock):
                self.dropped(clock)
        for clock in self.clocks:
            for temp in self.temps(clock):
                self.fits(clock, temp)
        for clock in self.clocks:
            self.out.append('targets, %s clock (medians of the per-round '
                            'ratios):' % clock)
            self.targets(clock)
        for clock in self.clocks:
            if 'cold' in self.temps(clock):
                self.reads(clock)
        self.out = [line.rstrip() for line in self.out]
        while self.out and not self.out[-1]:
            self.out.pop()
        return self.out

    def plot(self, outdir):
        """Cold medians against extents, min-max bars, on the first clock
        there is (wall), one panel per filesystem and size with data."""
        if not shutil.which('gnuplot'):
            print('sweep.py: no gnuplot: no plot', file=sys.stderr)
            return 1
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
                    if lines:
                        panels.append(("%s, %d GiB" % (fs, gib), lines))
        if not panels:
            return 0
        cols = min(3, len(panels))
        rows = (len(panels) + cols - 1) // cols
        rc = 0
        for term, ext in (('pngcairo', 'png'), ('svg', 'svg')):
            gp = ['set terminal %s size %d,%d' % (term, 500 * cols,
                                                  450 * rows),
                  "set output '%s/sweep.%s'" % (outdir, ext),
                  'set multiplot layout %d,%d title "cold swapon(2), '
                  '%s clock, median and min-max of the rounds"'
                  % (rows, cols, clock),
                  'set logscale xy', "set format x '10^{%L}'",
                  "set xlabel 'extents'", "set ylabel 'ms'",
                  'set key left top']
            for title, lines in panels:
                gp.append("set title '%s'" % title)
                gp.append('plot ' + ', '.join(lines))
            gp.append('unset multiplot')
            r = subprocess.run(['gnuplot'], input='\n'.join(gp).encode(),
                               stderr=subprocess.PIPE, check=False)
            if r.returncode and ext == 'png':
                # gnuplot-nox may lack cairo: its own png terminal.
                gp[0] = gp[0].replace('pngcairo', 'png')
                r = subprocess.run(['gnuplot'], input='\n'.join(gp).encode(),
                                   stderr=subprocess.PIPE, check=False)
            if r.returncode:
                print('sweep.py: gnuplot failed for sweep.%s: %s'
                      % (ext, r.stderr.decode().strip()), file=sys.stderr)
                rc = 1
        return rc


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path = sys.argv[2] if sys.argv[1] in ('--rst', '--values') \
        else sys.argv[1]
    r = Report(path)
    lines = r.build()
    if not r.exts:
        print('sweep.py: %s holds no measurement' % path, file=sys.stderr)
    if sys.argv[1] == '--values':
        for f in sorted(set(r.figs)):
            print(f)
    elif sys.argv[1] == '--rst':
        print('::')
        print()
        for m in r.meta:
            print(('  # ' + m).rstrip())
        print('  #')
        for line in lines:
            print(('  ' + line).rstrip())
    else:
        report = '\n'.join(lines)
        print(report)
        with open(sys.argv[2] + '/summary.txt', 'w') as f:
            f.write(report + '\n')
        if r.clocks and r.plot(sys.argv[2]):
            sys.exit(1)
    sys.exit(0 if r.exts else 1)


if __name__ == '__main__':
    main()
