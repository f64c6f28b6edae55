#!/bin/bash
# Build the arm64 Image and uapi headers of one kernel variant.
#
# Usage: build-kernel.sh <tree> <commit> <variant-dir> <fragment>...
#
# <commit> is a ref, or the subject of a commit in base..series.
# Every variant is built in the same worktree (<tree>/../src, checked out at
# <commit>) and the same object directory (<tree>/../out/obj): switching
# variants recompiles only what differs between them, and ccache, which keys
# on absolute paths, hits for everything it has seen in either. A variant
# with a config of its own (KOBJ=<dir> in the environment) gets its own
# object directory, so that switching configs does not rebuild everything.
# The results are copied to <variant-dir> (Image, usr/include, config); a
# stamp there skips the build when neither <commit> nor the fragments
# changed. With KBUILDS=<dir> in the environment, every build is also kept
# there under its commit, final .config and this script's hash, and a
# commit already built with the same .config and script, in any variant and
# any clone, is not built again but copied. The Makefile keeps it outside
# the clone (~/.cache/kernel-workbench/builds, next to ccache's directory),
# so that CI's fresh clone takes the kernels the session built, as it takes
# ccache's objects; a build unused for a week is removed.
#
# The config is allnoconfig plus the fragments, merged with the tree's own
# merge_config.sh. Every option a fragment asks for must hold in the final
# .config (as kunit.py checks), otherwise the build fails and names it; an
# option that the variant's Kconfig does not define at all (one the series
# adds, when building the base), or one asked to be unset that the tree
# selects (as the series selects JUMP_LABEL), is reported and skipped.
#
# WB_ARCH=x86_64 in the environment builds an x86-64 bzImage with the host's
# gcc instead (make bench's x86-kvm profile); it is still copied as Image.
set -euo pipefail

tree=$(realpath "$1")
commit=$2
dest=$(realpath -m "$3")
shift 3
frags=()
for f in "$@"; do frags+=("$(realpath "$f")"); done

top=$(dirname "$tree")
src=$top/src
obj=$(realpath -m "${KOBJ:-$top/out/obj}")
if ! sha=$(git -C "$tree" rev-parse -q --verify "$commit^{commit}"); then
	sha=$(git -C "$tree" log --format='%H %s' base..series |
		awk -v s="$commit" 'substr($0, 42) == s { print $1 }')
	[ -n "$sha" ] || { echo "kernel: no commit '$commit' in base..series" >&2; exit 1; }
fi
name=$(basename "$dest")

mkdir -p "$dest" "$obj"
# The worktree is left at <commit> in every case, an up-to-date kernel
# included: bisect.sh builds the prefix's tests from it.
[ -d "$src" ] || git -C "$tree" worktree add -q --detach "$src" "$sha"
git -C "$src" checkout -q -f --detach "$sha"
stamp="$sha $(cat "${frags[@]}" | sha1sum | cut -d' ' -f1)"
if [ -f "$dest/Image" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "kernel $name: up to date ($(git -C "$tree" log -1 --format='%h %s' "$sha"))"
	exit 0
fi
rm -f "$dest/stamp"

echo "kernel $name: $(git -C "$src" log -1 --format='%h %s')"

case ${WB_ARCH:-arm64} in
arm64)	export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	target=Image image=arch/arm64/boot/Image ;;
x86_64)	export ARCH=x86_64 CROSS_COMPILE=
	target=bzImage image=arch/x86/boot/bzImage ;;
*)	echo "kernel: WB_ARCH=$WB_ARCH: not arm64 or x86_64" >&2; exit 1 ;;
esac
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$top")} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1} \
	CCACHE_DEPEND=${CCACHE_DEPEND:-1}
mk=(make -s -C "$src" O="$obj" -j"${JOBS:-3}" CC="ccache ${CROSS_COMPILE}gcc"
    KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=workbench KBUILD_BUILD_HOST=workbench)

# The build, with a line every 30 s (instead of minutes of silence): the
# files compiled so far, out of how many the last full build of this object
# directory compiled. Warnings and errors (stderr) pass through as ever.
build_with_progress() {
	local last=$SECONDS start=$SECONDS total rc n
	total=$(cat "$obj/.wb-files" 2>/dev/null || true)
	make "${mk[@]:2}" "$@" | {
		n=0
		while IFS= read -r line; do
			case $line in "  CC "*|"  AS "*) n=$((n + 1)) ;; esac
			[ $((SECONDS - last)) -ge 30 ] || continue
			last=$SECONDS
			printf '    %s kernel %s: %d files compiled%s, %d s\n' "$(date +%T)" \
				"$name" "$n" "${total:+ of at most $total}" $((SECONDS - start))
		done
		echo "$n" > "$obj/.wb-count"
	}
	rc=${PIPESTATUS[0]}
	n=$(cat "$obj/.wb-count")
	# The most a build of this object directory has compiled: a full one.
	[ "$rc" -ne 0 ] || [ "$n" -le "${total:-0}" ] || echo "$n" > "$obj/.wb-files"
	return "$rc"
}

