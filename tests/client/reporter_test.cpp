// Integration: the real gongyou-report against the real gongyou-relay on
// 127.0.0.1, directly and through a real SOCKS5 proxy (microsocks).
#include <catch2/catch.hpp>

#include <capnp/serialize.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>

#include <algorithm>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/evidence.h"
#include "client/report_json.h"
#include "client/sender.h"
#include "client/state.h"
#include "crypto/reply_code.h"
#include "protocol/attachments.h"
#include "protocol/day.h"
#include "protocol/centre_code.h"
#include "protocol/report.capnp.h"
#include "protocol/reply.h"
#include "protocol/taxonomy.h"
#include "server/relay_harness.h"
#include "storage/file.h"
#include "storage/relay_store.h"
#include "support/evidence_fixtures.h"
#include "support/pty.h"
#include "support/tcp_tap.h"

using namespace gongyou;
using test::run;

namespace {

const std::string kReportBin = GONGYOU_REPORT_BIN;

const char kJson[] =
    R"({"employer": {"name": "Huaqiang Electronics", "city": "Shenzhen", "province": "Guangdong", "country": "CN"},
        "occurred": {"year": 2026, "month": 9}, "categories": ["wage_arrears"], "workersAffected": 30,
        "amountOwed": {"minorUnits": "9000000", "currency": "CNY"},
        "narrative": "NARRATIVE-MARKER three months unpaid", "language": "en", "reporterRole": "affectedWorker"})";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every byte of every file under `dir`, concatenated.
std::string allFiles(const std::string& dir) {
  std::string out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    std::string p = dir + "/" + n;
    out += e->d_type == DT_DIR ? allFiles(p) : slurp(p);
  }
  ::closedir(d);
  return out;
}

using test::freePort;

// The report inside an envelope, as the analyst will read it.
struct Opened {
  kj::Array<capnp::word> words;
  std::unique_ptr<capnp::FlatArrayMessageReader> reader;
  proto::Report::Reader report() { return reader->getRoot<proto::Report>(); }
};
Opened openPadded(ByteView padded) {
  auto content = padding::unpad(padded);
  REQUIRE(content);
  Opened o;
  o.words = kj::heapArray<capnp::word>(content->size() / 8);  // attachments after the message: cut short is fine
  std::memcpy(o.words.begin(), content->data(), o.words.asBytes().size());
  o.reader = std::make_unique<capnp::FlatArrayMessageReader>(o.words);
  return o;
}
Opened openEnvelope(const test::Centre& c, ByteView env) {
  io::MemorySource src(env);
  io::VectorSink out;
  REQUIRE(age::decrypt(src, {&c.analyst}, out) == age::Status::Ok);
  return openPadded(out.out);
}

struct World {
  test::TempDir tmp;
  std::string data = tmp / "relay";
  std::string state = tmp / "state";
  test::Centre centre;
  // Where the relay on `data` listens: the bundle lists it with its key.
  std::string address = test::freeAddress();
  World() {
    centre.id = "centre-a";
    centre.relays.push_back({address, test::relayKey(data)});
    REQUIRE(test::addCentre(data, centre, tmp) == 0);
  }
  std::string code(const std::string& relay, const crypto::SignPublicKey* identity = nullptr) const {
    return protocol::encodeCentreCode({centre.id, identity ? *identity : centre.identity.publicKey(), {relay}});
  }
  std::vector<std::string> cmd(std::vector<std::string> args) const {
    std::vector<std::string> v{kReportBin, "--state", state, "--lang", "en", "--timeout", "5"};
    v.insert(v.end(), args.begin(), args.end());
    return v;
  }
  std::string writeJson(const std::string& text) const {
    std::string p = tmp / "report.json";
    std::ofstream(p) << text;
    return p;
  }
  // The envelopes waiting in this centre's outbox (the files themselves: what
  // a seized laptop shows).
  std::vector<std::string> outbox(const std::string& id = {}) const {
    return storage::listFiles(state + "/centres/" + (id.empty() ? centre.id : id) + "/outbox", ".age");
  }
  std::vector<Bytes> collect(const test::Relay& relay) const {
    test::Client c(relay);
    auto col = c.login(centre.id, centre.courier);
    auto lr = col.listRequest();
    auto listed = lr.send().wait(c.ws());
    auto fr = col.fetchRequest();
    auto ids = fr.initIds(listed.getEntries().size());
    for (unsigned i = 0; i < ids.size(); ++i) ids.set(i, listed.getEntries()[i].getId());
    auto got = fr.send().wait(c.ws());
    std::vector<Bytes> out;
    for (auto e : got.getEnvelopes()) out.emplace_back(e.getData().begin(), e.getData().end());
    return out;
  }
};

// A terminal conversation: wait for each text, then type the answer (nullptr:
// only wait for the text).
void converse(test::Pty& t, const std::vector<std::pair<const char*, const char*>>& steps) {
  for (const auto& [prompt, answer] : steps) {
    INFO("waiting for: " << prompt);
    REQUIRE(t.expect(prompt));
    if (answer) t.type(answer);
  }
}

std::string replyCodeFrom(const std::string& out) {
  auto at = out.find("shown only once):\n");
  REQUIRE(at != std::string::npos);
  auto line = out.substr(at + 18, out.find('\n', at + 18) - at - 18);
  return line.substr(line.find_first_not_of(' '));
}

}  // namespace

TEST_CASE("reporter: enrol and submit JSON through the real relay and the centre reads it (age -d too)") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  auto enrol = run(w.cmd({"enrol", w.code(relay.address())}));
  REQUIRE(enrol.first == 0);
  CHECK_THAT(enrol.second, Catch::Contains("Connected to Test Workers' Centre"));
  auto sent = run(w.cmd({"submit", "--json", w.writeJson(kJson)}));
  REQUIRE(sent.first == 0);
  CHECK_THAT(sent.second, Catch::Contains("Sent."));
  std::string code = replyCodeFrom(sent.second);
  CHECK(crypto::ReplyCode::parse(code));

  auto envs = w.collect(relay);
  REQUIRE(envs.size() == 1);
  auto opened = openEnvelope(w.centre, envs[0]);
  auto r = opened.report();
  CHECK(r.getEmployer().getName() == "Huaqiang Electronics");
  CHECK(r.getAmountOwed().getMinorUnits() == 9000000);
  // The reply key inside the report is the one the worker's code derives.
  auto keys = crypto::deriveReplyKeys(*crypto::ReplyCode::parse(code));
  auto pk = keys.identity.recipient().publicKey();
  CHECK(Bytes(r.getReplyKey().begin(), r.getReplyKey().end()) == Bytes(pk.begin(), pk.end()));

  // The reference age tool opens the same envelope with the analyst's key.
  auto key = w.centre.analyst.encode();
  storage::writeFileAtomic(w.tmp / "analyst.key", key.view());
  storage::writeFileAtomic(w.tmp / "report.age", envs[0]);
  auto age = run({"/usr/bin/age", "-d", "-i", w.tmp / "analyst.key", "-o", w.tmp / "padded", w.tmp / "report.age"});
  REQUIRE(age.first == 0);
  auto viaAge = openPadded(storage::readFile(w.tmp / "padded"));
  CHECK(viaAge.report().getNarrative() == "NARRATIVE-MARKER three months unpaid");

  // Nothing readable of the report stays on the worker's machine.
  std::string kept = allFiles(w.state);
  CHECK(kept.find("NARRATIVE-MARKER") == std::string::npos);
  CHECK(kept.find("Huaqiang") == std::string::npos);
  CHECK(kept.find(code) == std::string::npos);
}

TEST_CASE("reporter: later runs refresh the bundle and every text report has one envelope size") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  // The centre rotates its analyst key and publishes bundle version 2.
  w.centre.analyst = age::X25519Identity::generate();
  w.centre.version = 2;
  {
    test::Client c(relay);
    auto col = c.login(w.centre.id, w.centre.courier);
    Bytes file = w.centre.bundleFile();
    kj::Array<capnp::word> words;
    auto msg = protocol::readSignedBundle(file, words);
    auto req = col.publishBundleRequest();
    req.setBundle(msg->getRoot<proto::SignedBundle>());
    req.send().wait(c.ws());
  }
  // Two reports of very different lengths.
  REQUIRE(run(w.cmd({"submit", "--json", w.writeJson(kJson)})).first == 0);
  CHECK_THAT(run(w.cmd({"status"})).second, Catch::Contains("key version 2"));
  REQUIRE(run(w.cmd({"submit", "--no-reply", "--json",
                     w.writeJson(R"({"employer":{"name":"x"},"categories":["other"],"language":"en"})")}))
              .first == 0);
  auto envs = w.collect(relay);
  REQUIRE(envs.size() == 2);
  CHECK(envs[0].size() == envs[1].size());
  // Both went to the new key (openEnvelope uses the centre's current analyst).
  for (auto& e : envs) CHECK(openEnvelope(w.centre, e).report().getCategories().size() == 1);
}

