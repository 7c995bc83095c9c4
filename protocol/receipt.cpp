#include "protocol/receipt.h"

#include <cstring>
#include <stdexcept>

#include "protocol/limits.h"

namespace gongyou::protocol {

Bytes receiptMessage(const SubmitReceipt& r, std::string_view centre) {
  Bytes m(r.envelopeHash.begin(), r.envelopeHash.end());
  m.insert(m.end(), r.id.begin(), r.id.end());
  appendBE(m, r.day);
  append(m, centre);
  return m;
}

void signReceipt(const crypto::SigningKey& relayKey, std::string_view centre, const SubmitReceipt& r,
                 proto::Receipt::Builder out) {
  out.setId(kj::arrayPtr(r.id.data(), r.id.size()));
  out.setDay(r.day);
  out.setEnvelopeHash(kj::arrayPtr(r.envelopeHash.data(), r.envelopeHash.size()));
  auto sig = relayKey.sign(kReceiptLabel, receiptMessage(r, centre));
  out.setSignature(kj::arrayPtr(sig.data(), sig.size()));
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
  if (out.envelopeHash != expected) throw std::runtime_error("relay receipt names another envelope");
  return out;
}

bool verifyReceipt(const SubmitReceipt& r, std::string_view centre, const crypto::SignPublicKey& relayKey) {
  return crypto::verify(ByteView(relayKey.data(), relayKey.size()), kReceiptLabel, receiptMessage(r, centre),
                        ByteView(r.signature.data(), r.signature.size()));
}

}  // namespace gongyou::protocol
