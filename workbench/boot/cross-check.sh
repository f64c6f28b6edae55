#!/bin/bash
# make check's last boots: the same selftest binaries on both bases
# (cross-bases.sh), each base's on the other's series kernel, both
# directions at once (two boots at a time, as make check's own). Each
# direction is a stage of <timings.tsv> (cross-<from>-on-<to>), which make
# check counts as one result, as it does each lint check; its output is
# shown as it comes, each line prefixed with the direction, and kept in
# build/cross/<from>-on-<to>.log.
#
# Usage: cross-check.sh <timings.tsv> <first-base> [<other-base>...]
#
# Both bases' series kernels must be built (make check has built them).
set -uo pipefail
cd "$(dirname "$0")/../.."
timings=$1 first=$2
shift 2

# A stage that did not run this time must not be counted from an older run.
[ ! -f "$timings" ] || sed -i '/^cross-/d' "$timings"
mkdir -p build/cross
pids=()
for other in "$@"; do
	for dir in "$other $first" "$first $other"; do
		read -r from to <<< "$dir"
		workbench/stage.sh "$timings" "cross-$from-on-$to" bash -c '
			set -o pipefail
			workbench/boot/cross-bases.sh "$1" "$2" 2>&1 |
				tee "build/cross/$1-on-$2.log" | sed -u "s/^/[$1 on $2] /"' _ "$from" "$to" &
		pids+=($!)
	done
done
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done
exit $rc
