"""harness.py: running authaudit and judging its report, for tests/faults
and tests/caps.  Python 3 stdlib only.

run() measures wall time and the child's peak RSS (os.wait4's ru_maxrss,
KiB on Linux) and notices crashes and sanitizer reports; Case judges one
report against expectations and prints "ok" or "FAIL" lines.
"""
import json
import os
import subprocess
import threading
import time

# A finding that says "there is no record": never the outcome of a lookup
# that failed for a temporary reason (RFC 7208 4.4, RFC 6376 6.1.2,
# RFC 7489 6.6.3: temporary means undetermined, not absent).
NO_RECORD = {"spf-none", "dmarc-none", "dkim-key-not-found",
             "domain-nonexistent", "spf-include-none", "mx-null",
             "dkim-key-revoked", "dkim-none"}

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer", "runtime error:")


class Run:
    def __init__(self, args, rc, sig, ms, rss_kib, out, err):
        self.args = args
        self.rc = rc		# exit status, None when killed by a signal
        self.sig = sig
        self.ms = ms
        self.rss_kib = rss_kib
        self.out = out
        self.err = err
        self.report = None
        self.json_error = None
        try:
            self.report = json.loads(out.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            self.json_error = str(e)

    def get(self, path):
        """A dotted path into the report: 'spf.result', 'dkim.
        signatures.0.result'.  None when absent or null on the way."""
        v = self.report
        for p in path.split("."):
            if isinstance(v, list):
                try:
                    v = v[int(p)]
                except (ValueError, IndexError):
                    return None
            elif isinstance(v, dict):
                v = v.get(p)
            else:
                return None
        return v

    def finding_ids(self):
        if not self.report:
            return []
        return [f.get("id") for f in self.report.get("findings") or []]

    def not_implemented(self):
        return b"not implemented in this version" in self.err

    def sanitizer(self):
        return any(m.encode() in self.err for m in SANITIZER_MARKS)


def is_asan(authaudit):
    """True for a sanitizer build (bounds of time and memory are wider)."""
    lib = os.path.join(os.path.dirname(authaudit), "libauthaudit.a")
    for path in (lib, authaudit):
        try:
            with open(path, "rb") as f:
                if b"__asan_" in f.read():
                    return True
        except OSError:
            pass
    return False


def _pump(src, sink):
    sink.append(src.read())
    src.close()


def _feed(dst, data):
    try:
        dst.write(data)
    except (BrokenPipeError, OSError):
        pass		# it stopped reading: its own decision (a cap)
    try:
        dst.close()
    except OSError:
        pass


def run(authaudit, args, stdin=None, timeout=120, env=None, fmt="json"):
    """Run authaudit --format FMT ARGS; a Run.  stdin: bytes, a path, or
    None (no input)."""
    argv = [authaudit, "--format", fmt] + list(args)
    fin = subprocess.DEVNULL
    if isinstance(stdin, str):
        fin = open(stdin, "rb")
    elif stdin is not None:
        fin = subprocess.PIPE
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=fin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    if isinstance(stdin, str):
        fin.close()
    outs, errs = [], []
    threads = [threading.Thread(target=_pump, args=(p.stdout, outs)),
               threading.Thread(target=_pump, args=(p.stderr, errs))]
    if isinstance(stdin, bytes):
        threads.append(threading.Thread(target=_feed, args=(p.stdin, stdin)))
    for t in threads:
        t.start()
    killed = []
    timer = threading.Timer(timeout, lambda: (killed.append(1), p.kill()))
    timer.start()
    # Reaped here, not by Popen, so that its rusage (peak RSS) is ours.
    _, status, ru = os.wait4(p.pid, 0)
    ms = int((time.monotonic() - t0) * 1000)
    timer.cancel()
    for t in threads:
        t.join()
    p.returncode = status		# Popen must not wait for it again
    rc = os.waitstatus_to_exitcode(status)
    err = errs[0] if errs else b""
    if killed:
        err += b"\n[harness: killed after %d s]" % timeout
    sig = -rc if rc < 0 else None
    return Run(argv, None if sig else rc, sig, ms, ru.ru_maxrss,
               outs[0] if outs else b"", err)
