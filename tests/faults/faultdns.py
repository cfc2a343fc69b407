#!/usr/bin/env python3
"""faultdns.py: a purpose-built misbehaving DNS server for tests/faults.

    faultdns.py serve PORTFILE [--lifetime S] [--dkim-key B64] [--log FILE]
        Bind 127.0.0.1 on a free port, UDP and TCP, write the port into
        PORTFILE and answer for the data set below (a recursive server's
        view of a small world: the names below exist, every other name is
        NXDOMAIN) until LIFETIME seconds (default 300) have passed.
    faultdns.py zones DIR [DKIM_B64]
        Write the data set as master files DIR/ZONE.zone for nsd (the
        data faults only: transport faults are this server's behaviour)
        and print the zone names.
    faultdns.py names
        Print the data set and the faults, one name a line.
    faultdns.py freeport
        Print a port free for both TCP and UDP on 127.0.0.1.

Python 3 standard library only.  The data set is one sending domain,
fault.example (SPF, DMARC, DKIM key "sel", MX, PTRs for 192.0.2.1 and
192.0.2.99), and beside it one name per fault and per check:

  t-MODE.fault.example      a complete domain (SPF, _dmarc, sel key, MX,
                            A) whose whole subtree suffers transport MODE
  inc-MODE.fault.example    SPF "include:t-MODE.fault.example -all"
  dm-MODE.fault.example     a domain whose _dmarc name alone suffers MODE
  k-MODE._domainkey.fault.example   a DKIM key that suffers MODE

Transport MODEs (RFC 1035 4.2, RFC 5452, RFC 7766):
  silent    never answers (UDP; over TCP it reads and holds the line)
  servfail, refused, formerr, notimp   that rcode, no records
  tc        UDP answers truncated (TC=1) and empty; TCP answers right
  tcsilent  truncated over UDP; TCP never answers
  tcclose   truncated over UDP; TCP closes without an answer
  tcwrong   truncated over UDP; over TCP a reply with another id (with
            poisoned data) first, then the right one on the same line
  wrongid   UDP: a reply with another id and one for another question,
            both poisoned, then the right one
  slow      the right answer 0.6 s late
  garbage   UDP and TCP: the right answer cut in the middle of a record
  ptrloop   an answer whose record owner is a compression pointer to
            itself (RFC 1035 4.1.4 forbids it; parsers must not loop)
  upper     the right answer, its question echoed in upper case (a
            resolver compares names case-insensitively, RFC 4343)
  bigudp    (u-big.fault.example only) the 65,000-octet answer in one
            UDP datagram, over the EDNS size the query offered

SPF mechanisms against the faults: mech-a-MODE ("a:t-MODE..."),
mech-mx-MODE ("mx:t-MODE..."), mech-mxhost-MODE (its MX host is under
t-MODE), mech-exists-MODE, redir-MODE ("redirect=t-MODE..."),
early-MODE ("ip4:192.0.2.1 a:t-MODE... -all": matched before the
fault), mech-ptr ("ptr -all"; 192.0.2.77's PTR is SERVFAIL and
192.0.2.78's silent).  sub.orgfault.example has no _dmarc; its
organizational domain's _dmarc.orgfault.example is SERVFAIL.
spf-crash and spf-crashexp hold the records that crash libspf2
(libraries.md 1).  nodmarc.example has no DMARC record at all.
nporg.example says np=reject; np-servfail.nporg.example answers
SERVFAIL to every type (its _dmarc name does not exist).
many.fault.example has 4,000 A records and 1,500 MX records (TCP only);
mech-amany and mech-mxmany point "a:" and "mx:" at it.

Data faults, same naming (spf-, inc-, dm-, k-):
  loop      CNAME loop (a -> b -> a), served as one chased response
  chain     a CNAME chain of 20 (longer than resolvers follow)
  chain5    a CNAME chain of 5 that ends in the record (a control)
  big       a TXT of 65,000 octets: the message is a few hundred octets
            under 65,535, over TCP only
  nul       a TXT with NUL octets in it
  nx        names that do not exist (include target, key, _dmarc)

Poison (only in replies a resolver must ignore): TXT "v=spf1 +all",
"v=DMARC1; p=none", "v=DKIM1; p=" (revoked); A 192.0.2.66.
"""
import base64
import os
import select
import socket
import struct
import sys
import threading
import time

