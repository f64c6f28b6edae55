#!/bin/bash
# Build an arm64 kernel Image and its installed uapi headers.
#
# Usage: build-kernel.sh <source-tree> <output-dir> <fragment>...
#
# The config is allnoconfig plus the fragments, merged with the tree's own
# merge_config.sh. Every option a fragment asks for must hold in the final
# .config (as kunit.py checks), otherwise the build fails and names it.
set -euo pipefail

src=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
frags=()
for f in "$@"; do frags+=("$(realpath "$f")"); done

jobs=${JOBS:-3}
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_DIR=${CCACHE_DIR:-$(dirname "$out")/ccache}
mk=(make -s -C "$src" O="$out" -j"$jobs" CC="ccache aarch64-linux-gnu-gcc"
    KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=workbench KBUILD_BUILD_HOST=workbench)

mkdir -p "$out"
cat "${frags[@]}" > "$out/fragment.config"
if ! cmp -s "$out/fragment.config" "$out/fragment.config.used" 2>/dev/null || [ ! -f "$out/.config" ]; then
	"${mk[@]}" allnoconfig >/dev/null
	(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$out/fragment.config" >/dev/null)
	"${mk[@]}" olddefconfig >/dev/null
	cp "$out/fragment.config" "$out/fragment.config.used"
fi

# Every requested option must have survived olddefconfig.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) opt=${line%%=*}
		grep -q "^$opt=" "$out/.config" && { echo "config: $opt is set, fragment wants it off" >&2; bad=1; } ;;
	CONFIG_*=*) grep -qxF "$line" "$out/.config" ||
		{ echo "config: '$line' requested but the final .config has '$(grep "^${line%%=*}=" "$out/.config" || echo "${line%%=*} unset")'" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" "$out/.config" && { echo "config: $opt is set, fragment wants it off" >&2; bad=1; } ;;
	esac
done < "$out/fragment.config"
[ $bad -eq 0 ] || exit 1

"${mk[@]}" Image
"${mk[@]}" headers_install INSTALL_HDR_PATH="$out/usr" >/dev/null