TEST_CASE("reporter: two relays holding different bundle versions and the worker uses the newest") {
  // After the centre replaced its analyst key (add-analyst, revoke), relay B got
  // the new bundle and relay A kept the old one. A is first everywhere.
  World w;
  test::TempDir tmpB;
  const std::string dataB = tmpB / "relay";
  const std::string addressB = test::freeAddress();
  w.centre.relays.push_back({addressB, test::relayKey(dataB)});
  w.centre.version = 2;  // v1 went to A alone in World(); v2 (both relays listed) goes everywhere first
  REQUIRE(test::addCentre(w.data, w.centre, w.tmp) == 0);
  REQUIRE(test::addCentre(dataB, w.centre, tmpB) == 0);
  const age::X25519Identity revoked = std::move(w.centre.analyst);
  w.centre.analyst = age::X25519Identity::generate();
  w.centre.version = 3;
  REQUIRE(test::addCentre(dataB, w.centre, tmpB) == 0);  // only B has it

  test::Relay a(w.data, {"--listen", w.address}), b(dataB, {"--listen", addressB});
  REQUIRE(run(w.cmd({"enrol", w.code(a.address())})).first == 0);
  CHECK_THAT(run(w.cmd({"status"})).second, Catch::Contains("key version 3"));
  REQUIRE(run(w.cmd({"submit", "--no-reply", "--json", w.writeJson(kJson)})).first == 0);
  auto envs = w.collect(a);  // it went to A, the first relay: encrypted to the new key only
  REQUIRE(envs.size() == 1);
  io::MemorySource src(envs[0]);
  io::VectorSink out;
  CHECK(age::decrypt(src, {&revoked}, out) == age::Status::NoMatch);
  CHECK(openEnvelope(w.centre, envs[0]).report().getEmployer().getName() == "Huaqiang Electronics");
  // A later run does not go back to A's version either.
  REQUIRE(run(w.cmd({"flush"})).first == 0);
  CHECK_THAT(run(w.cmd({"status"})).second, Catch::Contains("key version 3"));
}

TEST_CASE("reporter: fails over across relays and says which ones failed when none answers") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  // The code names a dead relay first; the bundle names another dead one.
  std::string code = protocol::encodeCentreCode({w.centre.id, w.centre.identity.publicKey(), {"127.0.0.1:2", relay.address()}});
  REQUIRE(run(w.cmd({"enrol", code})).first == 0);
  REQUIRE(run(w.cmd({"submit", "--json", w.writeJson(kJson)})).first == 0);
  CHECK(w.collect(relay).size() == 1);
  // With every relay down the error lists each one and its reason.
  auto err = w.tmp / "err";
  std::string deadOnly = protocol::encodeCentreCode({w.centre.id, w.centre.identity.publicKey(), {"127.0.0.1:2"}});
  CHECK(run(w.cmd({"enrol", deadOnly}), err).first == 3);
  CHECK_THAT(slurp(err), Catch::Contains("127.0.0.1:2: cannot connect to 127.0.0.1:2: Connection refused"));
}

TEST_CASE("reporter: an invalid report is refused with the field named and nothing is sent") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  auto err = w.tmp / "err";
  std::string oneLine = kJson;
  oneLine.erase(std::remove(oneLine.begin(), oneLine.end(), '\n'), oneLine.end());
  auto r = run(w.cmd({"submit", "--json",
                      w.writeJson(oneLine + "\n" + R"({"employer":{"name":"x"},"categories":["nope"],"language":"en"})")}),
               err);
  // JSON lines: the second object is bad, so the batch is refused whole.
  CHECK(r.first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("line 2: categories: unknown category id"));
  CHECK(w.collect(relay).empty());
  CHECK(w.outbox().empty());
}

TEST_CASE("reporter: pinning refuses a wrong fingerprint and a bad signature and an expired bundle and a rollback") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  auto err = w.tmp / "err";

  SECTION("a code whose identity did not sign the relay's bundle") {
    auto other = crypto::SigningKey::generate();
    CHECK(run(w.cmd({"enrol", w.code(relay.address(), &other.publicKey())}), err).first == 1);
    CHECK_THAT(slurp(err), Catch::Contains("different identity"));
    CHECK(run(w.cmd({"status"})).first == 1);  // nothing pinned
  }
  SECTION("a relay serving a tampered or expired bundle") {
    storage::RelayStore store(w.data);
    // Same identity, expired yesterday.
    const auto issued = w.centre.issuedDay, expires = w.centre.expiresDay;
    w.centre.issuedDay = protocol::today() - 100;
    w.centre.expiresDay = protocol::today() - 1;
    Bytes expired = w.centre.bundleFile();
    w.centre.issuedDay = issued, w.centre.expiresDay = expires;
    Bytes tampered = w.centre.bundleFile();
    tampered[tampered.size() - 10] ^= 1;  // inside the signature
    for (auto& [bytes, why] : std::vector<std::pair<Bytes, std::string>>{
             {expired, "expired"}, {tampered, "signature"}}) {
      // Written behind the relay's back, as a compromised relay host could.
      storage::RelayStore::Batch b(store);
      b.putCentre(w.centre.id, bytes);
      b.commit();
      CHECK(run(w.cmd({"enrol", w.code(relay.address())}), err).first == 1);
      CHECK_THAT(slurp(err), Catch::Contains(why));
    }
  }
  SECTION("a second relay serving an older version") {
    w.centre.version = 2;
    REQUIRE(test::addCentre(w.data, w.centre, w.tmp) == 0);
    REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
    test::TempDir oldTmp;
    std::string oldData = oldTmp / "relay";
    test::relayKey(oldData);  // makes the store and the key
    w.centre.version = 1;
    REQUIRE(test::addCentre(oldData, w.centre, oldTmp) == 0);
    test::Relay old(oldData);
    CHECK(run(w.cmd({"enrol", w.code(old.address())}), err).first == 1);
    CHECK_THAT(slurp(err), Catch::Contains("older than"));
    CHECK_THAT(run(w.cmd({"status"})).second, Catch::Contains("key version 2"));
  }
  SECTION("a mistyped code never reaches the network") {
    std::string code = w.code(relay.address());
    code[12] = code[12] == 'Q' ? 'P' : 'Q';
    CHECK(run(w.cmd({"enrol", code}), err).first == 1);
    CHECK_THAT(slurp(err), Catch::Contains("typo in group 3"));
  }
}

TEST_CASE("reporter: a submission through a real SOCKS5 proxy arrives") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  const unsigned short port = freePort();
  const std::string proxyLog = w.tmp / "microsocks.log";
  test::Process proxy({"/usr/bin/microsocks", "-i", "127.0.0.1", "-p", std::to_string(port)}, proxyLog);
  // Readiness: the proxy accepts connections.
  bool up = false;
  for (int i = 0; i < 500 && !up; ++i) {
    try {
      ::close(protocol::connectTcp("127.0.0.1:" + std::to_string(port), std::chrono::seconds(1)));
      up = true;
    } catch (const std::exception&) {
      std::this_thread::yield();
    }
  }
  REQUIRE(up);
  const std::string via = "socks5://127.0.0.1:" + std::to_string(port);
  auto cmd = [&](std::vector<std::string> a) {
    auto v = w.cmd(a);
    v.insert(v.begin() + 1, {"--proxy", via});
    return v;
  };
  // Connections the proxy made to the relay (the relay saw the proxy, not us).
  auto viaProxy = [&] {
    const std::string line = "connected to " + relay.address();
    std::string log = slurp(proxyLog);
    std::size_t n = 0;
    for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++n;
    return n;
  };
  REQUIRE(run(cmd({"enrol", w.code(relay.address())})).first == 0);
  const std::size_t afterEnrol = viaProxy();
  CHECK(afterEnrol >= 1);
  // The proxy used to enrol is remembered: this run gives no --proxy at all.
  auto sent = run(w.cmd({"submit", "--json", w.writeJson(kJson)}));
  CHECK(sent.first == 0);
  CHECK(w.collect(relay).size() == 1);
  CHECK(viaProxy() > afterEnrol);

  // A proxy that is not there: clear error, the report waits encrypted.
  auto err = w.tmp / "err";
  auto down = w.cmd({"submit", "--json", w.writeJson(kJson)});
  down.insert(down.begin() + 1, {"--proxy", "socks5://127.0.0.1:" + std::to_string(freePort())});
  CHECK(run(down, err).first == 3);
  CHECK(w.outbox().size() == 1);
}

