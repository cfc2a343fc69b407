#!/usr/bin/env python3
"""matrix.py: the DNS fault matrix (run by tests/faults/run.sh).

Every fault of faultdns.py (silent, SERVFAIL, REFUSED, FORMERR, NOTIMP,
truncation with a good, silent, closing or wrong-id TCP, wrong id and
wrong question, slow, garbled packets, a compression-pointer loop, the
question echoed in upper case, CNAME loop and over-long chain, a TXT of
65,000 octets, NUL octets, RRsets of thousands, names that do not
exist, the records that crash libspf2) against every check that reads
DNS: spf (the record, include, a, mx and its hosts, exists, redirect,
ptr), domain, message (DKIM key, DMARC record and organizational
domain, reverse DNS), dns; live (--resolver, never --offline).  The
data faults are asked of nsd as well, a real authoritative server
serving the same data; --time-limit, --max-queries and --save-zone
replay are checked on faulty runs.  Each case asserts the RFC's result
and finding, the exit status (design.md 2), a wall-time bound, "no
record" never said of a failed lookup, no crash and no sanitizer
report.  One line per case, then "faults: N passed, N failed".

Cases whose check is not in the build yet (the program says "not
implemented in this version" and leaves the section null) are listed as
"skip" and counted apart; once the check lands they run.
"""
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True		# no __pycache__ in the tree
sys.path.insert(0, HERE)
import dkimsign			# noqa: E402
import faultdns			# noqa: E402
import harness			# noqa: E402
from harness import NO_RECORD	# noqa: E402

A = faultdns.APEX
GOOD = faultdns.GOOD_IP		# SPF pass, PTR mx.fault.example
OTHER = faultdns.OTHER_IP	# SPF fail, PTR other.fault.example
HELO = "mx." + A
TEMP_MODES = ("silent", "servfail", "refused", "formerr", "notimp",
              "tcsilent", "tcclose", "garbage", "ptrloop")
# These wait out --timeout: nothing usable ever comes.
WAITING = ("silent", "tcsilent", "garbage", "ptrloop")
OK_MODES = ("tc", "wrongid", "tcwrong", "slow", "upper")
MECH_MODES = ("silent", "servfail", "refused", "tcclose")
TIMEOUT_S = 1.0			# --timeout of every case
LIMIT_S = 4.0			# --time-limit unless a case says otherwise
JOBS = int(os.environ.get("JOBS", "4"))
# A lookup that waits out --timeout once; waiting twice in a row for the
# same broken server would exceed the bound (with the slack below).
WAIT_MS = int(1000 * TIMEOUT_S) + 300
DATA_TAGS = ("loop", "chain", "chain5", "big", "nul", "nx", "many", "amany",
             "mxmany")
DNS_RC = {"silent": "TIMEOUT", "servfail": "SERVFAIL", "refused":
          "REFUSED", "formerr": "FORMERR", "notimp": "NOTIMP",
          "tcsilent": "TIMEOUT", "tcclose": "NETERROR", "garbage": "TIMEOUT",
          "ptrloop": "TIMEOUT"}


class Case:
    """One run of authaudit and what its report must say.

    want: {path: value or set of values}; has: finding ids that must be
    there (a tuple: one of them); lacks: ids that must not; temporary:
    a lookup failed for a temporary reason, so none of NO_RECORD may
    appear and the exit status is 4 unless rc says otherwise; ms: the
    wall-time bound; needs: the report section the check fills.
    """

    def __init__(self, name, args, needs, want=None, has=(), lacks=(),
                 rc=None, temporary=False, ms=None, server="fake",
                 timeout=TIMEOUT_S, limit=LIMIT_S, check=None,
                 replay=False):
        self.name = name
        self.args = args
        self.needs = needs
        self.want = want or {}
        self.has = list(has)
        self.lacks = set(lacks) | (NO_RECORD if temporary else set())
        self.rc = rc if rc is not None else (4 if temporary else None)
        self.temporary = temporary
        self.ms = ms
        self.server = server
        self.timeout = timeout
        self.limit = limit
        self.check = check		# extra judge: f(run) -> error or None
        self.replay = replay		# --save-zone, then the same offline


def judge(case, r, slack_ms):
    """The first thing wrong with run r, or None."""
    if r.sig is not None:
        return "killed by signal %d" % r.sig
    if r.sanitizer():
        return "sanitizer report: " + first_line(r.err, b"ERROR")
    if r.report is None:
        return "no JSON report (%s); exit %s; stderr: %s" % (
            r.json_error, r.rc, r.err[:300])
    if r.report.get("schema") != "authaudit/1":
        return "schema %r" % r.report.get("schema")
    bound = (case.ms if case.ms is not None else
             1000 * case.limit) + slack_ms
    if r.ms > bound:
        return "took %d ms, bound %d ms" % (r.ms, bound)
    for path, want in case.want.items():
        got = r.get(path)
        ok = got in want if isinstance(want, (set, frozenset)) else \
            got == want
        if not ok:
            return "%s is %r, want %r" % (path, got, want)
    ids = r.finding_ids()
    for h in case.has:
        alts = h if isinstance(h, tuple) else (h,)
        if not any(a in ids for a in alts):
            return "no finding %s (findings: %s)" % (
                " or ".join(alts), ", ".join(ids) or "none")
    bad = sorted(case.lacks & set(ids))
    if bad:
        return "finding %s must not be there%s (findings: %s)" % (
            ", ".join(bad), " after a temporary failure" if
            case.temporary else "", ", ".join(ids))
    if case.rc is not None:
        rcs = case.rc if isinstance(case.rc, (set, frozenset)) else \
            {case.rc}
        if r.rc not in rcs:
            return "exit %s, want %s (findings: %s)" % (
                r.rc, " or ".join(str(x) for x in sorted(rcs)),
                ", ".join(ids) or "none")
    if case.check is not None:
        return case.check(r)
    return None


