#include <catch2/catch.hpp>

#include <algorithm>

#include "client/evidence.h"
#include "client/i18n.h"
#include "protocol/attachments.h"

using namespace gongyou;
using client::Messages;

TEST_CASE("i18n: catalogs are compiled in and every language has every English key") {
  auto langs = Messages::languages();
  CHECK(std::find(langs.begin(), langs.end(), "en") != langs.end());
  CHECK(std::find(langs.begin(), langs.end(), "zh-Hans") != langs.end());
  const Messages& en = Messages::forLanguage("en");
  for (const auto& tag : langs) {
    const Messages& m = Messages::forLanguage(tag);
    CHECK(m.tag() == tag);
    for (const char* key : {"help", "form.employer", "form.rights", "send.reply_code", "error.not_enrolled"}) {
      INFO(tag << " " << key);
      CHECK(m(key) != key);
    }
  }
  CHECK(en("form.rights", {"Wage arrears", "LL Art.50"}) == "Your rights (Wage arrears): LL Art.50");
}

TEST_CASE("i18n: language detection from tags and locales") {
  CHECK(Messages::forLanguage("zh_CN.UTF-8").tag() == "zh-Hans");
  CHECK(Messages::forLanguage("zh").tag() == "zh-Hans");
  CHECK(Messages::forLanguage("en_GB.UTF-8").tag() == "en");
  CHECK(Messages::forLanguage("C").tag() == "en");
  CHECK(Messages::forLanguage("fr").tag() == "en");
  CHECK(Messages::forLanguage("zh-Hans")("form.employer") == "雇主或工厂的名称（必填）：");
}

TEST_CASE("i18n: the catalog format") {
  auto m = client::parseCatalog("# comment\n\na.b = one\\ntwo\nc = %s and %s\n");
  CHECK(m.at("a.b") == "one\ntwo");
  CHECK(m.size() == 2);
  CHECK_THROWS_WITH(client::parseCatalog("ok = 1\nbroken line\n"), Catch::Contains("line 2"));
}

TEST_CASE("i18n: what the scrubber removed is told in the worker's language with English as the fallback") {
  client::LoadedEvidence l;
  l.evidence.type = protocol::findAttachmentType("image/jpeg");
  l.evidence.media = media::Media::Jpeg;
  l.evidence.data = Bytes(2000, 1);
  l.evidence.removed = {"GPS position", "date and time taken", "vendor data (APP7)"};
  const auto zh = client::explainEvidence(Messages::forLanguage("zh-Hans"), "a.jpg", l, 0);
  CHECK_THAT(zh, Catch::Contains("JPEG 照片") && Catch::Contains("GPS 位置、拍摄日期和时间、vendor data (APP7)"));
  const auto en = client::explainEvidence(Messages::forLanguage("en"), "a.jpg", l, 0);
  CHECK(en == "Attached a.jpg as evidence-1.jpg (JPEG photo, 2 kB). Removed before sending: GPS position, date and "
              "time taken, vendor data (APP7).");
  l.problem = client::EvidenceProblem::Unsupported;
  l.detail = "PDF document";
  CHECK_THAT(client::explainEvidence(Messages::forLanguage("zh-Hans"), "c.pdf", l, 0), Catch::Contains("c.pdf（PDF 文件）"));
}
