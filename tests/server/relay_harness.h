// The real gongyou-relay binary on 127.0.0.1, for integration tests: started on a
// free port, ready when it says so, and a few client conveniences.
#pragma once

#include <catch2/catch.hpp>

#include <boost/asio.hpp>
#include <capnp/message.h>
#include <kj/async-io.h>

#include <memory>
#include <string>

#include "crypto/age.h"
#include "crypto/padding.h"
#include "protocol/connection.h"
#include "protocol/relay_calls.h"
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
    auto listening = proc_->waitFor("listening ");
    REQUIRE(listening);
    address_ = listening->substr(std::string("listening ").size());
    REQUIRE(proc_->waitFor("ready"));
  }
  const std::string& address() const { return address_; }
  unsigned short metricsPort() const { return metricsPort_; }
  Process& process() { return *proc_; }

 private:
  std::unique_ptr<Process> proc_;
  std::string address_;
  unsigned short metricsPort_ = 0;
};

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
  explicit Client(const std::string& address) : conn(io, address) {}
  proto::Relay::Client& relay() { return conn.relay(); }
  kj::WaitScope& ws() { return io.waitScope; }
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

// A gongyou_relay_NAME value from the relay's /metrics (-1 if absent).
inline long metric(unsigned short port, const std::string& name) {
  auto m = httpGet(port, "/metrics");
  auto at = m.find("\ngongyou_relay_" + name + " ");
  return at == std::string::npos ? -1 : std::stol(m.substr(at + name.size() + 16));
}

}  // namespace gongyou::test
