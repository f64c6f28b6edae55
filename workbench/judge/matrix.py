#!/usr/bin/env python3
"""Print the results table (test x host profile) and judge it.

Usage: matrix.py <results-dir> <profiles.tsv> <timings.tsv> [--before]
                 [--format compact|markdown|json] [--save <file.md> [--title <line>]]
                 [--only "<profile>..."] [--base <description>]
                 [--counts <file.json>] [--add <dir>]...
                 -- <expectations.tsv>...

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
never reached because the kernel died is a failed test. A skip that was
expected is counted as skipped, never as passed. With --before, each lint-*
and cross-* stage of <timings.tsv> is one more result, passed if the stage
succeeded.

The table is compact by default (one letter per outcome, "F>P" for failed
before and passed with the series, profiles numbered under a legend), so
that it fits a terminal; markdown is the wide table with the profiles'
names, json the judged cells for machines (and no summary line). --save writes the markdown
form, the timings and the summary to a file as well (make check's record
of the run). The closing lines are the wall time of the run's build, boot
(cross-* included) and lint stages (those that started after WB_RUN_START, the epoch second
at which make started; otherwise those of the last run, kept in
<results-dir>/elapsed) and the summary 'N passed, N failed, N skipped',
printed last; the exit status is 1 if anything failed. --only judges
those profiles alone (make's first table, before the kernel variants).

Several kernel bases: --counts writes this base's summary to a file, and
--add <dir> (another base's build directory, where its own matrix.py wrote
counts.json) adds that base's counts to the summary line, which then
sums them all, and its timings.tsv to the elapsed line. A base whose
counts.json is missing (its run stopped early) is one failed result.
"""
import fnmatch
import json
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


def load(results_dir, profiles):
    """The outcomes {(kernel, profile, test): outcome} and the tests in order."""
    outcome, tests = {}, []
    kernels = sorted(os.listdir(results_dir)) if os.path.isdir(results_dir) else []
    for k in kernels:
        for p in profiles:
            path = os.path.join(results_dir, k, p + '.tsv')
            if not os.path.exists(path):
                continue
            for row in read_tsv(path):
                outcome[(k, p, row[0])] = row[1]
                if row[0] not in tests and not row[0].startswith('@'):
                    tests.append(row[0])
    return outcome, tests


class Judge:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.problems = []

    def __call__(self, got, want, what):
        """True if @got is what was expected; counts it either way."""
        if got == want:
            if got == 'skip':
                self.skipped += 1
            else:
                self.passed += 1
            return True
        self.failed += 1
        self.problems.append('%s: %s, expected %s' %
                             (what, got if got != '-' else 'not run', want))
        return False


def judge_cells(outcome, tests, profiles, selects, expect, before, judge):
    """{(test, profile): cell}; a cell is a dict, or None where not run."""
    runs = sorted(set((k, p) for (k, p, t) in outcome))
    for p in profiles:
        if ('series', p) not in runs:
            runs.append(('series', p))
            outcome[('series', p, '@complete')] = 'fail'
    cells = {}
    for p in profiles:
        # A run is expected to complete without a splat unless
        # expectations say otherwise.
        bad = []
        for (k, rp) in runs:
            if rp != p or (k != 'series' and not before):
                continue
            for check in ('@complete', '@no-splat'):
                want = expected(expect, check, p) or ('pass', 'pass', 'base')
                want = want[1] if k == 'series' else want[0] if k == want[2] else 'pass'
                if not judge(outcome.get((k, p, check), 'fail'), want,
                             '%s of %s on %s' % (check[1:], k, p)):
                    bad.append('%s %s' % (k, check[1:]))
        cells[('@runs', p)] = {'runs': bad}

    for t in tests:
        for p in profiles:
            if not any(fnmatch.fnmatchcase(t, g) for g in selects[p]):
                cells[(t, p)] = None        # the profile does not run it
                continue
            want = expected(expect, t, p)
            if want is None:
                if ('series', p, t) in outcome:
                    judge.failed += 1
                    judge.problems.append('%s on %s: no expectation' % (t, p))
                    cells[(t, p)] = {'series': outcome[('series', p, t)],
                                     'expected_series': None, 'ok': False}
                else:
                    cells[(t, p)] = None
                continue
            cell = {'ok': True}
            for k, key, w in ((want[2], 'before', want[0]), ('series', 'series', want[1])):
                if key == 'before' and (not before or want[2] == '-'):
                    continue
                got = outcome.get((k, p, t), '-')
                # A run that died before this test failed it.
                if got == '-' and outcome.get((k, p, '@complete')) == 'fail':
                    got = 'fail'
                cell[key] = got
                cell['expected_' + key] = w
                if key == 'before':
                    cell['before_kernel'] = k
                where = '%s/%s' % (k, p)
                cell['ok'] &= judge(got, w, '%s on %s' % (t, where))
            cells[(t, p)] = cell
    return cells


