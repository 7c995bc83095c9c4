#include "client/sender.h"

#include <capnp/serialize.h>

#include <cstring>

#include "client/enrol.h"
#include "crypto/age.h"
#include "crypto/padding.h"
#include "protocol/attachments.h"
#include "protocol/day.h"
#include "protocol/report_check.h"
#include "storage/file.h"

namespace gongyou::client {

Bytes encryptReport(const std::vector<const age::Recipient*>& to, ByteView message,
                    const std::vector<Evidence>& evidence) {
  // Streamed: report, then each file, through padding into age's STREAM; the
  // padded plaintext never exists whole (layout: protocol/attachments.h).
  std::uint64_t length = message.size();
  for (const auto& e : evidence) length += e.data.size();
  io::VectorSink sink;
  age::Encryptor enc(to, sink);
  padding::PadWriter pad(enc, length);
  pad.write(message);
  for (const auto& e : evidence) pad.write(e.data);
  pad.close();
  return std::move(sink.out);
}

bool hasCurrentKeys(const Pinned& pinned, std::uint32_t today) {
  if (pinned.bundle().getExpiresDay() < today) return false;
  for (auto r : pinned.bundle().getRecipients())
    if (r.getValidFromDay() <= today && today <= r.getValidUntilDay()) return true;
  return false;
}

Sealed seal(const Pinned& pinned, SecretMessage& message, bool wantReply, const std::vector<Evidence>& evidence) {
  const std::uint32_t today = protocol::today();
  auto report = message.builder().getRoot<proto::Report>();
  Sealed out;
  auto list = report.initAttachments(static_cast<unsigned>(evidence.size()));
  for (unsigned i = 0; i < evidence.size(); ++i) {
    const Evidence& e = evidence[i];
    auto a = list[i];
    a.setMediaType(std::string(e.type->mediaType));
    a.setName(evidenceName(i, e));
    a.setSize(e.data.size());
    auto h = crypto::blake2b(e.data);
    a.setHash(kj::arrayPtr(h.data(), h.size()));
    auto removed = a.initRemovedMetadata(static_cast<unsigned>(e.removed.size()));
    for (unsigned k = 0; k < e.removed.size(); ++k) removed.set(k, e.removed[k]);
  }
  if (evidence.empty()) report.disownAttachments();
  if (wantReply) {
    out.replyCode = crypto::ReplyCode::generate();
    auto keys = crypto::deriveReplyKeys(*out.replyCode);
    auto pk = keys.identity.recipient().publicKey();
    report.setReplyKey(kj::arrayPtr(pk.data(), pk.size()));
  } else {
    report.initReplyKey(0);
  }
  std::string problem = protocol::checkReport(report.asReader(), today);
  if (!problem.empty()) throw InvalidReport(problem);

  if (!hasCurrentKeys(pinned, today)) throw KeysExpired();
  std::vector<age::X25519Recipient> recipients;
  for (auto r : pinned.bundle().getRecipients())
    if (r.getValidFromDay() <= today && today <= r.getValidUntilDay()) {
      age::PublicKey pk;
      std::memcpy(pk.data(), r.getX25519().begin(), pk.size());
      recipients.emplace_back(pk);
    }
  std::vector<const age::Recipient*> to;
  for (auto& r : recipients) to.push_back(&r);

  SecretBytes plain = message.serialize();
  if (plain.size() > protocol::kMaxReportMessageBytes) throw InvalidReport("attachments: too much metadata");
  out.envelope = encryptReport(to, plain.view(), evidence);
  return out;
}

namespace {

// A receipt counts only when the relay's key, as the centre's bundle lists it,
// signed it: otherwise NotProven, and the session tries the next relay.
protocol::SubmitReceipt submitProven(protocol::RelaySession& relays, proto::Relay::Client& relay,
                                     kj::AsyncIoContext& io, const std::string& centre, ByteView envelope,
                                     const protocol::CallTimeout& t, const protocol::UploadProgress& progress) {
  auto receipt =
      protocol::submitEnvelope(relay, io.waitScope, centre, envelope, &t, progress, &relays.nextChallenge());
  const auto& key = relays.endpoint().key;
  if (!key || !protocol::verifyReceipt(receipt, centre, *key)) throw protocol::NotProven();
  return receipt;
}

}  // namespace

Delivery deliver(ReporterState& state, const Pinned& pinned, protocol::RelaySession& relays, ByteView envelope,
                 kj::AsyncIoContext& io, const protocol::UploadProgress& progress) {
  Delivery d;
  const std::string centre = pinned.code.centreId;
  try {
    d.relay = relays.call([&](proto::Relay::Client& relay, const protocol::CallTimeout& t) {
      d.receipt = submitProven(relays, relay, io, centre, envelope, t, progress);
    });
    d.delivered = true;
  } catch (const protocol::Unreachable& e) {
    d.why = e.what();
    d.unproven = e.unproven;
    d.queued = state.enqueue(centre, envelope);
  }
  return d;
}

FlushResult flush(ReporterState& state, const Pinned& pinned, protocol::RelaySession& relays, kj::AsyncIoContext& io) {
  FlushResult r;
  for (const auto& path : state.outbox(pinned.code.centreId)) {
    if (relays.offline()) {
      ++r.waiting;
      continue;
    }
    Bytes envelope = storage::readFile(path);
    try {
      relays.call([&](proto::Relay::Client& relay, const protocol::CallTimeout& t) {
        submitProven(relays, relay, io, pinned.code.centreId, envelope, t, {});
      });
      state.dequeue(path);
      ++r.delivered;
    } catch (const protocol::Unreachable& e) {
      ++r.waiting;
      r.why = e.what();
      r.unproven = r.unproven || e.unproven;
    }
  }
  return r;
}

}  // namespace gongyou::client
