#include "protocol/bundle.h"

#include <capnp/serialize.h>

#include <cstring>
#include <stdexcept>

#include "crypto/format.h"

namespace gongyou::protocol {
namespace {

ByteView view(capnp::Data::Reader d) { return {d.begin(), d.size()}; }

constexpr std::uint64_t kBundleWords = kMaxBundleBytes / sizeof(capnp::word);

}  // namespace

const char* describe(BundleStatus s) {
  switch (s) {
    case BundleStatus::Ok: return "ok";
    case BundleStatus::Malformed: return "malformed bundle";
    case BundleStatus::BadSignature: return "bundle signature does not verify";
    case BundleStatus::WrongIdentity: return "bundle is signed by a different identity than the pinned one";
    case BundleStatus::NotYetValid: return "bundle is not valid yet (issued in the future)";
    case BundleStatus::Expired: return "bundle has expired";
    case BundleStatus::Rollback: return "bundle is older than (or as old as) the one already pinned";
  }
  return "unknown bundle status";
}

bool validCentreId(kj::StringPtr id) {
  if (id.size() == 0 || id.size() > kMaxCentreIdLength) return false;
  if (id[0] == '-' || id[id.size() - 1] == '-') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string checkBundleFields(proto::KeyBundle::Reader b) {
  if (!validCentreId(b.getCentreId())) return "centreId: must be 1..64 of [a-z0-9-]";
  if (b.getIdentityKey().size() != format::kSignPublicSize) return "identityKey: must be 32 bytes";
  if (b.getCourierKey().size() != format::kSignPublicSize) return "courierKey: must be 32 bytes";
  if (b.getRecipients().size() == 0) return "recipients: at least one is required";
  if (b.getRecipients().size() > kMaxRecipients) return "recipients: too many";
  for (auto r : b.getRecipients()) {
    if (r.getX25519().size() != format::kX25519Size) return "recipients.x25519: must be 32 bytes";
    if (r.getValidUntilDay() < r.getValidFromDay()) return "recipients: validUntilDay before validFromDay";
  }
  if (b.getRelays().size() > kMaxRelays) return "relays: too many";
  for (auto r : b.getRelays())
    if (!validRelayAddress(std::string_view(r.cStr(), r.size()))) return "relays: each must be HOST:PORT or wss://HOST/PATH";
  if (b.getRelayKeys().size() != 0 && b.getRelayKeys().size() != b.getRelays().size())
    return "relayKeys: one for each relay, or none";
  for (auto k : b.getRelayKeys())
    if (k.size() != format::kSignPublicSize) return "relayKeys: each must be 32 bytes";
  if (b.getPow().getDifficulty() > format::kPowMaxDifficulty)
    return "pow.difficulty: above " + std::to_string(format::kPowMaxDifficulty);
  if (b.getExpiresDay() < b.getIssuedDay()) return "expiresDay: before issuedDay";
  if (b.getVersion() == 0) return "version: must be at least 1";
  return {};
}

std::vector<RelayEndpoint> bundleRelays(proto::KeyBundle::Reader b) {
  std::vector<RelayEndpoint> out;
  auto keys = b.getRelayKeys();
  for (unsigned i = 0; i < b.getRelays().size(); ++i) {
    RelayEndpoint e(b.getRelays()[i].cStr());
    if (i < keys.size() && keys[i].size() == format::kSignPublicSize) {
      e.key.emplace();
      std::memcpy(e.key->data(), keys[i].begin(), e.key->size());
    }
    out.push_back(std::move(e));
  }
  return out;
}

void setBundleRelays(proto::KeyBundle::Builder b, const std::vector<RelayEndpoint>& relays) {
  auto addresses = b.initRelays(static_cast<unsigned>(relays.size()));
  bool keyed = !relays.empty();
  for (unsigned i = 0; i < relays.size(); ++i) {
    addresses.set(i, relays[i].address);
    keyed = keyed && relays[i].key;
  }
  if (!keyed) return;
  auto keys = b.initRelayKeys(static_cast<unsigned>(relays.size()));
  for (unsigned i = 0; i < relays.size(); ++i) keys.set(i, kj::arrayPtr(relays[i].key->data(), relays[i].key->size()));
}

BundleCheck verifyBundle(proto::SignedBundle::Reader signedBundle, const BundleRules& rules) {
  BundleCheck out;
  auto fail = [&](BundleStatus s, std::string detail = {}) {
    out.status = s;
    out.detail = std::move(detail);
    out.bundle.reset();
    return std::move(out);
  };
  // A pointer of the wrong type (a list of words where Data belongs) throws on
  // access: that is a malformed bundle, not an exception for the caller.
  ByteView bytes, signature;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
    bytes = view(signedBundle.getBundle());
    signature = view(signedBundle.getSignature());
  })) {
    (void)e;
    return fail(BundleStatus::Malformed, "signed bundle: unreadable");
  }
  if (bytes.size() > kMaxBundleBytes) return fail(BundleStatus::Malformed, "bundle: too large");
  out.bundle = Canonical<proto::KeyBundle>::parse(bytes, kBundleWords);
  if (!out.bundle) return fail(BundleStatus::Malformed, "bundle: not a canonical KeyBundle");
  std::string detail;
  KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] { detail = checkBundleFields(out.bundle->root()); })) {
    (void)e;
    detail = "bundle: unreadable";
  }
  if (!detail.empty()) return fail(BundleStatus::Malformed, detail);
  auto b = out.bundle->root();
  ByteView identity = view(b.getIdentityKey());
  if (!crypto::verify(identity, kBundleLabel, bytes, signature))
    return fail(BundleStatus::BadSignature);
  const BundleStatus pinning = checkPinning(b, rules);
  if (pinning != BundleStatus::Ok) return fail(pinning);
  out.status = BundleStatus::Ok;
  return out;
}

