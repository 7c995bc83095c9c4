// A centre's signed guidance: what verifies, what is refused and why, and which
// text a worker is shown.
#include <catch2/catch.hpp>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "protocol/guidance.h"

using namespace gongyou;

namespace {

struct Made {
  crypto::SigningKey identity = crypto::SigningKey::generate();
  capnp::MallocMessageBuilder msg;
  proto::Guidance::Builder g = msg.initRoot<proto::Guidance>();
  Made() {
    g.setCentreId("centre-a");
    g.setVersion(3);
    g.setIssuedDay(20000);
    g.setJurisdiction("MY");
    g.setCurrency("MYR");
    auto w = g.initWhereToGo(2);
    w[0].setLanguage("en"), w[0].setText("The Labour Department");
    w[1].setLanguage("ms"), w[1].setText("Jabatan Tenaga Kerja");
    auto c = g.initCategories(2);
    c[0].setCategoryId("wage_arrears");
    auto t = c[0].initTexts(2);
    t[0].setLanguage("en"), t[0].setRight("Paid by the 7th day."), t[0].setNextSteps("Keep pay slips."),
        t[0].setCitation("Employment Act 1955 s.19");
    t[1].setLanguage("ms"), t[1].setRight("Dibayar sebelum hari ke-7."), t[1].setNextSteps("Simpan slip gaji.");
    c[1].setCategoryId("id_document_retention");
    auto u = c[1].initTexts(1);
    u[0].setLanguage("ms"), u[0].setRight("Pasport anda milik anda."), u[0].setNextSteps("Catat siapa.");
  }
  protocol::GuidanceRules rules(std::optional<std::uint64_t> installed = std::nullopt) const {
    protocol::GuidanceRules r;
    r.identity = ByteView(identity.publicKey().data(), identity.publicKey().size());
    r.centreId = "centre-a";
    r.installedVersion = installed;
    return r;
  }
};

protocol::GuidanceCheck verifyFile(const Bytes& file, const protocol::GuidanceRules& rules) {
  auto f = protocol::GuidanceFile::open(file);
  return protocol::verifyGuidance(f->signedGuidance(), rules);
}

// A SignedGuidance around `inner` bytes and a signature over them by `key`.
Bytes wrap(ByteView inner, const crypto::SigningKey& key) {
  auto sig = key.sign(protocol::kGuidanceLabel, inner);
  capnp::MallocMessageBuilder m;
  auto s = m.initRoot<proto::SignedGuidance>();
  s.setGuidance(kj::arrayPtr(inner.data(), inner.size()));
  s.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  auto words = capnp::messageToFlatArray(m);
  return Bytes(words.asBytes().begin(), words.asBytes().end());
}

}  // namespace

TEST_CASE("guidance: signed by the centre it verifies and a worker sees their language or English") {
  Made m;
  Bytes file = protocol::signGuidance(m.identity, m.g.asReader());
  auto check = verifyFile(file, m.rules());
  REQUIRE(check.status == protocol::GuidanceStatus::Ok);
  auto g = check.guidance->root();
  CHECK(g.getJurisdiction() == "MY");
  CHECK(g.getVersion() == 3);

  auto ms = protocol::guidanceFor(g, "wage_arrears", "ms");
  REQUIRE(ms);
  CHECK(ms->right == "Dibayar sebelum hari ke-7.");
  CHECK(ms->whereToGo == "Jabatan Tenaga Kerja");
  CHECK(ms->citation.empty());
  // No Vietnamese: English, where-to-go too.
  auto vi = protocol::guidanceFor(g, "wage_arrears", "vi");
  REQUIRE(vi);
  CHECK(vi->right == "Paid by the 7th day.");
  CHECK(vi->whereToGo == "The Labour Department");
  // Neither the worker's language nor English: nothing (the built-in texts apply).
  CHECK_FALSE(protocol::guidanceFor(g, "id_document_retention", "vi"));
  CHECK(protocol::guidanceFor(g, "id_document_retention", "ms"));
  // A category the centre did not write.
  CHECK_FALSE(protocol::guidanceFor(g, "child_labour", "en"));
}

