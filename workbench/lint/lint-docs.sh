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
# <tree>/../out/lint-docs under its git tree id and the files it checked, so
# the base is checked once for a series.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
# shellcheck source=lint-lib.sh
. "$wb/lint/lint-lib.sh"
lint_start docs "$1"

touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series | grep -v '^tools/' || true)
srcs=$(echo "$touched" | grep -E '\.[ch]$' || true)
rsts=$(echo "$touched" | grep -E '^Documentation/.*\.rst$' || true)
# SPHINXDIRS names directories of Documentation/; a page at its top would
# need the whole book (~30 min), so it is left to the directories below.
dirs=$(echo "$rsts" | sed -n 's|^Documentation/\([^/]*\)/.*|\1|p' | sort -u | xargs)
top_level=$(echo "$rsts" | grep -E '^Documentation/[^/]*$' || true)
[ -z "$top_level" ] || echo "docs: not built (a whole-book page):" $top_level

# A result is that of the files it checked as much as of the tree: the base's
# depends on which files the series touches, so those are part of its key.
files_key=$(echo "$srcs" "$dirs" | sha1sum | cut -c1-40)

check() {	# <commit>: warnings to $out/<commit>.kdoc and $out/<commit>.rst
	local key wt
	key="$(git -C "$tree" rev-parse "$1^{tree}") $files_key $(sphinx-build --version)"
	if lint_unchanged "$1" "$key" "$1.kdoc" "$1.rst"; then return; fi
	wt=$("$wb/lint/lint-worktree.sh" "$tree" "$1")
	for f in $srcs; do
		[ -f "$wt/$f" ] && (cd "$wt" && scripts/kernel-doc -none -Wall "$f" 2>&1)
	done | grep -iE '^[^ ]+:[0-9]+: (warning|error):' | sort > "$out/$1.kdoc" || true
	: > "$out/$1.rst"
	if [ -n "$dirs" ]; then
		rm -rf "$out/sphinx"
		mkdir -p "$out/sphinx"	# 7.3's kbuild wants O= to exist
		make -C "$wt" O="$out/sphinx" -j2 SPHINXDIRS="$dirs" htmldocs > "$out/$1.sphinx.log" 2>&1 ||
			{ echo "docs: the $1 htmldocs build failed:"; tail -n 20 "$out/$1.sphinx.log"; exit 1; }
		# Without the worktree's and the output's paths, wherever
		# Sphinx puts them (a kernel-doc directive's warning names its
		# header in the middle of the line): the result is kept in the
		# cache that every clone shares, and compared with one that
		# another clone may have made.
		grep -E '(WARNING|ERROR|SEVERE|CRITICAL):' "$out/$1.sphinx.log" |
			sed -e "s|$wt/||g" -e "s|$out/sphinx/||g" | sort > "$out/$1.rst" || true
	fi
	lint_done "$1" "$key" "$1.kdoc" "$1.rst"
}
check base
check series

# "path:L: msg" -> "path: msg"
norm='s/^([^ :]+):[0-9]+: /\1: /'
status=0
lint_compare 'docs: kernel-doc: ' "$norm" "$out/base.kdoc" "$out/series.kdoc" '' "$srcs" || status=1
lint_compare 'docs: rst: ' "$norm" "$out/base.rst" "$out/series.rst" '' "$rsts" || status=1
exit $status