TEST_CASE("reporter: through SOCKS5 every connection has its own credentials and a reply fetch sends nothing") {
  // The proxy asks for username/password as Tor does when offered it, and
  // records what each connection came with: Tor puts streams with different
  // credentials on different circuits.
  World w;
  test::TcpTap proxy("");
  const std::string via = "socks5://127.0.0.1:" + std::to_string(proxy.port());
  auto cmd = [&](std::vector<std::string> a) {
    auto v = w.cmd(a);
    v.insert(v.begin() + 1, {"--proxy", via});
    return v;
  };
  std::string replyCode;
  {
    test::Relay relay(w.data, {"--listen", w.address});
    REQUIRE(run(cmd({"enrol", w.code(relay.address())})).first == 0);
    auto sent = run(cmd({"submit", "--json", w.writeJson(kJson)}));
    REQUIRE(sent.first == 0);
    auto at = sent.second.find("shown only once):\n");
    REQUIRE(at != std::string::npos);
    auto line = sent.second.substr(at + 18, sent.second.find('\n', at + 18) - at - 18);
    replyCode = line.substr(line.find_first_not_of(' '));
  }
  // A report written while the relay is down waits in the outbox.
  CHECK(run(cmd({"submit", "--no-reply", "--json", w.writeJson(kJson)})).first == 3);
  REQUIRE(w.outbox().size() == 1);
  test::Relay relay(w.data, {"--listen", w.address});
  const std::size_t before = proxy.streams().size();
  auto answers = run(cmd({"replies", replyCode}));
  CHECK(answers.first == 0);
  // Checking for answers sent nothing: the waiting report is still waiting…
  CHECK(w.outbox().size() == 1);
  CHECK(w.collect(relay).size() == 1);
  // …and goes on its own run.
  CHECK(run(cmd({"flush"})).first == 0);
  CHECK(w.outbox().empty());

  const auto streams = proxy.streams();
  CHECK(streams.size() - before >= 2);  // the bundle refresh and the mailbox fetch, apart
  std::set<std::string> users;
  for (const auto& s : streams) {
    CHECK((s.socksTarget == w.address || s.socksTarget == test::kDeadRelay));  // names go to the proxy unresolved
    CHECK(s.socksUser.size() == 32);
    users.insert(s.socksUser);
  }
  CHECK(users.size() == streams.size());  // never the same credentials twice
}

TEST_CASE("reporter: offline the report waits in the outbox as ciphertext and flush delivers it once") {
  World w;
  std::string address;
  {
    test::Relay first(w.data, {"--listen", w.address});
    address = first.address();
    REQUIRE(run(w.cmd({"enrol", w.code(address)})).first == 0);
  }  // the relay is gone
  auto sent = run(w.cmd({"submit", "--json", w.writeJson(kJson)}));
  CHECK(sent.first == 3);
  CHECK_THAT(sent.second, Catch::Contains("Not sent yet"));
  auto queued = w.outbox();
  REQUIRE(queued.size() == 1);
  std::string env = slurp(queued[0]);
  CHECK(env.rfind("age-encryption.org/v1\n", 0) == 0);
  std::string kept = allFiles(w.state);
  CHECK(kept.find("NARRATIVE-MARKER") == std::string::npos);
  CHECK(kept.find("Huaqiang") == std::string::npos);

  test::Relay back(w.data, {"--listen", address});
  auto flushed = run(w.cmd({"flush"}));
  CHECK(flushed.first == 0);
  CHECK_THAT(flushed.second, Catch::Contains("Sent 1 waiting report; 0 still waiting."));
  CHECK(w.outbox().empty());
  CHECK_THAT(run(w.cmd({"flush"})).second, Catch::Contains("Sent 0"));
  auto envs = w.collect(back);
  REQUIRE(envs.size() == 1);
  CHECK(Bytes(env.begin(), env.end()) == envs[0]);
}

TEST_CASE("reporter: a relay answering in the real one's place is not believed and the report stays queued") {
  // The impostor holds the centre's real bundle (bundles are public) and sits at
  // the address the bundle lists: only the key it signs receipts with differs.
  World w;
  test::TempDir impTmp;
  const std::string impData = impTmp / "relay";
  test::relayKey(impData);
  REQUIRE(test::addCentre(impData, w.centre, impTmp) == 0);
  auto err = w.tmp / "err";
  {
    test::Relay impostor(impData, {"--listen", w.address});
    REQUIRE(impostor.key() != w.centre.relays.back().key);
    REQUIRE(run(w.cmd({"enrol", w.code(w.address)})).first == 0);  // a bundle proves itself
    auto sent = run(w.cmd({"submit", "--no-reply", "--json", w.writeJson(kJson)}), err);
    CHECK(sent.first == 3);
    CHECK(sent.second.find("Sent") == std::string::npos);
    CHECK_THAT(sent.second, Catch::Contains("could not prove it is your centre's relay"));
    CHECK(w.outbox().size() == 1);
    auto json = run(w.cmd({"submit", "--no-reply", "--output", "json", "--json", w.writeJson(kJson)}));
    CHECK(json.first == 3);
    CHECK(json.second == "{\"line\":1,\"reason\":\"unproven\",\"status\":\"queued\"}\n");
    CHECK(w.outbox().size() == 2);
    CHECK(run(w.cmd({"flush"}), err).first == 3);
    CHECK_THAT(slurp(err), Catch::Contains("could not prove"));
    CHECK(w.outbox().size() == 2);
    // In the worker's language.
    auto zh = run({kReportBin, "--state", w.state, "--lang", "zh-Hans", "--timeout", "5", "submit", "--no-reply",
                   "--json", w.writeJson(kJson)});
    CHECK(zh.first == 3);
    CHECK_THAT(zh.second, Catch::Contains("无法证明"));
  }
  // The real relay back at its address: everything waiting goes, once.
  test::Relay real(w.data, {"--listen", w.address});
  CHECK(run(w.cmd({"flush"})).first == 0);
  CHECK(w.outbox().empty());
  CHECK(w.collect(real).size() == 3);
}

TEST_CASE("reporter: the centre's reply reaches the worker who holds the reply code") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  auto sent = run(w.cmd({"submit", "--json", w.writeJson(kJson)}));
  REQUIRE(sent.first == 0);
  const std::string code = replyCodeFrom(sent.second);
  CHECK_THAT(run(w.cmd({"replies", code})).second, Catch::Contains("No answer yet"));

  // The centre: read the report, answer to its reply key, file under its mailbox.
  auto envs = w.collect(relay);
  auto opened = openEnvelope(w.centre, envs.at(0));
  age::PublicKey pk;
  std::memcpy(pk.data(), opened.report().getReplyKey().begin(), 32);
  Bytes reply = protocol::sealReply(pk, "我们收到了。We will call the labour bureau on Monday.");
  auto mailbox = crypto::mailboxOf(pk);
  {
    test::Client c(relay);
    auto col = c.login(w.centre.id, w.centre.courier);
    auto post = col.postRepliesRequest();
    auto l = post.initReplies(1);
    l[0].setMailbox(kj::arrayPtr(mailbox.data(), 32));
    l[0].setEnvelope(kj::arrayPtr(reply.data(), reply.size()));
    post.send().wait(c.ws());
  }
  // An earlier answer, filed three days ago (written into the relay's store
  // as the relay would have), carrying a terminal control sequence.
  {
    storage::RelayStore store(w.data);
    storage::RelayStore::Batch b(store);
    Bytes older = protocol::sealReply(pk, "First answer\x1b]0;pwned\x07 from us.");
    b.addReply(ByteView(mailbox.data(), mailbox.size()), older, protocol::today() - 3);
    b.commit();
  }
  auto got = run(w.cmd({"replies", code}));
  CHECK(got.first == 0);
  CHECK_THAT(got.second, Catch::Contains("We will call the labour bureau on Monday."));
  // Dated, oldest first, and the control sequence shown, not obeyed.
  const auto first = got.second.find("Answer from the centre (" + protocol::isoDate(protocol::today() - 3) + "):");
  const auto second = got.second.find("Answer from the centre (" + protocol::isoDate(protocol::today()) + "):");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
  CHECK_THAT(got.second, Catch::Contains("First answer\\x1b]0;pwned\\x07 from us."));
  CHECK(got.second.find('\x1b') == std::string::npos);
  CHECK_THAT(got.second, Catch::Contains("stays on the centre's server for 90 days"));
  // Another valid code sees nothing; a mistyped one is caught before any network.
  auto other = crypto::ReplyCode::generate().text();
  CHECK_THAT(run(w.cmd({"replies", std::string(other.view().str())})).second, Catch::Contains("No answer yet"));
  std::string typo = code;
  typo[0] = typo[0] == '1' ? '2' : '1';
  CHECK(run(w.cmd({"replies", typo})).first == 1);
}

