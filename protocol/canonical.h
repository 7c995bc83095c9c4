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
    std::unique_ptr<Canonical> c(new Canonical(bytes, maxWords));
    bool ok = false;
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
      ok = c->reader_->isCanonical();
      if (ok) (void)c->root().totalSize();  // traverses: enforces the limits now
    })) {
      (void)e;
      return nullptr;
    }
    return ok ? std::move(c) : nullptr;
  }

  typename T::Reader root() const { return reader_->template getRoot<T>(); }

 private:
  Canonical(ByteView bytes, std::uint64_t maxWords)
      : words_(kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word))) {
    std::memcpy(words_.begin(), bytes.data(), bytes.size());
    segment_ = kj::ArrayPtr<const capnp::word>(words_.begin(), words_.size());
    // The byte size is already bounded; the traversal budget must also cover the
    // caller reading every field again after parse() walked the whole message.
    reader_ = std::make_unique<capnp::SegmentArrayMessageReader>(kj::arrayPtr(&segment_, 1),
                                                                  readerOptions(8 * maxWords));
  }
  kj::Array<capnp::word> words_;
  kj::ArrayPtr<const capnp::word> segment_;
  std::unique_ptr<capnp::SegmentArrayMessageReader> reader_;
};

}  // namespace gongyou::protocol