# Cases whose hostile data also goes through the text renderer.
TEXT_TOO = ("-big", "-nul", "many", "crash", "loop", "chain")


def text_same(t):
    """The text report of the same run: no crash, the same exit."""
    def check(r):
        if t.sig is not None or t.sanitizer():
            return "--format text: %s" % (
                "signal %d" % t.sig if t.sig else "sanitizer report")
        if t.rc != r.rc or not t.out:
            return "--format text: exit %s (json: %s), %d octets out" % (
                t.rc, r.rc, len(t.out))
        return None
    return check


def chain(*checks):
    def check(r):
        for c in checks:
            why = c(r) if c is not None else None
            if why:
                return why
        return None
    return check


def few_queries(n):
    def check(r):
        k = len(r.get("dns_queries") or [])
        return None if k <= n else "%d DNS queries, want at most %d" % (k, n)
    return check


def first_line(b, mark):
    i = b.find(mark)
    return b[max(i, 0):].split(b"\n")[0][:200].decode("utf-8", "replace")


# ------------------------------------------------------------- the cases
def spf_cases():
    out = []
    for m in TEMP_MODES:
        ms = WAIT_MS if m in WAITING else 1000
        out.append(Case("spf t-%s (record lookup)" % m,
                        ["spf", "--ip", GOOD, "t-%s.%s" % (m, A)], "spf",
                        {"spf.result": "temperror"}, ["spf-temperror"],
                        temporary=True, ms=ms))
        out.append(Case("spf inc-%s (include lookup)" % m,
                        ["spf", "--ip", GOOD, "inc-%s.%s" % (m, A)], "spf",
                        {"spf.result": "temperror"}, ["spf-temperror"],
                        temporary=True, ms=ms))
    for m in ("silent", "servfail"):
        out.append(Case("spf t-%s worst case (no --ip)" % m,
                        ["spf", "t-%s.%s" % (m, A)], "spf",
                        {"spf.result": None}, ["spf-temperror"],
                        temporary=True))
        out.append(Case("spf inc-%s worst case (no --ip)" % m,
                        ["spf", "inc-%s.%s" % (m, A)], "spf",
                        {"spf.result": None}, ["spf-temperror"],
                        temporary=True))
    for m in OK_MODES:
        # The poison of wrongid and tcwrong is "v=spf1 +all": taken, it
        # would make OTHER pass.
        for pre in ("t", "inc"):
            out.append(Case("spf %s-%s pass" % (pre, m),
                            ["spf", "--ip", GOOD, "%s-%s.%s" % (pre, m, A)],
                            "spf", {"spf.result": "pass"},
                            lacks=["spf-temperror"], rc=0))
            out.append(Case("spf %s-%s fail (poison ignored)" % (pre, m),
                            ["spf", "--ip", OTHER, "%s-%s.%s" % (pre, m, A)],
                            "spf", {"spf.result": "fail"}, ["spf-fail"],
                            lacks=["spf-temperror"], rc=1))
    # RFC 7208 5: a mechanism's lookup that fails (RCODE other than 0 or
    # 3, or a timeout) ends check_host() with temperror, MX host address
    # lookups and redirect included.
    for m in MECH_MODES:
        ms = WAIT_MS if m in WAITING else 1000
        for pre in ("mech-a", "mech-mx", "mech-mxhost", "mech-exists",
                    "redir"):
            out.append(Case("spf %s-%s" % (pre, m),
                            ["spf", "--ip", GOOD, "%s-%s.%s" % (pre, m, A)],
                            "spf", {"spf.result": "temperror"},
                            ["spf-temperror"], temporary=True, ms=ms))
        # RFC 7208 4.6.2: evaluation stops at the first match; the
        # broken name after it is never asked.
        # (The report's worst-case tree may still look; that is not
        # the evaluation, and it counts nothing.)
        out.append(Case("spf early-%s (match before the fault)" % m,
                        ["spf", "--ip", GOOD, "early-%s.%s" % (m, A)], "spf",
                        {"spf.result": "pass", "spf.lookups.count": 0},
                        lacks=["spf-temperror"], rc=0))
    # Huge RRsets: 4,000 addresses are compared (the last matches
    # nothing: fail); RFC 7208 4.6.4: over 10 MX names is permerror,
    # without looking up 1,500 hosts.
    out.append(Case("spf mech-amany (a: with 4,000 addresses)",
                    ["spf", "--ip", GOOD, "mech-amany." + A], "spf",
                    {"spf.result": "fail"}, ["spf-fail"], rc=1, ms=2000))
    out.append(Case("spf mech-mxmany (mx: with 1,500 names)",
                    ["spf", "--ip", GOOD, "mech-mxmany." + A], "spf",
                    {"spf.result": "permerror"}, ["spf-mx-too-many-names"],
                    rc=1, ms=2000, check=few_queries(40)))
    # libraries.md 1: libspf2 runs in a child; its crash is a finding,
    # never ours (issue 9: "authaudit reports it and exits normally").
    # Ours: RFC 7208 7.1 domain-end is "." toplabel or a macro-expand,
    # so "%{d}...%{d}xxxx" is a syntax error (permerror).
    out.append(Case("spf spf-crash (the record that crashes libspf2)",
                    ["spf", "--ip", GOOD, "spf-crash." + A], "spf",
                    {"spf.result": "permerror", "spf.libspf2.crashed": True},
                    ["spf-libspf2-crash", "spf-syntax"], rc=1, ms=3000))
    out.append(Case("spf spf-crashexp (exp= that crashes libspf2)",
                    ["spf", "--ip", OTHER, "spf-crashexp." + A], "spf",
                    {"spf.result": "fail", "spf.libspf2.crashed": True},
                    ["spf-fail", "spf-libspf2-crash"], rc=1, ms=3000))
    # RFC 7208 5.5: "If a DNS error occurs while doing the PTR RR lookup,
    # then this mechanism fails to match": fail by -all, not temperror.
    for ip, what in (("192.0.2.77", "SERVFAIL"), ("192.0.2.78", "silent")):
        out.append(Case("spf mech-ptr, PTR of %s %s (no match)" % (ip, what),
                        ["spf", "--ip", ip, "mech-ptr." + A], "spf",
                        {"spf.result": "fail"}, ["spf-fail"],
                        lacks=["spf-temperror"], rc=1))
    # Data faults.  RFC 7208 4.4: a lookup that fails for a reason other
    # than NXDOMAIN or no records is temperror; the DNS layer reports a
    # CNAME loop or over-long chain as SERVFAIL.
    for pre in ("spf", "inc"):
        for tag in ("loop", "chain"):
            out.append(Case("spf %s-%s" % (pre, tag),
                            ["spf", "--ip", GOOD, "%s-%s.%s" % (pre, tag, A)],
                            "spf", {"spf.result": "temperror"},
                            ["spf-temperror"], temporary=True, ms=1000))
        out.append(Case("spf %s-chain5 (5 CNAMEs, followed)" % pre,
                        ["spf", "--ip", GOOD, "%s-chain5.%s" % (pre, A)],
                        "spf", {"spf.result": "pass"}, rc=0, ms=1000))
        # RFC 7208 3.4 asks for records under 450 octets but sets no
        # maximum: a 65,000-octet record is evaluated (pass) or refused
        # by a cap (permerror), never temperror or none; always flagged.
        out.append(Case("spf %s-big (65,000-octet record over TCP)" % pre,
                        ["spf", "--ip", GOOD, "%s-big.%s" % (pre, A)], "spf",
                        {"spf.result": {"pass", "permerror"}},
                        ["spf-record-too-long"],
                        lacks=NO_RECORD | {"spf-temperror"}, ms=2000))
        # RFC 7208 4.6: a term with a NUL octet is a syntax error.
        out.append(Case("spf %s-nul (NUL in the record)" % pre,
                        ["spf", "--ip", GOOD, "%s-nul.%s" % (pre, A)], "spf",
                        {"spf.result": "permerror"}, ["spf-syntax"],
                        lacks=["spf-temperror"], rc=1, ms=1000))
    # RFC 7208 4.3, 4.5: no record, or no such domain, is none: the
    # controls that show the temperrors above are not all the checker
    # can say.
    out.append(Case("spf nx (NXDOMAIN: none)",
                    ["spf", "--ip", GOOD, "nx." + A], "spf",
                    {"spf.result": "none"}, ["spf-none"],
                    lacks=["spf-temperror"], ms=1000))
    out.append(Case("spf mx.fault.example (no TXT: none)",
                    ["spf", "--ip", GOOD, "mx." + A], "spf",
                    {"spf.result": "none"}, ["spf-none"],
                    lacks=["spf-temperror"], ms=1000))
    # RFC 7208 5.2: include of a domain without a record is permerror.
    out.append(Case("spf inc-nx (include target NXDOMAIN)",
                    ["spf", "--ip", GOOD, "inc-nx." + A], "spf",
                    {"spf.result": "permerror"}, ["spf-include-none"],
                    lacks=["spf-temperror"], rc=1, ms=1000))
    return out


