#!/bin/bash
# Keep a detached worktree of the kernel tree at a given commit.
#
# Usage: worktree-at.sh <tree> <worktree-dir> <ref | subject of a commit in base..series>
#
# The worktree path never changes, so that ccache keeps hitting across runs.
set -euo pipefail
tree=$(realpath "$1")
wt=$(realpath -m "$2")
what=$3

if git -C "$tree" rev-parse -q --verify "$what^{commit}" >/dev/null; then
	sha=$(git -C "$tree" rev-parse "$what^{commit}")
else
	sha=$(git -C "$tree" log --format='%H %s' base..series | awk -v s="$what" 'substr($0, 42) == s { print $1 }')
	[ -n "$sha" ] || { echo "worktree: no commit '$what' in base..series" >&2; exit 1; }
fi
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" "$sha"
[ "$(git -C "$wt" rev-parse HEAD)" = "$sha" ] || git -C "$wt" checkout -q --detach "$sha"
