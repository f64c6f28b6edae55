#!/usr/bin/env python3
"""Tests of the workbench's own parsers, on recorded consoles.

Usage: test-parsers.py (run by make check as the stage lint-parsers)

ktap.py reads consoles recorded by run-profile.sh (testdata/, with the
kselftest list of their initramfs, series.ksft): one of the series on fwb
(run_kselftest.sh's results, passes and skips, the kernel log echoed after
the tests), one of v5's kernel under lockdown (a failing harness case), and
variants of the first made here: a binary that times out after its cases,
a case the list does not name, cut short as if the kernel had died, with a
splat, with a kernel that never reached the init. stress-report.py counts the
stress cases of the first. matrix.py judges small results
directories against expectations: every way a cell can be right or wrong
is counted the way its docstring says. judge-profile.py (bisect's and make
cross's judge) gives each test the series outcome or a difference by design.
"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'testdata')


def ktap(console_text, status=0, ksft=None):
    """ktap.py's results for a console: {test: (outcome, note)}.

    @ksft is the kselftest list that maps the runner's results to names:
    the one recorded with the consoles unless given."""
    if ksft is None:
        ksft = recorded('series.ksft')
    with tempfile.TemporaryDirectory() as d:
        con, out = os.path.join(d, 'c.console'), os.path.join(d, 'c.tsv')
        lst = os.path.join(d, 'c.ksft')
        with open(con, 'w') as f:
            f.write(console_text)
        with open(lst, 'w') as f:
            f.write(ksft)
        subprocess.run([os.path.join(HERE, 'ktap.py'), con, out, str(status), lst],
                       check=True, stderr=subprocess.DEVNULL)
        with open(out) as f:
            rows = [l.rstrip('\n').split('\t') for l in f]
    return {r[0]: (r[1], r[3]) for r in rows}


def recorded(name):
    with open(os.path.join(DATA, name), errors='replace') as f:
        return f.read()


class Ktap(unittest.TestCase):
    def test_series_fwb(self):
        r = ktap(recorded('series-fwb.console'))
        # 28 KVM (7 binaries judged whole, 21 harness cases), 22 vhost cases.
        self.assertEqual(len(r), 50 + 2)
        self.assertEqual(r['kvm.set_memory_region_test'][0], 'pass')
        self.assertEqual(r['kvm.cacheable_pfnmap.cap_reports_fwb'][0], 'pass')
        self.assertEqual(r['kvm.cacheable_pfnmap.dev_refused_under_lockdown'][0], 'skip')
        self.assertIn('not locked down', r['kvm.cacheable_pfnmap.dev_refused_under_lockdown'][1])
        self.assertEqual(r['kvm.cacheable_pfnmap.stress.kill_vmm_at_random_points'][0], 'pass')
        self.assertEqual(r['vhost.stress.net.killed_vmm_next_one_works'][0], 'pass')
        self.assertEqual(r['@complete'][0], 'pass')
        self.assertEqual(r['@no-splat'][0], 'pass')

    def test_failure(self):
        r = ktap(recorded('v5-lockdown.console'))
        self.assertEqual(r['kvm.cacheable_pfnmap.dev_needs_cap_sys_rawio'][0], 'skip')
        self.assertEqual(r['kvm.cacheable_pfnmap.dev_refused_under_lockdown'][0], 'fail')
        self.assertEqual(r['@complete'][0], 'pass')

    def test_every_case_has_its_name(self):
        # Every nested result maps to a name of the list; the nested
        # results of binaries judged whole are not results of their own.
        r = ktap(recorded('series-fwb.console'))
        self.assertFalse([t for t in r if ':' in t])

    def test_unlisted_case_keeps_its_binary(self):
        ksft = ''.join(l for l in recorded('series.ksft').splitlines(True)
                       if 'pfnmap.exec_needs_dic' not in l)
        r = ktap(recorded('series-fwb.console'), ksft=ksft)
        self.assertNotIn('kvm.cacheable_pfnmap.exec_needs_dic', r)
        self.assertEqual(r['kvm:cacheable_pfnmap_test.pfnmap.exec_needs_dic'][0], 'pass')

    def test_binary_that_fails_after_its_cases(self):
        text = recorded('series-fwb.console').replace(
            'ok 8 selftests: kvm: cacheable_pfnmap_test',
            'not ok 8 selftests: kvm: cacheable_pfnmap_test # TIMEOUT 120 seconds')
        r = ktap(text)
        self.assertEqual(r['kvm.cacheable_pfnmap.cap_reports_fwb'][0], 'fail')
        self.assertIn('TIMEOUT', r['kvm.cacheable_pfnmap.cap_reports_fwb'][1])
        self.assertEqual(r['kvm.cacheable_pfnmap.stress.random_memslot_ops'][0], 'pass')

    def test_binary_judged_whole(self):
        text = recorded('series-fwb.console').replace(
            'ok 5 selftests: kvm: page_fault_test',
            'not ok 5 selftests: kvm: page_fault_test # exit=1')
        r = ktap(text)
        self.assertEqual(r['kvm.page_fault_test'], ('fail', 'exit=1'))
        self.assertEqual(r['kvm.set_memory_region_test'][0], 'pass')

    def test_cut_short(self):
        lines = recorded('series-fwb.console').split('\n')
        cut = next(i for i, l in enumerate(lines) if l.startswith('ok 5 selftests: kvm:'))
        r = ktap('\n'.join(lines[:cut + 1]) + '\n', status=137)
        self.assertEqual(r['@complete'][0], 'fail')
        self.assertIn('VM status 137', r['@complete'][1])
        self.assertEqual(r['kvm.page_fault_test'][0], 'pass')
        self.assertNotIn('kvm.cacheable_pfnmap.exec_needs_dic', r)

    def test_no_init(self):
        r = ktap('[    0.000000] Booting Linux\n[    1.0] Kernel panic - not syncing\n', 1)
        self.assertEqual(r['@complete'][0], 'fail')
        self.assertIn('no KTAP plan', r['@complete'][1])
        self.assertEqual(r['@no-splat'][0], 'fail')

    def test_splat_counted_once(self):
        text = recorded('series-fwb.console').replace(
            '# workbench: done',
            '[   12.345678] WARNING: CPU: 1 PID: 77 at mm/gup.c:1 x\n'
            '# dmesg: [   12.345678] WARNING: CPU: 1 PID: 77 at mm/gup.c:1 x\n'
            '# workbench: done')
        r = ktap(text)
        self.assertEqual(r['@no-splat'], ('fail', '1 splat lines'))
        self.assertEqual(r['@complete'][0], 'pass')


class StressReport(unittest.TestCase):
    def test_counts_the_runners_cases(self):
        # stress-report.py reads the same consoles, through the same list.
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, 'series'))
            for src, dst in (('series-fwb.console', 'fwb.console'), ('series.ksft', 'fwb.ksft')):
                with open(os.path.join(d, 'series', dst), 'w') as f:
                    f.write(recorded(src))
            out = subprocess.run([os.path.join(HERE, 'stress-report.py'), d],
                                 capture_output=True, text=True, check=True).stdout
        rows = {l.split()[0]: l.split()[1:] for l in out.split('\n')[2:] if '.stress.' in l}
        self.assertEqual(len(rows), 9)
        runs, ops, killed, seeds, failed = rows['vhost.stress.vsock.random_ops_match_contract']
        self.assertEqual((runs, failed), ('1', '0'))
        self.assertGreater(int(ops), 0)
        self.assertGreater(int(rows['vhost.stress.net.killed_vmm_next_one_works'][2]), 0)


PROFILES = """# name\tcpu\tmachine\tappend\ttests\tconfig
a\tmax\tvirt\t-\t*\t-
b\tmax\tvirt\t-\tt.one,t.fixed\t-
"""
EXPECT = """t.*\t*\tpass\tpass
t.fixed\t*\tfail\tpass
t.skipped\t*\tskip\tskip
t.fixed\tb\tfail\tpass\tearly
"""


def matrix(results, before=True, expect=EXPECT, extra=(), lint_status=0, cross_status=None):
    """matrix.py's exit status and last line for {kernel: {profile: tsv}}."""
    timings = 'lint-x\t1\t%d\t10\t11\n' % lint_status
    if cross_status is not None:
        timings += 'cross-a-on-b\t1\t%d\t11\t12\n' % cross_status
    with tempfile.TemporaryDirectory() as d:
        for k, profiles in results.items():
            os.makedirs(os.path.join(d, 'res', k))
            for p, text in profiles.items():
                with open(os.path.join(d, 'res', k, p + '.tsv'), 'w') as f:
                    f.write(text)
        for name, text in (('profiles.tsv', PROFILES), ('expect.tsv', expect),
                           ('timings.tsv', timings)):
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        env = dict(os.environ, WB_RUN_START='5')
        p = subprocess.run([os.path.join(HERE, 'matrix.py'), os.path.join(d, 'res'),
                            os.path.join(d, 'profiles.tsv'), os.path.join(d, 'timings.tsv')] +
                           (['--before'] if before else []) + list(extra) +
                           ['--', os.path.join(d, 'expect.tsv')],
                           capture_output=True, text=True, env=env)
    return p.returncode, p.stdout.strip().split('\n')[-1], p.stdout


