#include "protocol/ack.h"

#include <cstring>

#include "protocol/canonical.h"
#include "protocol/limits.h"

namespace gongyou::protocol {

static_assert(sizeof(InboxId) == kInboxIdSize);

void signAck(const crypto::SigningKey& identity, kj::StringPtr centreId,
             const std::vector<InboxId>& ids, proto::SignedAck::Builder out) {
  capnp::MallocMessageBuilder msg;
  auto ack = msg.initRoot<proto::Ack>();
  ack.setCentreId(centreId);
  auto list = ack.initIds(static_cast<unsigned>(ids.size()));
  for (unsigned i = 0; i < ids.size(); ++i) list.set(i, kj::arrayPtr(ids[i].data(), ids[i].size()));
  Bytes canon = canonicalBytes(ack.asReader());
  auto sig = identity.sign(kAckLabel, canon);
  out.setAck(kj::arrayPtr(canon.data(), canon.size()));
  out.setSignature(kj::arrayPtr(sig.data(), sig.size()));
}

std::optional<std::vector<InboxId>> verifyAck(proto::SignedAck::Reader ack, ByteView identityKey,
                                              kj::StringPtr centreId) {
  // A field of the wrong pointer type throws on access: not an ack.
  ByteView b, sig;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    b = ByteView(ack.getAck().begin(), ack.getAck().size());
    sig = ByteView(ack.getSignature().begin(), ack.getSignature().size());
  })) {
    (void)e;
    return std::nullopt;
  }
  // Signature first: nothing unauthenticated is parsed beyond the outer message.
  if (!crypto::verify(identityKey, kAckLabel, b, sig)) return std::nullopt;
  auto parsed = Canonical<proto::Ack>::parse(b);
  if (!parsed) return std::nullopt;
  std::optional<std::vector<InboxId>> out;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    auto root = parsed->root();
    if (root.getCentreId() != centreId) return;
    auto list = root.getIds();
    if (list.size() > kMaxAckIds) return;
    std::vector<InboxId> ids(list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      if (list[i].size() != kInboxIdSize) return;
      std::memcpy(ids[i].data(), list[i].begin(), kInboxIdSize);
    }
    out = std::move(ids);
  })) {
    (void)e;
    return std::nullopt;
  }
  return out;
}

}  // namespace gongyou::protocol
