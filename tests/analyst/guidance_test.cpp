// A centre's own guidance end to end with the real programs: the centre signs
// docs/guidance-example.json with gongyou-analyst, a worker installs it with
// gongyou-report, the form in a terminal shows the centre's words and asks for
// ringgit, and the centre reads a report from Malaysia in ringgit.
#include <catch2/catch.hpp>

#include "analyst/centre_cli.h"
#include "server/relay_harness.h"
#include "storage/file.h"
#include "support/pty.h"

using namespace gongyou;
using test::codeFrom;
using test::kAnalystBin;
using test::kReportBin;
using test::run;

namespace {

const std::string kExample = std::string(GONGYOU_SOURCE_DIR) + "/docs/guidance-example.json";

std::string slurp(const std::string& path) {
  Bytes b = storage::readFile(path);
  return std::string(ByteView(b).str());
}

}  // namespace

TEST_CASE("guidance: the centre signs its advice and the worker's form shows it and asks for ringgit") {
  test::CentreCli c;
  test::TempDir rt;
  const std::string data = rt / "relay";
  test::relayKey(data);
  test::Relay relay(data);
  auto init = c.analyst({"init", "--centre", "kl-workers", "--relay", relay.spec(), "--pow", "6"});
  REQUIRE(init.first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);

  // The example every centre starts from signs as it is shipped.
  auto signed1 = c.analyst({"guidance", kExample});
  REQUIRE(signed1.first == 0);
  CHECK_THAT(signed1.second, Catch::Contains("signed guidance version 1 -> " + c.dir + "/centre.guidance"));
  const std::string v1 = c.tmp / "v1.guidance";
  storage::writeFileAtomic(v1, storage::readFile(c.dir + "/centre.guidance"));

  test::TempDir w;
  auto worker = [&](std::vector<std::string> args, const std::string& err = {}) {
    std::vector<std::string> v{kReportBin, "--state", w / "s", "--lang", "en"};
    v.insert(v.end(), args.begin(), args.end());
    return run(v, err);
  };
  REQUIRE(worker({"enrol", codeFrom(init.second)}).first == 0);
  const std::string err = w / "err";

  // Before it is installed: the built-in Chinese texts (12333).
  // Tampered with (one letter of the advice): refused, nothing installed.
  Bytes file = storage::readFile(v1);
  const std::string needle = "7th day";
  auto at = std::search(file.begin(), file.end(), needle.begin(), needle.end());
  REQUIRE(at != file.end());
  *at = '8';
  storage::writeFileAtomic(w / "forged.guidance", file);
  CHECK(worker({"guidance", w / "forged.guidance"}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("not signed by your centre"));
  // Another centre's real file: refused too.
  {
    test::CentreCli other;
    REQUIRE(other.analyst({"init", "--centre", "kl-workers", "--relay", relay.spec()}).first == 0);
    REQUIRE(other.analyst({"guidance", kExample}).first == 0);
    CHECK(worker({"guidance", other.dir + "/centre.guidance"}, err).first == 1);
    CHECK_THAT(slurp(err), Catch::Contains("not signed by your centre"));
  }
  CHECK(worker({"guidance", c.dir + "/centre.bundle"}, err).first == 1);
  CHECK(worker({"status"}).second.find("advice") == std::string::npos);

  auto installed = worker({"guidance", v1});
  REQUIRE(installed.first == 0);
  CHECK_THAT(installed.second, Catch::Contains("Installed the centre's advice for MY (version 1"));
  CHECK(worker({"guidance", v1}).first == 0);  // the same file again: harmless

  // A second signing is version 2; afterwards the old file cannot come back.
  REQUIRE(c.analyst({"guidance", kExample}).first == 0);
  REQUIRE(worker({"guidance", c.dir + "/centre.guidance"}).first == 0);
  CHECK(worker({"guidance", v1}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("older than the advice already installed"));
  CHECK_THAT(worker({"status"}).second, Catch::Contains("The centre's advice for MY: version 2"));

  {
    test::Pty t({kReportBin, "--state", w / "s", "--lang", "en", "new"});
    for (auto [prompt, answer] : std::vector<std::pair<const char*, const char*>>{
             {"Name of the employer", "Acme Gloves Sdn Bhd"},
             {"City:", "Klang"},
             {"Province:", "Selangor"},
             {"Industry", ""},
             {"When did it happen", "2026-10"},
             {"Choose the kind of problem", "1"},
             {"Which of these?", "1"},  // pay: wage arrears
             // The centre's words, not the built-in Chinese law.
             {"Your rights: Wages not paid, or paid late", nullptr},
             {"no later than the 7th day after each wage period", nullptr},
             {"What to do: Keep your pay slips", nullptr},
             {"Where to go: The Labour Department (Jabatan Tenaga Kerja, JTK)", nullptr},
             {"The law: Employment Act 1955 s.19", nullptr},
             {"(Advice from your centre, ", nullptr},
             {"Choose another kind", "1"},
             {"Which of these?", "4"},  // overtime: not in the centre's file
             {"Your centre will tell you the law where you work", nullptr},
             {"International standard:", nullptr},
             {"Choose another kind", ""},
             {"Did any of these happen?", ""},
             {"How many workers", "40"},
             {"How much money is owed, in MYR", "1200元"},
             {"Please write the amount in MYR", "RM 1,200.50"},
             {"Describe what happened", "GUIDANCE-MARKER no pay since August"},
             {"characters left", ""}}) {
      INFO("waiting for: " << prompt);
      REQUIRE(t.expect(prompt));
      if (answer) t.type(answer);
    }
    t.type("");
    for (auto [prompt, answer] : std::vector<std::pair<const char*, const char*>>{{"Who are you", "1"},
                                                                                {"Attach a photo", ""},
                                                                                {"read the centre's answer", "n"},
                                                                                {"1200.50 MYR", nullptr},
                                                                                {"Send it now?", "y"},
                                                                                {"Sent.", nullptr}}) {
      INFO("waiting for: " << prompt);
      REQUIRE(t.expect(prompt));
      if (answer) t.type(answer);
    }
    CHECK(t.wait() == 0);
    CHECK(t.screen().find("12333") == std::string::npos);
    CHECK(t.screen().find("Labour Law Art. 50") == std::string::npos);
  }

  // Advice altered on the worker's disk is not shown and does not stop a report;
  // the centre's file installs over it.
  const std::string onDisk = w / "s/centres/kl-workers/guidance";
  Bytes disk = storage::readFile(onDisk);
  auto at2 = std::search(disk.begin(), disk.end(), needle.begin(), needle.end());
  REQUIRE(at2 != disk.end());
  *at2 = '9';
  storage::writeFileAtomic(onDisk, disk);
  auto status = worker({"status"}, err);
  CHECK(status.first == 0);
  CHECK(status.second.find("advice") == std::string::npos);
  CHECK_THAT(slurp(err), Catch::Contains("advice on this computer is damaged"));
  {
    test::Pty t({kReportBin, "--state", w / "s", "--lang", "en", "new"});
    REQUIRE(t.expect("advice on this computer is damaged"));
    REQUIRE(t.expect("Name of the employer"));
  }
  REQUIRE(worker({"guidance", c.dir + "/centre.guidance"}).first == 0);
  CHECK_THAT(worker({"status"}).second, Catch::Contains("The centre's advice for MY: version 2"));

  // The centre reads it: the workplace is in Malaysia and the money in ringgit.
  REQUIRE(c.courier({"collect", "--out", c.tmp / "b"}).first == 0);
  REQUIRE(c.analyst({"import", c.tmp / "b"}).first == 0);
  auto list = c.analyst({"list"});
  const std::string ref = list.second.substr(0, 10);
  auto shown = c.analyst({"show", ref});
  CHECK_THAT(shown.second, Catch::Contains("Klang, Selangor, MY") && Catch::Contains("Amount owed: 1200.50 MYR") &&
                               Catch::Contains("GUIDANCE-MARKER"));
}

TEST_CASE("guidance: a mistake in the centre's file is named and nothing is signed") {
  test::CentreCli c;
  test::TempDir rt;
  const std::string data = rt / "relay";
  test::relayKey(data);
  test::Relay relay(data);
  REQUIRE(c.analyst({"init", "--centre", "kl-workers", "--relay", relay.spec()}).first == 0);
  const std::string err = c.tmp / "err";
  struct Bad {
    const char* json;
    const char* expect;
  };
  for (const Bad& b : {
           Bad{R"({"jurisdiction": "MY", "categories": {"wage_theft": {"en": {"right": "r", "nextSteps": "n"}}}})",
               "categories: wage_theft is not a category of the taxonomy"},
           Bad{R"({"jurisdiction": "Malaysia", "categories": {}})", "jurisdiction: must be an ISO 3166-1 code"},
           Bad{R"({"jurisdiction": "MY", "categories": {"wage_arrears": {"en": {"right": "r"}}}})",
               "categories.wage_arrears.en: \"right\" and \"nextSteps\" are required"},
           Bad{R"({"jurisdiction": "MY", "categories": {"wage_arrears": {"en": {"right": "r", "nextStep": "n"}}}})",
               "categories.wage_arrears.en: unknown key \"nextStep\""},
           Bad{R"({"jurisdiction": "MY", "categories": {"wage_arrears": {"en": {"right": "r", "nextSteps": "a\u001b[2Jb"}}}})",
               "categories.wage_arrears.en.nextSteps: empty, too long or has control characters"},
           Bad{R"({"jurisdiction": "MY", "categories": )", "not JSON"},
       }) {
    INFO(b.json);
    storage::writeFileAtomic(c.tmp / "g.json", std::string(b.json));
    CHECK(c.analyst({"guidance", c.tmp / "g.json"}, err).first == 1);
    CHECK_THAT(slurp(err), Catch::Contains(b.expect) && Catch::Contains("nothing was signed"));
    CHECK_FALSE(storage::fileExists(c.dir + "/centre.guidance"));
  }
  // The version only moves when something is signed.
  REQUIRE(c.analyst({"guidance", kExample}).first == 0);
  CHECK_THAT(c.analyst({"guidance", kExample}).second, Catch::Contains("signed guidance version 2"));
}
