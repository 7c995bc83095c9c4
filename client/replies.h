// Checking for the centre's answer with a reply code: derive the mailbox id and
// the reply key (Argon2id, ~0.2 s), fetch the mailbox from the centre's relays,
// decrypt what is there. The code is not stored anywhere.
#pragma once

#include <kj/async-io.h>

#include <string>
#include <vector>

#include "protocol/relays.h"
#include "client/state.h"
#include "crypto/reply_code.h"

namespace gongyou::client {

struct Reply {
  std::uint32_t day = 0;  // when the relay stored it (days since the epoch); 0 if the relay did not say
  std::string text;
};

struct Replies {
  std::vector<Reply> answers;  // decrypted, oldest first
  std::size_t unreadable = 0;  // entries that did not decrypt (not for this code)
};

// Throws protocol::Unreachable when no relay answers.
Replies fetchReplies(const Pinned& pinned, const crypto::ReplyCode& code, kj::AsyncIoContext& io, const protocol::Net& net);

}  // namespace gongyou::client
