#!/usr/bin/env python3
"""Print the results table (test x host profile) and judge it.

Usage: matrix.py <results-dir> <profiles.tsv> <timings.tsv> <kernel>... -- <expectations.tsv>...

<results-dir>/<kernel>/<profile>.tsv are ktap.py's outputs. An expectations
line is 'test<TAB>profile<TAB>outcome on base<TAB>outcome on series', test and
profile being shell globs; the last line that matches wins. Outcomes are pass,
fail or skip. Every cell whose outcome differs from its expectation is a
failure, and so is a test without an expectation, a run that did not
complete and a run with a kernel splat. A skip that was expected is counted
as skipped, never as passed. The last line printed is the summary
'N passed, N failed, N skipped'; the exit status is 1 if anything failed.
"""
import fnmatch
import os
import sys

COLUMN = {'base': 2, 'series': 3}


def read_tsv(path):
    rows = []
    for line in open(path):
        line = line.rstrip('\n')
        if line and not line.startswith('#'):
            rows.append(line.split('\t'))
    return rows


def expected(expect, test, profile, kernel):
    want = None
    for row in expect:
        if fnmatch.fnmatchcase(test, row[0]) and fnmatch.fnmatchcase(profile, row[1]):
            want = row[COLUMN[kernel]]
    return want


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    results_dir, profiles_tsv, timings_tsv = args[:3]
    kernels, expect_files = args[3:sep], args[sep + 1:]
    expect = [r for f in expect_files for r in read_tsv(f)]
    profiles = [r[0] for r in read_tsv(profiles_tsv)]

    outcome = {}      # (kernel, profile, test) -> (outcome, seconds)
    tests = []
    for k in kernels:
        for p in profiles:
            path = os.path.join(results_dir, k, p + '.tsv')
            if not os.path.exists(path):
                outcome[(k, p, '@complete')] = ('fail', '')
                continue
            for row in read_tsv(path):
                outcome[(k, p, row[0])] = (row[1], row[2])
                if row[0] not in tests:
                    tests.append(row[0])
    tests = [t for t in tests if not t.startswith('@')] + ['@complete', '@no-splat']

    passed = failed = skipped = 0
    problems = []
    width = max(len(t) for t in tests)
    head = '| %-*s | %s |' % (width, 'test', ' | '.join(p.center(19) for p in profiles))
    lines = [head, '|' + '-' * (width + 2) + '|' + '|'.join('-' * 21 for _ in profiles) + '|']
    for t in tests:
        cells = []
        for p in profiles:
            parts = []
            for k in kernels:
                got, secs = outcome.get((k, p, t), ('-', ''))
                want = 'pass' if t.startswith('@') else expected(expect, t, p, k)
                if want is None:
                    mark, ok = '?', False
                    problems.append('%s on %s/%s: no expectation' % (t, k, p))
                elif got == '-' and t.startswith('@'):
                    mark, ok = '', True
                    continue
                else:
                    ok = got == want
                    mark = '' if ok else '!'
                    if not ok:
                        problems.append('%s on %s/%s: %s, expected %s' % (t, k, p, got if got != '-' else 'not run', want))
                if ok and got == 'skip':
                    skipped += 1
                elif ok:
                    passed += 1
                else:
                    failed += 1
                parts.append((got.upper() if got == 'fail' else got) + mark)
            cells.append(' > '.join(parts).center(19))
        lines.append('| %-*s | %s |' % (width, t, ' | '.join(cells)))

    print()
    print('Results (%s; "a > b" is base > series; UPPER case is a failure outcome,' % ', '.join(kernels))
    print('"!" marks an outcome that differs from its expectation):')
    print()
    print('\n'.join(lines))
    if os.path.exists(timings_tsv):
        print()
        print('| stage | seconds |')
        print('|-------|---------|')
        total = 0
        for row in read_tsv(timings_tsv):
            print('| %s | %s%s |' % (row[0], row[1], '' if row[2] == '0' else ' (failed)'))
            total += int(row[1])
        print('| total | %d |' % total)
    if problems:
        print()
        print('Unexpected:')
        for p in problems:
            print('  ' + p)
    print()
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
