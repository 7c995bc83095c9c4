// The group-commit writer and the stateless challenges, in process.
#include <catch2/catch.hpp>

#include <kj/async.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "protocol/receipt.h"
#include "server/challenge.h"
#include "server/pow_governor.h"
#include "server/receive_budget.h"
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

TEST_CASE("writer: one signature stands for a commit and each receipt's path leads to it") {
  Harness h;
  const auto key = crypto::SigningKey::generate();
  Writer writer(h.store, h.metrics, {}, &key);
  // The first job holds the writer; the nine are queued only once it runs, so
  // they all wait for the next commit and make it together.
  std::atomic<bool> started{false}, release{false};
  auto first = writer.submit([&](storage::RelayStore::Batch&) {
    started = true;
    while (!release) std::this_thread::yield();
  });
  while (!started) std::this_thread::yield();
  std::vector<protocol::SubmitReceipt> receipts(9);
  std::vector<std::shared_ptr<server::ReceiptProof>> proofs;
  kj::Vector<kj::Promise<void>> all;
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    receipts[i].day = 20000;
    crypto::randomBytes(receipts[i].id.data(), receipts[i].id.size());
    receipts[i].envelopeHash = crypto::blake2b(std::to_string(i));
    proofs.push_back(std::make_shared<server::ReceiptProof>());
    all.add(writer.submitReceipted(
        [r = receipts[i]](storage::RelayStore::Batch& b) {
          b.insert("c", "x", 1, {});
          return protocol::receiptLeaf(r, "c");
        },
        proofs.back()));
  }
  // A job without a receipt in the same batch is no leaf of its tree.
  all.add(writer.submit([](storage::RelayStore::Batch& b) { b.insert("c", "y", 1, {}); }));
  release = true;
  first.wait(h.ws);
  kj::joinPromises(all.releaseAsArray()).wait(h.ws);
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    auto& r = receipts[i];
    const auto& p = *proofs[i];
    r.index = p.index, r.batchSize = p.batchSize, r.path = p.path, r.signature = p.signature;
    CHECK(r.batchSize == 9);
    CHECK(r.index == i);
    CHECK(r.signature == receipts[0].signature);  // one signature for all nine
    CHECK(protocol::verifyReceipt(r, "c", key.publicKey()));
    CHECK_FALSE(protocol::verifyReceipt(r, "d", key.publicKey()));
  }
  // A receipt moved to another place in the tree, given another's path, a tree
  // of another size, or a changed sibling hash no longer verifies.
  auto moved = receipts[3];
  moved.index = 4;
  CHECK_FALSE(protocol::verifyReceipt(moved, "c", key.publicKey()));
  auto borrowed = receipts[3];
  borrowed.path = receipts[5].path;
  CHECK_FALSE(protocol::verifyReceipt(borrowed, "c", key.publicKey()));
  auto resized = receipts[3];
  resized.batchSize = 10;
  CHECK_FALSE(protocol::verifyReceipt(resized, "c", key.publicKey()));
  auto tampered = receipts[3];
  tampered.path[0][7] ^= 0x20;
  CHECK_FALSE(protocol::verifyReceipt(tampered, "c", key.publicKey()));
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

TEST_CASE("receive budget: the meter finds each message's size and end however the bytes are cut") {
  // Two Cap'n Proto messages (two segments, then one), fed one byte at a time.
  std::vector<std::uint8_t> bytes;
  auto le = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le(1), le(2), le(3), le(0);  // 2 segments: 2 and 3 words, padded
  bytes.resize(bytes.size() + 5 * 8, 0xAA);
  le(0), le(1);
  bytes.resize(bytes.size() + 8, 0xBB);
  for (std::size_t cut : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
    server::FrameMeter meter(server::FrameMeter::Framing::Capnp);
    std::vector<std::size_t> declared;
    int completed = 0;
    for (std::size_t at = 0; at < bytes.size();) {
      const std::size_t n = std::min(cut, bytes.size() - at);
      for (std::size_t used = 0; used < n;) {
        server::FrameMeter::Step step;
        used += meter.feed(bytes.data() + at + used, n - used, step);
        if (step.declared) declared.push_back(step.declared);
        completed += step.completed;
      }
      at += n;
    }
    CHECK(declared == std::vector<std::size_t>{40, 8});
    CHECK(completed == 2);
  }
  // WebSocket: the upgrade request, a ping, then a message in two fragments.
  std::string ws = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ws += std::string("\x89\x82\x00\x00\x00\x00pi", 8);            // ping, masked, 2 bytes
  ws += std::string("\x02\x83\x00\x00\x00\x00", 6) + "abc";      // binary, not final, 3 bytes
  ws += std::string("\x80\xfe\x01\x00\x00\x00\x00\x00", 8) + std::string(256, 'd');  // final, 256 bytes
  server::FrameMeter meter(server::FrameMeter::Framing::WebSocket);
  std::vector<std::size_t> declared;
  int completed = 0;
  const auto* p = reinterpret_cast<const std::uint8_t*>(ws.data());
  for (std::size_t at = 0; at < ws.size();) {
    server::FrameMeter::Step step;
    at += meter.feed(p + at, 1, step);
    if (step.declared) declared.push_back(step.declared);
    completed += step.completed;
  }
  CHECK(declared == std::vector<std::size_t>{3, 256});
  CHECK(completed == 1);
}

TEST_CASE("receive budget: what fits is granted at once and the rest waits for room") {
  server::ReceiveBudget budget(100);
  auto& ws = test::threadIo().waitScope;
  budget.charge(60).wait(ws);
  auto big = budget.charge(50);  // does not fit: waits
  CHECK_FALSE(big.poll(ws));
  budget.charge(30).wait(ws);  // fits: ahead of the waiting one
  CHECK(budget.used() == 90);
  budget.release(60);
  CHECK(big.poll(ws));
  big.wait(ws);
  CHECK(budget.used() == 80);
  CHECK(budget.charge(1000).poll(ws) == false);  // more than the whole budget: the whole budget, when free
}

TEST_CASE("writer: while idle it touches the store's files so their change time dates no report") {
  Harness h;
  Writer::Options o;
  o.coverMin = std::chrono::milliseconds(20);
  o.coverMax = std::chrono::milliseconds(40);
  const std::string slots = h.dir / "envelopes/1024.slots";
  struct stat before {};
  REQUIRE(::stat(slots.c_str(), &before) == 0);
  Writer writer(h.store, h.metrics, o);
  struct stat after = before;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (after.st_ctim.tv_nsec == before.st_ctim.tv_nsec && after.st_ctim.tv_sec == before.st_ctim.tv_sec &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(::stat(slots.c_str(), &after) == 0);
  }
  CHECK((after.st_ctim.tv_sec != before.st_ctim.tv_sec || after.st_ctim.tv_nsec != before.st_ctim.tv_nsec));
  CHECK(after.st_mtim.tv_sec % 86400 == 0);  // and the modification time still says only the day
  CHECK(after.st_mtim.tv_nsec == 0);
  CHECK(h.metrics.batchesCommitted == 0);  // no write did it
}
