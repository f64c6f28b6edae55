#!/bin/bash
# Build the test initramfs (an uncompressed cpio: allnoconfig has no RD_GZIP).
#
# Usage: mkinitramfs.sh <busybox> <tests-dir> <out.cpio> <tests.tsv>...
#
# <tests-dir> becomes /tests: the kselftest install (run_kselftest.sh and its
# collections, build-selftests.sh) and the other programs under the paths
# their commands use. The tests.tsv lines of kselftests (name<TAB>
# collection:binary<TAB>case<TAB>args) go to /tests/ksft with the binary's
# timeout (its directory's settings, or the runner's default of 45 s) as a
# fifth field; the others (name<TAB>timeout<TAB>command) to /tests/list.
# /tests/cases lists every case that WB_CASES (tests.tsv files; default:
# the ones given) names for each binary, so that the init can tell a
# profile that runs a binary whole from one that runs some of its cases.
set -euo pipefail

busybox=$(realpath "$1")
tests=$(realpath "$2")
out=$(realpath -m "$3")
shift 3
wb=$(dirname "$(dirname "$(realpath "$0")")")

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,tests,etc,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
# The init's applets, and what run_kselftest.sh and its runner.sh call.
for applet in sh mount ip sed grep cat echo printf dmesg poweroff uname \
	      ls sleep mkdir rm cp ln true false env head tail wc kill \
	      realpath dirname basename cut sort uniq tr mktemp taskset; do
	ln -sf busybox "$root/bin/$applet"
done
install -m 755 "$wb/boot/timeout" "$root/usr/bin/timeout"
cp "$wb/boot/init" "$root/init"
chmod +x "$root/init"
cp -a "$tests/." "$root/tests/"
grep -hv '^#' "$@" | awk -F'\t' 'NF == 3' > "$root/tests/list"
grep -hv '^#' "$@" | awk -F'\t' 'NF == 4' | while IFS=$'\t' read -r name bin case args; do
	settings=$tests/${bin%%:*}/settings
	limit=$(sed -n 's/^timeout=//p' "$settings" 2>/dev/null || true)
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$bin" "$case" "$args" "${limit:-45}"
done > "$root/tests/ksft"
# shellcheck disable=SC2086
grep -hv '^#' ${WB_CASES:-"$@"} | awk -F'\t' 'NF == 4 { print $2 "\t" $3 }' | sort -u \
	> "$root/tests/cases"
# The same files give the same bytes: every mtime the same, inode numbers
# in order (--reproducible). A boot under -icount with a fixed seed (make
# bench) is then the same boot from one build of the initramfs to the next.
find "$root" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
(cd "$root" && find . | LC_ALL=C sort |
	cpio -o -H newc --quiet --reproducible -R 0:0) > "$out"
