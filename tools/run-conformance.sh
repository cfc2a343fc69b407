#!/bin/sh
# Run each conformance runner given.  Each reads its suite under
# $CONFORMANCE and prints one line per suite, "NAME: N passed, N failed",
# and exits non-zero when a case fails that is not a listed, explained
# exception.  No runner yet is not a pass: say so.
set -u
status=0
[ $# -gt 0 ] || { echo "conformance: no runners built"; exit 1; }
for t in "$@"; do
	"$t" || { echo "$(basename "$t"): FAILED"; status=1; }
done
exit $status