def dns_cases():
    out = []
    for m in TEMP_MODES:
        out.append(Case("dns t-%s TXT" % m,
                        ["dns", "t-%s.%s" % (m, A), "TXT"], "dns",
                        {"dns.rcode": DNS_RC[m]}, rc=4,
                        ms=WAIT_MS if m in WAITING else 1000))
    for m in OK_MODES:
        out.append(Case("dns t-%s TXT (the true answer)" % m,
                        ["dns", "t-%s.%s" % (m, A), "TXT"], "dns",
                        {"dns.rcode": "NOERROR",
                         "dns.answers.0.data": '"%s"' % faultdns.GOOD_SPF,
                         "dns.answers.1": None}, rc=0))
        out.append(Case("dns t-%s A (the true address)" % m,
                        ["dns", "t-%s.%s" % (m, A), "A"], "dns",
                        {"dns.rcode": "NOERROR", "dns.answers.0.data": GOOD,
                         "dns.answers.1": None}, rc=0))
    out.append(Case("dns spf-loop TXT (CNAME loop)",
                    ["dns", "spf-loop." + A, "TXT"], "dns",
                    {"dns.rcode": "SERVFAIL", "dns.answers.0": None}, rc=4,
                    ms=1000))
    out.append(Case("dns spf-chain TXT (20 CNAMEs)",
                    ["dns", "spf-chain." + A, "TXT"], "dns",
                    {"dns.rcode": "SERVFAIL"}, rc=4, ms=1000))
    out.append(Case("dns spf-chain5 TXT (5 CNAMEs)",
                    ["dns", "spf-chain5." + A, "TXT"], "dns",
                    {"dns.rcode": "NOERROR", "dns.answers.0.data":
                     '"%s"' % faultdns.GOOD_SPF}, rc=0, ms=1000))
    for name, value in (("spf-big." + A, faultdns.big_spf()),
                        ("u-big." + A, faultdns.big_spf()),
                        ("k-big._domainkey." + A, faultdns.big_key()),
                        ("_dmarc.dm-big." + A, faultdns.big_dmarc())):
        out.append(Case("dns %s TXT (%d octets)" % (name, len(value)),
                        ["dns", name, "TXT"], "dns",
                        {"dns.rcode": "NOERROR", "dns.answers.0.data":
                         faultdns.present_txt(value)}, rc=0, ms=2000))
    out.append(Case("dns spf-nul TXT (NUL kept as \\000)",
                    ["dns", "spf-nul." + A, "TXT"], "dns",
                    {"dns.answers.0.data":
                     faultdns.present_txt(faultdns.NUL_SPF)}, rc=0))
    out.append(Case("dns many A (4,000 records over TCP)",
                    ["dns", "many." + A, "A"], "dns",
                    {"dns.rcode": "NOERROR", "dns.answers.3999.data":
                     "10.0.15.159", "dns.answers.4000": None}, rc=0, ms=2000))
    out.append(Case("dns nx TXT", ["dns", "nx." + A, "TXT"], "dns",
                    {"dns.rcode": "NXDOMAIN"}, rc=0))
    return out


