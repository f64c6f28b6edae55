#!/bin/bash
# Run one workbench stage and record its wall time.
#
# Usage: stage.sh <timings.tsv> <stage-name> <command>...
set -uo pipefail
timings=$1 name=$2
shift 2
mkdir -p "$(dirname "$timings")"
start=$(date +%s.%N)
printf '>>> %s\n' "$name"
"$@"
rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
# Keep only the latest time of each stage; stages that run at once (the
# boots) take turns.
(
	flock 9
	{ grep -v "^$name	" "$timings" 2>/dev/null
	  printf '%s\t%s\t%s\n' "$name" "$secs" "$rc"; } > "$timings.new"
	mv "$timings.new" "$timings"
) 9> "$timings.lock"
printf '<<< %s: %ss%s\n' "$name" "$secs" "$([ $rc -eq 0 ] || echo ", exit status $rc")"
exit $rc
