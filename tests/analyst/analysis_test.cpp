#include <catch2/catch.hpp>

#include <capnp/message.h>

#include "analyst/aggregate.h"
#include "analyst/case_sync.h"
#include "analyst/cases.h"
#include "analyst/keyring.h"
#include "analyst/desk_index.h"
#include "analyst/followup.h"
#include "analyst/report_view.h"
#include "analyst/exports.h"
#include "analyst/names.h"
#include "analyst/store.h"
#include "crypto/x25519.h"
#include "protocol/canonical.h"
#include "protocol/day.h"
#include "storage/file.h"
#include "support/tempdir.h"

using namespace gongyou;
using namespace gongyou::analyst;

namespace {

const crypto::KdfCost kCheap{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};

struct R {
  const char* employer;
  const char* province;
  std::vector<const char*> categories;
  unsigned year, month, workers;
  std::uint64_t fen;
  std::vector<const char*> indicators = {};
};

// A store holding exactly `reports` (as if imported).
void fill(AnalystStore& store, const std::vector<R>& reports) {
  AnalystStore::Write w(store);
  int i = 0;
  for (const auto& r : reports) {
    capnp::MallocMessageBuilder mb;
    auto b = mb.initRoot<proto::Report>();
    b.initEmployer().setName(r.employer);
    b.getEmployer().setProvince(r.province);
    auto c = b.initCategories(static_cast<unsigned>(r.categories.size()));
    for (unsigned k = 0; k < r.categories.size(); ++k) c.set(k, r.categories[k]);
    auto f = b.initForcedLabourIndicators(static_cast<unsigned>(r.indicators.size()));
    for (unsigned k = 0; k < r.indicators.size(); ++k) f.set(k, r.indicators[k]);
    b.initOccurred().setYear(static_cast<std::uint16_t>(r.year));
    b.getOccurred().setMonth(static_cast<std::uint8_t>(r.month));
    b.setWorkersAffected(r.workers);
    if (r.fen) b.initAmountOwed().setMinorUnits(r.fen), b.getAmountOwed().setCurrency("CNY");
    b.setLanguage("en");
    crypto::Hash h = crypto::blake2b(std::to_string(i++));
    w.putReport(h, protocol::today(), protocol::canonicalBytes(b.asReader()));
  }
  w.commit();
}

}  // namespace

TEST_CASE("names: normalisation folds width and case and punctuation and legal suffixes") {
  CHECK(normaliseName("深圳市华强电子有限公司") == "深圳市华强电子");
  CHECK(normaliseName("Huaqiang Electronics Co., Ltd.") == "huaqiang electronics");
  CHECK(normaliseName("HUAQIANG  ELECTRONICS (Shenzhen) Limited") == "huaqiang electronics");
  CHECK(normaliseName("ＦＯＸＣＯＮＮ（深圳）") == "foxconn");
  CHECK(normaliseName("富士康科技集团股份有限公司") == "富士康科技");
  CHECK(normaliseName("东莞宏达制衣厂") == "东莞宏达制衣厂");  // a factory is not a legal form
  CHECK(normaliseName("  A·B—C  ") == "a b c");
  // NFKC: a ligature, a parenthesised ideograph ("㈱" = "(株)": dropped as a
  // bracketed qualifier), Roman numeral compatibility characters.
  CHECK(normaliseName("Ｓｕｆｆｉｅｌｄ ﬁnance") == normaliseName("Suffield Finance"));
  CHECK(normaliseName("㈱宏达") == "宏达");
  CHECK(nfkcCasefold("Ⅻ") == "xii");
  CHECK(normaliseProvince("Guangdong Province") == "广东");
  CHECK(normaliseProvince("广东省") == "广东");
  CHECK(normaliseProvince("广西壮族自治区") == "广西");
  CHECK(normaliseProvince("shanghai") == "上海");
  CHECK(normaliseProvince("Ontario") == "ontario");
}

TEST_CASE("names: aliases join what only people know belongs together") {
  auto a = Aliases::parse("# comment\nFoxconn = 富士康 = Hon Hai Precision\n\n深圳市华强电子有限公司 = Huaqiang Electronics\n");
  CHECK(a.key("FOXCONN") == a.key("富士康"));
  CHECK(a.key("Hon Hai Precision Co., Ltd.") == a.key("Foxconn"));
  CHECK(a.display(a.key("富士康"), "x") == "Foxconn");
  CHECK(a.key("Huaqiang Electronics (Shenzhen)") == a.key("深圳市华强电子有限公司"));
  CHECK(a.key("Someone Else") == "someone else");
  CHECK_THROWS_WITH(Aliases::parse("just a name\n"), Catch::Contains("line 1"));
}

