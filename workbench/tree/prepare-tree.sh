#!/bin/bash
# Prepare the kernel git tree: a Debian linux-source-* tarball committed as
# branch 'base', and branch 'series' = base + patches/ applied with 'git am'.
#
# Usage: prepare-tree.sh <tree-dir> "<patches-dir>..." [<base>]
#
# Several patch directories are the postings of one base, each one a
# series of its own on the base (its own cover letter and maintainers):
# branch 'posting/<dir name>' is base + that posting, the branch to edit
# it on, and 'series' is base + every posting in the order given, the
# kernel that is tested. One directory is the series itself, edited on
# 'series'.
#
# <base> names a line of bases.tsv (default: its first): the source
# package, its pinned version and where it comes from. When the pin is no
# longer served, the newest version of the package is used and a warning is
# printed. The version used is written to <tree-dir>/../base-version.
#
# An existing tree is reused. 'series' is rebuilt from patches/ when patches/
# changed since the last application, unless the branch carries commits that
# are not in patches/ (then run 'make patches' first); nothing is ever thrown
# away silently.
set -euo pipefail

wb=$(dirname "$(dirname "$(realpath "$0")")")
tree=$(realpath -m "$1")
read -r -a shown <<< "$2"
dirs=()
for d in "${shown[@]}"; do
	dirs+=("$(realpath "$d")")
done
top=$(dirname "$tree")
stamp=$top/series.stamp
IFS=$'\t' read -r BASE PKG PIN SOURCE _ < <(awk -F'\t' -v b="${3:-}" \
	'!/^#/ && NF && (b == "" || $1 == b) { print; exit }' "$wb/tree/bases.tsv")
[ -n "${PKG:-}" ] || { echo "tree: no base '${3:-}' in $wb/tree/bases.tsv" >&2; exit 1; }
export GIT_AUTHOR_NAME="Debian $PKG" GIT_AUTHOR_EMAIL="nobody@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

warn_unpinned() {
	echo "##########################################################" >&2
	echo "# WARNING: $PKG=$PIN is no longer served;" >&2
	echo "# falling back to the newest $PKG." >&2
	echo "##########################################################" >&2
}

# Install (system) or download and unpack (a private source list) the
# package; print the version and the path of its tarball.
fetch_source() {
	local have dir apt deb
	if [ "$SOURCE" = system ]; then
		have=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)
		if [ "$have" != "$PIN" ] && { [ -z "$have" ] || [ -z "${WORKBENCH_ANY_SOURCE:-}" ]; }; then
			$sudo apt-get update -qq >&2
			if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
				--allow-downgrades "$PKG=$PIN" >/dev/null 2>&1; then
				warn_unpinned
				DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$PKG" >/dev/null
			fi
		fi
		echo "$(dpkg-query -W -f='${Version}' "$PKG") /usr/src/$PKG.tar.xz"
		return
	fi
	dir=$top/sources/$BASE
	# Downloaded packages are kept outside the clone, by package and
	# version (a download cache: the same file whoever fetched it).
	pkg=${WB_LINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-workbench}/sources/$PKG
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$pkg"
	echo "$SOURCE" > "$dir/sources.list"
	apt=(-oDir::Etc::SourceList="$dir/sources.list" -oDir::Etc::SourceParts=/dev/null
	     -oDir::State::Lists="$dir/lists" -oDir::State::status=/dev/null
	     -oDir::Cache="$dir/cache" -qq)
	deb=$(ls "$pkg/${PKG}_${PIN}_"*.deb 2>/dev/null | tail -n 1 || true)
	if [ -z "$deb" ]; then
		apt-get "${apt[@]}" update >&2
		if ! (cd "$pkg" && apt-get "${apt[@]}" download "$PKG=$PIN" >&2 2>/dev/null); then
			warn_unpinned
			(cd "$pkg" && apt-get "${apt[@]}" download "$PKG" >&2)
		fi
		deb=$(ls -t "$pkg/${PKG}_"*.deb | head -n 1)
	fi
	rm -rf "$dir/root"
	dpkg -x "$deb" "$dir/root"
	echo "$(dpkg-deb -f "$deb" Version) $dir/root/usr/src/$PKG.tar.xz"
}

dir_patches() {	# <dir>
	find "$1" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort
}

patch_list() {
	local d
	for d in "${dirs[@]}"; do
		dir_patches "$d"
	done
}

