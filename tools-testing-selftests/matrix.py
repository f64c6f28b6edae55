#!/usr/bin/env python3
"""Print the results table (test x host profile) and judge it.

Usage: matrix.py <results-dir> <profiles.tsv> <timings.tsv> [--before] -- <expectations.tsv>...

<results-dir>/<kernel>/<profile>.tsv are ktap.py's outputs. An expectations
line is 'test<TAB>profile<TAB>outcome before<TAB>outcome on series
[<TAB>before-kernel]', test and profile being shell globs; the last line that
matches wins. Outcomes are pass, fail or skip. "Before" is the kernel without
the patch the test tests: the unpatched base unless the line names another
kernel (the series up to some patch), or '-': none, the series alone is
judged (the debug profiles). Without --before only the series is
judged. Every cell whose outcome differs from its expectation is a
failure, and so is a test without an expectation, a run that did not
complete and a run with a kernel splat (unless an expectations line for
the pseudo-tests @complete or @no-splat says otherwise); a test that a run
never reached because the kernel died is a failed test. A skip that was expected is counted
as skipped, never as passed. With --before, each lint-* stage of
<timings.tsv> is one more result, passed if the stage succeeded. The last line printed is the summary
'N passed, N failed, N skipped'; the exit status is 1 if anything failed.
"""
import fnmatch
import os
import sys

def read_tsv(path):
    rows = []
    for line in open(path):
        line = line.rstrip('\n')
        if line and not line.startswith('#'):
            rows.append(line.split('\t'))
    return rows


def expected(expect, test, profile):
    """(before outcome, series outcome, before kernel) or None."""
    want = None
    for row in expect:
        if fnmatch.fnmatchcase(test, row[0]) and fnmatch.fnmatchcase(profile, row[1]):
            want = (row[2], row[3], row[4] if len(row) > 4 else 'base')
    return want


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    results_dir, profiles_tsv, timings_tsv = args[:3]
    before = '--before' in args[3:sep]
    expect = [r for f in args[sep + 1:] for r in read_tsv(f)]
    profiles = [r[0] for r in read_tsv(profiles_tsv)]
    selects = {r[0]: r[4].split(',') for r in read_tsv(profiles_tsv)}

    outcome = {}      # (kernel, profile, test) -> outcome
    tests = []
    for k in sorted(os.listdir(results_dir)) if os.path.isdir(results_dir) else []:
        for p in profiles:
            path = os.path.join(results_dir, k, p + '.tsv')
            if not os.path.exists(path):
                continue
            for row in read_tsv(path):
                outcome[(k, p, row[0])] = row[1]
                if row[0] not in tests and not row[0].startswith('@'):
                    tests.append(row[0])
    runs = sorted(set((k, p) for (k, p, t) in outcome))
    for p in profiles:
        if ('series', p) not in runs:
            runs.append(('series', p))
            outcome[('series', p, '@complete')] = 'fail'
    tests.append('@runs')

    passed = failed = skipped = 0
    problems = []

    def judge(got, want, what):
        nonlocal passed, failed, skipped
        if got == want:
            if got == 'skip':
                skipped += 1
            else:
                passed += 1
            return ''
        failed += 1
        problems.append('%s: %s, expected %s' % (what, got if got != '-' else 'not run', want))
        return '!'

    width = max(len(t) for t in tests)
    head = '| %-*s | %s |' % (width, 'test', ' | '.join(p.center(19) for p in profiles))
    lines = [head, '|' + '-' * (width + 2) + '|' + '|'.join('-' * 21 for _ in profiles) + '|']
    for t in tests:
        cells = []
        for p in profiles:
            if t == '@runs':
                bad = []
                for (k, rp) in runs:
                    if rp != p or (k != 'series' and not before):
                        continue
                    for check in ('@complete', '@no-splat'):
                        # A run is expected to complete without a splat
                        # unless expectations say otherwise.
                        want = expected(expect, check, p) or ('pass', 'pass', 'base')
                        want = want[1] if k == 'series' else want[0] if k == want[2] else 'pass'
                        if judge(outcome.get((k, p, check), 'fail'), want,
                                 '%s of %s on %s' % (check[1:], k, p)):
                            bad.append('%s %s' % (k, check[1:]))
                cells.append((', '.join(bad) or 'ok').center(19))
                continue
            if not any(fnmatch.fnmatchcase(t, g) for g in selects[p]):
                cells.append(''.center(19))     # the profile does not run it
                continue
            want = expected(expect, t, p)
            if want is None:
                if ('series', p, t) in outcome:
                    failed += 1
                    problems.append('%s on %s: no expectation' % (t, p))
                    cells.append('?'.center(19))
                else:
                    cells.append(''.center(19))
                continue
            parts = []
            if before and want[2] == '-':
                parts.append('-')       # no kernel before: the series only
            elif before:
                got = outcome.get((want[2], p, t), '-')
                # A run that died before this test failed it.
                if got == '-' and outcome.get((want[2], p, '@complete')) == 'fail':
                    got = 'fail'
                mark = judge(got, want[0], '%s on %s/%s' % (t, want[2], p))
                parts.append((got.upper() if got == 'fail' else got) + mark)
            got = outcome.get(('series', p, t), '-')
            if got == '-' and outcome.get(('series', p, '@complete')) == 'fail':
                got = 'fail'
            mark = judge(got, want[1], '%s on series/%s' % (t, p))
            parts.append((got.upper() if got == 'fail' else got) + mark)
            cells.append(' > '.join(parts).center(19))
        lines.append('| %-*s | %s |' % (width, t, ' | '.join(cells)))

    print()
    if before:
        print('Results: "a > b" is the kernel before the tested patch (the base unless')
        print('expectations say otherwise) > the series. FAIL is a test failing; "!" marks')
        print('an outcome that differs from its expectation.')
    else:
        print('Results of the series ("!" marks an outcome that differs from its expectation):')
    print()
    print('\n'.join(lines))
    # With --before ('make check'), each check of 'make lint' (the stages
    # named lint-*) counts as one result.
    stages = read_tsv(timings_tsv) if os.path.exists(timings_tsv) else []
    for row in stages:
        if before and row[0].startswith('lint-'):
            judge('pass' if row[2] == '0' else 'fail', 'pass', row[0])
    if stages:
        print()
        print('| stage | seconds |')
        print('|-------|---------|')
        total = 0
        for row in stages:
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