APEX = "fault.example"
GOOD_IP = "192.0.2.1"
OTHER_IP = "192.0.2.99"
GOOD_SPF = "v=spf1 ip4:192.0.2.1 -all"
DMARC = "v=DMARC1; p=reject"
POISON_A = "192.0.2.66"
TRANSPORT = ("silent", "servfail", "refused", "formerr", "notimp", "tc",
             "tcsilent", "tcclose", "tcwrong", "wrongid", "slow", "garbage",
             "ptrloop", "upper")
RCODES = {"servfail": 2, "refused": 5, "formerr": 1, "notimp": 4}
BIG = 65000				# octets of the big TXTs' text
SLOW_S = 0.6

T_A, T_NS, T_CNAME, T_SOA, T_PTR, T_MX, T_TXT, T_AAAA, T_OPT = \
    1, 2, 5, 6, 12, 15, 16, 28, 41


# ---------------------------------------------------------------- wire
def enc_name(name):
    name = name.rstrip(".")
    if not name:
        return b"\0"
    out = b""
    for label in name.split("."):
        b = label.encode("ascii")
        out += bytes([len(b)]) + b
    return out + b"\0"


def txt_rdata(data):
    """Character-strings of at most 255 octets (RFC 1035 3.3.14)."""
    if not data:
        return b"\0"
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                    for i in range(0, len(data), 255))


def rdata(rtype, value):
    if rtype == T_A:
        return socket.inet_aton(value)
    if rtype in (T_NS, T_CNAME, T_PTR):
        return enc_name(value)
    if rtype == T_MX:
        pref, host = value
        return struct.pack(">H", pref) + enc_name(host)
    if rtype == T_TXT:
        return txt_rdata(value if isinstance(value, bytes) else
                         value.encode())
    if rtype == T_SOA:
        return (enc_name("ns." + APEX) + enc_name("hostmaster." + APEX) +
                struct.pack(">IIIII", 1, 7200, 900, 1209600, 300))
    raise ValueError(rtype)


def rr(owner, rtype, value, ttl=300):
    d = rdata(rtype, value)
    return enc_name(owner) + struct.pack(">HHIH", rtype, 1, ttl,
                                         len(d)) + d


def rr_at(owner, rtype, value, compress):
    if not compress:
        return rr(owner, rtype, value)
    return b"\xc0\x0c" + rr(owner, rtype, value)[len(enc_name(owner)):]


