#!/bin/bash
# Cross-build and install the kselftests for arm64, static, against a
# kernel's installed uapi headers, as kernel CI does.
#
# Usage: build-selftests.sh <source-tree> <kernel-dir> <dest> <tests.tsv>...
#        build-selftests.sh --target <source-tree> <kernel-dir> <obj-dir> <target>
#
# The first form runs the tree's kselftest 'install' target for the
# collections that the kselftest lines of the tests.tsv files name
# (name<TAB>collection:binary<TAB>case<TAB>args): <dest> gets
# run_kselftest.sh, kselftest-list.txt, kselftest/ and one directory per
# collection with its binaries and settings. Binaries that no line names are
# then removed to keep the initramfs small (46 MiB for kvm and vhost whole,
# static): run_kselftest.sh runs only what -t names, and reports a named
# binary that is missing as a failure, so this cannot hide a test.
# The workbench builds them once, from the series and with its headers, and
# runs them on every kernel, as kselftest runs a newer tree's tests on older
# kernels.
# The second form builds the whole <target> (kvm, vhost...) in <obj-dir>, as
# 'make lint' does for every prefix of the series.
set -euo pipefail

whole=
[ "$1" = --target ] && { whole=1; shift; }
src=$(realpath "$1")
kout=$(realpath "$2")
dest=$(realpath -m "$3")
shift 3

mk=(make -s -C "$src/tools/testing/selftests" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
    CC="ccache aarch64-linux-gnu-gcc" KHDR_INCLUDES="-isystem $kout/usr/include"
    EXTRA_CFLAGS=-static LDFLAGS=-static -j"${JOBS:-3}")
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

if [ -n "$whole" ]; then
	mkdir -p "$dest"	# as the kselftest top-level Makefile does
	exec "${mk[@]}" -C "$1" OUTPUT="$dest"
fi

# The kselftest lines: four fields, the second collection:binary; with
# WB_TESTS (globs, comma-separated: the tests a base's series carries,
# bases.tsv), only the lines whose names match one.
ksft=$(grep -hv '^#' "$@" | awk -F'\t' -v globs="${WB_TESTS:-*}" '
	BEGIN {
		n = split(globs, g, ",")
		for (i = 1; i <= n; i++) {
			gsub(/\./, "\\.", g[i]); gsub(/\*/, ".*", g[i]); gsub(/\?/, ".", g[i])
			g[i] = "^" g[i] "$"
		}
	}
	NF == 4 && $2 ~ /:/ { for (i = 1; i <= n; i++) if ($1 ~ g[i]) { print $2; next } }' | sort -u)
[ -n "$ksft" ] || exit 0
targets=$(echo "$ksft" | cut -d: -f1 | sort -u | tr '\n' ' ')
rm -rf "$dest"
mkdir -p "$dest" "$dest.obj"
"${mk[@]}" O="$dest.obj" TARGETS="$targets" INSTALL_PATH="$dest" install >/dev/null
for t in $targets; do
	for f in "$dest/$t"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		echo "$ksft" | grep -qxF "$t:$(basename "$f")" || rm -f "$f"
	done
done
for b in $ksft; do
	[ -x "$dest/${b%%:*}/${b#*:}" ] || { echo "selftests: $b: not installed" >&2; exit 1; }
done
