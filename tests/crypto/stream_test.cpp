// STREAM payload: chunk boundaries, truncation, reordering, trailing data.
#include <catch2/catch.hpp>

#include "crypto/format.h"
#include "crypto/stream.h"

using namespace gongyou;
using format::kChunkSize;
using format::kEncChunkSize;

namespace {

Wiped<32> fixedKey() {
  Wiped<32> k;
  for (std::size_t i = 0; i < k.size(); ++i) k.data()[i] = static_cast<std::uint8_t>(i);
  return k;
}

Bytes seal(const Bytes& pt, std::size_t writeSize) {
  io::VectorSink out;
  age::StreamWriter w(fixedKey(), out);
  for (std::size_t i = 0; i < pt.size(); i += writeSize)
    w.write(ByteView(pt.data() + i, std::min(writeSize, pt.size() - i)));
  w.close();
  return out.out;
}

age::Status open(const Bytes& ct, Bytes& pt) {
  io::MemorySource src(ct);
  age::StreamReader r(fixedKey(), src);
  pt.clear();
  for (;;) {
    ByteView chunk;
    bool done = false;
    auto st = r.next(chunk, done);
    if (st != age::Status::Ok) return st;
    append(pt, chunk);
    if (done) return st;
  }
}

Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + (i >> 16));
  return b;
}

}  // namespace

TEST_CASE("stream: sizes around chunk boundaries round trip", "[stream]") {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, kChunkSize - 1, kChunkSize, kChunkSize + 1,
                        2 * kChunkSize, 3 * kChunkSize + 17}) {
    for (std::size_t ws : {std::size_t{1000}, kChunkSize, std::size_t{3 * kChunkSize}}) {
      auto pt = pattern(n);
      auto ct = seal(pt, ws);
      std::size_t chunks = n == 0 ? 1 : (n + kChunkSize - 1) / kChunkSize;
      INFO("n=" << n << " write size=" << ws);
      CHECK(ct.size() == n + chunks * format::kTagSize);
      Bytes back;
      CHECK(open(ct, back) == age::Status::Ok);
      CHECK(back == pt);
    }
  }
}

TEST_CASE("stream: truncation reordering and trailing data fail", "[stream]") {
  auto pt = pattern(2 * kChunkSize + 100);
  auto ct = seal(pt, kChunkSize);
  Bytes back;
  // Cut at a chunk boundary: the remaining last chunk is not flagged final.
  CHECK(open(Bytes(ct.begin(), ct.begin() + 2 * kEncChunkSize), back) == age::Status::PayloadFailure);
  CHECK(back.size() == 2 * kChunkSize);  // what authenticated was released, no more
  CHECK(open(Bytes(ct.begin(), ct.end() - 1), back) == age::Status::PayloadFailure);
  Bytes swapped = ct;
  std::swap_ranges(swapped.begin(), swapped.begin() + kEncChunkSize, swapped.begin() + kEncChunkSize);
  CHECK(open(swapped, back) == age::Status::PayloadFailure);
  CHECK(back.empty());
  Bytes trailing = ct;
  trailing.push_back(0);
  CHECK(open(trailing, back) == age::Status::PayloadFailure);
  // The extra byte joined the short final chunk, whose tag then fails: not released.
  CHECK(back.size() == 2 * kChunkSize);
  CHECK(open(Bytes(), back) == age::Status::PayloadFailure);  // no chunks at all
}

TEST_CASE("stream: trailing data after a full-size final chunk", "[stream]") {
  auto pt = pattern(2 * kChunkSize);
  auto ct = seal(pt, kChunkSize);
  REQUIRE(ct.size() == 2 * kEncChunkSize);  // the final chunk is full and flagged last
  ct.push_back(0);
  Bytes back;
  CHECK(open(ct, back) == age::Status::PayloadFailure);
  CHECK(back == pt);  // it authenticated before the trailing byte was seen, as in age
}
