#!/bin/sh
# Run each Criterion unit-test binary given, show its synthesis line, and
# close with the totals as "unit: N passed, N failed".
set -u
pass=0 fail=0 status=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out"
		echo "$t: no Criterion synthesis line (exit $rc)"
		fail=$((fail + 1)) status=1
		continue
	fi
	[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -v '^\[----\]' | tail -n 40; status=1; }
	# Criterion counts a test that leaked as passed: LeakSanitizer and
	# UBSan reports fail the run here.
	if printf '%s\n' "$out" | grep -qE 'LeakSanitizer|runtime error:|AddressSanitizer'; then
		printf '%s\n' "$out" | grep -E -A12 'LeakSanitizer|runtime error:|AddressSanitizer' | head -n 60
		echo "$(basename "$t"): sanitizer report"
		fail=$((fail + 1)) status=1
	fi
	echo "$(basename "$t"): ${line#*Synthesis: }"
	p=$(printf '%s\n' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(printf '%s\n' "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	pass=$((pass + ${p:-0})) fail=$((fail + ${f:-0}))
done
echo "unit: $pass passed, $fail failed"
exit $status