namespace {

// The English messages of the reporter's template (singular and plural forms).
std::vector<std::string> englishMessages() {
  std::ifstream in(GONGYOU_REPORT_POT);
  REQUIRE(in);
  std::vector<std::string> out;
  std::string line, *current = nullptr, id, plural;
  auto flush = [&] {
    for (auto* m : {&id, &plural})
      if (!m->empty()) out.push_back(*m), m->clear();
  };
  auto unquote = [](const std::string& q) {
    std::string s;
    for (std::size_t i = 1; i + 1 < q.size(); ++i) {
      if (q[i] == '\\' && i + 2 < q.size()) {
        ++i;
        s += q[i] == 'n' ? '\n' : q[i];
      } else {
        s += q[i];
      }
    }
    return s;
  };
  while (std::getline(in, line)) {
    if (line.rfind("msgid ", 0) == 0) flush(), current = &id, id = unquote(line.substr(6));
    else if (line.rfind("msgid_plural ", 0) == 0) current = &plural, plural = unquote(line.substr(13));
    else if (line.rfind("msgstr", 0) == 0) current = nullptr;
    else if (!line.empty() && line[0] == '"' && current) *current += unquote(line);
  }
  flush();
  return out;
}

// Pieces of English text that `screen` shows: each message is cut at its
// placeholders and line breaks; a piece of 16 characters or more that the
// translation keeps (a command name) is fine, an untranslated message is not.
std::vector<std::string> englishLeft(const Messages& tr, const std::string& screen) {
  std::vector<std::string> left;
  for (const auto& msgid : englishMessages()) {
    const std::string translated = tr(msgid);
    std::string piece;
    auto check = [&] {
      auto a = piece.find_first_not_of(" .,:;()"), b = piece.find_last_not_of(" .,:;()");
      if (a != std::string::npos && b - a + 1 >= 16) {
        std::string p = piece.substr(a, b - a + 1);
        const bool untranslated = translated == msgid;
        if (screen.find(p) != std::string::npos && (untranslated || translated.find(p) == std::string::npos))
          left.push_back(p);
      }
      piece.clear();
    };
    for (std::size_t i = 0; i < msgid.size(); ++i) {
      if (msgid[i] == '\n') check();
      else if (msgid[i] == '%' && i + 1 < msgid.size() && msgid[i + 1] == 's') check(), ++i;
      else if (msgid[i] == '%' && i + 3 < msgid.size() && msgid[i + 2] == '$') check(), i += 3;
      else piece += msgid[i];
    }
    check();
  }
  return left;
}

}  // namespace

// Every language of the catalogs, through --help and the whole form with every
// category chosen (each right, what to do and the law are shown): no English
// sentence is left on the screen where the catalog has a translation.
TEST_CASE("reporter: the form and --help in every language show no English where a translation exists") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  // Groups 1-3 hold 15 kinds of problem and groups 4-7 the other 14: a report
  // holds at most 16, so two runs show them all.
  const char* kGroup = "What happened? Choose the kind of problem (one number):";
  const char* kMore = "Did anything else happen? Choose another kind, or press Enter to go on:";
  const char* kWhich = "Which of these? Numbers separated by spaces (Enter: none of them):";
  using Steps = std::vector<std::pair<const char*, const char*>>;
  const std::vector<Steps> picks{
      {{kGroup, "1"}, {kWhich, "1 2 3 4 5 6 7 8"}, {kMore, "2"}, {kWhich, "1 2 3 4 5"}, {kMore, "3"}, {kWhich, "1 2"}},
      {{kGroup, "4"}, {kWhich, "1 2 3 4"}, {kMore, "5"}, {kWhich, "1 2 3 4"}, {kMore, "6"}, {kWhich, "1 2 3 4 5"},
       {kMore, "7"}, {kWhich, "1"}}};
  // The first characters of a question in the language: enough to know it is on
  // screen. Of its longest literal stretch: a placeholder is filled on screen.
  auto start = [](const Messages& tr, const char* msgid) {
    std::string all = tr(msgid), q;
    for (std::size_t at = 0; at <= all.size();) {
      std::size_t pct = all.find('%', at);
      if (pct == std::string::npos) pct = all.size();
      if (pct - at > q.size()) q = all.substr(at, pct - at);
      at = pct + 1;
      while (at < all.size() && (std::isdigit(static_cast<unsigned char>(all[at])) || all[at] == '$')) ++at;
      ++at;  // the conversion letter
    }
    std::size_t n = 0, chars = 0;
    while (n < q.size() && chars < 5 && q[n] != '\n') {
      n += (q[n] & 0x80) == 0 ? 1 : (q[n] & 0xE0) == 0xC0 ? 2 : (q[n] & 0xF0) == 0xE0 ? 3 : 4;
      ++chars;
    }
    return q.substr(0, n);
  };
  auto langs = Messages::languages();
  REQUIRE(langs.size() >= 2);
  for (const auto& lang : langs) {
    if (lang == "en") continue;
    INFO("language " << lang);
    const Messages& tr = Messages::forLanguage(lang);
    std::string err;
    auto help = run({kReportBin, "--lang", lang, "--help"}, err);
    CHECK(help.first == 0);
    CHECK(englishLeft(tr, help.second).empty());
    for (const auto& pick : picks) {
      test::Pty t({kReportBin, "--state", w.state, "--lang", lang, "new"});
      Steps steps{{"Name of the employer or factory (required):", "Hongda"},
                  {"City:", ""},
                  {"Province:", ""},
                  {"Industry (for example electronics, construction):", ""},
                  {"The employer's unified social credit code (18 characters, on the business licence or a payslip), or press Enter to skip:", ""},
                  {"When did it happen? Year and month, like 2026-10 (or with the day, 2026-10-15), or press Enter to skip:",
                   "2026-08"}};
      steps.insert(steps.end(), pick.begin(), pick.end());
      Steps rest{{kMore, ""},
                 {"Did any of these happen? Choose numbers, or press Enter for none:", "1 2"},
                 {"How many workers are affected?", "3"},
                 {"How much money is owed, in yuan (like 3600 or 3,600.50)? Enter to skip:", "100"},
                 {"Describe what happened, in your own words. Write as many lines as you need; press Enter twice to finish:",
                  "words"},
                 {"(%s characters left; Enter twice to finish)", ""},
                 {nullptr, ""},  // the second Enter ends the description
                 {"Who are you in this? Choose a number:", "1"},
                 {"Attach a photo, a voice note or a document (PDF) as evidence? Type the file's path (or drag the file "
                  "into this window), or press Enter for none:",
                  ""},
                 {"Do you want to be able to read the centre's answer? (y/n, Enter = yes)", "n"},
                 {"Send it now? y = send, n = throw it away, or the number of an answer to change it:", "n"}};
      steps.insert(steps.end(), rest.begin(), rest.end());
      for (const auto& [question, answer] : steps) {
        INFO("waiting for " << (question ? question : "nothing"));
        if (question) REQUIRE(t.expect(start(tr, question)));
        t.type(answer);
      }
      CHECK(t.wait() == 1);  // thrown away: nothing sent
      const auto left = englishLeft(tr, t.screen());
      for (const auto& l : left) UNSCOPED_INFO("English left: " << l);
      CHECK(left.empty());
      CHECK_THAT(t.screen(), Catch::Contains(tr("Not sent. Nothing was kept.")));
      // The review lists the two indicators chosen with the language's own list separator.
      const auto& inds = protocol::forcedLabourIndicators();
      CHECK_THAT(t.screen(), Catch::Contains(tr("%s, %s", {tr(inds[0].nameEn), tr(inds[1].nameEn)})));
    }
  }
}

