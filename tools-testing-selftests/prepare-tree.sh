#!/bin/bash
# Prepare the kernel git tree: the Debian linux-source-6.12 tarball committed as
# branch 'base', and branch 'series' = base + patches/ applied with 'git am'.
#
# Usage: prepare-tree.sh <tree-dir> <patches-dir>
#
# The source package version is pinned (PIN below); when the security suite no
# longer serves it, the newest linux-source-6.12 is used and a warning is
# printed. The version used is written to <tree-dir>/../base-version.
#
# An existing tree is reused. 'series' is rebuilt from patches/ when patches/
# changed since the last application, unless the branch carries commits that
# are not in patches/ (then run 'make patches' first); nothing is ever thrown
# away silently.
set -euo pipefail

PIN=6.12.118-1~deb12u1
tree=$(realpath -m "$1")
patches=$(realpath "$2")
top=$(dirname "$tree")
stamp=$top/series.stamp
export GIT_AUTHOR_NAME="Debian linux-source-6.12" GIT_AUTHOR_EMAIL="nobody@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

install_source() {
	local have
	have=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
	[ "$have" = "$PIN" ] && return
	if [ -n "$have" ] && [ -n "${WORKBENCH_ANY_SOURCE:-}" ]; then
		return
	fi
	$sudo apt-get update -qq
	if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --allow-downgrades \
		"linux-source-6.12=$PIN" >/dev/null 2>&1; then
		echo "##########################################################" >&2
		echo "# WARNING: linux-source-6.12=$PIN is no longer served;" >&2
		echo "# falling back to the newest linux-source-6.12." >&2
		echo "##########################################################" >&2
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq linux-source-6.12 >/dev/null
	fi
}

patch_list() {
	find "$patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort
}

patches_sum() {
	cat $(patch_list) /dev/null | sha1sum | cut -d' ' -f1
}

if ! git -C "$tree" rev-parse -q --verify refs/heads/base >/dev/null 2>&1; then
	install_source
	version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	echo "tree: unpacking linux-source-6.12 $version"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" -xJf /usr/src/linux-source-6.12.tar.xz
	mv "$tree.tmp"/linux-source-6.12 "$tree"
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
		git commit -q -m "Linux $version (Debian linux-source-6.12)"
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
		echo "# tree: patch $n of $(patch_list | wc -l) does not apply to linux-source-6.12 $(cat "$top/base-version"):" >&2
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
