#!/bin/bash
# Boot one kernel on every host profile that has tests for it.
#
# Usage: run-kernel.sh <tree> <commit> <out-dir> <kernel> <results-dir> <timings.tsv> <fragment>...
#
# <out-dir>/<kernel> holds the kernel's Image, its initramfs.cpio and the
# list of the profiles on which it runs a test (select-tests.py
# --profiles); it boots no other profile. A profile whose last column names a config fragment boots a
# variant of the kernel: <commit> built with <fragment>... and that one, in
# <out-dir>/<kernel>.<suffix> ('config.<suffix>' being the fragment's name)
# with an object directory of its own. Each build and boot is a stage of
# <timings.tsv>; results go to <results-dir>/<kernel>/<profile>.tsv.
# PROFILES="<name>..." in the environment boots only those profiles.
set -uo pipefail
ts=$(dirname "$(realpath "$0")")
tree=$1 commit=$2 out=$3 kernel=$4 res=$5 times=$6
shift 6
frags=("$@")

rm -rf "${res:?}/$kernel"

while IFS=$'\t' read -r -u 3 profile _ _ _ _ config; do
	if [ -n "${PROFILES:-}" ] && [[ " $PROFILES " != *" $profile "* ]]; then
		continue
	fi
	if ! grep -qxF "$profile" "$out/$kernel/profiles"; then
		echo "run: $kernel has no test for $profile: not booted"
		continue
	fi
	image=$out/$kernel/Image
	if [ "${config:--}" != - ]; then
		suffix=${config##*config.}
		variant=$kernel.$suffix
		if ! KOBJ=$(dirname "$tree")/out/obj.$suffix KBUILDS=$out/builds \
			"$ts/stage.sh" "$times" "kernel-$variant" "$ts/build-kernel.sh" \
			"$tree" "$commit" "$out/$variant" "${frags[@]}" "$config"; then
			echo "run: $variant does not build: $profile not booted"
			continue
		fi
		image=$out/$variant/Image
	fi
	"$ts/stage.sh" "$times" "run-$kernel-$profile" "$ts/run-profile.sh" "$image" \
		"$out/$kernel/initramfs.cpio" "$profile" "$res/$kernel"
done 3< <(grep -v '^#' "$ts/profiles.tsv" | grep .)
exit 0