TEST_CASE("names: a branch is kept beside its firm, legal forms of the corridors go, and a name that says nothing is no employer") {
  auto zz = parseEmployerName("Foxconn (Zhengzhou)"), sz = parseEmployerName("Foxconn（深圳）"), hq = parseEmployerName("FOXCONN");
  CHECK(zz.firm == "foxconn");
  CHECK(zz.branch == "zhengzhou");
  CHECK(sz.firm == "foxconn");
  CHECK(sz.branch == "深圳");
  CHECK(hq.branch.empty());
  auto plant = parseEmployerName("深圳市华强电子有限公司第一分厂");
  CHECK(plant.firm == "深圳市华强电子");
  CHECK(plant.branch == "第一分厂");
  auto office = parseEmployerName("富士康科技集团郑州分公司");
  CHECK(office.firm == "富士康科技");
  CHECK(office.branch == "郑州分公司");
  // Japanese legal forms before or after the name, in brackets or abbreviated.
  for (const char* n : {"株式会社村田組", "村田組株式会社", "(有)村田組", "(株)村田組", "㈱村田組", "村田組合同会社"}) {
    INFO(n);
    CHECK(parseEmployerName(n).firm == "村田組");
    CHECK(parseEmployerName(n).branch.empty());
  }
  CHECK(normaliseName("Murata Gumi K.K.") == "murata gumi");
  CHECK(normaliseName("Maju Jaya Sdn. Bhd.") == "maju jaya");
  CHECK(normaliseName("PT Sinar Abadi Tbk") == "sinar abadi");
  CHECK(normaliseName("Công ty TNHH An Phát") == "an phát");
  // Placeholders: nobody, whatever the brackets.
  for (const char* n : {"(unknown)", "(未知)", "【某工厂】", "不知道", "n/a", "", "  ", "某某公司", "Unknown (Shenzhen)", "?"}) {
    INFO(n);
    CHECK_FALSE(parseEmployerName(n).named());
  }
  CHECK_FALSE(parseEmployerName("某某电子厂有限公司深圳分厂").named());  // "an electronics factory": still nobody
}

TEST_CASE("names: likely the same firm: one name starts the other or is a typo apart, and short or different names are not") {
  CHECK(likelySame("didi", "didi chuxing") == "prefix");
  CHECK(likelySame("富士康", "富士康科技") == "prefix");
  CHECK(likelySame("宏达制衣厂", "宏远制衣厂") == "close");
  CHECK(likelySame("huaqiang electronics", "huaqaing electronics") == "close");
  CHECK(likelySame("华强", "华为") == "");  // two characters: different names, not a typo
  CHECK(likelySame("li", "lion garments") == "");  // too short to start a name by chance
  CHECK(likelySame("foxconn", "huaqiang") == "");
  CHECK(likelySame("abc", "abd") == "");            // too short for a typo to mean anything
  CHECK(likelySame("same", "same") == "");
  CHECK(likelySame("", "x") == "");
}

TEST_CASE("names: an alias pattern joins the names that start with or contain it") {
  auto a = Aliases::parse("Didi = Didi* = *滴滴*\n");
  CHECK(a.key("Didi Chuxing") == a.key("Didi"));
  CHECK(a.key("北京小桔科技(滴滴出行)") != a.key("Didi"));  // the brackets are a branch, the firm is 北京小桔科技
  CHECK(a.key("滴滴出行科技有限公司") == a.key("Didi"));
  CHECK(a.key("Hello Didi") == "hello didi");  // starts with, not contains
  CHECK_THROWS_WITH(Aliases::parse("Didi = *\n"), Catch::Contains("line 1"));
  // An alias that names a branch stands for that branch only.
  auto b = Aliases::parse("深圳市华强电子有限公司 = Huaqiang Electronics (Shenzhen)\n");
  const EmployerName sz = b.resolve(parseEmployerName("Huaqiang Electronics (Shenzhen)"));
  CHECK(sz.firm == "深圳市华强电子");
  CHECK(sz.branch.empty());
  CHECK(b.resolve(parseEmployerName("Huaqiang Electronics (Dongguan)")).firm == "huaqiang electronics");
  CHECK(b.display("深圳市华强电子", "x") == "深圳市华强电子有限公司");
  CHECK_THROWS_WITH(Aliases::parse("不知道 = Didi\n"), Catch::Contains("names no employer"));
}

TEST_CASE("analysis: branches stay apart under their firm, the same name elsewhere is another employer, and unnamed ones are counted apart") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  fill(store, {
                  {"Foxconn (Zhengzhou)", "河南", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"Foxconn (Shenzhen)", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"Foxconn", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"(有)村田組", "兵庫県", {"work_injury"}, 2026, 9, 1, 0},
                  {"(株)村田組", "青森県", {"work_injury"}, 2026, 9, 1, 0},
                  {"(unknown)", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"(未知)", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"【某工厂】", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"不知道", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"n/a", "广东", {"wage_arrears"}, 2026, 9, 1, 0},
                  {"", "广东", {"forced_labour"}, 2026, 9, 1, 0},
              });
  Analysis a = analyse(store, {});
  CHECK(a.reports == 11);
  CHECK(a.notNamed.reports == 6);
  REQUIRE(a.employers.size() == 5);
  std::map<std::string, std::string> firmOf;
  for (const auto& e : a.employers) {
    CHECK(e.reports == 1);
    firmOf[e.name] = e.firmKey;
  }
  CHECK(firmOf.count("Foxconn (Zhengzhou)"));
  CHECK(firmOf.count("Foxconn (Shenzhen)"));
  CHECK(firmOf.at("Foxconn (Zhengzhou)") == firmOf.at("Foxconn"));
  CHECK(firmOf.at("Foxconn (Shenzhen)") == firmOf.at("Foxconn"));
  // Two employers named 村田組 in two prefectures.
  CHECK(std::count_if(a.employers.begin(), a.employers.end(), [](auto& e) { return e.firm.find("村田組") != std::string::npos; }) == 2);
  // The unnamed forced-labour report still raises its alert.
  bool alerted = false;
  for (const auto& al : a.alerts) alerted |= al.subject == "(employer not named)" && al.what == "forced_labour";
  CHECK(alerted);
  // Exports: the unnamed are one line, never among the ranked employers.
  ExportOptions internal;
  internal.internal = true;
  const std::string html = dashboardHtml(a, internal);
  CHECK_THAT(html, Catch::Contains("<td>Employer not named</td><td></td><td></td><td>6</td>"));
  const std::string chart = html.substr(html.find("aria-label=\"Top employers\""), 2000);
  CHECK(chart.find("not named") == std::string::npos);
}

