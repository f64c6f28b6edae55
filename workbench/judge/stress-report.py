#!/usr/bin/env python3
"""Sum up the seeded stress tests of a run: the reliability table.

Usage: stress-report.py <results-dir> [<kernel>]

Reads <results-dir>/<kernel>/*.console (default kernel: series) and, for
every test whose name has ".stress.", counts the runs (one per host profile
that ran it), the operations, the VMMs killed and the distinct seeds the
test printed ("ops: N", "VMMs killed: N" or "N VMMs killed", "seed: N" or
"seed N"), the failures and the wall time. Then the
kernel splats of those runs (ktap.py's @no-splat) and the leaks kmemleak
reported after the tests on the debug profiles.
"""
import glob
import os
import re
import sys

RESULT = re.compile(r'^(not ok|ok) \d+ (\S+)')
OPS = re.compile(r'\bops: (\d+)')
KILLED = re.compile(r'VMMs killed: (\d+)|(\d+) VMMs killed')
SEED = re.compile(r'\bseed:? (\d+)')
TIME = re.compile(r'^# time (\S+) ([\d.]+)$')
LEAK = re.compile(r'kmemleak: (\d+) new suspected memory leaks|^# kmemleak: unreferenced object')


def main():
    res = sys.argv[1]
    kernel = sys.argv[2] if len(sys.argv) > 2 else 'series'
    tests = {}
    splats = leaks = runs = debug_runs = 0
    for console in sorted(glob.glob(os.path.join(res, kernel, '*.console'))):
        profile = os.path.basename(console)[:-len('.console')]
        tsv = console[:-len('.console')] + '.tsv'
        body_ops, body_killed, body_seeds, secs = 0, 0, set(), {}
        ran_stress = False
        for line in open(console, errors='replace').read().split('\n'):
            if LEAK.search(line):
                leaks += 1
            m = TIME.match(line)
            if m:
                secs[m.group(1)] = float(m.group(2))
            if line.startswith('# ') and not line.startswith('# dmesg'):
                m = KILLED.search(line)
                if m:
                    body_killed += int(m.group(1) or m.group(2))
                m = OPS.search(line)
                if m and not KILLED.search(line):
                    body_ops += int(m.group(1))
                m = SEED.search(line)
                if m and 'Random seed' not in line:
                    body_seeds.add(m.group(1))
                continue
            m = RESULT.match(line)
            if not m:
                continue
            name = m.group(2)
            if '.stress.' in name:
                ran_stress = True
                t = tests.setdefault(name, {'runs': 0, 'ops': 0, 'killed': 0,
                                            'seeds': set(), 'fail': 0,
                                            'secs': 0.0})
                t['runs'] += 1
                t['ops'] += body_ops
                t['killed'] += body_killed
                t['seeds'] |= {profile + ':' + s for s in body_seeds}
                t['fail'] += m.group(1) == 'not ok'
                t['secs'] += secs.get(name, 0.0)
            body_ops, body_killed, body_seeds = 0, 0, set()
        if ran_stress:
            runs += 1
            debug_runs += profile.endswith('-debug')
            if os.path.exists(tsv):
                for row in open(tsv):
                    f = row.rstrip('\n').split('\t')
                    if f[0] == '@no-splat' and f[1] != 'pass':
                        splats += 1
    if not tests:
        print('stress: no stress test ran on %s' % kernel)
        return
    print('Stress tests on %s: %d host profiles' % (kernel, runs))
    rows = [('test', 'runs', 'operations', 'VMMs killed', 'seeds', 'failed',
             'seconds')]
    for name in sorted(tests):
        t = tests[name]
        rows.append((name, str(t['runs']), str(t['ops']), str(t['killed']),
                     str(len(t['seeds'])), str(t['fail']), '%.0f' % t['secs']))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print('  ' + '  '.join(c.rjust(w) if i else c.ljust(w)
                              for i, (c, w) in enumerate(zip(r, widths))))
    print('  runs with a kernel splat: %d of %d; kmemleak reports after the '
          'tests: %d (%d debug runs)' % (splats, runs, leaks, debug_runs))


if __name__ == '__main__':
    main()
