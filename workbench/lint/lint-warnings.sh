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
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
tree=$(realpath "$1")
shift
top=$(dirname "$tree")
src=$top/src obj=$top/out/obj out=$top/out/warnings
mkdir -p "$out"
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$top")} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

frags=("$@")
touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series | grep -v '^tools/' || true)
files=$(echo "$touched" | grep '\.c$' || true)

warnings() {	# <kernel> <commit>
	# Without its stamp the build checks <commit> out in any case.
	rm -f "$out/$1/stamp"
	"$wb/build/build-kernel.sh" "$tree" "$2" "$out/$1" "${frags[@]}" > "$out/$1.build.log" 2>&1 ||
		{ echo "warnings: the $1 kernel does not build"; tail -n 20 "$out/$1.build.log"; exit 1; }
	: > "$out/$1.txt"
	for f in $files; do
		[ -f "$src/$f" ] && [ -f "$obj/${f%.c}.o" ] || continue
		# W=1 changes the flags, so kbuild recompiles the file; C=2 runs
		# sparse on it whatever its state.
		make -s -C "$src" O="$obj" W=1 C=2 CC=aarch64-linux-gnu-gcc \
			"${f%.c}.o" 2>&1 | grep -E '(warning|error):' |
			sed -E "s|^($src/)?([^:]+):[0-9]+:([0-9]+:)? |\2: |" |
			grep -F -f <(echo "$touched" | sed 's/$/: /') >> "$out/$1.txt" || true
	done
	sort -o "$out/$1.txt" "$out/$1.txt"
}
warnings base base
warnings series series

status=0
for f in $files; do
	b=$(grep -c "^$f: " "$out/base.txt" || true)
	s=$(grep -c "^$f: " "$out/series.txt" || true)
	[ -f "$obj/${f%.c}.o" ] || { echo "warnings: $f: not built by this config"; continue; }
	echo "warnings: $f: $b before, $s after"
done
new=$(comm -13 "$out/base.txt" "$out/series.txt")
if [ -n "$new" ]; then
	echo "$new" | sed 's/^/warnings: new: /'
	status=1
fi
echo "warnings: $(wc -l < "$out/base.txt") before, $(wc -l < "$out/series.txt") after, $(printf '%s' "$new" | grep -c . || true) new"
exit $status
