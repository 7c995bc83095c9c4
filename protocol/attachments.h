// Attachments (evidence: photos, voice notes) inside a report's encrypted
// plaintext, and their caps. Written once here; the client, the relay and the
// analyst all read them.
//
// Plaintext layout (inside the padding, inside age):
//   framed Report message (standard serialization, one segment)
//   || attachment 1 bytes || attachment 2 bytes || ...
// Report.attachments lists, in the same order, each one's media type, size and
// BLAKE2b-256; the bytes are not inside the message so that a 16 MiB voice note
// streams through padding and encryption without a 16 MiB Cap'n Proto message
// being built (or parsed, on the analyst side, under the message limits).
// The analyst refuses an envelope whose bytes after the message do not add up
// to exactly the listed sizes, or whose hashes differ.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gongyou::protocol {

inline constexpr std::size_t kMaxAttachments = 5;
// One phone photo is 2–6 MB, one minute of voice at 128 kbit/s ~1 MB.
inline constexpr std::uint64_t kMaxAttachmentBytes = 16ull << 20;
inline constexpr std::uint64_t kMaxAttachmentsTotalBytes = 24ull << 20;
// The Report message itself, attachment metadata included (a text-only report
// is far smaller: it fits the 16 KiB padding bucket).
inline constexpr std::size_t kMaxReportMessageBytes = 64 * 1024;
// Attachment.hash: BLAKE2b-256 of the bytes.
inline constexpr std::size_t kAttachmentHashSize = 32;

// The media types a report may carry: exactly those the reporter's scrubber
// cleans (protocol/media/scrub). `kind` is what the dashboard counts by; `extension`
// names exported files.
struct AttachmentType {
  std::string_view mediaType, extension, kind;
};
inline constexpr AttachmentType kAttachmentTypes[] = {
    {"image/jpeg", "jpg", "photo"}, {"image/png", "png", "photo"},  {"image/webp", "webp", "photo"},
    {"audio/wav", "wav", "audio"},  {"audio/mpeg", "mp3", "audio"}, {"audio/mp4", "m4a", "audio"},
    {"audio/ogg", "ogg", "audio"},  {"application/pdf", "pdf", "document"},
};

inline const AttachmentType* findAttachmentType(std::string_view mediaType) {
  for (const auto& t : kAttachmentTypes)
    if (t.mediaType == mediaType) return &t;
  return nullptr;
}

}  // namespace gongyou::protocol
