#include "analyst/importer.h"

#include <ctime>

#include "analyst/cases.h"
#include "protocol/messages.h"
#include "analyst/evidence_check.h"
#include "protocol/canonical.h"

#include <capnp/serialize.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

#include "crypto/age.h"
#include "crypto/padding.h"
#include "crypto/pow.h"
#include "crypto/reply_code.h"
#include "protocol/batch.h"
#include "protocol/bundle.h"
#include "protocol/day.h"
#include "protocol/limits.h"
#include "protocol/reply.h"
#include "protocol/report_check.h"
#include "storage/file.h"

namespace gongyou::analyst {
namespace {

// Empty when the envelope is a valid report (its canonical bytes in `out`, its
// attachments' bytes in `files`: views into `plain`); otherwise the reason it is
// set aside.
std::string openReport(ByteView envelope, const std::vector<const age::Identity*>& keys, std::uint32_t day,
                       io::SecretSink& plain, SecretBytes& workspace, Bytes& out, std::vector<ByteView>& files) {
  io::MemorySource src(envelope);
  plain.reset();
  age::Status st;
  try {
    st = age::decrypt(src, keys, plain, age::Armor::No, &workspace);
  } catch (const std::length_error&) {
    return N_("larger than the envelope cap");
  }
  if (st == age::Status::NoMatch) return N_("not encrypted to any of the centre's analyst keys");
  if (st != age::Status::Ok) return std::string("cannot decrypt: ") + std::string(age::describe(st));
  files.clear();
  return protocol::decodeReport(plain.view(), day, out, &files);
}

// Empty when the envelope's stamp shows the work its centre asks for (one more
// bit per doubling above 2 MiB, as the relay asked of an upload); otherwise the
// reason it is set aside. A relay could add envelopes of its own; this makes
// each cost it the work a worker's costs, and it is checked before any
// decryption, so a flood of them costs the centre a hash each.
std::string checkWork(proto::CollectedEnvelope::Reader env, std::string_view centre, const crypto::Hash& hash,
                      unsigned difficulty) {
  auto stamp = env.getStamp();
  if (stamp.getChallenge().size() == 0) return N_("no proof of work from the relay");
  crypto::PowInput in{ByteView(stamp.getChallenge().begin(), stamp.getChallenge().size()), centre, hash};
  if (!crypto::powCheck(in, stamp.getNonce(), difficulty + protocol::uploadPowBits(env.getData().size())))
    return N_("proof of work below what the centre asks");
  return {};
}

}  // namespace

namespace {

// The import proper, on a batch already read in place (`file` 8-byte aligned).
ImportResult importVerified(AnalystStore& store, const Keyring& keyring, ByteView file,
                            const ImportProgress& progress, std::size_t commitEvery,
                            const storage::MappedFile* mapped) {
  auto release = [mapped](const std::uint8_t* upTo) {
    if (mapped) mapped->release(upTo);
  };
  protocol::Batch batch;
  std::vector<ByteView> entries;
  std::string detail;
  auto st = protocol::verifyBatch(file, proto::BatchKind::COLLECTED, keyring.centreId,
                                  ByteView(keyring.courier.publicKey().data(), 32), batch, entries, detail, release);
  if (st != protocol::BatchStatus::Ok)
    throw BatchRefused(std::string(protocol::describe(st)) + (detail.empty() ? "" : " (" + detail + ")"));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    protocol::withEntry(entries[i], [](proto::BatchEntry::Reader r) {
      if (!r.isEnvelope()) throw BatchRefused("a collected batch holds something other than envelopes");
    });
    if (i % 256 == 255) release(entries[i].data());
  }

  std::vector<const age::Identity*> keys;
  for (const auto& a : keyring.analysts) keys.push_back(&a.key);
  ImportResult r;
  r.envelopes = entries.size();
  {
    AnalystStore::Write w(store);
    r.alreadyImported = w.batchImported(batch.digest);
  }

