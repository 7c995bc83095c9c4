// Integration: the real gongyou-relay binary on 127.0.0.1, over real RPC.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include "crypto/pow.h"
#include "protocol/ack.h"
#include "protocol/bundle.h"
#include "protocol/limits.h"
#include "relay_harness.h"
#include "storage/file.h"

using namespace gongyou;
using test::closedByPeer;
using test::httpGet;
using test::refusal;
using test::run;

namespace {

struct Fixture {
  test::TempDir tmp;
  std::string data = tmp / "relay";
  test::Centre centre;
  Fixture() {
    centre.id = "centre-a";
    test::relayKey(data);  // makes the store and the key  // creates the store
    REQUIRE(test::addCentre(data, centre, tmp) == 0);
  }
};

std::vector<protocol::InboxId> listAll(proto::Collector::Client& col, kj::WaitScope& ws) {
  std::vector<protocol::InboxId> ids;
  auto req = col.listRequest();
  req.setLimit(1000);
  auto res = req.send().wait(ws);
  for (auto e : res.getEntries()) {
    protocol::InboxId id;
    std::memcpy(id.data(), e.getId().begin(), id.size());
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

TEST_CASE("relay: submit then list and fetch and acknowledge and the envelope is gone") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);

  // The bundle served is the one pinned, and it verifies against the identity.
  auto got = c.relay().getBundleRequest();
  got.setCentre("centre-a");
  auto bundle = got.send().wait(c.ws());
  protocol::BundleRules rules;
  rules.today = protocol::today();
  rules.pinnedIdentity = ByteView(f.centre.identity.publicKey().data(), 32);
  CHECK(protocol::verifyBundle(bundle.getBundle(), rules).status == protocol::BundleStatus::Ok);

  std::vector<Bytes> envelopes;
  std::vector<protocol::SubmitReceipt> receipts;
  for (int i = 0; i < 3; ++i) {
    envelopes.push_back(test::envelopeFor(f.centre, "report " + std::to_string(i)));
    receipts.push_back(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", envelopes.back()));
    CHECK(receipts.back().day == protocol::today());
    CHECK(receipts.back().envelopeHash == crypto::blake2b(envelopes.back()));
  }

  auto col = c.login("centre-a", f.centre.courier);
  auto ids = listAll(col, c.ws());
  REQUIRE(ids.size() == 3);

  auto fetch = col.fetchRequest();
  auto list = fetch.initIds(3);
  for (unsigned i = 0; i < 3; ++i) list.set(i, kj::arrayPtr(receipts[i].id.data(), 16));
  auto fetchedResp = fetch.send().wait(c.ws());
  auto fetched = fetchedResp.getEnvelopes();
  REQUIRE(fetched.size() == 3);
  for (unsigned i = 0; i < 3; ++i) {
    Bytes data(fetched[i].getData().begin(), fetched[i].getData().end());
    CHECK(data == envelopes[i]);  // byte for byte as submitted
    // …and the centre's analyst key opens it.
    io::MemorySource src(data);
    io::VectorSink out;
    std::vector<const age::Identity*> keys{&f.centre.analyst};
    REQUIRE(age::decrypt(src, keys, out) == age::Status::Ok);
    CHECK(padding::unpad(out.out)->str() == "report " + std::to_string(i));
  }
  // Fetching deleted nothing.
  CHECK(listAll(col, c.ws()).size() == 3);

  // Acknowledge two of them with the identity key: those two are gone.
  auto ack = col.acknowledgeRequest();
  protocol::signAck(f.centre.identity, "centre-a", {receipts[0].id, receipts[1].id}, ack.initAck());
  CHECK(ack.send().wait(c.ws()).getDeleted() == 2);
  auto left = listAll(col, c.ws());
  REQUIRE(left.size() == 1);
  CHECK(left[0] == receipts[2].id);
  auto statsResp = col.statsRequest().send().wait(c.ws());
  auto stats = statsResp.getStats();
  CHECK(stats.getInboxCount() == 1);
  CHECK(stats.getOldestDay() == protocol::today());
}

TEST_CASE("relay: courier login is checked and a collector is scoped to its own centre") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  // A centre pinned with add-centre while the relay runs is served at once.
  test::Centre other;
  other.id = "centre-b";
  REQUIRE(test::addCentre(f.data, other, f.tmp) == 0);
  auto listed = run({test::kRelayBin, "list-centres", "--data", f.data});
  CHECK(listed.second == "centre-a\ncentre-b\n");
  auto ra = protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "for a"));
  auto rb = protocol::submitEnvelope(c.relay(), c.ws(), "centre-b", test::envelopeFor(other, "for b"));
  // Receipts are signed by this relay's key, for their own centre only.
  CHECK(protocol::verifyReceipt(ra, "centre-a", relay.key()));
  CHECK(protocol::verifyReceipt(rb, "centre-b", relay.key()));
  CHECK_FALSE(protocol::verifyReceipt(ra, "centre-b", relay.key()));
  CHECK_FALSE(protocol::verifyReceipt(ra, "centre-a", test::strangerRelayKey()));
  auto forged = ra;
  forged.day += 1;
  CHECK_FALSE(protocol::verifyReceipt(forged, "centre-a", relay.key()));

  // A login the courier signed for another relay's key is refused here: a
  // hostile relay cannot pass on a login meant for it.
  CHECK_THAT(refusal([&] {
               protocol::loginCourier(c.relay(), c.ws(), "centre-a", f.centre.courier, test::strangerRelayKey());
             }),
             Catch::Contains("login: refused"));

  // A wrong courier key, and the identity key instead of the courier key.
  auto stranger = crypto::SigningKey::generate();
  CHECK_THAT(refusal([&] { c.login("centre-a", stranger); }),
             Catch::Contains("login: refused"));
  CHECK_THAT(refusal([&] { c.login("centre-a", f.centre.identity); }),
             Catch::Contains("login: refused"));
  // centre-b's courier cannot log in as centre-a.
  CHECK_THAT(refusal([&] { c.login("centre-a", other.courier); }),
             Catch::Contains("login: refused"));

  // A login challenge is good once.
  auto ch = c.relay().loginChallengeRequest().send().wait(c.ws());
  auto challenge = ch.getChallenge();
  auto sig = f.centre.courier.sign(protocol::kLoginLabel,
                                   protocol::loginMessage(ByteView(challenge.begin(), challenge.size()), relay.key(), "centre-a"));
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto req = c.relay().loginRequest();
    req.setCentre("centre-a");
    req.setChallenge(challenge);
    req.setSignature(kj::arrayPtr(sig.data(), sig.size()));
    auto r = refusal([&] { req.send().wait(c.ws()).getCollector().statsRequest().send().wait(c.ws()); });
    if (attempt == 0) CHECK(r.empty());
    else CHECK_THAT(r, Catch::Contains("challenge unknown, used or expired"));
  }

  // centre-a's collector sees one envelope and cannot fetch centre-b's by id.
  auto col = c.login("centre-a", f.centre.courier);
  CHECK(listAll(col, c.ws()).size() == 1);
  auto fetch = col.fetchRequest();
  fetch.initIds(1).set(0, kj::arrayPtr(rb.id.data(), 16));
  CHECK(fetch.send().wait(c.ws()).getEnvelopes().size() == 0);
  // …nor delete it, even with an ack centre-b's identity signed.
  auto ack = col.acknowledgeRequest();
  protocol::signAck(other.identity, "centre-b", {rb.id}, ack.initAck());
  CHECK_THAT(refusal([&] { ack.send().wait(c.ws()); }), Catch::Contains("ack: not signed"));
  auto colB = c.login("centre-b", other.courier);
  CHECK(listAll(colB, c.ws()).size() == 1);
}

