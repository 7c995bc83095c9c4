// Privacy by construction: after a busy run, neither the relay's database nor
// its output holds the client's address, port, or any time finer than a day.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>

#include "relay_harness.h"
#include "support/disk_image.h"

using namespace gongyou;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Overwrites every occurrence of `needle` in `hay` (the envelopes we sent are
// random-looking bytes; blanking them leaves only what the relay itself wrote).
void blank(std::string& hay, const Bytes& needle) {
  std::string n(needle.begin(), needle.end());
  for (auto pos = hay.find(n); pos != std::string::npos; pos = hay.find(n, pos + 1))
    std::fill(hay.begin() + pos, hay.begin() + pos + n.size(), '\0');
}

std::string be32(std::uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
std::string le32(std::uint32_t v) {
  return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}

}  // namespace

TEST_CASE("relay privacy: no client address or port or fine-grained time in the store or the output") {
  test::TempDir tmp;
  const std::string data = tmp / "relay";
  test::Centre centre;
  test::relayKey(data);  // makes the store and the key
  REQUIRE(test::addCentre(data, centre, tmp) == 0);
  const std::time_t start = std::time(nullptr);

  std::vector<unsigned short> clientPorts;
  std::vector<Bytes> sent;
  std::string relayOut;
  {
    test::Relay relay(data, {}, tmp / "relay.stderr");
    for (int i = 0; i < 5; ++i) {
      // Connect by hand to learn our own source port.
      int fd = protocol::connectTcp(relay.address(), std::chrono::seconds(5));
      sockaddr_in local{};
      socklen_t len = sizeof local;
      REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0);
      clientPorts.push_back(ntohs(local.sin_port));
      auto& io = test::threadIo();
      auto stream = io.lowLevelProvider->wrapSocketFd(fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
      capnp::TwoPartyClient client(*stream);
      auto r = client.bootstrap().castAs<proto::Relay>();
      sent.push_back(test::envelopeFor(centre, "private " + std::to_string(i)));
      protocol::submitEnvelope(r, io.waitScope, centre.id, sent.back());
      auto col = protocol::loginCourier(r, io.waitScope, centre.id, centre.courier, relay.key());
      auto post = col.postRepliesRequest();
      auto rep = post.initReplies(1);
      Bytes mailbox(32, static_cast<std::uint8_t>(i));
      sent.push_back(test::envelopeFor(centre, "reply " + std::to_string(i)));
      rep[0].setMailbox(kj::arrayPtr(mailbox.data(), 32));
      rep[0].setEnvelope(kj::arrayPtr(sent.back().data(), sent.back().size()));
      post.send().wait(io.waitScope);
    }
    relay.process().signal(SIGTERM);
    relayOut = relay.process().drain();
    REQUIRE(relay.process().wait() == 0);
  }
  const std::time_t end = std::time(nullptr);
  // Every file of the store (spent stamps and courier logins are forgotten in
  // memory; the challenge a stamp answered carries only its day).
  std::string db = test::imageOf(data).bytes;
  REQUIRE(db.size() > 0);
  for (const auto& s : sent) blank(db, s);
  blank(db, centre.bundleFile());  // names the relay's own address, as bundles do
  // The relay prints its own listen and metrics addresses once at start-up; they
  // name the relay, not a client. Everything else is scanned.
  std::string text;
  std::istringstream lines(relayOut + slurp(tmp / "relay.stderr"));
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("listening ", 0) != 0 && l.rfind("metrics ", 0) != 0) text += l + "\n";
  INFO("relay output:\n" << text);
  CHECK_THAT(text, Catch::Contains("stopped: 5 submissions stored"));

  CHECK(db.find("127.0.0.1") == std::string::npos);
  CHECK(db.find(std::string("\x7f\x00\x00\x01", 4)) == std::string::npos);
  CHECK(text.find("127.0.0.1") == std::string::npos);
  for (auto port : clientPorts) {
    CHECK(db.find(std::to_string(port)) == std::string::npos);
    CHECK(text.find(std::to_string(port)) == std::string::npos);
  }
  // Any second of the run, as text or as a 32-bit integer of either byte order.
  for (std::time_t t = start - 1; t <= end + 1; ++t) {
    const auto v = static_cast<std::uint32_t>(t);
    CHECK(db.find(std::to_string(t)) == std::string::npos);
    CHECK(text.find(std::to_string(t).substr(0, 8)) == std::string::npos);
    CHECK(db.find(be32(v)) == std::string::npos);
    CHECK(db.find(le32(v)) == std::string::npos);
  }
  // No clock time in the output either.
  char hhmm[8];
  std::tm tm{};
  gmtime_r(&end, &tm);
  std::strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
  CHECK(text.find(hhmm) == std::string::npos);
}

// The relay as an ordinary user would run it (nobody), beside another process
// of that user: that process may read an ordinary program's memory through
// /proc, never the relay's, and the relay writes no core dump.
TEST_CASE("relay privacy: no core dump and no other process of its user can read its memory") {
  char tmpl[] = "/tmp/gongyou-nodump-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string dir = tmpl;
  REQUIRE(::chmod(dir.c_str(), 0777) == 0);
  const std::string bin = dir + "/gongyou-relay";  // where nobody may run it from
  REQUIRE(test::run({"/bin/cp", test::kRelayBin, bin}).first == 0);
  const std::vector<std::string> asNobody{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  auto as = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), asNobody.begin(), asNobody.end());
    return argv;
  };
  auto readableByNobody = [&](pid_t pid) {
    return test::run(as({"/bin/cat", "/proc/" + std::to_string(pid) + "/environ"})).first == 0;
  };
  {
    // The control: an ordinary program of the same user is readable.
    test::Process ordinary(as({"/bin/sh", "-c", "echo up; exec sleep 30"}));
    REQUIRE(ordinary.waitFor("up"));
    CHECK(readableByNobody(ordinary.pid()));
  }
  test::Process relay(as({bin, "serve", "--data", dir + "/relay", "--listen", "127.0.0.1:0", "--metrics", "off"}), "-");
  REQUIRE(relay.waitFor("ready"));
  CHECK_FALSE(readableByNobody(relay.pid()));
  std::ifstream limits("/proc/" + std::to_string(relay.pid()) + "/limits");
  std::string text((std::istreambuf_iterator<char>(limits)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Matches("(.|\n)*Max core file size +0 +0 +bytes(.|\n)*"));
  relay.signal(SIGKILL);
  relay.wait();
  test::run({"/bin/rm", "-rf", dir});
}