TEST_CASE("analysis: a registry number wins over the name, and a report without it joins the one named the same") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  {
    AnalystStore::Write w(store);
    int i = 0;
    auto put = [&](const char* name, const char* id) {
      capnp::MallocMessageBuilder mb;
      auto b = mb.initRoot<proto::Report>();
      b.initEmployer().setName(name);
      b.getEmployer().setProvince("广东");
      b.getEmployer().setIdentifier(id);
      b.initCategories(1).set(0, "wage_arrears");
      b.setLanguage("zh-Hans");
      w.putReport(crypto::blake2b("id " + std::to_string(i++)), protocol::today(), protocol::canonicalBytes(b.asReader()));
    };
    put("深圳市华强电子有限公司", "914403001922038216");
    put("Huaqiang", "914403001922038216");          // another spelling, the same code
    put("深圳市华强电子有限公司", "");                    // no code: the name it was given with
    put("华强", "914403001922038217");               // a wrong check character counts for nothing
    w.commit();
  }
  Analysis a = analyse(store, {});
  REQUIRE(a.employers.size() == 2);
  CHECK(a.employers[0].reports == 3);
  CHECK(a.employers[0].identifier == "914403001922038216");
  CHECK(a.employers[0].name == "深圳市华强电子有限公司");
  CHECK(a.employers[1].name == "华强");
}

TEST_CASE("analysis: figures on a hand-computed fixture") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  fill(store, {
                  {"Foxconn", "Guangdong", {"wage_arrears", "overtime_pay_unpaid"}, 2026, 9, 100, 1000000},
                  {"富士康", "广东省", {"wage_arrears"}, 2026, 10, 20, 50000},
                  {"Hon Hai Precision Co., Ltd.", "guangdong province", {"excessive_hours"}, 2026, 10, 0, 0},
                  {"Beta Garments", "Jiangsu", {"id_document_retention"}, 2026, 10, 5, 0, {"fl_retention_of_id_documents"}},
                  {"Gamma Build", "江苏", {"work_injury"}, 2026, 8, 3, 200000},
              });
  auto aliases = Aliases::parse("Foxconn = 富士康 = Hon Hai Precision\n");
  Analysis a = analyse(store, aliases);
  CHECK(a.reports == 5);
  CHECK(a.workers == 128);
  CHECK(a.owed == std::map<std::string, std::uint64_t>{{"CNY", 1250000}});
  CHECK(a.byMonth == std::map<std::string, std::uint64_t>{{"2026-08", 1}, {"2026-09", 1}, {"2026-10", 3}});
  CHECK(a.byProvince == std::map<std::string, std::uint64_t>{{"广东", 3}, {"江苏", 2}});
  CHECK(a.byCategory.at("wage_arrears") == 2);
  REQUIRE(a.employers.size() == 3);
  CHECK(a.employers[0].name == "Foxconn");
  CHECK(a.employers[0].reports == 3);
  CHECK(a.employers[0].workers == 120);
  CHECK(a.employers[0].owed.at("CNY") == 1050000);
  CHECK(a.employers[0].largestOwed.at("CNY") == 1000000);
  CHECK(a.employers[0].largestWorkers == 100);
  CHECK(a.latestMonth == "2026-10");
  CHECK(a.byCity.at("广东 / (not given)") == 3);
  CHECK(lastMonths("2026-02", 3) == std::vector<std::string>{"2025-12", "2026-01", "2026-02"});
  ExportOptions internal;
  internal.internal = true;
  std::string html = dashboardHtml(a, internal);
  // Foxconn: 1 report in 2026-09, 2 in 2026-10: +1 month over month.
  CHECK_THAT(html, Catch::Contains("<tr><td>Foxconn</td><td>0</td><td>1</td><td>2</td><td>+1</td></tr>"));
  // Serious at any count: the forced-labour indicator and the injury.
  std::vector<std::string> texts;
  for (const auto& al : a.alerts) texts.push_back(al.text);
  CHECK(std::count_if(a.alerts.begin(), a.alerts.end(), [](auto& x) { return x.kind == "serious"; }) == 2);
  CHECK_THAT(texts[0] + texts[1], Catch::Contains("Retention of identity documents (ILO forced-labour indicator)"));
  CHECK_THAT(texts[0] + texts[1], Catch::Contains("Gamma Build: 1 report of Work injury"));

  // The same dashboard in Chinese: headings, notes and alerts from the analyst's
  // catalog, the page marked as Chinese, no English heading left.
  ExportOptions zh = internal;
  zh.language = "zh-Hans";
  const std::string zhHtml = dashboardHtml(a, zh);
  CHECK_THAT(zhHtml, Catch::Contains("<html lang=\"zh-Hans\">") && Catch::Contains("<h2>举报最多的雇主</h2>") &&
                         Catch::Contains("<h2>预警</h2>") && Catch::Contains("内部版本") &&
                         Catch::Contains("Gamma Build：1 份举报涉及工伤/工伤待遇（无论多少都属严重）") &&
                         Catch::Contains("Beta Garments：1 份举报涉及扣押身份证件（国际劳工组织强迫劳动指标）"));
  for (const char* english : {"Top employers", "Alerts", "Reports per month", "Month over month", "Provinces",
                              "Main violations", "INTERNAL", "forced-labour indicator"}) {
    INFO(english);
    CHECK(zhHtml.find(english) == std::string::npos);
  }
}

