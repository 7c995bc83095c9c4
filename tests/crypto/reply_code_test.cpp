#include <catch2/catch.hpp>

#include <set>

#include "crypto/format.h"
#include "crypto/reply_code.h"

using namespace gongyou;

TEST_CASE("reply code: grouped text round trip and at least 64 bits") {
  auto code = crypto::ReplyCode::generate();
  auto text = code.text();
  std::string t(text.view().str());
  CHECK(t.size() == 23);  // 21 digits in three groups of seven
  CHECK(t[7] == '-');
  CHECK(t[15] == '-');
  auto back = crypto::ReplyCode::parse(t);
  REQUIRE(back);
  CHECK(back->digits().str() == code.digits().str());
  // Spaces instead of dashes, or none, are fine.
  std::string spaced = t;
  spaced[7] = ' ', spaced[15] = ' ';
  CHECK(crypto::ReplyCode::parse(spaced));
  CHECK(crypto::ReplyCode::parse(std::string(code.digits().str())));
  static_assert(format::kReplyCodeRandomDigits * 3.3219 >= 64);  // log2(10) bits per digit
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(std::string(crypto::ReplyCode::generate().digits().str()));
  CHECK(seen.size() == 200);
}

TEST_CASE("reply code: every single wrong digit and adjacent swap is caught") {
  auto code = crypto::ReplyCode::generate();
  std::string d(code.digits().str());
  for (std::size_t i = 0; i < d.size(); ++i)
    for (char c = '0'; c <= '9'; ++c) {
      if (c == d[i]) continue;
      std::string t = d;
      t[i] = c;
      CHECK_FALSE(crypto::ReplyCode::parse(t));
    }
  for (std::size_t i = 0; i + 1 < d.size(); ++i) {
    if (d[i] == d[i + 1]) continue;
    std::string t = d;
    std::swap(t[i], t[i + 1]);
    CHECK_FALSE(crypto::ReplyCode::parse(t));
  }
  CHECK_FALSE(crypto::ReplyCode::parse(d.substr(1)));
  CHECK_FALSE(crypto::ReplyCode::parse(d + "0"));
  CHECK_FALSE(crypto::ReplyCode::parse("abc"));
  CHECK(crypto::dammCheckDigit("572") == '4');  // the textbook example
}

TEST_CASE("reply code: keys are deterministic per code and the mailbox is the hash of the key") {
  auto code = crypto::ReplyCode::generate();
  auto again = crypto::ReplyCode::parse(std::string(code.digits().str()));
  auto a = crypto::deriveReplyKeys(code);
  auto b = crypto::deriveReplyKeys(*again);
  CHECK(a.mailbox == b.mailbox);
  CHECK(a.identity.recipient().publicKey() == b.identity.recipient().publicKey());
  CHECK(crypto::mailboxOf(a.identity.recipient().publicKey()) == a.mailbox);
  auto other = crypto::deriveReplyKeys(crypto::ReplyCode::generate());
  CHECK(other.mailbox != a.mailbox);
  // The mailbox is not the public key itself.
  CHECK(!std::equal(a.mailbox.begin(), a.mailbox.end(), a.identity.recipient().publicKey().begin()));
}
