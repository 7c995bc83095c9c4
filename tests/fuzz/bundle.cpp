// Key bundles as a reporter or a relay receives them: the framed SignedBundle,
// its signature, the canonical-form rule, the field caps and the pinning rules.
// First byte 0: the rest is a framed SignedBundle file. Otherwise: the rest is a
// KeyBundle message, which is re-signed here with the pinned identity key, so
// mutated bundles get past the signature to the field checks.
#include <capnp/message.h>

#include <stdexcept>

#include "fuzz_support.h"
#include "protocol/bundle.h"

using namespace gongyou;

namespace {

const crypto::SigningKey& identity() {
  static const crypto::SigningKey k = crypto::SigningKey::fromSeed(fuzz::fixedSeed(0x11));
  return k;
}

void verifyFile(ByteView framed) {
  kj::Array<capnp::word> storage;
  std::unique_ptr<capnp::MessageReader> reader;
  try {
    reader = protocol::readSignedBundle(framed, storage);
  } catch (const std::runtime_error&) {
    return;
  }
  protocol::BundleRules rules;
  rules.today = fuzz::kFuzzDay;
  rules.pinnedIdentity = ByteView(identity().publicKey().data(), 32);
  auto check = protocol::verifyBundle(reader->getRoot<proto::SignedBundle>(), rules);
  if (check.status == protocol::BundleStatus::Ok) {
    (void)protocol::checkBundleFields(check.bundle->root());
    try {
      (void)protocol::BundleFile::open(framed);
    } catch (const std::runtime_error&) {
      __builtin_trap();  // verified, yet the relay's reader would refuse it
    }
  }
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
    capnp::MallocMessageBuilder kb;
    kb.setRoot(in.getRoot<proto::KeyBundle>());
    auto b = kb.getRoot<proto::KeyBundle>();
    b.setIdentityKey(kj::arrayPtr(identity().publicKey().data(), 32));
    Bytes canon = protocol::canonicalBytes(b.asReader());
    auto sig = identity().sign(protocol::kBundleLabel, canon);
    capnp::MallocMessageBuilder sb;
    auto s = sb.initRoot<proto::SignedBundle>();
    s.setBundle(kj::arrayPtr(canon.data(), canon.size()));
    s.setSignature(kj::arrayPtr(sig.data(), sig.size()));
    file = protocol::serializeSignedBundle(s.asReader());
  } catch (const kj::Exception&) {
    return 0;  // not a message at all: nothing of ours ran yet
  }
  verifyFile(file);
  return 0;
}
