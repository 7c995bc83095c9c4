#include "server/relay_server.h"

#include <capnp/compat/websocket-rpc.h>
#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.h>
#include <kj/compat/http.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <vector>
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
#include "server/receive_budget.h"
#include "server/relay_key.h"
#include "server/relay_service.h"

namespace gongyou::server {
namespace {

// A connection's incoming stream: remembers when it last received bytes (a
// connection that sends nothing for the idle timeout, half-open or holding a
// slot, is closed), and meters the messages it receives against the shared
// ReceiveBudget: a message's declared size is charged before its header is
// handed to the reader that would allocate it, and released once it is whole.
class ActivityStream final : public kj::AsyncIoStream {
 public:
  ActivityStream(kj::Own<kj::AsyncIoStream> inner, kj::Timer& timer, ReceiveBudget& budget, FrameMeter::Framing f)
      : inner_(kj::mv(inner)), timer_(timer), budget_(budget), meter_(f), last_(timer.now()) {}
  ~ActivityStream() noexcept(false) { budget_.release(granted_); }
  kj::TimePoint lastActivity() const { return last_; }
  // A message begun and not arriving at the minimum rate since its grace.
  bool dawdling(kj::TimePoint now) const {
    if (granted_ == 0) return false;
    const auto elapsed = now - messageStart_;
    const auto grace = kReceiveGraceSeconds * kj::SECONDS;
    if (elapsed <= grace) return false;
    const double seconds = double((elapsed - grace) / kj::MILLISECONDS) / 1000.0;
    return double(messageBytes_) < seconds * kReceiveMinBytesPerSecond;
  }

