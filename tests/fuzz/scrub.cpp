// Attachment scrubbing: the JPEG, PNG, WebP, WAV, MP3, M4A and Ogg whitelist
// filters, HEIC to JPEG (libheif, libjpeg) and PDF to page images (Poppler)
// conversions, and libexiv2 reading both the original and the result. A file
// that scrubs must scrub again to itself (a PDF: again, with nothing more to
// remove than its text layer, which the page images do not have either).
#include "protocol/media/scrub.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto s = media::scrub(ByteView(data, size));
  if (s.status == media::ScrubStatus::Ok) {
    auto again = media::scrub(s.data);
    // A PDF is re-rendered each time (its pages are lossy JPEGs): it must
    // scrub again, and carry nothing more to remove; everything else must come
    // back byte for byte.
    if (again.status != media::ScrubStatus::Ok) __builtin_trap();
    if (s.media == media::Media::Pdf ? again.removed.size() != 1 : again.data != s.data) __builtin_trap();
  }
  return 0;
}