TEST_CASE("relay: an ack signed by the courier key deletes nothing") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  auto r = protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "x"));
  auto col = c.login("centre-a", f.centre.courier);
  auto ack = col.acknowledgeRequest();
  protocol::signAck(f.centre.courier, "centre-a", {r.id}, ack.initAck());
  CHECK_THAT(refusal([&] { ack.send().wait(c.ws()); }), Catch::Contains("identity key"));
  CHECK(listAll(col, c.ws()).size() == 1);
}

TEST_CASE("relay: proof of work is enforced and a stamp cannot be replayed") {
  Fixture f;
  f.centre.difficulty = 12;
  f.centre.version = 2;
  REQUIRE(test::addCentre(f.data, f.centre, f.tmp) == 0);
  test::Relay relay(f.data);
  test::Client c(relay);
  Bytes env = test::envelopeFor(f.centre, "stamped");

  auto creq = c.relay().powChallengeRequest();
  creq.setCentre("centre-a");
  auto ch = creq.send().wait(c.ws());
  CHECK(ch.getDifficulty() == 12);
  Bytes challenge(ch.getChallenge().begin(), ch.getChallenge().end());
  crypto::PowInput in{challenge, "centre-a", crypto::blake2b(env)};
  auto nonce = *crypto::powSolve(in, 12);
  // A nonce that does not meet the difficulty (search for one).
  std::uint64_t weak = nonce + 1;
  while (crypto::powCheck(in, weak, 12)) ++weak;

  auto send = [&](ByteView chal, std::uint64_t n, ByteView envelope) {
    return test::submitWith(c, "centre-a", chal, n, envelope);
  };
  CHECK_THAT(send(challenge, weak, env), Catch::Contains("does not meet the difficulty asked"));
  Bytes forged = challenge;
  forged[10] ^= 1;
  CHECK_THAT(send(forged, nonce, env), Catch::Contains("challenge unknown, used or expired"));
  // The stamp is bound to the envelope: another envelope fails.
  CHECK_THAT(send(challenge, nonce, test::envelopeFor(f.centre, "other")), Catch::Contains("difficulty"));
  CHECK(send(challenge, nonce, env).empty());
  // One challenge, one envelope: spent, it carries nothing more, not even a
  // second envelope with its own valid work.
  CHECK_THAT(send(challenge, nonce, env), Catch::Contains("challenge unknown, used or expired"));
  Bytes second = test::envelopeFor(f.centre, "second on the same challenge");
  crypto::PowInput in2{challenge, "centre-a", crypto::blake2b(second)};
  CHECK_THAT(send(challenge, *crypto::powSolve(in2, 8), second), Catch::Contains("challenge unknown, used or expired"));

  auto col = c.login("centre-a", f.centre.courier);
  CHECK(listAll(col, c.ws()).size() == 1);
}

