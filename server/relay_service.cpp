#include "server/relay_service.h"

#include <capnp/serialize.h>
#include <kj/debug.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>

#include "crypto/format.h"
#include "crypto/pow.h"
#include "protocol/ack.h"
#include "protocol/bundle.h"
#include "protocol/day.h"
#include "protocol/limits.h"
#include "protocol/relay_calls.h"
#include "server/challenge.h"

namespace gongyou::server {
namespace {

using protocol::InboxId;

// A refused request: the text travels to the client as the exception's
// description, so it names the problem and never carries secrets.
[[noreturn]] void refuse(Metrics& m, const std::string& text) {
  m.badRequests++;
  kj::throwFatalException(
      kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::heapString(text.c_str())));
}

ByteView view(capnp::Data::Reader d) { return {d.begin(), d.size()}; }

// The pinned bundle of one centre as stored. It was verified when pinned; the
// relay re-reads it per request so that a bundle pinned by another process
// (add-centre) takes effect at once.
using Pinned = protocol::BundleFile;

std::unique_ptr<Pinned> loadPinned(storage::RelayStore& store, kj::StringPtr centre) {
  auto framed = store.centreBundle(std::string_view(centre.cStr(), centre.size()));
  return framed ? Pinned::open(*framed) : nullptr;
}

std::unique_ptr<Pinned> requireCentre(RelayContext& ctx, kj::StringPtr centre) {
  if (!protocol::validCentreId(centre)) refuse(ctx.metrics, "centre: not a valid centre id");
  auto p = loadPinned(ctx.store, centre);
  if (!p) refuse(ctx.metrics, protocol::kUnknownCentre);
  return p;
}

// An age v1 file starts with its version line; anything else is not an
// envelope, whatever else it may be.
void requireAgeFile(Metrics& m, const char* field, ByteView data, std::size_t cap) {
  if (data.empty()) refuse(m, std::string(field) + ": empty");
  if (data.size() > cap)
    refuse(m, std::string(field) + ": too large: " + std::to_string(data.size()) + " bytes, cap " +
                  std::to_string(cap));
  const std::string_view intro = format::kAgeIntro;
  if (data.size() <= intro.size() || data.str().substr(0, intro.size()) != intro ||
      data[intro.size()] != '\n')
    refuse(m, std::string(field) + ": not a binary age v1 file");
}

InboxId requireId(Metrics& m, capnp::Data::Reader d) {
  if (d.size() != protocol::kInboxIdSize) refuse(m, "ids: each must be 16 bytes");
  InboxId id;
  std::memcpy(id.data(), d.begin(), id.size());
  return id;
}

// Pins a newer bundle of the centre it names (or of `onlyCentre`, if given):
// signed by the pinned identity key, valid today, a higher version. Whoever
// carries it, the centre signed it; see Relay.publishBundle in relay.capnp.
kj::Promise<void> publishBundleFor(RelayContext& ctx, proto::SignedBundle::Reader incoming,
                                   kj::StringPtr onlyCentre = nullptr) {
  protocol::BundleRules rules;  // first: well-formed, signed by the key it names, valid today
  rules.today = protocol::today();
  auto check = protocol::verifyBundle(incoming, rules);
  if (check.status != protocol::BundleStatus::Ok)
    refuse(ctx.metrics, std::string("bundle: ") + protocol::describe(check.status) +
                            (check.detail.empty() ? "" : " (" + check.detail + ")"));
  kj::StringPtr centre = check.bundle->root().getCentreId();
  if (onlyCentre != nullptr && centre != onlyCentre) refuse(ctx.metrics, "bundle: names another centre");
  auto current = requireCentre(ctx, centre);
  rules.pinnedIdentity = view(current->bundle().getIdentityKey());  // then: that centre's pin
  rules.seenVersion = current->bundle().getVersion();
  const auto pinning = protocol::checkPinning(check.bundle->root(), rules);
  if (pinning != protocol::BundleStatus::Ok)
    refuse(ctx.metrics, std::string("bundle: ") + protocol::describe(pinning));
  const std::uint64_t version = check.bundle->root().getVersion();
  Bytes framed = protocol::serializeSignedBundle(incoming);
  std::string c(centre.cStr(), centre.size());
  return ctx.writer.submit([c, framed = std::move(framed), version](storage::RelayStore::Batch& b) {
    // Re-checked inside the transaction: two publishes racing must not let the
    // older one land last.
    auto now = b.centreBundle(c);
    if (!now) throw Refusal(protocol::kUnknownCentre);
    if (Pinned::open(*now)->bundle().getVersion() >= version)
      throw Refusal("bundle: older than (or as old as) the one already pinned");
    b.putCentre(c, framed);
  });
}

// A verified stamp, to be spent (recorded as used) inside the write that uses it.
// Refuses (and counts) a stamp that does not verify: challenge not one the
// relay has open (never issued, spent, older than its lifetime), or too little
// work — what the challenge asked for, what the centre's bundle asks now, and
// what the surge asks now: a challenge issued before a surge does not carry
// its easier price into it. The stamp covers the centre and the envelope's
// hash, so it cannot be moved to another envelope. A stamp that verifies spends
// its challenge at once: one challenge, one envelope.
// A stamp as the store keeps it beside its envelope: challenge || nonce (u64
// little-endian). Only stamps that passed checkStamp are kept, so the
// challenge is one of ours (kChallengeSize bytes) and the whole fits.
Bytes storedStamp(proto::Stamp::Reader stamp) {
  Bytes out = view(stamp.getChallenge()).copy();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(stamp.getNonce() >> (8 * i)));
  return out;
}
static_assert(kChallengeSize + 8 <= storage::kMaxStampBytes);

