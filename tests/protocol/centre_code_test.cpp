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
  // Swapped neighbours, a dropped character.
  std::string swapped = code;
  std::swap(swapped[20], swapped[21]);
  if (swapped != code) CHECK_FALSE(protocol::decodeCentreCode(swapped));
  CHECK_FALSE(protocol::decodeCentreCode(code.substr(0, code.size() - 1)));
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

TEST_CASE("centre code: typed as printed, with confusable characters forgiven, and a typo placed in its group") {
  auto c = sample();
  const std::string code = protocol::encodeCentreCode(c);
  // As printed on a card: groups, dashes, any case, O for 0 and I or 1 for L.
  std::string typed = protocol::groupCentreCode(code);
  for (std::size_t i = 9; i < typed.size(); ++i) {  // the data part (after "GONGY OU1")
    if (typed[i] == '0') typed[i] = 'O';
    else if (typed[i] == 'L') typed[i] = (i % 2) ? 'I' : '1';
  }
  typed[1] = '0';  // GONGYOU's O typed as zero
  for (std::size_t i = 0; i < typed.size(); i += 3) typed[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(typed[i])));
  auto back = protocol::decodeCentreCode(typed);
  REQUIRE(back);
  CHECK(back->centreId == c.centreId);
  CHECK(!protocol::centreCodeTypoGroup(typed));  // nothing wrong

  // One wrong character: its group of five is named.
  for (std::size_t at : {8u, 23u, 57u, static_cast<unsigned>(code.size() - 1)}) {
    std::string bad = code;
    bad[at] = bad[at] == 'Q' ? 'P' : 'Q';
    REQUIRE(!protocol::decodeCentreCode(bad));
    auto group = protocol::centreCodeTypoGroup(protocol::groupCentreCode(bad));
    REQUIRE(group);
    CHECK(*group == at / 5 + 1);
  }
  // Two wrong characters, or one missing: no group is guessed.
  std::string two = code;
  two[20] = two[20] == 'Q' ? 'P' : 'Q';
  two[40] = two[40] == 'Q' ? 'P' : 'Q';
  CHECK(!protocol::centreCodeTypoGroup(two));
  CHECK(!protocol::centreCodeTypoGroup(code.substr(0, 30) + code.substr(31)));
}
