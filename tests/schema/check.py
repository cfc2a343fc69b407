#!/usr/bin/env python3
"""Check authaudit/1 JSON reports against design.md 3.

Every key of the contract must be present (null where a fact is absent),
in the contract's order (keys may be added, design.md 3: extra keys are
allowed after or between), with the right JSON type.  A section that does
not apply to the command is null.  Usage: check.py FILE... ; prints one
line per problem and "schema: N passed, N failed".
"""
import json
import sys

S, I, B, N = "string", "int", "bool", "null"

TERM_DOMAIN = {"term": S, "domain": S}
TREE = None  # recursive, set below
SCHEMA = {
    "schema": S,
    "tool": {"name": S, "version": S, "psl_date": S},
    "command": S,
    "input": {"domain": S, "ip": S, "helo": S, "mail_from": S,
              "from_domain": S, "from_domains": [S],
              "sources": {"ip": S, "helo": S, "mail_from": S},
              "bounce": {"reporting_mta": S, "remote_mta": S,
                         "recipients": [{"recipient": S, "action": S,
                                         "status": S, "code": I,
                                         "diagnostic": S, "provider": S,
                                         "class": S}],
                         "returned": S}},
    "dns": {"name": S, "type": S, "rcode": S, "source": S, "origin": S,
            "ms": I, "cname_chain": [S],
            "answers": [{"type": S, "ttl": I, "data": S}]},
    "spf": {"domain": S, "record": S, "result": S, "explanation": S,
            "helo_result": S, "matched": TERM_DOMAIN,
            "lookups": {"count": I, "limit": I, "void": I, "void_limit": I,
                        "mode": S, "conservative": I,
                        "exceeded_at": TERM_DOMAIN},
            "tree": "TREE",
            "libspf2": {"result": S, "agrees": B, "crashed": B, "note": S}},
    "dkim": {"signatures": [{"domain": S, "selector": S, "algorithm": S,
                             "canonicalization": S, "identity": S,
                             "timestamp": I, "expiration": I, "result": S,
                             "error": S, "key_bits": I, "key_flags": S,
                             "aligned": B, "headers_signed": [S],
                             "body_length": I, "testing": B}]},
    "dmarc": {"from_domain": S, "record_domain": S, "record": S,
              "org_domain_psl": S, "org_domain_treewalk": S, "policy": S,
              "subdomain_policy": S, "np": S, "pct": I, "adkim": S,
              "aspf": S, "testing": B, "applied": S, "spf_aligned": B,
              "dkim_aligned": B, "result": S, "disposition": S,
              "disposition_sampled_out": S,
              "rfc9989": {"record_domain": S, "org_domain": S, "result": S,
                          "disposition": S},
              "opendmarc": {"result": S, "disposition": S, "agrees": B,
                            "note": S}},
    "verdict": {"outcome": S, "cause": S, "code": I, "enhanced": S,
                "summary": S, "assumes": S,
                "receivers": [{"name": S, "outcome": S, "code": I,
                               "enhanced": S, "reply": S, "likely": B}],
                "fixes": [{"text": S, "record": {"name": S, "type": S,
                                                 "value": S}}]},
    "whatif": {"changes": [S], "before": {"spf_lookups": I,
                                          "spf_result": S,
                                          "dmarc_disposition": S,
                                          "outcome": S}},
    "findings": [{"id": S, "severity": S, "subject": S, "message": S,
                  "rfc": S, "origin": {"file": S, "line": I}}],
    "dns_queries": [{"name": S, "type": S, "rcode": S, "answers": I,
                     "source": S, "ms": I, "by": S}],
}
TREE = {"domain": S, "record": S, "lookups": I, "lookups_subtree": I,
        "void": I, "terms": [{"term": S, "qualifier": S, "lookups": I,
                              "void": I, "child": "TREE"}]}
# Values that are never null.
NOT_NULL = {("schema",), ("tool",), ("command",), ("findings",),
            ("dns_queries",)}
