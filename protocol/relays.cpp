#include "protocol/relays.h"

namespace gongyou::protocol {

std::string withRelay(kj::AsyncIoContext& io, const std::vector<std::string>& relays, const Net& net,
                      const std::function<void(proto::Relay::Client&, const CallTimeout&)>& fn) {
  std::string reasons;
  CallTimeout bound{io.provider->getTimer(), net.timeout.count() * kj::MILLISECONDS};
  for (const auto& relay : relays) {
    std::string why;
    try {
      RelayConnection conn(io, relay, net.timeout, net.proxy);
      fn(conn.relay(), bound);
      return relay;
    } catch (const kj::Exception& e) {
      why = e.getDescription().cStr();
    } catch (const std::exception& e) {
      why = e.what();
    }
    reasons += (reasons.empty() ? "" : "; ") + relay + ": " + why;
  }
  throw Unreachable(relays.empty() ? "no relay known" : "no relay reachable (" + reasons + ")");
}

}  // namespace gongyou::protocol