// The stored stamp back in its RPC form (the centre checks the work again).
void setStamp(proto::Stamp::Builder out, ByteView stored) {
  if (stored.size() < 8) return;  // an envelope from before stamps were kept
  out.setChallenge(kj::arrayPtr(stored.data(), stored.size() - 8));
  std::uint64_t nonce = 0;
  for (int i = 0; i < 8; ++i) nonce |= std::uint64_t{stored[stored.size() - 8 + i]} << (8 * i);
  out.setNonce(nonce);
}

// A proof-of-work challenge at the difficulty in force now: the centre's, or
// more under a surge.
std::pair<Bytes, std::uint8_t> issueFor(RelayContext& ctx, std::uint8_t base, std::uint32_t today) {
  const std::uint8_t difficulty = ctx.pow.demand(base, PowGovernor::Clock::now());
  ctx.metrics.powDifficulty = difficulty;
  return {ctx.challenges.issue(ChallengeKind::Pow, today, difficulty, ChallengeBook::Clock::now()), difficulty};
}

void checkStamp(RelayContext& ctx, const Pinned& pinned, kj::StringPtr centre, proto::Stamp::Reader stamp,
                const crypto::Hash& envelopeHash, std::uint32_t today, unsigned extraBits = 0) {
  Metrics& m = ctx.metrics;
  const auto now = ChallengeBook::Clock::now();
  const ByteView bytes = view(stamp.getChallenge());
  auto challenge = ctx.challenges.check(ChallengeKind::Pow, bytes, today, now);
  crypto::PowInput in{bytes, std::string_view(centre.cStr(), centre.size()), envelopeHash};
  const crypto::Hash stampHash = crypto::powHash(in, stamp.getNonce());
  const std::uint8_t base = pinned.bundle().getPow().getDifficulty();
  const unsigned required =
      challenge ? std::max<unsigned>(challenge->difficulty, ctx.pow.demand(base, now)) + extraBits : 0;
  if (!challenge || crypto::leadingZeroBits(stampHash) < required) {
    m.submitsRefused++, m.powRefused++;
    refuse(m, challenge ? "stamp: proof of work does not meet the difficulty asked"
                        : "stamp: challenge unknown, used or expired; ask for a new one");
  }
  ctx.challenges.spend(bytes, now);
}

void accepted(Metrics& m, PowGovernor& pow) {
  m.submitsAccepted++;
  pow.accepted(PowGovernor::Clock::now());
}

// A receipt the client believes "stored" from only this relay: its leaf, which
// the writer put under the root it signed for the commit (protocol/receipt.h).
protocol::SubmitReceipt receiptFor(const InboxId& id, std::uint32_t day, const crypto::Hash& hash) {
  protocol::SubmitReceipt r;
  r.id = id;
  r.day = day;
  r.envelopeHash = hash;
  return r;
}

