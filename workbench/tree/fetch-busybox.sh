#!/bin/bash
# Fetch Debian's static busybox for one architecture without enabling
# multiarch: a private apt state directory for that architecture's lists,
# 'apt-get download', 'dpkg -x'.
#
# Usage: fetch-busybox.sh <dir> [<debian-arch>]   (writes <dir>/busybox;
#                                                  the default arch is arm64)
set -euo pipefail

dir=$(realpath -m "$1")
arch=${2:-arm64}
[ -x "$dir/busybox" ] && exit 0
mkdir -p "$dir/lists/partial" "$dir/pkg"
apt_arch=(-oAPT::Architecture="$arch" -oAPT::Architectures="$arch"
	  -oDir::State::Lists="$dir/lists" -oDir::Cache="$dir/cache" -qq)
mkdir -p "$dir/cache/archives/partial"
apt-get "${apt_arch[@]}" update
(cd "$dir/pkg" && apt-get "${apt_arch[@]}" download busybox-static)
dpkg -x "$dir"/pkg/busybox-static_*.deb "$dir/root"
cp "$dir/root/bin/busybox" "$dir/busybox"
