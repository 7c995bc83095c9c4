// PDF documents (a contract, a pay slip from the employer's system) are sent
// as what their pages show, nothing else: Poppler renders each page to pixels,
// each page becomes a JPEG, and a new PDF is written around those images.
// The author, the software, the dates, XMP, the text layer (with any hidden or
// white text), links, forms, annotations, attachments and scripts of the
// original cannot follow, because none of the original's objects are copied.
// This is how Dangerzone makes documents safe; here it is done on the worker's
// machine, before encryption. The worker is told what the original held.
//
// Failure modes: never throws for bad input; ok == false with a reason
// (damaged, password-protected, more pages than the cap).
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.h"

namespace gongyou::media {

// More pages than this: the worker is asked to send the pages that matter.
inline constexpr int kMaxPdfPages = 20;
// Rendering resolution: small print on an A4 pay slip stays legible.
inline constexpr double kPdfDpi = 150;

struct PdfAsImages {
  bool ok = false;
  Bytes pdf;
  int pages = 0;
  std::vector<std::string> removed;
  std::string detail;
};

PdfAsImages pdfAsImages(ByteView pdf);

}  // namespace gongyou::media
