#include "client/enrol.h"

#include <algorithm>

#include "protocol/day.h"

namespace gongyou::client {
namespace {

std::string displayName(proto::KeyBundle::Reader b, const std::string& language) {
  std::string fallback = b.getCentreId();
  for (auto n : b.getDisplayNames()) {
    if (n.getLanguage() == language.c_str()) return n.getText();
    if (fallback == b.getCentreId().cStr()) fallback = n.getText();
  }
  return fallback;
}

EnrolResult fetchAndPin(ReporterState& state, const std::string& codeText, const protocol::CentreCode& code,
                        const std::vector<protocol::RelayEndpoint>& relays, const Pinned* current, kj::AsyncIoContext& io,
                        const protocol::Net& net, const std::string& language, bool makeCurrent) {
  EnrolResult out;
  protocol::BundleRules rules;
  rules.today = protocol::today();
  rules.pinnedIdentity = ByteView(code.identity.data(), code.identity.size());
  Bytes framed;
  std::string refusal;
  bool expired = false, unknownCentre = false;
  try {
    protocol::withRelay(io, relays, net, [&](proto::Relay::Client& relay, const protocol::CallTimeout& bound) {
      auto req = relay.getBundleRequest();
      req.setCentre(code.centreId);
      auto resp = [&] {
        try {
          return bound(req.send()).wait(io.waitScope);
        } catch (const kj::Exception& e) {
          if (std::string_view(e.getDescription().cStr()).find(protocol::kUnknownCentre) != std::string_view::npos)
            unknownCentre = true;
          throw;
        }
      }();
      auto check = protocol::verifyBundle(resp.getBundle(), rules);
      if (check.status == protocol::BundleStatus::Ok && check.bundle->root().getCentreId() != code.centreId.c_str())
        check.status = protocol::BundleStatus::Malformed;
      if (check.status == protocol::BundleStatus::Ok && current &&
          check.bundle->root().getVersion() < current->bundle().getVersion())
        check.status = protocol::BundleStatus::Rollback;
      if (check.status != protocol::BundleStatus::Ok) {
        // A relay serving a bad bundle is a relay to distrust: try the next one.
        refusal = protocol::describe(check.status);
        expired = expired || check.status == protocol::BundleStatus::Expired;
        throw std::runtime_error(refusal);
      }
      framed = protocol::serializeSignedBundle(resp.getBundle());
      out.version = check.bundle->root().getVersion();
      out.centreName = displayName(check.bundle->root(), language);
    });
  } catch (const protocol::Unreachable& e) {
    // An expired bundle is the centre's to renew, not the relay's fault; a relay
    // that does not know the centre was reached.
    out.status = expired          ? EnrolStatus::Expired
                 : !refusal.empty() ? EnrolStatus::Refused
                 : unknownCentre    ? EnrolStatus::UnknownCentre
                                    : EnrolStatus::Unreachable;
    out.message = !refusal.empty() ? "the centre's key bundle was refused: " + refusal : e.what();
    return out;
  }
  state.pin(codeText, framed, makeCurrent);
  out.status = EnrolStatus::Ok;
  return out;
}

}  // namespace

std::vector<protocol::RelayEndpoint> relaysOf(const Pinned& pinned) {
  auto relays = protocol::bundleRelays(pinned.bundle());
  for (const auto& r : pinned.code.relays)
    if (std::none_of(relays.begin(), relays.end(), [&](const auto& e) { return e.address == r; })) relays.emplace_back(r);
  return relays;
}

EnrolResult enrol(ReporterState& state, const std::string& codeText, kj::AsyncIoContext& io, const protocol::Net& net,
                  const std::string& language) {
  auto code = protocol::decodeCentreCode(codeText);
  if (!code) return {EnrolStatus::BadCode, "the centre code is not valid (check for a typo)", 0, {}};
  std::unique_ptr<Pinned> current;
  try {
    current = state.pinned(code->centreId);
  } catch (const std::runtime_error&) {
    current.reset();  // damaged state: enrolling again is the cure
  }
  // Rollback protection applies only to the same identity.
  if (current && current->code.identity != code->identity) current.reset();
  std::string canonical = protocol::encodeCentreCode(*code);
  return fetchAndPin(state, canonical, *code, {code->relays.begin(), code->relays.end()}, current.get(), io, net,
                     language, true);
}

EnrolResult refresh(ReporterState& state, const std::string& centre, kj::AsyncIoContext& io, const protocol::Net& net,
                    const std::string& language) {
  auto current = state.pinned(centre);
  if (!current) return {EnrolStatus::BadCode, "not enrolled with a centre yet", 0, {}};
  std::string codeText = protocol::encodeCentreCode(current->code);
  return fetchAndPin(state, codeText, current->code, relaysOf(*current), current.get(), io, net, language, false);
}

}  // namespace gongyou::client