void fillReceipt(protocol::SubmitReceipt r, const ReceiptProof& proof, proto::Receipt::Builder out) {
  r.index = proof.index, r.batchSize = proof.batchSize, r.path = proof.path, r.signature = proof.signature;
  protocol::writeReceipt(r, out);
}

// One upload's charge to the shared budget and its bytes, released once: when
// stored, refused, or dropped. Lives on the RPC thread only (the capability and
// the continuation of its write hold it; either may outlive the other). The
// writer thread is handed the bytes alone, so the budget is never touched there.
struct UploadState {
  UploadState(RelayContext& c, std::size_t n) : ctx(c), size(n), data(std::make_shared<Bytes>()) {}
  ~UploadState() { release(); }
  // Charges `n` more bytes to the shared budget; false (nothing charged) when it
  // cannot hold them now.
  bool charge(std::size_t n) {
    if (released || ctx.uploads.capacity - ctx.uploads.used < n) return false;
    ctx.uploads.used += n;
    charged += n;
    ctx.metrics.uploadBytes = ctx.uploads.used;
    return true;
  }
  void release() {
    if (released) return;
    released = true;
    ctx.uploads.used -= charged;
    ctx.metrics.uploadBytes = ctx.uploads.used;
    data.reset();  // freed now, or when a write in progress is done with it
  }
  RelayContext& ctx;
  const std::size_t size;
  std::size_t charged = 0;
  std::shared_ptr<Bytes> data;
  bool released = false, stored = false;
};

// One large envelope arriving in chunks (Relay.beginUpload). Dropping the
// capability frees its bytes; so does any refusal, the deadline, or a stall —
// on a timer, not only when the client next calls.
class UploadImpl final : public proto::Upload::Server {
 public:
  UploadImpl(RelayContext& ctx, kj::String centre, std::size_t size, const crypto::Hash& hash, Bytes stamp)
      : ctx_(ctx), centre_(kj::mv(centre)), hash_(hash), stamp_(std::move(stamp)), state_(std::make_shared<UploadState>(ctx, size)),
        deadline_(ctx.timer.now() + deadlineFor(size)), lastChunk_(ctx.timer.now()),
        watchdog_(watch().eagerlyEvaluate(nullptr)) {}
  ~UploadImpl() noexcept(false) {
    if (!state_->stored && !finishing_ && !timedOut_) ctx_.metrics.uploadsAbandoned++;
  }

  kj::Promise<void> append(AppendContext context) override {
    auto chunk = context.getParams().getChunk();
    live();
    Bytes& d = *state_->data;
    if (chunk.size() > protocol::kUploadChunkBytes) fail("chunk: larger than 1 MiB");
    if (chunk.size() > state_->size - d.size()) fail("chunk: past the declared size");
    if (!state_->charge(chunk.size())) {
      ctx_.metrics.uploadsRefusedBusy++;
      fail("relay busy: too many uploads in progress; try again in a few minutes");
    }
    d.insert(d.end(), chunk.begin(), chunk.end());
    lastChunk_ = ctx_.timer.now();
    return kj::READY_NOW;
  }

  kj::Promise<void> finish(FinishContext context) override {
    live();
    const Bytes& d = *state_->data;
    if (d.size() != state_->size)
      fail("upload: " + std::to_string(d.size()) + " of " + std::to_string(state_->size) + " bytes arrived");
    if (crypto::blake2b(d) != hash_) fail("upload: bytes do not match the declared envelope hash");
    try {
      requireAgeFile(ctx_.metrics, "envelope", d, protocol::kMaxEnvelopeBytes);
    } catch (...) {
      abandon();
      throw;
    }
    finishing_ = true;
    watchdog_ = nullptr;
    auto out = std::make_shared<InboxId>();
    auto proof = std::make_shared<ReceiptProof>();
    const std::uint32_t today = protocol::today();
    std::string c(centre_.cStr(), centre_.size());
    Metrics& m = ctx_.metrics;
    return ctx_.writer
        .submitReceipted(
            [out, data = state_->data, stamp = stamp_, hash = hash_, c, today](storage::RelayStore::Batch& b) {
              *out = b.insert(c, *data, today, stamp, &hash);  // finish() checked the bytes against it
              return protocol::receiptLeaf(receiptFor(*out, today, hash), c);
            },
            proof)
        .then(
            [context, out, proof, today, hash = hash_, state = state_, &m, &pow = ctx_.pow]() mutable {
              state->stored = true;
              state->release();
              accepted(m, pow);
              fillReceipt(receiptFor(*out, today, hash), *proof, context.getResults().initReceipt());
            },
            [state = state_, &m](kj::Exception&& e) {
              state->release();
              m.submitsRefused++, m.uploadsAbandoned++;
              kj::throwFatalException(kj::mv(e));
            });
  }

