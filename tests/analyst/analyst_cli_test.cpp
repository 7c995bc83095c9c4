// The real gongyou-analyst: a centre made with it is pinned by the real relay and
// enrolled by the real gongyou-report from the printed centre code.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "analyst/centre_cli.h"
#include "analyst/keyring.h"
#include "protocol/bundle.h"
#include "server/relay_harness.h"
#include "storage/file.h"
#include "support/pty.h"
#include "support/tempdir.h"

using namespace gongyou;
using test::codeFrom;
using test::kAnalystBin;
using test::kReportBin;
using test::run;

namespace {

int mode(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("analyst cli: init makes a centre that the relay pins and a worker enrols with") {
  test::CentreCli c;
  test::TempDir relayTmp;
  std::string data = relayTmp / "relay";
  test::relayKey(data);  // makes the store and the key
  test::Relay relay(data);

  auto init = c.analyst({"init", "--centre", "shenzhen-workers", "--relay", relay.spec(), "--name",
                         "zh-Hans=深圳工人服务中心", "--name", "en=Shenzhen Workers' Centre", "--pow", "8"});
  REQUIRE(init.first == 0);
  for (const char* f : {"keyring.age", "courier.key", "centre.bundle", "centre-code.svg"}) {
    INFO(f);
    CHECK(mode(c.dir + "/" + f) == 0600);
  }
  CHECK(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);

  // The worker types the grouped code from the printout.
  test::TempDir worker;
  auto enrol = run({kReportBin, "--state", worker / "s", "--lang", "zh-Hans", "enrol", codeFrom(init.second)});
  CHECK(enrol.first == 0);
  CHECK_THAT(enrol.second, Catch::Contains("深圳工人服务中心"));

  // init refuses to overwrite a centre's keys.
  CHECK(c.analyst({"init", "--centre", "shenzhen-workers", "--relay", relay.spec()}).first == 1);
  // The courier key file holds the courier key and nothing else secret.
  std::string courier = run({"/bin/cat", c.dir + "/courier.key"}).second;
  CHECK_THAT(courier, Catch::Contains("GONGYOU-COURIER-SECRET-1"));
  CHECK(courier.find("IDENTITY") == std::string::npos);
  CHECK(courier.find("AGE-SECRET-KEY") == std::string::npos);
}

TEST_CASE("analyst cli: bundle and rotate raise the version and a wrong passphrase changes nothing") {
  test::CentreCli c;
  REQUIRE(c.analyst({"init", "--centre", "c1", "--relay", "127.0.0.1:7455=" + protocol::encodeRelayKey(test::strangerRelayKey())}).first == 0);
  CHECK_THAT(c.analyst({"bundle"}).second, Catch::Contains("version 2"));
  auto rotated = c.analyst({"rotate", "--overlap", "7"});
  CHECK(rotated.first == 0);
  CHECK_THAT(rotated.second, Catch::Contains("version 3"));
  auto keys = run({kAnalystBin, "keys", "--dir", c.dir});
  CHECK(keys.first == 0);
  CHECK(std::count(keys.second.begin(), keys.second.end(), '\n') >= 5);
  CHECK_THAT(keys.second, Catch::Contains("bundle version 3"));

  // Several analysts, and revoking one.
  auto added = c.analyst({"add-analyst"});
  CHECK_THAT(added.second, Catch::Contains("version 4"));
  std::string newKey = added.second.substr(added.second.find("age1"), 62);
  auto listed = run({kAnalystBin, "keys", "--dir", c.dir}).second;
  CHECK(std::count(listed.begin(), listed.end(), '\n') >= 6);  // the rotated pair (overlap) and the new one
  CHECK(c.analyst({"revoke", "--key", newKey}).first == 0);
  CHECK(run({kAnalystBin, "keys", "--dir", c.dir}).second.find(newKey) == std::string::npos);
  CHECK(c.analyst({"revoke", "--key", "age1notakey"}).first == 2);

  // A new list of relays: in the bundle and the courier key.
  CHECK(c.analyst({"bundle", "--relay", "relay-b.example.org:7455=" + protocol::encodeRelayKey(test::strangerRelayKey()), "--relay", "127.0.0.1:7456=" + protocol::encodeRelayKey(test::strangerRelayKey())}).first == 0);
  auto bundle = protocol::BundleFile::open(storage::readFile(c.dir + "/centre.bundle"));
  REQUIRE(bundle->bundle().getRelays().size() == 2);
  CHECK(bundle->bundle().getRelays()[0] == "relay-b.example.org:7455");
  std::string courier = run({"/bin/cat", c.dir + "/courier.key"}).second;
  CHECK_THAT(courier, Catch::Contains("127.0.0.1:7456"));
  CHECK(courier.find("127.0.0.1:7455") == std::string::npos);

  Bytes before = storage::readFile(c.dir + "/keyring.age");
  storage::writeFileAtomic(c.pass, "wrong\n");
  auto err = c.tmp / "err";
  CHECK(c.analyst({"bundle"}, err).first == 1);
  CHECK_THAT(run({"/bin/cat", err}).second, Catch::Contains("wrong passphrase"));
  CHECK(storage::readFile(c.dir + "/keyring.age") == before);
  CHECK(run({kAnalystBin, "bundle"}).first == 2);
  CHECK(run({kAnalystBin, "--help"}).first == 0);
}

TEST_CASE("analyst cli: a new passphrase a cracker would guess is refused and a mistyped one asked again") {
  test::CentreCli c;
  const std::string relay = "127.0.0.1:7455=" + protocol::encodeRelayKey(test::strangerRelayKey());
  // From a file (scripts): refused with how soon it would fall, nothing made.
  storage::writeFileAtomic(c.tmp / "weak", "a\n");
  const auto err = c.tmp / "err";
  auto weak = run({kAnalystBin, "init", "--dir", c.dir, "--centre", "c1", "--relay", relay, "--passphrase-file",
                   c.tmp / "weak", "--scrypt-work", "10"},
                  err);
  CHECK(weak.first == 1);
  CHECK_THAT(run({"/bin/cat", err}).second,
             Catch::Contains("too easy to guess") && Catch::Contains("under two minutes") && Catch::Contains("nothing was written"));
  CHECK_FALSE(storage::fileExists(c.dir));
  // The centre's own id is no secret: a passphrase made of it is weak too.
  storage::writeFileAtomic(c.tmp / "own", "shenzhen-centre 1\n");
  CHECK(run({kAnalystBin, "init", "--dir", c.dir, "--centre", "shenzhen-centre", "--relay", relay, "--passphrase-file",
             c.tmp / "own", "--scrypt-work", "10"})
            .first == 1);

  // On the terminal: a weak one and a mistyped confirmation are asked again.
  test::Pty t({kAnalystBin, "init", "--dir", c.dir, "--centre", "c1", "--relay", relay, "--scrypt-work", "10",
               "--store-cost", "interactive"});
  REQUIRE(t.expect("New keyring passphrase: "));
  t.type("password1");
  REQUIRE(t.expect("too easy to guess"));
  REQUIRE(t.expect("New keyring passphrase: "));
  t.type("correct horse battery");
  REQUIRE(t.expect("Again: "));
  t.type("correct horse batery");
  REQUIRE(t.expect("The two entries differ"));
  REQUIRE(t.expect("New keyring passphrase: "));
  t.type("correct horse battery");
  REQUIRE(t.expect("Again: "));
  t.type("correct horse battery");
  REQUIRE(t.expect("created centre c1"));
  CHECK(t.wait() == 0);
  // It opens with what was typed (the fixture's passphrase file holds it).
  CHECK(c.analyst({"bundle"}).first == 0);
}

TEST_CASE("analyst cli: collect with every relay down writes no batch and says each thing once") {
  test::CentreCli c;
  // Nothing listens on port 1 of loopback: refused at once.
  REQUIRE(c.analyst({"init", "--centre", "c1", "--relay", "127.0.0.1:1=" + protocol::encodeRelayKey(test::strangerRelayKey())})
              .first == 0);
  const auto err = c.tmp / "err";
  auto r = c.courier({"collect", "--out", c.tmp / "batch.gyb", "--timeout", "2"}, err);
  CHECK(r.first == 4);
  CHECK_FALSE(storage::fileExists(c.tmp / "batch.gyb"));
  CHECK_THAT(r.second, Catch::Contains("127.0.0.1:1: not reached") && Catch::Contains("no relay reached: no batch written"));
  // Standard error shows progress, not the summary again.
  const std::string progress = run({"/bin/cat", err}).second;
  CHECK_THAT(progress, Catch::Contains("127.0.0.1:1: connecting"));
  CHECK(progress.find("not reached") == std::string::npos);
}

TEST_CASE("analyst cli: each command answers --help with its own usage") {
  for (const std::string cmd : {"show", "desk", "import", "collect", "rotate-courier", "reply"}) {
    INFO(cmd);
    auto h = run({kAnalystBin, cmd, "--help"});
    CHECK(h.first == 0);
    CHECK_THAT(h.second, Catch::StartsWith("Usage:\n  gongyou-analyst " + cmd + " "));
    CHECK(h.second.find("gongyou-analyst init") == std::string::npos);  // not the whole manual
    CHECK_THAT(h.second, Catch::Contains("\n  " + cmd));                // its description
  }
  CHECK_THAT(run({kAnalystBin, "--help"}).second, Catch::Contains("gongyou-analyst init"));

  // In Chinese (--lang, or the locale): the manual, each command's paragraph and the
  // tool's own messages, with the command lines as they are typed.
  auto zh = run({kAnalystBin, "--lang", "zh-Hans", "--help"});
  CHECK_THAT(zh.second, Catch::StartsWith("gongyou-analyst：工人服务中心的工具") && Catch::Contains("\n命令：\n") &&
                            Catch::Contains("\n选项：\n") && Catch::Contains("  gongyou-analyst init --dir DIR"));
  CHECK(zh.second.find("Commands:") == std::string::npos);
  auto desk = run({kAnalystBin, "desk", "--help", "--lang", "zh-Hans"});
  CHECK_THAT(desk.second, Catch::StartsWith("用法：\n  gongyou-analyst desk ") && Catch::Contains("\n  desk         中心的工作台"));
  CHECK(desk.second.find("gongyou-analyst init") == std::string::npos);
  test::TempDir tmp;
  const std::string err = tmp / "err";
  CHECK(run({kAnalystBin, "import", "--lang", "zh-Hans"}, err).first == 2);
  Bytes said = storage::readFile(err);
  CHECK_THAT(std::string(ByteView(said).str()), Catch::Contains("gongyou-analyst: 需要 --dir 目录（见 gongyou-analyst --help）"));
}