TEST_CASE("dashboard: the top ten month over month, names not ids, grouped digits, no alerts said, a zero is a zero") {
  Analysis a;
  a.latestMonth = "2026-10";
  for (int i = 0; i < 12; ++i) {
    EmployerRow e;
    e.key = e.name = "Employer " + std::to_string(i);
    e.reports = 100 - static_cast<std::uint64_t>(i);
    e.months = {{"2026-10", e.reports}};
    e.categories = {{"wage_arrears", e.reports}};
    a.employers.push_back(e);
  }
  EmployerRow tiny;
  tiny.key = tiny.name = "Tiny";
  tiny.reports = 2;
  a.employers.push_back(tiny);
  a.reports = 1200 + 2;
  a.workers = 2436000;
  a.withEvidence = 0;
  a.byMonth = {{"2026-10", a.reports}};
  ExportOptions pub;
  const std::string html = dashboardHtml(a, pub);
  const std::string mom = html.substr(html.find("id=\"month-over-month\""), html.find("</table>", html.find("id=\"month-over-month\"")) - html.find("id=\"month-over-month\""));
  // The ten with most reports, not "every employer but the 11th".
  CHECK_THAT(mom, Catch::Contains("Employer 0") && Catch::Contains("Employer 9"));
  CHECK(mom.find("Employer 10") == std::string::npos);
  CHECK(mom.find("Employer 11") == std::string::npos);
  // The kinds of violation by name, as a person reads them.
  CHECK_THAT(html, Catch::Contains("Wage arrears / unpaid wages"));
  CHECK(html.find(">wage_arrears<") == std::string::npos);
  // Digits grouped for people (the CSV and JSON keep plain numbers).
  CHECK_THAT(html, Catch::Contains("<b>2,436,000</b>") && Catch::Contains("<b>1,202</b>"));
  // Nothing to show is said, and a zero is not "<5".
  CHECK_THAT(html, Catch::Contains("<p class=\"note\" id=\"no-alerts\">No alerts.</p>"));
  CHECK_THAT(html, Catch::Contains("id=\"total-evidence\">With evidence<b>0</b>"));
  // The employers under the threshold: one row, in the dashboard's language.
  CHECK_THAT(html, Catch::Contains("Other employers (each fewer than 5 reports)"));
  ExportOptions zh = pub;
  zh.language = "zh-Hans";
  const std::string zhHtml = dashboardHtml(a, zh);
  CHECK_THAT(zhHtml, Catch::Contains("拖欠工资") && Catch::Contains("无预警。") && Catch::Contains("其他雇主（每个不足 5 份举报）"));
  CHECK(zhHtml.find("Other employers") == std::string::npos);
}

TEST_CASE("analysis: a jump above the own baseline is an alert and a steady rate is not") {
  Analysis a;
  a.latestMonth = "2026-10";
  EmployerRow jumpy, steady;
  jumpy.name = "Jumpy", steady.name = "Steady";
  jumpy.months = {{"2026-05", 1}, {"2026-10", 5}};
  jumpy.reports = 6;
  for (const char* m : {"2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"}) steady.months[m] = 2;
  steady.months["2026-10"] = 5;  // 2.5x its average: not enough
  steady.reports = 17;
  a.employers = {jumpy, steady};
  findAlerts(a);
  REQUIRE(a.alerts.size() == 1);
  CHECK(a.alerts[0].kind == "jump");
  CHECK(a.alerts[0].text == "Jumpy: 5 reports in 2026-10 against an average of 0.2 a month over the 6 months before");
}

