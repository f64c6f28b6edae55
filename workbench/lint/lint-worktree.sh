#!/bin/bash
# Check <commit> out in the lint scripts' own worktree, <tree>/../lint
# (created on first use, detached), and print its path: the lint checks
# never touch <tree> or the worktree the kernels are built in (../src).
# Its users hold <tree>/../lint.lock (flock) while they use it.
#
# Usage: lint-worktree.sh <tree> <commit>
set -euo pipefail
tree=$(realpath "$1")
wt=$(dirname "$tree")/lint
git -C "$tree" worktree prune
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" "$2"
git -C "$wt" checkout -q -f --detach "$2"
echo "$wt"
