// Crash test: kill -9 the real relay at random moments under concurrent load,
// restart it, and check that every submission it acknowledged is there, intact.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/stat.h>

#include <atomic>
#include <random>
#include <thread>

#include "relay_harness.h"

using namespace gongyou;

namespace {

using test::Ledger;

struct Setup {
  test::TempDir tmp;
  std::string data = tmp / "relay";
  test::Centre centre;
  Setup() {
    centre.difficulty = 0;  // the load here is about durability, not proof of work
    test::relayKey(data);  // makes the store and the key
    REQUIRE(test::addCentre(data, centre, tmp) == 0);
  }
};

}  // namespace

TEST_CASE("relay crash: kill -9 under load loses no acknowledged submission") {
  Setup s;
  Ledger ledger;
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  constexpr int kRounds = 20, kClients = 4;

  for (int round = 0; round < kRounds; ++round) {
    test::Relay relay(s.data, {}, s.tmp / "relay.stderr");
    const std::size_t killAfter = ledger.receipts.size() + std::uniform_int_distribution<std::size_t>(1, 60)(rng);
    auto clients = ledger.load(relay, s.centre, kClients, "round " + std::to_string(round));
    REQUIRE(ledger.waitFor(killAfter));
    relay.process().signal(SIGKILL);
    CHECK(relay.process().wait() == 128 + SIGKILL);
    for (auto& c : clients) c.join();
  }
  INFO(ledger.receipts.size() << " acknowledged submissions over " << kRounds << " kills");
  REQUIRE(ledger.receipts.size() >= kRounds);
  CHECK(ledger.intactAfterRestart(s.data, s.centre) == ledger.receipts.size());
}

TEST_CASE("relay shutdown: SIGTERM under load commits what it answered and exits 0") {
  Setup s;
  Ledger ledger;
  {
    test::Relay relay(s.data, {}, s.tmp / "relay.stderr");
    auto clients = ledger.load(relay, s.centre, 4, "term");
    REQUIRE(ledger.waitFor(40));
    relay.process().signal(SIGTERM);
    CHECK(relay.process().waitFor("stopped: "));
    CHECK(relay.process().wait() == 0);
    for (auto& c : clients) c.join();
  }
  CHECK(ledger.intactAfterRestart(s.data, s.centre) == ledger.receipts.size());
}

namespace {

// A tmpfs of `mib` MiB mounted at `dir` for the life of this object, if this
// process may mount (root, or CAP_SYS_ADMIN); mounted() says whether it did.
class SmallDisk {
 public:
  SmallDisk(const std::string& dir, int mib) : dir_(dir) {
    ::mkdir(dir.c_str(), 0700);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + std::to_string(mib) + "m").c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool grow(int mib) {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + std::to_string(mib) + "m").c_str()) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Loads the relay until every client is refused; the refusals must all say the
// relay is full, and what was acknowledged before must all be there.
void fillUp(test::Relay& relay, const test::Centre& centre, Ledger& ledger, const std::string& tag) {
  auto clients = ledger.load(relay, centre, 2, tag);
  for (auto& c : clients) c.join();
  REQUIRE(ledger.errors.size() == 2);
  for (const auto& e : ledger.errors) CHECK_THAT(e, Catch::Contains("relay storage is full"));
  ledger.errors.clear();
  CHECK(test::metric(relay.metricsPort(), "storage_full") == 1);
  CHECK_THAT(test::httpGet(relay.metricsPort(), "/healthz"), Catch::StartsWith("HTTP/1.1 503"));
}

}  // namespace

TEST_CASE("relay full: a full map refuses clearly and loses nothing acknowledged when restarted larger") {
  Setup s;
  Ledger ledger;
  {
    test::Relay relay(s.data, {"--map-size", "2"}, s.tmp / "relay.stderr");
    fillUp(relay, s.centre, ledger, "map");
  }
  REQUIRE(ledger.receipts.size() > 10);
  CHECK(ledger.intactAfterRestart(s.data, s.centre, {"--map-size", "64"}) == ledger.receipts.size());
  test::Relay relay(s.data, {"--map-size", "64"});
  test::Client c(relay);
  CHECK_NOTHROW(protocol::submitEnvelope(c.relay(), c.ws(), s.centre.id, test::envelopeFor(s.centre, "room again")));
}

TEST_CASE("relay full: a full disk refuses clearly and accepts again when space returns with nothing lost") {
  Setup s;
  SmallDisk disk(s.tmp / "disk", 3);
  if (!disk.mounted()) {
    WARN("cannot mount a tmpfs here (needs root): the full-disk case is not exercised");
    return;
  }
  const std::string data = s.tmp / "disk/relay";
  test::relayKey(data);  // makes the store and the key
  REQUIRE(test::addCentre(data, s.centre, s.tmp) == 0);
  Ledger ledger;
  test::Relay relay(data, {"--map-size", "64"}, s.tmp / "relay.stderr");
  fillUp(relay, s.centre, ledger, "disk");
  REQUIRE(ledger.receipts.size() > 10);
  // Space returns; the same relay process takes submissions again.
  REQUIRE(disk.grow(64));
  {
    test::Client c(relay);
    Bytes env = test::envelopeFor(s.centre, "space again");
    auto r = protocol::submitEnvelope(c.relay(), c.ws(), s.centre.id, env);
    ledger.receipts[r.id] = crypto::blake2b(env);
  }
  CHECK(test::metric(relay.metricsPort(), "storage_full") == 0);
  CHECK_THAT(test::httpGet(relay.metricsPort(), "/healthz"), Catch::StartsWith("HTTP/1.1 200"));
  CHECK(ledger.intact(relay, s.centre) == ledger.receipts.size());
}
