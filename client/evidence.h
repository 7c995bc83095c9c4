// Evidence files a worker attaches to a report: read with a size cap, scrubbed
// of identifying metadata (client/scrub), named neutrally. What was removed is
// kept for the worker to see before anything is sent.
//
// Failure modes: never throws for a bad file; `problem` says what was wrong and
// the caller refuses the whole report (nothing is sent with a file left out).
#pragma once

#include <string>
#include <vector>

#include "protocol/messages.h"
#include "protocol/media/scrub.h"
#include "crypto/bytes.h"
#include "protocol/attachments.h"

namespace gongyou::client {

using media::Media;
using media::ScrubStatus;

struct Evidence {
  const protocol::AttachmentType* type = nullptr;
  Media media = Media::Unknown;
  Bytes data;                        // scrubbed
  std::vector<std::string> removed;  // in plain words, English (the scrubber's)
};

enum class EvidenceProblem {
  None,
  Unreadable,   // missing, a directory, no permission
  TooLarge,     // above protocol::kMaxAttachmentBytes (checked before reading it whole)
  Unsupported,  // a type gongyou cannot clean safely (PDF, unknown)
  Malformed,    // not a well-formed file of the type its content claims
  Residue,      // metadata still found after cleaning: refused rather than sent
};

struct LoadedEvidence {
  EvidenceProblem problem = EvidenceProblem::None;
  Evidence evidence;   // when problem == None
  std::string detail;  // the type found (Unsupported) or what was wrong (Malformed)
};

LoadedEvidence loadEvidence(const std::string& path);

// The caps over a whole set, given each file's (scrubbed) size: count, then
// total size. Empty when fine, otherwise "count" or "total".
std::string checkEvidenceSet(const std::vector<std::uint64_t>& sizes);
std::string checkEvidenceSet(const std::vector<Evidence>& set);

// One line for the worker about `path` (the `index`-th file): what was removed,
// or why it will not be sent.
std::string explainEvidence(const Messages& tr, const std::string& path, const LoadedEvidence& loaded,
                            std::size_t index);
// The same for a set-level problem from checkEvidenceSet.
std::string explainEvidenceSet(const Messages& tr, const std::string& problem);

// The name the analyst sees: "evidence-N.EXT" (never the worker's file name,
// which often holds a date, a place or a person's name).
std::string evidenceName(std::size_t index, const Evidence& e);

}  // namespace gongyou::client