def run(*rows, complete='pass'):
    return ''.join('%s\t%s\t1\t\n' % r for r in rows) + \
        '@complete\t%s\t\t\n@no-splat\tpass\t\t\n' % complete


GOOD = {
    'series': {'a': run(('t.one', 'pass'), ('t.fixed', 'pass'), ('t.skipped', 'skip')),
               'b': run(('t.one', 'pass'), ('t.fixed', 'pass'))},
    'base': {'a': run(('t.one', 'pass'), ('t.fixed', 'fail'), ('t.skipped', 'skip')),
             'b': run(('t.one', 'pass'), ('t.fixed', 'pass'))},
    # t.fixed's kernel before on b, by its expectation.
    'early': {'b': run(('t.fixed', 'fail'))},
}


class Matrix(unittest.TestCase):
    def test_all_as_expected(self):
        rc, last, _ = matrix(GOOD)
        # a: 4 cells passed, 2 skipped (base and series); b: 4 (t.fixed
        # judged on early, not base); the runs: 5 (kernel, profile) pairs
        # x 2 checks; 1 lint stage.
        self.assertEqual((rc, last), (0, '19 passed, 0 failed, 2 skipped'))

    def test_series_only(self):
        rc, last, _ = matrix(GOOD, before=False)
        self.assertEqual((rc, last), (0, '8 passed, 0 failed, 1 skipped'))

    def test_fix_that_does_not_fail_before_is_a_failure(self):
        res = {k: dict(v) for k, v in GOOD.items()}
        res['base'] = dict(res['base'], a=run(('t.one', 'pass'), ('t.fixed', 'pass'),
                                              ('t.skipped', 'skip')))
        rc, last, out = matrix(res)
        self.assertEqual(rc, 1)
        self.assertIn('1 failed', last)
        self.assertIn('t.fixed on base/a: pass, expected fail', out)

    def test_skip_is_never_a_pass(self):
        res = {k: dict(v) for k, v in GOOD.items()}
        res['series'] = dict(res['series'], a=run(('t.one', 'skip'), ('t.fixed', 'pass'),
                                                  ('t.skipped', 'skip')))
        rc, _, out = matrix(res)
        self.assertEqual(rc, 1)
        self.assertIn('t.one on series/a: skip, expected pass', out)

    def test_no_expectation_fails(self):
        res = {k: dict(v) for k, v in GOOD.items()}
        res['series'] = dict(res['series'], a=run(('t.one', 'pass'), ('t.fixed', 'pass'),
                                                  ('t.skipped', 'skip'), ('u.new', 'pass')))
        rc, _, out = matrix(res)
        self.assertEqual(rc, 1)
        self.assertIn('u.new on a: no expectation', out)

    def test_dead_run_fails_the_tests_it_did_not_reach(self):
        res = {k: dict(v) for k, v in GOOD.items()}
        res['series'] = dict(res['series'], a=run(('t.one', 'pass'), complete='fail'))
        rc, _, out = matrix(res)
        self.assertEqual(rc, 1)
        self.assertIn('complete of series on a: fail, expected pass', out)
        self.assertIn('t.fixed on series/a: fail, expected pass', out)

    def test_missing_run_fails(self):
        res = {k: dict(v) for k, v in GOOD.items()}
        del res['series']['b']
        rc, _, out = matrix(res)
        self.assertEqual(rc, 1)
        self.assertIn('complete of series on b: fail', out)

    def test_before_kernel_named_by_expectation(self):
        # On b, t.fixed's kernel before is 'early': without its results
        # the cell fails, whatever the base did.
        res = {k: dict(v) for k, v in GOOD.items() if k != 'early'}
        rc, _, out = matrix(res)
        self.assertEqual(rc, 1)
        self.assertIn('t.fixed on early/b: not run, expected fail', out)
        self.assertNotIn('t.fixed on base/b', out)

    def test_failed_lint_stage_fails(self):
        rc, last, out = matrix(GOOD, lint_status=2)
        self.assertEqual((rc, last), (1, '18 passed, 1 failed, 2 skipped'))
        self.assertIn('lint-x: fail, expected pass', out)

    def test_cross_stage_is_a_result(self):
        # Each direction of make check's same-binaries boots
        # (cross-check.sh) is one result, as a lint check is.
        self.assertEqual(matrix(GOOD, cross_status=0)[:2], (0, '20 passed, 0 failed, 2 skipped'))
        rc, last, out = matrix(GOOD, cross_status=1)
        self.assertEqual((rc, last), (1, '19 passed, 1 failed, 2 skipped'))
        self.assertIn('cross-a-on-b: fail, expected pass', out)
        # Without --before (make report), neither counts.
        self.assertEqual(matrix(GOOD, before=False, cross_status=1)[0], 0)

    def test_formats_agree(self):
        outs = [matrix(GOOD, extra=('--format', f))[2] for f in ('compact', 'markdown')]
        self.assertIn('F>P', outs[0])
        self.assertIn('FAIL > pass', outs[1])
        rc, _, js = matrix(GOOD, extra=('--format', 'json'))
        import json
        d = json.loads(js)
        self.assertEqual((rc, d['failed'], d['skipped']), (0, 0, 2))
        self.assertIn({'test': 't.fixed', 'profile': 'a', 'ok': True, 'before': 'fail',
                       'expected_before': 'fail', 'before_kernel': 'base',
                       'series': 'pass', 'expected_series': 'pass'}, d['cells'])

    def test_elapsed(self):
        _, _, out = matrix(GOOD)
        self.assertIn('elapsed: 0:06 total, 0:00 build, 0:00 boot, 0:01 lint', out)


