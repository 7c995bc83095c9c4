// Key bundles: signing, verification and the pinning rules (see bundle.capnp).
//
// Failure modes: verification never throws for bad input; it returns a
// BundleStatus naming what was wrong. signBundle throws std::invalid_argument if
// the bundle's identityKey is not the signing key's public key (a caller bug).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/sign.h"
#include "protocol/bundle.capnp.h"
#include "protocol/canonical.h"
#include "protocol/relay_endpoint.h"

namespace gongyou::protocol {

enum class BundleStatus {
  Ok,
  Malformed,      // not canonical, over a cap, a key of the wrong size, a bad centre id…
  BadSignature,   // the signature does not verify under the bundle's identity key
  WrongIdentity,  // the identity key is not the pinned one
  NotYetValid,    // issuedDay is after today
  Expired,        // expiresDay is before today
  Rollback,       // version is not above the version already seen
};
const char* describe(BundleStatus s);

struct BundleCheck {
  BundleStatus status = BundleStatus::Malformed;
  std::string detail;  // which field, for Malformed; never key material
  std::unique_ptr<Canonical<proto::KeyBundle>> bundle;  // set only when Ok
};

struct BundleRules {
  std::uint32_t today = 0;
  // The pinned identity key; empty on first contact (the caller then checks the
  // bundle's identity against the fingerprint it got out of band).
  ByteView pinnedIdentity;
  // The highest version seen; the new bundle's version must be strictly greater.
  std::optional<std::uint64_t> seenVersion;
};

BundleCheck verifyBundle(proto::SignedBundle::Reader signedBundle, const BundleRules& rules);

// The pinning rules alone (identity, validity today, version), on a bundle
// verifyBundle already accepted: for a caller that learns which pin applies
// only from the bundle itself (the relay's anonymous publishBundle).
BundleStatus checkPinning(proto::KeyBundle::Reader bundle, const BundleRules& rules);

// Field rules alone (sizes, ids, caps); empty string when fine, else a message
// naming the field.
std::string checkBundleFields(proto::KeyBundle::Reader b);

// The bundle's relays with their keys (no key for a bundle from before
// relayKeys), in order. On a bundle verifyBundle accepted.
std::vector<RelayEndpoint> bundleRelays(proto::KeyBundle::Reader b);
// Writes relays and, when every relay has one, relayKeys.
void setBundleRelays(proto::KeyBundle::Builder b, const std::vector<RelayEndpoint>& relays);

// Signs the canonical encoding of `bundle` into `out`.
void signBundle(const crypto::SigningKey& identity, proto::KeyBundle::Reader bundle,
                proto::SignedBundle::Builder out);

// 1..64 of [a-z0-9-], not starting or ending with '-'.
bool validCentreId(kj::StringPtr id);

// A SignedBundle as a standalone message file (add-centre input, demo output):
// standard Cap'n Proto stream framing, read with the bundle caps.
Bytes serializeSignedBundle(proto::SignedBundle::Reader b);
// Throws std::runtime_error naming the problem when the bytes are not one framed
// SignedBundle within the caps.
std::unique_ptr<capnp::MessageReader> readSignedBundle(ByteView framed, kj::Array<capnp::word>& storage);

// A framed SignedBundle read back (the relay's store, a worker's pin, a file),
// parsed once: the message and the KeyBundle inside it. It does not verify the
// signature (verifyBundle does); it refuses what is not one framed SignedBundle
// within the caps holding a canonical KeyBundle, with std::runtime_error.
// Lifetime: the readers are valid while the BundleFile lives.
class BundleFile {
 public:
  static std::unique_ptr<BundleFile> open(ByteView framed);
  proto::SignedBundle::Reader signedBundle() const { return message_->getRoot<proto::SignedBundle>(); }
  proto::KeyBundle::Reader bundle() const { return bundle_->root(); }

 private:
  BundleFile() = default;
  kj::Array<capnp::word> words_;
  std::unique_ptr<capnp::MessageReader> message_;
  std::unique_ptr<Canonical<proto::KeyBundle>> bundle_;
};

}  // namespace gongyou::protocol
