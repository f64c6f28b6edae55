#!/bin/bash
# The documentation the series touches, on the base and on the series:
# anything the series adds fails.
#
# Usage: lint-docs.sh <tree>
#
#  - kernel-doc: 'scripts/kernel-doc -none -Wall' on every C file and header
#    the series touches (-Wall: also a missing "Return:" description).
#  - reStructuredText: Sphinx (Debian's python3-sphinx; 6.12's default
#    theme, alabaster, comes with it) builds the Documentation/ directories
#    that hold the .rst files the series edits, 'make SPHINXDIRS="<dirs>"
#    htmldocs' in an O= directory of its own, from scratch (an incremental
#    build would not repeat the warnings of unchanged pages). Sphinx rather
#    than a docutils check because it fits: userspace-api and virt take
#    about 1 min per tree on this machine's 2 cores, and Sphinx sees what
#    docutils cannot (toctrees, cross-references, kernel-doc directives).
#    Building a subset gives warnings of its own (a label in a directory not
#    built is undefined); the base has them too.
#
# Prints the count per touched file before and after, then each new
# warning. Warnings are compared without their line numbers, each build's
# whole output (a change can break a page it does not touch). Checked in the
# lint worktree (lint-worktree.sh); a tree's result is kept in
# <tree>/../out/lint-docs under its git tree id, so the base is checked once.
set -euo pipefail
ts=$(dirname "$(realpath "$0")")
tree=$(realpath "$1")
top=$(dirname "$tree")
out=$top/out/lint-docs
# One user of the lint worktree at a time ('make patches' may run while
# 'make lint' does).
exec 9> "$top/lint.lock"
flock 9
mkdir -p "$out"

touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series | grep -v '^tools/' || true)
srcs=$(echo "$touched" | grep -E '\.[ch]$' || true)
rsts=$(echo "$touched" | grep -E '^Documentation/.*\.rst$' || true)
# SPHINXDIRS names directories of Documentation/; a page at its top would
# need the whole book (~30 min), so it is left to the directories below.
dirs=$(echo "$rsts" | sed -n 's|^Documentation/\([^/]*\)/.*|\1|p' | sort -u | xargs)
top_level=$(echo "$rsts" | grep -E '^Documentation/[^/]*$' || true)
[ -z "$top_level" ] || echo "docs: not built (a whole-book page):" $top_level

check() {	# <commit>: warnings to $out/<commit>.kdoc and $out/<commit>.rst
	local key wt
	key="$(git -C "$tree" rev-parse "$1^{tree}") $dirs $(sphinx-build --version)"
	if [ "$(cat "$out/$1.key" 2>/dev/null)" = "$key" ]; then
		echo "docs: $1: unchanged since the last run"
		return
	fi
	rm -f "$out/$1.key"
	wt=$("$ts/lint-worktree.sh" "$tree" "$1")
	for f in $srcs; do
		[ -f "$wt/$f" ] && (cd "$wt" && scripts/kernel-doc -none -Wall "$f" 2>&1)
	done | grep -iE '^[^ ]+:[0-9]+: (warning|error):' | sort > "$out/$1.kdoc" || true
	: > "$out/$1.rst"
	if [ -n "$dirs" ]; then
		rm -rf "$out/sphinx"
		make -C "$wt" O="$out/sphinx" -j2 SPHINXDIRS="$dirs" htmldocs > "$out/$1.sphinx.log" 2>&1 ||
			{ echo "docs: the $1 htmldocs build failed:"; tail -n 20 "$out/$1.sphinx.log"; exit 1; }
		grep -E '(WARNING|ERROR|SEVERE|CRITICAL):' "$out/$1.sphinx.log" |
			sed "s|^$wt/||" | sort > "$out/$1.rst" || true
	fi
	echo "$key" > "$out/$1.key"
}
# "path:L: msg" -> "path: msg"
strip() { sed -E 's/^([^ :]+):[0-9]+: /\1: /' "$@" | sort; }

check base
check series

status=0
for kind in kdoc rst; do
	case $kind in
	kdoc) what=kernel-doc list=$srcs ;;
	rst) what=rst list=$rsts ;;
	esac
	for f in $list; do
		b=$(grep -c "^$f:" "$out/base.$kind" || true)
		s=$(grep -c "^$f:" "$out/series.$kind" || true)
		echo "docs: $what: $f: $b before, $s after"
	done
	new=$(comm -13 <(strip "$out/base.$kind") <(strip "$out/series.$kind"))
	if [ -n "$new" ]; then
		# Each new warning with its line number in the series.
		awk 'NR == FNR { want[$0]++; next }
		     { k = $0; sub(/:[0-9]+: /, ": ", k); if (want[k] > 0) { want[k]--; print } }' \
			<(echo "$new") "$out/series.$kind" | sed "s/^/docs: $what: new: /"
		status=1
	fi
	echo "docs: $what: $(wc -l < "$out/base.$kind") before, $(wc -l < "$out/series.$kind") after, $(printf '%s' "$new" | grep -c . || true) new"
done
exit $status
