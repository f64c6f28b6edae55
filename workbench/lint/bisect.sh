#!/bin/bash
# Bisectability: build every prefix of the series as someone bisecting
# through it would, with the workbench's config: the arm64 Image and uapi
# headers, and the whole kvm or vhost selftest target wherever a patch
# touches it or the uapi headers it builds against. Where a prefix ends a
# part of the series (parts.tsv), boot it on the part's host profile and
# run the part's tests, built from that prefix: each must give the outcome
# expected of the series there (*/expectations.tsv). Every other prefix
# that touches KVM (virt/kvm/, arch/arm64/kvm/) or vhost (drivers/vhost/)
# boots on the FWB host with the quick existing tests of that area that
# the prefix has (QUICK_* below, seconds each), with the same rule: so a
# patch that breaks an existing test until a later one mends it is caught.
#
# Usage: bisect.sh <tree> <fragment>...
#
# Prints one line per prefix with its build time; on the first prefix that
# does not build, or whose part's tests do not pass, prints its subject and
# what went wrong, and exits 1.
#
# A prefix's boot runs in the background while the next prefix builds (the
# boot is one single-threaded QEMU, the build mostly a serial link when
# ccache has the objects): its tests, initramfs and Image are its own
# (<out>/part.<n>), and its line is printed, in order, once it is judged.
# The builds run at a lower priority (nice), so that the boot, whose tests
# have timeouts, keeps a CPU of its own.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
tree=$(realpath "$1")
shift
top=$(dirname "$tree")
out=$top/out/bisect
log=$out/build.log
mkdir -p "$out"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$top")} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
repo=$(dirname "$wb")
QUICK_PROFILE=fwb
QUICK_KVM='kvm.set_memory_region_test,kvm.guest_print_test'
QUICK_VHOST='vhost.vsock.*,vhost.net.*'

# Build the tests of the part that the prefix in $out/kernel ends (from
# the worktree, which the next prefix's build checks out again), and its
# initramfs, in <dir>, with a copy of the kernel.
prepare_part() {	# <dir> <profile> <globs>
	local part=$1
	shift
	rm -rf "$part"
	mkdir -p "$part"
	cp "$out/kernel/Image" "$part/Image"
	# The part's tests that the base's series carries (WB_TESTS, bases.tsv).
	awk -F'\t' -v globs="$2" -v base="${WB_TESTS:-*}" '
		function re(list, r,   n, i) {
			n = split(list, r, ",")
			for (i = 1; i <= n; i++) { gsub(/\./, "\\.", r[i]); gsub(/\*/, ".*", r[i]); r[i] = "^" r[i] "$" }
			return n
		}
		function any(name, r, n,   i) { for (i = 1; i <= n; i++) if (name ~ r[i]) return 1; return 0 }
		BEGIN { n = re(globs, g); m = re(base, b) }
		/^#/ || !NF { next }
		any($1, g, n) && any($1, b, m)' \
		"$repo"/*/tests.tsv > "$part/tests.tsv"
	[ -s "$part/tests.tsv" ] || { echo "no test matches '$2'"; return 1; }
	# The tests of an earlier prefix whose selftests, uapi headers and
	# choice of binaries were the same are the same tests: taken as built.
	local key
	key=$( { git -C "$tree" rev-parse "$sha:tools/testing/selftests" "$sha:include/uapi" \
			"$sha:arch/arm64/include/uapi"
		 awk -F'\t' 'NF == 4 { print $2 }' "$part/tests.tsv" | sort -u; } | sha1sum | cut -c1-40)
	if [ -d "$out/tests.$key" ]; then
		cp -a "$out/tests.$key" "$part/tests"
	else
		nice -n 10 "$wb/build/build-selftests.sh" "$top/src" "$out/kernel" "$part/tests" "$part/tests.tsv" \
			> "$part/build.log" 2>&1 || { tail -n 20 "$part/build.log"; return 1; }
		cp -a "$part/tests" "$out/tests.$key"
	fi
	WB_CASES="$(echo "$repo"/*/tests.tsv)" "$wb/boot/mkinitramfs.sh" "$repo/build/busybox/busybox" \
		"$part/tests" "$part/initramfs.cpio" \
		"$part/tests.tsv"
}