TEST_CASE("reporter: the guided form in a terminal in English and in Chinese") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  const std::string photo = test::phonePhoto(w.tmp, "photo.jpg");
  const std::string missing = w.tmp / "missing.jpg", quoted = "'" + photo + "'";
  {
    test::Pty t({kReportBin, "--state", w.state, "--lang", "en", "new"});
    converse(t, {{"Name of the employer", "Dongguan Hongda Garments"},
                 {"City:", "Dongguan"},
                 {"Province:", "Guangdong"},
                 {"Industry", ""},
                 {"unified social credit code", "91440300708461136U"},  // one character wrong: asked again
                 {"That code has a mistake", "9144 0300 7084 6113 6t"},
                 {"When did it happen", "2026-13"},
                 {"like 2026-10 or 2026-10-15", "2026-08"},  // only this answer is asked again
                 {"Choose the kind of problem", "9"},
                 {"please choose from 1 to 7", "1"},
                 {"Which of these?", "1"},  // pay: wage arrears
                 {"Your rights: Wages not paid, or paid late", nullptr},
                 {"What to do: Keep pay slips", nullptr},
                 {"Where to go: labour inspection", nullptr},
                 {"The law: Labour Law Art. 50", nullptr},
                 {"Choose another kind", "5"},
                 {"Which of these?", "1"},  // documents and freedom: ID retention
                 {"Your rights: ID card or passport kept by the boss", nullptr},
                 {"Choose another kind", ""},
                 {"Did any of these happen?", "7"},
                 {"How many workers", "sixty"},
                 {"Please write a number", "60"},
                 {"How much money", "15,000"},
                 {"Describe what happened", "They took our ID cards FORM-MARKER"},
                 {"characters left", ""}});
    t.type("");  // Enter twice ends the description
    converse(t, {{"Who are you", "1"},
                 {"Attach a photo", missing.c_str()},
                 {"Cannot read", nullptr},
                 {"Attach a photo", quoted.c_str()},  // as a dragged file arrives
                 {"as evidence-1.jpg (JPEG photo", nullptr},
                 {"Attach a photo", ""},
                 {"read the centre's answer", ""},
                 {"5. Registry number: 91440300708461136T", nullptr},
                 {"7. What happened: Wages not paid, or paid late; ID card or passport kept by the boss", nullptr},
                 {"13. Evidence: evidence-1.jpg", nullptr},
                 {"Send it now?", "y"},
                 {"Sent.", nullptr},
                 {"Your reply code", nullptr}});
    CHECK(t.wait() == 0);
    CHECK_THAT(t.screen(), Catch::Contains("GPS position") && Catch::Contains("camera make and model"));
  }
  {
    test::Pty t({kReportBin, "--state", w.state, "--lang", "zh-Hans", "new"});
    converse(t, {{"雇主或工厂的名称", "苏州恒通建筑"},
                 {"城市", ""},
                 {"省份", ""},
                 {"行业", ""},
                 {"统一社会信用代码", ""},
                 {"什么时候发生的", "２０２６年８月"},  // full-width digits, as a Chinese input method types them
                 {"请选择问题的类别", "4"},              // safety and health
                 {"是下面哪些", "1"},                   // work injury
                 // The right, what to do with its time limit, where to go, and the law last.
                 {"你的权利：上班时受伤", nullptr},
                 {"工伤保险支付", nullptr},
                 {"受伤之日起一年之内", nullptr},
                 {"12333", nullptr},
                 {"法律依据：《工伤保险条例》第十四条、第十七条", nullptr},
                 {"再选一类", ""},
                 {"是否发生过以下情况", ""},
                 {"多少工人", "12人"},
                 {"欠了多少钱", "¥3600元"},
                 {"用你自己的话", "工友从脚手架上摔下来"},
                 {"还可以写大约", ""}});
    t.type("");
    converse(t, {{"身份", "2"},
                 {"要附上照片", ""},
                 {"回复", "n"},
                 {"6. 时间：2026-08", nullptr},
                 {"10. 欠款：3600 元", nullptr},
                 {"现在发送", "y"},
                 {"已发送", nullptr}});
    CHECK(t.wait() == 0);
    CHECK(t.screen().find("回复码") == std::string::npos);  // no reply wanted: no code shown
  }
  auto envs = w.collect(relay);
  REQUIRE(envs.size() == 2);
  std::set<std::string> languages, employers;
  for (auto& e : envs) {
    auto o = openEnvelope(w.centre, e);
    languages.insert(o.report().getLanguage());
    employers.insert(o.report().getEmployer().getName());
    if (o.report().getLanguage() == "en") {
      CHECK(o.report().getCategories().size() == 2);
      CHECK(o.report().getWorkersAffected() == 60);
      CHECK(o.report().getAmountOwed().getMinorUnits() == 1500000);
      CHECK(o.report().getForcedLabourIndicators()[0] == "fl_retention_of_id_documents");
      CHECK(o.report().getReplyKey().size() == 32);
      REQUIRE(o.report().getAttachments().size() == 1);
      CHECK(o.report().getAttachments()[0].getMediaType() == "image/jpeg");
      CHECK(o.report().getAttachments()[0].getName() == "evidence-1.jpg");
    } else {
      CHECK(o.report().getReplyKey().size() == 0);
      CHECK(o.report().getReporterRole() == proto::ReporterRole::COWORKER);
      CHECK(o.report().getCategories()[0] == "work_injury");
      CHECK(o.report().getOccurred().getMonth() == 8);
      CHECK(o.report().getWorkersAffected() == 12);
      CHECK(o.report().getAmountOwed().getMinorUnits() == 360000);
    }
  }
  CHECK(languages == std::set<std::string>{"en", "zh-Hans"});
  CHECK(employers.count("苏州恒通建筑") == 1);
}

TEST_CASE("reporter: evidence that cannot go is refused with its reason and nothing is sent") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  std::string oneLine = kJson;
  oneLine.erase(std::remove(oneLine.begin(), oneLine.end(), '\n'), oneLine.end());
  auto withFiles = [&](const std::vector<std::string>& paths) {
    std::string list;
    for (const auto& p : paths) list += (list.empty() ? "\"" : ",\"") + p + "\"";
    return oneLine.substr(0, oneLine.size() - 1) + ", \"attachments\": [" + list + "]}";
  };
  const std::string photo = test::phonePhoto(w.tmp, "photo.jpg");
  storage::writeFileAtomic(w.tmp / "contract.pdf", "%PDF-1.7\n1 0 obj << /Author (Zhang Wei) >> endobj\n%%EOF\n");
  storage::writeFileAtomic(w.tmp / "note.txt", "just text");
  // 17 MB, sparse: refused by its size before it is read.
  REQUIRE(run({"/usr/bin/truncate", "-s", "17M", w.tmp / "video.jpg"}).first == 0);
  auto err = w.tmp / "err";
  struct Case {
    std::vector<std::string> files;
    const char* said;
  };
  const Case cases[] = {
      {{photo, w.tmp / "contract.pdf"}, "contract.pdf is damaged or not what it seems (Poppler cannot read it)"},
      {{w.tmp / "note.txt"}, "note.txt (unknown file type): gongyou cannot clean"},
      {{w.tmp / "video.jpg"}, "video.jpg is too large: one file may be at most 16 MB"},
      {{w.tmp / "nowhere.jpg"}, "nowhere.jpg: check the file's path"},
      {{photo, photo, photo, photo, photo, photo}, "At most 5 files can go with one report"},
      {{"not-json-string"}, "Cannot read not-json-string"},
  };
  for (const auto& c : cases) {
    INFO(c.said);
    auto r = run(w.cmd({"submit", "--json", w.writeJson(withFiles(c.files))}), err);
    CHECK(r.first == 1);
    const std::string said = slurp(err);
    CHECK_THAT(said, Catch::Contains(c.said));
    CHECK_THAT(said, Catch::Contains("nothing was sent"));
  }
  CHECK_THAT(slurp(err), Catch::Contains("nothing was sent"));
  auto bad = run(w.cmd({"submit", "--json", w.writeJson(oneLine.substr(0, oneLine.size() - 1) + ", \"attachments\": [1]}")}), err);
  CHECK(bad.first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("attachments: must be a list of file paths"));
  CHECK(w.collect(relay).empty());
  CHECK(w.outbox().empty());
}

