#include "protocol/batch.h"

#include <capnp/serialize.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace gongyou::protocol {
namespace {

// Reads every pointer field of an entry once: Cap'n Proto checks a pointer's
// type only when it is read (its canonical check knows no schema), so a struct
// where Data belongs throws here, while the file is being verified, and not in
// the middle of an import or a delivery.
void touchEntry(proto::BatchEntry::Reader e) {
  switch (e.which()) {
    case proto::BatchEntry::ENVELOPE: {
      auto v = e.getEnvelope();
      (void)v.getRelay(), (void)v.getId(), (void)v.getData();
      break;
    }
    case proto::BatchEntry::ACK: {
      auto a = e.getAck();
      (void)a.getRelay(), (void)a.getAck().getAck(), (void)a.getAck().getSignature();
      break;
    }
    case proto::BatchEntry::REPLY:
      (void)e.getReply().getMailbox(), (void)e.getReply().getEnvelope();
      break;
    case proto::BatchEntry::BUNDLE:
      (void)e.getBundle().getBundle(), (void)e.getBundle().getSignature();
      break;
    case proto::BatchEntry::CASE_UPDATE:
      (void)e.getCaseUpdate().getReport();
      for (auto ev : e.getCaseUpdate().getCase().getEvents()) {
        (void)ev.getId(), (void)ev.getAuthor();
        switch (ev.which()) {
          case proto::CaseEvent::STATUS: (void)ev.getStatus().getReason(); break;
          case proto::CaseEvent::NOTE: (void)ev.getNote(); break;
          case proto::CaseEvent::ANSWER: (void)ev.getAnswer(); break;
          case proto::CaseEvent::ASSIGNEE: (void)ev.getAssignee(); break;
          case proto::CaseEvent::OUTCOME: (void)ev.getOutcome().getCurrency(); break;
        }
      }
      break;
  }
}

}  // namespace

const char* describe(BatchStatus s) {
  switch (s) {
    case BatchStatus::Ok: return "ok";
    case BatchStatus::Truncated: return "the file is truncated (no complete trailer)";
    case BatchStatus::Corrupt: return "the file is damaged or altered";
    case BatchStatus::BadSignature: return "the file is not signed by the expected key";
    case BatchStatus::WrongKind: return "the file is the wrong kind of batch";
    case BatchStatus::WrongCentre: return "the file belongs to another centre";
  }
  return "unknown batch status";
}

BatchWriter::BatchWriter(proto::BatchKind kind, const std::string& centreId, std::uint32_t day) {
  sodiumInit();
  capnp::MallocMessageBuilder mb;
  auto h = mb.initRoot<proto::BatchHeader>();
  h.setMagic(kBatchMagic);
  h.setVersion(kBatchVersion);
  h.setKind(kind);
  h.setCentreId(centreId);
  h.setCreatedDay(day);
  Bytes canon = canonicalBytes(h.asReader());
  crypto_generichash_init(&digest_, nullptr, 0, format::kHashSize);
  crypto_generichash_update(&digest_, canon.data(), canon.size());
  out_ = framedBytes(mb);
}

BatchWriter::BatchWriter(proto::BatchKind kind, const std::string& centreId, std::uint32_t day, io::Sink& out)
    : BatchWriter(kind, centreId, day) {
  sink_ = &out;
  sink_->write(out_);
  out_.clear();
}

void BatchWriter::emit(ByteView framed) {
  if (sink_) sink_->write(framed);
  else append(out_, framed);
}

void BatchWriter::addCanonical(ByteView entry) {
  crypto::Hash h = crypto::blake2b(entry);
  capnp::MallocMessageBuilder mb;
  auto item = mb.initRoot<proto::BatchItem>();
  item.setHash(kj::arrayPtr(h.data(), h.size()));
  item.setEntry(kj::arrayPtr(entry.data(), entry.size()));
  emit(framedBytes(mb));
  crypto_generichash_update(&digest_, h.data(), h.size());
  ++count_;
}

Bytes BatchWriter::finish(const crypto::SigningKey& signer) {
  crypto::Hash d{};
  crypto_generichash_final(&digest_, d.data(), d.size());
  auto sig = signer.sign(kBatchLabel, ByteView(d.data(), d.size()));
  capnp::MallocMessageBuilder mb;
  auto t = mb.initRoot<proto::BatchTrailer>();
  t.setCount(count_);
  t.setDigest(kj::arrayPtr(d.data(), d.size()));
  t.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  emit(framedBytes(mb));
  return std::move(out_);
}

BatchStatus readBatch(ByteView file, proto::BatchKind kind, const std::string& centreId, ByteView signer,
                      Batch& out, std::string& detail) {
  if (file.size() % sizeof(capnp::word) != 0) {
    out = Batch{};
    detail = "not a whole number of Cap'n Proto words";
    return BatchStatus::Truncated;
  }
  auto words = kj::heapArray<capnp::word>(file.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), file.data(), file.size());
  std::vector<ByteView> views;
  auto st = verifyBatch(ByteView(reinterpret_cast<const std::uint8_t*>(words.begin()), file.size()), kind, centreId,
                        signer, out, views, detail);
  if (st != BatchStatus::Ok) return st;
  for (const auto& v : views) {
    out.entries.push_back(Canonical<proto::BatchEntry>::parse(v));
    if (!out.entries.back()) {  // verifyBatch checked this; never trust a null
      out = Batch{};
      detail = "an entry cannot be read";
      return BatchStatus::Corrupt;
    }
  }
  return BatchStatus::Ok;
}

