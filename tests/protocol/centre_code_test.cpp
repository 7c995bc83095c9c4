#include <catch2/catch.hpp>

#include "protocol/centre_code.h"

using namespace gongyou;

namespace {
protocol::CentreCode sample() {
  protocol::CentreCode c;
  c.centreId = "shenzhen-workers";
  for (std::size_t i = 0; i < c.identity.size(); ++i) c.identity[i] = static_cast<std::uint8_t>(i * 7);
  c.relays = {"relay.example.org:7455", "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion:7455"};
  return c;
}
}  // namespace

TEST_CASE("centre code: round trip in upper case and grouped") {
  auto c = sample();
  std::string code = protocol::encodeCentreCode(c);
  CHECK(code.rfind("GONGYOU1", 0) == 0);
  CHECK(code.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos);  // QR alphanumeric
  for (const auto& text : {code, protocol::groupCentreCode(code)}) {
    auto back = protocol::decodeCentreCode(text);
    REQUIRE(back);
    CHECK(back->centreId == c.centreId);
    CHECK(back->identity == c.identity);
    CHECK(back->relays == c.relays);
  }
  std::string lower = code;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  CHECK(protocol::decodeCentreCode(lower));
}

TEST_CASE("centre code: every single-character typo is caught") {
  std::string code = protocol::encodeCentreCode(sample());
  const std::string charset = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
  std::size_t tried = 0;
  for (std::size_t i = 8; i < code.size(); ++i)
    for (char c : charset) {
      if (c == code[i]) continue;
      std::string t = code;
      t[i] = c;
      CHECK_FALSE(protocol::decodeCentreCode(t));
      ++tried;
    }
  CHECK(tried > 1000);
  // Swapped neighbours, a dropped character, mixed case.
  std::string swapped = code;
  std::swap(swapped[20], swapped[21]);
  if (swapped != code) CHECK_FALSE(protocol::decodeCentreCode(swapped));
  CHECK_FALSE(protocol::decodeCentreCode(code.substr(0, code.size() - 1)));
  std::string mixed = code;
  mixed[10] = static_cast<char>(std::tolower(static_cast<unsigned char>(mixed[10])));
  if (mixed != code) CHECK_FALSE(protocol::decodeCentreCode(mixed));
  CHECK_FALSE(protocol::decodeCentreCode("AGE1QQQQ"));
}

TEST_CASE("centre code: refuses bad fields when encoding") {
  auto c = sample();
  c.centreId = "Bad Id";
  CHECK_THROWS_AS(protocol::encodeCentreCode(c), std::invalid_argument);
  c = sample();
  c.relays.clear();
  CHECK_THROWS_AS(protocol::encodeCentreCode(c), std::invalid_argument);
  c = sample();
  c.relays = {"no-port"};
  CHECK_THROWS_AS(protocol::encodeCentreCode(c), std::invalid_argument);
}