TEST_CASE("alerts: a centre-wide surge is raised, and 180 serious alerts of one kind read as one group") {
  Analysis a;
  // Jan 2016: 503 reports against 258 a month before: 1.95 times, no employer jumping alone.
  for (const char* m : {"2015-07", "2015-08", "2015-09", "2015-10", "2015-11", "2015-12"}) a.byMonth[m] = 258;
  a.byMonth["2016-01"] = 503;
  a.latestMonth = "2016-01";
  a.reports = 258 * 6 + 503;
  for (int i = 0; i < 180; ++i) {
    EmployerRow e;
    e.key = e.name = "Factory " + std::to_string(i);
    e.reports = 8;
    e.categories = {{"work_injury", i < 3 ? 7u : 5u}};
    e.months = {{"2015-09", 8}};
    a.employers.push_back(e);
  }
  findAlerts(a);
  REQUIRE(!a.alerts.empty());
  CHECK(a.alerts[0].kind == "surge");
  CHECK(a.alerts[0].text == "All reports: 503 in 2016-01 against an average of 258.0 a month over the 6 months before");
  ExportOptions internal;
  internal.internal = true;
  internal.generated = "2016-01-20";
  const std::string html = dashboardHtml(a, internal);
  const std::string alerts = html.substr(html.find("<ul id=\"alerts\">"), html.find("</ul></li></ul>") - html.find("<ul id=\"alerts\">"));
  CHECK_THAT(alerts, Catch::Contains("Work injury / injury benefits denied (serious at any count): 180 employers, 906 reports"));
  CHECK_THAT(alerts, Catch::Contains("<li>Factory 0: 7 reports</li>") && Catch::Contains("and 175 more employers (alerts.csv)"));
  CHECK(alerts.find("Factory 5:") == std::string::npos);  // the sixth and on are in the CSV
  // The employers' table: the first 25, and where the rest are.
  CHECK_THAT(html, Catch::Contains("155 more employers in by-employer.csv."));
  CHECK(html.find("<td>Factory 30</td>") == std::string::npos);
  // The month the page was made in is said to be partial.
  CHECK_THAT(html, Catch::Contains("2016-01 is not over yet: its count is so far."));
  // Published: the surge without its average (the months alone, as they add up).
  a.employers.clear();
  findAlerts(a);
  ExportOptions pub;
  const std::string json = summaryJson(a, pub);
  CHECK_THAT(json, Catch::Contains("All reports: 503 in 2016-01, at least one and a half times the monthly average"));
  // A steady centre raises nothing.
  a.byMonth["2016-01"] = 300;
  findAlerts(a);
  CHECK(std::none_of(a.alerts.begin(), a.alerts.end(), [](auto& x) { return x.kind == "surge"; }));
}

TEST_CASE("dashboard: a long employer name is cut to fit the chart, whole in its title") {
  Analysis a;
  a.latestMonth = "2026-10";
  EmployerRow e;
  e.key = e.name = "深圳市宝安区福永街道某某某某某某某某电子科技有限公司第三分厂第二车间加工组";
  e.reports = 9;
  e.months = {{"2026-10", 9}};
  a.employers = {e};
  a.reports = 9;
  a.byMonth = {{"2026-10", 9}};
  ExportOptions internal;
  internal.internal = true;
  const std::string html = dashboardHtml(a, internal);
  const std::string chart = html.substr(html.find("aria-label=\"Top employers\""));
  CHECK_THAT(chart, Catch::Contains("<title>" + e.name + "</title>"));
  CHECK_THAT(chart, Catch::Contains("…</text>"));
}

TEST_CASE("exports: small cells are suppressed unless internal and the dashboard fetches nothing") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  std::vector<R> many;
  for (int i = 0; i < 6; ++i) many.push_back({"Big Factory", "Guangdong", {"wage_arrears"}, 2026, 10, 10, 100000});
  many.push_back({"<script>alert(1)</script>", "Hunan", {"wage_arrears"}, 2026, 10, 1, 0});
  many.push_back({"=HYPERLINK(\"x\")", "Hunan", {"other"}, 2026, 9, 1, 0});
  fill(store, many);
  Analysis a = analyse(store, {});
  ExportOptions pub;
  pub.centreName = "Test Centre";
  std::string html = dashboardHtml(a, pub);
  CHECK_THAT(html, Catch::Contains("Content-Security-Policy"));
  CHECK(html.find("<script") == std::string::npos);  // the employer name is escaped
  CHECK(html.find("&lt;script&gt;") == std::string::npos);  // …and it is a small cell: merged away
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK_THAT(html, Catch::Contains("Big Factory"));
  CHECK_THAT(html, Catch::Contains("Other employers (each fewer than 5 reports)"));
  CHECK_THAT(html, Catch::Contains("<td>湖南</td><td>&lt;5</td>"));
  std::string json = summaryJson(a, pub);
  CHECK_THAT(json, Catch::Contains("\"reports\": \"8\""));
  CHECK_THAT(json, Catch::Contains("\"2026-09\": \"<5\""));

  ExportOptions internal = pub;
  internal.internal = true;
  std::string inner = dashboardHtml(a, internal);
  CHECK_THAT(inner, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(inner.find("<script") == std::string::npos);
  CHECK_THAT(inner, Catch::Contains("INTERNAL"));
  writeExports(a, dir / "out", internal);
  Bytes raw = storage::readFile(dir / "out/by-employer.csv");
  std::string csv(raw.begin(), raw.end());
  CHECK_THAT(csv, Catch::Contains("\"'=HYPERLINK(\"\"x\"\")\""));  // never a live formula
}

