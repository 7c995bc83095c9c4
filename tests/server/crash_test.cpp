// Crash test: kill -9 the real relay at random moments under concurrent load,
// restart it, and check that every submission it acknowledged is there, intact.
#include <catch2/catch.hpp>

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
    REQUIRE(test::run({test::kRelayBin, "list-centres", "--data", data}).first == 0);
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
