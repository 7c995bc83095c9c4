#include <catch2/catch.hpp>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <functional>

#include "crypto/format.h"
#include "crypto/padding.h"
#include "crypto/primitives.h"
#include "protocol/attachments.h"
#include "protocol/day.h"
#include "protocol/employer_id.h"
#include "protocol/report_check.h"
#include "protocol/taxonomy.h"

using namespace gongyou;

namespace {

void fillValid(proto::Report::Builder r) {
  auto d = r.initOccurred();
  d.setYear(2025), d.setMonth(12);
  auto e = r.initEmployer();
  e.setName("深圳市某电子厂");
  e.setCity("深圳"), e.setProvince("广东"), e.setCountry("CN"), e.setIndustry("electronics");
  auto c = r.initCategories(2);
  c.set(0, "wage_arrears"), c.set(1, "id_document_retention");
  r.initForcedLabourIndicators(1).set(0, "fl_retention_of_id_documents");
  r.setWorkersAffected(40);
  auto m = r.initAmountOwed();
  m.setMinorUnits(1200000), m.setCurrency("CNY");
  r.setNarrative("老板三个月没发工资，还扣了我们的身份证。");
  r.setLanguage("zh-Hans");
  r.setReporterRole(proto::ReporterRole::AFFECTED_WORKER);
}

std::string check(const std::function<void(proto::Report::Builder)>& edit) {
  capnp::MallocMessageBuilder mb;
  auto r = mb.initRoot<proto::Report>();
  fillValid(r);
  edit(r);
  return protocol::checkReport(r.asReader(), protocol::today());
}

}  // namespace

TEST_CASE("taxonomy: the data files are compiled in and consistent") {
  CHECK(protocol::categories().size() == 29);
  CHECK(protocol::forcedLabourIndicators().size() == 11);
  auto* c = protocol::findCategory("wage_arrears");
  REQUIRE(c);
  CHECK(c->nameZh == "拖欠工资");
  CHECK(c->legalBasis.find("Labour Law") != std::string::npos);
  // Every indicator maps to categories that exist.
  for (const auto& i : protocol::forcedLabourIndicators())
    for (const auto& m : i.mapsTo) CHECK(protocol::findCategory(m) != nullptr);
  CHECK(protocol::findCategory("category_id") == nullptr);  // the header is not a row
}

