#!/bin/bash
# Boot one kernel on one host profile under QEMU, run its tests, parse KTAP.
#
# Usage: run-profile.sh <Image> <initramfs.cpio> <profile> <results-dir>
#
# Writes <results-dir>/<profile>.console (the whole serial console) and
# <results-dir>/<profile>.tsv (see ktap.py). The VM gets the sum of its tests'
# timeouts plus a boot allowance; a VM that hangs is killed and its run fails.
set -euo pipefail

image=$1 initrd=$2 profile=$3 out=$4
here=$(dirname "$(realpath "$0")")

IFS=$'\t' read -r name cpu machine append tests _ < <(
	awk -F'\t' -v p="$profile" '!/^#/ && $1 == p' "$here/profiles.tsv")
[ "${name:-}" = "$profile" ] || { echo "run: no profile '$profile' in profiles.tsv" >&2; exit 2; }
[ "$append" = - ] && append=

# The initramfs lists every test; the profile's glob goes on the command line.
limit=$(awk -F'\t' '{ s += $2 } END { print s + 180 }' < <(cpio -i --to-stdout tests/list < "$initrd" 2>/dev/null))
mkdir -p "$out"
console=$out/$profile.console
status=0
timeout -s KILL "$limit" qemu-system-aarch64 \
	-M "$machine" -cpu "$cpu" -smp 2 -m 1024 \
	-nographic -no-reboot -monitor none -nic none -serial "file:$console" \
	-kernel "$image" -initrd "$initrd" \
	-append "console=ttyAMA0 loglevel=5 panic=-1 wb.tests=$tests $append" \
	</dev/null >/dev/null 2>"$out/$profile.qemu.err" || status=$?
if [ $status -eq 137 ]; then
	echo "run: $profile: VM killed after ${limit}s" >> "$console"
fi
"$here/ktap.py" "$console" "$out/$profile.tsv" "$status"
