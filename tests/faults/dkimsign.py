"""dkimsign.py: a small RFC 6376 signer for the fault and caps tests.

Python 3 stdlib only: the RSA key is made here (seeded, reproducible)
and signing is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 8.2), so that
hundreds of signatures cost no process each and no openssl(1) is
needed.  relaxed/relaxed only (RFC 6376 3.4.2, 3.4.4): what the tests
need, not a general signer.
"""
import base64
import hashlib
import random
import re

# RFC 8017 9.2 note 1: the DER DigestInfo prefix of SHA-256.
SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class Key:
    def __init__(self, n, d, pub_b64, p=None, q=None):
        self.n = n
        self.d = d
        self.pub_b64 = pub_b64	# SubjectPublicKeyInfo, the p= value
        self.p = p
        self.q = q

    def record(self):
        return "v=DKIM1; k=rsa; p=" + self.pub_b64


SMALL_PRIMES = [p for p in range(3, 2000)
                if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n, rng):
    """Miller-Rabin with 40 random bases (error below 2^-80)."""
    if any(n % p == 0 for p in SMALL_PRIMES):
        return n in SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits, rng):
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _probable_prime(n, rng):
            return n


def _der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def _der_int(v):
    return _der(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


def spki(n, e):
    """SubjectPublicKeyInfo of an RSA key (RFC 3279 2.3.1), DER."""
    alg = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) +
               b"\x05\x00")
    return _der(0x30, alg + _der(0x03, b"\x00" +
                                 _der(0x30, _der_int(n) + _der_int(e))))


def keygen(seed=6376, bits=2048):
    """An RSA key (e = 65537), made here from a seeded generator: the
    tests are reproducible and need no openssl(1)."""
    rng = random.Random(seed)
    e = 65537
    while True:
        p, q = _prime(bits // 2, rng), _prime(bits // 2, rng)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == bits:
            break
    n = p * q
    return Key(n, pow(e, -1, phi), base64.b64encode(spki(n, e)).decode(),
               p, q)


def rsa_sha256(key, data):
    k = (key.n.bit_length() + 7) // 8
    t = SHA256_INFO + hashlib.sha256(data).digest()
    em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    m = int.from_bytes(em, "big")
    if key.p is None:
        return pow(m, key.d, key.n).to_bytes(k, "big")
    # RFC 8017 5.1.2 (CRT): the same value, a few times faster.
    p, q = key.p, key.q
    m1 = pow(m, key.d % (p - 1), p)
    m2 = pow(m, key.d % (q - 1), q)
    h = (pow(q, -1, p) * (m1 - m2)) % p
    return (m2 + h * q).to_bytes(k, "big")


def body_relaxed(body):
    """RFC 6376 3.4.4."""
    if b" " not in body and b"\t" not in body:
        # Nothing to reduce: only empty lines at the end go (fast path
        # for big generated bodies).
        body = body.rstrip(b"\r\n")
        return body + b"\r\n" if body else b""
    lines = body.split(b"\r\n")
    out = [re.sub(rb"[ \t]+", b" ", ln).rstrip(b" ") for ln in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(ln + b"\r\n" for ln in out)


def header_relaxed(name, value):
    """RFC 6376 3.4.2, with the CRLF."""
    v = re.sub(rb"\r\n", b"", value)
    v = re.sub(rb"[ \t]+", b" ", v).strip(b" ")
    return name.strip().lower() + b":" + v + b"\r\n"


def split_message(msg):
    """([(name, value)], body): the header fields, unfolded later."""
    head, sep, body = msg.partition(b"\r\n\r\n")
    if not sep:
        head, body = msg, b""
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            n, v = fields[-1]
            fields[-1] = (n, v + b"\r\n" + line)
        else:
            n, _, v = line.partition(b":")
            fields.append((n, v))
    return fields, body


def sign(msg, domain, selector, key,
         headers=("from", "to", "subject", "date", "message-id")):
    """msg (CRLF bytes) with a new DKIM-Signature field on top."""
    return signature(msg, domain, selector, key, headers) + msg


def signature(msg, domain, selector, key,
              headers=("from", "to", "subject", "date", "message-id")):
    """The DKIM-Signature field (with its CRLF) that signs msg."""
    fields, body = split_message(msg)
    bh = base64.b64encode(hashlib.sha256(body_relaxed(body)).digest())
    data = b""
    used = set()
    signed = []
    for h in headers:
        # RFC 6376 5.4.2: instances are taken from the bottom up.
        for i in range(len(fields) - 1, -1, -1):
            n, v = fields[i]
            if i not in used and n.strip().lower() == h.encode():
                used.add(i)
                data += header_relaxed(n, v)
                break
        signed.append(h)
    value = (" v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s; h=%s; "
             "bh=%s; b=" % (domain, selector, ":".join(signed),
                            bh.decode())).encode()
    data += header_relaxed(b"DKIM-Signature", value)[:-2]
    b = base64.b64encode(rsa_sha256(key, data))
    return b"DKIM-Signature:" + value + b + b"\r\n"


def message(from_addr, subject=b"fault test", body=b"Hello.\r\n"):
    return (b"From: <" + from_addr.encode() + b">\r\n"
            b"To: <someone@example.org>\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Date: Sat, 28 Nov 2026 09:00:00 +0000\r\n"
            b"Message-ID: <fault-test@fault.example>\r\n"
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=us-ascii\r\n"
            b"\r\n" + body)
