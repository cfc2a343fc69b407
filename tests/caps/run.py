#!/usr/bin/env python3
"""tests/caps/run.py: every input cap of design.md 5, proven.

Generates (in a temporary directory, never committed) a 100 MiB message,
100,000 header fields, MIME nesting 1,000 deep (multipart and
message/rfc822), 500 DKIM signatures, an SPF include fan-out of 1,000
names (one record, and a tree of 10 x 10 x 10), and macros that expand
past 253 octets; runs authaudit on each (offline, zones generated here)
and asserts a clear error or the RFC result, in bounded wall time and
bounded peak RSS (os.wait4).  One line per case, then
"caps: N passed, N failed".

Bounds.  The default message cap is 64 MiB (AA_MSG_MAX_SIZE): a reader
that streams keeps at most the capped bytes and one working copy, plus
the ~21 MiB of a trivial run (libraries, the Public Suffix List): so
MSG_RSS_MIB = 160; a reader that slurps the 100 MiB message and copies
it once does not fit (measured: 71 MiB).  Every other case is small input: its
cost must not grow with the hostile dimension (depth, count, fan-out),
so SMALL_RSS_MIB, over four times the RSS of a trivial run (~21 MiB), is the
bound.  Times are a few times what a 2-core machine needs, so that a
quadratic algorithm fails and a busy machine does not.  Under ASan
(shadow memory, quarantine, slower code) the bounds are widened: RSS x3
plus 256 MiB, time x4.

Usage: AUTHAUDIT=build/authaudit tests/caps/run.py   (ONLY=TEXT: some)
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True		# no __pycache__ in the tree
sys.path.insert(0, os.path.join(HERE, "..", "faults"))
import dkimsign			# noqa: E402
import harness			# noqa: E402

MIB = 1024 * 1024
MSG_RSS_MIB = 160
SMALL_RSS_MIB = 96
D = "caps.example"
NOW = "1795856400"


class Cap:
    def __init__(self, name, args, needs, secs, rss_mib, judge, stdin=None):
        self.name = name
        self.args = args
        self.needs = needs	# report section the check fills (or None)
        self.secs = secs
        self.rss_mib = rss_mib
        self.judge = judge	# f(run) -> None or what is wrong
        self.stdin = stdin


# ------------------------------------------------------------ generators
def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def head(from_addr=b"a@" + D.encode(), extra=b""):
    return (b"From: <" + from_addr + b">\r\nTo: <b@example.org>\r\n"
            b"Subject: caps\r\nDate: Sat, 28 Nov 2026 09:00:00 +0000\r\n"
            b"Message-ID: <caps@" + D.encode() + b">\r\n" + extra)


def big_message(tmp, mib):
    path = os.path.join(tmp, "big.eml")
    line = b"x" * 76 + b"\r\n"
    block = line * (MIB // len(line) + 1)
    with open(path, "wb") as f:
        f.write(head() + b"\r\n")
        left = mib * MIB
        while left > 0:
            f.write(block[:left])
            left -= len(block[:left])
    return path


def many_fields(tmp, n):
    fields = b"".join(b"X-Field-%d: value %d\r\n" % (i, i) for i in range(n))
    return write(os.path.join(tmp, "fields.eml"),
                 head(extra=fields) + b"\r\nbody\r\n")


def mime_nest(tmp, depth):
    """multipart/mixed inside multipart/mixed, DEPTH deep."""
    body = b"innermost\r\n"
    for i in range(depth, 0, -1):
        b = b"b%d" % i
        body = (b"--" + b + b"\r\nContent-Type: " +
                (b"multipart/mixed; boundary=\"b%d\"" % (i + 1)
                 if i < depth else b"text/plain") + b"\r\n\r\n" + body +
                b"\r\n--" + b + b"--\r\n")
    return write(os.path.join(tmp, "mime.eml"),
                 head(extra=b"MIME-Version: 1.0\r\nContent-Type: "
                      b"multipart/mixed; boundary=\"b1\"\r\n") +
                 b"\r\n" + body)


def rfc822_nest(tmp, depth):
    """A bounce (multipart/report) returning a message/rfc822 that is
    itself a report returning a message, DEPTH deep."""
    inner = head() + b"\r\nthe original\r\n"
    for i in range(depth):
        b = b"r%d" % i
        inner = (b"From: MAILER-DAEMON@mx.example.org\r\n"
                 b"To: <a@" + D.encode() + b">\r\n"
                 b"Subject: Undelivered Mail Returned to Sender\r\n"
                 b"MIME-Version: 1.0\r\nContent-Type: multipart/report; "
                 b"report-type=delivery-status; boundary=\"" + b + b"\"\r\n"
                 b"\r\n--" + b + b"\r\nContent-Type: text/plain\r\n\r\n"
                 b"550 5.7.26 rejected\r\n--" + b + b"\r\n"
                 b"Content-Type: message/delivery-status\r\n\r\n"
                 b"Reporting-MTA: dns; mx.example.org\r\n\r\n"
                 b"Final-Recipient: rfc822; b@example.org\r\n"
                 b"Action: failed\r\n"
                 b"Status: 5.7.26\r\n\r\n--" + b + b"\r\n"
                 b"Content-Type: message/rfc822\r\n\r\n" + inner +
                 b"\r\n--" + b + b"--\r\n")
    return write(os.path.join(tmp, "rfc822.eml"), inner)


def signed_big(tmp, key, mib):
    """A signed message with a body of MIB MiB (under the 64 MiB cap)."""
    line = b"y" * 76 + b"\r\n"
    body = line * (mib * MIB // len(line))
    m = dkimsign.sign(dkimsign.message("a@" + D, body=body), D, "big", key)
    return write(os.path.join(tmp, "signedbig.eml"), m)


def hostile_tags(tmp, key):
    """Signatures with an h= of 5,000 names and a b= of 60,000 octets,
    then a good one."""
    m = dkimsign.sign(dkimsign.message("a@" + D), D, "good", key)
    h = ":".join("x-h%d" % i for i in range(5000))
    bad1 = (b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" +
            D.encode() + b"; s=h; h=from:" + h.encode() +
            b"; bh=AAAA; b=AAAA\r\n")
    bad2 = (b"DKIM-Signature: v=1; a=rsa-sha256; d=" + D.encode() +
            b"; s=b; h=from; bh=AAAA; b=" + b"QUFB" * 15000 + b"\r\n")
    return write(os.path.join(tmp, "tags.eml"), bad1 + bad2 + m)


def many_signatures(tmp, key, n):
    m = dkimsign.message("a@" + D)
    sigs = b"".join(dkimsign.signature(m, D, "s%d" % i, key)
                    for i in range(n))
    return write(os.path.join(tmp, "sigs.eml"), sigs + m)


def zone(tmp, key):
    """caps.example: the key at every selector (wildcard), the SPF
    fan-outs and the macro records."""
    lines = ["$ORIGIN %s." % D, "$TTL 300",
             "@ SOA ns hostmaster 1 7200 900 1209600 300",
             "@ NS ns", "ns A 192.0.2.53",
             "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"",
             "_dmarc TXT \"v=DMARC1; p=reject\"",
             "*._domainkey TXT %s" % txt(key.record())]
    # One record with 1,000 includes (about 23 KB: over RFC 7208 3.4's
    # 450 octets and authaudit's own record caps).
    lines.append("fan TXT %s" % txt("v=spf1 " + " ".join(
        "include:i%d.fan.%s" % (i, D) for i in range(1000)) + " -all"))
    for i in range(1000):
        lines.append("i%d.fan TXT \"v=spf1 ip4:198.51.100.%d -all\"" %
                     (i, i % 250 + 1))
    # A tree: 10 includes, each of 10, each of 10: 1,110 names.
    lines.append("tree TXT %s" % txt("v=spf1 " + " ".join(
        "include:t%d.tree.%s" % (i, D) for i in range(10)) + " -all"))
    for i in range(10):
        lines.append("t%d.tree TXT %s" % (i, txt("v=spf1 " + " ".join(
            "include:t%d.t%d.tree.%s" % (j, i, D) for j in range(10)) +
            " -all")))
        for j in range(10):
            lines.append("t%d.t%d.tree TXT %s" % (j, i, txt(
                "v=spf1 " + " ".join("include:t%d.t%d.t%d.tree.%s" %
                                     (k, j, i, D) for k in range(10)) +
                " -all")))
            for k in range(10):
                lines.append("t%d.t%d.t%d.tree TXT \"v=spf1 -all\"" %
                             (k, j, i))
    # A chain of 30 nested includes, and a loop of two.
    for i in range(30):
        lines.append("c%d.chain TXT \"v=spf1 include:c%d.chain.%s -all\"" %
                     (i, i + 1, D))
    lines.append("c30.chain TXT \"v=spf1 ip4:192.0.2.1 -all\"")
    lines.append("loop1 TXT \"v=spf1 include:loop2.%s -all\"" % D)
    lines.append("loop2 TXT \"v=spf1 include:loop1.%s -all\"" % D)
    # RFC 7208 7.3 / 4.8: over 253 octets, labels are cut from the left.
    lines.append("macro TXT \"v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}."
                 "x.%{d} -all\"")
    lines.append("*.x.macro A 127.0.0.2")
    lines.append("macro2 TXT \"v=spf1 exists:%{d2147483648}.x.%{d} "
                 "exists:%{l2147483648r-}.y.%{d} -all\"")
    lines.append("*.x.macro2 A 127.0.0.2")
    return write(os.path.join(tmp, "caps.zone"),
                 ("\n".join(lines) + "\n").encode())


def txt(s):
    """Quoted strings of at most 255 octets."""
    return " ".join('"%s"' % s[i:i + 255] for i in range(0, len(s), 255))


# ---------------------------------------------------------------- judges
def has_any(*ids):
    def judge(r):
        got = r.finding_ids()
        if any(i in got for i in ids):
            return None
        return "no finding %s (findings: %s)" % (" or ".join(ids),
                                                  ", ".join(got) or "none")
    return judge


def all_of(*judges):
    def judge(r):
        for j in judges:
            why = j(r)
            if why:
                return why
        return None
    return judge


def mentions(text):
    """A finding's message says TEXT (a cap names what it cut)."""
    def judge(r):
        for f in r.get("findings") or []:
            if text in (f.get("message") or ""):
                return None
        return "no finding mentions %r" % text
    return judge


