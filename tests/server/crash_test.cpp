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

TEST_CASE("relay crash: kill -9 under load loses no acknowledged submission") {
  test::TempDir tmp;
  const std::string data = tmp / "relay";
  test::Centre centre;
  centre.difficulty = 0;  // the load here is about durability, not proof of work
  REQUIRE(test::run({test::kRelayBin, "list-centres", "--data", data}).first == 0);
  REQUIRE(test::addCentre(data, centre, tmp) == 0);

  std::mutex mutex;
  std::condition_variable acked;
  std::map<protocol::InboxId, crypto::Hash> receipts;
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  constexpr int kRounds = 20, kClients = 4;

  for (int round = 0; round < kRounds; ++round) {
    test::Relay relay(data, {}, tmp / "relay.stderr");
    const std::size_t before = receipts.size();
    const std::size_t killAfter = before + std::uniform_int_distribution<std::size_t>(1, 60)(rng);
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t)
      clients.emplace_back([&, t] {
        try {
          test::Client c(relay.address());
          for (int i = 0;; ++i) {
            Bytes env = test::envelopeFor(centre, "round " + std::to_string(round) + " client " +
                                                      std::to_string(t) + " report " + std::to_string(i));
            auto r = protocol::submitEnvelope(c.relay(), c.ws(), centre.id, env);
            std::lock_guard<std::mutex> lock(mutex);
            receipts[r.id] = crypto::blake2b(env);
            acked.notify_all();
          }
        } catch (const kj::Exception&) {
          // The relay died under us: expected.
        } catch (const std::exception&) {
        }
      });
    {
      std::unique_lock<std::mutex> lock(mutex);
      // Readiness signal, not a sleep: kill once the chosen number of receipts is in.
      REQUIRE(acked.wait_for(lock, std::chrono::seconds(60), [&] { return receipts.size() >= killAfter; }));
    }
    relay.process().signal(SIGKILL);
    CHECK(relay.process().wait() == 128 + SIGKILL);
    for (auto& c : clients) c.join();
  }
  INFO(receipts.size() << " acknowledged submissions over " << kRounds << " kills");
  REQUIRE(receipts.size() >= kRounds);

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
      auto data = e.getData();
      intact += receipts.at(id) == crypto::blake2b(ByteView(data.begin(), data.size()));
    }
  }
  CHECK(intact == receipts.size());
}
