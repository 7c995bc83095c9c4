// Pixels to a JPEG, for the scrubber's conversions (HEIC photos, PDF pages):
// libjpeg writes SOI, JFIF, tables, frame, scan and EOI, nothing else, so the
// result carries no metadata by construction.
#pragma once

#include <cstdint>

#include "crypto/bytes.h"

namespace gongyou::media {

// 8-bit RGB rows of `stride` bytes. Returns false (and `out` untouched) if
// libjpeg fails; it never prints.
bool encodeJpeg(const std::uint8_t* rgb, int width, int height, int stride, int quality, Bytes& out);

}  // namespace gongyou::media
