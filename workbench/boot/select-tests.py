#!/usr/bin/env python3
"""Print the tests.tsv lines of the tests that one kernel runs.

Usage: select-tests.py [--profiles] <kernel> <profiles.tsv> <tests.tsv>... -- <expectations.tsv>...

The series runs every test. Another kernel runs the tests whose
expectations name it as their "before" kernel on some profile that runs it
(the base unless a line names another; see ../judge/matrix.py): a test is run on the kernel
without the patch it tests, and nowhere else. With --profiles, print
instead the profiles on which the kernel runs at least one test: the
others need not boot it.

WB_TESTS in the environment (globs, comma-separated; '*' or unset: all)
limits the tests to those the base's series carries (bases.tsv).
"""
import fnmatch
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'judge'))
from matrix import expected, read_tsv  # noqa: E402


def main():
    args = sys.argv[1:]
    by_profile = args[0] == '--profiles'
    if by_profile:
        args = args[1:]
    sep = args.index('--')
    kernel = args[0]
    selects = {r[0]: r[4].split(',') for r in read_tsv(args[1])}
    tests = [r for f in args[2:sep] for r in read_tsv(f)]
    expect = [r for f in args[sep + 1:] for r in read_tsv(f)]
    base_tests = (os.environ.get('WB_TESTS') or '*').split(',')

    def runs(name, p):
        return any(fnmatch.fnmatchcase(name, g) for g in selects[p]) and \
            any(fnmatch.fnmatchcase(name, g) for g in base_tests) and (
            kernel == 'series' or
            ((want := expected(expect, name, p)) and want[2] == kernel))

    if by_profile:
        for p in selects:
            if any(runs(row[0], p) for row in tests):
                print(p)
        return
    for row in tests:
        if any(runs(row[0], p) for p in selects):
            print('\t'.join(row))


if __name__ == '__main__':
    main()
