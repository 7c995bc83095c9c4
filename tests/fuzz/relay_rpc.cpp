// The relay's request handling, in process: the bytes a client sends on its TCP
// connection, fed through the same per-connection setup as the real relay
// (server::serveConnection: receive limits, flow limit) into the RPC system and
// the relay's handlers, backed by a real store and writer thread.
//
// This is the anonymous surface, what anyone on the internet reaches: the
// bootstrap Relay and its methods. Collector methods sit behind a signed login
// the fuzzer cannot forge; their inputs come from the centre's own courier.
#include <stdlib.h>

#include <kj/async-io.h>

#include "fuzz_support.h"
#include "protocol/day.h"
#include "server/relay_server.h"
#include "server/relay_service.h"

using namespace gongyou;

namespace {

struct World {
  kj::AsyncIoContext io = kj::setupAsyncIo();
  std::string dir = [] {
    char tmpl[] = "/tmp/gongyou-fuzz-relay-XXXXXX";
    if (!::mkdtemp(tmpl)) abort();
    return std::string(tmpl);
  }();
  storage::RelayStore store{dir, [] {
                              // No fsync: the fuzzer needs speed, not durability.
                              auto o = storage::RelayStore::options(std::size_t{256} << 20);
                              o.flags |= MDB_NOSYNC;
                              return o;
                            }()};
  server::Metrics metrics;
  server::Writer writer{store, metrics, {}};
  crypto::SigningKey relayKey = crypto::SigningKey::generate();
  server::ChallengeBook challenges{store.challengeKey(), std::chrono::minutes(10)};
  server::RelayContext ctx{store, writer, metrics, relayKey, challenges, io.provider->getTimer()};
  proto::Relay::Client relay = [this] {
    auto pinned = server::pinCentre(store, fuzz::centre(protocol::today()).bundleFile(), protocol::today());
    if (pinned.status != server::PinStatus::Pinned) abort();
    return server::makeRelay(ctx);
  }();
};

kj::Promise<void> drain(kj::AsyncIoStream& s, kj::Array<kj::byte>& buf) {
  return s.tryRead(buf.begin(), 1, buf.size()).then([&s, &buf](size_t n) -> kj::Promise<void> {
    if (n == 0) return kj::READY_NOW;
    return drain(s, buf);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World* w = new World;  // lives for the process: the writer thread with it
  auto& io = w->io;
  auto pipe = io.provider->newTwoWayPipe();
  auto client = kj::mv(pipe.ends[1]);
  auto served = server::serveConnection(kj::mv(pipe.ends[0]), io.provider->getTimer(), w->relay, w->metrics,
                                        60 * kj::SECONDS);
  auto buf = kj::heapArray<kj::byte>(64 * 1024);
  auto send = client->write(data, size)
                  .then([&] { client->shutdownWrite(); })
                  .eagerlyEvaluate([](kj::Exception&&) {});
  auto received = drain(*client, buf).eagerlyEvaluate([](kj::Exception&&) {});
  // The relay hangs up at the end of the input (or earlier, on a bad message);
  // then our sends and reads end too.
  served.catch_([](kj::Exception&&) {}).wait(io.waitScope);
  send.wait(io.waitScope);
  received.wait(io.waitScope);
  return 0;
}
