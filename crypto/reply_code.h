// Reply codes: how an anonymous reporter gets the centre's answer.
//
// On submit the reporter's tool draws a code of 20 random digits (66 bits) plus a
// check digit and shows it once, e.g. "4829105-7731642-0958316". Argon2id stretches
// the code into an X25519 key pair; the mailbox id is a hash of the public key.
// The public key goes inside the (encrypted) report; from it the centre computes
// the mailbox and files its answer there, age-encrypted to that key; whoever holds
// the code derives the same pair and can fetch and read it. The relay sees only
// the mailbox id: it cannot link it to a report (the key is inside the
// encryption) nor guess codes (each guess costs one Argon2id).
//
// Failure modes: parseReplyCode returns nullopt for a wrong length, a non-digit,
// or a check digit that does not match (one mistyped or swapped digit is always
// caught). deriveReplyKeys throws std::bad_alloc if Argon2id cannot get its memory.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret.h"
#include "crypto/x25519.h"

namespace gongyou::crypto {

// 21 digits in guarded memory; text() is the grouped form for people.
class ReplyCode {
 public:
  static ReplyCode generate();
  // Accepts the grouped form or bare digits; spaces and '-' are ignored.
  static std::optional<ReplyCode> parse(std::string_view text);
  // "4829105-7731642-0958316"; the caller shows it and wipes its copy.
  SecretBytes text() const;
  ByteView digits() const { return digits_.view(); }

 private:
  explicit ReplyCode(SecretBytes digits) : digits_(std::move(digits)) {}
  SecretBytes digits_;  // 21 ASCII digits, the last one the check digit
};

using Mailbox = std::array<std::uint8_t, 32>;

struct ReplyKeys {
  Mailbox mailbox{};
  age::X25519Identity identity;  // decrypts the replies
};

ReplyKeys deriveReplyKeys(const ReplyCode& code);

// BLAKE2b-256("gongyou/mailbox/v1" 0x00 || reply public key): where the centre
// files replies for the report that carried this key.
Mailbox mailboxOf(const age::PublicKey& replyKey);

// Damm check digit of a string of decimal digits (exposed for tests).
char dammCheckDigit(std::string_view digits);

}  // namespace gongyou::crypto
