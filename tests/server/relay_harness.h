// The real gongyou-relay binary on 127.0.0.1, for integration tests: started on a
// free port, ready when it says so, and a few client conveniences.
#pragma once

#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <capnp/message.h>
#include <kj/async-io.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/age.h"
#include "crypto/padding.h"
#include "protocol/connection.h"
#include "protocol/relay_calls.h"
#include "protocol/relay_endpoint.h"
#include "support/centre.h"
#include "support/event_loop.h"
#include "support/process.h"
#include "support/tempdir.h"

namespace gongyou::test {

inline const std::string kRelayBin = GONGYOU_RELAY_BIN;

class Relay {
 public:
  // Starts `serve` on `dataDir`; REQUIREs that it becomes ready.
  explicit Relay(const std::string& dataDir, std::vector<std::string> extra = {},
                 const std::string& stderrPath = {}) {
    std::vector<std::string> argv{kRelayBin, "serve", "--data", dataDir, "--listen", "127.0.0.1:0",
                                  "--metrics", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<Process>(argv, stderrPath);
    auto metrics = proc_->waitFor("metrics ");
    REQUIRE(metrics);
    auto hostPort = metrics->substr(std::string("metrics http://").size());
    metricsPort_ = static_cast<unsigned short>(std::stoi(hostPort.substr(hostPort.rfind(':') + 1)));
    auto key = proc_->waitFor("key ");
    REQUIRE(key);
    auto decoded = protocol::decodeRelayKey(key->substr(std::string("key ").size()));
    REQUIRE(decoded);
    key_ = *decoded;
    auto listening = proc_->waitFor("listening ");
    REQUIRE(listening);
    address_ = listening->substr(std::string("listening ").size());
    if (std::find(argv.begin(), argv.end(), "--listen-websocket") != argv.end()) {
      auto ws = proc_->waitFor("websocket ");
      REQUIRE(ws);
      webSocket_ = ws->substr(std::string("websocket ").size());
    }
    REQUIRE(proc_->waitFor("ready"));
  }
  const std::string& address() const { return address_; }
  // "ws://127.0.0.1:PORT/gongyou" when started with --listen-websocket.
  const std::string& webSocket() const { return webSocket_; }
  const crypto::SignPublicKey& key() const { return key_; }
  // The relay as a centre lists it.
  protocol::RelayEndpoint endpoint() const { return {address_, key_}; }
  std::string spec() const { return endpoint().text(); }
  unsigned short metricsPort() const { return metricsPort_; }
  Process& process() { return *proc_; }

 private:
  std::unique_ptr<Process> proc_;
  std::string address_, webSocket_;
  crypto::SignPublicKey key_{};
  unsigned short metricsPort_ = 0;
};

// `gongyou-relay key`: makes DATA (and its key) if missing; the relay's public key.
inline crypto::SignPublicKey relayKey(const std::string& dataDir) {
  auto [status, out] = run({kRelayBin, "key", "--data", dataDir});
  REQUIRE(status == 0);
  auto k = protocol::decodeRelayKey(out.substr(0, out.find('\n')));
  REQUIRE(k);
  return *k;
}

// A port on 127.0.0.1 free now.
inline unsigned short freePort() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// "127.0.0.1:PORT" with a port free now: for a relay a bundle must name before
// it starts (the bundle lists each relay's address with its key).
inline std::string freeAddress() { return "127.0.0.1:" + std::to_string(freePort()); }

// A key no relay holds: for relays that are never there.
inline crypto::SignPublicKey strangerRelayKey() { return crypto::SigningKey::generate().publicKey(); }

// `gongyou-relay add-centre`; returns the exit status.
inline int addCentre(const std::string& dataDir, const Centre& c, const TempDir& tmp) {
  return run({kRelayBin, "add-centre", "--data", dataDir, c.writeBundle(tmp / (c.id + ".bundle"))}).first;
}

// A real envelope: `text` padded and age-encrypted to the centre's analyst key.
inline Bytes envelopeFor(const Centre& c, const std::string& text) {
  auto r = c.analyst.recipient();
  return age::encrypt({&r}, padding::pad(text).view());
}

// One client connection on this thread's event loop.
struct Client {
  kj::AsyncIoContext& io = threadIo();
  protocol::RelayConnection conn;
  crypto::SignPublicKey key{};  // of the relay, when known
  explicit Client(const std::string& address) : conn(io, address) {}
  explicit Client(const Relay& r) : conn(io, r.address()), key(r.key()) {}
  Client(const std::string& address, const crypto::SignPublicKey& relayKey) : conn(io, address), key(relayKey) {}
  proto::Relay::Client& relay() { return conn.relay(); }
  kj::WaitScope& ws() { return io.waitScope; }
  // The courier's login, for this relay's key.
  proto::Collector::Client login(const std::string& centre, const crypto::SigningKey& courier) {
    return protocol::loginCourier(relay(), ws(), centre, courier, key);
  }
};

// The description of the exception `f` throws ("" if none).
template <typename F>
std::string refusal(F&& f) {
  try {
    f();
  } catch (const kj::Exception& e) {
    return e.getDescription().cStr();
  }
  return "";
}

// True when the peer closes the connection (after at most an abort message).
inline bool closedByPeer(int fd) {
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char b[4096];
  for (;;) {
    ssize_t n = ::read(fd, b, sizeof b);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

inline std::string httpGet(unsigned short port, const std::string& target) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  for (std::size_t n; (n = s.read_some(asio::buffer(buf), ec)) > 0 || !ec;) out.append(buf, n);
  return out;
}

// Submits `env` with a hand-made stamp; the refusal text ("" if accepted).
inline std::string submitWith(Client& c, const std::string& centre, ByteView challenge, std::uint64_t nonce,
                              ByteView env) {
  return refusal([&] {
    auto req = c.relay().submitRequest();
    req.setCentre(centre);
    req.setEnvelope(kj::arrayPtr(env.data(), env.size()));
    req.initStamp().setChallenge(kj::arrayPtr(challenge.data(), challenge.size()));
    req.getStamp().setNonce(nonce);
    req.send().wait(c.ws());
  });
}

// A fresh proof-of-work challenge and the difficulty it asks.
inline std::pair<Bytes, unsigned> challengeFrom(Client& c, const std::string& centre) {
  auto req = c.relay().powChallengeRequest();
  req.setCentre(centre);
  auto r = req.send().wait(c.ws());
  return {Bytes(r.getChallenge().begin(), r.getChallenge().end()), r.getDifficulty()};
}

// A framed message whose root is a chain of struct pointers `depth` deep (the
// relay's nesting limit is 16).
inline std::vector<std::uint64_t> nestedMessage(int depth) {
  std::vector<std::uint64_t> words;
  words.push_back(0);  // segment table: 1 segment, size filled below
  for (int i = 0; i < depth; ++i) words.push_back(std::uint64_t{1} << 48);  // struct: 0 data, 1 ptr, offset 0
  words.push_back(0);
  words[0] = std::uint64_t{static_cast<std::uint32_t>(words.size() - 1)} << 32;
  return words;
}

// A gongyou_relay_NAME value from the relay's /metrics (-1 if absent).
inline long metric(unsigned short port, const std::string& name) {
  auto m = httpGet(port, "/metrics");
  auto at = m.find("\ngongyou_relay_" + name + " ");
  return at == std::string::npos ? -1 : std::stol(m.substr(at + name.size() + 16));
}

// Polls gauge `name` until it reads `value` or 10 s pass (for what the relay
// does on its own, with no answer to wait for); the last value read.
inline long awaitMetric(unsigned short port, const std::string& name, long value) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  long v = metric(port, name);
  while (v != value && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    v = metric(port, name);
  }
  return v;
}

// Acknowledged submissions: receipt id -> hash of the envelope sent.
struct Ledger {
  std::mutex mutex;
  std::condition_variable acked;
  std::map<protocol::InboxId, crypto::Hash> receipts;
  std::vector<std::string> errors;  // why each load thread stopped