TEST_CASE("relay: oversized and malformed requests are refused and the relay keeps serving") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  Bytes good = test::envelopeFor(f.centre, "fine");

  auto submit = [&](const std::string& centre, ByteView envelope) {
    return refusal([&] { protocol::submitEnvelope(c.relay(), c.ws(), centre, envelope); });
  };
  CHECK_THAT(refusal([&] {
               auto req = c.relay().submitRequest();
               req.setCentre("centre-a");
               req.initEnvelope(protocol::kMaxSubmitBytes + 1);
               req.send().wait(c.ws());
             }),
             Catch::Contains("too large"));
  CHECK_THAT(submit("centre-a", ByteView("hello, not an age file")), Catch::Contains("not a binary age v1 file"));
  CHECK_THAT(submit("centre-a", ByteView()), Catch::Contains("envelope: empty"));
  CHECK_THAT(submit("nobody", good), Catch::Contains("unknown on this relay"));
  CHECK_THAT(submit("Bad Centre!", good), Catch::Contains("not a valid centre id"));
  CHECK_THAT(refusal([&] {
               auto r = c.relay().fetchRepliesRequest();
               r.setMailbox(kj::arrayPtr(good.data(), 5));
               r.send().wait(c.ws());
             }),
             Catch::Contains("mailbox: must be 32 bytes"));
  auto col = c.login("centre-a", f.centre.courier);
  CHECK_THAT(refusal([&] {
               auto r = col.fetchRequest();
               r.initIds(65);
               r.send().wait(c.ws());
             }),
             Catch::Contains("more than 64"));
  CHECK_THAT(refusal([&] {
               auto r = col.listRequest();
               r.setLimit(5000);
               r.send().wait(c.ws());
             }),
             Catch::Contains("limit"));
  CHECK(listAll(col, c.ws()).empty());  // nothing refused was stored

  // A message above the receive limit drops that connection, not the relay.
  {
    test::Client big(relay);
    auto req = big.relay().submitRequest();
    req.setCentre("centre-a");
    req.initEnvelope(3 * protocol::kMaxSubmitBytes);
    CHECK_FALSE(refusal([&] { req.send().wait(big.ws()); }).empty());
  }
  // Garbage bytes on a raw socket.
  {
    int fd = protocol::connectTcp(relay.address(), std::chrono::seconds(5));
    const char junk[] = "GET / HTTP/1.1\r\n\r\n\xff\xff\xff\xff garbage garbage garbage";
    CHECK(::write(fd, junk, sizeof junk) > 0);
    CHECK(closedByPeer(fd));
    ::close(fd);
  }
  // A raw message whose root is a chain of struct pointers 100 deep (the limit
  // is 16): the relay drops the connection instead of following it.
  {
    int fd = protocol::connectTcp(relay.address(), std::chrono::seconds(5));
    auto words = test::nestedMessage(100);
    CHECK(::write(fd, words.data(), words.size() * 8) > 0);
    CHECK(closedByPeer(fd));
    ::close(fd);
  }

  // Still serving, on the old connection and on new ones.
  CHECK(submit("centre-a", good).empty());
  test::Client again(relay);
  CHECK_NOTHROW(protocol::submitEnvelope(again.relay(), again.ws(), "centre-a", test::envelopeFor(f.centre, "2")));
  CHECK(listAll(col, c.ws()).size() == 2);
}

TEST_CASE("relay: a fetch answer stops at 2 MiB and says so") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  std::vector<protocol::SubmitReceipt> receipts;
  for (int i = 0; i < 4; ++i) {
    // Big envelopes (as attachments will make): the relay checks only the age
    // version line; the content is opaque to it.
    Bytes env(700 * 1024, static_cast<std::uint8_t>('a' + i));
    std::string intro = "age-encryption.org/v1\n";
    std::copy(intro.begin(), intro.end(), env.begin());
    receipts.push_back(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", env));
  }
  auto col = c.login("centre-a", f.centre.courier);
  auto fetchFrom = [&](std::size_t first) {
    auto req = col.fetchRequest();
    auto ids = req.initIds(static_cast<unsigned>(receipts.size() - first));
    for (unsigned i = 0; i < ids.size(); ++i) ids.set(i, kj::arrayPtr(receipts[first + i].id.data(), 16));
    return req.send().wait(c.ws());
  };
  auto first = fetchFrom(0);
  CHECK(first.getTruncated());
  REQUIRE(first.getEnvelopes().size() == 2);  // 1.4 MiB; a third would pass 2 MiB
  CHECK(first.getEnvelopes()[1].getData()[100] == 'b');
  auto rest = fetchFrom(2);
  CHECK_FALSE(rest.getTruncated());
  CHECK(rest.getEnvelopes().size() == 2);
}

TEST_CASE("relay: publishBundle accepts only newer bundles from the pinned identity") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  // The same rules whoever carries the bundle: the centre's courier (logged in),
  // or anyone at all (a bundle is signed; a new courier key arrives this way).
  const bool anonymous = GENERATE(false, true);
  INFO((anonymous ? "anonymous" : "courier"));
  auto col = c.login("centre-a", f.centre.courier);
  auto publish = [&](const test::Centre& centre, const crypto::SigningKey& signer) {
    Bytes file = centre.bundleFileSignedBy(signer);
    kj::Array<capnp::word> w;
    auto msg = protocol::readSignedBundle(file, w);
    return refusal([&] {
      if (anonymous) {
        auto req = c.relay().publishBundleRequest();
        req.setBundle(msg->getRoot<proto::SignedBundle>());
        req.send().wait(c.ws());
      } else {
        auto req = col.publishBundleRequest();
        req.setBundle(msg->getRoot<proto::SignedBundle>());
        req.send().wait(c.ws());
      }
    });
  };
  test::Centre next = std::move(f.centre);
  next.version = 2;
  next.difficulty = 10;
  CHECK(publish(next, next.identity).empty());
  auto ch = c.relay().powChallengeRequest();
  ch.setCentre("centre-a");
  CHECK(ch.send().wait(c.ws()).getDifficulty() == 10);  // in force at once
  CHECK_THAT(publish(next, next.identity), Catch::Contains("older than"));  // same version
  next.version = 1;
  CHECK_THAT(publish(next, next.identity), Catch::Contains("older than"));
  next.version = 3;
  auto usurper = crypto::SigningKey::generate();
  CHECK_THAT(publish(next, usurper), Catch::Contains("signature does not verify"));
  // A whole other identity, correctly self-signed, for the same centre id.
  test::Centre impostor;
  impostor.id = "centre-a";
  impostor.version = 9;
  CHECK_THAT(publish(impostor, impostor.identity), Catch::Contains("identity"));
  next.id = "centre-b";
  CHECK_THAT(publish(next, next.identity),
             Catch::Contains(anonymous ? "centre: unknown on this relay" : "names another centre"));
}

