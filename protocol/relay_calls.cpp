#include "protocol/relay_calls.h"

#include <cstring>
#include <deque>
#include <stdexcept>

#include "crypto/format.h"
#include "crypto/pow.h"
#include "protocol/limits.h"

namespace gongyou::protocol {

namespace {
template <typename T>
T waitBounded(kj::Promise<T>&& p, kj::WaitScope& ws, const CallTimeout* timeout) {
  return (timeout ? (*timeout)(kj::mv(p)) : kj::mv(p)).wait(ws);
}
}  // namespace

namespace {

// Chunks in flight at once: enough to keep a Tor circuit busy, few enough that
// the client never queues the whole envelope in its own memory twice.
constexpr std::size_t kUploadWindow = 4;

}  // namespace

namespace {

SubmitReceipt submitOnce(proto::Relay::Client& relay, kj::WaitScope& ws, const std::string& centre, ByteView envelope,
                         const CallTimeout* timeout, const UploadProgress& progress,
                         std::optional<NextChallenge>* next) {
  NextChallenge ch;
  if (next && *next) {
    ch = std::move(**next);
    next->reset();  // one use, whatever happens to it
  } else {
    auto creq = relay.powChallengeRequest();
    creq.setCentre(centre);
    auto answer = waitBounded(creq.send(), ws, timeout);
    ch.challenge.assign(answer.getChallenge().begin(), answer.getChallenge().end());
    ch.difficulty = answer.getDifficulty();
  }
  const auto challenge = kj::arrayPtr(ch.challenge.data(), ch.challenge.size());
  crypto::PowInput in{ByteView(ch.challenge), centre, crypto::blake2b(envelope)};
  // The relay's demand is capped; the upload's own bits come from the size, not
  // from the relay, so they raise the cap by exactly themselves.
  const unsigned extra = envelope.size() > kMaxSubmitBytes ? uploadPowBits(envelope.size()) : 0;
  if (ch.difficulty > format::kPowMaxDifficulty) throw std::runtime_error("relay demands a proof of work above the cap");
  auto nonce = crypto::powSolve(in, ch.difficulty + extra, format::kPowMaxDifficulty + extra);
  if (!nonce) throw std::runtime_error("relay demands a proof of work above the cap");

  if (envelope.size() <= kMaxSubmitBytes) {
    auto req = relay.submitRequest();
    req.setCentre(centre);
    req.setEnvelope(kj::arrayPtr(envelope.data(), envelope.size()));
    auto stamp = req.initStamp();
    stamp.setChallenge(challenge);
    stamp.setNonce(*nonce);
    req.setWantNext(next != nullptr);
    auto answer = waitBounded(req.send(), ws, timeout);
    auto receipt = readReceipt(answer.getReceipt(), in.envelopeHash);
    if (next && answer.getNext().size() > 0)
      *next = NextChallenge{Bytes(answer.getNext().begin(), answer.getNext().end()), answer.getNextDifficulty()};
    return receipt;
  }

  // Too large for one message: begin (spending the stamp), append, finish.
  auto begin = relay.beginUploadRequest();
  begin.setCentre(centre);
  begin.setSize(envelope.size());
  begin.setEnvelopeHash(kj::arrayPtr(in.envelopeHash.data(), in.envelopeHash.size()));
  auto stamp = begin.initStamp();
  stamp.setChallenge(challenge);
  stamp.setNonce(*nonce);
  auto upload = waitBounded(begin.send(), ws, timeout).getUpload();
  std::deque<kj::Promise<void>> inFlight;
  std::size_t done = 0;
  auto oldest = [&] {
    waitBounded(kj::mv(inFlight.front()), ws, timeout);
    inFlight.pop_front();
    done = std::min(envelope.size(), done + kUploadChunkBytes);
    if (progress) progress(done, envelope.size());
  };
  for (std::size_t at = 0; at < envelope.size(); at += kUploadChunkBytes) {
    auto req = upload.appendRequest();
    const std::size_t n = std::min(kUploadChunkBytes, envelope.size() - at);
    req.setChunk(kj::arrayPtr(envelope.data() + at, n));
    inFlight.push_back(req.send().ignoreResult());
    if (inFlight.size() >= kUploadWindow) oldest();
  }
  while (!inFlight.empty()) oldest();
  return readReceipt(waitBounded(upload.finishRequest().send(), ws, timeout).getReceipt(), in.envelopeHash);
}

// The relay's refusals that a fresh challenge answers: its challenge expired or
// was forgotten (a restart), or a surge raised the price while we worked.
bool challengeStale(const kj::Exception& e) {
  const std::string_view d = e.getDescription().cStr();
  return d.find("stamp: challenge unknown, used or expired") != std::string_view::npos ||
         d.find("stamp: proof of work does not meet the difficulty asked") != std::string_view::npos;
}

}  // namespace

SubmitReceipt submitEnvelope(proto::Relay::Client& relay, kj::WaitScope& ws, const std::string& centre,
                             ByteView envelope, const CallTimeout* timeout, const UploadProgress& progress,
                             std::optional<NextChallenge>* next) {
  KJ_IF_MAYBE(receipt, [&]() -> kj::Maybe<SubmitReceipt> {
    try {
      return submitOnce(relay, ws, centre, envelope, timeout, progress, next);
    } catch (const kj::Exception& e) {
      if (!challengeStale(e)) throw;
      return nullptr;
    }
  }()) {
    return *receipt;
  }
  return submitOnce(relay, ws, centre, envelope, timeout, progress, next);  // once more, on a new challenge
}

Bytes loginMessage(ByteView challenge, const crypto::SignPublicKey& relayKey, std::string_view centre) {
  Bytes m = challenge.copy();
  append(m, ByteView(relayKey.data(), relayKey.size()));
  append(m, centre);
  return m;
}

proto::Collector::Client loginCourier(proto::Relay::Client& relay, kj::WaitScope& ws,
                                      const std::string& centre, const crypto::SigningKey& courier,
                                      const crypto::SignPublicKey& relayKey, const CallTimeout* timeout) {
  auto ch = waitBounded(relay.loginChallengeRequest().send(), ws, timeout);
  auto challenge = ch.getChallenge();
  auto sig = courier.sign(kLoginLabel, loginMessage(ByteView(challenge.begin(), challenge.size()), relayKey, centre));
  auto req = relay.loginRequest();
  req.setCentre(centre);
  req.setChallenge(challenge);
  req.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  return waitBounded(req.send(), ws, timeout).getCollector();
}

}  // namespace gongyou::protocol