def msg_args(path, ip, mail_from):
    return ["message", path, "--ip", ip, "--mail-from", mail_from,
            "--helo", HELO]


def dkim_cases(msgs):
    """A message From fault.example signed with selector k-MODE."""
    out = []
    sig = "dkim.signatures.0."
    for m in TEMP_MODES:
        ms = WAIT_MS if m in WAITING else 1500
        # SPF passes aligned: DMARC passes; the key is undetermined.
        out.append(Case("message dkim k-%s, SPF aligned pass" % m,
                        msg_args(msgs["k-" + m], GOOD, "a@" + A), "dkim",
                        {sig + "result": "temperror", "dmarc.result": "pass"},
                        ["dkim-temperror"], temporary=True, ms=ms))
        # SPF fails: the only aligned identifier left is the key that
        # could not be fetched: DMARC temperror (design.md 3a), not fail.
        out.append(Case("message dkim k-%s, SPF fail" % m,
                        msg_args(msgs["k-" + m], OTHER, "a@" + A), "dkim",
                        {sig + "result": "temperror",
                         "dmarc.result": "temperror"},
                        ["dkim-temperror", "dmarc-temperror"],
                        lacks=["dmarc-fail"] + sorted(NO_RECORD), rc=1,
                        ms=ms))
        # The key of a -s selector in the domain command (design.md 1).
        out.append(Case("domain fault.example -s k-%s" % m,
                        ["domain", A, "-s", "k-" + m], "dkim",
                        {}, ["dkim-temperror"], temporary=True, ms=ms))
    for m in OK_MODES:
        out.append(Case("message dkim k-%s (pass)" % m,
                        msg_args(msgs["k-" + m], OTHER, "a@" + A), "dkim",
                        {sig + "result": "pass", "dmarc.result": "pass"},
                        lacks=["dkim-temperror", "dkim-key-revoked"]))
    for tag in ("loop", "chain"):
        out.append(Case("message dkim k-%s" % tag,
                        msg_args(msgs["k-" + tag], GOOD, "a@" + A), "dkim",
                        {sig + "result": "temperror"}, ["dkim-temperror"],
                        temporary=True, ms=1500))
    out.append(Case("message dkim k-chain5 (pass)",
                    msg_args(msgs["k-chain5"], OTHER, "a@" + A), "dkim",
                    {sig + "result": "pass"}, ms=1500))
    out.append(Case("message dkim sel (control: pass)",
                    msg_args(msgs["sel"], OTHER, "a@" + A), "dkim",
                    {sig + "result": "pass", "dmarc.result": "pass"},
                    ms=1500))
    # design.md 3a: a key with NUL is unusable (permerror); RSA over
    # 8192 bits is permerror too; NXDOMAIN is permerror (not found).
    out.append(Case("message dkim k-nul (NUL in the key)",
                    msg_args(msgs["k-nul"], GOOD, "a@" + A), "dkim",
                    {sig + "result": "permerror"}, ["dkim-key-invalid"],
                    lacks=["dkim-temperror"], ms=1500))
    out.append(Case("message dkim k-big (65,000-octet key record)",
                    msg_args(msgs["k-big"], GOOD, "a@" + A), "dkim",
                    {sig + "result": "permerror"},
                    [("dkim-key-too-large", "dkim-key-invalid")],
                    lacks=["dkim-temperror"], ms=3000))
    out.append(Case("message dkim k-nx (key NXDOMAIN)",
                    msg_args(msgs["k-nx"], GOOD, "a@" + A), "dkim",
                    {sig + "result": "permerror"}, ["dkim-key-not-found"],
                    lacks=["dkim-temperror"], ms=1500))
    return out


