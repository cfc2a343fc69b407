# Sign a message with the RFC 8463 A.2 ed25519 test key (relaxed/relaxed).
import base64, hashlib, re, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
seed = base64.b64decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
key = Ed25519PrivateKey.from_private_bytes(seed)
pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
assert base64.b64encode(pub).decode() == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
d, s, path = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(path, 'rb').read().decode().replace('\r\n', '\n')
head, body = raw.split('\n\n', 1)
fields = re.split(r'\n(?=[^ \t])', head)
def canon_h(f):
    name, val = f.split(':', 1)
    val = re.sub(r'\n(?=[ \t])', '', val)
    val = re.sub(r'[ \t]+', ' ', val).strip()
    return name.strip().lower() + ':' + val
def canon_b(b):
    lines = b.split('\n')
    lines = [re.sub(r'[ \t]+', ' ', l).rstrip(' \t') for l in lines]
    while lines and lines[-1] == '':
        lines.pop()
    return ''.join(l + '\r\n' for l in lines)
bh = base64.b64encode(hashlib.sha256(canon_b(body).encode()).digest()).decode()
hnames = ['from', 'to', 'subject', 'date', 'message-id']
byname = {}
for f in fields:
    byname.setdefault(f.split(':', 1)[0].strip().lower(), []).append(f)
sig = ("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=%s;\n"
       " s=%s; t=1780000000; h=%s;\n bh=%s;\n b=" % (d, s, ':'.join(hnames), bh))
data = ''.join(canon_h(byname[h][-1]) + '\r\n' for h in hnames) + canon_h(sig)
b = base64.b64encode(key.sign(hashlib.sha256(data.encode()).digest())).decode()
sys.stdout.write(sig + b + '\n' + head + '\n\n' + body)
