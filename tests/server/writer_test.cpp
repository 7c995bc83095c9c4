// The group-commit writer and the stateless challenges, in process.
#include <catch2/catch.hpp>

#include <kj/async.h>

#include "server/challenge.h"
#include "server/pow_governor.h"
#include "server/writer.h"
#include "support/event_loop.h"
#include "support/tempdir.h"

using namespace gongyou;
using server::Writer;

namespace {

struct Harness {
  test::TempDir dir;
  storage::RelayStore store;
  server::Metrics metrics;
  kj::WaitScope& ws = test::threadIo().waitScope;
  explicit Harness(std::size_t mapSize = std::size_t{1} << 30)
      : store(dir.path(), [&] {
          lmdb::EnvOptions o;
          o.mapSize = mapSize;
          return o;
        }()) {}
  std::size_t inboxCount() {
    bool more;
    return store.list("c", {}, 1000, more).size();
  }
};

std::string outcome(kj::Promise<void>& p, kj::WaitScope& ws) {
  try {
    p.wait(ws);
    return "ok";
  } catch (const kj::Exception& e) {
    return e.getDescription().cStr();
  }
}

}  // namespace

TEST_CASE("writer: concurrent writes share transactions and all are durable when answered") {
  Harness h;
  Writer writer(h.store, h.metrics, {});
  kj::Vector<kj::Promise<void>> all;
  for (int i = 0; i < 300; ++i)
    all.add(writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", Bytes(4096, 'e'), 1, {}); }));
  kj::joinPromises(all.releaseAsArray()).wait(h.ws);
  CHECK(h.inboxCount() == 300);
  CHECK(h.metrics.batchedJobs == 300);
  CHECK(h.metrics.batchesCommitted < 300);  // grouped
  INFO("batches " << h.metrics.batchesCommitted);
}

TEST_CASE("writer: --commit-each makes one transaction per write") {
  Harness h;
  Writer writer(h.store, h.metrics, {4096, false});
  kj::Vector<kj::Promise<void>> all;
  for (int i = 0; i < 20; ++i)
    all.add(writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "x", 1, {}); }));
  kj::joinPromises(all.releaseAsArray()).wait(h.ws);
  CHECK(h.metrics.batchesCommitted == 20);
}

TEST_CASE("writer: a refused job fails alone and the rest of its batch commits") {
  Harness h;
  Writer writer(h.store, h.metrics, {});
  auto a = writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "a", 1, {}); });
  auto r = writer.submit([](storage::RelayStore::Batch&) { throw server::Refusal("stamp: already used"); });
  auto c = writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "c", 1, {}); });
  CHECK(outcome(a, h.ws) == "ok");
  CHECK(outcome(r, h.ws) == "stamp: already used");
  CHECK(outcome(c, h.ws) == "ok");
  CHECK(h.inboxCount() == 2);
}

TEST_CASE("writer: a full store fails the batch with a clear error and keeps what was committed") {
  Harness h(256 * 1024);
  Writer writer(h.store, h.metrics, {});
  auto first = writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", Bytes(4096, 'k'), 1, {}); });
  CHECK(outcome(first, h.ws) == "ok");
  auto big = writer.submit([](storage::RelayStore::Batch& b) {
    for (int i = 0; i < 200; ++i) b.insert("c", Bytes(4096, 'f'), 1, {});
  });
  CHECK(outcome(big, h.ws) == "relay storage is full; try another relay or later");
  CHECK(h.metrics.storageErrors == 1);
  CHECK(h.inboxCount() == 1);
  // In a batch that does not fit as a whole, the writes that fit still go in.
  kj::Vector<kj::Promise<void>> mixed;
  for (int i = 0; i < 8; ++i)
    mixed.add(writer.submit([i](storage::RelayStore::Batch& b) {
      b.insert("c", Bytes(i % 2 ? 200 * 4096 : 16, 'm'), 1, {});  // odd ones cannot fit
    }));
  int ok = 0;
  for (auto& p : mixed) ok += outcome(p, h.ws) == "ok";
  CHECK(ok == 4);
  CHECK(h.inboxCount() == 5);
  // Writes that fit still succeed afterwards.
  auto small = writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "s", 1, {}); });
  CHECK(outcome(small, h.ws) == "ok");
}