TEST_CASE("reporter: envelopes whose evidence sizes fall in one PADME bucket are the same size") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  client::ReporterState state(w.state);
  auto pinned = state.pinned();
  REQUIRE(pinned);
  auto sealWith = [&](std::size_t attachmentBytes) {
    auto parsed = client::parseReportsJson(kJson, protocol::today());
    REQUIRE(parsed.at(0).message);
    client::Evidence e;
    e.type = protocol::findAttachmentType("audio/mpeg");
    e.media = media::Media::Mp3;
    e.data = Bytes(attachmentBytes, 0x55);
    return client::seal(*pinned, *parsed[0].message, false, {e}).envelope.size();
  };
  // A voice note of about 2 MB: PADME keeps the top 5 bits of the length
  // below the leading one (E = 20, S = 5): buckets 32 KiB wide, here ~1.6 % of the
  // size. Two notes of 2,000,000 and 2,031,000 bytes (1.5 % apart) look alike.
  const std::size_t a = sealWith(2000000), b = sealWith(2031000);
  CHECK(a == b);
  // The padded size leaks the bucket only: the overhead stays within one bucket.
  CHECK(a >= 2000000);
  CHECK(a < 2000000 + 32768 + 2 * 16384 + 1024);
  // Across a bucket boundary the size changes, by one bucket.
  const std::size_t c = sealWith(2000000 + 40000);
  CHECK(c > a);
  CHECK(c - a <= 32768 + 64);
}

namespace {

// Every envelope in the relay's inbox for `centre`, opened with the analyst key:
// each report's narrative, counted.
std::map<std::string, int> narrativesOnRelay(const std::string& data, const test::Centre& centre) {
  storage::RelayStore store(data);
  std::map<std::string, int> seen;
  Bytes after;
  for (bool more = true; more;) {
    auto page = store.list(centre.id, after, 1000, more);
    for (const auto& e : page) {
      auto env = store.fetch(centre.id, e.id);
      REQUIRE(env);
      ++seen[std::string(openEnvelope(centre, env->data).report().getNarrative().cStr())];
      after.assign(e.id.begin(), e.id.end());
    }
    if (page.empty()) break;
  }
  return seen;
}

std::string manyReports(std::size_t n, const std::string& tag) {
  std::string lines;
  for (std::size_t i = 0; i < n; ++i)
    lines += R"({"employer":{"name":"Factory )" + std::to_string(i % 97) +
             R"("},"categories":["wage_arrears"],"language":"en","narrative":")" + tag + std::to_string(i) + "\"}\n";
  return lines;
}

}  // namespace

TEST_CASE("reporter: 20000 reports in one run are each sent once and 5000 queued are each flushed once") {
  World w;
  std::string address;
  {
    test::Relay relay(w.data, {"--listen", w.address});
    address = relay.address();
    REQUIRE(run(w.cmd({"enrol", w.code(address)})).first == 0);
    const std::size_t n = 20000;
    auto sent = run(w.cmd({"submit", "--no-reply", "--json", w.writeJson(manyReports(n, "R"))}));
    CHECK(sent.first == 0);
    auto seen = narrativesOnRelay(w.data, w.centre);
    CHECK(seen.size() == n);
    std::size_t once = 0;
    for (const auto& [text, count] : seen) once += count == 1;
    CHECK(once == n);
    CHECK(w.outbox().empty());
  }
  // The relay is down: 5,000 wait; it is back: one flush delivers each once.
  const std::size_t queued = 5000;
  auto offline = run(w.cmd({"submit", "--no-reply", "--json", w.writeJson(manyReports(queued, "Q"))}));
  CHECK(offline.first == 3);
  REQUIRE(w.outbox().size() == queued);
  test::Relay back(w.data, {"--listen", address});
  auto flushed = run(w.cmd({"flush"}));
  CHECK(flushed.first == 0);
  CHECK(w.outbox().empty());
  auto seen = narrativesOnRelay(w.data, w.centre);
  std::size_t q = 0;
  for (const auto& [text, count] : seen)
    if (text[0] == 'Q') q += count == 1;
  CHECK(q == queued);
}

TEST_CASE("reporter: JSON from Python's json.dumps arrives at the centre byte for byte for the whole taxonomy") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  // One report per category: its Chinese and English names and definition, and
  // what ASCII-only JSON escapes hardest: CJK, an emoji and a CJK Extension B
  // character (surrogate pairs), letters in hex escapes, quotes, line breaks.
  std::vector<std::pair<std::string, std::string>> expected;  // employer, narrative
  std::string raw;
  for (const auto& c : protocol::categories()) {
    std::string employer = "东莞宏达制衣厂 J (" + c.nameZh + ")";
    std::string narrative = c.nameZh + " / " + c.nameEn + ": " + c.definition + "\n第二行 😀 𠀀 \"引号\" \\ é";
    expected.emplace_back(employer, narrative);
    raw += nlohmann::json{{"employer", {{"name", employer}}},
                          {"categories", {c.id}},
                          {"language", "zh-Hans"},
                          {"narrative", narrative}}
               .dump() +
           "\n";
  }
  storage::writeFileAtomic(w.tmp / "raw.jsonl", raw);
  const std::string py = "import json,sys\nfor l in open(sys.argv[1], encoding='utf-8'):\n    print(json.dumps(json.loads(l)))\n";
  storage::writeFileAtomic(w.tmp / "dumps.py", py);
  auto dumped = run({"/usr/bin/python3", w.tmp / "dumps.py", w.tmp / "raw.jsonl"});
  REQUIRE(dumped.first == 0);
  CHECK_THAT(dumped.second, Catch::Contains("\\u4e1c\\u839e") && Catch::Contains("\\ud83d\\ude00") &&
                                Catch::Contains("\\ud840\\udc00"));
  for (unsigned char ch : dumped.second) REQUIRE(ch < 0x80);  // ASCII only: every character escaped
  auto sent = run(w.cmd({"submit", "--no-reply", "--json", w.writeJson(dumped.second)}));
  REQUIRE(sent.first == 0);

  auto envs = w.collect(relay);
  REQUIRE(envs.size() == expected.size());
  std::set<std::pair<std::string, std::string>> got;
  for (auto& e : envs) {
    auto o = openEnvelope(w.centre, e);
    got.emplace(o.report().getEmployer().getName().cStr(), o.report().getNarrative().cStr());
  }
  CHECK(got == std::set<std::pair<std::string, std::string>>(expected.begin(), expected.end()));

  // A lone surrogate or a bad escape: refused with its line, nothing sent.
  auto err = w.tmp / "err";
  std::string lines = dumped.second.substr(0, dumped.second.find('\n') + 1) +
                      R"({"employer": {"name": "\ud800"}, "categories": ["other"], "language": "en"})" + "\n" +
                      R"({"employer": {"name": "\x41"}, "categories": ["other"], "language": "en"})" + "\n";
  CHECK(run(w.cmd({"submit", "--json", w.writeJson(lines)}), err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("line 2: not valid JSON") && Catch::Contains("surrogate") &&
                             Catch::Contains("line 3: not valid JSON") && Catch::Contains("backslash"));
  CHECK(w.collect(relay).size() == expected.size());
}

