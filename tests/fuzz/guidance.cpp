// A centre's guidance as a worker's program receives it (a file handed over by
// anyone): the framed SignedGuidance, its signature, the canonical-form rule, the
// field rules, and the choice of text for every category and language.
// First byte 0: the rest is a framed SignedGuidance file. Otherwise: the rest is
// a Guidance message, re-signed here with the pinned identity key for the pinned
// centre, so mutated guidance gets past the signature to the field checks.
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <stdexcept>

#include "fuzz_support.h"
#include "protocol/guidance.h"
#include "protocol/taxonomy.h"

using namespace gongyou;

namespace {

const crypto::SigningKey& identity() {
  static const crypto::SigningKey k = crypto::SigningKey::fromSeed(fuzz::fixedSeed(0x11));
  return k;
}
const char* const kCentre = fuzz::kFuzzCentreId;

void verifyFile(ByteView framed) {
  std::unique_ptr<protocol::GuidanceFile> file;
  try {
    file = protocol::GuidanceFile::open(framed);
  } catch (const std::runtime_error&) {
    return;
  }
  protocol::GuidanceRules rules;
  rules.identity = ByteView(identity().publicKey().data(), 32);
  rules.centreId = kCentre;
  auto check = protocol::verifyGuidance(file->signedGuidance(), rules);
  if (check.status != protocol::GuidanceStatus::Ok) return;
  auto g = check.guidance->root();
  // What the form would show: every text it can pick must be one the rules passed.
  for (const auto& c : protocol::categories())
    for (const char* lang : {"en", "ms", "zh-Hans", "vi"})
      if (auto t = protocol::guidanceFor(g, c.id, lang))
        if (t->right.empty() || t->nextSteps.empty()) __builtin_trap();  // verified, yet an empty right is shown
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ByteView rest(data + 1, size - 1);
  if (data[0] == 0) {
    verifyFile(rest);
    return 0;
  }
  auto words = fuzz::words(rest.data(), rest.size());
  Bytes file;
  try {
    capnp::FlatArrayMessageReader in(words, protocol::readerOptions());
    capnp::MallocMessageBuilder gb;
    gb.setRoot(in.getRoot<proto::Guidance>());
    auto g = gb.getRoot<proto::Guidance>();
    g.setCentreId(kCentre);
    file = protocol::signGuidance(identity(), g.asReader());
  } catch (const kj::Exception&) {
    return 0;  // not a message at all: nothing of ours ran yet
  } catch (const std::invalid_argument&) {
    return 0;  // the centre's own tool refuses to sign it: checked fields, nothing shown
  }
  verifyFile(file);
  return 0;
}