TEST_CASE("store: a wrong passphrase opens nothing and an altered value is detected") {
  test::TempDir dir;
  {
    AnalystStore store(dir.path(), "right", kCheap);
    fill(store, {{"X", "Y", {"other"}, 2026, 1, 0, 0}});
  }
  CHECK_THROWS_AS(AnalystStore(dir.path(), "wrong", kCheap), WrongPassphrase);
  {
    // A reference finds its report (by a seek), and nothing else.
    AnalystStore store(dir.path(), "right", kCheap);
    std::string ref;
    store.forEachReport([&](const std::string& r, std::uint32_t, proto::Report::Reader) { ref = r; });
    std::string employer;
    CHECK(store.withReport(ref, [&](std::uint32_t, proto::Report::Reader r) { employer = r.getEmployer().getName(); }));
    CHECK(employer == "X");
    std::string other = ref;
    other[0] = other[0] == '0' ? '1' : '0';
    CHECK_FALSE(store.withReport(other, [](auto, auto) {}));
    CHECK_FALSE(store.withReport("not-a-ref!", [](auto, auto) {}));
  }
  {
    // Flip a byte of the sealed report behind the store's back.
    lmdb::Env env(dir.path());
    auto txn = lmdb::Txn::write(env);
    auto db = lmdb::Dbi::open(txn, "reports", 0);
    Bytes key, value;
    {
      // A cursor must be gone before its write transaction commits (lmdb.h).
      lmdb::Cursor cur(txn, db);
      ByteView k, v;
      REQUIRE(cur.first(k, v));
      key = k.copy(), value = v.copy();
    }
    value[value.size() / 2] ^= 1;
    lmdb::put(txn, db, key, value);
    txn.commit();
  }
  AnalystStore store(dir.path(), "right", kCheap);
  CHECK_THROWS_WITH(store.forEachReport([](auto&, auto, auto) {}), Catch::Contains("does not open"));
}

TEST_CASE("show: a stored report never drives the terminal") {
  capnp::MallocMessageBuilder m;
  auto r = m.initRoot<proto::Report>();
  r.initEmployer().setName("Evil\x1b]0;pwned\x07 Ltd");
  r.getEmployer().setCity("\x1b]52;c;ZXZpbA==\x07");
  r.initCategories(1).set(0, "wage_arrears");
  r.setLanguage("zh-Hans");
  r.setNarrative("第一行\n\x1b[2K第二行 \xe2\x80\xae");
  r.initReplyKey(32);
  auto a = r.initAttachments(1)[0];
  a.setName("evidence-1.jpg");
  a.setMediaType("image/jpeg\x1b[31m");
  a.initRemovedMetadata(1).set(0, "GPS position");
  // A case holds analysts' text (and, merged from another machine, text this
  // desk did not check): escaped the same way.
  capnp::MallocMessageBuilder cm;
  auto events = cm.initRoot<proto::Case>().initEvents(2);
  events[0].setTime(1796140800);
  events[0].setAuthor("Li\x1b[2J");
  events[0].initStatus().setTo(proto::CaseStatus::CLOSED);
  events[0].getStatus().setReason("no contact\x1b]0;x\x07");
  events[1].setTime(1796144400);
  events[1].setAuthor("Wang");
  events[1].setNote("called\x1b[1A twice");
  const std::string out = analyst::showReport("abcdef0123", 20000, r.asReader(), cm.getRoot<proto::Case>().asReader());
  CHECK_THAT(out, Catch::Contains("Case: closed (no contact\\x1b]0;x\\x07)") &&
                      Catch::Contains("2026-12-01 16:00 UTC  Li\\x1b[2J: status closed") &&
                      Catch::Contains("Wang: note: called\\x1b[1A twice"));
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  CHECK_THAT(out, Catch::Contains("Employer: Evil\\x1b]0;pwned\\x07 Ltd") && Catch::Contains("Place: \\x1b]52;c;") &&
                      Catch::Contains("第一行\n\\x1b[2K第二行 \\u202e") && Catch::Contains("image/jpeg\\x1b[31m") &&
                      Catch::Contains("removed by the reporter's tool: GPS position") && Catch::Contains("Reply: possible"));
  // In Chinese: the labels and the case history translated, the reporter's text
  // escaped the same way.
  const std::string zh = analyst::showReport("abcdef0123", 20000, r.asReader(), cm.getRoot<proto::Case>().asReader(),
                                             Messages::forLanguage("zh-Hans", TextDomain::Analyst));
  CHECK_THAT(zh, Catch::Contains("雇主: Evil\\x1b]0;pwned\\x07 Ltd") && Catch::Contains("举报人自己的话：\n第一行") &&
                     Catch::Contains("Wang: 备注：called\\x1b[1A twice") && Catch::Contains("个案历史："));
  CHECK(zh.find('\x1b') == std::string::npos);
  CHECK(zh.find("Employer:") == std::string::npos);
}

