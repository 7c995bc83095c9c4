// A decrypted envelope as the analyst reads it: unpad, Report message, field
// checks (protocol::decodeReport). The input is tried as the padded plaintext,
// and padded here, so mutations of the message itself get past the padding.
#include "crypto/padding.h"
#include "fuzz_support.h"
#include "protocol/report_check.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  Bytes canonical;
  (void)protocol::decodeReport(in, fuzz::kFuzzDay, canonical);
  if (size <= 64 * 1024) {
    auto padded = padding::pad(in);
    if (protocol::decodeReport(padded.view(), fuzz::kFuzzDay, canonical).empty()) {
      // A report that passed once must pass again from its canonical bytes
      // (one segment: framed with a segment table of one entry).
      const auto words = static_cast<std::uint32_t>(canonical.size() / 8);
      Bytes framed{0, 0, 0, 0, std::uint8_t(words), std::uint8_t(words >> 8), std::uint8_t(words >> 16),
                   std::uint8_t(words >> 24)};
      append(framed, canonical);
      Bytes again;
      if (!protocol::decodeReport(padding::pad(framed).view(), fuzz::kFuzzDay, again).empty() || again != canonical)
        __builtin_trap();
    }
  }
  return 0;
}
