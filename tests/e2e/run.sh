#!/bin/sh
# End-to-end tests: each directory testdata/cases/NAME holds
#   args        the command line, one argument per line (after the binary)
#   expect.out  the exact standard output
#   expect.rc   the exit status
#   expect.err  (optional) the exact standard error
# Runs from the repository root.  UPDATE=1 rewrites the expectations;
# ONLY=GLOB runs (or rewrites) only the cases whose names match.
set -u
bin=${AUTHAUDIT:-build/authaudit}
cases=${CASES:-testdata/cases}
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

run_case() {
	dir=$1
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		set -- "$@" "$a"
	done < "$dir/args"
	NO_COLOR= "$bin" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	echo $? > "$tmp/rc"
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/out" "$dir/expect.out"
		cp "$tmp/rc" "$dir/expect.rc"
		if [ -s "$tmp/err" ] || [ -f "$dir/expect.err" ]; then
			cp "$tmp/err" "$dir/expect.err"
		fi
		return 0
	fi
	ok=0
	cmp -s "$tmp/rc" "$dir/expect.rc" || { echo "  exit $(cat "$tmp/rc"), want $(cat "$dir/expect.rc")"; ok=1; }
	cmp -s "$tmp/out" "$dir/expect.out" || { diff -u "$dir/expect.out" "$tmp/out" | head -n 30; ok=1; }
	if [ -f "$dir/expect.err" ]; then
		cmp -s "$tmp/err" "$dir/expect.err" || { diff -u "$dir/expect.err" "$tmp/err" | head -n 20; ok=1; }
	fi
	return $ok
}

for dir in "$cases"/${ONLY:-*}/; do
	dir=${dir%/}
	[ -f "$dir/args" ] || continue
	if run_case "$dir"; then
		pass=$((pass + 1))
	else
		echo "FAIL $(basename "$dir")"
		fail=$((fail + 1))
	fi
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
