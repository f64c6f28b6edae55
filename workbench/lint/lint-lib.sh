# shellcheck shell=bash
# What the lint checks that use the lint worktree (lint-cocci.sh,
# lint-docs.sh, lint-uapi.sh) share; each sources this file.

# lint_start <name> <tree>: set tree (<tree>'s real path), top (the folder
# that holds it), out (<top>/out/lint-<name>, created) and lint_name, and take
# <top>/lint.lock (flock, on file descriptor 9, held until the script ends):
# one user of the lint worktree (lint-worktree.sh) at a time ('make patches'
# may run while 'make lint' does).
lint_start() {
	tree=$(realpath "$2")
	top=$(dirname "$tree")
	out=$top/out/lint-$1
	lint_name=$1
	exec 9> "$top/lint.lock"
	flock 9
	mkdir -p "$out"
}

# lint_unchanged <commit> <key>: whether the result kept in <out> for
# <commit> was made under <key> (the git ids and tool versions it depends
# on, in <out>/<commit>.key); if so, says that <commit> is unchanged since
# the last run, if not, removes that key until the result is made again.
lint_unchanged() {
	if [ "$(cat "$out/$1.key" 2>/dev/null)" = "$2" ]; then
		echo "$lint_name: $1: unchanged since the last run"
		return 0
	fi
	rm -f "$out/$1.key"
	return 1
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
