#!/bin/sh
# Run each libFuzzer target of DIR for SECONDS from its seed corpus
# (tests/fuzz/corpus/NAME), in a scratch copy so the seeds stay as they
# are.  Prints per target "fuzz_NAME: N execs, cov C, ft F, ok|CRASH"
# and fails when any target crashed, leaked or broke an invariant.
# Usage: tools/run-fuzz.sh DIR SECONDS [NAME...]
set -u
dir=$1 secs=$2
shift 2
[ $# -gt 0 ] || set -- $(ls "$dir" | sed -n 's/^fuzz_\([A-Za-z0-9_-]*\)$/\1/p')
status=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
for name in "$@"; do
	bin=$dir/fuzz_$name
	[ -x "$bin" ] || { echo "fuzz_$name: not built"; status=1; continue; }
	mkdir -p "$work/$name" "$dir/artifacts"
	seeds=tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$name-" \
	    "$work/$name" $seeds > "$work/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
	last=$(grep -E '^#[0-9]+' "$work/$name.log" | tail -n 1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	if [ $rc -eq 0 ]; then
		verdict=ok
	else
		verdict=CRASH status=1
		grep -E -A30 'ERROR|invariant failed|runtime error' \
		    "$work/$name.log" | head -n 40
	fi
	echo "fuzz_$name: ${execs:-0} execs, cov ${cov:-?}, ft ${ft:-?}, $verdict"
done
exit $status
