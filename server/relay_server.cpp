#include "server/relay_server.h"

#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>

#include <sys/resource.h>

#include <csignal>
#include <cstring>
#include <list>
#include <memory>
#include <optional>
#include <ostream>

#include "protocol/bundle.h"
#include "protocol/connection.h"
#include "protocol/day.h"
#include "protocol/limits.h"
#include "protocol/relay_endpoint.h"
#include "server/metrics.h"
#include "server/relay_key.h"
#include "server/relay_service.h"

namespace gongyou::server {
namespace {

// A stream that remembers when it last received bytes: a connection that sends
// nothing for the idle timeout (half-open, or a slot-holding flood) is closed.
class ActivityStream final : public kj::AsyncIoStream {
 public:
  ActivityStream(kj::Own<kj::AsyncIoStream> inner, kj::Timer& timer)
      : inner_(kj::mv(inner)), timer_(timer), last_(timer.now()) {}
  kj::TimePoint lastActivity() const { return last_; }

  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    return inner_->tryRead(buffer, minBytes, maxBytes).then([this](size_t n) {
      if (n > 0) last_ = timer_.now();
      return n;
    });
  }
  kj::Promise<void> write(const void* buffer, size_t size) override { return inner_->write(buffer, size); }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return inner_->write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_->whenWriteDisconnected(); }
  void shutdownWrite() override { inner_->shutdownWrite(); }
  void abortRead() override { inner_->abortRead(); }

 private:
  kj::Own<kj::AsyncIoStream> inner_;
  kj::Timer& timer_;
  kj::TimePoint last_;
};

// One client connection: its stream, its own Cap'n Proto network with the
// relay's receive limits, and its RPC system. Destroyed when the peer goes away
// or stays silent for the idle timeout.
struct Connection {
  Connection(kj::Own<kj::AsyncIoStream> s, kj::Timer& timer, proto::Relay::Client boot, Metrics& m)
      : stream(kj::mv(s), timer),
        network(stream, capnp::rpc::twoparty::Side::SERVER, protocol::readerOptions()),
        rpc(capnp::makeRpcServer(network, kj::mv(boot))),
        metrics(m) {
    // Calls in flight per connection: above one maximal message the relay stops
    // reading from this client until its calls are answered.
    rpc.setFlowLimit(protocol::kMaxMessageWords);
    metrics.connectionsOpen++;
  }
  ~Connection() { metrics.connectionsOpen--; }

  // Resolves when nothing has arrived for `idle`.
  kj::Promise<void> silence(kj::Timer& timer, kj::Duration idle) {
    return timer.afterDelay(idle).then([this, &timer, idle]() -> kj::Promise<void> {
      if (timer.now() - stream.lastActivity() >= idle) {
        metrics.connectionsIdleClosed++;
        return kj::READY_NOW;
      }
      return silence(timer, idle);
    });
  }

  ActivityStream stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
  Metrics& metrics;
  kj::Own<kj::PromiseFulfiller<void>> evict;  // fulfilled: close this connection now
};

// The live connections, for the acceptor to find the one silent the longest.
class Registry {
 public:
  struct Entry {
    Entry(Registry& r, Connection* c) : registry(r), connection(c), at(r.live_.insert(r.live_.end(), this)) {}
    ~Entry() {
      registry.live_.erase(at);
      if (evicted) --registry.evicting_;
    }
    KJ_DISALLOW_COPY(Entry);
    Registry& registry;
    Connection* connection;
    std::list<Entry*>::iterator at;
    bool evicted = false;
  };
  kj::Own<Entry> add(Connection* c) { return kj::heap<Entry>(*this, c); }
  // Closes the connection silent the longest, if silent for at least `atLeast`;
  // false if there is none.
  bool evictMostIdle(kj::TimePoint now, kj::Duration atLeast) {
    Entry* best = nullptr;
    for (Entry* e : live_) {
      const auto last = e->connection->stream.lastActivity();
      if (!e->evicted && now - last >= atLeast && (!best || last < best->connection->stream.lastActivity()))
        best = e;
    }
    if (!best) return false;
    best->evicted = true;
    ++evicting_;
    best->connection->evict->fulfill();
    return true;
  }
  // Connections told to close that have not gone yet (their slots are free).
  std::size_t evicting() const { return evicting_; }

 private:
  std::list<Entry*> live_;
  std::size_t evicting_ = 0;
};

