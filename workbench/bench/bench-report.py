#!/usr/bin/env python3
"""Print the figures of a bench.sh run side by side.

Usage: bench-report.py <out-dir> <profile> <reps>

Reads the "bench: <metric> <value> <unit>" lines of
<out-dir>/<kernel>.<rep>/<profile>.console for the base and the series,
and prints, for every metric, the median and the range over the runs of
each kernel, the series/base ratio, and the comparisons the series is
judged by. The noise of a metric is the larger of its two relative
ranges (max - min over median): a ratio within 1 +/- noise is "within
noise". Boot <r> of each kernel ran with QEMU's -seed BENCH_SEED + r
(bench.sh; BENCH_SEED from the environment, 0 if unset), which the report
names with the boot.
"""
import os
import re
import statistics
import sys
from collections import defaultdict

KERNELS = ("base", "series")
LINE = re.compile(r"bench: (\S+) (-?[0-9.]+) (.+?)\s*$")

# (label, kernel, metric, kernel, metric): the first over the second
COMPARE = [
    ("vsock: series, crosvm (no IOTLB) / base, plain", "series", "vsock.crosvm.{}",
     "base", "vsock.plain.{}"),
    ("vsock: series, plain / base, plain", "series", "vsock.plain.{}",
     "base", "vsock.plain.{}"),
    ("vsock: series, QEMU (IOTLB) / series, crosvm", "series", "vsock.qemu.{}",
     "series", "vsock.crosvm.{}"),
    ("net: series, crosvm (no IOTLB) / base, plain", "series", "net.crosvm.{}",
     "base", "net.plain.{}"),
    ("net: series, QEMU (IOTLB) / series, crosvm", "series", "net.qemu.{}",
     "series", "net.crosvm.{}"),
]
# The figures the series is judged by. tx_throughput_best (the best tenth
# of the window) is the one that QEMU TCG's stalls of a vCPU disturb least
# in real time. rtt1_median is the round trip with every thread on one CPU
# (vhost_bench): under -icount, the work of the whole path.
DATA_METRICS = ("tx_throughput", "tx_throughput_best", "rtt1_median")
# Shown with their noise, not judged: the round trip across two CPUs, the
# guest busy-polling on one while the worker and the host thread run on the
# other. It is the latency a VMM sees, but under -icount its clock also
# counts the polling CPU's instructions, so the figure depends on how QEMU's
# round-robin interleaves the two vCPUs, which the guest's layout (the seed)
# sets: a boot in five may sit 0.4 us (2%) off the others.
LATENCY_METRICS = ("rtt_median",)
# kvm_fault_bench's operations, each on anonymous, cacheable and device memory
KVM_OPS = ("fault", "memslot.create", "memslot.move", "memslot.delete")


def collect(out, profile, reps):
    values = {k: defaultdict(list) for k in KERNELS}
    units, notes = {}, []
    for k in KERNELS:
        for r in range(1, reps + 1):
            path = f"{out}/{k}.{r}/{profile}.console"
            try:
                lines = open(path, errors="replace").read().splitlines()
            except OSError:
                notes.append(f"{k} run {r}: no console ({path})")
                continue
            for line in lines:
                line = line.lstrip("# ").rstrip()
                if not line.startswith("bench: "):
                    continue
                if line.startswith(("bench: skip", "bench: error")):
                    note = f"{k}: {line[7:]}"
                    if note not in notes:
                        notes.append(note)
                    continue
                m = LINE.match(line)
                if m:
                    values[k][m.group(1)].append(float(m.group(2)))
                    units[m.group(1)] = m.group(3)
    return values, units, notes


def summary(vals):
    if not vals:
        return None
    med = statistics.median(vals)
    spread = (max(vals) - min(vals)) / med if med else 0.0
    return med, min(vals), max(vals), spread


def farthest(vals):
    """The boot (1-based) farthest from the median, and its distance."""
    med = statistics.median(vals)
    i = max(range(len(vals)), key=lambda j: abs(vals[j] - med))
    return i + 1, (vals[i] - med) / med if med else 0.0