def lacks(*ids):
    def judge(r):
        bad = [i for i in ids if i in r.finding_ids()]
        return "finding %s must not be there" % ", ".join(bad) if bad \
            else None
    return judge


def rc_in(*rcs):
    return lambda r: None if r.rc in rcs else "exit %s, want %s" % (
        r.rc, " or ".join(map(str, rcs)))


def path_in(path, *values):
    return lambda r: None if r.get(path) in values else \
        "%s is %r, want %s" % (path, r.get(path),
                               " or ".join(map(repr, values)))


def queries_at_most(n, pred=lambda q: True, what="DNS queries"):
    def judge(r):
        qs = [q for q in r.get("dns_queries") or [] if pred(q)]
        return None if len(qs) <= n else "%d %s, want at most %d" % (
            len(qs), what, n)
    return judge


def names_within_253(r):
    for q in r.get("dns_queries") or []:
        if len(q["name"]) > 253:
            return "queried a name of %d octets (over 253)" % len(q["name"])
    return None


def macro_truncated(r):
    names = [q["name"] for q in r.get("dns_queries") or []
             if q["name"].endswith(".x.macro." + D)]
    if not names:
        return "no exists lookup under x.macro.%s (queries: %s)" % (
            D, ", ".join(q["name"][:40] for q in r.get("dns_queries") or []))
    for n in names:
        # The whole expansion is 5 x 61 + 2 + len("macro.caps.example")
        # + dots; cut from the left to whole labels within 253.
        if len(n) > 253 or len(n) < 253 - 62:
            return "exists lookup of %d octets, want 191..253 (%s...)" % (
                len(n), n[:40])
    return None


