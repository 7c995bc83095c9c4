// Crash test: kill -9 the real relay at random moments under concurrent load,
// restart it, and check that every submission it acknowledged is there, intact.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "relay_harness.h"

using namespace gongyou;

namespace {

// Acknowledged submissions: receipt id -> hash of the envelope sent.
struct Ledger {
  std::mutex mutex;
  std::condition_variable acked;
  std::map<protocol::InboxId, crypto::Hash> receipts;

  // `clients` threads submit distinct envelopes until the relay goes away.
  std::vector<std::thread> load(const test::Relay& relay, const test::Centre& centre, int clients,
                                const std::string& tag) {
    std::vector<std::thread> ts;
    for (int t = 0; t < clients; ++t)
      ts.emplace_back([&, t, tag, address = relay.address()] {
        try {
          test::Client c(address);
          for (int i = 0;; ++i) {
            Bytes env = test::envelopeFor(centre, tag + " client " + std::to_string(t) + " report " +
                                                      std::to_string(i));
            auto r = protocol::submitEnvelope(c.relay(), c.ws(), centre.id, env);
            std::lock_guard<std::mutex> lock(mutex);
            receipts[r.id] = crypto::blake2b(env);
            acked.notify_all();
          }
        } catch (const kj::Exception&) {
          // The relay went away under us: expected.
        } catch (const std::exception&) {
        }
      });
    return ts;
  }

  // Readiness signal, not a sleep: returns once `n` receipts are in.
  bool waitFor(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    return acked.wait_for(lock, std::chrono::seconds(60), [&] { return receipts.size() >= n; });
  }

  // Restarts the relay on `data` and counts receipts whose envelope is there intact.
  std::size_t intactAfterRestart(const std::string& data, const test::Centre& centre) {
    test::Relay relay(data);
    test::Client c(relay.address());
    auto col = protocol::loginCourier(c.relay(), c.ws(), centre.id, centre.courier);
    std::vector<protocol::InboxId> ids;
    for (auto& [id, hash] : receipts) ids.push_back(id);
    std::size_t intact = 0;
    for (std::size_t i = 0; i < ids.size(); i += protocol::kMaxFetchIds) {
      auto req = col.fetchRequest();
      const auto n = static_cast<unsigned>(std::min(protocol::kMaxFetchIds, ids.size() - i));
      auto list = req.initIds(n);
      for (unsigned k = 0; k < n; ++k) list.set(k, kj::arrayPtr(ids[i + k].data(), 16));
      auto resp = req.send().wait(c.ws());
      for (auto e : resp.getEnvelopes()) {
        protocol::InboxId id;
        std::memcpy(id.data(), e.getId().begin(), 16);
        auto bytes = e.getData();
        intact += receipts.at(id) == crypto::blake2b(ByteView(bytes.begin(), bytes.size()));
      }
    }
    return intact;
  }
};

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
