// A hostile relay against the courier: it accepts the login, then lists without
// end, lists ids out of order, or answers a read with more bytes than asked. The
// courier must finish, bounded, with the honest relay's envelopes in a batch
// that imports, and the hostile items set aside.
#include <catch2/catch.hpp>

#include <capnp/ez-rpc.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "analyst/centre_cli.h"
#include "analyst/courier.h"
#include "protocol/relay_endpoint.h"
#include "server/relay_harness.h"
#include "storage/file.h"

using namespace gongyou;
using test::run;

namespace {

enum class Mode { Endless, Disorder, ReadOverflow };

Bytes idOf(std::uint64_t n) {
  Bytes id(16, 0);
  for (int i = 0; i < 8; ++i) id[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return id;
}

class HostileCollector final : public proto::Collector::Server {
 public:
  explicit HostileCollector(Mode m) : mode_(m) {}

  kj::Promise<void> list(ListContext context) override {
    auto after = context.getParams().getAfter();
    std::uint64_t from = 0;
    for (auto b : after) from = from << 8 | b;
    auto r = context.getResults();
    const std::uint64_t n = mode_ == Mode::ReadOverflow ? 2 : 1000;
    auto entries = r.initEntries(static_cast<unsigned>(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      // Disorder: the second page goes back to the start.
      const std::uint64_t id = mode_ == Mode::Disorder && from > 0 ? i + 1 : from + i + 1;
      Bytes b = idOf(id);
      entries[i].setId(kj::arrayPtr(b.data(), b.size()));
      entries[i].setDay(1);
      entries[i].setSize(mode_ == Mode::ReadOverflow && i == 0 ? 3u << 20 : 4096);
    }
    r.setMore(mode_ != Mode::ReadOverflow);  // Endless, Disorder: always more
    return kj::READY_NOW;
  }
  kj::Promise<void> fetch(FetchContext context) override {
    auto ids = context.getParams().getIds();
    auto envs = context.getResults().initEnvelopes(ids.size());
    for (unsigned i = 0; i < ids.size(); ++i) {
      envs[i].setId(ids[i]);
      envs[i].setDay(1);
      auto d = envs[i].initData(4096);
      std::memset(d.begin(), 'h', d.size());
    }
    return kj::READY_NOW;
  }
  kj::Promise<void> read(ReadContext context) override {
    // More than asked: a hostile relay's way to break the batch.
    auto d = context.getResults().initData(context.getParams().getLength() + 100);
    std::memset(d.begin(), 'r', d.size());
    return kj::READY_NOW;
  }

 private:
  Mode mode_;
};

class HostileRelay final : public proto::Relay::Server {
 public:
  explicit HostileRelay(Mode m) : mode_(m) {}
  kj::Promise<void> loginChallenge(LoginChallengeContext context) override {
    Bytes c(32, 7);
    context.getResults().setChallenge(kj::arrayPtr(c.data(), c.size()));
    return kj::READY_NOW;
  }
  kj::Promise<void> login(LoginContext context) override {
    context.getResults().setCollector(kj::heap<HostileCollector>(mode_));
    return kj::READY_NOW;
  }

 private:
  Mode mode_;
};

// The hostile relay on 127.0.0.1, on its own thread and event loop.
class HostileServer {
 public:
  explicit HostileServer(Mode m) {
    std::atomic<unsigned> port{0};
    thread_ = std::thread([this, m, &port] {
      capnp::EzRpcServer server(kj::heap<HostileRelay>(m), "127.0.0.1", 0);
      auto& ws = server.getWaitScope();
      auto stop = kj::newPromiseAndCrossThreadFulfiller<void>();
      stop_ = kj::mv(stop.fulfiller);
      port = server.getPort().wait(ws);
      stop.promise.wait(ws);
    });
    while (port == 0) std::this_thread::yield();
    address_ = "127.0.0.1:" + std::to_string(port.load());
  }
  ~HostileServer() {
    stop_->fulfill();
    thread_.join();
  }
  const std::string& address() const { return address_; }

 private:
  std::thread thread_;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop_;
  std::string address_;
};

}  // namespace

TEST_CASE("analyst courier: a hostile relay cannot flood the batch or break it and the honest relay's reports import") {
  const auto mode = GENERATE(Mode::Endless, Mode::Disorder, Mode::ReadOverflow);
  test::CentreCli c;
  HostileServer hostile(mode);
  test::TempDir rt;
  const std::string data = rt / "r";
  test::relayKey(data);
  test::Relay relay(data);
  REQUIRE(c.analyst({"init", "--centre", "hostile", "--relay",
                     hostile.address() + "=" + protocol::encodeRelayKey(test::strangerRelayKey()), "--relay",
                     relay.spec(), "--pow", "1"})
              .first == 0);
  REQUIRE(run({test::kRelayBin, "add-centre", "--data", data, c.dir + "/centre.bundle"}).first == 0);
  test::TempDir w;
  REQUIRE(run({test::kReportBin, "--state", w / "s", "enrol", test::codeFrom(c.analyst({"centre-code"}).second)}).first == 0);
  storage::writeFileAtomic(w / "r.json", R"({"employer":{"name":"Honest Textiles"},"categories":["other"],"language":"en"})");
  REQUIRE(run({test::kReportBin, "--state", w / "s", "submit", "--no-reply", "--json", w / "r.json"}).first == 0);

  auto key = analyst::readCourierKey(c.dir + "/courier.key");
  auto& io = test::threadIo();
  analyst::CollectLimits limits;
  limits.envelopes = 3000;
  limits.bytes = 64 << 20;
  const std::string batchPath = c.tmp / "b.gyb";
  std::vector<analyst::RelayOutcome> outcomes;
  {
    storage::AtomicFileWriter file(batchPath);
    outcomes = analyst::collect(key, io, protocol::Net{}, file, {}, limits);
    file.commit();
  }
  REQUIRE(outcomes.size() == 2);
  const auto& bad = outcomes[0];
  CHECK(bad.error.empty());
  switch (mode) {
    case Mode::Endless:
      CHECK(bad.count <= limits.envelopes);
      CHECK_THAT(bad.stopped, Catch::Contains("cap for one run"));
      break;
    case Mode::Disorder:
      CHECK(bad.count == 1000);  // the first page; the second went back
      CHECK_THAT(bad.stopped, Catch::Contains("out of order"));
      break;
    case Mode::ReadOverflow:
      CHECK(bad.setAside == 1);  // the over-long read; the other envelope is kept
      CHECK(bad.count == 1);
      break;
  }
  CHECK(storage::readFile(batchPath).size() < (std::size_t{80} << 20));
  CHECK(outcomes[1].count == 1);
  // The batch imports: the honest report is stored, the hostile junk set aside.
  auto imported = c.analyst({"import", batchPath});
  CHECK(imported.first == 0);
  CHECK_THAT(imported.second, Catch::Contains("1 new reports"));
}