def cell_text(cell, letters):
    """'FAIL > pass!' (markdown) or 'F>P!' (compact) for one cell."""
    if cell is None:
        return ''
    if 'runs' in cell:
        if letters:
            return '!' if cell['runs'] else 'ok'
        return ', '.join(cell['runs']) or 'ok'

    def word(o):
        if letters:
            return {'pass': 'P', 'fail': 'F', 'skip': 'S'}.get(o, '-')
        return o.upper() if o == 'fail' else o

    if cell.get('expected_series', '') is None:
        return '?'                      # no expectation
    parts = []
    if 'before' in cell:
        parts.append(word(cell['before']))
    parts.append(word(cell['series']))
    text = ('>' if letters else ' > ').join(parts)
    return text + ('' if cell['ok'] else '!')


def markdown(tests, profiles, cells, before, expect):
    rows = tests + ['@runs']
    width = max(len(t) for t in rows)
    out = ['| %-*s | %s |' % (width, 'test', ' | '.join(p.center(19) for p in profiles)),
           '|' + '-' * (width + 2) + '|' + '|'.join('-' * 21 for _ in profiles) + '|']
    for t in rows:
        texts = []
        for p in profiles:
            c = cells[(t, p)]
            s = cell_text(c, False)
            if before and c and 'series' in c and 'before' not in c and s != '?':
                s = '- > ' + s          # no kernel before: the series only
            texts.append(s.center(19))
        out.append('| %-*s | %s |' % (width, t, ' | '.join(texts)))
    return out


def compact(tests, profiles, cells, before):
    """Tests grouped by their prefix, profiles as numbered columns."""
    w = 5
    out = ['  '.join('%d %s' % (i + 1, p) for i, p in enumerate(profiles)), '']
    groups = {}
    for t in tests:
        g, _, leaf = t.rpartition('.')
        groups.setdefault(g, []).append((leaf, t))
    groups = list(groups.items())
    width = max([len(leaf) + 2 for _, ts in groups for leaf, _ in ts] + [10])
    out.append('%-*s%s' % (width, '', ''.join(str(i + 1).rjust(w) for i in range(len(profiles)))))
    for g, ts in groups:
        out.append(g)
        for leaf, t in ts:
            texts = []
            for p in profiles:
                c = cells[(t, p)]
                s = cell_text(c, True)
                if before and c and 'series' in c and 'before' not in c and s != '?':
                    s = '->' + s
                texts.append((s or '.').rjust(w))
            out.append('%-*s%s' % (width, '  ' + leaf, ''.join(texts)))
    out.append('%-*s%s' % (width, 'runs', ''.join(
        cell_text(cells[('@runs', p)], True).rjust(w) for p in profiles)))
    return out