def dmarc_cases(msgs):
    out = []
    for m in TEMP_MODES:
        ms = WAIT_MS if m in WAITING else 1500
        d = "dm-%s.%s" % (m, A)
        # RFC 7489 6.6.3: a record that could not be fetched is not an
        # absent record: temperror, and no fall-back to the org domain.
        out.append(Case("message dmarc dm-%s" % m,
                        msg_args(msgs["dm-" + m], GOOD, "a@" + d), "dmarc",
                        {"dmarc.result": "temperror",
                         "dmarc.policy": None},
                        ["dmarc-temperror"], temporary=True, ms=ms))
        out.append(Case("domain dm-%s" % m, ["domain", d], "dmarc",
                        {"dmarc.result": {"temperror", None},
                         "dmarc.policy": None},
                        ["dmarc-temperror"], temporary=True, ms=ms))
    for m in OK_MODES:
        d = "dm-%s.%s" % (m, A)
        out.append(Case("message dmarc dm-%s (p=reject read)" % m,
                        msg_args(msgs["dm-" + m], GOOD, "a@" + d), "dmarc",
                        {"dmarc.result": "pass", "dmarc.policy": "reject",
                         "dmarc.record_domain": d},
                        lacks=["dmarc-temperror"]))
    for tag in ("loop", "chain"):
        d = "dm-%s.%s" % (tag, A)
        out.append(Case("message dmarc dm-%s" % tag,
                        msg_args(msgs["dm-" + tag], GOOD, "a@" + d), "dmarc",
                        {"dmarc.result": "temperror"}, ["dmarc-temperror"],
                        temporary=True, ms=1500))
    d = "dm-chain5." + A
    out.append(Case("message dmarc dm-chain5 (followed)",
                    msg_args(msgs["dm-chain5"], GOOD, "a@" + d), "dmarc",
                    {"dmarc.result": "pass", "dmarc.policy": "reject"},
                    ms=1500))
    d = "dm-nul." + A
    # design.md 3a: no valid p and no valid rua: permerror (dmarc-syntax).
    out.append(Case("message dmarc dm-nul (p=reject\\0)",
                    msg_args(msgs["dm-nul"], GOOD, "a@" + d), "dmarc",
                    {"dmarc.result": "permerror"}, ["dmarc-syntax"],
                    lacks=["dmarc-temperror", "dmarc-none"], ms=1500))
    d = "dm-big." + A
    out.append(Case("message dmarc dm-big (65,000-octet record)",
                    msg_args(msgs["dm-big"], GOOD, "a@" + d), "dmarc",
                    {"dmarc.result": {"pass", "permerror"}},
                    lacks=["dmarc-temperror", "dmarc-none"], ms=2000))
    # RFC 7489 6.6.3: none at the author domain, and the org domain's
    # lookup fails: temperror, not none.
    d = "sub.orgfault.example"
    out.append(Case("message dmarc sub.orgfault (org domain SERVFAIL)",
                    msg_args(msgs["orgfault"], GOOD, "a@" + d), "dmarc",
                    {"dmarc.result": "temperror", "dmarc.policy": None},
                    ["dmarc-temperror"], temporary=True, ms=1500))
    # RFC 9989 np (design.md 3a): the author domain's existence is one A
    # query; SERVFAIL is dmarc-temperror, never "non-existent".
    d = "np-servfail.nporg.example"
    out.append(Case("message dmarc np-servfail (existence unknown)",
                    msg_args(msgs["np-servfail"], OTHER, "a@" + A), "dmarc",
                    {}, ["dmarc-temperror"],
                    lacks=["domain-nonexistent", "dmarc-np-compact-denial"],
                    ms=1500))
    d = "nodmarc.example"
    out.append(Case("message dmarc nodmarc.example (no record: none)",
                    msg_args(msgs["nodmarc"], GOOD, "a@" + d), "dmarc",
                    {"dmarc.result": "none"}, ["dmarc-none"],
                    lacks=["dmarc-temperror"], ms=1500))
    d = "dm-nx." + A
    # RFC 7489 6.6.3: no record at the author domain: the org domain's.
    out.append(Case("message dmarc dm-nx (org domain's record)",
                    msg_args(msgs["dm-nx"], GOOD, "a@" + d), "dmarc",
                    {"dmarc.result": "pass", "dmarc.record_domain": A,
                     "dmarc.policy": "reject"},
                    lacks=["dmarc-temperror", "dmarc-none"], ms=1500))
    return out


