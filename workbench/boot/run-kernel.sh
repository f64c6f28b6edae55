#!/bin/bash
# Boot one kernel on every host profile that has tests for it.
#
# Usage: run-kernel.sh <tree> <commit> <out-dir> <kernel> <results-dir> <timings.tsv> <fragment>...
#
# <out-dir>/<kernel> holds the kernel's Image, its initramfs.cpio and the
# list of the profiles on which it runs a test (select-tests.py
# --profiles); it boots no other profile. A profile whose last column names a config fragment boots a
# variant of the kernel: <commit> built with <fragment>... and that one, in
# <out-dir>/<kernel>.<suffix> with an object directory of its own
# (variant.sh names both). Each build and boot is a stage of
# <timings.tsv>; results go to <results-dir>/<kernel>/<profile>.tsv.
# PROFILES="<name>..." in the environment boots only those profiles (the
# results of the others stay as they were); WB_BUILD_ONLY=1 builds their
# variants and boots nothing.
# The variants are built first, then the profiles boot WB_BOOT_JOBS at a
# time (default: the number of CPUs), the longest first: the debug profiles,
# then those in protected mode (7.3's pkvm-fwb: 116 s against fwb's 78 s on
# the series, 92 s against 9 s on before-kvm, measured 2026-12-05), then the
# order of profiles.tsv. Each VM is one host thread (single-threaded TCG,
# run-profile.sh).
set -uo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
tree=$1 commit=$2 out=$3 kernel=$4 res=$5 times=$6
shift 6
frags=("$@")

[ -n "${PROFILES:-}" ] || rm -rf "${res:?}/$kernel"
mkdir -p "$res/$kernel"

boots=()
declare -A built
while IFS=$'\t' read -r -u 3 profile _ _ append _ config; do
	if [ -n "${PROFILES:-}" ] && [[ " $PROFILES " != *" $profile "* ]]; then
		continue
	fi
	if ! grep -qxF "$profile" "$out/$kernel/profiles"; then
		echo "run: $kernel has no test for $profile: not booted"
		continue
	fi
	image=$out/$kernel/Image
	if [ "${config:--}" != - ]; then
		read -r _ variant objdir < <("$wb/boot/variant.sh" "$profile" "$kernel")
		# Built once per run: a second profile on the same variant
		# would record a second, empty build stage over the first.
		if [ -z "${built[$variant]:-}" ]; then
			built[$variant]=ok
			KOBJ=$(dirname "$tree")/out/$objdir KBUILDS=${KBUILDS:-$out/builds} \
				"$wb/stage.sh" "$times" "kernel-$variant" "$wb/build/build-kernel.sh" \
				"$tree" "$commit" "$out/$variant" "${frags[@]}" "$config" ||
				built[$variant]=failed
		fi
		if [ "${built[$variant]}" != ok ]; then
			echo "run: $variant does not build: $profile not booted"
			continue
		fi
		image=$out/$variant/Image
	fi
	# The profiles whose timeouts are scaled (the debug kernels) take
	# longest: they start first, then those in protected mode, where
	# each VM is created and torn down through the hypervisor.
	scale=$(echo "$append" | sed -n 's/.*wb\.timeout_scale=\([0-9]*\).*/\1/p')
	protected=0
	[[ " $append " == *" kvm-arm.mode=protected "* ]] && protected=1
	boots+=("${scale:-1} $protected $profile $image")
done 3< <(grep -v '^#' "$wb/boot/profiles.tsv" | grep .)

# WB_BUILD_ONLY=1: the variants only (make variants), nothing booted.
[ -z "${WB_BUILD_ONLY:-}" ] || exit 0
[ ${#boots[@]} -gt 0 ] || exit 0
mapfile -t boots < <(printf '%s\n' "${boots[@]}" | sort -s -k1,1nr -k2,2nr)
slots=${WB_BOOT_JOBS:-$(nproc)}
for boot in "${boots[@]}"; do
	read -r _ _ profile image <<< "$boot"
	while [ "$(jobs -rp | wc -l)" -ge "$slots" ]; do
		wait -n
	done
	rm -f "$res/$kernel/$profile".*
	"$wb/stage.sh" "$times" "run-$kernel-$profile" "$wb/boot/run-profile.sh" "$image" \
		"$out/$kernel/initramfs.cpio" "$profile" "$res/$kernel" &
done
wait
exit 0
