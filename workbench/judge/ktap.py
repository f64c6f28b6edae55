#!/usr/bin/env python3
"""Turn a workbench console log into results.

Usage: ktap.py <console.log> <results.tsv> <vm-exit-status> [<ksft list>]

The console holds run_kselftest.sh's TAP (one result per binary, each
binary's own KTAP nested under it with a '# ' prefix) and then the init's
KTAP for the other programs. The kselftest list (the initramfs' /tests/ksft:
name, collection:binary, case, args, timeout) maps the runner's results to
test names: a line with case '-' takes the binary's result; the others take
their harness case's nested result. A binary whose result is 'not ok' when
none of its judged cases failed (it timed out, or crashed between cases)
fails the cases that passed, and a listed case that never reported is not
run (matrix.py judges that as a failure). A nested result of a binary
judged by case that the list does not name is reported as
'<collection:binary>.<case>', which has no expectation.

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
# run_kselftest.sh: "# selftests: kvm: foo_test" opens a binary's output,
# "ok 3 selftests: kvm: foo_test [# SKIP]" closes it.
BINARY = re.compile(r'^# selftests: (\S+): (\S+)$')
BINARY_RESULT = re.compile(r'^(not ok|ok) \d+ selftests: (\S+): (\S+)(?: # (.*))?$')
NESTED_RESULT = re.compile(r'^# (not ok|ok) \d+ (\S+)(?: # (.*))?$')
BINARY_TIME = re.compile(r'^# wb-time ([\d.]+)$')
TIME = re.compile(r'^# time (\S+) ([\d.]+)$')
PLAN = re.compile(r'^1\.\.(\d+)$')


def outcome_of(ok, directive):
    if ok and directive.upper().startswith('SKIP'):
        return 'skip'
    return 'pass' if ok else 'fail'


def read_ksft(path):
    """{binary: {case: name}} from the kselftest list ('-': the binary)."""
    names = {}
    if path:
        for line in open(path):
            f = line.rstrip('\n').split('\t')
            if len(f) >= 3:
                names.setdefault(f[1], {})[f[2]] = f[0]
    return names


def main():
    log, out, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ksft = read_ksft(sys.argv[4] if len(sys.argv) > 4 else None)
    lines = open(log, errors='replace').read().replace('\r', '').split('\n')
    results, times, splats = {}, {}, []
    planned, done, body = None, False, []
    binary, cases = None, []

    def report(name, outcome, note):
        results[name] = (outcome, note)
        if outcome == 'fail':
            sys.stderr.write('  %s: %s\n' % (name, note))
            for b in body[-15:]:
                sys.stderr.write('    | %s\n' % b)

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
        m = BINARY.match(line)
        if m:
            binary, cases, body = '%s:%s' % m.groups(), [], []
            continue
        m = BINARY_TIME.match(line)
        if m and binary:
            times[binary] = m.group(1)
            continue
        m = NESTED_RESULT.match(line)
        if m and binary:
            by_case = ksft.get(binary, {})
            if '-' not in by_case:
                name = by_case.get(m.group(2), '%s.%s' % (binary, m.group(2)))
                report(name, outcome_of(m.group(1) == 'ok', m.group(3) or ''),
                       m.group(3) or '')
                cases.append(name)
                body = []
            continue
        m = BINARY_RESULT.match(line)
        if m:
            b = '%s:%s' % (m.group(2), m.group(3))
            ok, directive = m.group(1) == 'ok', m.group(4) or ''
            by_case = ksft.get(b, {})
            if '-' in by_case:
                report(by_case['-'], outcome_of(ok, directive), directive)
                if b in times:
                    times[by_case['-']] = times[b]
            elif not ok and not any(results[c][0] == 'fail' for c in cases):
                why = '%s: %s after its cases' % (b, directive or 'not ok')
                for c in cases:
                    if results[c][0] != 'fail':
                        report(c, 'fail', why)
                if not cases:
                    report(b, 'fail', why)
            binary, cases, body = None, [], []
            continue
        m = RESULT.match(line)
        if m:
            ok, name, directive = m.group(1) == 'ok', m.group(3), m.group(4) or ''
            report(name, outcome_of(ok, directive), directive)
            body = []
        elif line.startswith('# ') and not line.startswith('# dmesg: '):
            body.append(line[2:])
        m = TIME.match(line)
        if m:
            times[m.group(1)] = m.group(2)
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