TEST_CASE("relay: replies are filed under a mailbox and fetched anonymously") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  auto col = c.login("centre-a", f.centre.courier);
  auto worker = age::X25519Identity::generate();
  auto wr = worker.recipient();
  Bytes reply = age::encrypt({&wr}, "我们收到了你的报告");
  Bytes mailbox(32, 0x5a);
  auto post = col.postRepliesRequest();
  auto list = post.initReplies(1);
  list[0].setMailbox(kj::arrayPtr(mailbox.data(), 32));
  list[0].setEnvelope(kj::arrayPtr(reply.data(), reply.size()));
  CHECK(post.send().wait(c.ws()).getStored() == 1);

  // A mailbox holds at most 32 replies; a call that would overflow it stores nothing.
  auto fill = col.postRepliesRequest();
  auto many = fill.initReplies(32);
  for (unsigned i = 0; i < 32; ++i) {
    many[i].setMailbox(kj::arrayPtr(mailbox.data(), 32));
    many[i].setEnvelope(kj::arrayPtr(reply.data(), reply.size()));
  }
  CHECK_THAT(refusal([&] { fill.send().wait(c.ws()); }), Catch::Contains("more than 32 replies"));

  test::Client anon(relay);
  auto fr = anon.relay().fetchRepliesRequest();
  fr.setMailbox(kj::arrayPtr(mailbox.data(), 32));
  auto gotResp = fr.send().wait(anon.ws());
  auto got = gotResp.getReplies();
  REQUIRE(got.size() == 1);
  CHECK(Bytes(got[0].begin(), got[0].end()) == reply);
}

TEST_CASE("relay: add-centre refuses bad bundles with exit 1 and keeps the pin") {
  Fixture f;
  test::Centre forged = std::move(f.centre);
  auto usurper = crypto::SigningKey::generate();
  auto path = f.tmp / "forged.bundle";
  Bytes file = forged.bundleFileSignedBy(usurper);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), file.size());
  CHECK(run({test::kRelayBin, "add-centre", "--data", f.data, path}).first == 1);

  test::Centre replacement;  // same id, another identity, higher version
  replacement.id = "centre-a";
  replacement.version = 9;
  CHECK(test::addCentre(f.data, replacement, f.tmp) == 1);
  // The very bundle pinned, given again (a deployment script run twice):
  // nothing to do, and said so, with success.
  auto again = run({test::kRelayBin, "add-centre", "--data", f.data, forged.writeBundle(f.tmp / "again.bundle")});
  CHECK(again.first == 0);
  CHECK_THAT(again.second, Catch::Contains("already pinned at bundle version 1"));
  forged.difficulty += 1;  // another bundle of the pinned identity, not newer
  CHECK(test::addCentre(f.data, forged, f.tmp) == 1);
  forged.version = 2;
  CHECK(test::addCentre(f.data, forged, f.tmp) == 0);

  std::ofstream(f.tmp / "junk.bundle") << "not a bundle";
  CHECK(run({test::kRelayBin, "add-centre", "--data", f.data, f.tmp / "junk.bundle"}).first == 1);
  CHECK(run({test::kRelayBin, "add-centre", "--data", f.data, f.tmp / "missing"}).first == 3);
  CHECK(run({test::kRelayBin, "serve"}).first == 2);
  CHECK(run({test::kRelayBin, "frobnicate", "--data", f.data}).first == 2);
  {
    // A port already taken: exit 3 with one line naming the address.
    test::Relay first(f.data);
    auto err = f.tmp / "second.stderr";
    CHECK(run({test::kRelayBin, "serve", "--data", f.tmp / "other", "--listen", first.address(), "--metrics", "off"},
              err)
              .first == 3);
    std::ifstream in(err);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(all, Catch::StartsWith("gongyou-relay: cannot listen on " + first.address()));
    CHECK(std::count(all.begin(), all.end(), '\n') == 1);
  }
  auto help = run({test::kRelayBin, "--help"});
  CHECK(help.first == 0);
  CHECK_THAT(help.second, Catch::Contains("add-centre"));
  // Each command's own help, with its options.
  auto serveHelp = run({test::kRelayBin, "serve", "--help"});
  CHECK(serveHelp.first == 0);
  CHECK_THAT(serveHelp.second, Catch::Contains("--listen") && Catch::Contains("--upload-budget"));
  CHECK(serveHelp.second.find("add-centre") == std::string::npos);
  CHECK_THAT(run({test::kRelayBin, "key", "--help"}).second, Catch::Contains("ADDRESS=KEY"));
  // A mistyped --data is an error, not a new empty relay.
  auto typo = f.tmp / "relya";
  CHECK(run({test::kRelayBin, "list-centres", "--data", typo}).first == 3);
  CHECK_FALSE(storage::fileExists(typo));
}

TEST_CASE("relay: connections above --max-connections are closed at once and the relay recovers") {
  Fixture f;
  test::Relay relay(f.data, {"--max-connections", "2"});
  auto call = [&](test::Client& c) {
    return refusal([&] { c.relay().loginChallengeRequest().send().wait(c.ws()); });
  };
  auto metric = [&](const std::string& name) { return test::metric(relay.metricsPort(), name); };
  auto a = std::make_unique<test::Client>(relay.address());
  test::Client b(relay);
  REQUIRE(call(*a).empty());
  REQUIRE(call(b).empty());
  int fd = protocol::connectTcp(relay.address(), std::chrono::seconds(5));
  CHECK(closedByPeer(fd));
  ::close(fd);
  CHECK(metric("connections_refused_total") == 1);
  a.reset();  // frees a slot once the relay sees the disconnect
  // Each probe is an HTTP round trip to the relay; it handles the disconnect meanwhile.
  int probes = 0;
  while (metric("connections_open") != 1 && ++probes < 2000) {
  }
  CHECK(metric("connections_open") == 1);
  test::Client d(relay);
  CHECK(call(d).empty());
}

TEST_CASE("relay: at --max-connections the connection silent the longest makes room for a newcomer") {
  Fixture f;
  test::Relay relay(f.data, {"--max-connections", "20", "--idle-timeout", "8"});
  auto metric = [&](const std::string& name) { return test::metric(relay.metricsPort(), name); };
  std::vector<int> held;
  for (int i = 0; i < 20; ++i) held.push_back(protocol::connectTcp(relay.address(), std::chrono::seconds(5)));
  for (int probes = 0; metric("connections_open") < 20 && probes < 2000;) ++probes;
  REQUIRE(metric("connections_open") == 20);
  const auto start = std::chrono::steady_clock::now();
  // While they are fresh (silent for less than 8 s / 8), a newcomer is turned away.
  int fd = protocol::connectTcp(relay.address(), std::chrono::seconds(5));
  CHECK(closedByPeer(fd));
  ::close(fd);
  // Then the most idle one gives up its slot, long before the idle timeout. What
  // is awaited is time itself (1 s of silence), so the retries are paced.
  bool through = false;
  while (!through && std::chrono::steady_clock::now() - start < std::chrono::seconds(7)) {
    try {
      test::Client c(relay);
      protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "made room"));
      through = true;
    } catch (const kj::Exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  CHECK(through);
  CHECK(metric("connections_evicted_total") >= 1);
  CHECK(metric("connections_idle_closed_total") == 0);
  for (int h : held) ::close(h);
}

