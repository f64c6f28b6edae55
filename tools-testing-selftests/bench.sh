#!/bin/bash
# Benchmarks, not tests: boot the base kernel and the series in turn on one
# host profile, <reps> times each, with every benchmark of bench/benches.tsv,
# and print the figures side by side (bench-report.py).
#
# Usage: bench.sh <out-dir> [reps]
#
# BENCH_PROFILE picks the host (default fwb: the only one with FWB, which
# the cacheable PFNMAP fault needs). The kernels alternate (base, series,
# base, ...) so that a drift of the machine during the run hits both.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1") reps=${2:-3} profile=${BENCH_PROFILE:-fwb}
ts=tools-testing-selftests
benches=$ts/bench/benches.tsv
dest=$out/tests
rm -rf "$dest" "$dest.obj"
mkdir -p "$dest/bench" "$dest/vhost"

# The KVM selftests that kvm-perf.sh runs, built as the tests are.
printf 'kvm.demand_paging_test\t1\tkvm/demand_paging_test\n' \
	> "$out/build.tsv"
$ts/build-selftests.sh build/linux build/out/series "$dest" "$out/build.tsv"
aarch64-linux-gnu-gcc -static -O2 -Wall -isystem build/out/series/usr/include \
	-o "$dest/bench/kvm_fault_bench" $ts/bench/kvm_fault_bench.c
$ts/bench/build-vhost-bench.sh "$dest"
cp $ts/bench/kvm-perf.sh "$dest/bench/"
$ts/mkinitramfs.sh build/busybox/busybox "$dest" "$out/initramfs.cpio" "$benches"

for r in $(seq "$reps"); do
	for k in base series; do
		start=$(date +%s)
		WB_TESTS='*' $ts/run-profile.sh "build/out/$k/Image" "$out/initramfs.cpio" \
			"$profile" "$out/$k.$r" >/dev/null || true
		echo "bench: $k run $r of $reps on $profile: $(( $(date +%s) - start )) s"
	done
done
$ts/bench-report.py "$out" "$profile" "$reps" | tee "$out/report.txt"