srcarch=${ARCH/x86_64/x86}

# What the final .config depends on: the Kconfig files, the scripts and
# Makefiles they and kconfig run, the fragments, the make command (its
# compiler), the installed packages (the compilers' versions, whether they
# link, pahole, rustc) and this script. Prefixes of a series that touch no
# Kconfig file have the same key, so their .config is not made again.
config_key() {
	{
		git -C "$src" ls-tree -r HEAD | awk -F'\t' '$2 ~ /(^|\/)Kconfig[^\/]*$/'
		git -C "$src" rev-parse HEAD:scripts HEAD:Makefile "HEAD:arch/$srcarch/Makefile"
		cat "${frags[@]}"
		echo "${mk[*]}"
		dpkg-query -W -f '${Package} ${Version}\n' 2>/dev/null || true
		cat "$0"
	} | sha1sum | cut -d' ' -f1
}

# allnoconfig, the fragments, olddefconfig; then every requested option must
# hold.
make_config() {
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
	# Defined for this architecture: in a Kconfig outside arch/, in arch/Kconfig
	# or in this architecture's own (the KVM kselftest config asks for x86's
	# KVM_INTEL and KVM_AMD, which arm64 does not have).
	defined() {
		local re="^(menu)?config ${1#CONFIG_}\$"
		grep -rqsE "$re" --include='Kconfig*' --exclude-dir=arch "$src" ||
			grep -qsE "$re" "$src/arch/Kconfig" ||
			grep -rqsE "$re" --include='Kconfig*' "$src/arch/$srcarch"
	}
	selected() { grep -rqsE "^\s*select ${1#CONFIG_}(\s|\$)" --include='Kconfig*' "$src"; }
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
			echo "config: $opt is not defined by this tree for $srcarch (@name@), skipped"
			continue
		fi
		if [ "$line" = "$opt=n" ] && selected "$opt"; then
			echo "config: '$line' requested, but this tree (@name@) selects it: '$have'"
			continue
		fi
		echo "config: '$line' requested but the final .config has '$have'" >&2
		bad=1
	done < <(	# the last request for each option, as merge_config.sh applies them
		awk '/^CONFIG_[A-Za-z0-9_]+=/ { o = substr($0, 1, index($0, "=") - 1) }
		     /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { o = $2 }
		     o { if (!(o in v)) order[n++] = o; v[o] = $0; o = "" }
		     END { for (i = 0; i < n; i++) print v[order[i]] }' "$obj/fragment.config")
	[ $bad -eq 0 ] || exit 1
}

key=$(config_key)
if [ -f "$obj/.config" ] && [ -f "$obj/.wb-config-check" ] &&
   [ "$(cat "$obj/.wb-config-key" 2>/dev/null)" = "$key $(sha1sum < "$obj/.config" | cut -d' ' -f1)" ]; then
	# The .config these inputs make is already there (unchanged since):
	# the same requests hold, and the same ones were skipped.
	sed "s/@name@/$name/" "$obj/.wb-config-check"
else
	rm -f "$obj/.wb-config-key"
	make_config > "$obj/.wb-config-check"
	sed "s/@name@/$name/" "$obj/.wb-config-check"
	echo "$key $(sha1sum < "$obj/.config" | cut -d' ' -f1)" > "$obj/.wb-config-key"
fi

built=$dest/build
if [ -n "${KBUILDS:-}" ]; then
	# The commit (its id is reproducible: fixed dates, prepare-tree.sh),
	# the final .config (which names the compiler's, assembler's and
	# linker's versions) and this script (the make command) make the
	# build: the same three give the same Image and headers.
	kbuilds=$(realpath -m "$KBUILDS")
	built=$kbuilds/$sha-$(sha1sum < "$obj/.config" | cut -c1-12)-$(sha1sum < "$0" | cut -c1-8)
	# Builds not used for a week go.
	mkdir -p "$kbuilds"
	find "$kbuilds" -mindepth 2 -maxdepth 2 -name stamp -mtime +7 -printf '%h\0' | xargs -0r rm -rf
fi
if [ "$built" != "$dest/build" ] && [ -f "$built/stamp" ]; then
	echo "kernel $name: the same commit, .config and build script as $(cat "$built/stamp"): reused"
	touch "$built/stamp"
else
	build_with_progress "$target"
	# Made aside and moved into place, so that a build that another
	# clone's make reads at the same time is whole or absent.
	tmp=$built.new.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	"${mk[@]}" headers_install INSTALL_HDR_PATH="$tmp/usr" >/dev/null
	cp "$obj/$image" "$tmp/Image"
	cp "$obj/.config" "$tmp/config"
	echo "$name ($(realpath "$tree"))" > "$tmp/stamp"
	rm -rf "$built"
	mv -T "$tmp" "$built" 2>/dev/null || rm -rf "$tmp"
fi
rm -rf "$dest/usr"
cp -r "$built/Image" "$built/config" "$built/usr" "$dest/"
[ "$built" != "$dest/build" ] || rm -rf "$built"
echo "$stamp" > "$dest/stamp"
