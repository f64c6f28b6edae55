#!/bin/bash
# Write the series' own kselftest config fragments, as the series has them
# (tools/testing/selftests/<dir>/config at <rev> of <tree>), to
# <out>/config.<dir>: the kernel config comes from the tests themselves, as
# kernel CI builds it, with no copy in the workbench to drift from them. A
# file whose content did not change keeps its timestamp.
#
# Usage: kselftest-configs.sh <tree> <rev> <out> <dir>...
set -euo pipefail
tree=$1 rev=$2 out=$3
shift 3
mkdir -p "$out"
for d in "$@"; do
	f=$out/config.$d
	{
		echo "# tools/testing/selftests/$d/config of $(git -C "$tree" log -1 --format='%h (%s)' "$rev")"
		git -C "$tree" show "$rev:tools/testing/selftests/$d/config"
	} > "$f.new"
	if cmp -s "$f.new" "$f"; then rm "$f.new"; else mv "$f.new" "$f"; fi
done
