// age header: version line, recipient stanzas, MAC line (crypto/header.h).
#include "crypto/header.h"
#include "crypto/io.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  io::MemorySource mem(ByteView(data, size));
  io::BufferedSource in(mem);
  if (auto h = age::parseHeader(in)) (void)age::headerMacInput(h->stanzas);
  return 0;
}