# ------------------------------------------------------------------ main
def generate(tmp):
    """Write every input into tmp.  Run in a child process: the inputs
    are big, and a child forked from a big parent would start with the
    parent's resident pages in its peak RSS."""
    key = dkimsign.keygen()
    zone(tmp, key)
    big_message(tmp, 100)
    write(os.path.join(tmp, "longfield.eml"), head(
        extra=b"X-Long: " + b"y" * (1 * MIB) + b"\r\n") + b"\r\nbody\r\n")
    many_fields(tmp, 100000)
    mime_nest(tmp, 1000)
    rfc822_nest(tmp, 1000)
    signed_big(tmp, key, 60)
    hostile_tags(tmp, key)
    many_signatures(tmp, key, 500)


def caps(tmp):
    z = ["--offline", "--zone", os.path.join(tmp, "caps.zone"), "--now", NOW]
    local = "a" * 61
    big = os.path.join(tmp, "big.eml")
    long_field = os.path.join(tmp, "longfield.eml")
    out = [
        Cap("100 MiB message (file)", z + ["message", big, "--ip",
                                           "192.0.2.1"],
            None, 15, MSG_RSS_MIB,
            all_of(has_any("msg-too-large"), rc_in(1))),
        Cap("100 MiB message (stdin)", z + ["message", "-", "--ip",
                                            "192.0.2.1"],
            None, 15, MSG_RSS_MIB,
            all_of(has_any("msg-too-large"), rc_in(1)), stdin=big),
        Cap("100,000 header fields", z + ["message",
                                          os.path.join(tmp, "fields.eml")],
            None, 10, SMALL_RSS_MIB,
            all_of(has_any("msg-too-large"), rc_in(1))),
        Cap("a header field of 1 MiB", z + ["message", long_field],
            None, 10, SMALL_RSS_MIB,
            all_of(has_any("msg-too-large"), rc_in(1))),
        Cap("MIME multipart nesting 1,000 deep",
            z + ["message", os.path.join(tmp, "mime.eml"), "--ip", "192.0.2.1",
                 "--mail-from", "a@" + D],
            "input", 10, SMALL_RSS_MIB,
            all_of(rc_in(0, 1), path_in("input.from_domain", D))),
        # A bounce returning a bounce returning ... : the returned
        # message is found (one level), nothing recurses 1,000 times.
        Cap("message/rfc822 bounce nesting 1,000 deep",
            z + ["message", os.path.join(tmp, "rfc822.eml")],
            "input", 10, SMALL_RSS_MIB,
            all_of(rc_in(0, 1), path_in("input.bounce.returned", "message"),
                   path_in("input.bounce.recipients.0.status", "5.7.26"))),
        # Under the size cap, verified: the 60 MiB may be held twice
        # (the message and its canonical body: 141 MiB with the ~21 of
        # a trivial run), not three times (201 MiB).
        Cap("DKIM signature over a 60 MiB body",
            z + ["message", os.path.join(tmp, "signedbig.eml"), "--ip",
                 "192.0.2.1", "--mail-from", "a@" + D], "dkim", 20, 180,
            all_of(path_in("dkim.signatures.0.result", "pass"))),
        # RFC 6376 3.5 tag-lists from a stranger: an h= of 5,000 names
        # is permerror (AA_DKIM_MAX_H); a 60,000-octet b= cannot verify
        # (fail, or permerror by a cap); the good signature still passes.
        Cap("DKIM h= of 5,000 names and b= of 60,000 octets",
            z + ["message", os.path.join(tmp, "tags.eml"), "--ip",
                 "192.0.2.1", "--mail-from", "a@" + D], "dkim", 10,
            SMALL_RSS_MIB,
            all_of(path_in("dkim.signatures.0.result", "permerror"),
                   path_in("dkim.signatures.1.result", "permerror", "fail"),
                   path_in("dkim.signatures.2.result", "pass"))),
        Cap("500 DKIM signatures",
            z + ["message", os.path.join(tmp, "sigs.eml"), "--ip",
                 "192.0.2.1", "--mail-from", "a@" + D],
            "dkim", 20, SMALL_RSS_MIB,
            all_of(queries_at_most(20, lambda q: "._domainkey." in
                                   q["name"], "key lookups"),
                   path_in("dkim.signatures.0.result", "pass"),
                   mentions("500"))),
        # One record of 1,000 includes is over the record caps
        # (AA_SPF_MAX_RECORD, AA_SPF_MAX_TERMS): a clear permerror that
        # names the cap, no lookups.
        # 30 nested includes: RFC 7208 4.6.4 ends it at the 11th lookup.
        Cap("SPF include chain 30 deep, --ip",
            z + ["spf", "--ip", "192.0.2.1", "c0.chain." + D], "spf", 10,
            SMALL_RSS_MIB,
            all_of(path_in("spf.result", "permerror"),
                   has_any("spf-too-many-lookups"), rc_in(1))),
        Cap("SPF include chain 30 deep, worst case",
            z + ["spf", "c0.chain." + D], "spf", 10, SMALL_RSS_MIB,
            all_of(has_any("spf-too-many-lookups"), rc_in(1))),
        # An include loop is caught by the lookup limit (RFC 7208 4.6.4);
        # the report names the loop.
        Cap("SPF include loop, --ip",
            z + ["spf", "--ip", "192.0.2.1", "loop1." + D], "spf", 10,
            SMALL_RSS_MIB,
            all_of(path_in("spf.result", "permerror"), rc_in(1))),
        Cap("SPF include loop, worst case",
            z + ["spf", "loop1." + D], "spf", 10, SMALL_RSS_MIB,
            all_of(has_any("spf-include-loop"), rc_in(1))),
        Cap("SPF record of 1,000 includes, --ip",
            z + ["spf", "--ip", "192.0.2.1", "fan." + D], "spf", 10,
            SMALL_RSS_MIB,
            all_of(path_in("spf.result", "permerror"), rc_in(1),
                   has_any("spf-record-too-long", "spf-syntax"),
                   queries_at_most(12))),
        Cap("SPF record of 1,000 includes, worst case",
            z + ["spf", "fan." + D], "spf", 10, SMALL_RSS_MIB,
            all_of(has_any("spf-too-many-lookups", "spf-record-too-long",
                           "spf-syntax"), rc_in(1))),
        # RFC 7208 4.6.4: the 11th DNS-querying term is permerror.  The
        # report's tree walk may read more records (its own cap), and
        # the libspf2 second opinion asks its own questions: neither may
        # exhaust the audit's query budget on a result already decided.
        Cap("SPF tree of 10x10x10 includes, --ip",
            z + ["spf", "--ip", "192.0.2.1", "tree." + D], "spf", 10,
            SMALL_RSS_MIB,
            all_of(path_in("spf.result", "permerror"),
                   has_any("spf-too-many-lookups"), rc_in(1),
                   path_in("spf.lookups.count", 11),
                   queries_at_most(300, lambda q: q["by"] is None,
                                   "lookups of our own"),
                   lacks("dns-budget-exceeded", "spf-include-loop"))),
        # Worst case: 1,110 terms; a walk that stops at a cap says so,
        # and a 3-level tree is no loop.
        Cap("SPF tree of 10x10x10 includes, worst case",
            z + ["spf", "tree." + D], "spf", 20, SMALL_RSS_MIB,
            all_of(has_any("spf-too-many-lookups"), rc_in(1),
                   lacks("dns-budget-exceeded", "spf-include-loop"))),
        Cap("SPF domain with 1,000 includes",
            z + ["domain", "fan." + D], "spf", 20, SMALL_RSS_MIB,
            rc_in(1, 4)),
        Cap("SPF macro expanding past 253 octets",
            z + ["spf", "--ip", "192.0.2.1", "--mail-from",
                 "%s@macro.%s" % (local, D), "macro." + D], "spf", 10,
            SMALL_RSS_MIB,
            all_of(path_in("spf.result", "pass"), rc_in(0),
                   names_within_253, macro_truncated)),
        # RFC 7208 7.1: transformers = *DIGIT ["r"]; 7.3: a DIGIT that
        # names more parts than there are takes them all.  Valid, so
        # the exists terms are looked up: the first matches (pass).
        Cap("SPF macro with a 2^31 digit transformer",
            z + ["spf", "--ip", "192.0.2.1", "--mail-from",
                 "%s@macro2.%s" % (local, D), "macro2." + D], "spf", 10,
            SMALL_RSS_MIB,
            all_of(path_in("spf.result", "pass"), rc_in(0),
                   names_within_253)),
    ]
    return out