TEST_CASE("guidance: forged, altered, another centre's and older files are refused") {
  Made m;
  Bytes file = protocol::signGuidance(m.identity, m.g.asReader());

  // Signed by someone else (an employer's "advice").
  CHECK(verifyFile(protocol::signGuidance(crypto::SigningKey::generate(), m.g.asReader()), m.rules()).status ==
        protocol::GuidanceStatus::BadSignature);
  // Every byte of the signed text matters: change a letter of the advice.
  auto f = protocol::GuidanceFile::open(file);
  auto inner = f->signedGuidance().getGuidance();
  Bytes changed(inner.begin(), inner.end());
  const std::string needle = "7th";
  auto at = std::search(changed.begin(), changed.end(), needle.begin(), needle.end());
  REQUIRE(at != changed.end());
  *at = '8';
  auto sig = f->signedGuidance().getSignature();
  capnp::MallocMessageBuilder forged;
  auto s = forged.initRoot<proto::SignedGuidance>();
  s.setGuidance(kj::arrayPtr(changed.data(), changed.size()));
  s.setSignature(sig);
  CHECK(protocol::verifyGuidance(s.asReader(), m.rules()).status == protocol::GuidanceStatus::BadSignature);

  // The real centre's file for another of its ids.
  auto other = m.rules();
  other.centreId = "centre-b";
  CHECK(verifyFile(file, other).status == protocol::GuidanceStatus::WrongCentre);
  // Older than (or as old as) what is installed.
  CHECK(verifyFile(file, m.rules(3)).status == protocol::GuidanceStatus::Rollback);
  CHECK(verifyFile(file, m.rules(2)).status == protocol::GuidanceStatus::Ok);
  // A bundle is not guidance, though its shape is the same (the labels differ).
  CHECK(verifyFile(wrap(ByteView(inner.begin(), inner.size()), crypto::SigningKey::generate()), m.rules()).status ==
        protocol::GuidanceStatus::BadSignature);
  // Not a message at all.
  CHECK_THROWS_AS(protocol::GuidanceFile::open(Bytes{1, 2, 3}), std::runtime_error);
}

TEST_CASE("guidance: a signed encoding that is not canonical is refused") {
  Made m;
  // The builder's own (non-canonical) segment, signed as it is.
  auto flat = capnp::messageToFlatArray(m.msg);
  Bytes raw(flat.asBytes().begin() + 8, flat.asBytes().end());  // drop the segment table
  CHECK(verifyFile(wrap(raw, m.identity), m.rules()).status == protocol::GuidanceStatus::Malformed);
}

TEST_CASE("guidance: field rules name what is wrong and the centre cannot sign it") {
  struct Bad {
    const char* expect;
    std::function<void(proto::Guidance::Builder)> spoil;
  };
  const std::vector<Bad> cases{
      {"jurisdiction", [](auto g) { g.setJurisdiction("Malaysia"); }},
      {"jurisdiction", [](auto g) { g.setJurisdiction("my"); }},
      {"currency", [](auto g) { g.setCurrency("RM"); }},
      {"version", [](auto g) { g.setVersion(0); }},
      {"centreId", [](auto g) { g.setCentreId("Centre A"); }},
      {"not a category of the taxonomy", [](auto g) { g.getCategories()[0].setCategoryId("wage_theft"); }},
      {"twice", [](auto g) { g.getCategories()[1].setCategoryId("wage_arrears"); }},
      {"not a language tag", [](auto g) { g.getCategories()[0].getTexts()[0].setLanguage("english!"); }},
      {"twice", [](auto g) { g.getCategories()[0].getTexts()[1].setLanguage("en"); }},
      {"right", [](auto g) { g.getCategories()[0].getTexts()[0].setRight(""); }},
      {"control characters", [](auto g) { g.getCategories()[0].getTexts()[0].setNextSteps("Call \x1b[2J now"); }},
      {"control characters", [](auto g) { g.getWhereToGo()[0].setText("tab\there"); }},
      {"too long", [](auto g) { g.getCategories()[0].getTexts()[0].setCitation(std::string(5000, 'x')); }},
      {"no text", [](auto g) { g.getCategories()[0].initTexts(0); }},
  };
  for (const auto& c : cases) {
    Made m;
    c.spoil(m.g);
    const std::string why = protocol::checkGuidanceFields(m.g.asReader());
    INFO(c.expect << ": " << why);
    CHECK_THAT(why, Catch::Contains(c.expect));
    CHECK_THROWS_AS(protocol::signGuidance(m.identity, m.g.asReader()), std::invalid_argument);
  }
  Made fine;
  fine.g.getCategories()[0].getTexts()[0].setNextSteps("Line one.\nLine two, 中文, ไทย.");
  CHECK(protocol::checkGuidanceFields(fine.g.asReader()).empty());
}

TEST_CASE("guidance: language tags in BCP 47's shape") {
  for (const char* ok : {"en", "ms", "zh-Hans", "zh-Hant-TW", "es-419", "fil"}) CHECK(protocol::validLanguageTag(ok));
  for (const char* bad : {"", "e", "-en", "en-", "en--US", "e1", "english_US", "toolonglanguage", "zh Hans"})
    CHECK_FALSE(protocol::validLanguageTag(bad));
}