TEST_CASE("relay: a silent connection is closed after the idle timeout") {
  Fixture f;
  test::Relay relay(f.data, {"--idle-timeout", "1"});
  // Half-open: connected, never sends a byte. The relay closes it (readiness:
  // the close itself; closedByPeer gives up after 10 s).
  int fd = protocol::connectTcp(relay.address(), std::chrono::seconds(5));
  const auto start = std::chrono::steady_clock::now();
  CHECK(closedByPeer(fd));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  ::close(fd);
  CHECK_THAT(httpGet(relay.metricsPort(), "/metrics"), Catch::Contains("gongyou_relay_connections_idle_closed_total 1\n"));
  // Working clients are unaffected.
  test::Client c(relay);
  CHECK_NOTHROW(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "busy")));
}

TEST_CASE("relay: health and metrics endpoint then a clean shutdown on SIGTERM") {
  Fixture f;
  test::Relay relay(f.data);
  {
    test::Client c(relay);
    protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "m"));
  }
  CHECK_THAT(httpGet(relay.metricsPort(), "/healthz"), Catch::StartsWith("HTTP/1.1 200") && Catch::EndsWith("ok\n"));
  auto metrics = httpGet(relay.metricsPort(), "/metrics");
  CHECK_THAT(metrics, Catch::Contains("gongyou_relay_submits_accepted_total 1\n"));
  CHECK_THAT(metrics, Catch::Contains("# TYPE gongyou_relay_connections_open gauge"));
  CHECK_THAT(httpGet(relay.metricsPort(), "/nope"), Catch::StartsWith("HTTP/1.1 404"));

  relay.process().signal(SIGTERM);
  CHECK(relay.process().waitFor("stopped: 1 submissions stored"));
  CHECK(relay.process().wait() == 0);
}

TEST_CASE("relay: under load new challenges ask for more work and earlier ones must meet it too") {
  Fixture f;
  test::Relay relay(f.data, {"--pow-surge-rate", "3", "--pow-surge-bits", "4"});
  test::Client c(relay);
  auto challenge = [&] { return test::challengeFrom(c, "centre-a"); };
  // A stamp that meets `meets` bits and not `fails` bits.
  auto stamp = [&](const Bytes& ch, const Bytes& env, unsigned meets, unsigned fails) {
    crypto::PowInput in{ch, "centre-a", crypto::blake2b(env)};
    std::uint64_t n = *crypto::powSolve(in, meets);
    while (!crypto::powCheck(in, n, meets) || crypto::powCheck(in, n, fails)) ++n;
    return n;
  };
  auto send = [&](const Bytes& ch, std::uint64_t n, const Bytes& env) {
    return test::submitWith(c, "centre-a", ch, n, env);
  };
  auto [early, earlyBits] = challenge();
  CHECK(earlyBits == 8);  // the bundle's
  for (int i = 0; i < 3; ++i)
    protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "load " + std::to_string(i)));
  auto [late, lateBits] = challenge();
  CHECK(lateBits == 12);
  CHECK(test::metric(relay.metricsPort(), "pow_difficulty") == 12);
  Bytes env = test::envelopeFor(f.centre, "after the surge");
  CHECK_THAT(send(late, stamp(late, env, 8, 12), env), Catch::Contains("does not meet the difficulty asked"));
  CHECK(send(late, stamp(late, env, 12, 30), env).empty());
  // Issued before the surge: held to the difficulty in force when it arrives,
  // not to the easier one it asked for then.
  Bytes env2 = test::envelopeFor(f.centre, "stamped before");
  CHECK_THAT(send(early, stamp(early, env2, 8, 12), env2), Catch::Contains("does not meet the difficulty asked"));
  CHECK(send(early, stamp(early, env2, 12, 30), env2).empty());
  // The reporter's own path follows (and retries once if the price rose while it worked).
  CHECK_NOTHROW(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "client")));
}

namespace {

// A stamp for `hash` with exactly `extra` bits more than the challenge asks
// (exactly: a stamp of d bits meets d + 1 half the time).
std::pair<Bytes, std::uint64_t> stampFor(test::Client& c, const std::string& centre, const crypto::Hash& hash,
                                         unsigned extra = 0) {
  auto [challenge, difficulty] = test::challengeFrom(c, centre);
  crypto::PowInput in{challenge, centre, hash};
  for (;;) {
    auto nonce = crypto::powSolve(in, difficulty + extra, 32);
    REQUIRE(nonce);
    if (crypto::leadingZeroBits(crypto::powHash(in, *nonce)) == difficulty + extra) return {challenge, *nonce};
  }
}

// beginUpload declaring `size`, with a stamp over `hash` of the work an upload
// of that size needs, or `extra` bits (fewer: refused).
proto::Upload::Client beginUpload(test::Client& c, std::uint64_t size, const crypto::Hash& hash,
                                  std::optional<unsigned> extra = std::nullopt) {
  auto [challenge, nonce] = stampFor(c, "centre-a", hash, extra ? *extra : protocol::uploadPowBits(size));
  auto req = c.relay().beginUploadRequest();
  req.setCentre("centre-a");
  req.setSize(size);
  req.setEnvelopeHash(kj::arrayPtr(hash.data(), hash.size()));
  req.initStamp().setChallenge(kj::arrayPtr(challenge.data(), challenge.size()));
  req.getStamp().setNonce(nonce);
  return req.send().wait(c.ws()).getUpload();
}

void append(test::Client& c, proto::Upload::Client& u, ByteView bytes) {
  auto req = u.appendRequest();
  req.setChunk(kj::arrayPtr(bytes.data(), bytes.size()));
  req.send().wait(c.ws());
}

// `bytes` in chunks of the largest size allowed.
void appendAll(test::Client& c, proto::Upload::Client& u, ByteView bytes) {
  for (std::size_t at = 0; at < bytes.size(); at += protocol::kUploadChunkBytes)
    append(c, u, bytes.sub(at, std::min(protocol::kUploadChunkBytes, bytes.size() - at)));
}

// A real envelope of about `mib` MiB.
Bytes largeEnvelope(const test::Centre& centre, std::size_t mib, char fill) {
  return test::envelopeFor(centre, std::string(mib << 20, fill));
}

}  // namespace

