// Batch files (protocol/batch.capnp): written whole, read whole, refused whole.
//
// Failure modes: readBatch never throws for bad input; it returns a BatchStatus
// and a one-line detail. BatchWriter::finish throws only for a caller bug.
// Lifetime: the entries of a Batch are valid while the Batch lives.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crypto/io.h"
#include "crypto/primitives.h"
#include "crypto/sign.h"
#include "protocol/batch.capnp.h"
#include "protocol/canonical.h"

namespace gongyou::protocol {

inline constexpr char kBatchMagic[] = "gongyou-batch";
inline constexpr std::uint16_t kBatchVersion = 1;
inline constexpr char kBatchLabel[] = "gongyou/batch/v1";

class BatchWriter {
 public:
  // In memory: finish() returns the whole file.
  BatchWriter(proto::BatchKind kind, const std::string& centreId, std::uint32_t day);
  // Streaming: every message goes to `out` as it is made (`out` must outlive
  // the writer); finish() writes the trailer there and returns nothing.
  BatchWriter(proto::BatchKind kind, const std::string& centreId, std::uint32_t day, io::Sink& out);
  // `fill` builds the entry; its canonical bytes and hash go into the file.
  template <typename F>
  void add(F&& fill) {
    capnp::MallocMessageBuilder mb;
    auto e = mb.initRoot<proto::BatchEntry>();
    fill(e);
    addCanonical(canonicalBytes(e.asReader()));
  }
  // Appends bytes that should be one canonical BatchEntry, as given: readers
  // refuse a file whose entry is not one (tests and the fuzzer write such files).
  void addCanonical(ByteView entry);
  std::size_t count() const { return count_; }
  // Appends the signed trailer and returns the whole file (empty when streaming).
  Bytes finish(const crypto::SigningKey& signer);

 private:
  void emit(ByteView framed);
  Bytes out_;
  io::Sink* sink_ = nullptr;
  crypto_generichash_state digest_;
  std::uint64_t count_ = 0;
};

enum class BatchStatus { Ok, Truncated, Corrupt, BadSignature, WrongKind, WrongCentre };
const char* describe(BatchStatus s);

struct Batch {
  proto::BatchKind kind = proto::BatchKind::COLLECTED;
  std::string centreId;
  std::uint32_t createdDay = 0;
  crypto::Hash digest{};  // identifies the file (for "imported already")
  std::vector<std::unique_ptr<Canonical<proto::BatchEntry>>> entries;
};

// Verifies framing, every item hash, the count, the digest and the signature by
// `signer` (an Ed25519 public key), and the kind and centre; then parses entries.
BatchStatus readBatch(ByteView file, proto::BatchKind kind, const std::string& centreId, ByteView signer,
                      Batch& out, std::string& detail);

// The same checks on a file read in place (e.g. storage::MappedFile): `file`
// must be 8-byte aligned and outlive `entries`, which on Ok are views of each
// entry's canonical bytes inside it, in order. Nothing is copied, so a batch of
// any size costs no memory beyond the page cache. (`out.entries` stays empty.)
// `consumed`, if given, is told now and then that the bytes before a point have
// been read (a memory-mapped caller can let their pages go).
BatchStatus verifyBatch(ByteView file, proto::BatchKind kind, const std::string& centreId, ByteView signer,
                        Batch& out, std::vector<ByteView>& entries, std::string& detail,
                        const std::function<void(const std::uint8_t* upTo)>& consumed = {});

// Reads one entry view from verifyBatch; the Reader is valid only inside `fn`.
template <typename F>
void withEntry(ByteView entry, F&& fn) {
  kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(entry.data()),
                                      entry.size() / sizeof(capnp::word));
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1), readerOptions(kMaxBatchItemWords));
  fn(reader.getRoot<proto::BatchEntry>());
}

}  // namespace gongyou::protocol
