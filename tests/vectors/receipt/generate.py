# The receipt vectors, made independently of the C++ (Python hashlib and the
# openssl CLI): python3 tests/vectors/receipt/generate.py > tests/vectors/receipt/receipts.json
import hashlib, json, subprocess, struct, os, tempfile
os.chdir(tempfile.mkdtemp())
def H(b): return hashlib.blake2b(b, digest_size=32).digest()
seed = H(b"gongyou receipt vector relay seed")
centre = "centre-a"
receipts = []
for i in range(5):
    rid = H(b"id %d" % i)[:16]
    day = 20423 + (i % 2)
    eh = H(b"envelope %d" % i)
    leaf = H(b"\x00" + eh + rid + struct.pack(">I", day) + centre.encode())
    receipts.append(dict(id=rid.hex(), day=day, envelopeHash=eh.hex(), leaf=leaf.hex(), _leaf=leaf))
leaves = [r["_leaf"] for r in receipts]
def mth(ls):
    if len(ls) == 1: return ls[0]
    k = 1
    while k * 2 < len(ls): k *= 2
    return H(b"\x01" + mth(ls[:k]) + mth(ls[k:]))
def path(m, ls):  # RFC 9162 2.1.3.1 PATH(m, D[n])
    n = len(ls)
    if n == 1: return []
    k = 1
    while k * 2 < n: k *= 2
    if m < k: return path(m, ls[:k]) + [mth(ls[k:])]
    return path(m - k, ls[k:]) + [mth(ls[:k])]
root = mth(leaves)
msg = b"gongyou/receipt/v2\x00" + root + struct.pack(">I", len(leaves))
der = bytes.fromhex("302e020100300506032b657004220420") + seed
open("k.der", "wb").write(der); open("m.bin", "wb").write(msg)
subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", "k.der", "-out", "k.pem"], check=True)
sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", "k.pem", "-in", "m.bin"], check=True, capture_output=True).stdout
pub = subprocess.run(["openssl", "pkey", "-in", "k.pem", "-pubout", "-outform", "DER"], check=True, capture_output=True).stdout[-32:]
for i, r in enumerate(receipts):
    r["index"] = i
    r["path"] = [p.hex() for p in path(i, leaves)]
    del r["_leaf"]
out = {
  "about": "Receipt v2 (protocol/receipt.h, relay.capnp Receipt): five receipts of one group commit under one Ed25519 signature. "
           "leaf = BLAKE2b-256(0x00 || envelopeHash || id || day u32 BE || centre); node = BLAKE2b-256(0x01 || left || right), "
           "the tree of RFC 9162 section 2.1; signature over \"gongyou/receipt/v2\" 0x00 || root || batchSize u32 BE. "
           "Generated independently of the C++ (Python hashlib and the openssl CLI); every implementation must reproduce "
           "each leaf, the root, each path and the signature, accept every receipt and refuse every entry of invalid.",
  "relaySeed": seed.hex(), "relayPublicKey": pub.hex(), "centre": centre,
  "batchSize": len(leaves), "root": root.hex(), "signature": sig.hex(),
  "receipts": receipts,
  "invalid": [
    {"receipt": 2, "change": "index", "value": 3},
    {"receipt": 4, "change": "index", "value": 5},
    {"receipt": 1, "change": "batchSize", "value": 4},
    {"receipt": 4, "change": "batchSize", "value": 8},
    {"receipt": 0, "change": "day", "value": 20425},
    {"receipt": 3, "change": "dropLastPathHash"},
    {"receipt": 0, "change": "flipSignatureBit"},
  ],
}
print(json.dumps(out, indent=2))
