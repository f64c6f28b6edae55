#!/bin/bash
# Regenerate patches/ from the series branch: git format-patch with the cover
# letter (its subject and blurb kept in the branch description), a base-commit
# line, no commit ids or signature, so that the same branch gives the same
# files on any machine.
#
# Each patch gets To: and Cc: headers, where 'git format-patch --to --cc'
# puts them, from the series' scripts/get_maintainer.pl run on the patched
# tree (the lint worktree, lint-worktree.sh, at the series): the
# maintainers and reviewers of the sections it touches in To:, their lists
# in Cc:. The cover letter gets the union of all of them. --no-git and
# --no-fixes: the tree has no upstream history, so the answer depends only
# on MAINTAINERS (and .mailmap) and is the same on every machine.
#
# Usage: export-patches.sh <tree> "<patches-dir>..."
#
# Several directories are the postings of one base (prepare-tree.sh):
# each is exported from its branch 'posting/<dir name>', with its own
# cover letter, base-commit and maintainers; 'make tree' then rebuilds
# 'series' from them.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
tree=$(realpath "$1")
read -r -a dests <<< "$2"
top=$(dirname "$tree")
# One user of the lint worktree at a time ('make patches' may run while
# 'make lint' does).
exec 9> "$top/lint.lock"
flock 9

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export_one() {	# <branch> <patches-dir>
	local branch=$1 dest cover=--cover-letter
	dest=$(realpath -m "$2")
	rm -f "$tmp"/*.patch
	# A single patch goes without a cover letter, as the lists expect,
	# unless its branch has a description to make one of.
	if [ "$(git -C "$tree" rev-list --count "base..$branch")" = 1 ] &&
	   ! git -C "$tree" config "branch.$branch.description" > /dev/null; then
		cover=--no-cover-letter
	fi
	# The cover letter is dated with the series tip's author date, which
	# 'git am' keeps, rather than with the time of the export; blob ids in the
	# index lines have a fixed length, not one that depends on how many objects
	# the repository holds.
	GIT_COMMITTER_DATE=$(git -C "$tree" log -1 --format=%aD "$branch") \
	git -C "$tree" -c core.abbrev=12 format-patch -q "$cover" --cover-from-description=subject \
		--base=base --zero-commit --no-signature \
		-o "$tmp" "base..$branch"

	wt=$("$wb/lint/lint-worktree.sh" "$tree" "$branch")
	addrs() {	# <patch> <get_maintainer.pl selection>...: one address a line
		local p=$1
		shift
		(cd "$wt" && perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-fixes \
			--no-rolestats "$@" "$p")
	}
	header() {	# <name> <file with one address a line>: "To: a,\n    b"
		[ -s "$2" ] || return 0
		awk -v n="$1" '{ printf "%s%s", (NR == 1 ? n ": " : ",\n    "), $0 } END { print "" }' "$2"
	}
	addheaders() {	# <patch> <to-file> <cc-file>: after Subject:, as format-patch would
		{ header To "$2"; header Cc "$3"; } > "$tmp/headers"
		awk -v h="$tmp/headers" '
			!done && subj && !/^[ \t]/ { while ((getline l < h) > 0) print l; done = 1 }
			/^Subject: / { subj = 1 }
			{ print }' "$1" > "$1.new"
		mv "$1.new" "$1"
	}
	: > "$tmp/all.to"
	: > "$tmp/all.cc"
	for p in "$tmp"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "$(basename "$p")" != 0000-cover-letter.patch ] || continue
		addrs "$p" --m --r --no-l > "$tmp/to"
		addrs "$p" --no-m --no-r --l | grep -vxF -f "$tmp/to" > "$tmp/cc" || true
		addheaders "$p" "$tmp/to" "$tmp/cc"
		cat "$tmp/to" >> "$tmp/all.to"
		cat "$tmp/cc" >> "$tmp/all.cc"
	done
	# The union, in the order of first appearance.
	awk '!seen[$0]++' "$tmp/all.to" > "$tmp/to"
	awk '!seen[$0]++' "$tmp/all.cc" | grep -vxF -f "$tmp/to" > "$tmp/cc" || true
	[ ! -f "$tmp/0000-cover-letter.patch" ] || addheaders "$tmp/0000-cover-letter.patch" "$tmp/to" "$tmp/cc"

	mkdir -p "$dest"
	rm -f "$dest"/[0-9][0-9][0-9][0-9]-*.patch
	cp "$tmp"/*.patch "$dest"/
	ls "$dest"
}

if [ ${#dests[@]} -eq 1 ]; then
	export_one series "${dests[0]}"
	# The tree now matches patches/: record it so that 'make tree' keeps it.
	printf '%s\nseries %s\n' "$(find "${dests[0]}" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort | xargs cat | sha1sum | cut -d' ' -f1)" \
		"$(git -C "$tree" rev-parse series)" > "$top/series.stamp"
	exit 0
fi
# The postings now match patches/; 'series' is rebuilt from them by the
# next 'make tree' (the stamp's first line matches no patches).
stamp="exported"
for d in "${dests[@]}"; do
	b=posting/$(basename "$d")
	export_one "$b" "$d"
	stamp+=$'\n'"$b $(git -C "$tree" rev-parse "$b")"
done
echo "$stamp" > "$top/series.stamp"