def main():
    authaudit = os.path.abspath(os.environ.get("AUTHAUDIT",
                                               "build/authaudit"))
    if not os.access(authaudit, os.X_OK):
        print("caps: %s is not an executable (run make first)" % authaudit,
              file=sys.stderr)
        return 1
    asan = harness.is_asan(authaudit)
    only = os.environ.get("ONLY")
    tmp = tempfile.mkdtemp(prefix="authaudit-caps.")
    npass = nfail = nskip = 0
    try:
        subprocess.run([sys.executable, os.path.abspath(__file__),
                        "--generate", tmp], check=True)
        for c in caps(tmp):
            if only and only not in c.name:
                continue
            secs = c.secs * (4 if asan else 1)
            rss = c.rss_mib * (3 if asan else 1) + (256 if asan else 0)
            r = harness.run(authaudit, c.args, stdin=c.stdin,
                            timeout=secs + 30)
            fig = "%d ms, %d MiB" % (r.ms, r.rss_kib // 1024)
            if c.needs and r.report is not None and \
                    r.report.get(c.needs) is None and r.not_implemented() \
                    and r.sig is None and not r.sanitizer():
                nskip += 1
                print("skip %s: the %s check is not implemented yet (%s)"
                      % (c.name, c.needs, fig))
                continue
            why = None
            if r.sig is not None:
                why = "killed by signal %d" % r.sig
            elif r.sanitizer():
                why = "sanitizer report"
            elif r.report is None:
                why = "no JSON report (exit %s): %s" % (r.rc, r.err[:300])
            elif r.rc not in (0, 1, 4):
                why = "exit %s: %s" % (r.rc, r.err[:200])
            elif r.ms > secs * 1000:
                why = "took %d ms, bound %d s" % (r.ms, secs)
            elif r.rss_kib > rss * 1024:
                why = "peak RSS %d MiB, bound %d MiB" % (r.rss_kib // 1024,
                                                         rss)
            else:
                why = c.judge(r)
            if why is None:
                npass += 1
                print("ok   %s: exit %s, %s (bounds %d s, %d MiB)" % (
                    c.name, r.rc, fig, secs, rss))
            else:
                nfail += 1
                print("FAIL %s: %s (%s)" % (c.name, why, fig))
                print("     authaudit %s" % " ".join(c.args))
        if nskip:
            print("caps: %d skipped (checks not implemented yet)" % nskip)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("caps: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        generate(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