def judge_profile(results, profile, extra=()):
    """judge-profile.py's exit status and output for one results table."""
    with tempfile.TemporaryDirectory() as d:
        for name, text in (('r.tsv', results), ('expect.tsv', EXPECT),
                           ('differ.tsv', 'x\ty\tt.fixed\tb\tskip\twhy\n')):
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        extra = [os.path.join(d, a) if a == 'differ.tsv' else a for a in extra]
        p = subprocess.run([os.path.join(HERE, 'judge-profile.py'), os.path.join(d, 'r.tsv'),
                            profile] + extra + ['--', os.path.join(d, 'expect.tsv')],
                           capture_output=True, text=True)
    return p.returncode, p.stdout


class JudgeProfile(unittest.TestCase):
    def test_series_outcomes(self):
        # The series column of the last matching line; 'pass' for a test no
        # line names and for the run's own checks.
        self.assertEqual(judge_profile(run(('t.fixed', 'pass'), ('t.skipped', 'skip'),
                                           ('u.new', 'pass')), 'a'), (0, ''))
        rc, out = judge_profile(run(('t.fixed', 'fail'), ('u.new', 'skip'), complete='fail'), 'a',
                                ('--label', 'on a'))
        self.assertEqual(rc, 1)
        self.assertEqual(out.split('\n'), ['t.fixed: fail, expected pass', 'u.new: skip, expected pass',
                                           '@complete: fail, expected pass',
                                           'on a: 2 fail, 1 pass, 1 skip; 3 not as expected', ''])

    def test_differences_by_design(self):
        # A line of the differences file for this from/to pair replaces the
        # expectation on the profiles its glob names, and only there.
        args = ('--differ', 'differ.tsv', 'x', 'y')
        self.assertEqual(judge_profile(run(('t.fixed', 'skip')), 'b', args)[0], 0)
        self.assertEqual(judge_profile(run(('t.fixed', 'skip')), 'a', args)[0], 1)
        self.assertEqual(judge_profile(run(('t.fixed', 'skip')), 'b', ('--differ', 'differ.tsv', 'y', 'x'))[0], 1)


if __name__ == '__main__':
    unittest.main(verbosity=1)
