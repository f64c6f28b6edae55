#!/bin/bash
# Boot one kernel on one host profile under QEMU, run its tests, parse KTAP.
#
# Usage: run-profile.sh <Image> <initramfs.cpio> <profile> <results-dir>
#
# WB_PROFILE_TESTS, if set, replaces the profile's test globs (bench.sh
# runs every benchmark of its initramfs on the profile's host); it is not
# WB_TESTS, the tests a base's series carries, which the Makefile exports
# to every script. WB_PROFILES, if set, is
# the profiles file to read instead of profiles.tsv (bench/profiles.tsv).
# The machine picks the emulator: 'virt' is arm64 (qemu-system-aarch64, PL011
# console), 'q35' is x86-64 (qemu-system-x86_64, 8250 console).
# arm64 hosts run on single-threaded TCG: under QEMU 7.2's multi-threaded TCG
# a vCPU now and then goes on running a static key's branch after another
# one has patched it, and KVM's preempt notifiers hang off such a key (README,
# Reliability). WB_TCG_THREAD=multi, as bench.sh sets it, keeps one host
# thread per vCPU. WB_ICOUNT (bench.sh) runs the VM with -icount.
# WB_SEED=<n> (bench.sh) seeds QEMU's generator of the random values the
# VM reads from QEMU (-seed: the device tree's rng-seed and kaslr-seed, the
# RNDR instruction of -cpu max); under -icount, a boot then nearly always
# repeats to the last instruction (bench.sh says how nearly).
# Writes <results-dir>/<profile>.console (the whole serial console),
# <results-dir>/<profile>.tsv (see ktap.py) and <profile>.ksft (the
# initramfs' kselftest list, which maps the runner's results to test names). The VM gets the sum of its tests'
# timeouts plus a boot allowance; a VM that hangs is killed and its run fails.
set -euo pipefail

image=$1 initrd=$2 profile=$3 out=$4
wb=$(dirname "$(dirname "$(realpath "$0")")")

profiles=${WB_PROFILES:-$wb/boot/profiles.tsv}
IFS=$'\t' read -r name cpu machine append tests _ < <(
	awk -F'\t' -v p="$profile" '!/^#/ && $1 == p' "$profiles")
[ "${name:-}" = "$profile" ] || { echo "run: no profile '$profile' in $profiles" >&2; exit 2; }
case $machine in
virt*)	qemu=qemu-system-aarch64 tty=ttyAMA0
	accel=(-accel "tcg,thread=${WB_TCG_THREAD:-single}")
	# WB_ICOUNT=<options> (bench.sh): QEMU's -icount, the emulated clock
	# counting executed instructions instead of following the host's.
	[ -z "${WB_ICOUNT:-}" ] || accel=(-accel tcg,thread=single -icount "$WB_ICOUNT") ;;
q35*)	qemu=qemu-system-x86_64 tty=ttyS0 accel=() ;;
*)	echo "run: $profile: machine '$machine' is neither virt nor q35" >&2; exit 2 ;;
esac
[ "$append" = - ] && append=
seed=()
[ -z "${WB_SEED:-}" ] || seed=(-seed "$WB_SEED")
tests=${WB_PROFILE_TESTS:-$tests}

# The initramfs lists every test; the profile's glob goes on the command line.
scale=$(echo "$append" | sed -n 's/.*wb\.timeout_scale=\([0-9]*\).*/\1/p')
# Its limit: every test's timeout (a kselftest binary's once; with a
# scale, the init gives every binary the longest one, through -o) times the
# scale, plus 180 s.
mkdir -p "$out"
cpio -i --to-stdout tests/ksft < "$initrd" > "$out/$profile.ksft" 2>/dev/null || true
limit=$( { cpio -i --to-stdout tests/list < "$initrd" 2>/dev/null | cut -f2
	   sort -u -t$'\t' -k2,2 "$out/$profile.ksft" | cut -f5 |
		awk -v k="${scale:-1}" '{ t[NR] = $1; if ($1 > m) m = $1 }
			END { for (i = 1; i <= NR; i++) print (k > 1 ? m : t[i]) }'; } |
	awk -v k="${scale:-1}" '{ s += $1 } END { print s * k + 180 }')
console=$out/$profile.console
: > "$console"
timeout -s KILL "$limit" $qemu "${accel[@]}" "${seed[@]}" \
	-M "$machine" -cpu "$cpu" -smp 2 -m 1024 \
	-nographic -no-reboot -monitor none -nic none -serial "file:$console" \
	-kernel "$image" -initrd "$initrd" \
	-append "console=$tty loglevel=5 panic=-1 wb.tests=$tests $append" \
	</dev/null >/dev/null 2>"$out/$profile.qemu.err" &
vm=$!
# Each test's result as it arrives, with the time of day and the profile
# (the boots run side by side).
shown=$out/$profile.shown
echo 0 > "$shown"
show_results() {
	local n from
	n=$(wc -l < "$console") from=$(cat "$shown")
	[ "$n" -gt "$from" ] || return 0
	sed -n "$((from + 1)),${n}p" "$console" | tr -d '\r' |
		grep -E '^(# )?(not )?ok [0-9]+ ' | sed "s/^/    $(date +%T) $profile: /" || true
	echo "$n" > "$shown"
}
( while sleep 3; do show_results; done ) &
follow=$!
# When the init gives up on a stuck kernel it powers off, which a stuck CPU
# can keep from happening: stop the VM from here 15 s later.
(
	while sleep 5; do
		grep -q '^# workbench: stopped at' "$console" || continue
		sleep 15
		echo "run: $profile: VM stopped: the init gave up on a stuck test" >> "$console"
		kill -TERM $vm
		break
	done
) 2>/dev/null &
watch=$!
status=0
wait $vm || status=$?
kill $watch $follow 2>/dev/null || true
wait $follow 2>/dev/null || true
show_results
rm -f "$shown"
if [ $status -eq 137 ]; then
	echo "run: $profile: VM killed after ${limit}s" >> "$console"
fi
"$wb/judge/ktap.py" "$console" "$out/$profile.tsv" "$status" "$out/$profile.ksft"