# Boot what prepare_part made in <dir> and judge the results.
boot_part() {	# <dir> <profile>
	local part=$1
	shift
	"$wb/boot/run-profile.sh" "$part/Image" "$part/initramfs.cpio" "$1" \
		"$part/results" > "$part/run.log" 2>&1 || true
	"$wb/judge/judge-profile.py" "$part/results/$1.tsv" "$1" -- "$repo"/*/expectations.tsv
}

# The prefix whose boot runs in the background: its number, subject, part
# ("<profile> <globs>"), what it built and in how long, its directory and
# the background job.
p_pid='' p_n='' p_subj='' p_part='' p_built='' p_secs='' p_dir=''

# Boot <dir>'s prefix on <profile> in the background; <dir>/secs gets the
# boot's duration, <dir>/why what went wrong.
start_boot() {	# <dir> <profile>
	(
		s=$(date +%s) rc=0
		boot_part "$1" "$2" > "$1/why" 2>&1 || rc=$?
		echo $(( $(date +%s) - s )) > "$1/secs"
		exit $rc
	) &
	p_pid=$!
}

# Wait for the prefix booting in the background and print its line, or
# what failed (and exit 1).
finish() {
	local rc=0
	[ -n "$p_pid" ] || return 0
	wait "$p_pid" || rc=$?
	p_pid=''
	if [ $rc -ne 0 ]; then
		echo "bisect: prefix $p_n/$total: its tests fail on ${p_part% *} (${p_part#* }): $p_subj"
		sed 's/^/    | /' "$p_dir/why"
		exit 1
	fi
	echo "bisect: $p_n/$total builds ($p_built, $p_secs s; ${p_part#* } pass on ${p_part% *}, $(cat "$p_dir/secs") s to boot): $p_subj"
	rm -rf "$p_dir"
}

rm -rf "$out"/tests.* "$out"/part "$out"/part.*
shas=$(git -C "$tree" rev-list --reverse base..series)
total=$(echo "$shas" | wc -l)
n=0
for sha in $shas; do
	n=$((n + 1))
	subj=$(git -C "$tree" log -1 --format=%s "$sha")
	start=$(date +%s)
	if ! nice -n 10 "$wb/build/build-kernel.sh" "$tree" "$sha" "$out/kernel" "$@" > "$log" 2>&1; then
		finish
		echo "bisect: prefix $n/$total does not build (kernel): $subj"
		tail -n 20 "$log" | sed 's/^/    | /'
		exit 1
	fi
	built=Image
	# build-kernel.sh copies a kernel it has built before (KBUILDS).
	! grep -q ': reused$' "$log" || built='Image (built before)'
	for t in kvm vhost; do
		[ -d "$top/src/tools/testing/selftests/$t" ] || continue
		git -C "$tree" diff --quiet "$sha^" "$sha" -- \
			"tools/testing/selftests/$t" include/uapi && continue
		if ! nice -n 10 "$wb/build/build-selftests.sh" --target "$top/src" "$out/kernel" \
			"$out/$t" "$t" > "$log" 2>&1; then
			finish
			echo "bisect: prefix $n/$total does not build (selftests/$t): $subj"
			grep -m 20 -E 'error|Error' "$log" | sed 's/^/    | /'
			exit 1
		fi
		built="$built, selftests/$t"
	done
	part=$(awk -F'\t' -v s="$subj" '!/^#/ && $1 == s { print $2 " " $3 }' "$wb/lint/parts.tsv")
	if [ -z "$part" ]; then
		quick=
		git -C "$tree" diff --quiet "$sha^" "$sha" -- virt/kvm arch/arm64/kvm ||
			quick=$QUICK_KVM
		if ! git -C "$tree" diff --quiet "$sha^" "$sha" -- drivers/vhost &&
		   [ -d "$top/src/tools/testing/selftests/vhost" ]; then
			quick=${quick:+$quick,}$QUICK_VHOST
		fi
		[ -z "$quick" ] || part="$QUICK_PROFILE $quick"
	fi
	secs=$(( $(date +%s) - start ))
	if [ -z "$part" ]; then
		finish
		echo "bisect: $n/$total builds ($built, $secs s): $subj"
		continue
	fi
	# shellcheck disable=SC2086	# profile and globs, without spaces
	if ! why=$(prepare_part "$out/part.$n" $part 2>&1); then
		finish
		echo "bisect: prefix $n/$total: its tests do not build for ${part% *} (${part#* }): $subj"
		echo "$why" | sed 's/^/    | /'
		exit 1
	fi
	# One boot at a time: the previous prefix's ends before this one's starts.
	finish
	start_boot "$out/part.$n" "${part% *}"
	p_n=$n p_subj=$subj p_part=$part p_built=$built p_secs=$secs p_dir=$out/part.$n
done
finish
missing=$(awk -F'\t' '!/^#/ && NF { print $1 }' "$wb/lint/parts.tsv" |
	  grep -vxF -f <(git -C "$tree" log --format=%s base..series) || true)
# A base whose series carries only some of the tests (bases.tsv) has only
# some of the parts.
if [ -n "$missing" ] && [ "${WB_TESTS:-*}" != '*' ]; then
	echo "bisect: parts this base's series does not carry:"
	echo "$missing" | sed 's/^/    | /'
elif [ -n "$missing" ]; then
	echo "bisect: parts.tsv names patches that the series does not have:"
	echo "$missing" | sed 's/^/    | /'
	exit 1
fi
