#!/bin/sh
# tests/caps/run.sh: every input cap of design.md 5 proven on generated
# hostile inputs (100 MiB message, 100,000 fields, MIME 1,000 deep, 500
# DKIM signatures, SPF fan-out of 1,000 names, macros past 253 octets):
# a clear error or the RFC result, in bounded time and peak RSS.
# Prints one line per case and "caps: N passed, N failed"; exits 1 when
# any failed.  ONLY=TEXT runs the cases whose name has TEXT.
#
# Usage: AUTHAUDIT=build/authaudit tests/caps/run.sh   (from anywhere)
set -eu
AUTHAUDIT=${AUTHAUDIT:-build/authaudit}
case $AUTHAUDIT in
/*) ;;
*) AUTHAUDIT=$(pwd)/$AUTHAUDIT ;;
esac
export AUTHAUDIT
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/run.py"