TEST_CASE("relay: a large envelope is uploaded in chunks and read back in ranges byte for byte") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  Bytes env = largeEnvelope(f.centre, 3, 'z');
  REQUIRE(env.size() > protocol::kMaxFetchBytes);
  auto receipt = protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", env);
  CHECK(receipt.envelopeHash == crypto::blake2b(env));
  CHECK(test::metric(relay.metricsPort(), "uploads_started_total") == 1);
  CHECK(test::metric(relay.metricsPort(), "upload_bytes") == 0);  // stored: nothing held any more

  // Exactly the submit cap still goes in one message (the relay reads the
  // envelope once: three reads of 1 MiB used to exceed the traversal limit).
  Bytes atCap(protocol::kMaxSubmitBytes, 'c');
  const std::string intro = "age-encryption.org/v1\n";
  std::copy(intro.begin(), intro.end(), atCap.begin());
  CHECK(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", atCap).envelopeHash == crypto::blake2b(atCap));
  CHECK(test::metric(relay.metricsPort(), "uploads_started_total") == 1);

  auto col = c.login("centre-a", f.centre.courier);
  auto listResponse = col.listRequest().send().wait(c.ws());
  auto listed = listResponse.getEntries();
  REQUIRE(listed.size() == 2);
  for (auto e : listed)
    CHECK(e.getSize() == (Bytes(e.getId().begin(), e.getId().end()) == Bytes(receipt.id.begin(), receipt.id.end())
                              ? env.size()
                              : atCap.size()));
  // Too large for one fetch answer: left out there, read in ranges instead.
  auto fr = col.fetchRequest();
  fr.initIds(1).set(0, kj::arrayPtr(receipt.id.data(), 16));
  CHECK(fr.send().wait(c.ws()).getEnvelopes().size() == 0);
  Bytes back;
  for (;;) {
    auto rr = col.readRequest();
    rr.setId(kj::arrayPtr(receipt.id.data(), 16));
    rr.setOffset(back.size());
    rr.setLength(static_cast<std::uint32_t>(protocol::kMaxFetchBytes));
    auto response = rr.send().wait(c.ws());
    auto d = response.getData();
    if (d.size() == 0) break;
    back.insert(back.end(), d.begin(), d.end());
  }
  REQUIRE(back.size() == env.size());
  CHECK(crypto::blake2b(back) == crypto::blake2b(env));
  CHECK_THAT(refusal([&] {
               auto rr = col.readRequest();
               rr.setId(kj::arrayPtr(receipt.id.data(), 16));
               rr.setLength(static_cast<std::uint32_t>(protocol::kMaxFetchBytes + 1));
               rr.send().wait(c.ws());
             }),
             Catch::Contains("length: above 2 MiB"));
  CHECK_THAT(refusal([&] {
               auto rr = col.readRequest();
               rr.initId(16);
               rr.setLength(10);
               rr.send().wait(c.ws());
             }),
             Catch::Contains("no such envelope"));
}

