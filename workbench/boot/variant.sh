#!/bin/bash
# The kernel variant that a host profile boots: the one rule for its names.
#
# Usage: variant.sh <profile> <kernel>
#
# A profile whose last column in profiles.tsv names a config fragment,
# config.<suffix>, boots <kernel> built with that fragment as well: the
# variant <kernel>.<suffix>, built in the object directory obj.<suffix>
# (both in the base's out/). Prints "<fragment> <kernel>.<suffix>
# obj.<suffix>", or nothing for a profile without a fragment of its own.
# run-kernel.sh, 'make one' and cross-bases.sh name variants by it.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
profile=$1 kernel=$2
line=$(awk -F'\t' -v p="$profile" '!/^#/ && $1 == p' "$wb/boot/profiles.tsv")
if [ -z "$line" ]; then
	echo "variant.sh: no profile $profile in profiles.tsv" >&2
	exit 1
fi
config=$(cut -f6 <<< "$line")
suffix=${config##*config.}
[ "${config:--}" = - ] || echo "$config $kernel.$suffix obj.$suffix"
