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
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/connection.h"
#include "protocol/relay_calls.h"
#include "protocol/relay_endpoint.h"

namespace gongyou::protocol {

// A relay answered but could not prove it is the relay the centre lists (no key
// in the bundle, or a receipt its key did not sign): thrown by a RelayCall, it
// counts as that relay's refusal, and the next relay is tried.
class NotProven : public std::runtime_error {
 public:
  NotProven() : std::runtime_error("the relay could not prove it is the centre's relay (its receipt is not signed by the key the centre lists)") {}
};

class Unreachable : public std::runtime_error {
 public:
  Unreachable(const std::string& why, bool unproven = false) : std::runtime_error(why), unproven(unproven) {}
  bool unproven;  // some relay answered but could not prove itself
};

using RelayCall = std::function<void(proto::Relay::Client&, const CallTimeout&)>;

// Calls `fn` with a connection to each relay in turn until one call returns;
// returns which relay it was.
std::string withRelay(kj::AsyncIoContext& io, const std::vector<RelayEndpoint>& relays, const Net& net,
                      const RelayCall& fn);

// Many calls in one run (a batch of reports, an outbox): the connection that
// last worked is kept for the next call, so 20,000 reports cost one connection
// (one Tor circuit), not 20,000. A call that fails on it is tried again on a new
// connection to each relay in turn, in order.
//
// When no relay can even be connected to (or every connection drops), the
// session is offline for the rest of its life: later calls throw Unreachable at
// once, with the same reasons, instead of waiting on every dead relay again for
// each report. A relay that answers and refuses does not make it offline.
//
// Lifetime: `io` outlives the session; one thread.
class RelaySession {
 public:
  RelaySession(kj::AsyncIoContext& io, std::vector<RelayEndpoint> relays, const Net& net);
  ~RelaySession();
  std::string call(const RelayCall& fn);
  bool offline() const { return !offlineWhy_.empty(); }
  // While `fn` runs inside call(): the relay it is talking to.
  const RelayEndpoint& endpoint() const { return relays_.at(current_); }
  // A challenge that relay handed out for the next submission, if any; it is
  // forgotten whenever the connection changes (another relay would refuse it).
  std::optional<NextChallenge>& nextChallenge() { return next_; }

 private:
  kj::AsyncIoContext& io_;
  std::vector<RelayEndpoint> relays_;
  Net net_;
  CallTimeout bound_;
  std::unique_ptr<RelayConnection> conn_;
  std::size_t current_ = 0;  // the relay conn_ is connected to
  std::string offlineWhy_;
  std::optional<NextChallenge> next_;
};

}  // namespace gongyou::protocol
