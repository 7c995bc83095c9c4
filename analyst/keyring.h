// The centre's keyring: every secret the air-gapped analyst machine holds, in one
// file that is an ordinary age file encrypted with a passphrase (scrypt). If
// gongyou is ever gone, `age -d keyring.age` still shows the keys, and the
// AGE-SECRET-KEY lines open every report with the standard `age` tool.
//
// Plaintext format (UTF-8 lines, "#" comments):
//   centre: shenzhen-workers
//   name zh-Hans: 深圳工人服务中心
//   identity: GONGYOU-IDENTITY-SECRET-1…     Ed25519 seed: signs bundles and acks
//   courier: GONGYOU-COURIER-SECRET-1…       Ed25519 seed: logs in to relays
//   analyst 2026-11-24 2027-05-23: AGE-SECRET-KEY-1…   X25519, valid from..until
//   relay: relay.example.org:7455=gongyou-relay1…   address=key (protocol/relay_endpoint.h)
//   pow: 23
//   bundle-version: 4
//   guidance-version: 2                       of the last guidance signed (absent: none)
//
// Failure modes: open() returns NoMatch for a wrong passphrase (the age status)
// and throws KeyringError naming the line for a file that decrypts but does not
// parse. The decrypted text lives only in guarded memory.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/result.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"
#include "protocol/relay_endpoint.h"

namespace gongyou::analyst {

class KeyringError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AnalystKey {
  age::X25519Identity key;
  std::uint32_t fromDay = 0, untilDay = 0;
};

struct Keyring {
  std::string centreId;
  std::vector<std::pair<std::string, std::string>> names;  // language, display name
  crypto::SigningKey identity;
  crypto::SigningKey courier;
  std::vector<AnalystKey> analysts;
  std::vector<protocol::RelayEndpoint> relays;
  unsigned powDifficulty = 0;
  std::uint64_t bundleVersion = 0;  // of the last bundle signed
  std::uint64_t guidanceVersion = 0;  // of the last guidance signed (analyst/guidance_source)

  // Fresh keys for a new centre: one analyst key valid from today for `days`.
  static Keyring create(const std::string& centreId, std::vector<protocol::RelayEndpoint> relays, std::uint32_t today,
                        std::uint32_t days);

  SecretBytes text() const;
  static Keyring parse(ByteView text);

  // age v1, scrypt recipient with 2^logN work (age's default: 18).
  Bytes seal(SecretBytes passphrase, int logN) const;
  // Status NoMatch: wrong passphrase. Other non-Ok: the file is damaged.
  static std::pair<age::Status, std::unique_ptr<Keyring>> open(ByteView file, SecretBytes passphrase);

  // The analyst keys valid on `day` (what new reports are encrypted to).
  std::vector<const AnalystKey*> current(std::uint32_t day) const;
};

// Secret-key text forms: Bech32 in upper case, like age's secret keys.
std::string encodeSeed(const char* hrp, ByteView seed);  // the caller wipes the result
inline constexpr char kIdentityHrp[] = "gongyou-identity-secret-";
inline constexpr char kCourierHrp[] = "gongyou-courier-secret-";

}  // namespace gongyou::analyst