BatchStatus verifyBatch(ByteView file, proto::BatchKind kind, const std::string& centreId, ByteView signer,
                        Batch& out, std::vector<ByteView>& entries, std::string& detail,
                        const std::function<void(const std::uint8_t* upTo)>& consumed) {
  out = Batch{};
  entries.clear();
  if (file.size() % sizeof(capnp::word) != 0) {
    detail = "not a whole number of Cap'n Proto words";
    return BatchStatus::Truncated;
  }
  if (reinterpret_cast<std::uintptr_t>(file.data()) % alignof(capnp::word) != 0)
    throw std::invalid_argument("verifyBatch needs an 8-byte aligned buffer");
  kj::ArrayPtr<const capnp::word> rest(reinterpret_cast<const capnp::word*>(file.data()),
                                       file.size() / sizeof(capnp::word));
  // Each message is read with the envelope-sized limits, never more.
  auto next = [&](auto use) -> bool {
    if (rest.size() == 0) return false;
    bool ok = false;
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
      capnp::FlatArrayMessageReader reader(rest, readerOptions(kMaxBatchItemWords));
      use(reader);
      rest = kj::arrayPtr(reader.getEnd(), rest.end());
      ok = true;
    })) {
      detail = e->getDescription().cStr();
    }
    return ok;
  };

  crypto_generichash_state digest;
  crypto_generichash_init(&digest, nullptr, 0, format::kHashSize);
  bool headerOk = false;
  if (!next([&](capnp::MessageReader& r) {
        auto h = r.getRoot<proto::BatchHeader>();
        headerOk = h.getMagic() == kBatchMagic && h.getVersion() == kBatchVersion;
        out.kind = h.getKind();
        out.centreId = h.getCentreId();
        out.createdDay = h.getCreatedDay();
        Bytes canon = canonicalBytes(h);
        crypto_generichash_update(&digest, canon.data(), canon.size());
      }) || !headerOk) {
    if (detail.empty()) detail = "no gongyou batch header";
    return BatchStatus::Corrupt;
  }

  bool sawTrailer = false, hashesOk = true;
  std::uint64_t count = 0;
  Bytes trailerDigest, trailerSig;
  while (!sawTrailer) {
    if (rest.size() == 0) {
      detail = "ends after " + std::to_string(entries.size()) + " items without a trailer";
      return BatchStatus::Truncated;
    }
    bool parsed = next([&](capnp::MessageReader& r) {
      // An item has exactly two Data pointers; a trailer has a count first.
      auto any = r.getRoot<capnp::AnyStruct>();
      if (any.getDataSection().size() == 0) {
        auto item = r.getRoot<proto::BatchItem>();
        auto entry = item.getEntry();
        ByteView e(entry.begin(), entry.size());
        crypto::Hash h = crypto::blake2b(e);
        if (item.getHash().size() != h.size() || sodium_memcmp(item.getHash().begin(), h.data(), h.size()) != 0)
          hashesOk = false;
        crypto_generichash_update(&digest, h.data(), h.size());
        // Data starts on a word boundary: the entry can be read where it is.
        bool canonical = e.size() % sizeof(capnp::word) == 0 && e.size() > 0;
        if (canonical) {
          KJ_IF_MAYBE(ex, kj::runCatchingExceptions([&] {
            kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(e.data()),
                                                e.size() / sizeof(capnp::word));
            capnp::SegmentArrayMessageReader er(kj::arrayPtr(&seg, 1), readerOptions(kMaxBatchItemWords));
            // Canonical, and every field of the right type: readers of the
            // entry never meet a pointer that throws.
            canonical = er.isCanonical() && (touchEntry(er.getRoot<proto::BatchEntry>()), true);
          })) {
            (void)ex;
            canonical = false;
          }
        }
        if (!canonical) hashesOk = false;
        entries.push_back(e);
        if (consumed && entries.size() % 256 == 0) consumed(e.data());
      } else {
        auto t = r.getRoot<proto::BatchTrailer>();
        count = t.getCount();
        trailerDigest.assign(t.getDigest().begin(), t.getDigest().end());
        trailerSig.assign(t.getSignature().begin(), t.getSignature().end());
        sawTrailer = true;
      }
    });
    if (!parsed) return BatchStatus::Truncated;
  }
  if (rest.size() != 0) {
    detail = "data after the trailer";
    return BatchStatus::Corrupt;
  }
  crypto::Hash d{};
  crypto_generichash_final(&digest, d.data(), d.size());
  if (!hashesOk || count != entries.size() || trailerDigest.size() != d.size() ||
      sodium_memcmp(trailerDigest.data(), d.data(), d.size()) != 0) {
    detail = !hashesOk ? "an item does not match its hash or is not a canonical entry"
                       : "items missing, added or reordered";
    entries.clear();
    return BatchStatus::Corrupt;
  }
  // Kind and centre first: "wrong kind of file" is the useful message when a
  // courier hands over the wrong file, and both are covered by the signature.
  const BatchStatus verdict = out.kind != kind                 ? BatchStatus::WrongKind
                              : out.centreId != centreId         ? BatchStatus::WrongCentre
                              : !crypto::verify(signer, kBatchLabel, ByteView(d.data(), d.size()), trailerSig)
                                  ? BatchStatus::BadSignature
                                  : BatchStatus::Ok;
  if (verdict != BatchStatus::Ok) {
    entries.clear();
    return verdict;
  }
  out.digest = d;
  return BatchStatus::Ok;
}

}  // namespace gongyou::protocol