 private:
  static kj::Duration deadlineFor(std::size_t size) {
    const auto seconds = std::max<std::size_t>(protocol::kUploadDeadlineSeconds, size / protocol::kUploadMinBytesPerSecond);
    return static_cast<std::int64_t>(seconds) * kj::SECONDS;
  }
  // Frees the upload's bytes at its deadline, or when no chunk came for the
  // stall time: an upload begun and left alone holds nothing for long.
  kj::Promise<void> watch() {
    const kj::Duration stall = static_cast<std::int64_t>(ctx_.uploads.stall.count()) * kj::SECONDS;
    const auto next = std::min(deadline_, lastChunk_ + stall);
    return ctx_.timer.atTime(next).then([this, stall]() -> kj::Promise<void> {
      const auto now = ctx_.timer.now();
      if (now < deadline_ && now - lastChunk_ < stall) return watch();
      timedOut_ = true;
      ctx_.metrics.uploadsAbandoned++;
      abandon();
      return kj::READY_NOW;
    });
  }
  // Refuses anything once dropped, finishing, or past the deadline.
  void live() {
    if (timedOut_) refuse(ctx_.metrics, "upload: not continued in time; begin again");
    if (dropped_ || finishing_) refuse(ctx_.metrics, "upload: abandoned or already finished; begin again");
    if (ctx_.timer.now() > deadline_) fail("upload: not finished by its deadline; begin again");
  }
  void abandon() {
    dropped_ = true;
    state_->release();
    ctx_.metrics.submitsRefused++;
  }
  [[noreturn]] void fail(const std::string& why) {
    abandon();
    refuse(ctx_.metrics, why);
  }

  RelayContext& ctx_;
  kj::String centre_;
  crypto::Hash hash_;
  Bytes stamp_;  // kept with the envelope
  std::shared_ptr<UploadState> state_;
  kj::TimePoint deadline_, lastChunk_;
  bool dropped_ = false, finishing_ = false, timedOut_ = false;
  kj::Promise<void> watchdog_;  // last: cancelled first, before the state it watches
};

class CollectorImpl final : public proto::Collector::Server {
 public:
  CollectorImpl(RelayContext& ctx, kj::String centre) : ctx_(ctx), centre_(kj::mv(centre)) {}

  kj::Promise<void> list(ListContext context) override {
    auto p = context.getParams();
    auto after = p.getAfter();
    if (after.size() != 0 && after.size() != protocol::kInboxIdSize)
      refuse(ctx_.metrics, "after: must be empty or 16 bytes");
    std::uint32_t limit = p.getLimit() == 0 ? protocol::kMaxListLimit : p.getLimit();
    if (limit > protocol::kMaxListLimit) refuse(ctx_.metrics, "limit: above 1000");
    bool more = false;
    auto entries = ctx_.store.list(centre(), view(after), limit, more);
    auto r = context.getResults();
    auto out = r.initEntries(static_cast<unsigned>(entries.size()));
    for (unsigned i = 0; i < entries.size(); ++i) {
      out[i].setId(kj::arrayPtr(entries[i].id.data(), entries[i].id.size()));
      out[i].setDay(entries[i].day);
      out[i].setSize(entries[i].size);
      setStamp(out[i].initStamp(), entries[i].stamp);
    }
    r.setMore(more);
    return kj::READY_NOW;
  }

