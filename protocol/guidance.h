// A centre's signed guidance (guidance.capnp): signing, verification and the
// choice of what to show a worker for a category in their language.
//
// Failure modes: verifyGuidance never throws for bad input; it returns a
// GuidanceStatus and, for Malformed, a detail naming the field (never key
// material). GuidanceFile::open throws std::runtime_error naming the problem
// when the bytes are not one framed SignedGuidance within the caps. signGuidance
// throws std::invalid_argument when the guidance breaks a field rule (so a centre
// can never publish a file its workers' programs would refuse).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/sign.h"
#include "protocol/canonical.h"
#include "protocol/guidance.capnp.h"

namespace gongyou::protocol {

enum class GuidanceStatus {
  Ok,
  Malformed,     // not canonical, over a cap, an unknown category, a bad language tag…
  BadSignature,  // not signed by the pinned identity key
  WrongCentre,   // signed for another centre id
  Rollback,      // version not above the one already installed
};
const char* describe(GuidanceStatus s);

struct GuidanceRules {
  ByteView identity;     // the centre's pinned identity key (32 bytes)
  std::string centreId;  // the pinned centre's id
  std::optional<std::uint64_t> installedVersion;
};

struct GuidanceCheck {
  GuidanceStatus status = GuidanceStatus::Malformed;
  std::string detail;
  std::unique_ptr<Canonical<proto::Guidance>> guidance;  // set only when Ok
};

GuidanceCheck verifyGuidance(proto::SignedGuidance::Reader signedGuidance, const GuidanceRules& rules);

// Field rules alone; empty when fine, else a message naming the field.
std::string checkGuidanceFields(proto::Guidance::Reader g);

// Signs the canonical encoding of `g`; returns the framed SignedGuidance file.
Bytes signGuidance(const crypto::SigningKey& identity, proto::Guidance::Reader g);

// A framed SignedGuidance read back (a file a worker was given, a reporter's
// installed copy). It does not verify (verifyGuidance does).
// Lifetime: the reader is valid while the GuidanceFile lives.
class GuidanceFile {
 public:
  static std::unique_ptr<GuidanceFile> open(ByteView framed);
  proto::SignedGuidance::Reader signedGuidance() const { return message_->getRoot<proto::SignedGuidance>(); }

 private:
  GuidanceFile() = default;
  kj::Array<capnp::word> words_;
  std::unique_ptr<capnp::MessageReader> message_;
};

// What a worker is shown for one category, from verified guidance.
struct GuidanceText {
  std::string right, nextSteps, citation, whereToGo;
};

// The category's texts in `language` (a BCP 47 tag), else in English, else
// nullopt: advice in a language the worker cannot read helps nobody, and the
// built-in texts then apply. whereToGo follows the same choice, independently.
std::optional<GuidanceText> guidanceFor(proto::Guidance::Reader g, std::string_view categoryId,
                                        std::string_view language);

// Language tags as BCP 47 shapes them: a 2-8 letter language, then subtags of
// 1-8 letters or digits separated by '-' ("ms", "zh-Hans", "es-419").
bool validLanguageTag(std::string_view tag);

}  // namespace gongyou::protocol
