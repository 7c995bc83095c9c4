#include "analyst/keyring.h"

#include <sodium.h>

#include <cctype>
#include <cstring>

#include "crypto/age.h"
#include "crypto/bech32.h"
#include "crypto/scrypt.h"
#include "protocol/bundle.h"
#include "protocol/day.h"

namespace gongyou::analyst {
namespace {

// Appends to a guarded buffer without leaving copies in ordinary memory.
class SecretText {
 public:
  void add(std::string_view s) {
    if (len_ + s.size() > buf_.size()) {
      SecretBytes bigger(std::max<std::size_t>(2 * buf_.size(), len_ + s.size() + 1024));
      if (len_) std::memcpy(bigger.data(), buf_.data(), len_);
      buf_ = std::move(bigger);
    }
    std::memcpy(buf_.data() + len_, s.data(), s.size());
    len_ += s.size();
  }
  SecretBytes take() {
    SecretBytes out(ByteView(buf_.data(), len_));
    return out;
  }

 private:
  SecretBytes buf_{4096};
  std::size_t len_ = 0;
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

crypto::SigningKey decodeSeed(const char* hrp, std::string_view text, std::size_t line) {
  auto d = bech32::decode(text);
  if (!d || d->hrp != hrp || d->data.size() != 32)
    throw KeyringError("keyring line " + std::to_string(line) + ": not a valid " + hrp + " key");
  auto k = crypto::SigningKey::fromSeed(d->data);
  sodium_memzero(d->data.data(), d->data.size());
  return k;
}

}  // namespace

std::string encodeSeed(const char* hrp, ByteView seed) { return upper(bech32::encode(hrp, seed)); }

Keyring Keyring::create(const std::string& centreId, std::vector<protocol::RelayEndpoint> relays, std::uint32_t today,
                        std::uint32_t days) {
  Keyring k{centreId, {}, crypto::SigningKey::generate(), crypto::SigningKey::generate(), {}, std::move(relays), 0, 0};
  k.analysts.push_back({age::X25519Identity::generate(), today, today + days});
  return k;
}

SecretBytes Keyring::text() const {
  SecretText t;
  t.add("# gongyou keyring. Keep this file and its passphrase safe; never put it on a networked machine.\n");
  t.add("# The AGE-SECRET-KEY lines are standard age identities: they open reports with `age -d -i`.\n");
  t.add("centre: " + centreId + "\n");
  for (const auto& [lang, name] : names) t.add("name " + lang + ": " + name + "\n");
  for (const auto* which : {&identity, &courier}) {
    std::string s = encodeSeed(which == &identity ? kIdentityHrp : kCourierHrp, which->seed());
    t.add(which == &identity ? "identity: " : "courier: ");
    t.add(s);
    t.add("\n");
    sodium_memzero(s.data(), s.size());
  }
  for (const auto& a : analysts) {
    auto key = a.key.encode();
    t.add("analyst " + protocol::isoDate(a.fromDay) + " " + protocol::isoDate(a.untilDay) + ": ");
    t.add(key.view().str());
    t.add("\n");
  }
  for (const auto& r : relays) t.add("relay: " + r.text() + "\n");
  t.add("pow: " + std::to_string(powDifficulty) + "\n");
  t.add("bundle-version: " + std::to_string(bundleVersion) + "\n");
  // Only once guidance was signed: older tools read every keyring they wrote.
  if (guidanceVersion) t.add("guidance-version: " + std::to_string(guidanceVersion) + "\n");
  return t.take();
}

Keyring Keyring::parse(ByteView text) {
  std::optional<crypto::SigningKey> identity, courier;
  // Collected first; the Keyring is built once every part is known.
  struct {
    std::string centreId;
    std::vector<std::pair<std::string, std::string>> names;
    std::vector<AnalystKey> analysts;
    std::vector<protocol::RelayEndpoint> relays;
    unsigned powDifficulty = 0;
    std::uint64_t bundleVersion = 0, guidanceVersion = 0;
  } k;
  std::string_view all = text.str();
  forEachLine(all, [&](std::string_view l, std::size_t line) {
    if (l.empty() || l.front() == '#') return;
    auto colon = l.find(": ");
    if (colon == std::string_view::npos) throw KeyringError("keyring line " + std::to_string(line) + ": expected key: value");
    std::string_view key = l.substr(0, colon), value = l.substr(colon + 2);
    auto bad = [&](const std::string& why) { return KeyringError("keyring line " + std::to_string(line) + ": " + why); };
    if (key == "centre") {
      if (!protocol::validCentreId(std::string(value).c_str())) throw bad("not a valid centre id");
      k.centreId = std::string(value);
    } else if (key.rfind("name ", 0) == 0) {
      k.names.emplace_back(std::string(key.substr(5)), std::string(value));
    } else if (key == "identity") {
      identity.emplace(decodeSeed(kIdentityHrp, value, line));
    } else if (key == "courier") {
      courier.emplace(decodeSeed(kCourierHrp, value, line));
    } else if (key.rfind("analyst ", 0) == 0) {
      auto from = protocol::parseIsoDate(key.substr(8, 10));
      std::optional<std::uint32_t> until;
      if (key.size() == 29) until = protocol::parseIsoDate(key.substr(19, 10));
      auto id = age::X25519Identity::parse(value);
      if (!from || !until || *until < *from) throw bad("analyst key needs two dates: from until");
      if (!id) throw bad("not a valid AGE-SECRET-KEY");
      k.analysts.push_back({std::move(*id), *from, *until});
    } else if (key == "relay") {
      try {
        k.relays.push_back(protocol::RelayEndpoint::parse(value));
      } catch (const std::invalid_argument& e) {
        throw bad(e.what());
      }
    } else if (key == "pow") {
      try {
        k.powDifficulty = static_cast<unsigned>(std::stoul(std::string(value)));
      } catch (const std::exception&) {
        throw bad("pow must be a number");
      }
    } else if (key == "bundle-version" || key == "guidance-version") {
      try {
        (key == "bundle-version" ? k.bundleVersion : k.guidanceVersion) = std::stoull(std::string(value));
      } catch (const std::exception&) {
        throw bad(std::string(key) + " must be a number");
      }
    } else {
      throw bad("unknown entry");
    }
  });
  if (k.centreId.empty() || !identity || !courier || k.analysts.empty())
    throw KeyringError("keyring is missing its centre, identity, courier or analyst key");
  return Keyring{std::move(k.centreId), std::move(k.names),    std::move(*identity), std::move(*courier),
                 std::move(k.analysts), std::move(k.relays), k.powDifficulty,       k.bundleVersion, k.guidanceVersion};
}

Bytes Keyring::seal(SecretBytes passphrase, int logN) const {
  age::ScryptRecipient r(std::move(passphrase), logN);
  auto t = text();
  return age::encrypt({&r}, t.view(), /*armor=*/true);
}

std::pair<age::Status, std::unique_ptr<Keyring>> Keyring::open(ByteView file, SecretBytes passphrase) {
  age::ScryptIdentity id(std::move(passphrase));
  io::MemorySource src(file);
  io::SecretSink out(1 << 20);  // a keyring is a few kilobytes
  age::Status st;
  try {
    st = age::decrypt(src, {&id}, out);
  } catch (const std::length_error&) {
    throw KeyringError("keyring is implausibly large");
  }
  if (st != age::Status::Ok) return {st, nullptr};
  return {st, std::make_unique<Keyring>(parse(out.view()))};
}

std::vector<const AnalystKey*> Keyring::current(std::uint32_t day) const {
  std::vector<const AnalystKey*> out;
  for (const auto& a : analysts)
    if (a.fromDay <= day && day <= a.untilDay) out.push_back(&a);
  return out;
}

}  // namespace gongyou::analyst