# ------------------------------------------------------------- data set
class World:
    def __init__(self, dkim_b64):
        self.rrs = {}		# name -> [(type, value)]
        self.faults = {}	# name -> (mode, subtree)
        self.key = "v=DKIM1; k=rsa; p=" + dkim_b64
        self.build()
        self.names = set()
        for n in self.rrs:
            labels = n.split(".")
            for i in range(len(labels)):
                self.names.add(".".join(labels[i:]))

    def add(self, name, rtype, value):
        self.rrs.setdefault(name.lower(), []).append((rtype, value))

    def site(self, d, spf=GOOD_SPF, dmarc=DMARC):
        self.add(d, T_A, GOOD_IP)
        self.add(d, T_MX, (10, "mx." + APEX))
        if spf is not None:
            self.add(d, T_TXT, spf)
        if dmarc is not None:
            self.add("_dmarc." + d, T_TXT, dmarc)
        self.add("sel._domainkey." + d, T_TXT, self.key)

    def build(self):
        a = APEX
        self.add(a, T_SOA, None)
        self.add(a, T_NS, "ns." + a)
        self.site(a)
        self.add("ns." + a, T_A, "192.0.2.53")
        self.add("mx." + a, T_A, GOOD_IP)
        self.add("other." + a, T_A, OTHER_IP)
        self.add("1.2.0.192.in-addr.arpa", T_PTR, "mx." + a)
        self.add("99.2.0.192.in-addr.arpa", T_PTR, "other." + a)
        self.add("sel2._domainkey." + a, T_TXT, self.key)
        for m in TRANSPORT:
            self.site("t-%s.%s" % (m, a))
            self.faults["t-%s.%s" % (m, a)] = (m, True)
            self.site("inc-%s.%s" % (m, a),
                      spf="v=spf1 include:t-%s.%s -all" % (m, a))
            self.site("dm-%s.%s" % (m, a))
            self.faults["_dmarc.dm-%s.%s" % (m, a)] = (m, False)
            self.add("k-%s._domainkey.%s" % (m, a), T_TXT, self.key)
            self.faults["k-%s._domainkey.%s" % (m, a)] = (m, False)
            self.site("mech-a-%s.%s" % (m, a),
                      spf="v=spf1 a:t-%s.%s -all" % (m, a))
            self.site("mech-mx-%s.%s" % (m, a),
                      spf="v=spf1 mx:t-%s.%s -all" % (m, a))
            self.site("mech-exists-%s.%s" % (m, a),
                      spf="v=spf1 exists:t-%s.%s -all" % (m, a))
            self.site("redir-%s.%s" % (m, a),
                      spf="v=spf1 redirect=t-%s.%s" % (m, a))
            self.site("early-%s.%s" % (m, a),
                      spf="v=spf1 ip4:192.0.2.1 a:t-%s.%s -all" % (m, a))
            d = "mech-mxhost-%s.%s" % (m, a)
            self.add(d, T_A, GOOD_IP)
            self.add(d, T_MX, (10, "mx.t-%s.%s" % (m, a)))
            self.add(d, T_TXT, "v=spf1 mx -all")
            self.add("_dmarc." + d, T_TXT, DMARC)
            self.add("mx.t-%s.%s" % (m, a), T_A, GOOD_IP)
        self.site("mech-ptr." + a, spf="v=spf1 ptr -all")
        self.add("77.2.0.192.in-addr.arpa", T_PTR, "mech-ptr." + a)
        self.faults["77.2.0.192.in-addr.arpa"] = ("servfail", False)
        self.add("78.2.0.192.in-addr.arpa", T_PTR, "mech-ptr." + a)
        self.faults["78.2.0.192.in-addr.arpa"] = ("silent", False)
        self.add(ORGFAULT, T_SOA, None)
        self.site(ORGFAULT)
        self.faults["_dmarc." + ORGFAULT] = ("servfail", False)
        self.site("sub." + ORGFAULT, dmarc=None)
        # Huge RRsets (over TCP): 4,000 addresses, 1,500 MX names.
        for i in range(4000):
            self.add("many." + a, T_A, "10.%d.%d.%d" % (i >> 16, (i >> 8)
                                                         & 255, i & 255))
        for i in range(1500):
            self.add("many." + a, T_MX, (i, "h%d.many.%s" % (i, a)))
        self.site("mech-amany." + a, spf="v=spf1 a:many.%s -all" % a)
        self.site("mech-mxmany." + a, spf="v=spf1 mx:many.%s -all" % a)
        # libraries.md 1: records that crash libspf2 (CVE-2023-42118,
        # unfixed in Debian 12): a macro-heavy a: term, an exp= text.
        self.site("spf-crash." + a, spf=CRASH_SPF)
        self.site("spf-crashexp." + a,
                  spf="v=spf1 -all exp=exp.spf-crashexp.%s" % a)
        self.add("exp.spf-crashexp." + a, T_TXT, CRASH_EXP)
        # RFC 9989 np: the existence of a subdomain that has no record
        # of its own cannot be told (its A lookup fails).
        self.add(NPORG, T_SOA, None)
        self.site(NPORG, dmarc="v=DMARC1; p=none; np=reject")
        self.faults["np-servfail." + NPORG] = ("servfail", False)
        # No DMARC record anywhere up the tree: DMARC none (a control).
        self.add(NODMARC, T_SOA, None)
        self.site(NODMARC, dmarc=None)
        # An include chain through slow names: 0.6 s a hop.
        for i in range(1, 10):
            self.add("sc%d.t-slow.%s" % (i, a), T_TXT,
                     "v=spf1 include:sc%d.t-slow.%s -all" % (i + 1, a)
                     if i < 9 else GOOD_SPF)
        self.data_faults()

    def loop(self, n1, n2):
        self.add(n1, T_CNAME, n2)
        self.add(n2, T_CNAME, n1)

    def chain(self, first, hops, end_rtype, end_value):
        names = [first] + ["c%d.%s" % (i, first) for i in range(1, hops + 1)]
        for x, y in zip(names, names[1:]):
            self.add(x, T_CNAME, y)
        self.add(names[-1], end_rtype, end_value)

    def data_faults(self):
        a = APEX
        # loop
        self.loop("spf-loop." + a, "spf-loop2." + a)
        self.site("inc-loop." + a, spf="v=spf1 include:spf-loop.%s -all" % a)
        self.site("dm-loop." + a, dmarc=None)
        self.loop("_dmarc.dm-loop." + a, "_dmarc2.dm-loop." + a)
        self.loop("k-loop._domainkey." + a, "k-loop2._domainkey." + a)
        # chain (20 hops) and chain5 (5 hops, a control)
        for hops, tag in ((20, "chain"), (5, "chain5")):
            self.chain("spf-%s.%s" % (tag, a), hops, T_TXT, GOOD_SPF)
            self.site("inc-%s.%s" % (tag, a),
                      spf="v=spf1 include:spf-%s.%s -all" % (tag, a))
            self.site("dm-%s.%s" % (tag, a), dmarc=None)
            self.chain("_dmarc.dm-%s.%s" % (tag, a), hops, T_TXT, DMARC)
            self.chain("k-%s._domainkey.%s" % (tag, a), hops, T_TXT,
                       self.key)
        # big
        self.site("spf-big." + a, spf=big_spf())
        self.site("inc-big." + a, spf="v=spf1 include:spf-big.%s -all" % a)
        # The same 65,000 octets in one UDP datagram, EDNS size ignored.
        self.site("u-big." + a, spf=big_spf())
        self.faults["u-big." + a] = ("bigudp", False)
        self.site("dm-big." + a, dmarc=big_dmarc())
        self.add("k-big._domainkey." + a, T_TXT, big_key())
        # nul
        self.site("spf-nul." + a, spf=NUL_SPF)
        self.site("inc-nul." + a, spf="v=spf1 include:spf-nul.%s -all" % a)
        self.site("dm-nul." + a, dmarc=NUL_DMARC)
        self.add("k-nul._domainkey." + a, T_TXT, nul_key(self.key))
        # nx
        self.site("inc-nx." + a, spf="v=spf1 include:nx.%s -all" % a)
        self.site("dm-nx." + a, dmarc=None)
        # A name no server here is authoritative for: nsd says REFUSED.
        self.site("inc-outside." + a,
                  spf="v=spf1 include:nowhere.invalid -all")

    def fault(self, qname):
        if qname in self.faults:
            return self.faults[qname][0]
        labels = qname.split(".")
        for i in range(1, len(labels)):
            f = self.faults.get(".".join(labels[i:]))
            if f is not None and f[1]:
                return f[0]
        return None

    def lookup(self, qname, qtype):
        """(rcode, [answer rr bytes], [authority rr bytes])."""
        answers = []
        seen = set()
        cur = qname
        while True:
            recs = self.rrs.get(cur)
            if recs is None:
                if answers:		# chased to a name we do not hold
                    return 0, answers, []
                rc = 0 if cur in self.names else 3
                return rc, [], [rr(APEX, T_SOA, None)]
            match = [v for t, v in recs if t == qtype]
            if match:
                # RFC 1035 4.1.4: the owner as a pointer to the question
                # when it is the question's name (big RRsets fit then).
                return 0, answers + [rr_at(cur, qtype, v, cur == qname)
                                     for v in match], []
            cn = [v for t, v in recs if t == T_CNAME]
            if not cn or qtype == T_CNAME or cur in seen:
                # RFC 1034 4.3.2: a loop ends the chase.
                return 0, answers, [] if answers else [rr(APEX, T_SOA,
                                                          None)]
            seen.add(cur)
            answers.append(rr(cur, T_CNAME, cn[0]))
            cur = cn[0]


