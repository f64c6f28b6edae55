#!/bin/bash
# The uapi headers build standalone, on the base and on the series: any
# failure or warning the series adds fails.
#
# Usage: lint-uapi.sh <tree>
#
# Two checks, on arm64, in an object directory of their own
# (<tree>/../out/lint-uapi/obj, configured with allnoconfig plus
# CONFIG_HEADERS_INSTALL and CONFIG_UAPI_HEADER_TEST):
#  - 6.12's own test, 'make usr/': 'make headers' exports every uapi header
#    to usr/include, then each is compiled alone, twice in a row (include
#    guard), with -std=c90 -Wall, and checked by headers_check.pl. That needs
#    'prepare' (scripts, asm-offsets), not a kernel: ~35 s on 2 cores. Every
#    header is tested again on each run (an incremental build would not
#    repeat its warnings).
#  - each uapi header the series touches, as a VMM includes it: a C file
#    with only '#include <linux/xxx.h>' (or <asm/xxx.h>), compiled with
#    aarch64-linux-gnu-gcc -fsyntax-only -Wall against the exported headers
#    (what headers_install copies) and Debian's arm64 libc headers.
#
# Prints the count per touched header before and after, then each new
# report. Reports are compared without their line and column numbers.
# Checked in the lint worktree (lint-worktree.sh); a tree's result is kept
# in <tree>/../out/lint-uapi under its git tree id and the headers it
# checked alone.
set -euo pipefail
wb=$(dirname "$(dirname "$(realpath "$0")")")
# shellcheck source=lint-lib.sh
. "$wb/lint/lint-lib.sh"
lint_start uapi "$1"
obj=$out/obj
mkdir -p "$obj"
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
cc=aarch64-linux-gnu-gcc

touched=$(git -C "$tree" diff --name-only --diff-filter=AM base series || true)
# include/uapi/linux/kvm.h -> linux/kvm.h, arch/arm64/include/uapi/asm/x.h -> asm/x.h
hdrs=$(echo "$touched" | sed -nE 's@^(include|arch/arm64/include)/uapi/(.*\.h)$@\2@p')
other=$(echo "$touched" | grep -E '^arch/[^/]+/include/uapi/' | grep -v '^arch/arm64/' || true)
[ -z "$other" ] || echo "uapi: not checked (another architecture's):" $other
printf 'CONFIG_HEADERS_INSTALL=y\nCONFIG_UAPI_HEADER_TEST=y\n' > "$out/allno.config"

# A diagnostic about an exported header, its path made relative to
# usr/include: gcc's warnings and errors, headers_check.pl's reports.
diags() {
	grep -E '^[^ ]*usr/include/[^ :]+:[0-9]+(:[0-9]+)?: ' | grep -v ': note: ' |
		sed -E 's@^[^ ]*usr/include/@@' || true
}

check() {	# <commit>: reports to $out/<commit>.txt
	local key wt h rc=0
	# The headers checked alone are the series', so the base's result
	# depends on them too.
	key="$(git -C "$tree" rev-parse "$1^{tree}") $(echo "$hdrs" | sha1sum | cut -c1-40)"
	key="$key $($cc --version | head -n 1)"
	if lint_unchanged "$1" "$key" "$1.txt"; then return; fi
	wt=$("$wb/lint/lint-worktree.sh" "$tree" "$1")
	make -s -C "$wt" O="$obj" KCONFIG_ALLCONFIG="$out/allno.config" allnoconfig > "$out/$1.log" 2>&1
	grep -q '^CONFIG_UAPI_HEADER_TEST=y' "$obj/.config" ||
		{ echo "uapi: CONFIG_UAPI_HEADER_TEST is off ($cc cannot link? libc6-dev-arm64-cross)"; exit 1; }
	[ ! -d "$obj/usr/include" ] || find "$obj/usr/include" -name '*.hdrtest' -delete
	make -s -k -C "$wt" O="$obj" -j2 usr/ >> "$out/$1.log" 2>&1 || rc=$?
	diags < "$out/$1.log" | sed 's/^/hdrtest: /' > "$out/$1.txt"
	if [ $rc -ne 0 ] && ! [ -s "$out/$1.txt" ]; then
		echo "uapi: 'make usr/' failed on $1:"; tail -n 20 "$out/$1.log"; exit 1
	fi
	for h in $hdrs; do
		[ -f "$obj/usr/include/$h" ] || continue
		# An error is a report too, not the end of the script.
		printf '#include <%s>\n' "$h" |
			{ $cc -fsyntax-only -Wall -x c - -I "$obj/usr/include" 2>&1 || true; } |
			diags | sed 's/^/include: /'
	done >> "$out/$1.txt"
	sort -o "$out/$1.txt" "$out/$1.txt"
	lint_done "$1" "$key" "$1.txt"
}
check base
check series

# "check: path:L[:C]: msg" -> "check: path: msg"
lint_compare 'uapi: ' 's/^([a-z]+: [^ :]+):[0-9]+(:[0-9]+)?: /\1: /' \
	"$out/base.txt" "$out/series.txt" '[a-z]*: ' "$hdrs"
