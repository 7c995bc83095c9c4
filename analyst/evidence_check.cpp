#include "analyst/evidence_check.h"

#include "protocol/attachments.h"
#include "protocol/media/scrub.h"

namespace gongyou::analyst {

Recleaned recleanEvidence(std::string_view declaredType, ByteView bytes) {
  Recleaned out;
  const media::Media m = media::detectMedia(bytes);
  const std::string_view actual = media::mediaTypeOf(m);
  if (m == media::Media::Heic) {
    out.why = "a HEIC file, which the reporter's tool never sends (it sends the JPEG of it)";
    return out;
  }
  if (actual.empty() || !protocol::findAttachmentType(actual)) {
    out.why = "declared " + std::string(declaredType) + " but the bytes are not a file type the reporter's tool sends";
    return out;
  }
  if (actual != declaredType) {
    out.why = "declared " + std::string(declaredType) + " but the bytes are " + media::mediaName(m);
    return out;
  }
  media::Scrubbed s = media::scrub(bytes);
  if (s.status != media::ScrubStatus::Ok) {
    out.why = std::string(media::mediaName(m)) + " that cannot be cleaned again" + (s.detail.empty() ? "" : ": " + s.detail);
    return out;
  }
  // A scrubbed file is of the type it came in as (a PDF stays a PDF, of images).
  if (media::mediaTypeOf(media::detectMedia(s.data)) != actual) {
    out.why = std::string(media::mediaName(m)) + " whose cleaned copy is of another type";
    return out;
  }
  out.data = std::move(s.data);
  return out;
}

}  // namespace gongyou::analyst