def big_spf():
    """"v=spf1 ... ip4:192.0.2.1 -all" of exactly BIG octets."""
    tail = " ip4:192.0.2.1 -all"
    s = "v=spf1"
    i = 0
    while len(s) + len(tail) + 20 < BIG:
        s += " ip4:198.51.%d.%d" % (100 + i // 250, 1 + i % 250)
        i += 1
    return s + " " * (BIG - len(s) - len(tail)) + tail


def big_dmarc():
    head = "v=DMARC1; p=reject; x="
    return head + "y" * (BIG - len(head))


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def rsa_spki(modulus_len):
    """A SubjectPublicKeyInfo (RFC 3279 2.3.1) with a huge modulus."""
    n = b"\x00\xc5" + bytes((i * 7 + 3) & 0xff for i in
                            range(modulus_len - 2)) + b"\x01"
    rsakey = der(0x30, der(0x02, n) + der(0x02, b"\x01\x00\x01"))
    alg = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) +
              b"\x05\x00")
    return der(0x30, alg + der(0x03, b"\x00" + rsakey))


def big_key():
    """An RSA key record near BIG octets: a modulus of ~390,000 bits."""
    head = "v=DKIM1; k=rsa; p="
    m = (BIG - len(head)) * 3 // 4 - 64
    return head + base64.b64encode(rsa_spki(m)).decode()


