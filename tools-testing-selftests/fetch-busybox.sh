#!/bin/bash
# Fetch Debian's static arm64 busybox without enabling multiarch: a private
# apt state directory for arm64 lists, 'apt-get download', 'dpkg -x'.
#
# Usage: fetch-busybox.sh <dir>     (writes <dir>/busybox)
set -euo pipefail

dir=$(realpath -m "$1")
[ -x "$dir/busybox" ] && exit 0
mkdir -p "$dir/lists/partial" "$dir/pkg"
apt_arm64=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64
	   -oDir::State::Lists="$dir/lists" -oDir::Cache="$dir/cache" -qq)
mkdir -p "$dir/cache/archives/partial"
apt-get "${apt_arm64[@]}" update
(cd "$dir/pkg" && apt-get "${apt_arm64[@]}" download busybox-static)
dpkg -x "$dir"/pkg/busybox-static_*.deb "$dir/root"
cp "$dir/root/bin/busybox" "$dir/busybox"
file "$dir/busybox" 2>/dev/null | grep -q aarch64 || true