def domain_cases():
    out = []
    for m in TEMP_MODES:
        d = "t-%s.%s" % (m, A)
        out.append(Case("domain t-%s -s sel --ip (all lookups fail)" % m,
                        ["domain", d, "-s", "sel", "--ip", GOOD], "spf",
                        {"spf.result": "temperror"},
                        ["spf-temperror", "dmarc-temperror",
                         "dkim-temperror"], temporary=True))
    for m in OK_MODES:
        d = "t-%s.%s" % (m, A)
        out.append(Case("domain t-%s -s sel --ip (as fault.example)" % m,
                        ["domain", d, "-s", "sel", "--ip", GOOD], "spf",
                        {"spf.result": "pass", "dmarc.policy": "reject",
                         "spf.record": faultdns.GOOD_SPF},
                        lacks=["spf-temperror", "dmarc-temperror",
                               "dkim-temperror"] + sorted(NO_RECORD)))
    return out


REPLAYED = ("spf.result", "dkim.signatures.0.result", "dmarc.result",
            "dmarc.policy")


def replay_cases(msgs):
    """design.md 1 --save-zone: failures saved as pragmas replay offline
    to the same results, findings and exit status, without waiting."""
    out = []
    for name, args, needs in (
            ("spf t-silent", ["spf", "--ip", GOOD, "t-silent." + A], "spf"),
            ("spf inc-servfail", ["spf", "--ip", GOOD, "inc-servfail." + A],
             "spf"),
            ("spf inc-loop", ["spf", "--ip", GOOD, "inc-loop." + A], "spf"),
            ("spf spf-nul", ["spf", "--ip", GOOD, "spf-nul." + A], "spf"),
            ("message dkim k-refused, SPF fail",
             msg_args(msgs["k-refused"], OTHER, "a@" + A), "dkim"),
            ("message dmarc dm-servfail",
             msg_args(msgs["dm-servfail"], GOOD, "a@dm-servfail." + A),
             "dmarc"),
            ("domain t-refused", ["domain", "t-refused." + A, "-s", "sel",
                                  "--ip", GOOD], "spf")):
        out.append(Case("replay of a saved live run: " + name, args, needs,
                        replay=True))
    return out


def replayed(authaudit, live, zone, args):
    """What differs when the run is replayed offline from its zone."""
    r = harness.run(authaudit, ["--offline", "--zone", zone, "--now",
                                "1795856400"] + args, timeout=60)
    if r.report is None or r.sig is not None or r.sanitizer():
        return "replay: no report, exit %s: %s" % (r.rc, r.err[:200])
    for path in REPLAYED:
        if live.get(path) != r.get(path):
            return "replay: %s is %r, live %r" % (path, r.get(path),
                                                  live.get(path))
    ids = sorted(set(live.finding_ids()) - {"dns-budget-exceeded"})
    rids = sorted(set(r.finding_ids()) - {"dns-budget-exceeded"})
    if ids != rids:
        return "replay: findings %s, live %s" % (", ".join(rids),
                                                  ", ".join(ids))
    if r.rc != live.rc:
        return "replay: exit %s, live %s" % (r.rc, live.rc)
    if r.ms > 3000:
        return "replay took %d ms: a saved failure must answer at once" % \
            r.ms
    return None


def rdns_cases(msgs):
    """A reverse lookup that fails is unknown, never "no PTR"."""
    out = []
    for ip, what in (("192.0.2.77", "SERVFAIL"), ("192.0.2.78", "silent")):
        out.append(Case("message --ip %s, PTR %s (rDNS unknown)" % (ip, what),
                        msg_args(msgs["sel"], ip, "a@" + A), "verdict",
                        {}, ["ptr-not-checked"],
                        lacks=["ptr-missing", "fcrdns-mismatch"]))
    return out


def cap_cases(msgs):
    """--time-limit and --max-queries bound the whole audit."""
    out = []
    # Nine includes 0.6 s apart: 5.4 s of answers; 2 s allowed.
    out.append(Case("time limit: spf through 9 slow includes, limit 2 s",
                    ["spf", "--ip", GOOD, "sc1.t-slow." + A], "spf",
                    {"spf.result": "temperror"}, ["spf-temperror"],
                    temporary=True, timeout=5, limit=2))
    out.append(Case("time limit: 3 slow includes within 5 s (pass)",
                    ["spf", "--ip", GOOD, "sc7.t-slow." + A], "spf",
                    {"spf.result": "pass"}, rc=0, timeout=5, limit=5,
                    ms=3000))
    out.append(Case("time limit: domain t-silent, 3 keys, limit 2 s",
                    ["domain", "t-silent." + A, "-s", "sel", "-s", "sel2",
                     "-s", "sel3", "--ip", GOOD], "spf",
                    {"spf.result": "temperror"},
                    ["spf-temperror", "dns-budget-exceeded"],
                    temporary=True, limit=2))
    out.append(Case("time limit: message, everything silent, limit 1.5 s",
                    msg_args(msgs["all-silent"], GOOD, "a@t-silent." + A),
                    "dkim", {}, ["dns-budget-exceeded"], temporary=True,
                    limit=1.5))
    out.append(Case("query cap: domain fault.example --max-queries 3",
                    ["--max-queries", "3", "domain", A, "-s", "sel"], "spf",
                    {}, ["dns-budget-exceeded"], temporary=True))
    return out