BundleStatus checkPinning(proto::KeyBundle::Reader b, const BundleRules& rules) {
  ByteView identity = view(b.getIdentityKey());
  // Not a secret, but compare the same way as everything else key-shaped.
  if (!rules.pinnedIdentity.empty() &&
      (rules.pinnedIdentity.size() != identity.size() ||
       sodium_memcmp(rules.pinnedIdentity.data(), identity.data(), identity.size()) != 0))
    return BundleStatus::WrongIdentity;
  if (b.getIssuedDay() > rules.today) return BundleStatus::NotYetValid;
  if (b.getExpiresDay() < rules.today) return BundleStatus::Expired;
  if (rules.seenVersion && b.getVersion() <= *rules.seenVersion) return BundleStatus::Rollback;
  return BundleStatus::Ok;
}

void signBundle(const crypto::SigningKey& identity, proto::KeyBundle::Reader bundle,
                proto::SignedBundle::Builder out) {
  const auto& pk = identity.publicKey();
  auto id = bundle.getIdentityKey();
  if (id.size() != pk.size() || std::memcmp(id.begin(), pk.data(), pk.size()) != 0)
    throw std::invalid_argument("bundle identityKey is not the signing key");
  Bytes canon = canonicalBytes(bundle);
  auto sig = identity.sign(kBundleLabel, canon);
  out.setBundle(kj::arrayPtr(canon.data(), canon.size()));
  out.setSignature(kj::arrayPtr(sig.data(), sig.size()));
}

Bytes serializeSignedBundle(proto::SignedBundle::Reader b) {
  capnp::MallocMessageBuilder msg;
  msg.setRoot(b);
  return framedBytes(msg);
}

std::unique_ptr<capnp::MessageReader> readSignedBundle(ByteView framed,
                                                       kj::Array<capnp::word>& storage) {
  return readFramed<proto::SignedBundle>(framed, 2 * kMaxBundleBytes, 4 * kBundleWords, storage, "bundle file",
                                         "SignedBundle");
}

std::unique_ptr<BundleFile> BundleFile::open(ByteView framed) {
  std::unique_ptr<BundleFile> f(new BundleFile);
  readSignedBundle(framed, f->words_);  // checked within the caps; then read again freely
  f->message_ = std::make_unique<capnp::FlatArrayMessageReader>(f->words_.asPtr(), rereadOptions());
  auto bytes = f->signedBundle().getBundle();
  f->bundle_ = Canonical<proto::KeyBundle>::parse(ByteView(bytes.begin(), bytes.size()), kBundleWords);
  if (!f->bundle_) throw std::runtime_error("bundle file does not hold a canonical KeyBundle");
  return f;
}

}  // namespace gongyou::protocol
