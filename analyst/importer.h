// Import (air-gapped side): a collected batch in, decrypted and validated reports
// into the store; then the outbound file: identity-signed acks for everything
// imported, the replies written since, and a new bundle if one is given.
//
// The whole file is verified before anything is written; a corrupt file imports
// nothing. Reports are then written in transactions of a few thousand; an
// interrupted import is completed by running it again, and importing the same
// file twice changes nothing (envelopes are deduplicated by hash — several
// relays may carry the same report — and batches by digest).
// An envelope that fails to decrypt, unpad, parse or validate is set aside with
// its reason and counted, never dropped silently.
#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "analyst/courier.h"
#include "analyst/keyring.h"
#include "analyst/store.h"

namespace gongyou::analyst {

struct ImportResult {
  bool alreadyImported = false;
  std::size_t envelopes = 0, stored = 0, duplicates = 0, setAside = 0;
  std::map<std::string, std::size_t> reasons;
};

using ImportProgress = std::function<void(std::size_t done, std::size_t total)>;

// Reports per transaction: each commit is an fsync, and what a crash (or a pulled
// plug) loses is at most the reports since the last one — a re-run redoes them.
inline constexpr std::size_t kDefaultCommitEvery = 8192;

// Throws BatchRefused (with the reason) for a file that does not verify as a
// collected batch of this centre signed by its courier key. `progress` is called
// after each chunk of up to 1,024 envelopes (and each commit).
ImportResult importBatch(AnalystStore& store, const Keyring& keyring, ByteView batchFile,
                         const ImportProgress& progress = {}, std::size_t commitEvery = kDefaultCommitEvery);
// The same on a file read in place (memory-mapped): any size, no copy.
ImportResult importBatchFile(AnalystStore& store, const Keyring& keyring, const std::string& path,
                             const ImportProgress& progress = {}, std::size_t commitEvery = kDefaultCommitEvery);

// Moves the queued acks and replies into a signed outbound file and hands it to
// `save` (which writes it durably); the queue is emptied only after `save`
// returns. `bundle` (a framed SignedBundle file) is included when not empty.
void writeOutbound(AnalystStore& store, const Keyring& keyring, ByteView bundle,
                   const std::function<void(ByteView file)>& save, std::size_t& acks, std::size_t& replies);

// Queues a reply to the report `ref` (see AnalystStore::forEachReport) and
// records it in the report's case as an answer by `author`. Returns false if
// there is no such report or it asked for no reply; throws
// std::invalid_argument for a text that is empty, too long or holds control
// characters.
bool queueReply(AnalystStore& store, const std::string& ref, const std::string& text,
                const std::string& author = "analyst");

}  // namespace gongyou::analyst