  // `clients` threads submit distinct envelopes until the relay goes away.
  std::vector<std::thread> load(const Relay& relay, const Centre& centre, int clients,
                                const std::string& tag) {
    std::vector<std::thread> ts;
    for (int t = 0; t < clients; ++t)
      ts.emplace_back([&, t, tag, address = relay.address()] {
        try {
          Client c(address);
          for (int i = 0;; ++i) {
            Bytes env =
                envelopeFor(centre, tag + " client " + std::to_string(t) + " report " + std::to_string(i));
            auto r = protocol::submitEnvelope(c.relay(), c.ws(), centre.id, env);
            std::lock_guard<std::mutex> lock(mutex);
            receipts[r.id] = crypto::blake2b(env);
            acked.notify_all();
          }
        } catch (const kj::Exception& e) {
          // The relay went away under us, or refused: expected; kept for tests.
          std::lock_guard<std::mutex> lock(mutex);
          errors.push_back(e.getDescription().cStr());
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mutex);
          errors.push_back(e.what());
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
  std::size_t intactAfterRestart(const std::string& data, const Centre& centre,
                                 std::vector<std::string> extra = {}) {
    Relay relay(data, std::move(extra));
    return intact(relay, centre);
  }

  // Counts receipts whose envelope `relay` holds intact.
  std::size_t intact(const Relay& relay, const Centre& centre) {
    Client c(relay);
    auto col = c.login(centre.id, centre.courier);
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

}  // namespace gongyou::test
