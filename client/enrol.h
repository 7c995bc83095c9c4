// Enrolment: from a centre code to a pinned, verified key bundle.
//
// The code carries the identity key; the bundle comes from the relays and is
// accepted only if that identity signed it, it is valid today, and its version is
// not below the one already pinned (an equal version is a harmless re-fetch). A
// worker may be enrolled with several centres; each has its own pin and outbox.
#pragma once

#include <kj/async-io.h>

#include <cstdint>
#include <string>

#include "protocol/relays.h"
#include "client/state.h"

namespace gongyou::client {

enum class EnrolStatus {
  Ok,
  BadCode,
  Unreachable,    // no relay answered
  UnknownCentre,  // the relays that answered do not know this centre
  Expired,        // the relays hold only a bundle that has expired: the centre must publish new keys
  Refused,        // a bundle was refused (signature, identity, rollback…)
};

struct EnrolResult {
  EnrolStatus status = EnrolStatus::Refused;
  std::string message;   // one line, for the worker (English; main translates the status)
  std::uint64_t version = 0;
  std::string centreName;  // in the requested language if the bundle has it
};

EnrolResult enrol(ReporterState& state, const std::string& codeText, kj::AsyncIoContext& io, const protocol::Net& net,
                  const std::string& language);

// Re-fetches centre `centre`'s bundle ("" = the current centre) under the same
// rules; Ok also when the relay still serves the pinned version.
EnrolResult refresh(ReporterState& state, const std::string& centre, kj::AsyncIoContext& io, const protocol::Net& net,
                    const std::string& language);

// The recipients of `bundle` valid on `today`, and the relays to try (bundle's
// first, then the code's).
std::vector<protocol::RelayEndpoint> relaysOf(const Pinned& pinned);

}  // namespace gongyou::client
