#!/bin/sh
# tests/faults/run.sh: the DNS fault matrix.  authaudit asks live
# (--resolver, never --offline) a purpose-built misbehaving server
# (faultdns.py) and nsd; every fault against every check must end in the
# RFC's result, finding and exit status, within its time bound, without
# a crash.  Prints one line per case and "faults: N passed, N failed";
# exits 1 when any failed.  ONLY=TEXT runs the cases whose name has TEXT.
#
# Usage: AUTHAUDIT=build/authaudit tests/faults/run.sh   (from anywhere)
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
exec python3 "$here/matrix.py"
