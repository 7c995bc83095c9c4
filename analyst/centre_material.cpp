#include "analyst/centre_material.h"

#include <capnp/message.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

#include "protocol/bundle.h"
#include "protocol/limits.h"

namespace gongyou::analyst {

Bytes makeBundle(Keyring& k, std::uint32_t today, std::uint32_t days) {
  if (k.relays.empty()) throw std::runtime_error("the keyring names no relay; add one first");
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<proto::KeyBundle>();
  b.setCentreId(k.centreId);
  auto names = b.initDisplayNames(static_cast<unsigned>(k.names.size()));
  for (unsigned i = 0; i < k.names.size(); ++i) {
    names[i].setLanguage(k.names[i].first);
    names[i].setText(k.names[i].second);
  }
  b.setIdentityKey(kj::arrayPtr(k.identity.publicKey().data(), k.identity.publicKey().size()));
  b.setCourierKey(kj::arrayPtr(k.courier.publicKey().data(), k.courier.publicKey().size()));
  // Keys whose window has not ended: new reports go to those valid on the day a
  // worker writes; an expired key stays in the keyring (old reports) but leaves
  // the bundle.
  std::vector<const AnalystKey*> live;
  for (const auto& a : k.analysts)
    if (a.untilDay >= today) live.push_back(&a);
  bool validToday = false;
  for (const auto* a : live) validToday |= a->fromDay <= today;
  if (!validToday) throw std::runtime_error("no analyst key is valid today; rotate to make one");
  auto rs = b.initRecipients(static_cast<unsigned>(live.size()));
  for (unsigned i = 0; i < live.size(); ++i) {
    auto pk = live[i]->key.recipient().publicKey();
    rs[i].setX25519(kj::arrayPtr(pk.data(), pk.size()));
    rs[i].setValidFromDay(live[i]->fromDay);
    rs[i].setValidUntilDay(live[i]->untilDay);
  }
  // A relay without a key could never give a receipt a reporter believes, nor
  // take the courier's login: refuse to sign it in rather than lose reports.
  for (const auto& r : k.relays)
    if (!r.key)
      throw std::runtime_error("relay " + r.address + " has no key: give it as --relay " + r.address +
                               "=KEY (its operator runs gongyou-relay key --data DIR)");
  protocol::setBundleRelays(b, k.relays);
  b.initPow().setDifficulty(static_cast<std::uint8_t>(k.powDifficulty));
  b.setVersion(k.bundleVersion + 1);
  b.setIssuedDay(today);
  b.setExpiresDay(today + days);
  std::string problem = protocol::checkBundleFields(b.asReader());
  if (!problem.empty()) throw std::runtime_error("bundle: " + problem);
  capnp::MallocMessageBuilder sb;
  auto signedBundle = sb.initRoot<proto::SignedBundle>();
  protocol::signBundle(k.identity, b.asReader(), signedBundle);
  k.bundleVersion += 1;
  return protocol::serializeSignedBundle(signedBundle.asReader());
}

protocol::CentreCode centreCodeOf(const Keyring& k) {
  protocol::CentreCode c{k.centreId, k.identity.publicKey(), {}};
  for (const auto& r : k.relays) c.relays.push_back(r.address);
  return c;
}

namespace {

std::unique_ptr<QRcode, void (*)(QRcode*)> encode(const std::string& text) {
  // libqrencode picks the modes per segment: upper-case Bech32 is all in QR's
  // alphanumeric set, which is why centre codes are printed in upper case.
  QRcode* q = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) throw std::runtime_error("cannot make a QR code of this text");
  return {q, QRcode_free};
}

}  // namespace

std::string qrSvg(const std::string& text) {
  auto q = encode(text);
  const int quiet = 4, n = q->width, size = n + 2 * quiet;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
                    std::to_string(size) + "\" shape-rendering=\"crispEdges\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"";
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (q->data[y * n + x] & 1)
        svg += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  svg += "\"/>\n</svg>\n";
  return svg;
}

std::string qrTerminal(const std::string& text) {
  auto q = encode(text);
  const int quiet = 2, n = q->width;
  auto dark = [&](int x, int y) { return x >= 0 && y >= 0 && x < n && y < n && (q->data[y * n + x] & 1); };
  std::string out;
  // Two modules per character cell (upper and lower half blocks), light on dark
  // terminals inverted by drawing light modules: scanners need dark-on-light.
  for (int y = -quiet; y < n + quiet; y += 2) {
    for (int x = -quiet; x < n + quiet; ++x) {
      bool top = dark(x, y), bottom = dark(x, y + 1);
      out += !top && !bottom ? "\u2588" : !top ? "\u2580" : !bottom ? "\u2584" : " ";
    }
    out += "\n";
  }
  return out;
}

}  // namespace gongyou::analyst
