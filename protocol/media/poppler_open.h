// Opening a PDF with Poppler, for the scrubber (pdf.cpp) and the desk's view
// (view.cpp): Poppler's messages silenced (a worker's document is nobody's
// business, not even a terminal's), and a file beyond what Poppler can address
// refused. nullptr when Poppler cannot read it.
#pragma once

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>

#include <cstdint>
#include <memory>
#include <mutex>

#include "crypto/bytes.h"

namespace gongyou::media {

inline std::unique_ptr<poppler::document> openPdf(ByteView pdf) {
  static std::once_flag quiet;
  std::call_once(quiet, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
  if (pdf.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
  return std::unique_ptr<poppler::document>(poppler::document::load_from_raw_data(
      reinterpret_cast<const char*>(pdf.data()), static_cast<int>(pdf.size())));
}

}  // namespace gongyou::media
