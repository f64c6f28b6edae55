#!/usr/bin/env python3
"""Judge one boot's results against what the series is expected to give.

Usage: judge-profile.py <results.tsv> <profile> [--differ <tsv> <from> <to>]
                        [--label <text>] -- <expectations.tsv>...

Every outcome of <results.tsv> (run-profile.sh's) must be the series
outcome that the expectations give for that test on <profile>, the last
matching line winning as in matrix.py, and 'pass' where no line matches.
--differ reads make cross's differences by design (cross-differences.tsv):
a line whose from/to are <from>/<to> and whose test and profile globs
match replaces that outcome. Each outcome that is not as expected is
printed; with --label, a count of the outcomes follows. The exit status is
1 if any outcome is not as expected.

bisect.sh judges each prefix's boot with it, cross-bases.sh each base's
binaries on the other base's kernel.
"""
import argparse
import fnmatch
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matrix import expected, read_tsv  # noqa: E402


def judge(results, profile, expect, differ=()):
    """The outcomes counted ({outcome: n}) and the lines not as expected."""
    count, wrong = {}, []
    for name, got, *_ in results:
        want = (expected(expect, name, profile) or ('pass', 'pass'))[1]
        for row in differ:
            if fnmatch.fnmatchcase(name, row[2]) and fnmatch.fnmatchcase(profile, row[3]):
                want = row[4]
        count[got] = count.get(got, 0) + 1
        if got != want:
            wrong.append('%s: %s, expected %s' % (name, got, want))
    return count, wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('results')
    ap.add_argument('profile')
    ap.add_argument('--differ', nargs=3, metavar=('TSV', 'FROM', 'TO'))
    ap.add_argument('--label')
    ap.add_argument('expect', nargs='+')
    args = ap.parse_args()
    differ = []
    if args.differ:
        path, frm, to = args.differ
        differ = [r for r in read_tsv(path) if r[0] == frm and r[1] == to]
    expect = [r for f in args.expect for r in read_tsv(f)]
    if not os.path.exists(args.results):
        print('%s: no results (the boot made none)' % args.results)
        return 1
    count, wrong = judge(read_tsv(args.results), args.profile, expect, differ)
    for line in wrong:
        print(line)
    if args.label:
        print('%s: %s; %d not as expected' % (
            args.label, ', '.join('%d %s' % (n, o) for o, n in sorted(count.items())) or 'no results',
            len(wrong)))
    return 1 if wrong else 0


if __name__ == '__main__':
    sys.exit(main())
