// A client's RPC connection to a relay. Boost.Asio resolves and connects (with a
// deadline); the connected socket is then handed to Cap'n Proto, which owns it.
// The SOCKS5 (Tor) path arrives with the reporter and joins here.
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

// Connected, blocking-mode TCP fd (TCP_NODELAY). Throws std::runtime_error
// "cannot connect to ADDR: reason" on failure or when `timeout` passes.
int connectTcp(const std::string& hostPort, std::chrono::milliseconds timeout);

class RelayConnection {
 public:
  RelayConnection(kj::AsyncIoContext& io, const std::string& hostPort,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  proto::Relay::Client& relay() { return relay_; }

 private:
  kj::Own<kj::AsyncIoStream> stream_;
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
  proto::Relay::Client relay_;
};

}  // namespace gongyou::protocol
