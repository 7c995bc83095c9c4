// A centre's reply to an anonymous reporter: UTF-8 text, padded like a report
// (so its length says nothing), age-encrypted to the reply key the reporter put
// inside the report, and filed by the courier under the reporter's mailbox id.
//
// Failure modes: openReply returns nullopt for anything that does not decrypt
// with the identity, does not unpad, or is not UTF-8 text of at most 16 KiB.
#pragma once

#include <optional>
#include <string>

#include "crypto/x25519.h"

namespace gongyou::protocol {

inline constexpr std::size_t kMaxReplyTextBytes = 8 * 1024;

// Throws std::invalid_argument for a text above kMaxReplyTextBytes.
Bytes sealReply(const age::PublicKey& replyKey, std::string_view text);
std::optional<std::string> openReply(const age::X25519Identity& identity, ByteView envelope);

}  // namespace gongyou::protocol