  // Decryption (an X25519 per envelope) runs on every core, a chunk at a time;
  // the writes stay on this thread, in file order. Every `commitEvery` envelopes
  // are one transaction: the whole file was verified before the first write, and an
  // interrupted import is completed by running it again (envelopes already
  // stored are recognised, nothing is stored twice); the batch is recorded as
  // imported only at the end.
  const std::size_t threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  commitEvery = std::max<std::size_t>(commitEvery, 1);
  const std::size_t kChunk = std::min<std::size_t>(1024, commitEvery);
  std::size_t sinceCommit = 0;
  struct Opened {
    crypto::Hash hash{};
    bool known = false;
    bool large = false;  // above kParallelBytes: opened alone when written
    bool unworked = false;  // its stamp fails: never decrypted
    std::string why;     // empty: `report` holds the canonical report
    Bytes report;
    std::vector<ByteView> files;     // its attachments: in `owned`, or in the sink it was opened into
    std::vector<SecretBytes> owned;  // copies, when the sink is reused for the next envelope
  };
  std::vector<Opened> chunk(kChunk);
  auto parallel = [&](const std::function<void(std::size_t)>& work) {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
  };
  constexpr std::size_t kParallelBytes = 64 * 1024;
  std::unique_ptr<AnalystStore::Write> w;
  for (std::size_t base = 0; base < entries.size(); base += kChunk) {
    if (!w) w = std::make_unique<AnalystStore::Write>(store);
    const std::size_t n = std::min(kChunk, entries.size() - base);
    // Hashes in parallel; which are known, here (LMDB: this thread only);
    // then the new ones decrypted in parallel.
    parallel([&](std::size_t t) {
      for (std::size_t i = t; i < n; i += threads)
        protocol::withEntry(entries[base + i], [&](proto::BatchEntry::Reader e) {
          auto data = e.getEnvelope().getData();
          chunk[i] = Opened{};
          chunk[i].hash = crypto::blake2b(ByteView(data.begin(), data.size()));
          chunk[i].why = checkWork(e.getEnvelope(), keyring.centreId, chunk[i].hash, keyring.powDifficulty);
          chunk[i].unworked = !chunk[i].why.empty();
        });
    });
    for (std::size_t i = 0; i < n; ++i) chunk[i].known = w->known(chunk[i].hash);
    // Envelopes with attachments (up to 26 MiB) would need that much guarded
    // memory per thread, and their files kept for a whole chunk: those are
    // opened one at a time as they are written, below. Text-only reports (16 KiB)
    // are the many that parallel decryption is for.
    parallel([&](std::size_t t) {
      io::SecretSink plain(kParallelBytes);  // the cap: a hostile envelope cannot grow it
      SecretBytes workspace = age::decryptWorkspace();
      for (std::size_t i = t; i < n; i += threads) {
        if (chunk[i].known || chunk[i].unworked) continue;
        protocol::withEntry(entries[base + i], [&](proto::BatchEntry::Reader e) {
          auto env = e.getEnvelope();
          chunk[i].large = env.getData().size() > kParallelBytes;
          if (chunk[i].large) return;
          Opened& o = chunk[i];
          o.why = openReport(ByteView(env.getData().begin(), env.getData().size()), keys, env.getDay(), plain,
                             workspace, o.report, o.files);
          o.owned.reserve(o.files.size());
          for (auto& f : o.files) {  // `plain` is this thread's, reused: keep a copy
            o.owned.emplace_back(f.size());
            std::memcpy(o.owned.back().data(), f.data(), f.size());
            f = o.owned.back().view();
          }
        });
      }
    });
    SecretBytes bigWorkspace;

    for (std::size_t i = 0; i < n; ++i) {
      protocol::withEntry(entries[base + i], [&](proto::BatchEntry::Reader e) {
        auto env = e.getEnvelope();
        ByteView data(env.getData().begin(), env.getData().size());
        if (env.getId().size() == 16) {
          // Ack every copy (on every relay), including duplicates: they are safe to drop.
          protocol::InboxId id;
          std::memcpy(id.data(), env.getId().begin(), 16);
          w->queueAck(env.getRelay(), id);
        }
        Opened& o = chunk[i];
        const bool duplicate = o.known || w->known(o.hash);  // also a duplicate within this batch
        std::optional<io::SecretSink> bigPlain;  // the files are written from it, not copied out
        if (!duplicate && o.large && !o.unworked) {
          if (bigWorkspace.size() == 0) bigWorkspace = age::decryptWorkspace();
          bigPlain.emplace(data.size());  // plaintext is never longer than its ciphertext
          o.why = openReport(data, keys, env.getDay(), *bigPlain, bigWorkspace, o.report, o.files);
        }
        // Each file judged by its bytes and cleaned again (analyst/evidence_check.h).
        std::vector<Recleaned> recleaned;
        if (!duplicate && o.why.empty() && !o.files.empty()) {
          auto report = protocol::Canonical<proto::Report>::parse(o.report);
          auto atts = report->root().getAttachments();
          for (std::size_t f = 0; f < o.files.size() && o.why.empty(); ++f) {
            recleaned.push_back(recleanEvidence(atts[static_cast<unsigned>(f)].getMediaType().cStr(), o.files[f]));
            if (!recleaned.back().why.empty()) o.why = "evidence " + std::to_string(f + 1) + ": " + recleaned.back().why;
          }
        }
        if (duplicate) {
          ++r.duplicates;
        } else if (o.why.empty()) {
          w->putReport(o.hash, env.getDay(), o.report);
          for (std::size_t f = 0; f < recleaned.size(); ++f)
            w->putAttachment(o.hash, static_cast<std::uint8_t>(f), recleaned[f].data);
          ++r.stored;
        } else if (o.unworked) {
          // Kept apart under a name of its own, not its hash: a relay that
          // strips the stamp from a real report must not make the same report,
          // arriving with its stamp from an honest relay, look like a duplicate.
          Bytes name = ByteView("gongyou/unworked").copy();
          name.push_back(0);
          append(name, ByteView(o.hash.data(), o.hash.size()));
          w->setAside(crypto::blake2b(name), o.why, data);
          ++r.setAside;
          ++r.reasons[o.why];
        } else {
          w->setAside(o.hash, o.why, data);
          ++r.setAside;
          ++r.reasons[o.why];
        }
        sodium_memzero(o.report.data(), o.report.size());
        for (auto& rc : recleaned) sodium_memzero(rc.data.data(), rc.data.size());
        o.files.clear();
        o.owned.clear();
      });
    }
    sinceCommit += n;
    if (sinceCommit >= commitEvery || base + n == entries.size()) {
      sinceCommit = 0;
      w->commit();
      w.reset();
    }
    release(entries[base + n - 1].data());
    if (progress) progress(base + n, entries.size());
  }
  AnalystStore::Write done(store);
  done.recordBatch(batch.digest, protocol::today());
  done.commit();
  return r;
}

}  // namespace