def nsd_cases(msgs):
    """The data faults asked of nsd: the same results."""
    out = []
    for c in (spf_cases() + dns_cases() + dkim_cases(msgs) +
              dmarc_cases(msgs)):
        words = c.name.replace("(", " ").replace(".", " ").split()
        data = any(w.split("-")[-1] in DATA_TAGS for w in words) or \
            "sel" in words
        transport = any(w.split("-", 1)[-1] in TEMP_MODES + OK_MODES
                        for w in words if "-" in w)
        if data and not transport:
            c.name = "nsd: " + c.name
            c.server = "nsd"
            out.append(c)
    # nsd answers REFUSED for a zone it does not serve: temperror, where
    # the fake world's NXDOMAIN gives permerror.
    out.append(Case("nsd: spf inc-outside (REFUSED include)",
                    ["spf", "--ip", GOOD, "inc-outside." + A], "spf",
                    {"spf.result": "temperror"}, ["spf-temperror"],
                    temporary=True, server="nsd", ms=1000))
    out.append(Case("spf inc-outside (NXDOMAIN include)",
                    ["spf", "--ip", GOOD, "inc-outside." + A], "spf",
                    {"spf.result": "permerror"}, ["spf-include-none"],
                    rc=1, ms=1000))
    return out


# ------------------------------------------------------------- servers
def start_fake(tmp, key):
    portfile = os.path.join(tmp, "fake.port")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "faultdns.py"),
                          "serve", portfile, "--lifetime", "900",
                          "--dkim-key", key.pub_b64, "--log",
                          os.path.join(tmp, "fake.log")])
    for _ in range(100):
        if os.path.exists(portfile):
            return p, int(open(portfile).read())
        if p.poll() is not None:
            break
        time.sleep(0.05)
    p.kill()
    return None, None


def find_prog(name):
    p = os.environ.get(name.upper().replace("-", "_"))
    if p:
        return p
    p = shutil.which(name)
    if p is None and os.access("/usr/sbin/" + name, os.X_OK):
        p = "/usr/sbin/" + name
    return p


