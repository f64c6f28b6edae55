# shellcheck shell=bash
# What the lint checks that use the lint worktree (lint-cocci.sh,
# lint-docs.sh, lint-uapi.sh) share; each sources this file.

# lint_start <name> <tree>: set tree (<tree>'s real path), top (the folder
# that holds it), out (<top>/out/lint-<name>, created) and lint_name, and take
# <top>/lint.lock (flock, on file descriptor 9, held until the script ends):
# one user of the lint worktree (lint-worktree.sh) at a time ('make patches'
# may run while 'make lint' does).
# The results also go to a cache outside the clone, next to ccache's
# (WB_LINT_CACHE, default ~/.cache/kernel-workbench/lint-<name>), under a
# hash of everything they depend on, so that another clone of the same
# series (CI's, after a session) takes them instead of computing them
# again. The hash covers the key each check gives (the git ids of what it
# reads and its tools' versions) and the scripts of the check themselves:
# a result is only ever taken for the same inputs.
lint_start() {
	tree=$(realpath "$2")
	top=$(dirname "$tree")
	out=$top/out/lint-$1
	lint_name=$1
	lint_cache=${WB_LINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-workbench}/lint-$1
	lint_scripts=$(cat "$0" "${BASH_SOURCE[0]}" "$(dirname "${BASH_SOURCE[0]}")/lint-worktree.sh" |
		sha1sum | cut -d' ' -f1)
	exec 9> "$top/lint.lock"
	flock 9
	mkdir -p "$out" "$lint_cache"
}

lint_hash() {	# <commit> <key>
	echo "$1 $2 $lint_scripts" | sha1sum | cut -d' ' -f1
}

# lint_unchanged <commit> <key> <result>...: whether the results <result>...
# (files of <out>) for <commit> were made under <key> (the git ids and tool
# versions they depend on), in <out> by the last run or in the cache by any
# clone; if so, says so and puts them in <out>; if not, removes <out>'s
# key until the results are made again (lint_done).
lint_unchanged() {
	local c=$1 key=$2 f h
	shift 2
	if [ "$(cat "$out/$c.key" 2>/dev/null)" = "$key $lint_scripts" ]; then
		echo "$lint_name: $c: unchanged since the last run"
		return 0
	fi
	rm -f "$out/$c.key"
	h=$lint_cache/$(lint_hash "$c" "$key")
	[ -d "$h" ] || return 1
	for f in "$@"; do
		cp "$h/$f" "$out/$f" || return 1
	done
	echo "$key $lint_scripts" > "$out/$c.key"
	echo "$lint_name: $c: the same inputs as a result in $lint_cache: taken from there"
	return 0
}

# lint_done <commit> <key> <result>...: the results of <commit> are made:
# record their key in <out>, and keep them in the cache, unless they name a
# path of this clone (another clone's result would then differ from its own
# in that path alone, and be reported as new).
lint_done() {
	local c=$1 key=$2 h tmp
	shift 2
	echo "$key $lint_scripts" > "$out/$c.key"
	if (cd "$out" && grep -qF "$top/" "$@"); then
		echo "$lint_name: $c: the results name $top: not kept in $lint_cache"
		return 0
	fi
	h=$lint_cache/$(lint_hash "$c" "$key")
	[ -d "$h" ] && return 0
	tmp=$(mktemp -d "$lint_cache/.new.XXXXXX")
	(cd "$out" && cp "$@" "$tmp/")
	mv -T "$tmp" "$h" 2>/dev/null || rm -rf "$tmp"
}

# lint_compare <label> <normalise> <base> <series> <lead> <files>:
# compare the reports of the series (<series>, one a line) with those of the
# base (<base>) and print, each line after <label>,
#   "<file>: B before, S after" for each of <files> (a list, separated by
#       white space), counting the reports that begin with <lead><file>:
#       (<lead> a grep pattern);
#   "new: <report>" for each report of the series that the base does not
#       have once both are normalised by the sed -E script <normalise> (which
#       takes the line numbers out), as the series has it;
#   "B before, S after, N new".
# Returns 1 if a report is new.
lint_compare() {
	local label=$1 norm=$2 base=$3 series=$4 lead=$5 files=$6 f new
	for f in $files; do
		echo "$label$f: $(grep -c "^$lead$f:" "$base" || true) before, $(grep -c "^$lead$f:" "$series" || true) after"
	done
	new=$(comm -13 <(sed -E "$norm" "$base" | sort) <(sed -E "$norm" "$series" | sort))
	if [ -n "$new" ]; then
		# The series' reports, each after its normalised form.
		paste -d '\n' <(sed -E "$norm" "$series") "$series" |
			awk -v p="${label}new: " 'NR == FNR { want[$0]++; next }
				FNR % 2 { k = $0; next }
				want[k] > 0 { want[k]--; print p $0 }' <(echo "$new") -
	fi
	echo "$label$(wc -l < "$base") before, $(wc -l < "$series") after, $(printf '%s' "$new" | grep -c . || true) new"
	[ -z "$new" ]
}
