// A client's RPC connection to a relay. Boost.Asio connects (with a deadline),
// directly or through a SOCKS5 proxy such as Tor's; the connected socket is then
// handed to Cap'n Proto, which owns it. For a relay address "HOST:PORT" the RPC
// runs straight over TCP; for "ws://HOST[:PORT]/PATH" over a WebSocket (one
// message per binary frame), and for "wss://…" over TLS first (kj-tls, OpenSSL):
// the certificate is checked against the system's trust store, or against
// Net::caFile alone (a private CA, tests), and must name HOST. On the wire a
// wss:// connection is an ordinary HTTPS session: no centre id, no age header,
// no mailbox id in the clear.
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
#include <memory>
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

// How a client reaches relays.
struct Net {
  Proxy proxy;  // direct when empty
  // Each connection step (connect, SOCKS5, TLS, WebSocket upgrade) and, through
  // RelaySession, each call must finish within this.
  std::chrono::milliseconds timeout{20000};
  // PEM file of the CA that signs wss:// relays' certificates; empty: the
  // system's trust store (/etc/ssl/certs).
  std::string caFile;
};

// Throws std::runtime_error "cannot connect to ADDRESS: reason" (refused, timed
// out, the proxy's refusal, a certificate that does not verify, an HTTP answer
// other than the WebSocket upgrade), or naming an address it cannot parse.
class RelayConnection {
 public:
  RelayConnection(kj::AsyncIoContext& io, const std::string& address, const Net& net = {});
  ~RelayConnection();
  proto::Relay::Client& relay() { return relay_; }

 private:
  struct WebSocket;  // TLS, HTTP and WebSocket state of a ws:// or wss:// connection
  kj::Own<kj::AsyncIoStream> tcp_;
  std::unique_ptr<WebSocket> ws_;
  kj::Own<capnp::TwoPartyVatNetwork> network_;
  kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc_;
  proto::Relay::Client relay_;
};

}  // namespace gongyou::protocol
