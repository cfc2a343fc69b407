#!/usr/bin/env python3
"""make bench: speed and memory figures of authaudit on generated inputs.

Each benchmark runs the binary REPEAT times (offline, from generated zone
files and messages) and prints the median wall time and the peak resident
set size of one run.  Figures, not pass/fail: targets live here, not in
timed tests.  Usage: AUTHAUDIT=build/authaudit tools/bench.py [NAME...]
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("AUTHAUDIT", "build/authaudit")
REPEAT = int(os.environ.get("REPEAT", "5"))


def run(args):
    """One run: (seconds, peak RSS in KiB, exit status)."""
    t0 = time.monotonic()
    p = subprocess.Popen([BIN] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return time.monotonic() - t0, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def big_zone(d, n):
    path = os.path.join(d, "big.zone")
    with open(path, "w") as f:
        f.write("$ORIGIN big.test.\n$TTL 300\n@ SOA ns hostmaster 1 1 1 1 1\n")
        for i in range(n):
            f.write('h%d A 192.0.2.%d\nh%d TXT "v=spf1 ip4:192.0.2.%d -all"\n'
                    % (i, i % 250 + 1, i, i % 250 + 1))
    return path


def spf_fanout_zone(d):
    """An SPF tree of 10 includes, each with 9 ip4 terms and an include
    of its own: the worst-case walk touches 20 records."""
    path = os.path.join(d, "spf.zone")
    with open(path, "w") as f:
        f.write("$ORIGIN spf.test.\n$TTL 300\n@ SOA ns hostmaster 1 1 1 1 1\n")
        inc = " ".join("include:i%d.spf.test" % i for i in range(9))
        f.write('@ TXT "v=spf1 %s -all"\n' % inc)
        for i in range(9):
            ips = " ".join("ip4:198.51.%d.%d/32" % (i, j) for j in range(9))
            f.write('i%d TXT "v=spf1 %s ~all"\n' % (i, ips))
    return path


def big_message(d, mib):
    path = os.path.join(d, "big.eml")
    line = b"x" * 76 + b"\r\n"
    with open(path, "wb") as f:
        f.write(b"From: a@example.com\r\nTo: b@example.net\r\n"
                b"Subject: big\r\nMessage-ID: <1@example.com>\r\n\r\n")
        for _ in range(mib * 1024 * 1024 // len(line)):
            f.write(line)
    return path


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit("bench: %s is not built" % BIN)
    d = tempfile.mkdtemp(prefix="authaudit-bench.")
    ex = ["--offline", "--zone", "testdata/zones/example.zone",
          "--zone", "testdata/zones/esp.zone"]
    benches = {
        "zone-load-20k": ["--offline", "--zone", big_zone(d, 10000),
                          "dns", "h9999.big.test", "TXT"],
        "spf-tree-worst-case": ["--offline", "--zone", spf_fanout_zone(d),
                                "spf", "spf.test"],
        "spf-evaluate": ["--offline", "--zone", spf_fanout_zone(d),
                         "spf", "--ip", "198.51.8.8", "spf.test"],
        "domain-example": ex + ["domain", "example.com"],
        "message-example": ex + ["message", "testdata/msgs/example.eml"],
        "message-50mib": ex + ["message", big_message(d, 50)],
    }
    want = sys.argv[1:] or list(benches)
    print("%-22s %10s %10s %6s" % ("benchmark", "median ms", "peak MiB", "exit"))
    for name in want:
        times, rss, rc = [], 0, 0
        for _ in range(REPEAT):
            t, m, rc = run(benches[name])
            times.append(t)
            rss = max(rss, m)
        print("%-22s %10.1f %10.1f %6d" % (name, statistics.median(times) * 1000,
                                           rss / 1024.0, rc))
    subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    main()
