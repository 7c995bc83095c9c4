// Evidence at import: the sender is not trusted, even on the air-gapped machine.
//
// A report's files were cleaned by the reporter's tool, but an envelope can be
// made by anyone who has the centre's public keys: a file declared image/jpeg
// may be HTML (which a browser runs), a "PDF of page images" may be any PDF
// with scripts and an author. So each file is judged by its bytes: its type,
// read from them, must be the declared one and one the reporter's scrubber
// produces (never HEIC: the reporter sends it as JPEG); then it is cleaned
// again by the same scrubber (protocol/media), a PDF rendered to page images
// again, and only that result is stored. The analyst's tools name files from
// the type (REF-evidence-N.EXT), never from the envelope.
//
// Failure modes: never throws for bad input; `why` says what was wrong, and
// the import sets the whole envelope aside with it.
#pragma once

#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace gongyou::analyst {

struct Recleaned {
  std::string why;  // empty: `data` is the file to store
  Bytes data;
};

Recleaned recleanEvidence(std::string_view declaredType, ByteView bytes);

}  // namespace gongyou::analyst
