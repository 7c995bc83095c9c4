// A decrypted envelope as the analyst reads it: unpad, Report message, field
// checks, attachments after the message (protocol::decodeReport). The input is tried as the padded plaintext,
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
    std::vector<ByteView> files;
    if (protocol::decodeReport(padded.view(), fuzz::kFuzzDay, canonical, &files).empty()) {
      // A report that passed once must pass again from its canonical bytes
      // (one segment: framed with a segment table of one entry), followed by
      // the same attachment bytes, which come back unchanged.
      const auto words = static_cast<std::uint32_t>(canonical.size() / 8);
      Bytes framed{0, 0, 0, 0, std::uint8_t(words), std::uint8_t(words >> 8), std::uint8_t(words >> 16),
                   std::uint8_t(words >> 24)};
      append(framed, canonical);
      for (auto f : files) append(framed, f);
      Bytes again;
      std::vector<ByteView> filesAgain;
      auto repadded = padding::pad(framed);
      if (!protocol::decodeReport(repadded.view(), fuzz::kFuzzDay, again, &filesAgain).empty() || again != canonical ||
          filesAgain.size() != files.size())
        __builtin_trap();
      for (std::size_t i = 0; i < files.size(); ++i)
        if (filesAgain[i].copy() != files[i].copy()) __builtin_trap();
    }
  }
  return 0;
}
