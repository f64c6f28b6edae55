#!/bin/bash
# Prepare the kernel git tree: a Debian linux-source-* tarball committed as
# branch 'base', and branch 'series' = base + patches/ applied with 'git am'.
#
# Usage: prepare-tree.sh <tree-dir> <patches-dir> [<base>]
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
patches=$(realpath "$2")
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
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/pkg"
	echo "$SOURCE" > "$dir/sources.list"
	apt=(-oDir::Etc::SourceList="$dir/sources.list" -oDir::Etc::SourceParts=/dev/null
	     -oDir::State::Lists="$dir/lists" -oDir::State::status=/dev/null
	     -oDir::Cache="$dir/cache" -qq)
	if ! ls "$dir/pkg/${PKG}_"*.deb >/dev/null 2>&1; then
		apt-get "${apt[@]}" update >&2
		if ! (cd "$dir/pkg" && apt-get "${apt[@]}" download "$PKG=$PIN" >&2 2>/dev/null); then
			warn_unpinned
			(cd "$dir/pkg" && apt-get "${apt[@]}" download "$PKG" >&2)
		fi
	fi
	deb=$(ls "$dir/pkg/${PKG}_"*.deb | tail -n 1)
	rm -rf "$dir/root"
	dpkg -x "$deb" "$dir/root"
	echo "$(dpkg-deb -f "$deb" Version) $dir/root/usr/src/$PKG.tar.xz"
}

patch_list() {
	find "$patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort
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
if git rev-parse -q --verify refs/heads/series >/dev/null; then
	have_sum=$(sed -n 1p "$stamp" 2>/dev/null || true)
	have_head=$(sed -n 2p "$stamp" 2>/dev/null || true)
	if [ "$have_sum" = "$want" ]; then
		exit 0
	fi
	if [ "$(git rev-parse series)" != "$have_head" ]; then
		echo "tree: branch 'series' has commits that are not in patches/ and patches/ changed too." >&2
		echo "tree: run 'make patches' to export the branch, or reset it, then try again." >&2
		exit 1
	fi
fi

echo "tree: applying $(patch_list | wc -l) patches from patches/"
git checkout -q -f -B series base
git am -q --abort 2>/dev/null || true
if [ -n "$(patch_list)" ]; then
	# Fixed committer dates keep commit ids reproducible across machines.
	if ! git am -q --committer-date-is-author-date $(patch_list) >"$top/am.log" 2>&1; then
		failed=$(git am --show-current-patch=raw 2>/dev/null | sed -n 's/^Subject: //p' | head -n 1)
		n=$(( $(git rev-list --count base..HEAD) + 1 ))
		git am -q --abort 2>/dev/null || true
		echo "##########################################################" >&2
		echo "# tree: patch $n of $(patch_list | wc -l) does not apply to $PKG $(cat "$top/base-version"):" >&2
		echo "#   $(patch_list | sed -n "${n}p" | xargs basename)" >&2
		echo "#   $failed" >&2
		echo "# the series must be rebased onto this base (git am's words: $top/am.log)" >&2
		echo "##########################################################" >&2
		sed 's/^/  /' "$top/am.log" >&2
		exit 1
	fi
fi
cover=$patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
	# Keep the cover letter's subject and blurb as the branch description;
	# 'make patches' turns it back into 0000-cover-letter.patch.
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
	git config -f .git/config branch.series.description "$(cat "$top/cover.txt")"
fi
printf '%s\n%s\n' "$want" "$(git rev-parse series)" > "$stamp"
