#!/usr/bin/env python3
"""Run scripts/checkpatch.pl --strict on every patch of the series and fail
on anything that the allow-list does not explain.

Usage: lint-checkpatch.py <tree> <patches-dir> <allow.tsv>

Prints one line per patch (counts of errors, warnings, checks, and how many
the allow-list explains), then each unexplained report; exits 1 if there is
one, or any error at all.
"""
import fnmatch
import glob
import os
import re
import subprocess
import sys

REPORT = re.compile(r'^[^:]+:\d+: (ERROR|WARNING|CHECK):([A-Z0-9_]+): (.*)$')


def subject(path):
    text = open(path, errors='replace').read()
    m = re.search(r'^Subject: (?:\[[^]]*\] )?(.*(?:\n .*)*)', text, re.M)
    return re.sub(r'\n ', ' ', m.group(1)) if m else os.path.basename(path)


def main():
    tree, patches, allow_file = sys.argv[1:4]
    allow = []
    for line in open(allow_file):
        if line.startswith('#') or not line.strip():
            continue
        glob_, typ, reason = line.rstrip('\n').split('\t')
        allow.append([glob_, typ, reason, 0])

    # checkpatch runs scripts/spdxcheck.py with the first python3 on PATH,
    # which must be Debian's, where python3-ply is installed.
    env = dict(os.environ, PATH='/usr/bin:/bin:' + os.environ.get('PATH', ''))
    bad = []
    # The patches, without the cover letter (a single patch has none).
    files = sorted(p for p in glob.glob(os.path.join(patches, '[0-9][0-9][0-9][0-9]-*.patch'))
                   if not os.path.basename(p).startswith('0000-'))
    for path in files:
        subj = subject(path)
        out = subprocess.run(
            ['scripts/checkpatch.pl', '--strict', '--no-signoff', '--terse',
             '--show-types', '--no-summary', os.path.abspath(path)],
            cwd=tree, capture_output=True, text=True, env=env).stdout
        counts = {'ERROR': 0, 'WARNING': 0, 'CHECK': 0}
        explained = 0
        for line in out.splitlines():
            m = REPORT.match(line)
            if not m:
                continue
            level, typ, msg = m.groups()
            counts[level] += 1
            rule = next((a for a in allow if level != 'ERROR' and a[1] == typ
                         and fnmatch.fnmatchcase(subj, a[0])), None)
            if rule:
                rule[3] += 1
                explained += 1
            else:
                bad.append('%s: %s:%s: %s' % (os.path.basename(path), level, typ, msg))
        print('checkpatch: %-60.60s %d errors, %d warnings, %d checks, %d allowed' %
              (subj, counts['ERROR'], counts['WARNING'], counts['CHECK'], explained))
    for a in allow:
        if not a[3]:
            print('checkpatch: allow-list line no longer needed: %s %s' % (a[0], a[1]))
    for b in bad:
        print('checkpatch: not allowed: ' + b)
    print('checkpatch: %d patch%s, %d unexplained reports' %
          (len(files), '' if len(files) == 1 else 'es', len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
