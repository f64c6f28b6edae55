#!/bin/bash
# Build vhost_bench statically against a kernel's uapi headers, with the
# vhost selftests' userspace virtio driver (vhost_util.c) compiled in.
#
# Usage: build-vhost-bench.sh <out-dir> [<kernel-dir> [<cc>]]
#        (writes <out-dir>/vhost/vhost_bench; by default for arm64 against
#        the series' headers: build/out/series, aarch64-linux-gnu-gcc)
# Run from anywhere; relative paths are relative to the workbench.
set -euo pipefail
out=$(realpath -m "$1")
cd "$(dirname "$0")/../.."
kernel=${2:-build/out/series} cc=${3:-aarch64-linux-gnu-gcc}
linux=build/linux
sel=$linux/tools/testing/selftests/vhost
mkdir -p "$out/vhost"
$cc -static -O2 -Wall \
	-isystem "$kernel/usr/include" -I "$sel" \
	-o "$out/vhost/vhost_bench" \
	workbench/bench/vhost_bench.c "$sel/vhost_util.c" -lpthread
