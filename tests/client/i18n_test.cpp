#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

#include "client/category_groups.h"
#include "client/evidence.h"
#include "protocol/attachments.h"
#include "protocol/messages.h"
#include "protocol/taxonomy.h"

using namespace gongyou;

namespace {
// Sets an environment variable for one scope, restoring what was there.
struct Env {
  std::string name, old;
  bool had;
  Env(const char* n, const char* v) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (o) old = o;
    if (v) ::setenv(n, v, 1);
    else ::unsetenv(n);
  }
  ~Env() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};
}  // namespace

TEST_CASE("i18n: the compiled catalogs are found and translate") {
  auto langs = Messages::languages();
  REQUIRE(langs.front() == "en");
  CHECK(std::find(langs.begin(), langs.end(), "zh-Hans") != langs.end());
  CHECK_FALSE(localeDirectory().empty());
  const Messages& zh = Messages::forLanguage("zh-Hans");
  CHECK(zh("Name of the employer or factory (required):") == "雇主或工厂的名称（必填）：");
  // A message with no translation is shown in English, as written.
  CHECK(zh("no such message in any catalog") == "no such message in any catalog");
  const Messages& en = Messages::forLanguage("en");
  CHECK(en("Name of the employer or factory (required):") == "Name of the employer or factory (required):");
  // Two languages in one process: each lookup is in its own.
  CHECK(zh("City:") == "城市：");
  CHECK(en("City:") == "City:");
  CHECK(zh("City:") == "城市：");
}

TEST_CASE("i18n: language from tags and locale names") {
  CHECK(Messages::forLanguage("zh_CN.UTF-8").tag() == "zh-Hans");
  CHECK(Messages::forLanguage("zh").tag() == "zh-Hans");
  CHECK(Messages::forLanguage("zh-hans").tag() == "zh-Hans");
  CHECK(Messages::forLanguage("zh_SG.UTF-8@x").tag() == "zh-Hans");
  CHECK(Messages::forLanguage("en_GB.UTF-8").tag() == "en");
  CHECK(Messages::forLanguage("C").tag() == "en");
  CHECK(Messages::forLanguage("POSIX").tag() == "en");
  CHECK(Messages::forLanguage("fr").tag() == "en");
  CHECK(Messages::forLanguage("").tag() == "en");
  // The locales of the corridors' workers, as their machines name them.
  const std::pair<const char*, const char*> kLocales[] = {
      {"zh_TW.UTF-8", "zh-Hant"}, {"zh_HK", "zh-Hant"}, {"zh-Hant-TW", "zh-Hant"}, {"vi_VN.UTF-8", "vi"},
      {"th_TH", "th"},            {"km_KH", "km"},      {"lo_LA", "lo"},           {"my_MM", "my"},
      {"ms_MY", "ms"},            {"id_ID", "id"},      {"ne_NP", "ne"},           {"bn_BD", "bn"},
      {"bn_IN", "bn"},            {"fil_PH", "fil"},    {"tl_PH", "fil"}};
  for (const auto& [locale, tag] : kLocales) {
    INFO(locale);
    CHECK(Messages::forLanguage(locale).tag() == tag);
  }
}

TEST_CASE("i18n: --lang then LANGUAGE then LC_ALL LC_MESSAGES and LANG") {
  Env a("LANGUAGE", nullptr), b("LC_ALL", nullptr), c("LC_MESSAGES", nullptr), d("LANG", nullptr);
  CHECK(Messages::detect("").tag() == "en");
  ::setenv("LANG", "zh_CN.UTF-8", 1);
  CHECK(Messages::detect("").tag() == "zh-Hans");
  CHECK(Messages::detect("en").tag() == "en");
  // A locale that was never generated on this machine still gives its language.
  ::setenv("LANG", "C", 1);
  ::setenv("LANGUAGE", "fr:zh_CN", 1);
  CHECK(Messages::detect("").tag() == "zh-Hans");
  ::setenv("LANGUAGE", "fr", 1);
  ::setenv("LC_ALL", "zh_CN.GB18030", 1);
  CHECK(Messages::detect("").tag() == "zh-Hans");
}

TEST_CASE("i18n: placeholders in order and by position") {
  CHECK(fillPlaceholders("%s of %s", {"1", "3"}) == "1 of 3");
  CHECK(fillPlaceholders("共 %2$s 份，第 %1$s 份", {"1", "3"}) == "共 3 份，第 1 份");
  CHECK(fillPlaceholders("100%% and %s", {"x"}) == "100% and x");
  // A catalog that asks for more than is given shows the placeholder.
  CHECK(fillPlaceholders("%s %s %3$s", {"a"}) == "a %s %3$s");
  CHECK(fillPlaceholders("%", {}) == "%");
}

TEST_CASE("i18n: plural forms follow each language's rule") {
  const Messages& en = Messages::forLanguage("en");
  const Messages& zh = Messages::forLanguage("zh-Hans");
  const char* one = "Sent %s waiting report; %s still waiting.";
  const char* many = "Sent %s waiting reports; %s still waiting.";
  CHECK(en.plural(one, many, 1, {"1", "0"}) == "Sent 1 waiting report; 0 still waiting.");
  CHECK(en.plural(one, many, 2, {"2", "0"}) == "Sent 2 waiting reports; 0 still waiting.");
  CHECK(zh.plural(one, many, 2, {"2", "0"}) == zh.plural(one, many, 1, {"2", "0"}));
  CHECK_THAT(zh.plural(one, many, 2, {"2", "0"}), Catch::Contains("已发送 2 份"));
}

TEST_CASE("i18n: every category and group name and indicator has a Chinese translation") {
  const Messages& zh = Messages::forLanguage("zh-Hans");
  for (const auto& c : protocol::categories()) {
    INFO(c.id);
    CHECK(zh(c.nameEn) != c.nameEn);
  }
  for (const auto& i : protocol::forcedLabourIndicators()) {
    INFO(i.id);
    CHECK(zh(i.nameEn) != i.nameEn);
  }
  for (const auto& g : client::categoryGroups()) {
    INFO(g.id);
    CHECK(zh(g.name) != std::string(g.name));
  }
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