kj::Promise<void> serve(kj::Own<kj::AsyncIoStream> stream, kj::Timer& timer, proto::Relay::Client boot,
                        Metrics& metrics, kj::Duration idle, Registry* registry) {
  auto c = kj::heap<Connection>(kj::mv(stream), timer, kj::mv(boot), metrics);
  auto evicted = kj::newPromiseAndFulfiller<void>();
  c->evict = kj::mv(evicted.fulfiller);
  auto done = c->network.onDisconnect().exclusiveJoin(c->silence(timer, idle)).exclusiveJoin(kj::mv(evicted.promise));
  if (registry) {
    auto entry = registry->add(c.get());
    return done.attach(kj::mv(c), kj::mv(entry));
  }
  return done.attach(kj::mv(c));
}

}  // namespace

kj::Promise<void> serveConnection(kj::Own<kj::AsyncIoStream> stream, kj::Timer& timer, proto::Relay::Client boot,
                                  Metrics& metrics, kj::Duration idle) {
  return serve(kj::mv(stream), timer, kj::mv(boot), metrics, idle, nullptr);
}

namespace {

class Acceptor final : private kj::TaskSet::ErrorHandler {
 public:
  Acceptor(kj::ConnectionReceiver& l, kj::Timer& timer, proto::Relay::Client boot, Metrics& m,
           std::size_t maxConns, kj::Duration idle)
      : listener_(l), timer_(timer), boot_(kj::mv(boot)), metrics_(m), maxConns_(maxConns), idle_(idle),
        tasks_(*this) {}

  kj::Promise<void> run() {
    return listener_.accept().then(
        [this](kj::Own<kj::AsyncIoStream> s) {
          // At the cap, a connection silent for an eighth of the idle timeout
          // gives its slot to the newcomer: a flood of idle or half-open
          // connections cannot lock workers out until the timeout. Busy
          // connections (a worker computing its proof of work sends nothing
          // for seconds, hence the grace) are never evicted.
          auto full = [this] { return metrics_.connectionsOpen.load() - registry_.evicting() >= maxConns_; };
          if (full() && registry_.evictMostIdle(timer_.now(), idle_ / 8)) metrics_.connectionsEvicted++;
          if (full()) {
            metrics_.connectionsRefused++;  // dropped unread: s is destroyed here
          } else {
            metrics_.connectionsAccepted++;
            tasks_.add(serve(kj::mv(s), timer_, boot_, metrics_, idle_, &registry_));
          }
          return run();
        },
        [this](kj::Exception&&) {
          // accept() failed (e.g. out of file descriptors under a flood): the
          // relay must not stop accepting for good. Back off briefly, go on.
          metrics_.acceptErrors++;
          return timer_.afterDelay(100 * kj::MILLISECONDS).then([this] { return run(); });
        });
  }

 private:
  // A connection that ends in an error is just a closed connection; the
  // relay does not log anything about it.
  void taskFailed(kj::Exception&&) override {}

  kj::ConnectionReceiver& listener_;
  kj::Timer& timer_;
  proto::Relay::Client boot_;
  Metrics& metrics_;
  std::size_t maxConns_;
  kj::Duration idle_;
  Registry registry_;  // before tasks_: connections unregister as tasks_ is destroyed
  kj::TaskSet tasks_;
};

// Raises the soft file-descriptor limit to the hard one and keeps the connection
// cap below it (with room for the store, the metrics endpoint and the listener),
// so the cap, not EMFILE, is what turns a flood away.
std::size_t maxConnections(std::size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
    (void)::getrlimit(RLIMIT_NOFILE, &rl);
  }
  constexpr rlim_t kReserved = 32;
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > wanted + kReserved) return wanted;
  return rl.rlim_cur > kReserved ? static_cast<std::size_t>(rl.rlim_cur - kReserved) : 1;
}

}  // namespace

