#!/bin/bash
# Developer shortcut: build the tests of one tests.tsv against an already
# built kernel, boot it on one profile and print the results.
#
# Usage: run-one.sh <base|series> <profile> <tests.tsv>
#
# Example: tools-testing-selftests/run-one.sh base fwb drivers-vhost/tests.tsv
# The harness of 6.12 runs one case with '-r fixture.test' ('-T' excludes).
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=$1 profile=$2 tests=$3
tmp=build/one/$kernel
rm -rf "$tmp" "$tmp.obj"
tools-testing-selftests/build-selftests.sh build/linux "build/out/$kernel" "$tmp/tests" "$tests"
tools-testing-selftests/mkinitramfs.sh build/busybox/busybox "$tmp/tests" "$tmp/initramfs.cpio" "$tests"
tools-testing-selftests/run-profile.sh "build/out/$kernel/arch/arm64/boot/Image" "$tmp/initramfs.cpio" "$profile" "$tmp/results"
column -t -s $'\t' "$tmp/results/$profile.tsv"
echo "console: $tmp/results/$profile.console"
