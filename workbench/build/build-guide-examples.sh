#!/bin/bash
# Compile the C examples of the VMM authors' guides, as the guides show them.
#
# Usage: build-guide-examples.sh <kernel-dir> <dest> <guide.md>...
#
# An example is a fenced ```c block whose first line is
# '/* guide example: <name> */'; it must be a whole program. It is built
# static for arm64, with -Wall -Wextra -Werror, against <kernel-dir>'s uapi
# headers, to <dest>/guide/<name>; Documentation/tests.tsv runs it in the VM.
# WB_TESTS (globs, comma-separated) limits them to the guide.<name> tests
# that a base runs (bases.tsv): a base whose series lacks a uapi an example
# uses does not build that example.
set -euo pipefail
kdir=$(realpath "$1")
dest=$(realpath -m "$2")/guide
shift 2
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT

awk -v dir="$src" '
	/^```/ && out { close(out); out = ""; next }
	prev == "```c" && match($0, /^\/\* guide example: [a-z0-9_]+ \*\/$/) {
		name = substr($0, 19, RLENGTH - 21)
		if (name in seen) { print "guide: two examples named " name > "/dev/stderr"; exit 1 }
		seen[name] = 1
		out = dir "/" name ".c"
	}
	out { print > out }
	{ prev = $0 }' "$@"

mkdir -p "$dest"
n=0
for c in "$src"/*.c; do
	[ -e "$c" ] || break
	name=$(basename "$c" .c)
	wanted=
	IFS=, read -r -a globs <<< "${WB_TESTS:-*}"
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053
		[[ guide.$name == $g ]] && wanted=1
	done
	[ -n "$wanted" ] || continue
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
		-isystem "$kdir/usr/include" -o "$dest/$name" "$c"
	n=$((n + 1))
done
echo "guide: $n examples built"
