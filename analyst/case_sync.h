// Several analysts on several air-gapped machines: moving case histories
// between them (`gongyou-analyst cases-out`, `cases-in`).
//
// The file is a batch (protocol/batch.h, kind `cases`) signed by the centre's
// identity key, then age-encrypted to every analyst key of the keyring: the
// notes are the centre's own words, and the file travels on removable media.
// A report is named by the hash of its canonical bytes, the same on every
// machine that imported it (each store's keys are its own). Merging keeps
// every event of both sides once (events have ids: a case is a log that only
// grows, protocol/case.capnp), in time order: nobody's note is lost, and
// reading the same file twice changes nothing.
//
// Failure modes: std::runtime_error naming what is wrong with a file (not for
// this centre's keys, altered, not signed by the identity key); nothing is
// written then. An update for a report this machine has not imported is
// counted, not applied (import its batch, then read the file again).
#pragma once

#include <cstdint>
#include <string>

#include "analyst/keyring.h"
#include "analyst/store.h"
#include "crypto/bytes.h"

namespace gongyou::analyst {

// Every case of the store, as the encrypted file.
Bytes writeCasesFile(AnalystStore& store, const Keyring& keyring, std::size_t& cases);

struct CasesMerged {
  std::size_t cases = 0, eventsAdded = 0, unknownReports = 0;
};
CasesMerged readCasesFile(AnalystStore& store, const Keyring& keyring, ByteView file);

}  // namespace gongyou::analyst
