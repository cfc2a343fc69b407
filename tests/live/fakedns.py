#!/usr/bin/env python3
"""fakedns.py: tiny misbehaving DNS servers for tests/live/run.sh.

    fakedns.py serve MODE PORTFILE [LIFETIME]
        Bind 127.0.0.1 on a free port (UDP, and TCP on the same port),
        write the port number into PORTFILE and answer as MODE says until
        LIFETIME seconds (default 30) have passed; then exit by itself.
    fakedns.py tc PORT NAME TYPE
        Ask once over UDP with EDNS 1232 and print "tc=0" or "tc=1".
    fakedns.py freeport
        Print a port that is free for both TCP and UDP on 127.0.0.1.

MODE: silent (never answers), wrongid (a reply with another id and one
for another question, both with a poisoned address, then the right one),
refused, servfail, slow (the right answer 0.6 s late), tc (UDP answers
are truncated and empty; the TCP answer holds the record).  The right
answer to an A question is 192.0.2.7; the poison is 192.0.2.66.  byname:
the first label of the question, without trailing digits, is the mode
(slow1.example.com is answered late); any other name is answered at once.
"""
import os
import select
import socket
import struct
import sys
import time

GOOD = bytes([192, 0, 2, 7])
POISON = bytes([192, 0, 2, 66])


def parse_query(msg):
    """(id, question section bytes, qtype) or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack(">HHH", msg[:6])
    if flags & 0x8000 or qd != 1:
        return None
    i = 12
    while i < len(msg) and msg[i] != 0:
        i += msg[i] + 1
    if i + 5 > len(msg):
        return None
    qtype = struct.unpack(">H", msg[i + 1:i + 3])[0]
    return qid, msg[12:i + 5], qtype


def reply(qid, question, qtype, rcode=0, addr=GOOD, tc=False):
    flags = 0x8400 | 0x0100 | rcode		# QR AA RD
    if tc:
        flags |= 0x0200
    answers = b""
    if rcode == 0 and qtype == 1 and not tc:
        answers = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + addr
    return (struct.pack(">HHHHHH", qid, flags, 1, 1 if answers else 0,
                        0, 0) + question + answers)


def other_question(question):
    """The same question for another name: first label's octets changed."""
    q = bytearray(question)
    if q[0] > 0:
        q[1] = ord("z") if q[1] != ord("z") else ord("y")
    return bytes(q)


def bind_pair():
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            u.close()
            continue
        return t, u, port
    sys.exit("fakedns: no free port")


def serve_tcp(conn, deadline):
    conn.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        hdr = conn.recv(2)
        if len(hdr) < 2:
            return
        n = struct.unpack(">H", hdr)[0]
        msg = b""
        while len(msg) < n:
            part = conn.recv(n - len(msg))
            if not part:
                return
            msg += part
        q = parse_query(msg)
        if q is None:
            return
        out = reply(q[0], q[1], q[2])
        conn.sendall(struct.pack(">H", len(out)) + out)
    except OSError:
        pass
    finally:
        conn.close()


def serve(mode, portfile, lifetime):
    tcp, udp, port = bind_pair()
    tcp.listen(8)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)
    deadline = time.monotonic() + lifetime
    later = []				# (when, packet, address)
    while True:
        now = time.monotonic()
        if now >= deadline:
            return
        wait = deadline - now
        if later:
            wait = max(0.0, min(wait, later[0][0] - now))
        ready, _, _ = select.select([udp, tcp], [], [], wait)
        now = time.monotonic()
        while later and later[0][0] <= now:
            udp.sendto(later[0][1], later[0][2])
            later.pop(0)
        if tcp in ready:
            conn, _ = tcp.accept()
            serve_tcp(conn, deadline)
        if udp not in ready:
            continue
        msg, addr = udp.recvfrom(65535)
        q = parse_query(msg)
        if q is None:
            continue
        answer(udp, addr, mode, q, now, later)


def first_label(question):
    n = question[0]
    return question[1:1 + n].decode("ascii", "replace").rstrip("0123456789")


def answer(udp, addr, mode, q, now, later):
    qid, question, qtype = q
    if mode == "byname":
        mode = first_label(question)
    if mode == "silent":
        return
    if mode == "wrongid":
        udp.sendto(reply(qid ^ 0x5555, question, qtype, addr=POISON), addr)
        udp.sendto(reply(qid, other_question(question), qtype,
                         addr=POISON), addr)
        udp.sendto(reply(qid, question, qtype), addr)
    elif mode == "refused":
        udp.sendto(reply(qid, question, qtype, rcode=5), addr)
    elif mode == "servfail":
        udp.sendto(reply(qid, question, qtype, rcode=2), addr)
    elif mode == "formerr":
        # FORMERR with no question section, as some servers send it.
        udp.sendto(struct.pack(">HHHHHH", qid, 0x8001, 0, 0, 0, 0), addr)
    elif mode == "slow":
        later.append((now + 0.6, reply(qid, question, qtype), addr))
    elif mode == "tc":
        udp.sendto(reply(qid, question, qtype, tc=True), addr)
    else:
        udp.sendto(reply(qid, question, qtype), addr)


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def probe_tc(port, name, qtype):
    types = {"A": 1, "TXT": 16, "MX": 15, "AAAA": 28}
    q = (struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 1) +
         encode_name(name) + struct.pack(">HH", types[qtype], 1) +
         b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(q, ("127.0.0.1", port))
    msg = s.recv(65535)
    print("tc=%d" % (1 if msg[2] & 0x02 else 0))


def free_port():
    t, u, port = bind_pair()
    t.close()
    u.close()
    print(port)


def main():
    a = sys.argv[1:]
    modes = ("silent", "wrongid", "refused", "servfail", "formerr", "slow",
             "tc",
             "byname")
    if len(a) >= 3 and a[0] == "serve" and a[1] in modes:
        serve(a[1], a[2], float(a[3]) if len(a) > 3 else 30.0)
    elif len(a) == 4 and a[0] == "tc":
        probe_tc(int(a[1]), a[2], a[3])
    elif len(a) == 1 and a[0] == "freeport":
        free_port()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
