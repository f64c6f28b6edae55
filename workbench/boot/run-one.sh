#!/bin/bash
# Developer shortcut: build the tests of one tests.tsv against the series'
# headers, boot an already built kernel on one profile and print the results.
#
# Usage: run-one.sh <kernel> <profile> <tests.tsv> [<name glob>]
#
# <kernel> is one of the Makefile's KERNELS (series, base, before-kvm) that
# 'make kernel-<kernel>' built, or 'one' ('make one'; 'one.<suffix>' for a
# profile with a config fragment, config.<suffix>). The tests are built
# against the series' uapi headers, or WB_HEADERS=<kernel-dir>'s. WB_B is
# the base's build directory (build/, or build/<base> for another base;
# the Makefile passes it). Example:
#   workbench/boot/run-one.sh base fwb drivers-vhost/tests.tsv 'vhost.net.*'
# A glob that selects some of a binary's cases runs those (run_kselftest.sh
# with KSELFTEST_<BINARY>_ARGS="-r fixture.case ...").
set -euo pipefail
cd "$(dirname "$0")/../.."
kernel=$1 profile=$2 tests=$3 glob=${4:-*}
b=${WB_B:-build}
tmp=$b/one/$kernel
rm -rf "$tmp" "$tmp.obj"
mkdir -p "$tmp"
# The lines that match the glob, of the tests this base carries (WB_TESTS,
# as build-selftests.sh reads it): a test the base does not carry would only
# be reported missing.
awk -F'\t' -v g="$glob" -v globs="${WB_TESTS:-*}" '
	function re(x) { gsub(/\./, "\\.", x); gsub(/\*/, ".*", x); gsub(/\?/, ".", x); return "^" x "$" }
	BEGIN { g = re(g); n = split(globs, b, ","); for (i = 1; i <= n; i++) b[i] = re(b[i]) }
	/^#/ || !NF { print; next }
	$1 ~ g { for (i = 1; i <= n; i++) if ($1 ~ b[i]) { print; next }
		 print "run-one: " $1 ": not among this base'"'"'s tests (bases.tsv)" > "/dev/stderr" }' \
	"$tests" > "$tmp/tests.tsv"
if ! grep -q -v -e '^#' -e '^$' "$tmp/tests.tsv"; then
	echo "run-one: no test of $tests matches '$glob' (one glob, e.g. 'kvm.cacheable_pfnmap.*')" >&2
	exit 2
fi
workbench/build/build-selftests.sh "$b/linux" "${WB_HEADERS:-$b/out/series}" "$tmp/tests" "$tmp/tests.tsv"
if [ ! -d "$tmp/tests" ]; then
	echo "run-one: no test matching '$glob' is among this base's (bases.tsv: ${WB_TESTS:-*})" >&2
	exit 2
fi
WB_CASES="$tests" workbench/boot/mkinitramfs.sh build/busybox/busybox "$tmp/tests" "$tmp/initramfs.cpio" "$tmp/tests.tsv"
workbench/boot/run-profile.sh "$b/out/$kernel/Image" "$tmp/initramfs.cpio" "$profile" "$tmp/results" || true
column -t -s $'\t' "$tmp/results/$profile.tsv"
echo "console: $tmp/results/$profile.console"