  kj::Promise<void> fetch(FetchContext context) override {
    auto ids = context.getParams().getIds();
    if (ids.size() > protocol::kMaxFetchIds) refuse(ctx_.metrics, "ids: more than 64 in one fetch");
    std::vector<InboxId> wanted;
    for (auto d : ids) wanted.push_back(requireId(ctx_.metrics, d));
    std::vector<std::pair<InboxId, storage::StoredEnvelope>> found;
    std::size_t bytes = 0;
    bool truncated = false;
    for (const auto& id : wanted) {
      auto e = ctx_.store.fetch(centre(), id, protocol::kMaxFetchBytes);  // larger ones: `read`
      if (!e) continue;
      if (!found.empty() && bytes + e->data.size() > protocol::kMaxFetchBytes) {
        truncated = true;
        break;
      }
      bytes += e->data.size();
      found.emplace_back(id, std::move(*e));
    }
    context.getResults().setTruncated(truncated);
    auto out = context.getResults().initEnvelopes(static_cast<unsigned>(found.size()));
    for (unsigned i = 0; i < found.size(); ++i) {
      out[i].setId(kj::arrayPtr(found[i].first.data(), found[i].first.size()));
      out[i].setDay(found[i].second.day);
      out[i].setData(kj::arrayPtr(found[i].second.data.data(), found[i].second.data.size()));
      setStamp(out[i].initStamp(), found[i].second.stamp);
    }
    ctx_.metrics.envelopesFetched += found.size();
    return kj::READY_NOW;
  }

  kj::Promise<void> acknowledge(AcknowledgeContext context) override {
    auto pinned = requireCentre(ctx_, centre_);
    auto ids = protocol::verifyAck(context.getParams().getAck(), view(pinned->bundle().getIdentityKey()),
                                   centre_);
    if (!ids) refuse(ctx_.metrics, "ack: not signed by this centre's identity key, or malformed");
    auto deleted = std::make_shared<std::uint32_t>(0);
    std::string c = centre();
    return ctx_.writer
        .submit([ids = std::move(*ids), deleted, c](storage::RelayStore::Batch& b) {
          for (const auto& id : ids) *deleted += b.remove(c, id) ? 1 : 0;
        })
        .then([this, context, deleted]() mutable {
          ctx_.metrics.envelopesDeleted += *deleted;
          context.getResults().setDeleted(*deleted);
        });
  }

  kj::Promise<void> postReplies(PostRepliesContext context) override {
    auto replies = context.getParams().getReplies();
    if (replies.size() > protocol::kMaxRepliesPerCall) refuse(ctx_.metrics, "replies: more than 256");
    std::vector<std::pair<Bytes, Bytes>> copies;
    for (auto r : replies) {
      if (r.getMailbox().size() != protocol::kMailboxSize) refuse(ctx_.metrics, "mailbox: must be 32 bytes");
      requireAgeFile(ctx_.metrics, "reply", view(r.getEnvelope()), protocol::kMaxReplyBytes);
      copies.emplace_back(view(r.getMailbox()).copy(), view(r.getEnvelope()).copy());
    }
    const std::uint32_t day = protocol::today();
    const auto n = static_cast<std::uint32_t>(copies.size());
    return ctx_.writer
        .submit([copies = std::move(copies), day](storage::RelayStore::Batch& b) {
          std::map<Bytes, std::size_t> adding;
          for (const auto& [mailbox, envelope] : copies) adding[mailbox]++;
          for (const auto& [mailbox, n] : adding)
            if (b.replyCount(mailbox) + n > protocol::kMaxRepliesPerMailbox)
              throw Refusal("mailbox: would hold more than 32 replies; nothing of this call was stored");
          for (const auto& [mailbox, envelope] : copies) b.addReply(mailbox, envelope, day);
        })
        .then([this, context, n]() mutable {
          ctx_.metrics.repliesStored += n;
          context.getResults().setStored(n);
        });
  }

  kj::Promise<void> publishBundle(PublishBundleContext context) override {
    return publishBundleFor(ctx_, context.getParams().getBundle(), centre_);
  }

  kj::Promise<void> read(ReadContext context) override {
    auto p = context.getParams();
    const InboxId id = requireId(ctx_.metrics, p.getId());
    if (p.getLength() > protocol::kMaxFetchBytes) refuse(ctx_.metrics, "length: above 2 MiB");
    auto bytes = ctx_.store.fetchRange(centre(), id, p.getOffset(), p.getLength());
    if (!bytes) refuse(ctx_.metrics, "id: no such envelope");
    context.getResults().setData(kj::arrayPtr(bytes->data(), bytes->size()));
    return kj::READY_NOW;
  }

  kj::Promise<void> stats(StatsContext context) override {
    auto pinned = requireCentre(ctx_, centre_);
    auto s = ctx_.store.stats(centre());
    auto out = context.getResults().initStats();
    out.setInboxCount(s.count);
    out.setInboxBytes(s.bytes);
    out.setOldestDay(s.oldestDay);
    out.setBundleVersion(pinned->bundle().getVersion());
    return kj::READY_NOW;
  }

