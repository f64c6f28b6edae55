#!/bin/bash
# Coccinelle ('make coccicheck MODE=report', every semantic patch of the
# tree's scripts/coccinelle) on the C files the series touches, on the base
# and on the series: any report the series adds fails.
#
# Usage: lint-cocci.sh <tree>
#
# Prints the count per file before and after, then each new report.
# Reports are compared without their line and column numbers (also those
# in the message, "preceding lock on line N").
#
# The files are checked in the lint worktree (lint-worktree.sh), checked
# out at base, then at series.
# coccicheck takes one M= directory or file; M=<file> once per file costs
# the start of spatch once per file and semantic patch (~0.3 s each, 70
# patches), 2 min 48 s for the series' 9 files on 2 cores. So M= names one
# file and SPFLAGS="--file-groups <list>", which spatch applies after (and
# instead of) coccicheck's --dir, gives it all the files, one group each
# (each file checked alone, as --dir would): ~1.5 min per tree, split in
# two halves run side by side. A result is kept in <tree>/../out/lint-cocci
# under a key of the files' and scripts/coccinelle's git ids, so the base is
# checked once and the series again only when a touched file changes.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
# shellcheck source=lint-lib.sh
. "$wb/lint/lint-lib.sh"
lint_start cocci "$1"
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-

touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series | grep -v '^tools/' || true)
files=$(echo "$touched" | grep '\.c$' || true)
[ -n "$files" ] || { echo "cocci: the series touches no C file"; exit 0; }
spatch_version=$(spatch --version | head -n 1)

reports() {	# <commit>: the reports, one a line, to $out/<commit>.raw
	local key wt
	key=$( { echo "$spatch_version"; git -C "$tree" ls-tree -r "$1" -- $touched scripts/coccinelle; } |
		sha1sum | cut -d' ' -f1)
	if lint_unchanged "$1" "$key" "$1.raw"; then return; fi
	rm -f "$out/$1".groups[01]
	wt=$("$wb/lint/lint-worktree.sh" "$tree" "$1")
	# Two halves of about the same size (largest files first, dealt
	# alternately), one file per group: groups are separated by empty lines.
	for f in $files; do if [ -f "$wt/$f" ]; then echo "$(stat -c %s "$wt/$f") $wt/$f"; fi; done |
		sort -rn | awk -v o="$out/$1.groups" '{ print $2 "\n" > (o NR % 2) }'
	local pids=() i rc=0
	for i in 0 1; do
		touch "$out/$1.groups$i"
		[ -s "$out/$1.groups$i" ] || { : > "$out/$1.log$i"; continue; }
		# 7.3's kbuild wants O= to exist, and makes M='s output
		# directory (M= itself, a file here) unless MO= names another
		# (6.12.118's kbuild takes MO= as well).
		mkdir -p "$out/obj$i" "$out/mo$i"
		make -s -C "$wt" O="$out/obj$i" coccicheck MODE=report J=1 \
			M="$(head -n 1 "$out/$1.groups$i")" MO="$out/mo$i" \
			SPFLAGS="--file-groups $out/$1.groups$i" \
			> "$out/$1.log$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	if [ $rc -ne 0 ]; then
		echo "cocci: coccicheck failed on $1:"
		grep -v '^/usr/bin/spatch' "$out/$1".log[01] | tail -n 20
		exit 1
	fi
	cat "$out/$1".log[01] | grep "^$wt/" | sed "s|^$wt/||" | sort > "$out/$1.raw" || true
	lint_done "$1" "$key" "$1.raw"
}
reports base
reports series

# "path:L:C-C: message on line L" -> "path: message on line N"
lint_compare 'cocci: ' 's/^([^:]+):[0-9]+:[0-9]+-[0-9]+: /\1: /; s/line [0-9]+/line N/g' \
	"$out/base.raw" "$out/series.raw" '' "$files"
