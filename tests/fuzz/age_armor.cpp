// ASCII armor (crypto/armor.h), read to the end as age reads it.
#include "crypto/armor.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)age::looksArmored(std::string_view(reinterpret_cast<const char*>(data), size < 64 ? size : 64));
  io::MemorySource mem(ByteView(data, size));
  age::ArmorReader armor(mem);
  std::uint8_t buf[4096];
  while (armor.read(buf, sizeof buf) > 0) {
  }
  (void)armor.failed();
  return 0;
}
