// Reaching a centre's relays: direct or through a SOCKS5 proxy (Tor), each with a
// connect timeout and a bound on every call, failing over in order. Used by the
// reporter and by the courier.
//
// Failure modes: withRelay throws Unreachable, whose text lists each relay with
// the reason it failed (connection refused, timed out, the proxy's refusal, the
// relay's own refusal), when none succeeds.
#pragma once

#include <kj/async-io.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/connection.h"
#include "protocol/relay_calls.h"

namespace gongyou::protocol {

struct Net {
  Proxy proxy;  // direct when empty
  std::chrono::milliseconds timeout{20000};
};

class Unreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Calls `fn` with a connection to each relay in turn until one call returns;
// returns which relay it was.
std::string withRelay(kj::AsyncIoContext& io, const std::vector<std::string>& relays, const Net& net,
                      const std::function<void(proto::Relay::Client&, const CallTimeout&)>& fn);

}  // namespace gongyou::protocol
