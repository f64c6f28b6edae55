#!/usr/bin/env python3
"""Sum up the seeded stress tests of a run: the reliability table.

Usage: stress-report.py <results-dir> [<kernel>]

Reads <results-dir>/<kernel>/*.console (default kernel: series) and, for
every test whose name has ".stress." (a harness case that run_kselftest.sh
ran, named through the run's <profile>.ksft as ktap.py names it), counts
the runs (one per host profile that ran it), the operations, the VMMs
killed and the distinct seeds the case printed ("ops: N", "VMMs killed: N"
or "N VMMs killed", "seed: N" or "seed N") and the failures; and the wall
time of each binary that holds stress cases (the runner times binaries,
not cases). Then the
kernel splats of those runs (ktap.py's @no-splat) and the leaks kmemleak
reported after the tests on the debug profiles.
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ktap import BINARY, BINARY_TIME, NESTED_RESULT, read_ksft  # noqa: E402

RESULT = re.compile(r'^(not ok|ok) \d+ (\S+)')
OPS = re.compile(r'\bops: (\d+)')
KILLED = re.compile(r'VMMs killed: (\d+)|(\d+) VMMs killed')
SEED = re.compile(r'\bseed:? (\d+)')
LEAK = re.compile(r'kmemleak: (\d+) new suspected memory leaks|^# kmemleak: unreferenced object')


def main():
    res = sys.argv[1]
    kernel = sys.argv[2] if len(sys.argv) > 2 else 'series'
    tests, binaries = {}, {}
    splats = leaks = runs = debug_runs = 0
    for console in sorted(glob.glob(os.path.join(res, kernel, '*.console'))):
        profile = os.path.basename(console)[:-len('.console')]
        tsv = console[:-len('.console')] + '.tsv'
        ksft = console[:-len('.console')] + '.ksft'
        names = read_ksft(ksft if os.path.exists(ksft) else None)
        body_ops, body_killed, body_seeds = 0, 0, set()
        binary, stress_binary, ran_stress = None, False, False
        for line in open(console, errors='replace').read().split('\n'):
            if LEAK.search(line):
                leaks += 1
            m = BINARY.match(line)
            if m:
                binary, stress_binary = '%s:%s' % m.groups(), False
                body_ops, body_killed, body_seeds = 0, 0, set()
                continue
            m = BINARY_TIME.match(line)
            if m and binary and stress_binary:
                binaries[binary] = binaries.get(binary, 0.0) + float(m.group(1))
                continue
            # A harness case's result, nested under its binary's output
            # (run_kselftest.sh), or a top-level one (the init's programs).
            m = NESTED_RESULT.match(line) if binary else None
            if m:
                name = names.get(binary, {}).get(m.group(2), m.group(2))
            else:
                m = RESULT.match(line)
                if m:
                    name = m.group(2)
                    binary = None
            if not m:
                if line.startswith('# ') and not line.startswith('# dmesg'):
                    k = KILLED.search(line)
                    if k:
                        body_killed += int(k.group(1) or k.group(2))
                    o = OPS.search(line)
                    if o and not k:
                        body_ops += int(o.group(1))
                    sd = SEED.search(line)
                    if sd and 'Random seed' not in line:
                        body_seeds.add(sd.group(1))
                continue
            if '.stress.' in name:
                ran_stress = stress_binary = True
                t = tests.setdefault(name, {'runs': 0, 'ops': 0, 'killed': 0,
                                            'seeds': set(), 'fail': 0})
                t['runs'] += 1
                t['ops'] += body_ops
                t['killed'] += body_killed
                t['seeds'] |= {profile + ':' + s for s in body_seeds}
                t['fail'] += m.group(1) == 'not ok'
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
    rows = [('test', 'runs', 'operations', 'VMMs killed', 'seeds', 'failed')]
    for name in sorted(tests):
        t = tests[name]
        rows.append((name, str(t['runs']), str(t['ops']), str(t['killed']),
                     str(len(t['seeds'])), str(t['fail'])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print('  ' + '  '.join(c.rjust(w) if i else c.ljust(w)
                              for i, (c, w) in enumerate(zip(r, widths))))
    print('  runs with a kernel splat: %d of %d; kmemleak reports after the '
          'tests: %d (%d debug runs)' % (splats, runs, leaks, debug_runs))
    for b in sorted(binaries):
        print('  %s: %.0f s in all its runs' % (b, binaries[b]))


if __name__ == '__main__':
    main()
