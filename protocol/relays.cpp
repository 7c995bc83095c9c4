#include "protocol/relays.h"

namespace gongyou::protocol {

namespace {

// Whether a failure says the relay could not be talked to at all (refused or
// dropped connection, timeout), rather than that it answered and said no.
bool connectivity(const kj::Exception& e) {
  return e.getType() == kj::Exception::Type::DISCONNECTED || e.getType() == kj::Exception::Type::OVERLOADED;
}

}  // namespace

std::string withRelay(kj::AsyncIoContext& io, const std::vector<RelayEndpoint>& relays, const Net& net,
                      const RelayCall& fn) {
  return RelaySession(io, relays, net).call(fn);
}

RelaySession::RelaySession(kj::AsyncIoContext& io, std::vector<RelayEndpoint> relays, const Net& net)
    : io_(io), relays_(std::move(relays)), net_(net), bound_{io.provider->getTimer(), net.timeout.count() * kj::MILLISECONDS} {}

RelaySession::~RelaySession() = default;

std::string RelaySession::call(const RelayCall& fn) {
  if (!offlineWhy_.empty()) throw Unreachable(offlineWhy_);
  std::string reasons;
  bool answered = false;  // some relay was reached and refused
  bool unproven = false;
  auto attempt = [&](std::size_t i) {
    std::string why;
    bool connected = false;
    try {
      if (!conn_ || current_ != i) {
        conn_.reset();
        next_.reset();
        conn_ = std::make_unique<RelayConnection>(io_, relays_[i].address, net_);
        current_ = i;
      }
      connected = true;
      fn(conn_->relay(), bound_);
      return true;
    } catch (const kj::Exception& e) {
      why = e.getDescription().cStr();
      answered = answered || !connectivity(e);
    } catch (const NotProven& e) {
      why = e.what();
      answered = unproven = true;
    } catch (const std::exception& e) {
      why = e.what();
      answered = answered || connected;
    }
    conn_.reset();
    next_.reset();
    reasons += (reasons.empty() ? "" : "; ") + relays_[i].address + ": " + why;
    return false;
  };
  // The connection that worked last, then each relay afresh (that one again too:
  // a relay restarted since is reached on a new connection).
  if (conn_ && attempt(current_)) return relays_[current_].address;
  reasons.clear();
  unproven = false;
  for (std::size_t i = 0; i < relays_.size(); ++i)
    if (attempt(i)) return relays_[i].address;
  std::string why = relays_.empty() ? "no relay known" : "no relay reachable (" + reasons + ")";
  if (!answered) offlineWhy_ = why;
  throw Unreachable(why, unproven);
}

}  // namespace gongyou::protocol
