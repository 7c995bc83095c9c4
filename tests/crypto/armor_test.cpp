// ASCII armor writer and reader.
#include <catch2/catch.hpp>

#include "crypto/armor.h"
#include "crypto/format.h"

using namespace gongyou;

namespace {
std::string armor(const Bytes& data) {
  io::VectorSink out;
  age::ArmorWriter w(out);
  w.write(data);
  w.close();
  return std::string(out.out.begin(), out.out.end());
}
std::pair<bool, Bytes> dearmor(const std::string& text) {
  io::MemorySource src(text);
  age::ArmorReader r(src);
  Bytes out;
  std::uint8_t buf[100];
  std::size_t n;
  while ((n = r.read(buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  return {!r.failed(), out};
}
}  // namespace

TEST_CASE("armor: round trip at line boundaries - lines are 64 columns", "[armor]") {
  for (std::size_t n : {0, 1, 47, 48, 49, 96, 1000}) {
    Bytes data(n, 0xa5);
    auto text = armor(data);
    INFO("n=" << n);
    CHECK(text.rfind(format::kArmorBegin, 0) == 0);
    auto [ok, back] = dearmor(text);
    CHECK(ok);
    CHECK(back == data);
    std::size_t start = 0;
    for (;;) {
      auto nl = text.find('\n', start);
      if (nl == std::string::npos) break;
      CHECK(nl - start <= 64);
      start = nl + 1;
    }
  }
}

TEST_CASE("armor: strictness", "[armor]") {
  auto text = armor(Bytes(100, 7));
  CHECK(dearmor("\n  \n" + text + "\n\t\n").first);  // whitespace outside is fine
  CHECK_FALSE(dearmor(" " + text).first);              // but not on the BEGIN line
  CHECK_FALSE(dearmor(text + "x").first);
  CHECK_FALSE(dearmor(text.substr(0, text.size() - 5)).first);
  CHECK_FALSE(dearmor(std::string(format::kArmorMaxWhitespace + 1, '\n') + text).first);
  CHECK(age::looksArmored("\n-----BEGIN AGE ENC"));
  CHECK_FALSE(age::looksArmored("age-encryption.org/v1\n"));
}
