#!/bin/bash
# Compiler (W=1) and sparse (C=2) warnings in the C files the series
# touches, on the base and on the series, with the workbench's config:
# anything the series adds fails.
#
# Usage: lint-warnings.sh <tree> <fragment>...
#
# Prints the count per file before and after, then each new warning.
# Warnings are compared without their line and column numbers, and only
# those in files the series touches (the .c files and the headers) count:
# kbuild may compile other files on the way.
#
# The report is kept in <tree>/../out/lint-warnings and in the lint cache
# outside the clone (lint-lib.sh) under the git trees of the base and the
# series, the fragments, the compiler's and sparse's versions and the
# scripts that build and check: another clone of the same series takes it.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
# shellcheck source=lint-lib.sh
. "$wb/lint/lint-lib.sh"
lint_start warnings "$1"
shift
src=$top/src obj=$top/out/obj
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$top")} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

frags=("$@")
touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series | grep -v '^tools/' || true)
files=$(echo "$touched" | grep '\.c$' || true)

warnings() {	# <kernel> <commit>
	# Without its stamp the build checks <commit> out in any case, and
	# without KBUILDS it builds in <obj> (where the W=1 make below needs
	# the objects of <commit>'s config) instead of copying an earlier
	# build of it.
	rm -f "$out/$1/stamp"
	KBUILDS='' "$wb/build/build-kernel.sh" "$tree" "$2" "$out/$1" "${frags[@]}" > "$out/$1.build.log" 2>&1 ||
		{ echo "warnings: the $1 kernel does not build"; tail -n 20 "$out/$1.build.log"; exit 1; }
	local f objs=()
	for f in $files; do
		[ -f "$src/$f" ] && [ -f "$obj/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	# One make for every file, JOBS at a time, going on past a file that does
	# not compile (as one make per file did): W=1 changes the flags, so
	# kbuild recompiles each; C=2 runs sparse on each whatever its state.
	# A diagnostic is one line, and the lines are sorted: the report does
	# not depend on the order in which the compiles finish.
	{ [ ${#objs[@]} -eq 0 ] ||
		make -s -k -j"${JOBS:-3}" -C "$src" O="$obj" W=1 C=2 CC=aarch64-linux-gnu-gcc \
			"${objs[@]}" 2>&1 || true; } | grep -E '(warning|error):' |
		sed -E "s|^($src/)?([^:]+):[0-9]+:([0-9]+:)? |\2: |" |
		grep -F -f <(echo "$touched" | sed 's/$/: /') | sort > "$out/$1.txt" || true
}
report() {
	local f b s new
	for f in $files; do
		b=$(grep -c "^$f: " "$out/base.txt" || true)
		s=$(grep -c "^$f: " "$out/series.txt" || true)
		[ -f "$obj/${f%.c}.o" ] || { echo "warnings: $f: not built by this config"; continue; }
		echo "warnings: $f: $b before, $s after"
	done
	new=$(comm -13 "$out/base.txt" "$out/series.txt")
	[ -z "$new" ] || echo "$new" | sed 's/^/warnings: new: /'
	echo "warnings: $(wc -l < "$out/base.txt") before, $(wc -l < "$out/series.txt") after, $(printf '%s' "$new" | grep -c . || true) new"
}

key="$(git -C "$tree" rev-parse base^{tree} series^{tree}) $(cat "${frags[@]}" | sha1sum | cut -c1-40)"
key="$key $(sha1sum < "$wb/build/build-kernel.sh" | cut -c1-40)"
key="$key $(aarch64-linux-gnu-gcc --version | head -n 1) $(sparse --version 2>&1)"
if ! lint_unchanged series "$key" report.txt; then
	warnings base base
	warnings series series
	report > "$out/report.txt"
	lint_done series "$key" report.txt
fi
cat "$out/report.txt"
! grep -q '^warnings: new: ' "$out/report.txt"
