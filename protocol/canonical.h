// Canonical Cap'n Proto encodings: what gongyou signs.
//
// capnp::canonicalize gives one segment, no segment table, no slack, so the same
// content always gives the same bytes. A verifier checks the signature over the
// bytes it received, then parses them with limits and refuses any encoding that
// is not canonical: there is exactly one byte string per signed meaning.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <stdexcept>

#include "crypto/bytes.h"
#include "protocol/limits.h"

namespace gongyou::protocol {

template <typename Reader>
Bytes canonicalBytes(Reader reader) {
  kj::Array<capnp::word> words = capnp::canonicalize(reader);
  auto b = words.asBytes();
  return Bytes(b.begin(), b.end());
}

// Owns a copy of canonical bytes and reads them as a T. Lifetime: root() is valid
// while this object lives.
template <typename T>
class Canonical {
 public:
  // nullopt (never an exception) if the bytes are empty, not a whole number of
  // words, beyond the limits, or not canonical.
  static std::unique_ptr<Canonical> parse(ByteView bytes, std::uint64_t maxWords = kMaxMessageWords) {
    if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0 ||
        bytes.size() / sizeof(capnp::word) > maxWords)
      return nullptr;
    std::unique_ptr<Canonical> c(new Canonical(bytes));
    bool ok = false;
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
      capnp::SegmentArrayMessageReader check(kj::arrayPtr(&c->segment_, 1), readerOptions(maxWords));
      ok = check.isCanonical();
      if (ok) (void)check.getRoot<T>().totalSize();  // traverses: enforces the limits now
    })) {
      (void)e;
      return nullptr;
    }
    if (!ok) return nullptr;
    // Canonical: every word is reached by exactly one pointer, so no reading can
    // cost more than the size checked above; the reader callers get has no
    // budget to run out of however often they read it (limits.h).
    c->reader_ = std::make_unique<capnp::SegmentArrayMessageReader>(kj::arrayPtr(&c->segment_, 1), rereadOptions());
    return c;
  }

  typename T::Reader root() const { return reader_->template getRoot<T>(); }

 private:
  explicit Canonical(ByteView bytes) : words_(kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word))) {
    std::memcpy(words_.begin(), bytes.data(), bytes.size());
    segment_ = kj::ArrayPtr<const capnp::word>(words_.begin(), words_.size());
  }
  kj::Array<capnp::word> words_;
  kj::ArrayPtr<const capnp::word> segment_;
  std::unique_ptr<capnp::SegmentArrayMessageReader> reader_;
};

// A message in standard stream framing (segment table first): the form of
// every signed file gongyou writes (bundles, batches, guidance).
inline Bytes framedBytes(capnp::MessageBuilder& mb) {
  auto words = capnp::messageToFlatArray(mb);
  return Bytes(words.asBytes().begin(), words.asBytes().end());
}

// Reads a file that must hold one framed T: at most `maxBytes`, read within
// `maxWords`, traversed whole now so the limits apply before anyone reads it.
// The reader points into `storage`. Throws std::runtime_error naming `file`
// ("bundle file is too large", "... is not a Cap'n Proto message", "... is not
// a valid `type` message").
template <typename T>
std::unique_ptr<capnp::FlatArrayMessageReader> readFramed(ByteView framed, std::size_t maxBytes, std::uint64_t maxWords,
                                                         kj::Array<capnp::word>& storage, const std::string& file,
                                                         const std::string& type) {
  if (framed.size() > maxBytes) throw std::runtime_error(file + " is too large");
  if (framed.empty() || framed.size() % sizeof(capnp::word) != 0)
    throw std::runtime_error(file + " is not a Cap'n Proto message");
  storage = kj::heapArray<capnp::word>(framed.size() / sizeof(capnp::word));
  std::memcpy(storage.begin(), framed.data(), framed.size());
  std::unique_ptr<capnp::FlatArrayMessageReader> reader;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    reader = std::make_unique<capnp::FlatArrayMessageReader>(storage.asPtr(), readerOptions(maxWords));
    (void)reader->getRoot<T>().totalSize();
  })) {
    (void)e;
    throw std::runtime_error(file + " is not a valid " + type + " message");
  }
  return reader;
}

}  // namespace gongyou::protocol
