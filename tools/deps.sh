#!/bin/sh
# Install the Debian packages authaudit needs to build and test, when any
# is missing.  As root it runs apt-get; otherwise it prints the exact
# command to run and fails.  Usage: tools/deps.sh [build|test]
set -eu
build="gcc make pkg-config libldns-dev libidn2-dev libjansson-dev libpsl-dev
publicsuffix libopendkim-dev libopendmarc-dev libspf2-dev libgmime-3.0-dev"
test="libcriterion-dev nsd mandoc python3 libyaml-dev clang libclang-rt-14-dev"
case "${1:-build}" in
build) want=$build ;;
test) want="$build $test" ;;
*) echo "usage: tools/deps.sh [build|test]" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "authaudit: missing Debian packages; run as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
echo "authaudit: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
