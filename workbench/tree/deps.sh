#!/bin/bash
# Install the Debian packages the workbench needs, only those that are missing.
# Usage: deps.sh [<package>...]   (the packages named are needed as well: make
#                                  bench's x86-kvm profile asks for QEMU's x86)
set -euo pipefail

pkgs=(
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross	# cross toolchain
	make bc flex bison libssl-dev libelf-dev cpio kmod rsync python3 git
	python3-ply sparse				# checkpatch's SPDX check, make C=2
	coccinelle ocaml				# make coccicheck (2 of its rules are OCaml)
	python3-sphinx					# make htmldocs (lint-docs.sh)
	ccache qemu-system-arm xz-utils
	"$@"
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