TEST_CASE("reporter: a queued report goes only to its own centre and enrolling with another drops nothing") {
  World w;  // centre A on relay A
  test::Centre b;
  b.id = "centre-b";
  test::TempDir tmpB;
  const std::string dataB = tmpB / "relay";
  const std::string addressB = test::freeAddress();
  b.relays.push_back({addressB, test::relayKey(dataB)});
  REQUIRE(test::addCentre(dataB, b, tmpB) == 0);
  test::Relay relayB(dataB, {"--listen", addressB});
  const std::string codeB = protocol::encodeCentreCode({b.id, b.identity.publicKey(), {relayB.address()}});

  std::string addressA;
  {
    test::Relay relayA(w.data, {"--listen", w.address});
    addressA = relayA.address();
    REQUIRE(run(w.cmd({"enrol", w.code(addressA)})).first == 0);
  }  // relay A is down
  CHECK(run(w.cmd({"submit", "--json", w.writeJson(kJson)})).first == 3);
  REQUIRE(w.outbox().size() == 1);
  const Bytes queued = storage::readFile(w.outbox()[0]);

  // Enrolling with B keeps A's report, and says so.
  auto enrolB = run(w.cmd({"enrol", codeB}));
  REQUIRE(enrolB.first == 0);
  CHECK_THAT(enrolB.second, Catch::Contains("1 report written for another centre is still waiting"));
  CHECK(w.outbox().size() == 1);
  // flush never hands A's report to B's relay.
  auto flushed = run(w.cmd({"flush"}));
  CHECK(flushed.first == 3);
  CHECK(w.outbox().size() == 1);
  CHECK(storage::RelayStore(dataB).stats(b.id).count == 0);
  // New reports go to B, the centre enrolled last; --centre names A.
  REQUIRE(run(w.cmd({"submit", "--no-reply", "--json", w.writeJson(kJson)})).first == 0);
  CHECK(storage::RelayStore(dataB).stats(b.id).count == 1);
  auto status = run(w.cmd({"status"}));
  CHECK_THAT(status.second, Catch::Contains("[centre-a]") && Catch::Contains("[centre-b]") &&
                                Catch::Contains("used when no --centre is given"));
  CHECK(run(w.cmd({"--centre", "centre-x", "status"})).first == 1);
  auto err = w.tmp / "err";
  CHECK(run(w.cmd({"--centre", "centre-x", "flush"}), err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("not enrolled with a centre called centre-x; enrolled with: centre-a, centre-b"));

  // Relay A is back: the waiting report reaches A, byte for byte, and B never saw it.
  test::Relay backA(w.data, {"--listen", addressA});
  CHECK(run(w.cmd({"--centre", "centre-a", "submit", "--no-reply", "--json", w.writeJson(kJson)})).first == 0);
  CHECK(w.outbox().empty());  // the run for A delivered A's outbox first
  auto envs = w.collect(backA);
  REQUIRE(envs.size() == 2);
  CHECK((envs[0] == queued || envs[1] == queued));
  CHECK(storage::RelayStore(dataB).stats(b.id).count == 1);
}

TEST_CASE("reporter: the state of an earlier version (one centre) is taken over with its outbox") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  // Rebuild the old layout from the new one: centre.code, centre.bundle, outbox/.
  const std::string dir = w.state + "/centres/" + w.centre.id;
  storage::makeDirs(w.state + "/outbox");
  storage::writeFileAtomic(w.state + "/centre.code", storage::readFile(dir + "/code"));
  storage::writeFileAtomic(w.state + "/centre.bundle", storage::readFile(dir + "/bundle"));
  Bytes env = test::envelopeFor(w.centre, "waiting since the old version");
  storage::writeFileAtomic(w.state + "/outbox/00aa.age", env);
  REQUIRE(run({"/bin/rm", "-r", w.state + "/centres", w.state + "/current"}).first == 0);

  auto status = run(w.cmd({"status"}));
  CHECK(status.first == 0);
  CHECK_THAT(status.second, Catch::Contains("[centre-a]") && Catch::Contains("Reports waiting to be sent: 1"));
  CHECK(!storage::fileExists(w.state + "/centre.code"));
  CHECK(w.outbox().size() == 1);
  CHECK(run(w.cmd({"flush"})).first == 0);
  auto envs = w.collect(relay);
  REQUIRE(envs.size() == 1);
  CHECK(envs[0] == env);
}

TEST_CASE("reporter: state files are rewritten only when the centre's bundle changes") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  const std::string bundle = w.state + "/centres/" + w.centre.id + "/bundle";
  // Set the times back a day: a rewrite would bring them to now.
  REQUIRE(run({"/usr/bin/touch", "-d", "yesterday", bundle, w.state + "/centres/" + w.centre.id + "/code",
               w.state + "/current"})
              .first == 0);
  auto mtime = [](const std::string& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mtime;
  };
  const auto before = mtime(bundle);
  REQUIRE(run(w.cmd({"submit", "--json", w.writeJson(kJson)})).first == 0);
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  CHECK(mtime(bundle) == before);
  CHECK(mtime(w.state + "/current") == mtime(w.state + "/centres/" + w.centre.id + "/code"));
  // A new version is written.
  w.centre.version = 2;
  REQUIRE(test::addCentre(w.data, w.centre, w.tmp) == 0);
  REQUIRE(run(w.cmd({"status"})).first == 0);
  REQUIRE(run(w.cmd({"submit", "--json", w.writeJson(kJson)})).first == 0);
  CHECK(mtime(bundle) > before);
}

TEST_CASE("reporter: expired keys are refreshed before the first question or the worker is told in their language") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  // Time passes: the worker's pinned bundle has expired (same identity, same version).
  w.centre.issuedDay = protocol::today() - 100;
  w.centre.expiresDay = protocol::today() - 1;
  const Bytes expired = w.centre.bundleFile();
  storage::writeFileAtomic(w.state + "/centres/" + w.centre.id + "/bundle", expired);

  SECTION("the relays have newer keys: the form starts, with them") {
    w.centre.issuedDay = protocol::today() - 1;
    w.centre.expiresDay = protocol::today() + 90;
    w.centre.version = 2;
    REQUIRE(test::addCentre(w.data, w.centre, w.tmp) == 0);
    test::Pty t({kReportBin, "--state", w.state, "--lang", "zh-Hans", "new"});
    REQUIRE(t.expect("雇主或工厂的名称"));
    CHECK_THAT(run(w.cmd({"status"})).second, Catch::Contains("key version 2"));
  }
  SECTION("the relays hold only the expired keys: told before anything is typed, in Chinese") {
    {
      storage::RelayStore store(w.data);
      storage::RelayStore::Batch b(store);
      b.putCentre(w.centre.id, expired);
      b.commit();
    }
    test::Pty t({kReportBin, "--state", w.state, "--lang", "zh-Hans", "new"});
    CHECK(t.wait() == 1);
    const std::string screen = t.screen();
    CHECK_THAT(screen, Catch::Contains("中心的密钥已经过期，中心还没有把新的密钥放到中转服务器上"));
    CHECK_THAT(screen, Catch::Contains("你还没有填写任何内容"));
    CHECK(screen.find("雇主") == std::string::npos);  // no question was asked
    CHECK(screen.find("expired") == std::string::npos);  // nothing in English
    // Enrolling again does not blame the relay.
    auto err = w.tmp / "err";
    CHECK(run(w.cmd({"enrol", w.code(relay.address())}), err).first == 1);
    CHECK_THAT(slurp(err), Catch::Contains("has not yet put new ones on its relays"));
    CHECK(slurp(err).find("relay refused") == std::string::npos);
  }
}