TEST_CASE("follow-up: reports and cases per month, time to first answer, status and age, outcomes") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  // Four reports: stored on days 20400 (two), 20430 and 20460; three ask for answers.
  {
    AnalystStore::Write w(store);
    const std::uint32_t days[] = {20400, 20400, 20430, 20460};
    for (int i = 0; i < 4; ++i) {
      capnp::MallocMessageBuilder mb;
      auto b = mb.initRoot<proto::Report>();
      b.initEmployer().setName("E" + std::to_string(i));
      b.initCategories(1).set(0, "wage_arrears");
      b.setLanguage("en");
      if (i < 3) {
        const auto pk = age::X25519Identity::generate().recipient().publicKey();
        b.setReplyKey(kj::arrayPtr(pk.data(), pk.size()));
      }
      w.putReport(crypto::blake2b(std::to_string(i)), days[i], protocol::canonicalBytes(b.asReader()));
    }
    w.commit();
  }
  std::map<std::string, std::string> refOf;
  store.forEachReport([&](const std::string& ref, std::uint32_t, proto::Report::Reader r) {
    refOf[r.getEmployer().getName().cStr()] = ref;
  });
  auto at = [](std::uint32_t day, double plusDays) { return static_cast<std::int64_t>((day + plusDays) * 86400); };
  auto event = [&](const char* employer, NewEvent e, std::int64_t when) {
    REQUIRE(addCaseEvent(store, refOf.at(employer), "Li", e, when));
  };
  NewEvent answer;
  answer.kind = NewEvent::Kind::Answer;
  answer.text = "We got your report.";
  NewEvent resolved;
  resolved.kind = NewEvent::Kind::Status;
  resolved.to = proto::CaseStatus::RESOLVED;
  NewEvent outcome;
  outcome.kind = NewEvent::Kind::Outcome;
  outcome.amountRecovered = 1234550, outcome.currency = "CNY", outcome.workersHelped = 12;
  event("E0", answer, at(20400, 1));  // answered after 1 day
  event("E0", outcome, at(20400, 20));
  event("E0", resolved, at(20400, 21));
  event("E1", answer, at(20400, 3));  // after 3 days: contacted, still open
  event("E2", answer, at(20430, 8));  // after 8 days

  const FollowUp f = followUp(store, 20470);
  CHECK(f.reports == 4);
  CHECK(f.answerable == 3);
  CHECK(f.answered == 3);
  CHECK(f.medianDaysToFirstAnswer == Approx(3));
  CHECK(f.meanDaysToFirstAnswer == Approx(4));
  CHECK(f.status.at("resolved") == 1);
  CHECK(f.status.at("contacted") == 2);  // an answer is contact
  CHECK(f.status.at("new") == 1);
  // Open: E1 and E2 (stored 70 and 40 days before), E3 (10 days).
  CHECK(f.openByAge.at("30-89") == 2);
  CHECK(f.openByAge.at("7-29") == 1);
  CHECK(f.openByAge.count("0-6") == 0);
  const std::string m0 = protocol::isoDate(20400).substr(0, 7);
  CHECK(f.months.at(m0).reports == 2);
  CHECK(f.months.at(m0).casesOpened == 2);
  CHECK(f.months.at(protocol::isoDate(20421).substr(0, 7)).resolved == 1);
  CHECK(f.recovered.at("CNY") == 1234550);
  CHECK(f.workersHelped == 12);
  CHECK(f.casesWithOutcome == 1);
  // A closed case needs its reason, and an answer a reporter who asked for one.
  NewEvent closing;
  closing.kind = NewEvent::Kind::Status;
  closing.to = proto::CaseStatus::CLOSED;
  CHECK_THROWS_WITH(addCaseEvent(store, refOf.at("E3"), "Li", closing, at(20460, 1)), Catch::Contains("reason: empty"));
  CHECK_FALSE(addCaseEvent(store, refOf.at("E3"), "Li", answer, at(20460, 1)));
  NewEvent badNote;
  badNote.text = "a\x1b[2Jb";
  CHECK_THROWS_WITH(addCaseEvent(store, refOf.at("E3"), "Li", badNote, at(20460, 1)), Catch::Contains("control character"));
}

TEST_CASE("desk index: newest first and a search finds a term inside Chinese text and either case of ASCII") {
  test::TempDir dir;
  AnalystStore store(dir.path(), "pass", kCheap);
  {
    AnalystStore::Write w(store);
    const std::pair<std::uint32_t, const char*> reports[] = {
        {20400, "老板拖欠了三个月工资。"}, {20460, "No overtime PAY since May."}, {20430, "宿舍没有热水。"}};
    int i = 0;
    for (const auto& [day, narrative] : reports) {
      capnp::MallocMessageBuilder mb;
      auto b = mb.initRoot<proto::Report>();
      b.initEmployer().setName(i == 2 ? "Foxconn 富士康" : "E");
      b.getEmployer().setProvince("广东");
      b.initCategories(2).set(0, "wage_arrears");
      b.getCategories().set(1, "excessive_hours");
      b.setNarrative(narrative);
      b.setLanguage("zh-Hans");
      w.putReport(crypto::blake2b(std::to_string(i++)), day, protocol::canonicalBytes(b.asReader()));
    }
    w.commit();
  }
  DeskIndex index;
  index.build(store);
  REQUIRE(index.size() == 3);
  CHECK(index.rows()[0].day == 20460);
  CHECK(index.rows()[1].day == 20430);
  CHECK(index.rows()[2].day == 20400);
  auto found = [&](const std::string& term) {
    std::vector<std::uint32_t> days;
    for (const auto& r : index.rows())
      if (index.contains(r, DeskIndex::foldAscii(term))) days.push_back(r.day);
    return days;
  };
  CHECK(found("工资") == std::vector<std::uint32_t>{20400});      // inside a sentence, no spaces
  CHECK(found("overtime pay") == std::vector<std::uint32_t>{20460});  // either case
  CHECK(found("富士康") == std::vector<std::uint32_t>{20430});     // the employer's name too
  CHECK(found("FOXCONN") == std::vector<std::uint32_t>{20430});
  CHECK(found("罢工").empty());
  CHECK(found("").size() == 3);
  const auto cats = index.categories(index.rows()[0]);
  REQUIRE(cats.size() == 2);
  CHECK(index.text(cats[1]) == "excessive_hours");
  CHECK(index.text(index.rows()[0].province) == "广东");
  CHECK(index.ref(index.rows()[0]).size() == 10);
}

