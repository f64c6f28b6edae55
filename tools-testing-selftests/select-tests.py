#!/usr/bin/env python3
"""Print the tests.tsv lines of the tests that one kernel runs.

Usage: select-tests.py <kernel> <profiles.tsv> <tests.tsv>... -- <expectations.tsv>...

The series runs every test. Another kernel runs the tests whose
expectations name it as their "before" kernel on some profile that runs it
(the base unless a line names another; see matrix.py): a test is run on the kernel
without the patch it tests, and nowhere else.
"""
import fnmatch
import sys

from matrix import expected, read_tsv


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    kernel = args[0]
    selects = {r[0]: r[4].split(',') for r in read_tsv(args[1])}
    tests = [r for f in args[2:sep] for r in read_tsv(f)]
    expect = [r for f in args[sep + 1:] for r in read_tsv(f)]
    for row in tests:
        name = row[0]
        if kernel == 'series' or any(
                (want := expected(expect, name, p)) and want[2] == kernel
                for p, globs in selects.items()
                if any(fnmatch.fnmatchcase(name, g) for g in globs)):
            print('\t'.join(row))


if __name__ == '__main__':
    main()
