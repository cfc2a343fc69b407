#!/usr/bin/env python3
"""compare.py: does a live DNS answer equal the offline one?

    compare.py LIVE.json OFFLINE.json
        Prints nothing and exits 0 when they agree; else prints why and
        exits 1.
    compare.py --list FILE
        FILE has one line per question: LABEL, LIVE.json, its exit status,
        OFFLINE.json, its exit status, separated by tabs.  Prints
        "ok   LABEL: ..." or "FAIL LABEL: why" for each; exits 1 when any
        failed.

Compares the "dns" sections of two authaudit/1 reports, ignoring source,
origin and ms: name, type, rcode and cname_chain exactly, the answers'
(type, ttl, data) as multisets.  Also checks that the first came from a
live server and the second did not.
"""
import collections
import json
import sys


class Bad(Exception):
    pass


def load(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise Bad("%s: %s" % (path, e))
    if doc.get("schema") != "authaudit/1" or not isinstance(doc.get("dns"),
                                                             dict):
        raise Bad("%s: not an authaudit/1 dns report" % path)
    return doc["dns"]


def answers(d):
    return collections.Counter((a["type"], a["ttl"], a["data"])
                               for a in d["answers"])


def differences(live_path, off_path):
    """(list of differences, live dns section)."""
    live, off = load(live_path), load(off_path)
    why = []
    if live["source"] != "live":
        why.append("live answer has source %r" % live["source"])
    if off["source"] == "live":
        why.append("offline answer has source 'live'")
    for k in ("name", "type", "rcode", "cname_chain"):
        if live[k] != off[k]:
            why.append("%s: live %r, offline %r" % (k, live[k], off[k]))
    la, oa = answers(live), answers(off)
    if la != oa:
        why.append("answers: live only %r; offline only %r" %
                   (sorted((la - oa).elements()),
                    sorted((oa - la).elements())))
    return why, live


def run_list(path):
    failed = 0
    with open(path) as f:
        for line in f:
            label, lj, lrc, oj, orc = line.rstrip("\n").split("\t")
            try:
                why, live = differences(lj, oj)
            except Bad as e:
                why, live = [str(e)], None
            if lrc != orc:
                why.append("exit %s live, %s offline" % (lrc, orc))
            if why:
                failed += 1
                print("FAIL %s: %s" % (label, "; ".join(why)))
            else:
                chain = " -> ".join(live["cname_chain"])
                print("ok   %s: %s%s, %d answer(s), exit %s" %
                      (label, live["rcode"],
                       ", chain " + chain if chain else "",
                       len(live["answers"]), lrc))
    return 1 if failed else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--list":
        sys.exit(run_list(sys.argv[2]))
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        why, _ = differences(sys.argv[1], sys.argv[2])
    except Bad as e:
        why = [str(e)]
    if why:
        print("; ".join(why))
        sys.exit(1)


if __name__ == "__main__":
    main()
