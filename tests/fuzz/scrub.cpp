// Attachment scrubbing: the JPEG, PNG, WebP, WAV, MP3, M4A and Ogg whitelist
// filters, HEIC to JPEG conversion (libheif, libjpeg) and libexiv2 reading both
// the original and the result. A file that scrubs must scrub again
// to itself, with nothing more to remove.
#include "client/scrub.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto s = client::scrub(ByteView(data, size));
  if (s.status == client::ScrubStatus::Ok) {
    auto again = client::scrub(s.data);
    if (again.status != client::ScrubStatus::Ok || again.data != s.data) __builtin_trap();
  }
  return 0;
}