TEST_CASE("several analysts: case histories move between two machines and merge without losing either side") {
  auto keyring = Keyring::create("two-desks", {protocol::RelayEndpoint::parse("127.0.0.1:1")}, protocol::today(), 30);
  test::TempDir da, db;
  AnalystStore a(da.path(), "pass a", kCheap), b(db.path(), "pass b", kCheap);  // each store's keys are its own
  for (AnalystStore* s : {&a, &b}) {
    AnalystStore::Write w(*s);
    for (int i = 0; i < 2; ++i) {
      capnp::MallocMessageBuilder mb;
      auto r = mb.initRoot<proto::Report>();
      r.initEmployer().setName("Employer " + std::to_string(i));
      r.initCategories(1).set(0, "wage_arrears");
      r.setLanguage("en");
      w.putReport(crypto::blake2b("envelope " + std::to_string(i)), 20400, protocol::canonicalBytes(r.asReader()));
    }
    w.commit();
  }
  auto refOf = [](AnalystStore& s, const char* employer) {
    std::string ref;
    s.forEachReport([&](const std::string& r, std::uint32_t, proto::Report::Reader rep) {
      if (std::string(rep.getEmployer().getName().cStr()) == employer) ref = r;
    });
    return ref;
  };
  NewEvent note;
  note.text = "A: called the worker";
  NewEvent mediation;
  mediation.kind = NewEvent::Kind::Status;
  mediation.to = proto::CaseStatus::MEDIATION;
  REQUIRE(addCaseEvent(a, refOf(a, "Employer 0"), "Li", note, 1000));
  REQUIRE(addCaseEvent(a, refOf(a, "Employer 0"), "Li", mediation, 3000));
  NewEvent noteB;
  noteB.text = "B: met the employer";
  REQUIRE(addCaseEvent(b, refOf(b, "Employer 0"), "Wang", noteB, 2000));
  REQUIRE(addCaseEvent(b, refOf(b, "Employer 1"), "Wang", noteB, 2500));

  std::size_t written = 0;
  const Bytes fromA = writeCasesFile(a, keyring, written);
  CHECK(written == 1);
  // Encrypted: the notes are not in the file.
  CHECK(std::string(fromA.begin(), fromA.end()).find("called the worker") == std::string::npos);
  auto inB = readCasesFile(b, keyring, fromA);
  CHECK(inB.cases == 1);
  CHECK(inB.eventsAdded == 2);
  const Bytes fromB = writeCasesFile(b, keyring, written);
  CHECK(written == 2);
  auto inA = readCasesFile(a, keyring, fromB);
  CHECK(inA.eventsAdded == 2);  // B's two notes; A's own come back and are kept once
  // Both sides now hold the same history, in time order.
  for (AnalystStore* s : {&a, &b}) {
    std::vector<std::string> authors;
    withCase(*s, refOf(*s, "Employer 0"), [&](proto::Case::Reader c) {
      for (auto e : c.getEvents()) authors.push_back(e.getAuthor().cStr());
      CHECK(stateOf(c).status == proto::CaseStatus::MEDIATION);
      CHECK(stateOf(c).notes == 2);
    });
    CHECK(authors == std::vector<std::string>{"Li", "Wang", "Li"});
  }
  // Read twice: nothing changes.
  CHECK(readCasesFile(b, keyring, fromA).eventsAdded == 0);
  // Another centre's file, or an altered one, is refused whole.
  auto other = Keyring::create("two-desks", {protocol::RelayEndpoint::parse("127.0.0.1:1")}, protocol::today(), 30);
  CHECK_THROWS_WITH(readCasesFile(b, other, fromA), Catch::Contains("not for this centre's analyst keys"));
  Bytes altered = fromA;
  altered[altered.size() / 2] ^= 1;
  CHECK_THROWS(readCasesFile(b, keyring, altered));
  // A report not imported on the other machine is counted, not applied.
  test::TempDir dc;
  AnalystStore c(dc.path(), "pass c", kCheap);
  auto inC = readCasesFile(c, keyring, fromB);
  CHECK(inC.cases == 0);
  CHECK(inC.unknownReports == 2);
}
