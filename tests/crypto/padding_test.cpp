// Length-hiding padding: fixed bucket for text reports, PADMÉ above it.
#include <catch2/catch.hpp>

#include "crypto/age.h"
#include "crypto/format.h"
#include "crypto/padding.h"
#include "crypto/x25519.h"

using namespace gongyou;
using format::kPadTextBucket;

TEST_CASE("padding: PADMÉ values and its overhead bound", "[padding]") {
  CHECK(padding::padme(0) == 0);
  CHECK(padding::padme(1000) == 1024);
  CHECK(padding::padme(16393) == 17408);
  CHECK(padding::padme(1 << 20) == 1 << 20);
  for (std::uint64_t n = 2; n < (1u << 22); n = n * 9 / 8 + 1) {
    auto p = padding::padme(n);
    CHECK(p >= n);
    CHECK(p - n <= n / 8);  // ≤ 12.5 % in the worst case (12 % asymptotically)
  }
}

TEST_CASE("padding: every text-only report pads and encrypts to one size", "[padding]") {
  auto id = age::X25519Identity::generate();
  auto r1 = id.recipient(), r2 = age::X25519Identity::generate().recipient(),
       r3 = age::X25519Identity::generate().recipient();
  std::size_t envelopeSize = 0;
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{300}, std::size_t{5000},
                        kPadTextBucket - format::kPadLengthPrefix}) {
    Bytes report(n, 'r');
    auto padded = padding::pad(report);
    CHECK(padded.size() == kPadTextBucket);
    auto env = age::encrypt({&r1, &r2, &r3}, padded.view());
    if (envelopeSize == 0) envelopeSize = env.size();
    CHECK(env.size() == envelopeSize);
    io::MemorySource src(env);
    io::VectorSink out;
    REQUIRE(age::decrypt(src, {&id}, out) == age::Status::Ok);
    auto content = padding::unpad(out.out);
    REQUIRE(content);
    CHECK(content->copy() == report);
  }
  // One byte more leaves the bucket for PADMÉ.
  CHECK(padding::paddedSize(kPadTextBucket - format::kPadLengthPrefix + 1) > kPadTextBucket);
}

TEST_CASE("padding: the unpadding rule refuses anything but the one valid form", "[padding]") {
  auto p = padding::pad("hello");
  Bytes good(p.data(), p.data() + p.size());
  CHECK(padding::unpad(good));
  Bytes nonzero = good;
  nonzero.back() = 1;
  CHECK_FALSE(padding::unpad(nonzero));
  Bytes shorter(good.begin(), good.end() - 1);
  CHECK_FALSE(padding::unpad(shorter));
  Bytes longer = good;
  longer.push_back(0);
  CHECK_FALSE(padding::unpad(longer));
  Bytes lying = good;
  lying[6] = 0x40;  // claims 16 KiB + 5 bytes of content: more than the buffer holds
  CHECK_FALSE(padding::unpad(lying));
  Bytes huge = good;
  huge[0] = 0xff;
  CHECK_FALSE(padding::unpad(huge));
  CHECK_FALSE(padding::unpad(Bytes(7, 0)));
}

TEST_CASE("padding: streaming pad and unpad agree with the whole-buffer forms", "[padding]") {
  for (std::size_t n : {std::size_t{10}, std::size_t{20000}, std::size_t{300000}}) {
    Bytes content(n);
    for (std::size_t i = 0; i < n; ++i) content[i] = static_cast<std::uint8_t>(i);
    io::VectorSink padded;
    padding::PadWriter w(padded, n);
    for (std::size_t i = 0; i < n; i += 777) w.write(ByteView(content.data() + i, std::min<std::size_t>(777, n - i)));
    w.close();
    auto whole = padding::pad(content);
    CHECK(padded.out == Bytes(whole.data(), whole.data() + whole.size()));
    io::VectorSink out;
    padding::UnpadSink u(out);
    for (std::size_t i = 0; i < padded.out.size(); i += 4096)
      u.write(ByteView(padded.out.data() + i, std::min<std::size_t>(4096, padded.out.size() - i)));
    u.close();
    CHECK(u.valid());
    CHECK(out.out == content);
  }
  io::VectorSink sink;
  padding::PadWriter w(sink, 5);
  CHECK_THROWS_AS(w.write(Bytes(6)), std::logic_error);
}
