#!/bin/bash
# Cross-compile vhost_bench for arm64 against the series' uapi headers, with
# the vhost selftests' userspace virtio driver (vhost_util.c) compiled in.
#
# Usage: build-vhost-bench.sh <out-dir>   (writes <out-dir>/vhost/vhost_bench)
# Run from anywhere; paths are relative to the workbench (/work/main).
set -euo pipefail
out=$(realpath -m "$1")
cd "$(dirname "$0")/../.."
linux=build/linux
sel=$linux/tools/testing/selftests/vhost
mkdir -p "$out/vhost"
aarch64-linux-gnu-gcc -static -O2 -Wall \
	-isystem build/out/series/usr/include -I "$sel" \
	-o "$out/vhost/vhost_bench" \
	tools-testing-selftests/bench/vhost_bench.c "$sel/vhost_util.c" -lpthread
