#!/bin/bash
# Build the test initramfs (an uncompressed cpio: allnoconfig has no RD_GZIP).
#
# Usage: mkinitramfs.sh <busybox> <selftests-dir> <out.cpio> <tests.tsv>...
#
# <selftests-dir> holds the built test binaries under the paths the tests.tsv
# commands use; every test listed in the tests.tsv files goes to /tests/list.
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
for applet in sh mount ip sed grep cat echo printf timeout dmesg poweroff uname \
	      ls sleep mkdir rm cp ln true false env head tail wc; do
	ln -sf busybox "$root/bin/$applet"
done
cp "$wb/boot/init" "$root/init"
chmod +x "$root/init"
cp -a "$tests/." "$root/tests/"
grep -hv '^#' "$@" | grep . > "$root/tests/list"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$out"
