// Bech32 keys: identity files (AGE-SECRET-KEY-1… lines), recipients (age1…),
// and the Bech32 decoder under both.
#include "crypto/age.h"
#include "crypto/bech32.h"
#include "crypto/x25519.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bech32::decode(text);
  (void)age::X25519Recipient::parse(text);
  (void)age::parseIdentities(text);
  return 0;
}
