// Centre codes as a worker types them or a QR scan returns them.
#include "protocol/centre_code.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto c = protocol::decodeCentreCode(text)) {
    // What decodes must re-encode to a code that decodes to the same centre.
    auto again = protocol::decodeCentreCode(protocol::encodeCentreCode(*c));
    if (!again || again->centreId != c->centreId || again->identity != c->identity || again->relays != c->relays)
      __builtin_trap();
  }
  return 0;
}