  kj::Promise<size_t> tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    return inner_->tryRead(buffer, minBytes, maxBytes).then([this, buffer](size_t n) -> kj::Promise<size_t> {
      if (n == 0) return n;
      last_ = timer_.now();
      // Messages that begin and end within these bytes are already in memory;
      // only the one still arriving at their end is charged.
      std::size_t toCharge = 0;
      const auto* p = static_cast<const std::uint8_t*>(buffer);
      for (std::size_t at = 0; at < n;) {
        FrameMeter::Step step;
        const std::size_t used = meter_.feed(p + at, n - at, step);
        if (granted_ || toCharge) messageBytes_ += used;
        at += used;
        if (step.declared) toCharge += step.declared;
        if (step.completed) {
          budget_.release(granted_);
          granted_ = 0, toCharge = 0, messageBytes_ = 0;
        }
      }
      if (toCharge == 0) return n;
      return budget_.charge(toCharge).then([this, toCharge, n]() -> size_t {
        if (granted_ == 0) messageStart_ = timer_.now();  // its time runs once it may arrive
        granted_ += toCharge;
        return n;
      });
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
  ReceiveBudget& budget_;
  FrameMeter meter_;
  kj::TimePoint last_;
  std::size_t granted_ = 0;        // charged for the message arriving now
  std::uint64_t messageBytes_ = 0;  // of it, received so far
  kj::TimePoint messageStart_ = kj::origin<kj::TimePoint>();
};

// One RPC session: its own Cap'n Proto network with the relay's receive limits,
// and its RPC system, over a raw stream or a WebSocket's messages.
struct RpcSession {
  template <typename Transport>
  RpcSession(Transport& t, proto::Relay::Client boot)
      : network(t, capnp::rpc::twoparty::Side::SERVER, protocol::readerOptions()),
        rpc(capnp::makeRpcServer(network, kj::mv(boot))) {
    // Calls in flight per connection: above one maximal message the relay stops
    // reading from this client until its calls are answered.
    rpc.setFlowLimit(protocol::kMaxMessageWords);
  }
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
};

// One accepted TCP connection, whichever transport it speaks. Destroyed when the
// peer goes away, stays silent for the idle timeout, or is evicted.
struct Connection {
  Connection(kj::Own<kj::AsyncIoStream> s, kj::Timer& timer, Metrics& m, ReceiveBudget& budget,
             FrameMeter::Framing framing)
      : stream(kj::mv(s), timer, budget, framing), metrics(m) {
    metrics.connectionsOpen++;
  }
  ~Connection() { metrics.connectionsOpen--; }

  // Resolves when nothing has arrived for `idle`, or a message dawdles.
  kj::Promise<void> silence(kj::Timer& timer, kj::Duration idle) {
    const kj::Duration tick = std::min(idle, 2 * kj::SECONDS);
    return timer.afterDelay(tick).then([this, &timer, idle]() -> kj::Promise<void> {
      if (timer.now() - stream.lastActivity() >= idle) {
        metrics.connectionsIdleClosed++;
        return kj::READY_NOW;
      }
      if (stream.dawdling(timer.now())) {
        metrics.messagesTooSlow++;
        return kj::READY_NOW;
      }
      return silence(timer, idle);
    });
  }

  ActivityStream stream;
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

// What a connection speaks once accepted: resolves when it is over. `c` outlives
// the promise.
using Protocol = kj::Function<kj::Promise<void>(Connection& c)>;

kj::Promise<void> serve(kj::Own<kj::AsyncIoStream> stream, kj::Timer& timer, Protocol& speak, Metrics& metrics,
                        kj::Duration idle, Registry* registry, ReceiveBudget& budget, FrameMeter::Framing framing) {
  auto c = kj::heap<Connection>(kj::mv(stream), timer, metrics, budget, framing);
  auto evicted = kj::newPromiseAndFulfiller<void>();
  c->evict = kj::mv(evicted.fulfiller);
  // Whatever the protocol holds (its session, its WebSocket) is released before
  // the connection's stream it reads from.
  auto done = speak(*c).exclusiveJoin(c->silence(timer, idle)).exclusiveJoin(kj::mv(evicted.promise));
  if (registry) {
    auto entry = registry->add(c.get());
    return done.attach(kj::mv(entry)).attach(kj::mv(c));
  }
  return done.attach(kj::mv(c));
}

// Cap'n Proto RPC straight over the TCP stream (loopback, onion services).
Protocol rawRpc(proto::Relay::Client boot) {
  return [boot = kj::mv(boot)](Connection& c) mutable -> kj::Promise<void> {
    auto session = kj::heap<RpcSession>(c.stream, boot);
    return session->network.onDisconnect().attach(kj::mv(session));
  };
}

// The same RPC over WebSocket, one Cap'n Proto message per binary frame, at one
// path of an HTTP listener: how browsers and HTTPS fronts reach the relay.
// Browsers apply no CORS to WebSockets, so a page on any site could open one to
// the relay from a worker's browser: a request carrying an Origin is served only
// for the origins the operator allows. Native clients send none. Every other
// request gets a bare status and nothing is logged.
class WebSocketService final : public kj::HttpService {
 public:
  WebSocketService(proto::Relay::Client boot, const kj::HttpHeaderTable& table, kj::HttpHeaderId origin,
                   std::string path, std::vector<std::string> origins)
      : boot_(kj::mv(boot)), table_(table), origin_(origin), path_(std::move(path)), origins_(std::move(origins)) {}

  kj::Promise<void> request(kj::HttpMethod method, kj::StringPtr url, const kj::HttpHeaders& headers,
                            kj::AsyncInputStream&, Response& response) override {
    auto status = [&](unsigned code, kj::StringPtr text) {
      kj::HttpHeaders h(table_);
      return response.sendError(code, text, h);
    };
    if (method != kj::HttpMethod::GET || url != path_.c_str()) return status(404, "Not Found");
    KJ_IF_MAYBE(o, headers.get(origin_)) {
      if (std::find(origins_.begin(), origins_.end(), std::string(o->cStr())) == origins_.end())
        return status(403, "Forbidden");
    }
    if (!headers.isWebSocket()) return status(426, "Upgrade Required");
    auto ws = response.acceptWebSocket(kj::HttpHeaders(table_));
    auto messages = kj::heap<capnp::WebSocketMessageStream>(*ws);
    auto session = kj::heap<RpcSession>(*messages, boot_);
    return session->network.onDisconnect().attach(kj::mv(session)).attach(kj::mv(messages)).attach(kj::mv(ws));
  }

 private:
  proto::Relay::Client boot_;
  const kj::HttpHeaderTable& table_;
  kj::HttpHeaderId origin_;
  std::string path_;
  std::vector<std::string> origins_;
};

// HTTP (for the WebSocket upgrade) on each accepted connection. The header
// timeout bounds a client that opens a connection and dribbles its request.
class WebSocketListener {
 public:
  WebSocketListener(kj::Timer& timer, proto::Relay::Client boot, std::string path, std::vector<std::string> origins)
      : table_(makeTable(origin_)),
        service_(kj::mv(boot), *table_, origin_, std::move(path), std::move(origins)),
        server_(timer, *table_, service_) {}

  Protocol protocol() {
    return [this](Connection& c) {
      return server_.listenHttp(kj::Own<kj::AsyncIoStream>(&c.stream, kj::NullDisposer::instance));
    };
  }

 private:
  static kj::Own<kj::HttpHeaderTable> makeTable(kj::HttpHeaderId& origin) {
    kj::HttpHeaderTable::Builder b;
    origin = b.add("Origin");
    return b.build();
  }
  kj::HttpHeaderId origin_ = kj::HttpHeaderId::HOST;  // set by makeTable
  kj::Own<kj::HttpHeaderTable> table_;
  WebSocketService service_;
  kj::HttpServer server_;
};

}  // namespace

kj::Promise<void> serveConnection(kj::Own<kj::AsyncIoStream> stream, kj::Timer& timer, proto::Relay::Client boot,
                                  Metrics& metrics, kj::Duration idle) {
  auto speak = kj::heap<Protocol>(rawRpc(kj::mv(boot)));
  auto budget = kj::heap<ReceiveBudget>(kDefaultReceiveBudgetBytes);  // a connection served alone
  auto done = serve(kj::mv(stream), timer, *speak, metrics, idle, nullptr, *budget, FrameMeter::Framing::Capnp);
  return done.attach(kj::mv(speak)).attach(kj::mv(budget));
}

namespace {

class Acceptor final : private kj::TaskSet::ErrorHandler {
 public:
  Acceptor(kj::ConnectionReceiver& l, kj::Timer& timer, Protocol speak, Metrics& m, Registry& registry,
           std::size_t maxConns, kj::Duration idle, ReceiveBudget& budget, FrameMeter::Framing framing)
      : listener_(l), timer_(timer), speak_(kj::mv(speak)), metrics_(m), registry_(registry), maxConns_(maxConns),
        idle_(idle), budget_(budget), framing_(framing), tasks_(*this) {}

  kj::Promise<void> run() {
    return listener_.accept().then(
        [this](kj::Own<kj::AsyncIoStream> s) {
          // At the cap (both transports together), a connection silent for an
          // eighth of the idle timeout gives its slot to the newcomer: a flood
          // of idle or half-open connections cannot lock workers out until the
          // timeout. Busy connections (a worker computing its proof of work
          // sends nothing for seconds, hence the grace) are never evicted.
          auto full = [this] { return metrics_.connectionsOpen.load() - registry_.evicting() >= maxConns_; };
          if (full() && registry_.evictMostIdle(timer_.now(), idle_ / 8)) metrics_.connectionsEvicted++;
          if (full()) {
            metrics_.connectionsRefused++;  // dropped unread: s is destroyed here
          } else {
            metrics_.connectionsAccepted++;
            tasks_.add(serve(kj::mv(s), timer_, speak_, metrics_, idle_, &registry_, budget_, framing_));
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
  Protocol speak_;
  Metrics& metrics_;
  Registry& registry_;
  std::size_t maxConns_;
  kj::Duration idle_;
  ReceiveBudget& budget_;
  FrameMeter::Framing framing_;
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
  Writer writer(store, metrics, opts.writer, &relayKey);
  // Open challenges live in memory only (a relay of schema 1 wrote spent
  // stamps and logins to its store: RelayStore dropped them at open).
  ChallengeBook challenges(store.challengeKey(), std::chrono::seconds(opts.challengeSeconds));
  store.settleTimes();  // the key file, if it was made just now
  auto io = kj::setupAsyncIo();
  RelayContext ctx{store,
                   writer,
                   metrics,
                   relayKey,
                   challenges,
                   io.provider->getTimer(),
                   PowGovernor(opts.pow),
                   UploadBudget{opts.uploadBudgetMiB << 20, 0, std::chrono::seconds(opts.uploadStallSeconds)}};

  auto listen = [&](const std::string& address) {
    const auto at = protocol::parseHostPort(address);
    kj::Own<kj::ConnectionReceiver> l;
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
      l = io.provider->getNetwork().parseAddress(at.host, at.port).wait(io.waitScope)->listen();
    })) {
      throw std::runtime_error("cannot listen on " + address + ": " + e->getDescription().cStr());
    }
    return std::make_pair(at.host + ':' + std::to_string(l->getPort()), kj::mv(l));
  };
  auto [rawAt, listener] = listen(opts.listen);
  out << "listening " << rawAt << std::endl;
  kj::Own<kj::ConnectionReceiver> wsListener;
  if (!opts.listenWebSocket.empty()) {
    auto [wsAt, l] = listen(opts.listenWebSocket);
    wsListener = kj::mv(l);
    out << "websocket ws://" << wsAt << opts.webSocketPath << std::endl;
  }

  {
    kj::Timer& timer = io.provider->getTimer();
    const auto idle = static_cast<std::int64_t>(opts.idleSeconds) * kj::SECONDS;
    const std::size_t cap = maxConnections(opts.maxConnections);
    Registry registry;  // both transports: one cap, one eviction order
    ReceiveBudget budget(opts.receiveBudgetMiB << 20);  // and one budget for messages arriving
    std::unique_ptr<WebSocketListener> ws;  // not std::optional: clang refuses it for a non-const-copyable member
    std::vector<kj::Own<Acceptor>> acceptors;
    acceptors.push_back(kj::heap<Acceptor>(*listener, timer, rawRpc(makeRelay(ctx)), metrics, registry, cap, idle, budget,
                                              FrameMeter::Framing::Capnp));
    if (wsListener) {
      ws = std::make_unique<WebSocketListener>(timer, makeRelay(ctx), opts.webSocketPath, opts.allowedOrigins);
      acceptors.push_back(kj::heap<Acceptor>(*wsListener, timer, ws->protocol(), metrics, registry, cap, idle, budget,
                                                FrameMeter::Framing::WebSocket));
    }
    std::vector<kj::Promise<void>> accepting;
    for (auto& a : acceptors) accepting.push_back(a->run().eagerlyEvaluate([](kj::Exception&&) {}));
    out << "ready" << std::endl;
    auto stop = io.unixEventPort.onSignal(SIGTERM).exclusiveJoin(io.unixEventPort.onSignal(SIGINT));
    stop.wait(io.waitScope);
    out << "stopping" << std::endl;
    // New connections stop first; then everything already queued is committed,
    // and the loop runs a little longer so those receipts reach their clients.
    accepting.clear();
    writer.stop();
    timer.afterDelay(200 * kj::MILLISECONDS).wait(io.waitScope);
    acceptors.clear();  // the connections, before the WebSocket server they use
  }
  out << "stopped: " << metrics.submitsAccepted.load() << " submissions stored, "
      << metrics.batchesCommitted.load() << " commits" << std::endl;
  return 0;
}

}  // namespace gongyou::server
