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
  Bytes framed;            // the newest valid bundle any relay served
  std::uint64_t best = 0;
  std::string refusal, unreachable;
  bool expired = false, unknownCentre = false;
  // Every relay, each on its own connection, not the first that answers: after
  // a key is revoked, a relay still serving the old bundle must not keep workers
  // encrypting to the revoked key while another serves the new one.
  for (const auto& relay : relays) {
    try {
      protocol::withRelay(io, {relay}, net, [&](proto::Relay::Client& r, const protocol::CallTimeout& bound) {
        auto req = r.getBundleRequest();
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
          // A relay serving a bad bundle is a relay to distrust: the others decide.
          refusal = protocol::describe(check.status);
          expired = expired || check.status == protocol::BundleStatus::Expired;
          return;
        }
        const auto b = check.bundle->root();
        if (!framed.empty() && b.getVersion() <= best) return;
        framed = protocol::serializeSignedBundle(resp.getBundle());
        best = b.getVersion();
        out.version = best;
        out.centreName = displayName(b, language);
      });
    } catch (const protocol::Unreachable& e) {
      unreachable += (unreachable.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  if (framed.empty()) {
    // An expired bundle is the centre's to renew, not the relay's fault; a relay
    // that does not know the centre was reached.
    out.status = expired          ? EnrolStatus::Expired
                 : !refusal.empty() ? EnrolStatus::Refused
                 : unknownCentre    ? EnrolStatus::UnknownCentre
                                    : EnrolStatus::Unreachable;
    out.message = !refusal.empty() ? "the centre's key bundle was refused: " + refusal
                  : unreachable.empty() ? "no relay known" : unreachable;
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
  auto first = fetchAndPin(state, canonical, *code, {code->relays.begin(), code->relays.end()}, current.get(), io, net,
                           language, true);
  if (first.status != EnrolStatus::Ok) return first;
  // The bundle may list relays the code does not (added since the code was
  // printed): they may hold a newer bundle, and the newest is the one to use.
  auto pinned = state.pinned(code->centreId);
  std::vector<protocol::RelayEndpoint> others;
  for (auto& r : protocol::bundleRelays(pinned->bundle()))
    if (std::find(code->relays.begin(), code->relays.end(), r.address) == code->relays.end()) others.push_back(r);
  if (others.empty()) return first;
  auto newer = fetchAndPin(state, canonical, *code, others, pinned.get(), io, net, language, true);
  return newer.status == EnrolStatus::Ok ? newer : first;
}

EnrolResult refresh(ReporterState& state, const std::string& centre, kj::AsyncIoContext& io, const protocol::Net& net,
                    const std::string& language) {
  auto current = state.pinned(centre);
  if (!current) return {EnrolStatus::BadCode, "not enrolled with a centre yet", 0, {}};
  std::string codeText = protocol::encodeCentreCode(current->code);
  return fetchAndPin(state, codeText, current->code, relaysOf(*current), current.get(), io, net, language, false);
}

}  // namespace gongyou::client