PinOutcome pinCentre(storage::RelayStore& store, ByteView framedBundle, std::uint32_t today) {
  kj::Array<capnp::word> words;
  std::unique_ptr<capnp::MessageReader> msg;
  try {
    msg = protocol::readSignedBundle(framedBundle, words);
  } catch (const std::exception& e) {
    return {PinStatus::Refused, e.what()};
  }
  auto signedBundle = msg->getRoot<proto::SignedBundle>();
  protocol::BundleRules rules;
  rules.today = today;
  auto check = protocol::verifyBundle(signedBundle, rules);
  if (check.status != protocol::BundleStatus::Ok)
    return {PinStatus::Refused, std::string(protocol::describe(check.status)) +
                                    (check.detail.empty() ? "" : " (" + check.detail + ")")};
  auto b = check.bundle->root();
  std::string centre(b.getCentreId().cStr(), b.getCentreId().size());
  storage::RelayStore::Batch batch(store);
  if (auto existing = batch.centreBundle(centre)) {
    auto old = protocol::BundleFile::open(*existing);
    // The operator giving the same bundle again (a re-run of a deployment
    // script): already done, not a refusal.
    auto oldBytes = old->signedBundle().getBundle();
    auto newBytes = signedBundle.getBundle();
    if (oldBytes.size() == newBytes.size() && std::memcmp(oldBytes.begin(), newBytes.begin(), newBytes.size()) == 0)
      return {PinStatus::AlreadyPinned, "centre " + centre + " is already pinned at bundle version " +
                                            std::to_string(b.getVersion()) + "; nothing changed"};
    auto oldId = old->bundle().getIdentityKey();
    rules.pinnedIdentity = ByteView(oldId.begin(), oldId.size());
    rules.seenVersion = old->bundle().getVersion();
    auto recheck = protocol::verifyBundle(signedBundle, rules);
    if (recheck.status != protocol::BundleStatus::Ok)
      return {PinStatus::Refused, std::string(protocol::describe(recheck.status))};
  }
  batch.putCentre(centre, framedBundle);
  batch.commit();
  return {PinStatus::Pinned, "pinned centre " + centre + " at bundle version " + std::to_string(b.getVersion())};
}

int serve(const ServeOptions& opts, std::ostream& out) {
  // Signals must be captured before any thread exists, so that only the event
  // loop thread ever receives them.
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  std::signal(SIGPIPE, SIG_IGN);

  storage::RelayStore store(opts.dataDir, storage::RelayStore::options(opts.mapSizeMiB << 20));
  Metrics metrics;
  std::optional<MetricsServer> metricsServer;
  if (opts.metrics != "off") {
    const auto at = protocol::parseHostPort(opts.metrics);
    metricsServer.emplace(metrics, at.host, at.port);
    out << "metrics http://" << at.host << ':' << metricsServer->port() << "/metrics" << std::endl;
  }
  const crypto::SigningKey relayKey = loadOrCreateRelayKey(opts.dataDir);
  out << "key " << protocol::encodeRelayKey(relayKey.publicKey()) << std::endl;
  Writer writer(store, metrics, opts.writer);
  RelayContext ctx{store,    writer, metrics, relayKey, PowGovernor(opts.pow), UploadBudget{opts.uploadBudgetMiB << 20, 0}};

  auto io = kj::setupAsyncIo();
  const auto listenAt = protocol::parseHostPort(opts.listen);
  const std::string& host = listenAt.host;
  kj::Own<kj::ConnectionReceiver> listener;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    listener = io.provider->getNetwork().parseAddress(host, listenAt.port).wait(io.waitScope)->listen();
  })) {
    throw std::runtime_error("cannot listen on " + opts.listen + ": " + e->getDescription().cStr());
  }
  out << "listening " << host << ':' << listener->getPort() << std::endl;

  {
    auto acceptor = kj::heap<Acceptor>(*listener, io.provider->getTimer(), makeRelay(ctx), metrics,
                                       maxConnections(opts.maxConnections),
                                       static_cast<std::int64_t>(opts.idleSeconds) * kj::SECONDS);
    auto accepting = acceptor->run().eagerlyEvaluate([](kj::Exception&&) {});
    out << "ready" << std::endl;
    auto stop = io.unixEventPort.onSignal(SIGTERM).exclusiveJoin(io.unixEventPort.onSignal(SIGINT));
    stop.wait(io.waitScope);
    out << "stopping" << std::endl;
    // New connections stop first; then everything already queued is committed,
    // and the loop runs a little longer so those receipts reach their clients.
    accepting = nullptr;
    writer.stop();
    io.provider->getTimer().afterDelay(200 * kj::MILLISECONDS).wait(io.waitScope);
  }
  out << "stopped: " << metrics.submitsAccepted.load() << " submissions stored, "
      << metrics.batchesCommitted.load() << " commits" << std::endl;
  return 0;
}

}  // namespace gongyou::server
