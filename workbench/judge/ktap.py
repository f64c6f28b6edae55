#!/usr/bin/env python3
"""Turn a workbench console log into results.

Usage: ktap.py <console.log> <results.tsv> <vm-exit-status>

results.tsv gets one line per test: name, outcome (pass/fail/skip), seconds,
note. Two more lines judge the run itself: '@complete' (the init printed its
final line; a run without it is a failure, and every test it did not report
is a failure too) and '@no-splat' (no kernel splat on the console). The
console lines that matter are printed on stderr.
"""
import re
import sys

SPLAT = re.compile(r'(BUG:|WARNING:|Oops|Internal error:|Kernel panic|kernel BUG|'
                   r'KASAN|UBSAN|Call trace:|possible circular locking|'
                   r'possible recursive locking|inconsistent lock state|'
                   r'suspicious RCU usage|INFO: task .* blocked|rcu: INFO|'
                   r'Unable to handle kernel|hyp panic|unreferenced object|'
                   r'suspected memory leak)')
KERNEL_LINE = re.compile(r'^(?:# dmesg: )?\[\s*\d+\.\d+\] (.*)$')
RESULT = re.compile(r'^(not ok|ok) (\d+) (\S+)(?: # (.*))?$')
TIME = re.compile(r'^# time (\S+) ([\d.]+)$')
PLAN = re.compile(r'^1\.\.(\d+)$')


def main():
    log, out, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lines = open(log, errors='replace').read().replace('\r', '').split('\n')
    results, times, splats = {}, {}, []
    planned, done, body = None, False, []
    for line in lines:
        k = KERNEL_LINE.match(line)
        # The init echoes the kernel log after the tests: count each line once.
        if k and SPLAT.search(k.group(1)):
            plain = line.removeprefix('# dmesg: ')
            if plain not in splats:
                splats.append(plain)
        m = PLAN.match(line)
        if m:
            planned = int(m.group(1))
        m = TIME.match(line)
        if m:
            times[m.group(1)] = m.group(2)
        m = RESULT.match(line)
        if m:
            ok, name, directive = m.group(1) == 'ok', m.group(3), m.group(4) or ''
            if ok and directive.upper().startswith('SKIP'):
                outcome = 'skip'
            else:
                outcome = 'pass' if ok else 'fail'
            results[name] = (outcome, directive)
            if outcome == 'fail':
                sys.stderr.write('  %s: %s\n' % (name, directive))
                for b in body[-15:]:
                    sys.stderr.write('    | %s\n' % b)
            body = []
        elif line.startswith('# ') and not line.startswith('# dmesg: '):
            body.append(line[2:])
        if line == '# workbench: done':
            done = True
    with open(out, 'w') as f:
        for name, (outcome, note) in results.items():
            f.write('%s\t%s\t%s\t%s\n' % (name, outcome, times.get(name, ''), note))
        why = ''
        if not done:
            why = 'console ended without the final line (VM status %d)' % status
            if planned is None:
                why += ', no KTAP plan: the kernel did not reach the init'
            tail = [l for l in lines if l.strip()][-20:]
            sys.stderr.write('  run incomplete: %s\n' % why)
            for t in tail:
                sys.stderr.write('    | %s\n' % t)
        f.write('@complete\t%s\t\t%s\n' % ('fail' if why else 'pass', why))
        f.write('@no-splat\t%s\t\t%s\n' % ('fail' if splats else 'pass',
                                            '%d splat lines' % len(splats) if splats else ''))
    for s in splats[:40]:
        sys.stderr.write('  splat | %s\n' % s)


if __name__ == '__main__':
    main()