NUL_SPF = b"v=spf1 ip4:192.0.2.1\x00 -all"
CRASH_SPF = "v=spf1 a:" + "%{d}" * 127 + "x" * 6000
CRASH_EXP = "%{d}" * 127 + "x" * 8
NUL_DMARC = b"v=DMARC1; p=reject\x00"


def nul_key(good):
    g = good.encode()
    i = g.index(b"p=") + 12
    return g[:i] + b"\x00" + g[i:]


def poison_txt(qname):
    if qname.startswith("_dmarc."):
        return "v=DMARC1; p=none"
    if "._domainkey." in qname:
        return "v=DKIM1; p="
    return "v=spf1 +all"


# -------------------------------------------------------------- answers
def parse_query(msg):
    """(id, rd, qname, qtype, question bytes, edns size or 0) or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd, _, _, ar = struct.unpack(">HHHHHH", msg[:12])
    if flags & 0x8000 or qd != 1:
        return None
    i = 12
    labels = []
    while i < len(msg) and msg[i] != 0:
        n = msg[i]
        if n & 0xC0:
            return None
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += n + 1
    if i + 5 > len(msg):
        return None
    qtype = struct.unpack(">H", msg[i + 1:i + 3])[0]
    question = msg[12:i + 5]
    edns = 0
    j = i + 5
    if ar >= 1 and j + 11 <= len(msg) and msg[j] == 0:
        t, size = struct.unpack(">HH", msg[j + 1:j + 5])
        if t == T_OPT:
            edns = max(512, size)
    return (qid, flags & 0x0100, ".".join(labels).lower(), qtype, question,
            edns)


def build(qid, question, rcode=0, answers=(), authority=(), tc=False,
          edns=0):
    flags = 0x8000 | 0x0400 | 0x0100 | 0x0080 | rcode	# QR AA RD RA
    if tc:
        flags |= 0x0200
        answers, authority = (), ()
    opt = b"\0" + struct.pack(">HHIH", T_OPT, 1232, 0, 0) if edns else b""
    return (struct.pack(">HHHHHH", qid, flags, 1 if question else 0,
                        len(answers), len(authority), 1 if opt else 0) +
            question + b"".join(answers) + b"".join(authority) + opt)


def other_question(question):
    q = bytearray(question)
    if q[0] > 0:
        q[1] = ord("z") if q[1] != ord("z") else ord("y")
    return bytes(q)


def poisoned(world, q, question):
    qid, _, qname, qtype, _, edns = q
    if qtype == T_TXT:
        ans = [b"\xc0\x0c" + rr("x", T_TXT, poison_txt(qname))[3:]]
    else:
        ans = [b"\xc0\x0c" + rr("x", T_A, POISON_A)[3:]]
    return build(qid, question, 0, ans, (), edns=edns)


def right(world, q):
    qid, _, qname, qtype, question, edns = q
    rc, ans, auth = world.lookup(qname, qtype)
    return build(qid, question, rc, ans, auth, edns=edns)


class Server:
    def __init__(self, world, lifetime, log):
        self.world = world
        self.deadline = time.monotonic() + lifetime
        self.log = log
        self.lock = threading.Lock()

    def note(self, how, q, what):
        if self.log is None:
            return
        with self.lock:
            self.log.write("%.3f %s %s %d %s\n" % (time.time(), how, q[2],
                                                   q[3], what))
            self.log.flush()

    # UDP: replies per mode; slow ones from a timer thread.
    def udp(self, sock, msg, addr):
        q = parse_query(msg)
        if q is None:
            return
        mode = self.world.fault(q[2])
        qid, _, _, _, question, edns = q
        limit = edns or 512
        self.note("udp", q, mode or "-")
        if mode == "silent":
            return
        if mode in RCODES:
            sock.sendto(build(qid, question, RCODES[mode], edns=edns), addr)
            return
        if mode in ("tc", "tcsilent", "tcclose", "tcwrong"):
            sock.sendto(build(qid, question, tc=True, edns=edns), addr)
            return
        out = self.shaped(q, mode)
        if len(out) > limit and mode != "bigudp":
            out = build(qid, question, tc=True, edns=edns)
        if mode == "wrongid":
            sock.sendto(poisoned(self.world, (qid ^ 0x5555,) + q[1:],
                                 question), addr)
            sock.sendto(poisoned(self.world, q, other_question(question)),
                        addr)
        if mode == "slow":
            threading.Timer(SLOW_S, self.late, (sock, out, addr)).start()
            return
        sock.sendto(out, addr)

    def shaped(self, q, mode):
        """The right answer, or what garbage, ptrloop, upper make of it."""
        if mode == "ptrloop":
            # Header, question, then one record whose owner points at
            # its own offset.
            qid, _, _, qtype, question, _ = q
            off = 12 + len(question)
            rec = struct.pack(">HHHIH", 0xC000 | off, qtype, 1, 300, 4) + \
                socket.inet_aton(POISON_A)
            return struct.pack(">HHHHHH", qid, 0x8580, 1, 1, 0, 0) + \
                question + rec
        out = right(self.world, q)
        if mode == "garbage":
            # Cut inside the answer record: the counts promise more.
            return out[:12 + len(q[4]) + 5] if len(out) > 12 + len(q[4]) \
                + 5 else out[:-1]
        if mode == "upper":
            n = 12 + len(q[4]) - 4
            return out[:12] + out[12:n].upper() + out[n:]
        return out

    @staticmethod
    def late(sock, out, addr):
        try:
            sock.sendto(out, addr)
        except OSError:
            pass

    def tcp(self, conn):
        conn.settimeout(max(0.1, self.deadline - time.monotonic()))
        try:
            while True:
                hdr = recv_all(conn, 2)
                if hdr is None:
                    return
                msg = recv_all(conn, struct.unpack(">H", hdr)[0])
                if msg is None:
                    return
                q = parse_query(msg)
                if q is None:
                    return
                mode = self.world.fault(q[2])
                self.note("tcp", q, mode or "-")
                if mode in ("silent", "tcsilent"):
                    while conn.recv(4096):	# hold until they hang up
                        pass
                    return
                if mode == "tcclose":
                    return
                if mode in RCODES:
                    out = build(q[0], q[4], RCODES[mode], edns=q[5])
                else:
                    out = self.shaped(q, mode)
                if mode == "slow":
                    time.sleep(SLOW_S)
                if mode == "tcwrong":
                    bad = poisoned(self.world, (q[0] ^ 0x5555,) + q[1:],
                                   q[4])
                    conn.sendall(struct.pack(">H", len(bad)) + bad)
                conn.sendall(struct.pack(">H", len(out)) + out)
        except OSError:
            pass
        finally:
            conn.close()


def recv_all(conn, n):
    buf = b""
    while len(buf) < n:
        part = conn.recv(n - len(buf))
        if not part:
            return None
        buf += part
    return buf


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
    sys.exit("faultdns: no free port")


def serve(portfile, lifetime, dkim_b64, logpath):
    world = World(dkim_b64)
    log = open(logpath, "a") if logpath else None
    srv = Server(world, lifetime, log)
    tcp, udp, port = bind_pair()
    tcp.listen(64)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)
    while True:
        left = srv.deadline - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([udp, tcp], [], [], left)
        if tcp in ready:
            conn, _ = tcp.accept()
            threading.Thread(target=srv.tcp, args=(conn,),
                             daemon=True).start()
        if udp in ready:
            msg, addr = udp.recvfrom(65535)
            srv.udp(udp, msg, addr)


def present_txt(value):
    """Quoted strings of at most 255 octets, \\DDD outside printable ASCII
    (RFC 1035 5.1): what a strict zone compiler such as nsd reads."""
    data = value if isinstance(value, bytes) else value.encode()
    out = []
    for i in range(0, max(len(data), 1), 255):
        part = data[i:i + 255]
        esc = "".join("\\%03d" % c if c < 0x20 or c > 0x7e else
                      "\\" + chr(c) if c in (0x22, 0x5c) else chr(c)
                      for c in part)
        out.append('"%s"' % esc)
    return " ".join(out)


def present(rtype, value):
    if rtype == T_A:
        return "A\t%s" % value
    if rtype in (T_NS, T_CNAME, T_PTR):
        return "%s\t%s." % ({T_NS: "NS", T_CNAME: "CNAME",
                              T_PTR: "PTR"}[rtype], value)
    if rtype == T_MX:
        return "MX\t%d %s." % value
    if rtype == T_TXT:
        return "TXT\t" + present_txt(value)
    if rtype == T_SOA:
        return ("SOA\tns.%s. hostmaster.%s. 1 7200 900 1209600 300" %
                (APEX, APEX))
    raise ValueError(rtype)


REVERSE = "2.0.192.in-addr.arpa"
ORGFAULT = "orgfault.example"
NODMARC = "nodmarc.example"
NPORG = "nporg.example"


def zones(dkim_b64, directory):
    """The data set as master files for nsd, one per zone (no faults:
    the transport faults are this server's, the data faults are data)."""
    w = World(dkim_b64)
    files = {APEX: [], REVERSE: [], ORGFAULT: [], NODMARC: [], NPORG: []}
    for n in sorted(w.rrs):
        z = [k for k in files if n == k or n.endswith("." + k)][0]
        for t, v in w.rrs[n]:
            files[z].append("%s.\t300\tIN\t%s" % (n, present(t, v)))
    for z in (REVERSE, ORGFAULT, NODMARC, NPORG):
        lines = [x for x in files[z] if "\tSOA\t" not in x]
        files[z] = ["%s.\t300\tIN\t%s" % (z, present(T_SOA, None)),
                    "%s.\t300\tIN\tNS\tns.%s." % (z, APEX)] + lines
    for z, lines in files.items():
        with open(os.path.join(directory, z + ".zone"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print("\n".join(files))


def names(dkim_b64):
    w = World(dkim_b64)
    for n in sorted(w.rrs):
        types = sorted({t for t, _ in w.rrs[n]})
        print(n, " ".join(str(t) for t in types), w.fault(n) or "-")


def main():
    a = sys.argv[1:]
    opts = {"--lifetime": "300", "--dkim-key": base64.b64encode(
        b"not a key").decode(), "--log": ""}
    if len(a) >= 2 and a[0] == "serve":
        rest = a[2:]
        while len(rest) >= 2 and rest[0] in opts:
            opts[rest[0]] = rest[1]
            rest = rest[2:]
        if rest:
            sys.exit(__doc__)
        serve(a[1], float(opts["--lifetime"]), opts["--dkim-key"],
              opts["--log"])
    elif len(a) in (2, 3) and a[0] == "zones":
        zones(a[2] if len(a) == 3 else opts["--dkim-key"], a[1])
    elif a == ["names"]:
        names(opts["--dkim-key"])
    elif a == ["freeport"]:
        t, u, port = bind_pair()
        t.close()
        u.close()
        print(port)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
