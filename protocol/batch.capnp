# Files carried between the courier machine (online) and the analyst machine
# (air-gapped) on removable media.
#
# A batch file is a sequence of standard-framed Cap'n Proto messages:
#   one BatchHeader, then any number of BatchItem, then one BatchTrailer.
# Each item carries the canonical bytes of its BatchEntry and their BLAKE2b-256;
# the trailer counts the items and carries
#   digest = BLAKE2b-256(canonical(header) || hash_1 || ... || hash_n)
# and an Ed25519 signature over "gongyou/batch/v1" 0x00 || digest — by the
# courier key for a collected batch, by the identity key for an outbound one.
# A truncated, reordered, altered or foreign file is therefore refused whole
# (protocol/batch.h), before anything in it is used.
@0xbd8fc43e3bd92a92;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("gongyou::proto");

using Bundle = import "bundle.capnp";
using Relay = import "relay.capnp";
using Case = import "case.capnp";

enum BatchKind {
  collected @0;   # courier -> analyst: envelopes fetched from relays
  outbound @1;    # analyst -> courier: acks, replies, a new bundle
  cases @2;       # analyst -> analyst: case histories (analyst/case_sync.h); the
                  # whole signed file is then age-encrypted to the centre's
                  # analyst keys, since notes are the centre's own words
}

struct BatchHeader {
  magic @0 :Text;        # "gongyou-batch"
  version @1 :UInt16;    # 1
  kind @2 :BatchKind;
  centreId @3 :Text;
  createdDay @4 :UInt32; # days since 1970-01-01
}

struct BatchItem {
  hash @0 :Data;         # BLAKE2b-256 of `entry`
  entry @1 :Data;        # canonical encoding of a BatchEntry
}

struct BatchEntry {
  union {
    envelope @0 :CollectedEnvelope;   # collected batches only
    ack @1 :RelayAck;                 # outbound only
    reply @2 :Relay.Reply;            # outbound only: posted to every relay
    bundle @3 :Bundle.SignedBundle;   # outbound only: published to every relay
    caseUpdate @4 :CaseUpdate;        # cases only
  }
}

struct CaseUpdate {
  report @0 :Data;       # BLAKE2b-256 of the report's canonical bytes: the same on
                         # every machine that imported it (store keys are not)
  case @1 :Case.Case;    # every event this machine has for it
}

struct CollectedEnvelope {
  relay @0 :Text;        # where it was fetched ("host:port")
  id @1 :Data;           # the relay's inbox id (16 bytes), for the ack
  day @2 :UInt32;        # the relay's day bucket
  data @3 :Data;         # the age envelope, byte for byte
  stamp @4 :Relay.Stamp; # the submitter's proof of work as the relay listed it: the
                         # import checks it (crypto/pow.h) before decrypting, so a
                         # relay cannot add reports without doing the work
}

struct RelayAck {
  relay @0 :Text;
  ack @1 :Relay.SignedAck;
}

struct BatchTrailer {
  count @0 :UInt64;
  digest @1 :Data;
  signature @2 :Data;
}
