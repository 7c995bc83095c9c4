// Header serialisation and strict parsing.
#include <catch2/catch.hpp>

#include "crypto/format.h"
#include "crypto/header.h"

using namespace gongyou;

namespace {
std::optional<age::Header> parse(const std::string& text) {
  io::MemorySource src(text);
  io::BufferedSource in(src);
  return age::parseHeader(in);
}
std::string withMac(const std::vector<age::Stanza>& st) {
  return age::headerMacInput(st) + age::headerMacLine(crypto::Mac{});
}
}  // namespace

TEST_CASE("header: bodies of every length round trip through 64-column lines", "[header]") {
  for (std::size_t n : {0, 1, 47, 48, 49, 95, 96, 97, 200}) {
    age::Stanza s{"grease-type", {"a", "b!c"}, Bytes(n, 0x5a)};
    std::string text = withMac({s});
    auto h = parse(text + "payload");
    INFO("body length " << n);
    REQUIRE(h);
    REQUIRE(h->stanzas.size() == 1);
    CHECK(h->stanzas[0].type == "grease-type");
    CHECK(h->stanzas[0].args == std::vector<std::string>{"a", "b!c"});
    CHECK(h->stanzas[0].body == s.body);
    CHECK(std::string(h->macInput.begin(), h->macInput.end()) == age::headerMacInput({s}));
  }
}

TEST_CASE("header: the payload starts right after the MAC line", "[header]") {
  std::string text = withMac({{"X", {"y"}, {}}}) + "PAYLOAD";
  io::MemorySource src(text);
  io::BufferedSource in(src);
  REQUIRE(age::parseHeader(in));
  std::uint8_t buf[16];
  CHECK(std::string(buf, buf + in.readFull(buf, sizeof buf)) == "PAYLOAD");
}

TEST_CASE("header: malformed inputs are refused", "[header]") {
  std::string good = withMac({{"X25519", {"abc"}, Bytes(32, 1)}});
  REQUIRE(parse(good));
  auto mutate = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    auto p = t.find(from);
    REQUIRE(p != std::string::npos);
    return t.replace(p, from.size(), to);
  };
  CHECK_FALSE(parse(mutate("v1\n", "v2\n")));
  CHECK_FALSE(parse(mutate("v1\n", "v1\r\n")));
  CHECK_FALSE(parse(mutate("-> X25519 abc", "-> X25519  abc")));  // empty argument
  CHECK_FALSE(parse(mutate("-> X25519 abc", "->")));              // no type
  CHECK_FALSE(parse(mutate("-> X25519 abc", "-> X25519 a\x7f" "c")));
  CHECK_FALSE(parse(mutate("--- ", "---  ")));
  CHECK_FALSE(parse(good.substr(0, good.size() - 1)));  // MAC line without its newline
  CHECK_FALSE(parse(""));
  // A line longer than the header cap is refused without reading it all.
  std::string huge = std::string(format::kAgeIntro) + "\n-> " +
                     std::string(format::kMaxHeaderBytes, 'a') + "\n";
  CHECK_FALSE(parse(huge));
}

TEST_CASE("header: at most kMaxStanzas stanzas (each may cost an X25519)", "[header]") {
  std::vector<age::Stanza> st(format::kMaxStanzas, age::Stanza{"X25519", {"abc"}, Bytes(32, 1)});
  CHECK(parse(withMac(st)));
  st.push_back(st.back());
  CHECK_FALSE(parse(withMac(st)));
}
