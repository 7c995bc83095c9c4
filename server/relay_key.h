// The relay's own Ed25519 key: it signs every receipt and is named in every
// courier login, so clients can tell this relay from one answering in its place.
// Its public half goes into the centre's bundle (`gongyou-relay key` prints it,
// the centre signs it in with `--relay ADDRESS=KEY`).
//
// Kept in DATA/relay.key (mode 0600, the 32-byte seed) beside the store, made on
// first use. A seized disk gives the key away with the ciphertext: the centre
// then signs a bundle without that relay (or with its new key), and reporters
// stop believing it from the day they fetch that bundle.
//
// Failure modes: std::runtime_error naming the path for a file that cannot be
// read or written, or that is not exactly one seed. The seed is read straight
// into guarded memory.
#pragma once

#include <string>

#include "crypto/sign.h"

namespace gongyou::server {

// DATA/relay.key, made (atomically) if missing.
crypto::SigningKey loadOrCreateRelayKey(const std::string& dataDir);

}  // namespace gongyou::server
