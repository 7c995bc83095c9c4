// Evidence as the desk shows it: pixels decoded here and encoded anew.
//
// Even a file the import cleaned again is the sender's bytes; a browser's image
// or PDF decoder is a large attack surface. So the desk never hands the browser
// a stored file: a photo (JPEG, PNG, WebP) is decoded by libjpeg, libpng or
// libwebp, and a PDF's pages rendered by Poppler, into RGB pixels, and those
// become a new baseline JPEG written by libjpeg (jpeg_writer.h) — the only
// thing the page displays. Decompression bombs are refused by a pixel cap.
//
// Failure modes: never throws for bad input; `ok` false with a reason.
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::media {

inline constexpr long kMaxViewPixels = 60L * 1000 * 1000;  // a 48-megapixel phone photo fits
inline constexpr double kViewPdfDpi = 110;

struct FreshImages {
  bool ok = false;
  std::vector<Bytes> jpegs;  // one per photo, or per PDF page
  std::string detail;
};

// `page`: for a PDF, which page (from 0); ignored for a photo. `pagesOut`, if
// given, is told how many pages the PDF has (1 for a photo).
FreshImages freshPixels(ByteView file, int page = 0, int* pagesOut = nullptr);

// Sound the same way: a voice note (WAV, MP3, M4A, Ogg) is decoded by FFmpeg's
// libraries (only the decoder its type calls for) into samples, and those are
// written as a new WAV file (mono, 16 kHz, 16-bit: a voice, at a tenth of the
// size of CD audio), at most kMaxListenSeconds of it.
inline constexpr int kListenRate = 16000;
inline constexpr int kMaxListenSeconds = 20 * 60;

struct FreshSound {
  bool ok = false;
  Bytes wav;
  double seconds = 0;
  std::string detail;
};
FreshSound freshSound(ByteView file);

}  // namespace gongyou::media