def start_nsd(tmp, key, authaudit):
    """(process, port, None) or (None, None, why)."""
    nsd, checkconf = find_prog("nsd"), find_prog("nsd-checkconf")
    if not nsd or not checkconf:
        return None, None, "nsd or nsd-checkconf not found (tools/deps.sh" \
            " test installs the Debian package nsd)"
    zdir = os.path.join(tmp, "zones")
    os.mkdir(zdir)
    zones = subprocess.run([sys.executable,
                            os.path.join(HERE, "faultdns.py"), "zones",
                            zdir, key.pub_b64], check=True,
                           capture_output=True, text=True).stdout.split()
    why = "?"
    for _ in range(3):
        port = subprocess.run([sys.executable,
                               os.path.join(HERE, "faultdns.py"),
                               "freeport"], check=True, capture_output=True,
                              text=True).stdout.strip()
        conf = os.path.join(tmp, "nsd.conf")
        with open(conf, "w") as f:
            f.write("server:\n\tip-address: 127.0.0.1\n\tport: %s\n"
                    "\tusername: \"\"\n\tchroot: \"\"\n\tdatabase: \"\"\n"
                    "\tzonelistfile: \"%s/zone.list\"\n"
                    "\txfrdfile: \"%s/xfrd.state\"\n"
                    "\tpidfile: \"%s/nsd.pid\"\n\tlogfile: \"%s/nsd.log\"\n"
                    "\tverbosity: 0\n\tserver-count: 1\n"
                    "\thide-version: yes\n"
                    "remote-control:\n\tcontrol-enable: no\n"
                    % (port, tmp, tmp, tmp, tmp))
            for z in zones:
                f.write("zone:\n\tname: \"%s\"\n\tzonefile: \"%s/%s.zone\"\n"
                        % (z, zdir, z))
        cc = subprocess.run([checkconf, conf], capture_output=True,
                            text=True)
        if cc.returncode != 0:
            return None, None, "nsd-checkconf: " + cc.stdout + cc.stderr
        p = subprocess.Popen([nsd, "-d", "-c", conf],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        for _ in range(50):
            if p.poll() is not None:
                break
            r = subprocess.run([authaudit, "--resolver", "127.0.0.1:" + port,
                                "--timeout", "0.2", "-q", "dns", A, "SOA"],
                               capture_output=True)
            if r.returncode == 0:
                return p, int(port), None
            time.sleep(0.1)
        if p.poll() is None:
            p.kill()
            p.wait()
            try:
                why = open(os.path.join(tmp, "nsd.log")).read()[-500:]
            except OSError:
                why = "no answer from nsd"
            return None, None, "nsd runs but does not answer: " + why
        p.wait()
        try:
            why = open(os.path.join(tmp, "nsd.log")).read()[-500:]
        except OSError:
            why = "nsd exited"
    return None, None, "nsd exited: " + why


def make_messages(tmp, key):
    msgs = {}

    def write(tag, from_domain, signs):
        m = dkimsign.message("a@" + from_domain)
        for d, s in signs:
            m = dkimsign.sign(m, d, s, key)
        path = os.path.join(tmp, tag + ".eml")
        with open(path, "wb") as f:
            f.write(m)
        msgs[tag] = path

    for sel in (["k-" + m for m in TEMP_MODES + OK_MODES] +
                ["k-loop", "k-chain", "k-chain5", "k-big", "k-nul", "k-nx",
                 "sel"]):
        write(sel, A, [(A, sel)])
    for m in TEMP_MODES + OK_MODES + ("loop", "chain", "chain5", "big",
                                      "nul", "nx"):
        write("dm-" + m, "dm-%s.%s" % (m, A), [(A, "sel")])
    write("orgfault", "sub.orgfault.example", [(A, "sel")])
    write("nodmarc", "nodmarc.example", [(A, "sel")])
    write("np-servfail", "np-servfail.nporg.example", [])
    write("all-silent", "dm-silent." + A,
          [(A, "k-silent"), ("t-silent." + A, "sel")])
    return msgs


def main():
    authaudit = os.path.abspath(os.environ.get("AUTHAUDIT",
                                               "build/authaudit"))
    if not os.access(authaudit, os.X_OK):
        print("faults: %s is not an executable (run make first)" %
              authaudit, file=sys.stderr)
        return 1
    asan = harness.is_asan(authaudit)
    # Slack over each bound: process start, the checks' own work and a
    # loaded 2-core machine; ASan makes everything slower.
    slack = 4000 if asan else 1000
    only = os.environ.get("ONLY")
    tmp = tempfile.mkdtemp(prefix="authaudit-faults.")
    procs = []
    npass = nfail = nskip = 0
    try:
        key = dkimsign.keygen()
        msgs = make_messages(tmp, key)
        fake, fport = start_fake(tmp, key)
        if fake is None:
            print("FAIL faultdns.py did not start")
            print("faults: 0 passed, 1 failed")
            return 1
        procs.append(fake)
        nsd, nport, why = start_nsd(tmp, key, authaudit)
        if nsd is not None:
            procs.append(nsd)
            print("ok   nsd serving the fault data on 127.0.0.1:%d" % nport)
            npass += 1
        else:
            print("FAIL nsd: %s" % why)
            nfail += 1
        cases = (dns_cases() + spf_cases() + dkim_cases(msgs) +
                 dmarc_cases(msgs) + domain_cases() + rdns_cases(msgs) +
                 cap_cases(msgs) + replay_cases(msgs) +
                 nsd_cases(msgs))
        skipped = {}
        todo = [c for c in cases if (not only or only in c.name) and
                (fport if c.server == "fake" else nport) is not None]

        def one(c):
            port = fport if c.server == "fake" else nport
            args = ["--resolver", "127.0.0.1:%d" % port, "--timeout",
                    "%g" % c.timeout, "--time-limit", "%g" % c.limit,
                    "--now", "1795856400"] + c.args
            if not c.replay:
                r = harness.run(authaudit, args, timeout=60)
                if c.server == "fake" and any(t in c.name for t in TEXT_TOO):
                    # Hostile data through the text renderer as well.
                    t = harness.run(authaudit, args, timeout=60, fmt="text")
                    c.check = chain(c.check, text_same(t))
                return args, r
            zone = os.path.join(tmp, "saved-%d.zone" % id(c))
            r = harness.run(authaudit, ["--save-zone", zone] + args,
                            timeout=60)
            if r.report is not None and r.rc is not None:
                c.check = lambda live: replayed(authaudit, live, zone,
                                                c.args)
            return args, r

        # Most cases wait on a silent server, not on a CPU: a few at a
        # time (JOBS) keep the run short without crowding two cores.
        with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
            results = pool.map(one, todo)
            for c, (args, r) in zip(todo, results):
                if r.report is not None and r.report.get(c.needs) is None \
                        and r.not_implemented() and r.sig is None and \
                        not r.sanitizer():
                    nskip += 1
                    skipped[c.needs] = skipped.get(c.needs, 0) + 1
                    print("skip %s: the %s check is not implemented yet" %
                          (c.name, c.needs))
                    continue
                why = judge(c, r, slack)
                if why is None:
                    npass += 1
                    print("ok   %s: exit %s, %d ms" % (c.name, r.rc, r.ms))
                else:
                    nfail += 1
                    print("FAIL %s: %s" % (c.name, why))
                    print("     authaudit %s" % " ".join(
                        a if all(ch.isalnum() or ch in ".-_/:@" for ch in a)
                        else repr(a) for a in args))
        if nskip:
            print("faults: %d skipped (not implemented: %s)" % (
                nskip, ", ".join("%s %d" % kv for kv in
                                 sorted(skipped.items()))))
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("faults: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
