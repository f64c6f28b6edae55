#!/bin/bash
# Benchmarks, not tests: boot the base kernel and the series in turn on one
# host profile, <reps> times each, with every benchmark of bench/benches.tsv,
# and print the figures side by side (bench-report.py).
#
# Usage: bench.sh <out-dir> [reps]
#
# BENCH_PROFILE picks the arm64 host (default fwb: the only one with FWB,
# which the cacheable PFNMAP fault needs). The kernels alternate (base,
# series, base, ...) so that a drift of the machine during the run hits both.
#
# Then, where this machine's KVM runs an unmodified x86-64 kernel, the same
# for the vhost benchmarks on the x86-kvm profile of bench/profiles.tsv: the
# base and the series built for x86-64 (build/out/x86_64-{base,series}) and
# booted under KVM, where the data path runs at the machine's speed rather
# than under TCG. It is skipped, with a line that says why, where /dev/kvm
# cannot be opened or the CPU shows no vmx or svm flag: a KVM without
# hardware virtualization (kvm-pvm, a paravirtual KVM for nested use, runs
# only guests built for it; an unmodified kernel stops after the BIOS).
# BENCH_X86=no leaves it out; BENCH_X86=tcg runs the x86-tcg profile
# instead, whose figures are TCG's: a check of this path, not a benchmark.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "$1") reps=${2:-3} profile=${BENCH_PROFILE:-fwb}
seed0=${BENCH_SEED:-0}
[[ $seed0 =~ ^[0-9]+$ ]] || { echo "bench: BENCH_SEED=$seed0 is not a number" >&2; exit 2; }
export BENCH_SEED=$seed0
wb=workbench
benches=$wb/bench/benches.tsv

# Boot build/out/<prefix>{base,series}/Image on <profile>, <reps> times
# each, with <initramfs>; results in <dir>/<kernel>.<rep>. On arm64 the VM
# runs under QEMU's -icount (shift=0: the emulated clock advances 1 ns per
# instruction executed; sleep=off: an idle vCPU jumps to its next timer
# instead of waiting in real time), so every figure the benchmarks take
# with clock_gettime() counts work, not the host machine's time, and the
# base and the series of one rep can boot side by side. Rep <r> of both
# kernels boots with QEMU's -seed <BENCH_SEED + r> (BENCH_SEED: 0), so
# that every random value the guest takes from QEMU is that of the seed:
# under -icount a boot then nearly always repeats (a second run of the
# same kernels repeated 9 boots of 10 line for line; the tenth diverged
# midway, after something from the host reached it). What varies from one
# boot to the next is what the seed decides (where KASLR puts the kernel,
# the guest's random layouts): the noise of a figure is its spread over
# the seeds. x86-64 under KVM runs at the machine's speed (the seed does
# not make it deterministic) and in turn (base, series, base, ...), so
# that a drift of the machine hits both.
boot_in_turn() {
	local dir=$1 prefix=$2 initrd=$3 prof=$4 r k
	for r in $(seq "$reps"); do
		for k in base series; do
			if [ -z "${WB_ICOUNT:-}" ]; then
				boot_one "$dir" "$prefix" "$initrd" "$prof" $k "$r"
				continue
			fi
			while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do
				wait -n
			done
			boot_one "$dir" "$prefix" "$initrd" "$prof" $k "$r" &
		done
	done
	wait
}

boot_one() {
	local dir=$1 prefix=$2 initrd=$3 prof=$4 k=$5 r=$6 start
	start=$(date +%s)
	WB_SEED=$((seed0 + r)) WB_PROFILE_TESTS='*' $wb/boot/run-profile.sh "build/out/$prefix$k/Image" "$initrd" "$prof" \
		"$dir/$k.$r" >/dev/null || true
	echo "bench: $k run $r of $reps on $prof: $(( $(date +%s) - start )) s"
}

dest=$out/tests
mkdir -p "$out"
# The KVM selftests that kvm-perf.sh runs, installed as the tests are.
printf 'kvm.demand_paging_test\tkvm:demand_paging_test\t-\t-\n' > "$out/build.tsv"
$wb/build/build-selftests.sh build/linux build/out/series "$dest" "$out/build.tsv"
mkdir -p "$dest/bench" "$dest/vhost"
aarch64-linux-gnu-gcc -static -O2 -Wall -isystem build/out/series/usr/include \
	-o "$dest/bench/kvm_fault_bench" $wb/bench/kvm_fault_bench.c
$wb/bench/build-vhost-bench.sh "$dest"
cp $wb/bench/kvm-perf.sh "$dest/bench/"
$wb/boot/mkinitramfs.sh build/busybox/busybox "$dest" "$out/initramfs.cpio" "$benches"

WB_ICOUNT=${BENCH_ICOUNT:-shift=0,sleep=off} boot_in_turn "$out" "" "$out/initramfs.cpio" "$profile"
$wb/bench/bench-report.py "$out" "$profile" "$reps" | tee "$out/report.txt"

x86=$out/x86
rm -rf "$x86"
x86_profile=x86-kvm
case ${BENCH_X86:-yes} in
no)	echo "bench: x86-64: left out (BENCH_X86=no)"; exit 0 ;;
tcg)	x86_profile=x86-tcg ;;
*)	why=
	if [ "$(uname -m)" != x86_64 ]; then
		why="this machine is $(uname -m)"
	elif ! { : <> /dev/kvm; } 2>/dev/null; then
		why="/dev/kvm cannot be opened"
	elif ! grep -qw -e vmx -e svm /proc/cpuinfo; then
		why="this machine's KVM has no hardware virtualization (no vmx or svm flag$(
			[ ! -d /sys/module/kvm_pvm ] || echo '; it is kvm-pvm'))"
	fi
	if [ -n "$why" ]; then
		echo "bench: x86-kvm: skipped: $why (BENCH_X86=tcg checks the path under TCG)"
		exit 0
	fi ;;
esac
mkdir -p "$x86/tests/vhost"
$wb/tree/deps.sh qemu-system-x86
$wb/tree/fetch-busybox.sh build/busybox-amd64 amd64
for k in base series; do
	start=$(date +%s)
	WB_ARCH=x86_64 KOBJ=build/out/obj.x86_64 KBUILDS=build/out/builds \
		$wb/build/build-kernel.sh build/linux "$k" "build/out/x86_64-$k" \
		$wb/build/config $wb/build/config.x86_64 build/out/config.vhost
	echo "bench: x86-64 $k kernel: $(( $(date +%s) - start )) s"
done
$wb/bench/build-vhost-bench.sh "$x86/tests" build/out/x86_64-series gcc
# Real time under KVM: the throughput phase runs its threads in parallel (no -T).
grep '^vhost\.bench\.' "$benches" | sed 's/ -T$//' > "$x86/benches.tsv"
$wb/boot/mkinitramfs.sh build/busybox-amd64/busybox "$x86/tests" "$x86/initramfs.cpio" \
	"$x86/benches.tsv"
WB_PROFILES=$wb/bench/profiles.tsv boot_in_turn "$x86" x86_64- "$x86/initramfs.cpio" \
	"$x86_profile"
echo
$wb/bench/bench-report.py "$x86" "$x86_profile" "$reps" | tee "$x86/report.txt"
