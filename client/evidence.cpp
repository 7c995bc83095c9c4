#include "client/evidence.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "storage/file.h"

namespace gongyou::client {

LoadedEvidence loadEvidence(const std::string& path) {
  LoadedEvidence out;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    out.problem = EvidenceProblem::Unreadable;
    return out;
  }
  // Before reading: a 4 GB video must not be loaded only to be refused.
  if (static_cast<std::uint64_t>(st.st_size) > protocol::kMaxAttachmentBytes) {
    out.problem = EvidenceProblem::TooLarge;
    return out;
  }
  Bytes raw;
  try {
    raw = storage::readFile(path);
  } catch (const std::exception&) {
    out.problem = EvidenceProblem::Unreadable;
    return out;
  }
  if (raw.size() > protocol::kMaxAttachmentBytes) {  // grew since stat
    out.problem = EvidenceProblem::TooLarge;
    return out;
  }
  media::Scrubbed s = media::scrub(raw);
  sodium_memzero(raw.data(), raw.size());
  out.detail = s.status == ScrubStatus::Unsupported ? media::mediaName(s.media) : s.detail;
  switch (s.status) {
    case ScrubStatus::Ok: break;
    case ScrubStatus::Unsupported: out.problem = EvidenceProblem::Unsupported; return out;
    case ScrubStatus::Malformed: out.problem = EvidenceProblem::Malformed; return out;
    case ScrubStatus::Residue: out.problem = EvidenceProblem::Residue; return out;
  }
  if (s.data.size() > protocol::kMaxAttachmentBytes) {  // a conversion (PDF pages, HEIC) can grow
    out.problem = EvidenceProblem::TooLarge;
    return out;
  }
  out.evidence.type = protocol::findAttachmentType(media::mediaTypeOf(s.media));
  if (!out.evidence.type || s.data.empty()) {  // a scrubber type without a report type: refuse, never guess
    out.problem = EvidenceProblem::Unsupported;
    out.detail = mediaName(s.media);
    return out;
  }
  out.evidence.media = s.media;
  out.evidence.data = std::move(s.data);
  out.evidence.removed = std::move(s.removed);
  return out;
}

std::string checkEvidenceSet(const std::vector<std::uint64_t>& sizes) {
  if (sizes.size() > protocol::kMaxAttachments) return "count";
  std::uint64_t total = 0;
  for (auto n : sizes) total += n;
  return total > protocol::kMaxAttachmentsTotalBytes ? "total" : "";
}

std::string checkEvidenceSet(const std::vector<Evidence>& set) {
  std::vector<std::uint64_t> sizes;
  for (const auto& e : set) sizes.push_back(e.data.size());
  return checkEvidenceSet(sizes);
}

namespace {

std::string megabytes(std::size_t n) {
  char buf[32];
  if (n < 1000) std::snprintf(buf, sizeof buf, "%zu bytes", n);
  else std::snprintf(buf, sizeof buf, n < 100 * 1000 ? "%.0f kB" : "%.1f MB", n < 100 * 1000 ? n / 1e3 : n / 1e6);
  return buf;
}
}  // namespace

std::string explainEvidence(const Messages& tr, const std::string& path, const LoadedEvidence& l, std::size_t index) {
  switch (l.problem) {
    case EvidenceProblem::None: {
      const Evidence& e = l.evidence;
      std::string removed;
      for (const auto& r : e.removed)
        removed = removed.empty() ? tr(r) : tr("%s, %s", {removed, tr(r)});
      return tr(removed.empty() ? N_("Attached %s as %s (%s, %s). It carried no hidden information to remove.")
                                : N_("Attached %s as %s (%s, %s). Removed before sending: %s."),
                {path, evidenceName(index, e), tr(mediaName(e.media)), megabytes(e.data.size()),
                 removed});
    }
    case EvidenceProblem::Unreadable: return tr("Cannot read %s: check the file's path.", {path});
    case EvidenceProblem::TooLarge: return tr("%s is too large: one file may be at most 16 MB. Send a shorter recording or a smaller photo.", {path});
    case EvidenceProblem::Unsupported: return tr("%s (%s): gongyou cannot clean this type of hidden information (where, when, which phone), so it will not send it. Photos: JPEG, PNG, WebP or HEIC (a screenshot works). Sound: MP3, M4A, Ogg or WAV. Documents: PDF.", {path, tr(l.detail)});
    case EvidenceProblem::Malformed: return tr("%s is damaged or not what it seems (%s), so it will not be sent.", {path, l.detail});
    case EvidenceProblem::Residue: return tr("%s still showed hidden information after cleaning, so it will not be sent. Try a screenshot of it instead.", {path});
  }
  return path;
}

std::string explainEvidenceSet(const Messages& tr, const std::string& problem) {
  return problem == "count" ? tr("At most %s files can go with one report.", {std::to_string(protocol::kMaxAttachments)})
                            : tr("The files together are larger than 24 MB: leave some out.");
}

std::string evidenceName(std::size_t index, const Evidence& e) {
  return "evidence-" + std::to_string(index + 1) + "." + std::string(e.type->extension);
}

}  // namespace gongyou::client