 private:
  std::string centre() const { return std::string(centre_.cStr(), centre_.size()); }
  RelayContext& ctx_;
  kj::String centre_;
};

class RelayImpl final : public proto::Relay::Server {
 public:
  explicit RelayImpl(RelayContext& ctx) : ctx_(ctx) {}

  kj::Promise<void> getBundle(GetBundleContext context) override {
    auto pinned = requireCentre(ctx_, context.getParams().getCentre());
    context.getResults().setBundle(pinned->signedBundle());
    ctx_.metrics.bundlesServed++;
    return kj::READY_NOW;
  }

  kj::Promise<void> powChallenge(PowChallengeContext context) override {
    auto pinned = requireCentre(ctx_, context.getParams().getCentre());
    auto [c, difficulty] = issueFor(ctx_, pinned->bundle().getPow().getDifficulty(), protocol::today());
    auto r = context.getResults();
    r.setChallenge(kj::arrayPtr(c.data(), c.size()));
    r.setDifficulty(difficulty);
    return kj::READY_NOW;
  }

  kj::Promise<void> submit(SubmitContext context) override {
    auto p = context.getParams();
    auto centre = p.getCentre();
    // Read once: each read of a Data pointer counts its size against the
    // message's traversal limit, and three reads of a 1 MiB envelope exceed it.
    const ByteView data = view(p.getEnvelope());
    Metrics& m = ctx_.metrics;
    auto pinned = [&] {
      try {
        requireAgeFile(m, "envelope", data, protocol::kMaxSubmitBytes);
        return requireCentre(ctx_, centre);
      } catch (...) {
        m.submitsRefused++;
        throw;
      }
    }();
    const std::uint32_t today = protocol::today();
    const crypto::Hash envelopeHash = crypto::blake2b(data);
    checkStamp(ctx_, *pinned, centre, p.getStamp(), envelopeHash, today);
    // Copied here: the writer thread must never touch this call's message.
    struct Out {
      InboxId id{};
      ReceiptProof proof;
    };
    auto out = std::make_shared<Out>();
    Bytes envelope = data.copy();
    Bytes stamp = storedStamp(p.getStamp());
    std::string c(centre.cStr(), centre.size());
    const bool wantNext = p.getWantNext();
    const std::uint8_t base = pinned->bundle().getPow().getDifficulty();
    return ctx_.writer
        .submitReceipted(
            [out, envelope = std::move(envelope), stamp = std::move(stamp), envelopeHash, c,
             today](storage::RelayStore::Batch& b) {
              out->id = b.insert(c, envelope, today, stamp, &envelopeHash);
              return protocol::receiptLeaf(receiptFor(out->id, today, envelopeHash), c);
            },
            std::shared_ptr<ReceiptProof>(out, &out->proof))
        .then(
            [this, context, out, today, envelopeHash, wantNext, base, &m, &pow = ctx_.pow]() mutable {
              accepted(m, pow);
              auto results = context.getResults();
              fillReceipt(receiptFor(out->id, today, envelopeHash), out->proof, results.initReceipt());
              if (wantNext) {  // as powChallenge would answer now
                const auto difficulty = issueFor(ctx_, base, today);
                results.setNext(kj::arrayPtr(difficulty.first.data(), difficulty.first.size()));
                results.setNextDifficulty(difficulty.second);
              }
            },
            [&m](kj::Exception&& e) {
              m.submitsRefused++;
              kj::throwFatalException(kj::mv(e));
            });
  }

