# The relay's RPC interface: the only surface of gongyou on the open internet.
#
# Object capabilities: the bootstrap capability is `Relay`, which anyone may
# hold. A centre's authority exists only as a `Collector` capability, returned by
# `login` after the courier key signs a fresh challenge; no method takes a
# centre's authority from a plain argument such as a centre id.
#
# What the relay learns: which centre a report is for, its size (padded, so the
# same for every text-only report), and the day it arrived. It never sees
# plaintext and never records who connected (no address, port or time of day is
# logged or stored anywhere).
#
# Errors: a refused request fails with an exception whose text names what was
# wrong (e.g. "envelope too large: 2000000 bytes, cap 1048576") and changes
# nothing. A message above the size or nesting limits (protocol/limits.h) drops
# the whole connection before it is parsed.
@0x8b7be7875af9a6f9;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gongyou::proto");

using Bundle = import "bundle.capnp";

interface Relay {
  # ---- anonymous surface: workers (directly or through Tor) ----

  getBundle @0 (centre :Text) -> (bundle :Bundle.SignedBundle);
  # The centre's current signed key bundle. The client verifies it against the
  # identity fingerprint from the centre code; the relay is not trusted for it.

  powChallenge @1 (centre :Text) -> (challenge :Data, difficulty :UInt8);
  # A fresh challenge for a submission stamp and the difficulty the centre's
  # bundle asks for, or more while the relay is under load (the difficulty is
  # written into the challenge and covered by its tag): day || difficulty ||
  # random || relay tag. A challenge is open for one use and a few minutes
  # (--challenge-lifetime, default 600 s), in the relay's memory only; a stamp
  # must meet the difficulty in force when it arrives, which may have risen
  # since ("does not meet the difficulty asked": ask for a new challenge).

  submit @2 (centre :Text, envelope :Data, stamp :Stamp, wantNext :Bool)
      -> (receipt :Receipt, next :Data, nextDifficulty :UInt8);
  # wantNext: a client with more to send (an outbox, a kiosk) gets its next
  # challenge with this answer, as powChallenge would give it (`next`,
  # `nextDifficulty`; empty when not asked or the submission was refused): one
  # round trip per report instead of two, which over Tor is seconds saved.
  # Stores one age-encrypted envelope for the centre. Answers only once the
  # envelope is durable on disk (fsync'ed in a group commit). Refused: unknown
  # centre, envelope empty or above the submit cap (1 MiB; larger ones use
  # beginUpload), not an age file, a stamp that does not verify, or a stamp
  # on a challenge already used or expired.

  fetchReplies @3 (mailbox :Data) -> (replies :List(Data), days :List(UInt32));
  # Encrypted replies the centre filed under a 32-byte mailbox id. The id is
  # derived from the worker's reply code; without the code it cannot be guessed,
  # and the replies are encrypted to a key derived from the same code.
  # days[i] is the day (days since 1970-01-01, UTC) the relay stored
  # replies[i] — no finer time exists on a relay — so the worker reads answers
  # dated and oldest first; a reply is kept kReplyRetentionDays (90) after it.
  # Relays before this field send no days.

  # ---- centre surface: the courier machine ----

  loginChallenge @4 () -> (challenge :Data);
  # A fresh challenge for `login`; usable once, open for the challenge lifetime.

  login @5 (centre :Text, challenge :Data, signature :Data) -> (collector :Collector);
  # `signature`: Ed25519 by the courier key named in the centre's pinned bundle,
  # over "gongyou/login/v2" 0x00 || challenge || relay key (32) || centre, where
  # the relay key is this relay's own (the one the bundle lists for it): a login
  # signed for one relay is refused by every other, so a hostile relay cannot
  # pass a courier's login on. Returns a Collector scoped to that one centre. A
  # challenge is accepted once.

  beginUpload @7 (centre :Text, size :UInt64, envelopeHash :Data, stamp :Stamp) -> (upload :Upload);
  # An envelope too large for one message (a report with attachments: above
  # 1 MiB, up to 26 MiB) goes in chunks. The stamp is checked and spent here,
  # over the declared BLAKE2b-256 `envelopeHash`, so the relay holds no bytes
  # for anyone who has not done the proof of work. Bytes are charged, as they
  # arrive, to a budget shared by all uploads in progress (--upload-budget,
  # default 256 MiB): when it cannot take a new upload's first chunk, or an
  # append, the call is refused ("relay busy") and the client tries again later
  # or another relay. The budget is checked before the stamp is spent. Refused as for submit, and for a size
  # outside 1 MiB .. 26 MiB.

  publishBundle @6 (bundle :Bundle.SignedBundle) -> ();
  # Replaces the bundle of the centre it names, with no login: a bundle is its
  # own authority (signed by the identity key the relay pinned, valid today, a
  # higher version than the pinned one), so whoever carries it changes nothing
  # the centre did not sign. This is how a centre whose courier machine was
  # taken replaces the courier key: the new bundle names the new key and the old
  # one stops working, without ever using the old one again.
}

