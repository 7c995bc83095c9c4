// The analyst's store (LMDB, on the air-gapped machine): decrypted reports, the
// envelopes set aside with their reason, imported batches, and what the next
// outbound file must carry (acks, replies).
//
// Every value is sealed (crypto/seal.h: XChaCha20-Poly1305) under a store key;
// the store key is wrapped by the passphrase with Argon2id in the `meta`
// database. Keys are keyed BLAKE2b hashes (envelope hashes, relay ids), so the
// file shows neither employer names nor which relay carried what: a copy of the
// store without the passphrase is noise of a known size.
//
// Named databases: meta, reports, attachments, setaside, batches, acks, replies,
// cases (analyst/cases.h: what the centre did about a report, under its key).
// An attachment is keyed by its report's index key || its position, so a
// report's files sit together and a report reference finds them.
// Failure modes: WrongPassphrase; lmdb::Error for I/O; std::runtime_error when a
// value does not open (the store was altered).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/primitives.h"
#include "crypto/seal.h"
#include "protocol/ack.h"
#include "protocol/report.capnp.h"
#include "storage/lmdb.h"

namespace gongyou::analyst {

class WrongPassphrase : public std::runtime_error {
 public:
  WrongPassphrase() : std::runtime_error("wrong passphrase for the report store") {}
};

inline constexpr std::uint32_t kAnalystSchemaVersion = 1;

class AnalystStore {
 public:
  // Opens the store in `dir`, creating it (and a new store key) when empty.
  AnalystStore(const std::string& dir, ByteView passphrase, const crypto::KdfCost& cost = {});

  class Write {
   public:
    explicit Write(AnalystStore& s) : s_(s), txn_(lmdb::Txn::write(s.env_)) {}
    bool known(const crypto::Hash& envelopeHash);  // stored or set aside
    void putReport(const crypto::Hash& envelopeHash, std::uint32_t day, ByteView reportCanonical);
    // The files of that report, in its attachment list's order (sealed like reports).
    void putAttachment(const crypto::Hash& envelopeHash, std::uint8_t index, ByteView bytes);
    void setAside(const crypto::Hash& envelopeHash, const std::string& reason, ByteView envelope);
    bool batchImported(const crypto::Hash& digest);
    void recordBatch(const crypto::Hash& digest, std::uint32_t day);
    void queueAck(const std::string& relay, const protocol::InboxId& id);
    void queueReply(ByteView mailbox, ByteView envelope);
    // The case of the report whose key is `reportKey` (canonical proto::Case).
    void putCase(ByteView reportKey, ByteView caseCanonical);
    std::optional<SecretBytes> caseValue(ByteView reportKey);
    // Removes and returns everything queued for the outbound file.
    std::vector<std::pair<std::string, protocol::InboxId>> takeAcks();
    std::vector<std::pair<Bytes, Bytes>> takeReplies();
    void commit() { txn_.commit(); }

   private:
    AnalystStore& s_;
    lmdb::Txn txn_;
    SecretBytes scratch_;  // reused for every report this transaction seals
  };

  struct Counts {
    std::uint64_t reports = 0, setAside = 0, batches = 0, acksQueued = 0, repliesQueued = 0;
  };
  Counts counts();
  // Changes whenever anything is written to the store, by this process or
  // another (an import, cases-in, the desk itself).
  std::uint64_t version() const { return env_.lastTxnId(); }

  // Calls `fn` for every stored report in key order, which is no meaningful
  // order: `ref` names the report for people (`reply --report REF`; the first
  // bytes of its keyed index hash, so it reveals nothing), `day` is the relay's
  // day bucket. The Reader is valid only during the call.
  static constexpr std::size_t kRefBytes = 5;
  void forEachReport(
      const std::function<void(const std::string& ref, std::uint32_t day, proto::Report::Reader)>& fn);
  // The report `ref` alone, found by a seek: false if there is none.
  bool withReport(const std::string& ref, const std::function<void(std::uint32_t day, proto::Report::Reader)>& fn);
  // The stored files of the report `ref`, in order; `fn` gets its position and
  // bytes (guarded memory, wiped after the call). Returns how many.
  std::size_t forEachAttachment(const std::string& ref, const std::function<void(std::uint8_t, ByteView)>& fn);
  // The full key of the report `ref` (nullopt: none), which its case is kept under.
  std::optional<Bytes> reportKey(const std::string& ref);
  // The case of that report, opened (nullopt: no case yet).
  std::optional<SecretBytes> caseValue(ByteView reportKey);
  // Every case, with its report's reference. The value is wiped after the call.
  void forEachCase(const std::function<void(const std::string& ref, ByteView caseCanonical)>& fn);
  // Reasons of the envelopes set aside, with how many each.
  std::vector<std::pair<std::string, std::uint64_t>> setAsideReasons();

 private:
  static std::optional<Bytes> refPrefix(const std::string& ref);  // the key bytes a reference names
  void scanReports(ByteView prefix,
                   const std::function<void(const std::string& ref, std::uint32_t, proto::Report::Reader)>& fn);
  Bytes indexKey(const char* what, ByteView data) const;
  Bytes sealValue(const char* db, ByteView key, ByteView value) const;
  SecretBytes openValue(const char* db, ByteView key, ByteView sealed) const;

  lmdb::Env env_;
  lmdb::Dbi meta_, reports_, attachments_, setaside_, batches_, acks_, replies_, cases_;
  Secret<32> storeKey_, indexKey_, valueKey_;
};

}  // namespace gongyou::analyst
