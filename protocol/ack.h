// Acknowledgements: the centre identity's signed permission for a relay to delete
// envelopes. Only the air-gapped analyst machine holds the identity key, so a
// seized or compromised courier can never make a relay drop reports.
//
// Failure modes: verifyAck returns nullopt for anything that does not verify or
// is malformed (never throws for bad input).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/sign.h"
#include "protocol/relay.capnp.h"

namespace gongyou::protocol {

using InboxId = std::array<std::uint8_t, 16>;

void signAck(const crypto::SigningKey& identity, kj::StringPtr centreId,
             const std::vector<InboxId>& ids, proto::SignedAck::Builder out);

// The acknowledged ids if `ack` is signed by `identityKey`, names `centreId`,
// is canonical and within the caps.
std::optional<std::vector<InboxId>> verifyAck(proto::SignedAck::Reader ack, ByteView identityKey,
                                              kj::StringPtr centreId);

}  // namespace gongyou::protocol