interface Upload {
  # One envelope arriving in pieces. Dropping this capability (or the
  # connection), no chunk arriving for --upload-stall (default 5 minutes), or
  # not finishing by the deadline (15 minutes, or longer for a large envelope:
  # at least 4 KiB/s over the whole) abandons the upload, on the relay's own
  # timer: its bytes are freed and nothing is stored; the spent stamp stays spent.

  append @0 (chunk :Data) -> ();
  # The next bytes, in order, at most 1 MiB per call, never past the declared size.

  finish @1 () -> (receipt :Receipt);
  # Stores the envelope once all `size` bytes arrived, they hash to the declared
  # `envelopeHash` and start as a binary age file; answers only once it is
  # durable on disk, as submit. Any refusal abandons the upload.
}

struct Stamp {
  challenge @0 :Data;   # as returned by powChallenge
  nonce @1 :UInt64;     # see crypto/pow.h for the hash it must satisfy
}

struct Receipt {
  # One signature stands for a whole group commit (protocol/receipt.h): each
  # receipt of the batch is a leaf of a Merkle tree (RFC 9162 §2.1 with
  # BLAKE2b-256), the relay signs the tree's root once, and each receipt
  # carries the path from its leaf to that root. A reporter takes a report out
  # of its outbox only on a receipt whose path and signature verify.
  id @0 :Data;            # 16 random bytes naming the stored envelope
  day @1 :UInt32;         # days since 1970-01-01 (UTC), the day bucket stored
  envelopeHash @2 :Data;  # BLAKE2b-256 of the envelope, as the relay stored it
  signature @3 :Data;
  # Ed25519 by the relay's key (the one the centre's bundle lists for it) over
  # "gongyou/receipt/v2" 0x00 || root (32) || batchSize (u32 big-endian).
  # The leaf: BLAKE2b-256(0x00 || envelopeHash || id || day (u32 big-endian)
  # || centre id), so a receipt names one envelope, one inbox entry, one day
  # and one centre.
  index @4 :UInt32;       # this receipt's leaf among the batch's, from 0
  batchSize @5 :UInt32;   # leaves in the tree (the receipts of one group commit)
  path @6 :List(Data);    # 32-byte sibling hashes, leaf to root (RFC 9162 §2.1.3)
}

interface Collector {
  # One centre's inbox and outbox on this relay. Obtained only through login.

  list @0 (after :Data, limit :UInt32) -> (entries :List(InboxEntry), more :Bool);
  # Inbox entries in id order (ids are random, so this is no arrival order),
  # starting after `after` (empty = from the start), at most `limit` (cap 1000).

  fetch @1 (ids :List(Data)) -> (envelopes :List(Envelope), truncated :Bool);
  # The envelopes for these ids (cap 64 per call), in the order asked; unknown
  # ids, and envelopes above 2 MiB (use `read`), are left out. An answer carries
  # at most 2 MiB of envelopes (always at least one): if more were asked, it
  # stops early and sets `truncated`, and the courier asks again for the rest.
  # Fetching deletes nothing.

  acknowledge @2 (ack :SignedAck) -> (deleted :UInt32);
  # Deletes the listed envelopes. The ack must be signed by the centre's
  # identity key (held only on the air-gapped analyst machine), so a stolen
  # courier key can read ciphertext but cannot make the relay drop reports.

  postReplies @3 (replies :List(Reply)) -> (stored :UInt32);
  # Files encrypted replies under anonymous mailboxes (cap 256 per call).

  publishBundle @4 (bundle :Bundle.SignedBundle) -> ();
  # Replaces the centre's bundle, as Relay.publishBundle (the same rules; it
  # must also name this centre).

  stats @5 () -> (stats :CentreStats);

  read @6 (id :Data, offset :UInt64, length :UInt32) -> (data :Data);
  # Bytes [offset, offset + length) of one envelope (length at most 2 MiB),
  # fewer at its end: how a courier fetches an envelope too large for `fetch`.
  # Refused for an unknown id.
}

struct InboxEntry {
  id @0 :Data;       # 16 bytes
  day @1 :UInt32;    # day bucket of arrival
  size @2 :UInt32;   # envelope bytes
  stamp @3 :Stamp;   # the submitter's proof of work, as the relay checked it: the
                     # centre checks it again (a relay cannot add reports without
                     # doing the work); empty for envelopes stored before stamps were kept
}

struct Envelope {
  id @0 :Data;
  day @1 :UInt32;
  data @2 :Data;     # the age v1 file, byte for byte as submitted
  stamp @3 :Stamp;   # as in its InboxEntry
}

struct Ack {
  centreId @0 :Text;
  ids @1 :List(Data);   # inbox ids, 16 bytes each (cap 10000)
}

struct SignedAck {
  ack @0 :Data;         # canonical encoding of an Ack
  signature @1 :Data;   # Ed25519 by the identity key over "gongyou/ack/v1" 0x00 || ack
}

struct Reply {
  mailbox @0 :Data;     # 32 bytes
  envelope @1 :Data;    # age file to the reporter's reply key
}

struct CentreStats {
  inboxCount @0 :UInt64;
  inboxBytes @1 :UInt64;
  oldestDay @2 :UInt32;   # 0 when the inbox is empty
  bundleVersion @3 :UInt64;
}
