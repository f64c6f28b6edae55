#!/bin/bash
# Build the arm64 Image and uapi headers of one kernel variant.
#
# Usage: build-kernel.sh <tree> <commit> <variant-dir> <fragment>...
#
# <commit> is a ref, or the subject of a commit in base..series.
# Every variant is built in the same worktree (<tree>/../src, checked out at
# <commit>) and the same object directory (<tree>/../out/obj): switching
# variants recompiles only what differs between them, and ccache, which keys
# on absolute paths, hits for everything it has seen in either. The results
# are copied to <variant-dir> (Image, usr/include, config); a stamp there
# skips the build when neither <commit> nor the fragments changed.
#
# The config is allnoconfig plus the fragments, merged with the tree's own
# merge_config.sh. Every option a fragment asks for must hold in the final
# .config (as kunit.py checks), otherwise the build fails and names it; an
# option that the variant's Kconfig does not define at all (one the series
# adds, when building the base) is reported and skipped.
set -euo pipefail

tree=$(realpath "$1")
commit=$2
dest=$(realpath -m "$3")
shift 3
frags=()
for f in "$@"; do frags+=("$(realpath "$f")"); done

top=$(dirname "$tree")
src=$top/src
obj=$top/out/obj
if ! sha=$(git -C "$tree" rev-parse -q --verify "$commit^{commit}"); then
	sha=$(git -C "$tree" log --format='%H %s' base..series |
		awk -v s="$commit" 'substr($0, 42) == s { print $1 }')
	[ -n "$sha" ] || { echo "kernel: no commit '$commit' in base..series" >&2; exit 1; }
fi
name=$(basename "$dest")

mkdir -p "$dest" "$obj"
stamp="$sha $(cat "${frags[@]}" | sha1sum | cut -d' ' -f1)"
if [ -f "$dest/Image" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "kernel $name: up to date ($(git -C "$tree" log -1 --format='%h %s' "$sha"))"
	exit 0
fi
rm -f "$dest/stamp"

[ -d "$src" ] || git -C "$tree" worktree add -q --detach "$src" "$sha"
git -C "$src" checkout -q -f --detach "$sha"
echo "kernel $name: $(git -C "$src" log -1 --format='%h %s')"

export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_DIR=${CCACHE_DIR:-$top/out/ccache}
mk=(make -s -C "$src" O="$obj" -j"${JOBS:-3}" CC="ccache aarch64-linux-gnu-gcc"
    KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=workbench KBUILD_BUILD_HOST=workbench)

# A config identical to the last one keeps its timestamp, so that kbuild
# does not even re-run syncconfig.
cat "${frags[@]}" > "$obj/fragment.config"
[ -f "$obj/.config" ] && cp -p "$obj/.config" "$obj/.config.last"
"${mk[@]}" allnoconfig >/dev/null
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$obj/fragment.config" >/dev/null)
"${mk[@]}" olddefconfig >/dev/null
if cmp -s "$obj/.config" "$obj/.config.last" 2>/dev/null; then
	touch -r "$obj/.config.last" "$obj/.config"
fi

# Every requested option must have survived olddefconfig.
defined() { grep -rqsE "^(menu)?config ${1#CONFIG_}\$" --include='Kconfig*' "$src"; }
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) opt=${line%%=*} ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; line="$opt=n" ;;
	*) continue ;;
	esac
	have=$(grep "^$opt=" "$obj/.config" || echo "$opt=n")
	[ "$have" = "$line" ] && continue
	if ! defined "$opt"; then
		echo "config: $opt is not defined by this tree ($name), skipped"
		continue
	fi
	echo "config: '$line' requested but the final .config has '$have'" >&2
	bad=1
done < "$obj/fragment.config"
[ $bad -eq 0 ] || exit 1

"${mk[@]}" Image
rm -rf "$dest/usr"
"${mk[@]}" headers_install INSTALL_HDR_PATH="$dest/usr" >/dev/null
cp "$obj/arch/arm64/boot/Image" "$dest/Image"
cp "$obj/.config" "$dest/config"
echo "$stamp" > "$dest/stamp"
