// The whole pipeline over wss://, as a relay is deployed on the open internet:
// the relay on loopback behind a real nginx from Debian terminating TLS with a
// certificate from a test CA; between the clients and nginx, a tap recording
// every byte, as an ISP or a Tor exit would see them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyst/centre_cli.h"
#include "crypto/reply_code.h"
#include "protocol/relay_endpoint.h"
#include "server/relay_harness.h"
#include "support/tcp_tap.h"
#include "support/tls_front.h"

using namespace gongyou;
using test::run;

namespace {

const char kReport[] =
    R"({"employer":{"name":"Omega Plastics","province":"Guangdong"},"categories":["wage_arrears"],"language":"en","narrative":"OMEGA-MARKER"})";


bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
bool containsBytes(const std::string& hay, const crypto::Mailbox& m) {
  return std::search(hay.begin(), hay.end(), m.begin(), m.end()) != hay.end();
}

}  // namespace

TEST_CASE("wss: reporter and courier through a real nginx TLS front show an observer nothing but TLS") {
  test::CentreCli c;
  const std::string data = c.tmp / "relay";
  test::relayKey(data);
  test::Relay relay(data, {"--listen-websocket", "127.0.0.1:0"});
  const std::string wsHostPort = relay.webSocket().substr(5, relay.webSocket().rfind('/') - 5);
  auto ca = test::makeTestCa(c.tmp.path());
  test::TlsFront nginx(c.tmp, ca, wsHostPort, "/gongyou", test::freePort());
  test::TcpTap tap("127.0.0.1:" + std::to_string(nginx.port()));
  const std::string address = "wss://localhost:" + std::to_string(tap.port()) + "/gongyou";

  auto init = c.analyst({"init", "--centre", "omega-centre", "--relay", address + "=" + protocol::encodeRelayKey(relay.key()),
                         "--pow", "6"});
  REQUIRE(init.first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);

  test::TempDir w;
  auto worker = [&](std::vector<std::string> args, bool trustTestCa = true) {
    std::vector<std::string> v{test::kReportBin, "--state", w / "s", "--lang", "en", "--timeout", "10"};
    if (trustTestCa) v.insert(v.end(), {"--ca-file", ca.ca});
    v.insert(v.end(), args.begin(), args.end());
    return run(v);
  };
  REQUIRE(worker({"enrol", test::codeFrom(init.second)}).first == 0);
  storage::writeFileAtomic(w / "r.json", kReport);
  auto sent = worker({"submit", "--json", w / "r.json"});
  REQUIRE(sent.first == 0);
  CHECK_THAT(sent.second, Catch::Contains("Sent"));
  const std::string replyCode = [&] {
    auto at = sent.second.find("shown only once):\n");
    REQUIRE(at != std::string::npos);
    auto line = sent.second.substr(at + 18, sent.second.find('\n', at + 18) - at - 18);
    return line.substr(line.find_first_not_of(' '));
  }();

  // Without the test CA the certificate does not verify: nothing is sent.
  auto untrusted = worker({"submit", "--json", w / "r.json"}, false);
  CHECK(untrusted.first == 3);
  CHECK_THAT(untrusted.second, Catch::Contains("Not sent yet"));

  // The courier collects and delivers over wss:// too.
  auto collected = c.courier({"collect", "--out", c.tmp / "b1", "--ca-file", ca.ca});
  REQUIRE(collected.first == 0);
  CHECK_THAT(collected.second, Catch::Contains(address + ": 1 envelopes"));
  auto imported = c.analyst({"import", c.tmp / "b1"});
  REQUIRE(imported.first == 0);
  auto list = c.analyst({"list"});
  auto line = list.second.substr(list.second.rfind('\n', list.second.find("Omega Plastics")) + 1);
  const std::string ref = line.substr(0, line.find(' '));
  REQUIRE(c.analyst({"reply", "--report", ref, "--text", "OMEGA-ANSWER come on Saturday"}).first == 0);
  REQUIRE(c.analyst({"outbound", "--out", c.tmp / "o1"}).first == 0);
  REQUIRE(c.courier({"deliver", c.tmp / "o1", "--ca-file", ca.ca}).first == 0);
  auto answers = worker({"replies", replyCode});
  CHECK_THAT(answers.second, Catch::Contains("OMEGA-ANSWER come on Saturday"));

  // What the observer saw: TLS records, and in them nothing of gongyou.
  auto code = crypto::ReplyCode::parse(replyCode);
  REQUIRE(code);
  const auto mailbox = crypto::deriveReplyKeys(*code).mailbox;
  const auto streams = tap.streams();
  CHECK(streams.size() >= 6);  // enrol, submit, refused submit, collect, deliver, replies (and their refreshes)
  for (const auto& s : streams) {
    for (const std::string* dir : {&s.up, &s.down}) {
      if (dir->empty()) continue;
      CHECK(static_cast<unsigned char>((*dir)[0]) == 0x16);  // a TLS handshake record first
      CHECK_FALSE(contains(*dir, "omega-centre"));
      CHECK_FALSE(contains(*dir, "age-encryption.org"));
      CHECK_FALSE(contains(*dir, "X25519"));
      CHECK_FALSE(contains(*dir, "gongyou"));
      CHECK_FALSE(contains(*dir, "OMEGA"));
      CHECK_FALSE(containsBytes(*dir, mailbox));
    }
  }
}