TEST_CASE("taxonomy: CSV parsing handles quotes and refuses an unterminated one") {
  auto rows = protocol::parseCsv("a,\"b, with comma\",\"say \"\"hi\"\"\"\r\nx,,z\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][1] == "b, with comma");
  CHECK(rows[0][2] == "say \"hi\"");
  CHECK(rows[1] == std::vector<std::string>{"x", "", "z"});
  CHECK_THROWS(protocol::parseCsv("a,\"open\n"));
}

TEST_CASE("report: a valid report passes") { CHECK(check([](auto) {}).empty()); }

TEST_CASE("report: each bad field is named") {
  using B = proto::Report::Builder;
  CHECK(check([](B r) { r.initCategories(0); }) == "categories: at least one is required");
  CHECK(check([](B r) { r.getCategories().set(1, "made_up"); }) == "categories: unknown category id");
  CHECK(check([](B r) { r.getCategories().set(1, "wage_arrears"); }) == "categories: listed twice");
  CHECK(check([](B r) { r.getForcedLabourIndicators().set(0, "fl_nope"); }) ==
        "forcedLabourIndicators: unknown indicator id");
  CHECK(check([](B r) { r.getEmployer().setName(""); }) == "employer.name: required");
  CHECK(check([](B r) { r.getEmployer().setName(std::string(201, 'x')); }).rfind("employer.name: longer", 0) == 0);
  CHECK(check([](B r) { r.getEmployer().setCountry("china"); }).rfind("employer.country", 0) == 0);
  CHECK(check([](B r) { r.getOccurred().setMonth(13); }) == "occurred.month: must be 1..12");
  CHECK(check([](B r) { r.getOccurred().setMonth(2), r.getOccurred().setDay(30); }) ==
        "occurred.day: no such day in that month");
  CHECK(check([](B r) { r.getOccurred().setYear(2024), r.getOccurred().setMonth(2), r.getOccurred().setDay(29); })
            .empty());
  CHECK(check([](B r) { r.getOccurred().setYear(9999); }).rfind("occurred.year", 0) == 0);
  CHECK(check([](B r) { r.getOccurred().setYear(0); }) == "occurred: a month or day needs a year");
  CHECK(check([](B r) { r.getAmountOwed().setCurrency("yuan"); }).rfind("amountOwed.currency", 0) == 0);
  CHECK(check([](B r) { r.getAmountOwed().setMinorUnits(~0ULL); }) == "amountOwed: implausibly large");
  CHECK(check([](B r) { r.setNarrative(std::string(6001, 'x')); }).rfind("narrative: longer", 0) == 0);
  CHECK(check([](B r) { r.setNarrative("bad \xC0\xAF utf8"); }) == "narrative: not valid UTF-8 text");
  CHECK(check([](B r) { r.setNarrative("surrogate \xED\xA0\x80"); }) == "narrative: not valid UTF-8 text");
  CHECK(check([](B r) { r.setNarrative("cut \xE6\xB7"); }) == "narrative: not valid UTF-8 text");
  CHECK(check([](B r) { r.setLanguage(""); }) == "language: required");
  CHECK(check([](B r) { r.initReplyKey(31); }) == "replyKey: must be empty or 32 bytes");
  CHECK(check([](B r) { r.setWorkersAffected(2000000); }) == "workersAffected: implausibly large");
  // The employer's registry number: China's code with its check character, in canonical form.
  CHECK(check([](B r) { r.getEmployer().setIdentifier("914403001922038216"); }).empty());
  CHECK(check([](B r) { r.getEmployer().setIdentifier("914403001922038217"); }) ==
        "employer.identifier: not a unified social credit code (18 characters, check character)");
  CHECK(check([](B r) { r.getEmployer().setIdentifier("9144 0300 1922 0382 16"); }).rfind("employer.identifier", 0) == 0);
  CHECK(check([](B r) { r.getEmployer().setCountry("MY"), r.getEmployer().setIdentifier("201901012345"); }).empty());
  CHECK(check([](B r) { r.getEmployer().setCountry("MY"), r.getEmployer().setIdentifier("<b>"); }) ==
        "employer.identifier: not a registry number (up to 32 letters, digits, - / .)");
}

TEST_CASE("employer identifier: the unified social credit code's check character (GB 32100-2015)") {
  // Published codes of well-known firms, and the standard's own example.
  for (const char* code : {"914403001922038216", "91440300708461136T", "91330100716105852F", "91350100M000100Y43"}) {
    INFO(code);
    CHECK(protocol::unifiedSocialCreditCode(code) == std::optional<std::string>(code));
  }
  // As people write it: spaces, hyphens, small letters.
  CHECK(protocol::unifiedSocialCreditCode("9144 0300 7084 6113 6t") == std::optional<std::string>("91440300708461136T"));
  // Every single-character typo of a code is caught.
  const std::string good = "91330100716105852F";
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  int caught = 0, typos = 0;
  for (std::size_t i = 0; i < good.size(); ++i)
    for (char c : alphabet)
      if (c != good[i]) {
        std::string t = good;
        t[i] = c;
        ++typos;
        caught += !protocol::unifiedSocialCreditCode(t).has_value();
      }
  CHECK(caught == typos);
  CHECK_FALSE(protocol::unifiedSocialCreditCode("91330100716105852"));     // 17
  CHECK_FALSE(protocol::unifiedSocialCreditCode("9133010071610585I2F"));   // I is not in the alphabet
  CHECK_FALSE(protocol::unifiedSocialCreditCode("91330100716105852O"));    // nor O
  CHECK(protocol::employerIdentifier("", "91330100716105852F").has_value());
  CHECK_FALSE(protocol::employerIdentifier("CN", "201901012345").has_value());
  CHECK(protocol::employerIdentifier("JP", "1234-56-789012") == std::optional<std::string>("1234-56-789012"));
  CHECK_FALSE(protocol::registryNumber(std::string(33, '1')).has_value());
}

TEST_CASE("report: the largest text-only report still fits the fixed padding bucket") {
  capnp::MallocMessageBuilder mb;
  auto r = mb.initRoot<proto::Report>();
  fillValid(r);
  using C = protocol::ReportCaps;
  auto e = r.getEmployer();
  e.setName(std::string(C::kName, 'n'));
  e.setAddress(std::string(C::kAddress, 'a'));
  e.setCity(std::string(C::kShortText, 'c'));
  e.setProvince(std::string(C::kShortText, 'p'));
  e.setIndustry(std::string(C::kShortText, 'i'));
  auto brands = e.initBrandCustomers(C::kBrands);
  for (unsigned i = 0; i < C::kBrands; ++i) brands.set(i, std::string(C::kShortText, 'b'));
  auto cats = r.initCategories(C::kCategories);
  for (unsigned i = 0; i < C::kCategories; ++i) cats.set(i, protocol::categories()[i].id);
  auto ind = r.initForcedLabourIndicators(11);
  for (unsigned i = 0; i < 11; ++i) ind.set(i, protocol::forcedLabourIndicators()[i].id);
  r.setNarrative(std::string(C::kNarrative, 'x'));
  r.setLanguage(std::string(35, 'l'));
  r.initReplyKey(32);
  REQUIRE(protocol::checkReport(r.asReader(), protocol::today()).empty());
  auto words = capnp::messageToFlatArray(mb);
  CHECK(words.asBytes().size() + format::kPadLengthPrefix <= format::kPadTextBucket);
}

namespace {

// A report with `files` as attachments, as the reporter's tool builds it:
// the message, then each file's bytes (protocol/attachments.h), padded.
SecretBytes paddedWith(const std::vector<Bytes>& files,
                       const std::function<void(proto::Report::Builder)>& edit = [](auto) {},
                       const Bytes& trailer = {}) {
  capnp::MallocMessageBuilder mb;
  auto r = mb.initRoot<proto::Report>();
  fillValid(r);
  auto list = r.initAttachments(static_cast<unsigned>(files.size()));
  for (unsigned i = 0; i < files.size(); ++i) {
    list[i].setMediaType(i % 2 ? "audio/mpeg" : "image/jpeg");
    list[i].setName("evidence-" + std::to_string(i + 1) + (i % 2 ? ".mp3" : ".jpg"));
    list[i].setSize(files[i].size());
    auto h = crypto::blake2b(files[i]);
    list[i].setHash(kj::arrayPtr(h.data(), h.size()));
    list[i].initRemovedMetadata(1).set(0, "GPS position");
  }
  edit(r);
  auto words = capnp::messageToFlatArray(mb);
  Bytes content(words.asBytes().begin(), words.asBytes().end());
  for (const auto& f : files) append(content, f);
  append(content, trailer);
  return padding::pad(content);
}

}  // namespace

TEST_CASE("report: attachments after the message come back byte for byte and checked against their hashes") {
  std::vector<Bytes> files{Bytes(70000, 0xd8), Bytes(12345, 0x49), Bytes(1, 0x00)};
  files[0][100] = 0x42;
  auto padded = paddedWith(files);
  Bytes canonical;
  std::vector<ByteView> got;
  REQUIRE(protocol::decodeReport(padded.view(), protocol::today(), canonical, &got).empty());
  REQUIRE(got.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(got[i].copy() == files[i]);

  // Tampering inside a file (after decryption: a forged plaintext) is caught
  // by its hash; a byte more or less after the message is caught by the sizes.
  auto flipped = files;
  flipped[1][7] ^= 1;
  auto tampered = paddedWith(files, [&](proto::Report::Builder r) {
    auto h = crypto::blake2b(flipped[1]);
    r.getAttachments()[1].setHash(kj::arrayPtr(h.data(), h.size()));
  });
  CHECK(protocol::decodeReport(tampered.view(), protocol::today(), canonical) ==
        "invalid report: attachments: bytes do not match their hash");
  CHECK(protocol::decodeReport(paddedWith(files, [](auto) {}, Bytes{1}).view(), protocol::today(), canonical) ==
        "invalid report: trailing bytes after the report");
  auto shortOne = paddedWith(files, [&](proto::Report::Builder r) { r.getAttachments()[2].setSize(2); });
  CHECK(protocol::decodeReport(shortOne.view(), protocol::today(), canonical) ==
        "invalid report: attachments: fewer bytes than listed");
}

TEST_CASE("report: attachment rules name the field") {
  auto one = [](const std::function<void(proto::Attachment::Builder)>& edit) {
    return check([&](proto::Report::Builder r) {
      auto a = r.initAttachments(1)[0];
      a.setMediaType("image/png");
      a.setName("evidence-1.png");
      a.setSize(1000);
      a.initHash(32);
      edit(a);
    });
  };
  CHECK(one([](auto) {}).empty());
  CHECK(one([](auto a) { a.setMediaType("video/mp4"); }) == "attachments[0].mediaType: not a type gongyou can scrub");
  CHECK(one([](auto a) { a.setName("../../etc/passwd"); }) == "attachments[0].name: not a plain file name");
  CHECK(one([](auto a) { a.setName(".hidden"); }) == "attachments[0].name: not a plain file name");
  CHECK(one([](auto a) { a.setName(""); }) == "attachments[0].name: not a plain file name");
  CHECK(one([](auto a) { a.setSize(0); }).rfind("attachments[0].size:", 0) == 0);
  CHECK(one([](auto a) { a.setSize(protocol::kMaxAttachmentBytes + 1); }).rfind("attachments[0].size:", 0) == 0);
  CHECK(one([](auto a) { a.initHash(31); }) == "attachments[0].hash: must be 32 bytes");
  CHECK(one([](auto a) { a.initData(3); }) == "attachments[0].data: must be empty (the bytes follow the message)");
  CHECK(check([](proto::Report::Builder r) {
          auto list = r.initAttachments(protocol::kMaxAttachments + 1);
          for (auto a : list) a.setMediaType("image/png"), a.setName("x.png"), a.setSize(1), a.initHash(32);
        }) == "attachments: more than 5");
  CHECK(check([](proto::Report::Builder r) {
          auto list = r.initAttachments(2);
          for (auto a : list)
            a.setMediaType("image/png"), a.setName("x.png"), a.setSize(protocol::kMaxAttachmentBytes), a.initHash(32);
        }).rfind("attachments: together larger than", 0) == 0);
}

TEST_CASE("report check: control characters are refused, line breaks only in the narrative") {
  capnp::MallocMessageBuilder m;
  auto r = m.initRoot<proto::Report>();
  r.initEmployer().setName("Acme");
  r.initCategories(1).set(0, "other");
  r.setLanguage("en");
  const auto today = protocol::today();
  REQUIRE(protocol::checkReport(r.asReader(), today).empty());
  r.setNarrative("line one\nline two");
  CHECK(protocol::checkReport(r.asReader(), today).empty());
  for (const char* bad : {"a\x1b]0;title\x07", "a\x1b[2K", "a\rb", "a\tb", "a\x7f", "a\xc2\x9b" "31m"}) {
    INFO(bad);
    r.setNarrative(bad);
    CHECK(protocol::checkReport(r.asReader(), today) == "narrative: holds a control character");
    r.setNarrative("");
    r.getEmployer().setName(bad);
    CHECK(protocol::checkReport(r.asReader(), today) == "employer.name: holds a control character");
    r.getEmployer().setName("Acme");
  }
  r.getEmployer().setCity("Shenzhen\n");
  CHECK(protocol::checkReport(r.asReader(), today) == "employer.city: holds a control character");
}