TEST_CASE("writer: stop commits everything queued and then refuses") {
  Harness h;
  Writer writer(h.store, h.metrics, {});
  kj::Vector<kj::Promise<void>> all;
  for (int i = 0; i < 50; ++i)
    all.add(writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "q", 1, {}); }));
  writer.stop();
  CHECK(h.inboxCount() == 50);
  kj::joinPromises(all.releaseAsArray()).wait(h.ws);
  auto late = writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "late", 1, {}); });
  CHECK(outcome(late, h.ws) == "relay is shutting down");
  CHECK(h.inboxCount() == 50);
}

TEST_CASE("challenge: recognised and kind-bound and tamper-evident and valid for two days") {
  Secret<32> key, other;
  crypto::randomBytes(key.data(), 32);
  crypto::randomBytes(other.data(), 32);
  using server::ChallengeKind;
  auto c = server::issueChallenge(key, ChallengeKind::Pow, 20000, 21);
  CHECK(c.size() == server::kChallengeSize);
  auto day = [&](std::uint32_t today) {
    auto ch = server::checkChallenge(key, ChallengeKind::Pow, c, today);
    return ch ? ch->day : 0;
  };
  CHECK(day(20000) == 20000u);
  CHECK(day(20001) == 20000u);
  CHECK(server::checkChallenge(key, ChallengeKind::Pow, c, 20000)->difficulty == 21);
  CHECK_FALSE(server::checkChallenge(key, ChallengeKind::Pow, c, 20002));  // stale
  CHECK_FALSE(server::checkChallenge(key, ChallengeKind::Pow, c, 19999));  // from the future
  CHECK_FALSE(server::checkChallenge(key, ChallengeKind::Login, c, 20000));
  CHECK_FALSE(server::checkChallenge(other, ChallengeKind::Pow, c, 20000));
  // Every byte is covered, the difficulty byte (index 4) included: a client
  // cannot lower what it was asked for.
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto t = c;
    t[i] ^= 0x01;
    CHECK_FALSE(server::checkChallenge(key, ChallengeKind::Pow, t, 20000));
  }
  CHECK(server::issueChallenge(key, ChallengeKind::Pow, 20000, 21) != c);  // fresh randomness
}

TEST_CASE("pow governor: surges above the accepted rate and relaxes a window later") {
  using Clock = server::PowGovernor::Clock;
  server::PowGovernor g({/*surgeRate*/ 10, /*surgeBits*/ 3});
  const auto t0 = Clock::time_point{} + std::chrono::hours(1);
  CHECK(g.demand(20, t0) == 20);
  for (int i = 0; i < 9; ++i) g.accepted(t0 + std::chrono::seconds(i));
  CHECK(g.demand(20, t0 + std::chrono::seconds(10)) == 20);
  g.accepted(t0 + std::chrono::seconds(10));
  CHECK(g.demand(20, t0 + std::chrono::seconds(11)) == 23);
  // Half a window later the previous minute counts half: 5 < 10.
  CHECK(g.demand(20, t0 + std::chrono::seconds(90)) == 20);
  CHECK(g.demand(20, t0 + std::chrono::minutes(5)) == 20);
  // Never above what clients accept.
  for (int i = 0; i < 20; ++i) g.accepted(t0 + std::chrono::minutes(6));
  CHECK(g.demand(25, t0 + std::chrono::minutes(6)) == format::kPowMaxDifficulty);
  server::PowGovernor off({0, 3});
  for (int i = 0; i < 1000; ++i) off.accepted(t0);
  CHECK(off.demand(20, t0) == 20);
}