def fmt(s):
    if not s:
        return "-"
    med, lo, hi, spread = s
    return f"{med:.1f} ({lo:.1f}-{hi:.1f}, {spread * 100:.1f}%)"


def main():
    out, profile, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed0 = int(os.environ.get("BENCH_SEED", "0"))
    values, units, notes = collect(out, profile, reps)
    metrics = sorted(set(values["base"]) | set(values["series"]))
    print(f"Benchmarks on profile {profile}, {reps} boots of each kernel "
          f"(QEMU seeds {seed0 + 1}-{seed0 + reps}, boot r of both kernels "
          "with the same): median (min-max, range/median)")
    rows = [("metric", "unit", "base", "series", "series/base")]
    for m in metrics:
        b, s = summary(values["base"][m]), summary(values["series"][m])
        ratio = f"{s[0] / b[0]:.4f}" if b and s and b[0] else "-"
        rows.append((m, units[m], fmt(b), fmt(s), ratio))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())

    print("\nComparisons (ratio; noise = the larger range/median of the two):")
    noises, missing = [], []

    def compare(label, k1, m1, k2, m2, judged=True):
        a, b = summary(values[k1].get(m1, [])), summary(values[k2].get(m2, []))
        if not a or not b or not b[0]:
            # A judged figure missing where its benchmark ran (a phase
            # that failed, vhost_bench -P) is said, not left out.
            group = m1.split(".")[0] + "."
            if judged and any(m.startswith(group) for m in metrics):
                missing.append(label)
            return
        ratio, noise = a[0] / b[0], max(a[3], b[3])
        if judged:
            noises.append(noise)
        verdict = "within noise" if abs(ratio - 1) <= noise else "outside noise"
        print(f"  {label}: {ratio:.4f} (noise {noise * 100:.1f}%: {verdict})")
        if noise >= 0.02:
            # Name the boot that makes the range: one boot in a mode of its
            # own, or a spread over all of them.
            k, m = (k1, m1) if a[3] >= b[3] else (k2, m2)
            rep, off = farthest(values[k][m])
            print(f"    the range is {k} boot {rep}, seed {seed0 + rep} "
                  f"({off * 100:+.1f}% from "
                  f"the median); all boots: "
                  + " ".join(f"{v:g}" for v in values[k][m]))

    for label, k1, m1, k2, m2 in COMPARE:
        for metric in DATA_METRICS:
            compare(f"{label}: {metric}", k1, m1.format(metric),
                    k2, m2.format(metric))
    # The stage-2 fault paths: the series against the base where both
    # have the backing, and the flag's cacheable slot against a Device one.
    # kvm.demand_paging (demand_paging_test's own figure) is not compared:
    # between boots of one kernel it varies by 8% and, once in a few boots,
    # by half, where fault.anon, the same stage-2 fault of ordinary memory
    # timed around KVM_RUN alone, varies by 0.1%.
    # Anonymous memory only: the base has no /dev/test_pfnmap.
    for what in KVM_OPS:
        metric = f"kvm.{what}.anon"
        compare(f"KVM {metric[4:]}: series / base", "series", metric,
                "base", metric)
    for what in KVM_OPS:
        compare(f"KVM {what}, series: cacheable-flag slot / Device slot",
                "series", f"kvm.{what}.cacheable", "series", f"kvm.{what}.device")
    for label in missing:
        print(f"  {label}: MISSING (a figure of one of the two is absent)")
    if noises or missing:
        print(f"  largest noise: {max(noises, default=0) * 100:.1f}% "
              f"({sum(n < 0.02 for n in noises)} of {len(noises)} comparisons below 2%"
              + (f"; {len(missing)} missing" if missing else "") + ")")
    for note in notes:
        print(f"  note: {note}")
    print("\nShown, not judged: round trips across two CPUs (the latency a VMM "
          "sees; under -icount\nit also counts the polling CPU's spinning):")
    for label, k1, m1, k2, m2 in COMPARE:
        for metric in LATENCY_METRICS:
            compare(f"{label}: {metric}", k1, m1.format(metric),
                    k2, m2.format(metric), judged=False)


if __name__ == "__main__":
    main()
