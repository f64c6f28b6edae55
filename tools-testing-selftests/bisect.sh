#!/bin/bash
# Bisectability: build every prefix of the series as someone bisecting
# through it would, with the workbench's config: the arm64 Image and uapi
# headers, and the whole kvm or vhost selftest target wherever a patch
# touches it or the uapi headers it builds against.
#
# Usage: bisect.sh <tree> <fragment>...
#
# Prints one line per prefix with its build time; on the first prefix that
# does not build, prints its subject and the end of the build log, and exits 1.
set -euo pipefail
ts=$(dirname "$(realpath "$0")")
tree=$(realpath "$1")
shift
top=$(dirname "$tree")
out=$top/out/bisect
log=$out/build.log
mkdir -p "$out"
export CCACHE_DIR=${CCACHE_DIR:-$top/out/ccache}

shas=$(git -C "$tree" rev-list --reverse base..series)
total=$(echo "$shas" | wc -l)
n=0
for sha in $shas; do
	n=$((n + 1))
	subj=$(git -C "$tree" log -1 --format=%s "$sha")
	start=$(date +%s)
	if ! "$ts/build-kernel.sh" "$tree" "$sha" "$out/kernel" "$@" > "$log" 2>&1; then
		echo "bisect: prefix $n/$total does not build (kernel): $subj"
		tail -n 20 "$log" | sed 's/^/    | /'
		exit 1
	fi
	built=Image
	for t in kvm vhost; do
		[ -d "$top/src/tools/testing/selftests/$t" ] || continue
		git -C "$tree" diff --quiet "$sha^" "$sha" -- \
			"tools/testing/selftests/$t" include/uapi && continue
		if ! "$ts/build-selftests.sh" --target "$top/src" "$out/kernel" \
			"$out/$t" "$t" > "$log" 2>&1; then
			echo "bisect: prefix $n/$total does not build (selftests/$t): $subj"
			grep -m 20 -E 'error|Error' "$log" | sed 's/^/    | /'
			exit 1
		fi
		built="$built, selftests/$t"
	done
	echo "bisect: $n/$total builds ($built, $(( $(date +%s) - start )) s): $subj"
done
