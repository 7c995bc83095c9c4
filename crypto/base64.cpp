#include "crypto/base64.h"

#include <sodium.h>

#include "crypto/secret.h"

namespace gongyou::b64 {
namespace {

std::string encode(ByteView data, int variant) {
  sodiumInit();
  std::string out(sodium_base64_encoded_len(data.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), variant);
  out.pop_back();  // drop the terminating NUL sodium writes
  return out;
}

// libsodium 1.0.18's decoder reads characters as signed char, and accepts every
// byte >= 0x80 as some digit: "Y\xe1Jj" decodes like "YWJj". Without this check a
// file would have many spellings and armor tampering could go undetected.
bool alphabetOnly(std::string_view text) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

std::optional<Bytes> decode(std::string_view text, int variant) {
  sodiumInit();
  if (!alphabetOnly(text)) return std::nullopt;
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  const char* end = nullptr;
  // ignore = nullptr: no character is skipped; end must reach the last character,
  // so trailing garbage is an error rather than silently dropped.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace

std::string encodeRaw(ByteView data) { return encode(data, sodium_base64_VARIANT_ORIGINAL_NO_PADDING); }
std::optional<Bytes> decodeRaw(std::string_view text) {
  return decode(text, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}
std::string encodePadded(ByteView data) { return encode(data, sodium_base64_VARIANT_ORIGINAL); }
std::optional<Bytes> decodePadded(std::string_view text) {
  // libsodium accepts a missing final quantum's padding only if asked; require a
  // whole number of quanta so "abc" (unpadded) is refused in armor.
  if (text.size() % 4 != 0) return std::nullopt;
  return decode(text, sodium_base64_VARIANT_ORIGINAL);
}

}  // namespace gongyou::b64
