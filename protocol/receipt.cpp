#include "protocol/receipt.h"

#include <cstring>
#include <stdexcept>

#include "crypto/merkle.h"
#include "protocol/limits.h"

namespace gongyou::protocol {

crypto::Hash receiptLeaf(const SubmitReceipt& r, std::string_view centre) {
  Bytes m(r.envelopeHash.begin(), r.envelopeHash.end());
  m.insert(m.end(), r.id.begin(), r.id.end());
  appendBE(m, r.day);
  append(m, centre);
  return crypto::merkleLeaf(m);
}

namespace {
Bytes rootMessage(const crypto::Hash& root, std::uint32_t batchSize) {
  Bytes m(root.begin(), root.end());
  appendBE(m, batchSize);
  return m;
}
}  // namespace

crypto::Signature signReceiptRoot(const crypto::SigningKey& relayKey, const crypto::Hash& root,
                                  std::uint32_t batchSize) {
  return relayKey.sign(kReceiptLabel, rootMessage(root, batchSize));
}

void writeReceipt(const SubmitReceipt& r, proto::Receipt::Builder out) {
  out.setId(kj::arrayPtr(r.id.data(), r.id.size()));
  out.setDay(r.day);
  out.setEnvelopeHash(kj::arrayPtr(r.envelopeHash.data(), r.envelopeHash.size()));
  out.setSignature(kj::arrayPtr(r.signature.data(), r.signature.size()));
  out.setIndex(r.index);
  out.setBatchSize(r.batchSize);
  auto path = out.initPath(static_cast<unsigned>(r.path.size()));
  for (unsigned i = 0; i < path.size(); ++i) path.set(i, kj::arrayPtr(r.path[i].data(), r.path[i].size()));
}

SubmitReceipt readReceipt(proto::Receipt::Reader r, const crypto::Hash& expected) {
  SubmitReceipt out;
  if (r.getId().size() != out.id.size() || r.getEnvelopeHash().size() != out.envelopeHash.size())
    throw std::runtime_error("relay sent a malformed receipt");
  std::memcpy(out.id.data(), r.getId().begin(), out.id.size());
  std::memcpy(out.envelopeHash.data(), r.getEnvelopeHash().begin(), out.envelopeHash.size());
  out.day = r.getDay();
  if (r.getSignature().size() == out.signature.size())
    std::memcpy(out.signature.data(), r.getSignature().begin(), out.signature.size());
  out.index = r.getIndex();
  out.batchSize = r.getBatchSize();
  // A hostile relay's path is bounded before anything is copied.
  auto path = r.getPath();
  if (path.size() > kMaxReceiptPath) throw std::runtime_error("relay sent a malformed receipt");
  for (auto p : path) {
    if (p.size() != crypto::Hash{}.size()) throw std::runtime_error("relay sent a malformed receipt");
    crypto::Hash h;
    std::memcpy(h.data(), p.begin(), h.size());
    out.path.push_back(h);
  }
  if (out.envelopeHash != expected) throw std::runtime_error("relay receipt names another envelope");
  return out;
}

bool verifyReceipt(const SubmitReceipt& r, std::string_view centre, const crypto::SignPublicKey& relayKey) {
  auto root = crypto::merkleRootFromPath(receiptLeaf(r, centre), r.index, r.batchSize, r.path);
  if (!root) return false;
  return crypto::verify(ByteView(relayKey.data(), relayKey.size()), kReceiptLabel, rootMessage(*root, r.batchSize),
                        ByteView(r.signature.data(), r.signature.size()));
}

}  // namespace gongyou::protocol
