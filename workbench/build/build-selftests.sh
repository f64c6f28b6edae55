#!/bin/bash
# Cross-build the selftests for arm64, static, against a kernel's installed
# uapi headers.
#
# Usage: build-selftests.sh <source-tree> <kernel-dir> <dest> <tests.tsv>...
#        build-selftests.sh --target <source-tree> <kernel-dir> <obj-dir> <target>
#
# The second form builds the whole <target> (kvm, vhost...) in <obj-dir>, as
# 'make lint' does for every prefix of the series.
# Builds what the tests.tsv commands name: <target>/<prog> from
# tools/testing/selftests/<target>, with <kernel-dir>/usr/include. Binaries
# land in <dest>/<target>/<prog>. The workbench builds them once, from the
# series and with its headers, and runs them on every kernel, as kselftest
# runs a newer tree's tests on older kernels.
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

mkdir -p "$dest"
for target in $(grep -hv '^#' "$@" | awk -F'\t' 'NF { split($3, c, " "); split(c[1], p, "/"); print p[1] }' | sort -u); do
	progs=$(grep -hv '^#' "$@" | awk -F'\t' -v t="$target" \
		'NF { split($3, c, " "); if (index(c[1], t "/") == 1) print substr(c[1], length(t) + 2) }' | sort -u)
	obj=$dest.obj/$target
	mkdir -p "$obj"
	"${mk[@]}" -C "$target" OUTPUT="$obj" $(printf "$obj/%s " $progs) >/dev/null
	for p in $progs; do
		install -D "$obj/$p" "$dest/$target/$p"
	done
done
