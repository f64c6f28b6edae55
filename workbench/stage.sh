#!/bin/bash
# Run one workbench stage and record its wall time.
#
# Usage: stage.sh <timings.tsv> <stage-name> <command>...
#
# timings.tsv keeps the latest run of each stage: name, seconds, exit
# status, start and end (seconds since the epoch; matrix.py adds up the
# wall time of the build, boot and lint stages from them). The stage's
# start line gives the time of day and what the stage took the last time.
set -uo pipefail
timings=$1 name=$2
shift 2
mkdir -p "$(dirname "$timings")"
last=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$timings" 2>/dev/null)
start=$(date +%s.%N)
printf '>>> %s %s%s\n' "$(date +%T)" "$name" "${last:+ (last run: ${last}s)}"
"$@"
rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
# Stages that run at once (the boots) take turns.
(
	flock 9
	{ grep -v "^$name	" "$timings" 2>/dev/null
	  printf '%s\t%s\t%s\t%.0f\t%.0f\n' "$name" "$secs" "$rc" "$start" "$end"; } > "$timings.new"
	mv "$timings.new" "$timings"
) 9> "$timings.lock"
printf '<<< %s %s: %ss%s\n' "$(date +%T)" "$name" "$secs" "$([ $rc -eq 0 ] || echo ", exit status $rc")"
exit $rc