TEST_CASE("relay: uploads are refused outside their sizes or with wrong bytes and abandoned ones free their memory") {
  Fixture f;
  test::Relay relay(f.data, {"--upload-budget", "5"});
  test::Client c(relay);
  Bytes env = largeEnvelope(f.centre, 2, 'a');
  const auto hash = crypto::blake2b(env);

  auto begin = [&](std::uint64_t size) { return refusal([&] { beginUpload(c, size, hash); }); };
  CHECK_THAT(begin(1000), Catch::Contains("smaller ones use submit"));
  CHECK_THAT(begin(protocol::kMaxEnvelopeBytes + 1), Catch::Contains("size: an upload is for envelopes of"));

  // Bytes other than the declared ones: refused at finish, nothing stored.
  {
    auto u = beginUpload(c, env.size(), hash);
    Bytes other = env;
    other[other.size() / 2] ^= 1;
    appendAll(c, u, other);
    CHECK_THAT(refusal([&] { u.finishRequest().send().wait(c.ws()); }),
               Catch::Contains("do not match the declared envelope hash"));
    CHECK_THAT(refusal([&] { append(c, u, ByteView("x")); }), Catch::Contains("abandoned or already finished"));
  }
  {
    auto u = beginUpload(c, env.size(), hash);
    CHECK_THAT(refusal([&] { append(c, u, Bytes(protocol::kUploadChunkBytes + 1, 0)); }),
               Catch::Contains("chunk: larger than 1 MiB"));
  }
  {
    auto u = beginUpload(c, env.size(), hash);
    append(c, u, ByteView(env).sub(0, 1000));
    CHECK_THAT(refusal([&] { u.finishRequest().send().wait(c.ws()); }), Catch::Contains("1000 of "));
  }
  {
    auto u = beginUpload(c, env.size(), hash);
    appendAll(c, u, ByteView(env).sub(0, env.size() - 10));
    CHECK_THAT(refusal([&] { append(c, u, Bytes(11, 0)); }), Catch::Contains("past the declared size"));
  }

  // Begun and never fed, uploads hold nothing: ten of them do not keep an
  // honest photo report out.
  {
    std::vector<proto::Upload::Client> idle;
    for (int i = 0; i < 10; ++i) idle.push_back(beginUpload(c, env.size(), hash));
    CHECK(test::metric(relay.metricsPort(), "upload_bytes") == 0);
    Bytes honest = largeEnvelope(f.centre, 2, 'h');
    CHECK_NOTHROW(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", honest));
  }
  // The budget (5 MiB here) is charged as bytes arrive: two uploads of 2+ MiB
  // sent whole fill it, a third is "busy" until one is dropped.
  {
    auto a = beginUpload(c, env.size(), hash);
    auto b = beginUpload(c, env.size(), hash);
    appendAll(c, a, env);
    appendAll(c, b, env);
    CHECK(test::metric(relay.metricsPort(), "upload_bytes") == static_cast<long>(2 * env.size()));
    CHECK_THAT(begin(env.size()), Catch::Contains("relay busy"));
    CHECK(test::metric(relay.metricsPort(), "uploads_refused_busy_total") == 1);
    a = nullptr;  // the client lets go: the relay frees it (before answering the next call)
    c.relay().powChallengeRequest().send().ignoreResult().then([] {}, [](kj::Exception&&) {}).wait(c.ws());
    CHECK(test::metric(relay.metricsPort(), "upload_bytes") == static_cast<long>(env.size()));
    auto d = beginUpload(c, env.size(), hash);
    appendAll(c, d, env);
    auto finished = d.finishRequest().send().wait(c.ws());
    auto receipt = finished.getReceipt();
    CHECK(Bytes(receipt.getEnvelopeHash().begin(), receipt.getEnvelopeHash().end()) == Bytes(hash.begin(), hash.end()));
  }
  c.relay().powChallengeRequest().send().ignoreResult().then([] {}, [](kj::Exception&&) {}).wait(c.ws());
  CHECK(test::metric(relay.metricsPort(), "upload_bytes") == 0);
  CHECK(test::metric(relay.metricsPort(), "uploads_abandoned_total") >= 5);
  // A client that hangs up mid-upload: its bytes are freed when the relay sees
  // the connection close (polled: the metric is the only signal there is).
  {
    test::Client gone(relay);
    auto u = beginUpload(gone, env.size(), hash);
    append(gone, u, ByteView(env).sub(0, 1000));
    CHECK(test::metric(relay.metricsPort(), "upload_bytes") == 1000);
  }
  CHECK(test::awaitMetric(relay.metricsPort(), "upload_bytes", 0) == 0);
  // An upload needs more work the larger it is (one bit per doubling above 2 MiB).
  REQUIRE(protocol::uploadPowBits(env.size()) == 1);
  CHECK(protocol::uploadPowBits(2 * protocol::kMaxSubmitBytes) == 0);
  CHECK(protocol::uploadPowBits(protocol::kMaxEnvelopeBytes) == protocol::kMaxUploadPowBits);
  CHECK_THAT(refusal([&] { beginUpload(c, env.size(), hash, 0u); }),
             Catch::Contains("proof of work does not meet the difficulty"));
  // A stamp spent on an upload cannot be spent again.
  auto [challenge, nonce] = stampFor(c, "centre-a", hash, protocol::uploadPowBits(env.size()));
  auto again = [&] {
    auto req = c.relay().beginUploadRequest();
    req.setCentre("centre-a");
    req.setSize(env.size());
    req.setEnvelopeHash(kj::arrayPtr(hash.data(), hash.size()));
    req.initStamp().setChallenge(kj::arrayPtr(challenge.data(), challenge.size()));
    req.getStamp().setNonce(nonce);
    return refusal([&] { req.send().wait(c.ws()); });
  };
  CHECK(again().empty());
  CHECK_THAT(again(), Catch::Contains("challenge unknown, used or expired"));
}

namespace {

// Sends `request` on a new connection to 127.0.0.1:`port` and returns the fd
// and the response's header block.
std::pair<int, std::string> httpExchange(unsigned short port, const std::string& request) {
  int fd = protocol::connectTcp("127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string got;
  char c;
  while (got.find("\r\n\r\n") == std::string::npos && ::read(fd, &c, 1) == 1) got += c;
  return {fd, got};
}

std::string upgrade(const std::string& path, const std::string& origin = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
         (origin.empty() ? "" : "Origin: " + origin + "\r\n") + "\r\n";
}

}  // namespace

TEST_CASE("relay: the same RPC over WebSocket with the same limits and browsers only from allowed origins") {
  Fixture f;
  test::Relay relay(f.data, {"--listen-websocket", "127.0.0.1:0", "--allow-origin", "https://centre.example.org",
                             "--idle-timeout", "2"});
  REQUIRE_THAT(relay.webSocket(), Catch::StartsWith("ws://127.0.0.1:") && Catch::EndsWith("/gongyou"));
  const auto hostPort = relay.webSocket().substr(5, relay.webSocket().rfind('/') - 5);
  const auto port = static_cast<unsigned short>(std::stoi(hostPort.substr(hostPort.rfind(':') + 1)));
  {
    test::Client c(relay.webSocket(), relay.key());
    auto env = test::envelopeFor(f.centre, "over a websocket");
    auto receipt = protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", env);
    CHECK(protocol::verifyReceipt(receipt, "centre-a", relay.key()));
    auto col = c.login("centre-a", f.centre.courier);
    CHECK(listAll(col, c.ws()).size() == 1);
    // An upload (a report with evidence) goes in chunks over the same socket.
    Bytes large = test::envelopeFor(f.centre, std::string(3 << 20, 'e'));
    CHECK(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", large).envelopeHash == crypto::blake2b(large));
  }
  // A message above the receive limit drops that connection; the relay goes on.
  {
    test::Client c(relay.webSocket(), relay.key());
    auto req = c.relay().submitRequest();
    req.setCentre("centre-a");
    req.initEnvelope(3 * protocol::kMaxSubmitBytes);
    CHECK_THAT(refusal([&] { req.send().wait(c.ws()); }), !Catch::Equals(""));
  }
  test::Client again(relay.webSocket(), relay.key());
  CHECK_NOTHROW(protocol::submitEnvelope(again.relay(), again.ws(), "centre-a", test::envelopeFor(f.centre, "2")));

  // Browsers: only the allowed origin; anything but the upgrade at the path gets a bare status.
  auto [evil, evilAnswer] = httpExchange(port, upgrade("/gongyou", "https://evil.example"));
  CHECK_THAT(evilAnswer, Catch::StartsWith("HTTP/1.1 403"));
  ::close(evil);
  auto [other, otherAnswer] = httpExchange(port, "GET /gongyou HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CHECK_THAT(otherAnswer, Catch::StartsWith("HTTP/1.1 426"));
  ::close(other);
  auto [none, noneAnswer] = httpExchange(port, upgrade("/elsewhere"));
  CHECK_THAT(noneAnswer, Catch::StartsWith("HTTP/1.1 404"));
  ::close(none);
  auto [page, pageAnswer] = httpExchange(port, upgrade("/gongyou", "https://centre.example.org"));
  CHECK_THAT(pageAnswer, Catch::StartsWith("HTTP/1.1 101"));
  // …and a WebSocket that then sends nothing is closed at the idle timeout.
  const auto start = std::chrono::steady_clock::now();
  CHECK(closedByPeer(page));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));
  ::close(page);
  // The relay said nothing about any of it.
  relay.process().signal(SIGTERM);
  std::string out = relay.process().drain();
  std::istringstream lines(out);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    bool lifecycle = false;
    for (const char* p : {"metrics ", "key ", "listening ", "websocket ", "ready", "stopping", "stopped: "})
      lifecycle = lifecycle || line.rfind(p, 0) == 0;
    CHECK(lifecycle);
  }
  CHECK(n == 7);
}

TEST_CASE("relay: a challenge is open for its lifetime only and a restart forgets every open one") {
  Fixture f;
  Bytes env = test::envelopeFor(f.centre, "late");
  auto solve = [&](const Bytes& ch) {
    crypto::PowInput in{ch, "centre-a", crypto::blake2b(env)};
    return *crypto::powSolve(in, 8);
  };
  {
    test::Relay relay(f.data, {"--challenge-lifetime", "1"});
    test::Client c(relay);
    auto [challenge, bits] = test::challengeFrom(c, "centre-a");
    const auto nonce = solve(challenge);
    // Waiting out the lifetime is what this test is about.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK_THAT(test::submitWith(c, "centre-a", challenge, nonce, env), Catch::Contains("challenge unknown, used or expired"));
    // The reporter's path asks again by itself.
    CHECK_NOTHROW(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", env));
  }
  Bytes kept;
  std::uint64_t keptNonce = 0;
  {
    test::Relay relay(f.data);
    test::Client c(relay);
    kept = test::challengeFrom(c, "centre-a").first;
    keptNonce = solve(kept);
  }
  test::Relay again(f.data);
  test::Client c(again);
  CHECK_THAT(test::submitWith(c, "centre-a", kept, keptNonce, env), Catch::Contains("challenge unknown, used or expired"));
}

TEST_CASE("relay: an upload left without chunks is abandoned on a timer and its bytes freed") {
  Fixture f;
  test::Relay relay(f.data, {"--upload-stall", "1"});
  test::Client c(relay);
  Bytes env = largeEnvelope(f.centre, 2, 's');
  const auto hash = crypto::blake2b(env);
  auto u = beginUpload(c, env.size(), hash);
  append(c, u, ByteView(env).sub(0, 4096));
  CHECK(test::metric(relay.metricsPort(), "upload_bytes") == 4096);
  // No call comes: the relay's own timer frees it (the metric is the only signal).
  CHECK(test::awaitMetric(relay.metricsPort(), "upload_bytes", 0) == 0);
  CHECK(test::metric(relay.metricsPort(), "uploads_abandoned_total") == 1);
  CHECK_THAT(refusal([&] { append(c, u, ByteView(env).sub(4096, 4096)); }), Catch::Contains("not continued in time"));
  // An upload that keeps coming is not touched.
  CHECK_NOTHROW(protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", env));
}

TEST_CASE("relay: a submission's answer carries the next challenge and one from elsewhere costs only a retry") {
  Fixture f;
  test::Relay relay(f.data);
  test::Client c(relay);
  std::optional<protocol::NextChallenge> next;
  protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "first"), nullptr, {}, &next);
  REQUIRE(next);
  CHECK(next->difficulty == f.centre.difficulty);
  const Bytes carried = next->challenge;
  // The next one uses it (and gets another): no powChallenge in between.
  protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "second"), nullptr, {}, &next);
  REQUIRE(next);
  CHECK(next->challenge != carried);
  // A carried challenge is single-use like any other: spent, it is refused…
  CHECK_THAT(test::submitWith(c, "centre-a", carried, 0, test::envelopeFor(f.centre, "replayed")),
             Catch::Contains("challenge unknown, used or expired"));
  // …and a carried challenge the relay does not know (another relay's, one from
  // before a restart) costs one retry on a fresh challenge, not the report.
  next->challenge = test::challengeFrom(c, "centre-a").first;
  next->challenge[10] ^= 1;
  auto r = protocol::submitEnvelope(c.relay(), c.ws(), "centre-a", test::envelopeFor(f.centre, "third"), nullptr, {}, &next);
  CHECK(r.day == protocol::today());
  auto col = c.login("centre-a", f.centre.courier);
  CHECK(listAll(col, c.ws()).size() == 3);
  // Not asked for, none is given.
  auto req = c.relay().submitRequest();
  req.setCentre("centre-a");
  Bytes env = test::envelopeFor(f.centre, "fourth");
  auto [challenge, difficulty] = test::challengeFrom(c, "centre-a");
  crypto::PowInput in{challenge, "centre-a", crypto::blake2b(env)};
  req.setEnvelope(kj::arrayPtr(env.data(), env.size()));
  auto st = req.initStamp();
  st.setChallenge(kj::arrayPtr(challenge.data(), challenge.size()));
  st.setNonce(*crypto::powSolve(in, difficulty));
  CHECK(req.send().wait(c.ws()).getNext().size() == 0);
}
