#!/bin/sh
# tests/live/run.sh: the live DNS path against real servers on loopback.
#
# Starts nsd on a free port with the test zones and checks that every
# answer authaudit gets from it equals the offline answer from the same
# zone files (rcode, CNAME chain, answers), through truncation and TCP
# (RFC 7766), cross-zone CNAMEs and wildcards.  Then tiny misbehaving
# servers (fakedns.py): silent, wrong id or question first (RFC 5452),
# REFUSED, SERVFAIL, slow, truncated; and a closed port.  Prints one line
# per check and "live: N passed, N failed"; exits 1 when any failed.
#
# Usage: AUTHAUDIT=build/authaudit tests/live/run.sh   (from anywhere)
set -eu

AUTHAUDIT=${AUTHAUDIT:-build/authaudit}
case $AUTHAUDIT in
/*) ;;
*) AUTHAUDIT=$(pwd)/$AUTHAUDIT ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
fake="python3 $here/fakedns.py"
zones=testdata/zones

npass=0
nfail=0
nsdpid=
helpers=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/authaudit-live.XXXXXX")

cleanup() {
	for p in $nsdpid $helpers; do
		kill "$p" 2>/dev/null || true
	done
	for p in $nsdpid $helpers; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

pass() {
	npass=$((npass + 1))
	echo "ok   $*"
}

fail() {
	nfail=$((nfail + 1))
	echo "FAIL $*"
}

now_ms() {
	date +%s%3N
}

# jget FILE KEY: a key of the report's dns section ("-" when absent);
# answers: their data joined with spaces.
jget() {
	python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))["dns"]
    v = d[sys.argv[2]]
    if sys.argv[2] == "answers":
        v = " ".join(a["data"] for a in v)
    print(v)
except Exception:
    print("-")' "$1" "$2"
}

# verdict FILE: "RCODE|DATA DATA..." of the report's dns section.
verdict() {
	python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))["dns"]
    print(d["rcode"] + "|" + " ".join(a["data"] for a in d["answers"]))
except Exception:
    print("-|")' "$1"
}

# aa OUT ARGS...: run authaudit, JSON into OUT, stderr into OUT.err;
# sets rc and ms (wall time).
aa() {
	out=$1
	shift
	t0=$(now_ms)
	rc=0
	"$AUTHAUDIT" --format json "$@" >"$out" 2>"$out.err" || rc=$?
	ms=$(($(now_ms) - t0))
}

if [ ! -x "$AUTHAUDIT" ]; then
	echo "live: $AUTHAUDIT is not an executable (run make first)" >&2
	exit 1
fi

# ---------------------------------------------------------------- nsd
# NSD and NSD_CHECKCONF name the programs; else PATH, then /usr/sbin.
findprog() {
	p=$(command -v "$1" 2>/dev/null || true)
	[ -n "$p" ] || [ ! -x "/usr/sbin/$1" ] || p=/usr/sbin/$1
	echo "$p"
}
nsdbin=${NSD:-$(findprog nsd)}
checkconf=${NSD_CHECKCONF:-$(findprog nsd-checkconf)}
[ -x "$nsdbin" ] || nsdbin=
[ -x "$checkconf" ] || checkconf=

nsd_zones="example.com:$zones/example.zone
esp.example.net:$zones/esp.zone
live.example.org:$zones/live-test.zone"

write_conf() {
	cat >"$tmp/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1
	port: $1
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$(pwd)"
	zonelistfile: "$tmp/zone.list"
	xfrdfile: "$tmp/xfrd.state"
	pidfile: "$tmp/nsd.pid"
	logfile: "$tmp/nsd.log"
	verbosity: 0
	server-count: 1
	hide-version: yes
remote-control:
	control-enable: no
EOF
	for z in $nsd_zones; do
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' \
		    "${z%%:*}" "$(pwd)/${z#*:}" >>"$tmp/nsd.conf"
	done
}

# Start nsd on a free port.  0: it answers (polled with authaudit itself);
# 1: nsd exited (the port may have been taken: worth another try);
# 2: nsd runs but no answer came, or the configuration is bad.
start_nsd() {
	port=$($fake freeport)
	write_conf "$port"
	if ! "$checkconf" "$tmp/nsd.conf" >"$tmp/checkconf.out" 2>&1; then
		echo "nsd-checkconf:" >"$tmp/why"
		cat "$tmp/checkconf.out" >>"$tmp/why"
		return 2
	fi
	"$nsdbin" -d -c "$tmp/nsd.conf" >>"$tmp/nsd.log" 2>&1 &
	nsdpid=$!
	i=0
	while [ $i -lt 50 ]; do
		if ! kill -0 "$nsdpid" 2>/dev/null; then
			wait "$nsdpid" 2>/dev/null || true
			nsdpid=
			echo "nsd exited; its log:" >"$tmp/why"
			cat "$tmp/nsd.log" >>"$tmp/why" 2>/dev/null || true
			return 1
		fi
		if "$AUTHAUDIT" --resolver "127.0.0.1:$port" --timeout 0.2 \
		    -q dns example.com SOA >/dev/null 2>"$tmp/probe.err"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "no answer from nsd on 127.0.0.1:$port in 50 polls;" \
	    "the last probe said:" >"$tmp/why"
	head -c 500 "$tmp/probe.err" >>"$tmp/why"
	return 2
}

nsd_up=false
if [ -z "$nsdbin" ] || [ -z "$checkconf" ]; then
	fail "nsd: nsd or nsd-checkconf not found (tools/deps.sh test" \
	    "installs the Debian package nsd); the nsd checks cannot run"
else
	for attempt in 1 2 3; do
		st=0
		start_nsd || st=$?
		[ "$st" = 1 ] || break
	done
	if [ "$st" = 0 ]; then
		nsd_up=true
		pass "nsd: serving the test zones on 127.0.0.1:$port"
	else
		fail "nsd: not serving the test zones:"
		sed 's/^/  /' "$tmp/why"
	fi
fi

# ------------------------------------------------- live equals offline
offline_zones="--zone $zones/example.zone --zone $zones/esp.zone
    --zone $zones/live-test.zone"

# equiv NAME TYPE: ask nsd and the zone files; compared in one batch
# by compare.py afterwards (one python3 start, not one per question).
nq=0
equiv() {
	nq=$((nq + 1))
	aa "$tmp/q$nq.live.json" --resolver "127.0.0.1:$port" --timeout 2 \
	    dns "$1" "$2"
	lrc=$rc
	# shellcheck disable=SC2086
	aa "$tmp/q$nq.off.json" --offline $offline_zones dns "$1" "$2"
	printf 'equiv %s %s\t%s\t%s\t%s\t%s\n' "$1" "$2" \
	    "$tmp/q$nq.live.json" "$lrc" "$tmp/q$nq.off.json" "$rc" \
	    >>"$tmp/equiv.list"
}

questions='
example.com SOA
example.com NS
example.com MX
example.com A
example.com AAAA
example.com TXT
www.example.com A
www.example.com CNAME
www.example.com TXT
mail.example.com A
mail.example.com MX
_dmarc.example.com TXT
reports.example.com TXT
x._report._dmarc.reports.example.com TXT
wild.example.com TXT
foo.wild.example.com TXT
a.b.wild.example.com A
foo.wild.example.com MX
nope.example.com A
sub.ns1.example.com A
ns1.example.com AAAA
esp.example.net SOA
esp.example.net NS
_spf.esp.example.net TXT
bounce.esp.example.net MX
bounce.esp.example.net TXT
mx.esp.example.net A
nx.esp.example.net TXT
live.example.org SOA
live.example.org NS
live.example.org MX
live.example.org CAA
live.example.org TXT
multi.live.example.org TXT
escaped.live.example.org TXT
big.live.example.org TXT
many.live.example.org A
c1.live.example.org A
c1.live.example.org TXT
c2.live.example.org CNAME
alias.live.example.org A
alias.live.example.org AAAA
spf.live.example.org TXT
ent.live.example.org TXT
b.ent.live.example.org TXT
a.b.ent.live.example.org TXT
w.live.example.org TXT
foo.w.live.example.org TXT
foo.w.live.example.org AAAA
x.y.w.live.example.org TXT
foo.w.live.example.org A
foo.wc.live.example.org TXT
foo.wc.live.example.org A
nullmx.live.example.org MX
_sip._tcp.live.example.org SRV
mx.live.example.org AAAA
MULTI.Live.Example.ORG TXT
bücher.live.example.org TXT
nope.live.example.org TXT
nope.b.ent.live.example.org TXT
'

if $nsd_up; then
	# The big TXT must really be truncated over UDP, or the TCP path
	# goes untested.
	tc=$($fake tc "$port" big.live.example.org TXT 2>&1 || true)
	if [ "$tc" = tc=1 ]; then
		pass "nsd truncates big.live.example.org TXT over UDP (EDNS 1232)"
	else
		fail "nsd does not truncate big.live.example.org TXT: $tc"
	fi
	# shellcheck disable=SC2086
	aa "$tmp/bigoff.json" --offline $offline_zones \
	    dns big.live.example.org TXT
	: >"$tmp/equiv.list"
	while read -r name type; do
		[ -n "$name" ] || continue
		equiv "$name" "$type"
	done <<EOF
$questions
EOF
	python3 "$here/compare.py" --list "$tmp/equiv.list" \
	    >"$tmp/equiv.out" 2>&1 || true
	cat "$tmp/equiv.out"
	nok=$(grep -c '^ok ' "$tmp/equiv.out" || true)
	nbad=$(grep -c '^FAIL ' "$tmp/equiv.out" || true)
	npass=$((npass + nok))
	nfail=$((nfail + nbad))
	if [ $((nok + nbad)) -ne "$nq" ]; then
		fail "equiv: compare.py judged $((nok + nbad)) of $nq questions"
	fi

	# A live answer saved with --save-zone replays offline.
	for q in "c1.live.example.org A" "big.live.example.org TXT" \
	    "nope.live.example.org A" "b.ent.live.example.org TXT" \
	    "alias.live.example.org A"; do
		set -- $q
		rm -f "$tmp/saved.zone"
		aa "$tmp/live.json" --resolver "127.0.0.1:$port" \
		    --timeout 2 --save-zone "$tmp/saved.zone" dns "$1" "$2"
		aa "$tmp/off.json" --offline --zone "$tmp/saved.zone" \
		    dns "$1" "$2"
		if ! why=$(python3 "$here/compare.py" "$tmp/live.json" \
		    "$tmp/off.json" 2>&1); then
			fail "save-zone replay $1 $2: $why"
		else
			pass "save-zone replay $1 $2"
		fi
	done
fi

# ------------------------------------------------ misbehaving servers
# start_fake MODE: a fakedns.py server; sets fport.
start_fake() {
	rm -f "$tmp/$1.port"
	$fake serve "$1" "$tmp/$1.port" 30 &
	helpers="$helpers $!"
	i=0
	while [ ! -s "$tmp/$1.port" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	fport=$(cat "$tmp/$1.port" 2>/dev/null || echo 0)
}

# expect WHAT WANT_RCODE WANT_EXIT MAX_MS [WANT_DATA]: judge the last aa.
expect() {
	v=$(verdict "$out")
	got=${v%%|*}
	data=${v#*|}
	if [ "$got" != "$2" ]; then
		fail "$1: rcode $got, want $2 ($(head -c 200 "$out.err"))"
	elif [ "$rc" != "$3" ]; then
		fail "$1: exit $rc, want $3"
	elif [ "$ms" -ge "$4" ]; then
		fail "$1: took $ms ms, want under $4"
	elif [ $# -ge 5 ] && [ "$data" != "$5" ]; then
		fail "$1: answers '$data', want '$5'"
	else
		pass "$1: $got, exit $rc, $ms ms"
	fi
}

start_fake silent
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 1 \
    dns example.com A
expect "silent server, --timeout 1" TIMEOUT 4 2500
if [ "$ms" -lt 900 ]; then
	fail "silent server, --timeout 1: gave up after $ms ms, before the" \
	    "timeout"
else
	pass "silent server, --timeout 1: waited the timeout ($ms ms)"
fi
# The per-query wait is capped by what is left of --time-limit; the
# query then times out (TIMEOUT).  BUDGET is only for a lookup that is
# not even started because no time is left.
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 5 \
    --time-limit 1 dns example.com A
expect "silent server, --timeout 5 --time-limit 1" TIMEOUT 4 2500
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 1 \
    --save-zone "$tmp/timeout.zone" dns example.com A
aa "$tmp/r.json" --offline --zone "$tmp/timeout.zone" dns example.com A
expect "replay of a saved live timeout (no wait)" TIMEOUT 4 500

start_fake wrongid
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 2 \
    dns example.com A
expect "replies with a wrong id and a wrong question first" NOERROR 0 \
    1500 192.0.2.7

start_fake refused
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 2 \
    dns example.com A
expect "server answers REFUSED" REFUSED 4 1500

start_fake servfail
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 2 \
    dns example.com A
expect "server answers SERVFAIL" SERVFAIL 4 1500

start_fake formerr
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 2 \
    dns example.com A
expect "FORMERR without a question section (taken, not a timeout)" \
    FORMERR 4 1500

# Answers 0.6 s late: after the first resend (at a third of the
# timeout); the late answer to the first datagram must still count.
start_fake slow
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 1 \
    dns example.com A
expect "server answers 0.6 s late, --timeout 1" NOERROR 0 1500 192.0.2.7

start_fake tc
aa "$tmp/r.json" --resolver "127.0.0.1:$fport" --timeout 2 \
    dns example.com A
expect "truncated UDP answer, record over TCP" NOERROR 0 1500 192.0.2.7

# --------------------------------------------- batches (library level)
# The dns command asks one question; checks ask many at once through
# aa_dns_query_many().  batch.c drives that against build/libauthaudit.a.
lib=$(dirname "$AUTHAUDIT")/libauthaudit.a
pkgs="ldns libidn2 jansson"
san=
if nm "$lib" 2>/dev/null | grep -q __asan_; then
	san=-fsanitize=address,undefined
fi
# shellcheck disable=SC2046
if ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -Iinclude $san \
    $(pkg-config --cflags $pkgs) -o "$tmp/batch" "$here/batch.c" "$lib" \
    $(pkg-config --libs $pkgs) >"$tmp/cc.out" 2>&1; then
	pass "batch.c builds against $lib"
else
	fail "batch.c does not build against $lib:"
	sed 's/^/  /' "$tmp/cc.out"
fi

# batch WHAT WANT TIMEOUT_MS MAX_TOTAL_MS NAME TYPE...: WANT is the
# expected "NAME TYPE RCODE DATA" lines joined with "; ".
batch() {
	what=$1 want=$2 tmo=$3 max=$4
	shift 4
	rc=0
	"$tmp/batch" "127.0.0.1:$fport" "$tmo" "$@" >"$tmp/batch.out" \
	    2>"$tmp/batch.err" || rc=$?
	got=$(sed -n 's/^answer //p' "$tmp/batch.out" | paste -sd ';' - |
	    sed 's/;/; /g')
	total=$(sed -n 's/^total //p' "$tmp/batch.out")
	if [ "$rc" != 0 ]; then
		fail "$what: batch exit $rc: $(head -c 300 "$tmp/batch.err")"
	elif [ "$got" != "$want" ]; then
		fail "$what: got '$got', want '$want'"
	elif [ "${total:-99999}" -ge "$max" ]; then
		fail "$what: took $total ms, want under $max"
	else
		pass "$what ($total ms)"
	fi
}

if [ -x "$tmp/batch" ]; then
	start_fake byname
	# Truncated while another question of the batch waits in vain:
	# the TCP retry must not wait for the batch (and its deadline).
	batch "batch: truncated answer next to a silent server" \
	    "tc1.example.com A NOERROR 192.0.2.7; silent1.example.com A TIMEOUT" \
	    1000 2500 tc1.example.com A silent1.example.com A
	# In flight together: three answers 0.6 s late take 0.6 s, not 1.8.
	batch "batch: three slow questions in flight together" \
	    "slow1.example.com A NOERROR 192.0.2.7; slow2.example.com A NOERROR 192.0.2.7; slow3.example.com A NOERROR 192.0.2.7; fast.example.com A NOERROR 192.0.2.7" \
	    2000 1200 slow1.example.com A slow2.example.com A \
	    slow3.example.com A fast.example.com A
	fast=$(sed -n 's/^ms fast\.example\.com //p' "$tmp/batch.out")
	if [ "${fast:-99999}" -lt 300 ]; then
		pass "batch: a fast answer's time is its own ($fast ms)"
	else
		fail "batch: the fast answer took ${fast:-?} ms, the batch's time?"
	fi
	# 300 questions in one batch with only 128 descriptors: the layer
	# keeps at most 64 in flight, so every one is answered.
	rc=0
	(ulimit -n 128 && "$tmp/batch" "127.0.0.1:$fport" 2000 \
	    many:300:example.com:A) >"$tmp/batch.out" 2>"$tmp/batch.err" ||
	    rc=$?
	got=$(sed -n 's/^rcodes //p' "$tmp/batch.out")
	if [ "$rc" = 0 ] && [ "$got" = "NOERROR=300" ]; then
		pass "batch: 300 questions under ulimit -n 128 ($got)"
	else
		fail "batch: 300 questions under ulimit -n 128: exit $rc," \
		    "rcodes '$got' $(head -c 200 "$tmp/batch.err")"
	fi
	batch "batch: wrong id, REFUSED, SERVFAIL side by side" \
	    "wrongid.example.com A NOERROR 192.0.2.7; refused.example.com A REFUSED; servfail.example.com A SERVFAIL" \
	    1000 500 wrongid.example.com A refused.example.com A \
	    servfail.example.com A
	if $nsd_up; then
		fport=$port
		batch "batch: nsd, truncated TXT with others" \
		    "big.live.example.org TXT NOERROR $(jget "$tmp/bigoff.json" answers); nope.live.example.org A NXDOMAIN; mx.esp.example.net A NOERROR 198.51.100.25; b.ent.live.example.org TXT NOERROR" \
		    2000 1000 big.live.example.org TXT nope.live.example.org A \
		    mx.esp.example.net A b.ent.live.example.org TXT
	fi
fi

# Nothing listens: ICMP port unreachable ends the query at once.
closed=$($fake freeport)
aa "$tmp/r.json" --resolver "127.0.0.1:$closed" --timeout 2 \
    dns example.com A
expect "closed port" NETERROR 4 1500

# No route: a link-local address without a scope cannot be connected to;
# the layer says NETERROR at once rather than waiting out the timeout.
aa "$tmp/r.json" --resolver "[fe80::1]:53" --timeout 2 dns example.com A
expect "unroutable server [fe80::1]:53" NETERROR 4 1500

echo "live: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
