# A centre's key bundle: everything a client needs to encrypt to the centre and
# reach it, signed by the centre's long-term identity key.
#
# The signature covers the canonical Cap'n Proto encoding of a KeyBundle
# (capnp::canonicalize: one segment, no segment table, no slack), prefixed with
# the label "gongyou/bundle/v1" and a zero byte. SignedBundle carries those exact
# canonical bytes, so a verifier checks the signature on what it received and
# only then parses it, and refuses bytes that are not canonical.
#
# Rules a verifier applies (protocol/bundle):
#   - the signature verifies under identityKey, and identityKey equals the one
#     pinned (from the centre code on first contact, from the relay's pin after);
#   - issuedDay <= today <= expiresDay;
#   - version > the highest version already seen for this centre (no rollback);
#   - every key has its exact size, the lists are within their caps.
@0x861c3a0830c77455;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gongyou::proto");

struct KeyBundle {
  centreId @0 :Text;
  # Short stable name of the centre: 1..64 of [a-z0-9-], e.g. "shenzhen-workers".

  displayNames @1 :List(LocalizedText);
  # What the worker sees, per language.

  identityKey @2 :Data;
  # Ed25519 public key (32 bytes). Signs bundles and acks. Its fingerprint is in
  # the centre code; it never changes for the life of the centre.

  recipients @3 :List(RecipientKey);
  # X25519 keys of the centre's analysts. A report is encrypted to every one that
  # is valid today, so any analyst (and the standard age tool) can open it.

  courierKey @4 :Data;
  # Ed25519 public key (32 bytes) the courier machine logs in to relays with. It
  # can fetch ciphertext and nothing else.

  relays @5 :List(Text);
  # The address of each relay carrying this centre, tried in order: "host:port"
  # (Cap'n Proto RPC over TCP: loopback, onion services) or "wss://host/path"
  # (the same RPC over WebSocket over TLS, behind an ordinary HTTPS front).

  pow @6 :PowPolicy;

  version @7 :UInt64;
  # Strictly increasing per centre; clients and relays refuse a lower one.

  issuedDay @8 :UInt32;    # days since 1970-01-01 (UTC)
  expiresDay @9 :UInt32;   # last day on which the bundle is valid

  relayKeys @10 :List(Data);
  # relayKeys[i] is the Ed25519 public key (32 bytes) of relays[i]: the relay
  # signs every receipt with it and the courier's login names it, so a relay
  # that answers in another's place cannot pass for it. Either empty (bundles
  # from before this field, still read: their relays can serve the bundle but
  # no receipt of theirs verifies, so reporters keep reports queued) or exactly
  # as long as `relays`.
}

struct LocalizedText {
  language @0 :Text;   # BCP 47
  text @1 :Text;
}

struct RecipientKey {
  x25519 @0 :Data;          # 32-byte X25519 public key (age recipient)
  validFromDay @1 :UInt32;  # first day new reports go to this key
  validUntilDay @2 :UInt32; # last day; old reports stay decryptable after it
}

struct PowPolicy {
  difficulty @0 :UInt8;
  # Leading zero bits a submission stamp must have (crypto/pow). Each bit doubles
  # the work: 16 ≈ 65,000 BLAKE2b hashes ≈ 8 ms on the reference VM, 23 ≈ 1 s.
  # At most 24.
}

struct SignedBundle {
  bundle @0 :Data;      # canonical encoding of a KeyBundle
  signature @1 :Data;   # Ed25519 over "gongyou/bundle/v1" 0x00 || bundle
}
