#!/bin/bash
# Show what changed since a posting of the series: git range-diff between
# that posting (patches/ as this repository had it at <commit>, applied to
# today's base) and the series branch.
#
# Usage: range-diff.sh <tree> <commit> <patches-dir>
#
# <patches-dir> is where the series is today (patches/6.12); a posting
# made before the repository had one directory per base has it in patches/.
#
# The posting is applied with 'git am -3' on a branch of its own
# (posted/<commit>); a patch that does not apply to today's base (the
# posting was on another stable release) is skipped and named, and the
# range-diff shows it as removed.
set -euo pipefail
tree=$(realpath "$1") commit=$2 dir=$3
repo=$(git rev-parse --show-toplevel)
sha=$(git -C "$repo" rev-parse --short "$commit^{commit}")
branch=posted/$sha
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! git -C "$tree" rev-parse -q --verify "$branch" >/dev/null; then
	git -C "$repo" archive "$sha" patches | tar -x -C "$tmp"
	wt=$tmp/wt
	git -C "$tree" worktree add -q --detach "$wt" base
	skipped=()
	src=$tmp/$dir
	[ -d "$src" ] || src=$tmp/patches
	for p in $(ls "$src"/0*.patch | grep -v /0000-); do
		if ! git -C "$wt" am -q -3 "$p" >/dev/null 2>&1; then
			git -C "$wt" am --abort >/dev/null 2>&1 || true
			skipped+=("$(basename "$p")")
		fi
	done
	git -C "$tree" branch -q -f "$branch" "$(git -C "$wt" rev-parse HEAD)"
	git -C "$tree" worktree remove --force "$wt"
	for s in "${skipped[@]}"; do
		echo "range-diff: $s of $sha does not apply to today's base: left out"
	done | tee "$(git -C "$tree" rev-parse --git-common-dir)/posted-$sha.skipped"
else
	cat "$(git -C "$tree" rev-parse --git-common-dir)/posted-$sha.skipped" 2>/dev/null || true
fi
git -C "$tree" range-diff --no-color base.."$branch" base..series
