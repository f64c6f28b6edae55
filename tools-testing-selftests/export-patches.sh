#!/bin/bash
# Regenerate patches/ from the series branch: git format-patch with the cover
# letter (its subject and blurb kept in the branch description), a base-commit
# line, no commit ids or signature, so that the same branch gives the same
# files on any machine.
#
# Usage: export-patches.sh <tree> <patches-dir>
set -euo pipefail
tree=$(realpath "$1")
dest=$(realpath -m "$2")
top=$(dirname "$tree")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The cover letter is dated with the series tip's author date, which
# 'git am' keeps, rather than with the time of the export; blob ids in the
# index lines have a fixed length, not one that depends on how many objects
# the repository holds.
GIT_COMMITTER_DATE=$(git -C "$tree" log -1 --format=%aD series) \
git -C "$tree" -c core.abbrev=12 format-patch -q --cover-letter --cover-from-description=subject \
	--base=base --zero-commit --no-signature \
	-o "$tmp" base..series
mkdir -p "$dest"
rm -f "$dest"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/*.patch "$dest"/
# The tree now matches patches/: record it so that 'make tree' keeps it.
printf '%s\n%s\n' "$(find "$dest" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort | xargs cat | sha1sum | cut -d' ' -f1)" \
	"$(git -C "$tree" rev-parse series)" > "$top/series.stamp"
ls "$dest"