  kj::Promise<void> beginUpload(BeginUploadContext context) override {
    auto p = context.getParams();
    auto centre = p.getCentre();
    Metrics& m = ctx_.metrics;
    auto pinned = [&] {
      try {
        if (p.getSize() <= protocol::kMaxSubmitBytes || p.getSize() > protocol::kMaxEnvelopeBytes)
          refuse(m, "size: an upload is for envelopes of " + std::to_string(protocol::kMaxSubmitBytes + 1) + " to " +
                        std::to_string(protocol::kMaxEnvelopeBytes) + " bytes; smaller ones use submit");
        if (p.getEnvelopeHash().size() != format::kHashSize) refuse(m, "envelopeHash: must be 32 bytes");
        return requireCentre(ctx_, centre);
      } catch (...) {
        m.submitsRefused++;
        throw;
      }
    }();
    const std::uint32_t today = protocol::today();
    crypto::Hash envelopeHash;
    std::memcpy(envelopeHash.data(), p.getEnvelopeHash().begin(), envelopeHash.size());
    const auto size = static_cast<std::size_t>(p.getSize());
    // The budget first: a busy relay must not take a worker's proof of work for
    // nothing. Then the stamp, spent before any byte is accepted: one proof of
    // work, one upload.
    requireBudget(size);
    checkStamp(ctx_, *pinned, centre, p.getStamp(), envelopeHash, today, protocol::uploadPowBits(p.getSize()));
    ctx_.metrics.uploadsStarted++;
    context.getResults().setUpload(
        kj::heap<UploadImpl>(ctx_, kj::heapString(centre), size, envelopeHash, storedStamp(p.getStamp())));
    return kj::READY_NOW;
  }

  // Refuses an upload when the shared budget is full now (bytes are charged as
  // they arrive; a new upload needs room for its first chunk at least).
  void requireBudget(std::size_t size) {
    if (ctx_.uploads.capacity - ctx_.uploads.used >= std::min(size, protocol::kUploadChunkBytes)) return;
    ctx_.metrics.submitsRefused++, ctx_.metrics.uploadsRefusedBusy++;
    refuse(ctx_.metrics, "relay busy: too many uploads in progress; try again in a few minutes");
  }

  kj::Promise<void> fetchReplies(FetchRepliesContext context) override {
    auto mailbox = context.getParams().getMailbox();
    if (mailbox.size() != protocol::kMailboxSize) refuse(ctx_.metrics, "mailbox: must be 32 bytes");
    auto replies = ctx_.store.replies(view(mailbox));
    auto out = context.getResults().initReplies(static_cast<unsigned>(replies.size()));
    auto days = context.getResults().initDays(static_cast<unsigned>(replies.size()));
    for (unsigned i = 0; i < replies.size(); ++i) {
      out.set(i, kj::arrayPtr(replies[i].envelope.data(), replies[i].envelope.size()));
      days.set(i, replies[i].day);
    }
    ctx_.metrics.repliesServed += replies.size();
    return kj::READY_NOW;
  }

  kj::Promise<void> publishBundle(PublishBundleContext context) override {
    return publishBundleFor(ctx_, context.getParams().getBundle());
  }

  kj::Promise<void> loginChallenge(LoginChallengeContext context) override {
    auto c = ctx_.challenges.issue(ChallengeKind::Login, protocol::today(), 0, ChallengeBook::Clock::now());
    context.getResults().setChallenge(kj::arrayPtr(c.data(), c.size()));
    return kj::READY_NOW;
  }

  kj::Promise<void> login(LoginContext context) override {
    auto p = context.getParams();
    Metrics& m = ctx_.metrics;
    auto pinned = [&] {
      try {
        return requireCentre(ctx_, p.getCentre());
      } catch (...) {
        m.loginsRefused++;
        throw;
      }
    }();
    auto challenge = view(p.getChallenge());
    const auto now = ChallengeBook::Clock::now();
    auto login = ctx_.challenges.check(ChallengeKind::Login, challenge, protocol::today(), now);
    Bytes signedMsg = protocol::loginMessage(challenge, ctx_.relayKey.publicKey(),
                                             std::string_view(p.getCentre().cStr(), p.getCentre().size()));
    if (!login || !crypto::verify(view(pinned->bundle().getCourierKey()), protocol::kLoginLabel, signedMsg,
                                view(p.getSignature()))) {
      m.loginsRefused++;
      refuse(m, "login: refused (challenge unknown, used or expired, or not signed by this centre's courier key for "
                "this relay's key)");
    }
    // Spent in memory only: the store keeps no trace that a courier logged in.
    ctx_.challenges.spend(challenge, now);
    m.logins++;
    context.getResults().setCollector(kj::heap<CollectorImpl>(ctx_, kj::heapString(p.getCentre())));
    return kj::READY_NOW;
  }

 private:
  RelayContext& ctx_;
};

}  // namespace

proto::Relay::Client makeRelay(RelayContext& ctx) { return kj::heap<RelayImpl>(ctx); }

}  // namespace gongyou::server