ImportResult importBatch(AnalystStore& store, const Keyring& keyring, ByteView batchFile,
                         const ImportProgress& progress, std::size_t commitEvery) {
  if (batchFile.size() % sizeof(capnp::word) != 0)
    throw BatchRefused(std::string(protocol::describe(protocol::BatchStatus::Truncated)));
  auto words = kj::heapArray<capnp::word>(batchFile.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), batchFile.data(), batchFile.size());
  return importVerified(store, keyring, ByteView(reinterpret_cast<const std::uint8_t*>(words.begin()), batchFile.size()),
                        progress, commitEvery, nullptr);
}

ImportResult importBatchFile(AnalystStore& store, const Keyring& keyring, const std::string& path,
                             const ImportProgress& progress, std::size_t commitEvery) {
  storage::MappedFile file(path);
  return importVerified(store, keyring, file.view(), progress, commitEvery, &file);
}

void writeOutbound(AnalystStore& store, const Keyring& keyring, ByteView bundle,
                   const std::function<void(ByteView file)>& save, std::size_t& acks, std::size_t& replies) {
  protocol::BatchWriter out(proto::BatchKind::OUTBOUND, keyring.centreId, protocol::today());
  AnalystStore::Write w(store);
  std::map<std::string, std::vector<protocol::InboxId>> byRelay;
  auto queued = w.takeAcks();
  for (const auto& [relay, id] : queued) byRelay[relay].push_back(id);
  for (auto& entry : byRelay) {
    // Named, not bound: a lambda may not capture a structured binding before C++20.
    const std::string& relay = entry.first;
    const auto& ids = entry.second;
    for (std::size_t i = 0; i < ids.size(); i += protocol::kMaxAckIds) {
      std::vector<protocol::InboxId> part(ids.begin() + i, ids.begin() + std::min(ids.size(), i + protocol::kMaxAckIds));
      out.add([&](proto::BatchEntry::Builder e) {
        auto a = e.initAck();
        a.setRelay(relay);
        protocol::signAck(keyring.identity, keyring.centreId, part, a.initAck());
      });
    }
  }
  auto rs = w.takeReplies();
  for (const auto& reply : rs)
    out.add([&](proto::BatchEntry::Builder e) {
      const auto& [mailbox, envelope] = reply;
      auto r = e.initReply();
      r.setMailbox(kj::arrayPtr(mailbox.data(), mailbox.size()));
      r.setEnvelope(kj::arrayPtr(envelope.data(), envelope.size()));
    });
  if (!bundle.empty()) {
    auto file = protocol::BundleFile::open(bundle);
    out.add([&](proto::BatchEntry::Builder e) { e.setBundle(file->signedBundle()); });
  }
  // The queue is emptied only once the file is saved: a crash in between leaves
  // everything queued for the next outbound file.
  save(out.finish(keyring.identity));
  w.commit();
  acks = queued.size();
  replies = rs.size();
}

bool queueReply(AnalystStore& store, const std::string& ref, const std::string& text, const std::string& author) {
  // The answer joins the report's case (its thread), in the same transaction.
  NewEvent e;
  e.kind = NewEvent::Kind::Answer;
  e.text = text;
  return addCaseEvent(store, ref, author, e, static_cast<std::int64_t>(std::time(nullptr)));
}

}  // namespace gongyou::analyst
