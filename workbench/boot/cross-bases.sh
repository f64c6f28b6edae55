#!/bin/bash
# The same binaries on two bases: the kselftests and the guides' examples
# built once from one base's series, against its uapi headers, run on the
# other base's series kernel, as a VMM built against one kernel's headers
# runs on another.
#
# Usage: cross-bases.sh <from-base> <to-base>
#
# Both bases' series kernels must be built ('make kernel' and 'make
# BASE=<base> kernel'); a variant that one of <to>'s profiles boots is
# built here if no run built it ('make BASE=<to> PROFILES=<p> variants').
# The tests are those both series carry (bases.tsv), on the host profiles
# both boot; each must give the outcome expected of
# <to>'s series on that host (*/expectations.tsv, then <to>'s own
# expectations.<to>.tsv): the kernel decides, so a case that skips there
# without FWB must skip here too, except where cross-differences.tsv says
# why not. Results go to build/cross/<from>-on-<to>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
wb=workbench
from=$1 to=$2
first=$(awk -F'\t' '!/^#/ && NF { print $1; exit }' $wb/tree/bases.tsv)
dir() { if [ "$1" = "$first" ]; then echo build; else echo "build/$1"; fi; }
col() { awk -F'\t' -v b="$1" -v c="$2" '!/^#/ && $1 == b { print $c }' $wb/tree/bases.tsv; }
all=$(awk -F'\t' '!/^#/ && NF { print $1 }' $wb/boot/profiles.tsv)
profiles() { local p; p=$(col "$1" 6); [ "$p" = '*' ] && echo $all || echo $p; }

# The tests: one base's globs where the other's are '*' (the only case so far).
tests=$(col "$from" 7)
[ "$tests" != '*' ] || tests=$(col "$to" 7)
[ "$(col "$to" 7)" = '*' ] || [ "$(col "$to" 7)" = "$tests" ] ||
	{ echo "cross: $from and $to run different test lists: intersect them first" >&2; exit 1; }
export WB_TESTS=$tests
hosts=$(comm -12 <(profiles "$from" | tr ' ' '\n' | sort) <(profiles "$to" | tr ' ' '\n' | sort))

src=$(dir "$from") dst=$(dir "$to")
out=build/cross/$from-on-$to
rm -rf "$out"
mkdir -p "$out"
selftests=(arch-arm64-kvm/tests.tsv drivers-vhost/tests.tsv)
expect=(arch-arm64-kvm/expectations.tsv drivers-vhost/expectations.tsv Documentation/expectations.tsv)
$wb/build/build-selftests.sh "$src/linux" "$src/out/series" "$out/tests" "${selftests[@]}"
$wb/build/build-guide-examples.sh "$src/out/series" "$out/tests" Documentation/*.md
$wb/boot/select-tests.py series $wb/boot/profiles.tsv "${selftests[@]}" Documentation/tests.tsv \
	-- "${expect[@]}" > "$out/tests.tsv"
WB_CASES="${selftests[*]}" $wb/boot/mkinitramfs.sh build/busybox/busybox "$out/tests" \
	"$out/initramfs.cpio" "$out/tests.tsv"
expect+=($(ls {arch-arm64-kvm,drivers-vhost,Documentation}/expectations."$to".tsv 2>/dev/null || true))
bad=0
for p in $hosts; do
	# A profile with a config fragment of its own boots that variant of the
	# series kernel (run-kernel.sh built it: 'make BASE=<to> run').
	read -r _ variant _ <<< "$($wb/boot/variant.sh "$p" series)"
	image=$dst/out/${variant:-series}/Image
	[ -f "$image" ] || make --no-print-directory BASE="$to" PROFILES="$p" variants
	if [ ! -f "$image" ]; then
		echo "cross: $image is not built: $p not booted"
		bad=1
		continue
	fi
	$wb/boot/run-profile.sh "$image" "$out/initramfs.cpio" "$p" "$out/results" || true
	$wb/judge/judge-profile.py "$out/results/$p.tsv" "$p" \
		--differ $wb/boot/cross-differences.tsv "$from" "$to" \
		--label "cross: $from's binaries on $to's kernel, $p" -- "${expect[@]}" || bad=1
done
exit $bad