RECEIVERS = ["gmail", "yahoo", "outlook", "microsoft365", "icloud", "rfc"]
SEVERITIES = {"error", "warning", "info"}


def kind(v):
    if v is None:
        return N
    if isinstance(v, bool):
        return B
    if isinstance(v, int):
        return I
    if isinstance(v, str):
        return S
    if isinstance(v, list):
        return "list"
    return "object"


def check(v, spec, path, errs):
    if spec == "TREE":
        spec = TREE
    if v is None:
        if tuple(path) in NOT_NULL:
            errs.append("%s: null" % "/".join(path))
        return
    if isinstance(spec, dict):
        if not isinstance(v, dict):
            errs.append("%s: %s, want object" % ("/".join(path), kind(v)))
            return
        keys = [k for k in v if k in spec]
        want = list(spec)
        missing = [k for k in want if k not in v]
        if missing:
            errs.append("%s: missing %s" % ("/".join(path) or "/", missing))
        elif keys != want:
            errs.append("%s: key order %s" % ("/".join(path) or "/", keys))
        for k in want:
            if k in v:
                check(v[k], spec[k], path + [k], errs)
    elif isinstance(spec, list):
        if not isinstance(v, list):
            errs.append("%s: %s, want array" % ("/".join(path), kind(v)))
            return
        for i, e in enumerate(v):
            check(e, spec[0], path + [str(i)], errs)
    elif kind(v) != spec:
        errs.append("%s: %s, want %s" % ("/".join(path), kind(v), spec))


def semantics(d, errs):
    """The rules of design.md 3 and 3a that types cannot say."""
    if d.get("schema") != "authaudit/1":
        errs.append("schema is %r" % d.get("schema"))
    spf = d.get("spf")
    if spf is not None:
        lk = spf["lookups"]
        if lk["limit"] != 10 or lk["void_limit"] != 2:
            errs.append("spf/lookups: limits %r %r" % (lk["limit"],
                                                         lk["void_limit"]))
        if lk["mode"] not in (None, "evaluation", "worst-case"):
            errs.append("spf/lookups/mode: %r" % lk["mode"])
        if spf["explanation"] is not None and spf["result"] != "fail":
            errs.append("spf/explanation set on %r" % spf["result"])
    v = d.get("verdict")
    if v is not None and v["receivers"]:
        names = [r["name"] for r in v["receivers"]]
        for n in names:
            if n not in RECEIVERS:
                errs.append("verdict: unknown receiver %r" % n)
        order = [RECEIVERS.index(n) for n in names if n in RECEIVERS]
        if order != sorted(order):
            errs.append("verdict/receivers: not in design order %s" % names)
        for n in set(names):
            likely = [r for r in v["receivers"] if r["name"] == n and
                      r["likely"]]
            if len(likely) != 1:
                errs.append("verdict: %s has %d likely entries" %
                            (n, len(likely)))
        if v["outcome"] not in ("deliver", "quarantine", "reject", "defer"):
            errs.append("verdict/outcome: %r" % v["outcome"])
    for f in d.get("findings") or []:
        if f["severity"] not in SEVERITIES:
            errs.append("finding %s: severity %r" % (f["id"], f["severity"]))
    dm = d.get("dmarc")
    if dm is not None and dm["disposition"] not in (None, "none",
                                                     "quarantine", "reject"):
        errs.append("dmarc/disposition: %r" % dm["disposition"])


def main():
    npass = nfail = 0
    for path in sys.argv[1:]:
        try:
            with open(path) as f:
                d = json.load(f)
        except ValueError as e:
            print("%s: not JSON: %s" % (path, e))
            nfail += 1
            continue
        errs = []
        check(d, SCHEMA, [], errs)
        semantics(d, errs)
        if errs:
            nfail += 1
            for e in errs[:10]:
                print("%s: %s" % (path, e))
        else:
            npass += 1
    print("schema: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
