// A client's RPC connection to a relay. Boost.Asio connects (with a deadline),
// directly or through a SOCKS5 proxy such as Tor's; the connected socket is then
// handed to Cap'n Proto, which owns it.
//
// Through a proxy the relay's host name goes to the proxy unresolved (SOCKS5
// ATYP 3): the worker's machine never asks its own DNS resolver where the relay
// is, and the relay sees the proxy (a Tor exit or rendezvous), never the worker.
//
// Receive limits apply on the client side too: a hostile relay cannot make a
// client parse a message beyond protocol/limits.h.
//
// Lifetime: the AsyncIoContext must outlive the connection, and both belong to
// one thread (KJ's event loop is per thread).
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <chrono>
#include <string>

#include "protocol/relay.capnp.h"

namespace gongyou::protocol {

// "host:port", "1.2.3.4:port" or "[::1]:port" (brackets removed). Throws
// std::runtime_error naming the text for anything else, or a port above 65535.
struct HostPort {
  std::string host;
  unsigned short port = 0;
};
HostPort parseHostPort(const std::string& text);

// "socks5://HOST:PORT" (also "socks5h://"). Empty: connect directly.
struct Proxy {
  std::string host, port;
  // Throws std::invalid_argument naming the expected form.
  static Proxy parse(const std::string& url);
  bool direct() const { return host.empty(); }
};

// Connected, blocking-mode TCP fd (TCP_NODELAY) to `hostPort`, through `proxy`
// unless it is direct. Throws std::runtime_error "cannot connect to ADDR: reason"
// (the reason names the proxy's refusal, if that was it) on failure, or when
// `timeout` passes — for the connect and for the SOCKS5 handshake each.
int connectTcp(const std::string& hostPort, std::chrono::milliseconds timeout, const Proxy& proxy = {});

class RelayConnection {
 public:
  RelayConnection(kj::AsyncIoContext& io, const std::string& hostPort,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10), const Proxy& proxy = {});
  proto::Relay::Client& relay() { return relay_; }

 private:
  kj::Own<kj::AsyncIoStream> stream_;
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
  proto::Relay::Client relay_;
};

}  // namespace gongyou::protocol