TEST_CASE("reporter: a relay that does not know the centre says so") {
  World w;
  test::TempDir other;
  const std::string data = other / "relay";
  test::relayKey(data);  // makes the store and the key
  test::Relay empty(data);
  auto err = w.tmp / "err";
  CHECK(run(w.cmd({"enrol", w.code(empty.address())}), err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("the relay does not know this centre"));
  CHECK(slurp(err).find("no relay could be reached") == std::string::npos);
  CHECK(run({kReportBin, "--state", w.state, "--lang", "zh-Hans", "enrol", w.code(empty.address())}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("中转服务器不认识这个中心"));
}

TEST_CASE("reporter: --output json gives intake tools one line per input report and nothing else") {
  World w;
  std::string address;
  {
    test::Relay relay(w.data, {"--listen", w.address});
    address = relay.address();
    REQUIRE(run(w.cmd({"enrol", w.code(address)})).first == 0);
    auto sent = run(w.cmd({"submit", "--output", "json", "--json", w.writeJson(manyReports(3, "J"))}));
    CHECK(sent.first == 0);
    std::istringstream lines(sent.second);
    std::size_t n = 0;
    std::set<std::string> codes;
    for (std::string l; std::getline(lines, l);) {
      auto j = nlohmann::json::parse(l);  // every line is JSON
      CHECK(j.at("line") == ++n);
      CHECK(j.at("status") == "sent");
      CHECK(j.at("receipt").get<std::string>().size() == 16);
      CHECK(j.at("relay") == address);
      auto code = j.at("replyCode").get<std::string>();
      CHECK(crypto::ReplyCode::parse(code));
      codes.insert(code);
    }
    CHECK(n == 3);
    CHECK(codes.size() == 3);  // each report its own code
  }
  // The relay is gone: queued, said the same way.
  auto queued = run(w.cmd({"submit", "--no-reply", "--output", "json", "--json", w.writeJson(manyReports(2, "K"))}));
  CHECK(queued.first == 3);
  CHECK(queued.second ==
        "{\"line\":1,\"reason\":\"unreachable\",\"status\":\"queued\"}\n"
        "{\"line\":2,\"reason\":\"unreachable\",\"status\":\"queued\"}\n");
}

TEST_CASE("reporter: a centre code typed as printed is accepted and a typo names its group") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  const std::string code = w.code(relay.address());
  // As printed, in groups (several arguments, no quotes), with O for 0 and 1 for L.
  std::string printed = protocol::groupCentreCode(code);
  for (std::size_t i = 9; i < printed.size(); ++i)
    if (printed[i] == '0') printed[i] = 'O';
    else if (printed[i] == 'L') printed[i] = '1';
  std::vector<std::string> args{"enrol"};
  std::istringstream groups(printed);
  for (std::string g; groups >> g;) args.push_back(g);
  REQUIRE(args.size() > 5);
  auto ok = run(w.cmd(args));
  CHECK(ok.first == 0);
  CHECK_THAT(ok.second, Catch::Contains("Connected to Test Workers' Centre"));

  std::string typo = code;
  typo[33] = typo[33] == 'Q' ? 'P' : 'Q';
  auto err = w.tmp / "err";
  CHECK(run(w.cmd({"enrol", protocol::groupCentreCode(typo)}), err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("typo in group 7"));
  CHECK(run({kReportBin, "--state", w.state, "--lang", "zh-Hans", "enrol", typo}, err).first == 1);
  CHECK_THAT(slurp(err), Catch::Contains("第 7 组"));
}

TEST_CASE("reporter: the form edits lines, goes back, reviews and changes answers, and discards on Ctrl-C") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  const std::string left = "\x1b[D";
  const std::string longText(5500, 'w');  // one line longer than a terminal's 4,095-byte line
  {
    test::Pty t({kReportBin, "--state", w.state, "--lang", "en", "new"});
    // Control keys and long lines wait for the line editor's prompt: typed
    // before it, the terminal's own line discipline would take them (Ctrl-C
    // as a signal, a line cut at 4,095 bytes), as it does for any program.
    REQUIRE(t.expect("Name of the employer"));
    REQUIRE(t.expect("> "));
    // Arrow keys edit the line; they are not stored in the answer.
    t.keys("Shenzhen Brite Toys" + left + left + left + left + "X\r");
    converse(t, {{"City:", "<"},                          // back a question…
                 {"Name of the employer", nullptr},  // …with the answer there to edit
                 {"> Shenzhen Brite XToys", nullptr}});
    t.keys("\x05 Co\r");                              // Ctrl-E (end of line), then more
    converse(t, {{"City:", "Shenzhen"},
                 {"Province:", ""},
                 {"Industry", ""},
                 {"unified social credit code", ""},
                 {"When did it happen", "2099-01"},
                 {"still to come", "2026年10月15日"},
                 {"Choose the kind of problem", "3"},
                 {"Which of these?", "1"},
                 {"Choose another kind", ""},
                 {"Did any of these happen?", "12"},
                 {"not on the list: please choose from 1 to 11", ""},
                 {"How many workers", ""},
                 {"How much money", "3,600.50"},
                 {"Describe what happened", nullptr},
                 {"> ", nullptr}});
    t.keys("\x16\x1b\r");  // Ctrl-V Esc: a literal control character
    REQUIRE(t.expect("special key"));
    REQUIRE(t.expect("> "));
    t.type(longText);
    REQUIRE(t.expect("characters left"));
    t.type("");
    t.type("");
    converse(t, {{"Who are you", ""}, {"Attach a photo", ""}, {"read the centre's answer", "n"}});
    REQUIRE(t.expect("Your report. Check it before it goes:"));
    REQUIRE(t.expect("Send it now?"));
    // The review fits a 24-row terminal.
    const std::string& sc = t.screen();
    const auto from = sc.rfind("Your report."), to = sc.rfind("Send it now?");
    CHECK(std::count(sc.begin() + from, sc.begin() + to, '\n') <= 20);
    CHECK_THAT(sc.substr(from), Catch::Contains("1. Employer: Shenzhen Brite XToys Co") &&
                                    Catch::Contains("10. Money owed: 3600.50 yuan") &&
                                    Catch::Contains("6. When: 2026-10-15"));
    // Change answer 2 by its number.
    t.type("2");
    REQUIRE(t.expect("> Shenzhen"));  // the old answer, on the line to edit
    t.keys("\x15" "Dongguan\r");       // Ctrl-U clears it
    REQUIRE(t.expect("2. City: Dongguan"));
    converse(t, {{"Send it now?", "y"}, {"Sent.", nullptr}});
    CHECK(t.wait() == 0);
  }
  auto envs = w.collect(relay);
  REQUIRE(envs.size() == 1);
  auto o = openEnvelope(w.centre, envs[0]);
  CHECK(o.report().getEmployer().getName() == "Shenzhen Brite XToys Co");
  CHECK(o.report().getEmployer().getCity() == "Dongguan");
  CHECK(o.report().getOccurred().getDay() == 15);
  CHECK(o.report().getAmountOwed().getMinorUnits() == 360050);
  CHECK(o.report().getNarrative() == longText.c_str());
  CHECK(o.report().getForcedLabourIndicators().size() == 0);

  {
    // Ctrl-C asks; "n" goes on with the same question; Ctrl-D asks again; "y" discards.
    test::Pty t({kReportBin, "--state", w.state, "--lang", "zh-Hans", "new"});
    converse(t, {{"雇主或工厂的名称", "某电子厂"}, {"城市", nullptr}, {"> ", nullptr}});
    t.keys("\x03");
    converse(t, {{"要停下来并丢掉这份报告吗", "n"}, {"城市", nullptr}, {"> ", nullptr}});
    t.keys("\x04");
    converse(t, {{"要停下来并丢掉这份报告吗", "y"}, {"没有发送，也没有保存任何内容", nullptr}});
    CHECK(t.wait() == 1);
    CHECK(t.screen().find("occurred") == std::string::npos);
  }
  CHECK(w.collect(relay).size() == 1);
  CHECK(w.outbox().empty());
}

TEST_CASE("reporter: a form typed in another encoding is caught at the answer, in the worker's language") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  // 东莞 in GBK, from a pipe (a kiosk script), then the name again in UTF-8;
  // input ends at the review, which discards.
  storage::writeFileAtomic(w.tmp / "answers", std::string("\xb6\xab\xdd\xb8\n东莞宏达制衣厂\n"));
  auto err = w.tmp / "out";
  auto r = run({"/bin/sh", "-c", kReportBin + " --state " + w.state + " --lang zh-Hans new < " + w.tmp / "answers"}, err);
  CHECK(r.first == 1);
  CHECK_THAT(r.second, Catch::Contains("这个回答不是 UTF-8 编码") && Catch::Contains("城市") &&
                           Catch::Contains("没有发送，也没有保存任何内容"));
  CHECK(w.collect(relay).empty());
}

TEST_CASE("reporter: a report that fails while a batch is sent stops only itself and is told with its line") {
  World w;
  test::Relay relay(w.data, {"--listen", w.address});
  REQUIRE(run(w.cmd({"enrol", w.code(relay.address())})).first == 0);
  const std::string photo = test::phonePhoto(w.tmp, "photo.jpg");
  const std::size_t n = 300;
  std::string lines = manyReports(n - 1, "B");
  lines += R"({"employer":{"name":"x"},"categories":["other"],"language":"en","narrative":"B-last","attachments":[")" +
           photo + "\"]}\n";
  const std::string err = w.tmp / "err";
  auto argv = w.cmd({"submit", "--no-reply", "--output", "json", "--json", w.writeJson(lines)});
  test::Process p(argv, err);
  // Every report was checked (the photo too) before the first was sent; the
  // photo goes away while the batch is on its way.
  auto first = p.readLine();
  REQUIRE(first);
  CHECK_THAT(*first, Catch::Contains(R"("line":1,)"));
  REQUIRE(::unlink(photo.c_str()) == 0);
  std::map<std::string, int> statuses;
  std::string last;
  for (auto l = p.readLine(); l; l = p.readLine()) {
    ++statuses[nlohmann::json::parse(*l).at("status").get<std::string>()];
    last = *l;
  }
  CHECK(statuses["sent"] == int(n) - 2);  // and the first one, read above
  CHECK(statuses["failed"] == 1);
  CHECK(last == R"({"line":300,"status":"failed"})");
  CHECK_THAT(slurp(err), Catch::Contains("line 300:") && Catch::Contains("Cannot read"));
  CHECK(narrativesOnRelay(w.data, w.centre).size() == n - 1);
}