# The branches that hold commits to export: 'series', or the postings'.
edit_branches() {
	local d
	if [ ${#dirs[@]} -eq 1 ]; then
		echo series
		return
	fi
	for d in "${dirs[@]}"; do
		echo "posting/$(basename "$d")"
	done
}

patches_sum() {
	cat $(patch_list) /dev/null | sha1sum | cut -d' ' -f1
}

if ! git -C "$tree" rev-parse -q --verify refs/heads/base >/dev/null 2>&1; then
	read -r version tarball < <(fetch_source)
	echo "tree: unpacking $PKG $version"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" -xJf "$tarball"
	mv "$tree.tmp/$PKG" "$tree"
	rmdir "$tree.tmp"
	# Debian's tarball ends .gitignore with a packaging rule ('/*', '!/debian/')
	# that ignores the whole tree: drop that block before committing.
	sed -i '/^# Debian packaging/,$d' "$tree/.gitignore"
	cd "$tree"
	git init -q -b base
	# No automatic repack: the first 'git am' would start one of the
	# base's 80,000 loose objects in the background, a minute or two of CPU
	# taken from the kernel build that follows. The tree is made here and
	# thrown away by 'make tree' when the base changes.
	git config gc.auto 0
	git config user.name >/dev/null || git config user.name "workbench"
	git config user.email >/dev/null || git config user.email "workbench@localhost"
	git add -A
	# A fixed date makes the base commit id depend on the source alone.
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git commit -q -m "Linux $version (Debian $PKG)"
	echo "$version" > "$top/base-version"
fi
cd "$tree"
[ -f "$top/base-version" ] || git log -1 --format=%s base | awk '{print $2}' > "$top/base-version"

want=$(patches_sum)
# The stamp: the patches' sum, then '<branch> <commit>' for each branch
# that make patches exported (an older stamp has the series' commit alone).
recorded() {	# <branch>: its commit when patches/ was last applied or exported
	sed -n '2,$p' "$stamp" 2>/dev/null | awk -v b="$1" 'NF == 1 && b == "series" { print $1 } $1 == b { print $2 }'
}
if git rev-parse -q --verify refs/heads/series >/dev/null; then
	if [ "$(sed -n 1p "$stamp" 2>/dev/null)" = "$want" ]; then
		exit 0
	fi
	for b in $(edit_branches); do
		if git rev-parse -q --verify "refs/heads/$b" >/dev/null &&
		   [ "$(git rev-parse "$b")" != "$(recorded "$b")" ]; then
			echo "tree: branch '$b' has commits that are not in patches/ and patches/ changed too." >&2
			echo "tree: run 'make patches' to export the branch, or reset it, then try again." >&2
			exit 1
		fi
	done
fi

# git am <patch>... onto <start> as branch <branch>, or say which one fails.
apply() {	# <branch> <start> <patch>...
	local branch=$1 start=$2 failed n
	shift 2
	git checkout -q -f -B "$branch" "$start"
	git am -q --abort 2>/dev/null || true
	[ $# -gt 0 ] || return 0
	# Fixed committer dates keep commit ids reproducible across machines.
	if ! git am -q --committer-date-is-author-date "$@" >"$top/am.log" 2>&1; then
		failed=$(git am --show-current-patch=raw 2>/dev/null | sed -n 's/^Subject: //p' | head -n 1)
		n=$(( $(git rev-list --count "$start..HEAD") + 1 ))
		git am -q --abort 2>/dev/null || true
		echo "##########################################################" >&2
		echo "# tree: patch $n of $# for '$branch' does not apply to $PKG $(cat "$top/base-version"):" >&2
		echo "#   $(basename "${!n}")" >&2
		echo "#   $failed" >&2
		echo "# the series must be rebased onto this base (git am's words: $top/am.log)" >&2
		echo "##########################################################" >&2
		sed 's/^/  /' "$top/am.log" >&2
		exit 1
	fi
}

# Keep a cover letter's subject and blurb as its branch's description;
# 'make patches' turns it back into 0000-cover-letter.patch.
describe() {	# <branch> <patches-dir>
	local cover=$2/0000-cover-letter.patch
	[ -f "$cover" ] || return 0
	python3 - "$cover" > "$top/cover.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
head, body = text.split('\n\n', 1)
subj = re.search(r'^Subject: (?:\[[^]]*\] )?(.*(?:\n .*)*)', head, re.M).group(1)
subj = re.sub(r'\n ', ' ', subj)
out = []
for line in body.split('\n'):
    if re.match(r'^\S.* \(\d+\):$', line):
        break
    out.append(line)
print(subj + '\n\n' + '\n'.join(out).rstrip())
PY
	git config -f .git/config "branch.$1.description" "$(cat "$top/cover.txt")"
}

echo "tree: applying $(patch_list | wc -l) patches from ${shown[*]}"
if [ ${#dirs[@]} -gt 1 ]; then
	for d in "${dirs[@]}"; do
		mapfile -t list < <(dir_patches "$d")
		apply "posting/$(basename "$d")" base "${list[@]}"
		describe "posting/$(basename "$d")" "$d"
	done
fi
mapfile -t list < <(patch_list)
apply series base "${list[@]}"
[ ${#dirs[@]} -gt 1 ] || describe series "${dirs[0]}"
{
	echo "$want"
	for b in $(edit_branches); do
		echo "$b $(git rev-parse "$b")"
	done
} > "$stamp"
