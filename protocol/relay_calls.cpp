#include "protocol/relay_calls.h"

#include <cstring>
#include <stdexcept>

#include "crypto/pow.h"
#include "protocol/limits.h"

namespace gongyou::protocol {

namespace {
template <typename T>
T waitBounded(kj::Promise<T>&& p, kj::WaitScope& ws, const CallTimeout* timeout) {
  return (timeout ? (*timeout)(kj::mv(p)) : kj::mv(p)).wait(ws);
}
}  // namespace

SubmitReceipt submitEnvelope(proto::Relay::Client& relay, kj::WaitScope& ws, const std::string& centre,
                             ByteView envelope, const CallTimeout* timeout) {
  auto creq = relay.powChallengeRequest();
  creq.setCentre(centre);
  auto ch = waitBounded(creq.send(), ws, timeout);
  auto challenge = ch.getChallenge();
  crypto::PowInput in{ByteView(challenge.begin(), challenge.size()), centre, crypto::blake2b(envelope)};
  auto nonce = crypto::powSolve(in, ch.getDifficulty());
  if (!nonce) throw std::runtime_error("relay demands a proof of work above the cap");

  auto req = relay.submitRequest();
  req.setCentre(centre);
  req.setEnvelope(kj::arrayPtr(envelope.data(), envelope.size()));
  auto stamp = req.initStamp();
  stamp.setChallenge(challenge);
  stamp.setNonce(*nonce);
  auto response = waitBounded(req.send(), ws, timeout);
  auto r = response.getReceipt();
  SubmitReceipt out;
  if (r.getId().size() != out.id.size() || r.getEnvelopeHash().size() != out.envelopeHash.size())
    throw std::runtime_error("relay sent a malformed receipt");
  std::memcpy(out.id.data(), r.getId().begin(), out.id.size());
  std::memcpy(out.envelopeHash.data(), r.getEnvelopeHash().begin(), out.envelopeHash.size());
  out.day = r.getDay();
  if (out.envelopeHash != in.envelopeHash) throw std::runtime_error("relay receipt names another envelope");
  return out;
}

Bytes loginMessage(ByteView challenge, std::string_view centre) {
  Bytes m = challenge.copy();
  append(m, centre);
  return m;
}

proto::Collector::Client loginCourier(proto::Relay::Client& relay, kj::WaitScope& ws,
                                      const std::string& centre, const crypto::SigningKey& courier) {
  auto ch = relay.loginChallengeRequest().send().wait(ws);
  auto challenge = ch.getChallenge();
  auto sig = courier.sign(kLoginLabel, loginMessage(ByteView(challenge.begin(), challenge.size()), centre));
  auto req = relay.loginRequest();
  req.setCentre(centre);
  req.setChallenge(challenge);
  req.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return req.send().wait(ws).getCollector();
}

}  // namespace gongyou::protocol