def elapsed(stages, results_dir):
    """'elapsed: ...' for the stages of this run, or the last run's."""
    saved = os.path.join(results_dir, 'elapsed')
    start = os.environ.get('WB_RUN_START')
    mine = [r for r in stages if len(r) >= 5 and start and int(r[3]) >= int(start) - 1]
    if not mine:
        return open(saved).read().strip() if os.path.exists(saved) else None

    def wall(names):
        spans = sorted((int(r[3]), int(r[4])) for r in mine if names(r[0]))
        total, end = 0, None
        for a, b in spans:
            if end is None or a > end:
                total += b - a
                end = b
            elif b > end:
                total += b - end
                end = b
        return total

    def mmss(s):
        return '%d:%02d' % (s // 60, s % 60)

    total = max(int(r[4]) for r in mine) - int(start)
    line = 'elapsed: %s total, %s build, %s boot, %s lint (min:s, wall; from %s)' % (
        mmss(total),
        mmss(wall(lambda n: n.startswith(('kernel-', 'selftests', 'busybox', 'tree', 'deps')))),
        mmss(wall(lambda n: n.startswith(('run-', 'cross-')))),
        mmss(wall(lambda n: n.startswith('lint-'))),
        os.popen('date -u -d @%s +%%Y-%%m-%%dT%%H:%%MZ' % start).read().strip())
    if os.path.isdir(results_dir):
        with open(saved, 'w') as f:
            f.write(line + '\n')
    return line


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    results_dir, profiles_tsv, timings_tsv = args[:3]
    opts = args[3:sep]
    before = '--before' in opts
    fmt = opts[opts.index('--format') + 1] if '--format' in opts else 'compact'
    save = opts[opts.index('--save') + 1] if '--save' in opts else None
    title = opts[opts.index('--title') + 1] if '--title' in opts else None
    base = opts[opts.index('--base') + 1] if '--base' in opts else None
    counts = opts[opts.index('--counts') + 1] if '--counts' in opts else None
    adds = [opts[i + 1] for i, o in enumerate(opts) if o == '--add']
    if fmt not in ('compact', 'markdown', 'json'):
        sys.exit('matrix: --format %s: not compact, markdown or json' % fmt)
    expect = [r for f in args[sep + 1:] for r in read_tsv(f)]
    profiles = [r[0] for r in read_tsv(profiles_tsv)]
    if '--only' in opts:
        only = opts[opts.index('--only') + 1].split()
        profiles = [p for p in profiles if p in only]
    selects = {r[0]: r[4].split(',') for r in read_tsv(profiles_tsv)}

    outcome, tests = load(results_dir, profiles)
    judge = Judge()
    cells = judge_cells(outcome, tests, profiles, selects, expect, before, judge)

    # With --before ('make check'), each check of 'make lint' (the stages
    # named lint-*) counts as one result, as does each direction of the
    # same binaries on both bases (cross-*, cross-check.sh).
    stages = read_tsv(timings_tsv) if os.path.exists(timings_tsv) else []
    for row in stages:
        if before and row[0].startswith(('lint-', 'cross-')):
            judge('pass' if row[2] == '0' else 'fail', 'pass', row[0])
    mine = {'base': base, 'passed': judge.passed, 'failed': judge.failed,
            'skipped': judge.skipped}
    if counts:
        with open(counts, 'w') as f:
            json.dump(mine, f)
            f.write('\n')
    per_base = []
    all_stages = list(stages)
    for d in adds:
        try:
            other = json.load(open(os.path.join(d, 'counts.json')))
        except (OSError, ValueError):
            other = {'base': d, 'passed': 0, 'failed': 1, 'skipped': 0}
            judge.problems.append('%s: no results (its run stopped before its report)' % d)
        judge.passed += other['passed']
        judge.failed += other['failed']
        judge.skipped += other['skipped']
        per_base.append(other)
        t = os.path.join(d, 'timings.tsv')
        if os.path.exists(t):
            all_stages += read_tsv(t)
    summary = '%d passed, %d failed, %d skipped' % (judge.passed, judge.failed, judge.skipped)
    if per_base:
        summary = '\n'.join(['bases: ' + '; '.join(
            '%s: %d passed, %d failed, %d skipped' % (
                (b['base'] or '?').split(' (')[0], b['passed'], b['failed'], b['skipped'])
            for b in [mine] + per_base), summary])
    took = elapsed(all_stages, results_dir)

    if fmt == 'json':
        json.dump({'base': base, 'before': before, 'profiles': profiles, 'tests': tests,
                   'cells': [dict(test=t, profile=p, **c) for (t, p), c in cells.items()
                             if c is not None and t != '@runs'],
                   'runs': {p: cells[('@runs', p)]['runs'] for p in profiles},
                   'stages': [dict(zip(('stage', 'seconds', 'status', 'start', 'end'), r))
                              for r in stages],
                   'problems': judge.problems, 'elapsed': took,
                   'passed': judge.passed, 'failed': judge.failed,
                   'skipped': judge.skipped}, sys.stdout, indent=1)
        print()
        sys.exit(1 if judge.failed else 0)

    legend = ['Base: %s' % base] if base else []
    if before:
        legend.append('Results: "a > b" is the kernel before the tested patch (the base unless')
        legend.append('expectations say otherwise) > the series; "-" where only the series runs.')
        legend.append('FAIL (F) is a test failing; "!" marks an outcome that differs from its')
        legend.append('expectation.')
    else:
        legend.append('Results of the series ("!" marks an outcome that differs from its expectation):')
    if fmt == 'compact':
        legend.append('P pass, F fail, S skip, "." not run on that host profile.')
    table = (compact if fmt == 'compact' else
             lambda *a: markdown(*a, expect))(tests, profiles, cells, before)
    timing = []
    if stages:
        timing = ['| stage | seconds |', '|-------|---------|']
        for row in stages:
            timing.append('| %s | %s%s |' % (row[0], row[1], '' if row[2] == '0' else ' (failed)'))
        timing.append('| sum | %d |' % sum(int(r[1]) for r in stages))
    unexpected = ['Unexpected:'] + ['  ' + p for p in judge.problems] if judge.problems else []

    out = [''] + legend + [''] + table
    if fmt == 'markdown' and timing:
        out += [''] + timing
    out += ([''] + unexpected if unexpected else []) + ([''] + [took] if took else [])
    print('\n'.join(out))
    if save:
        with open(save, 'w') as f:
            f.write('\n'.join(([title, ''] if title else []) + legend + [''] + markdown(tests, profiles, cells, before, expect) +
                              [''] + timing + ([''] + unexpected if unexpected else []) +
                              ([''] + [took] if took else []) + ['', summary]) + '\n')
    print()
    print(summary)
    sys.exit(1 if judge.failed else 0)


if __name__ == '__main__':
    main()
