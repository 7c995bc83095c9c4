// A whole age file to the fixed analyst key: header, X25519 stanza unwrapping,
// header MAC, then the STREAM payload chunk by chunk — what the analyst's import
// does with every envelope. Seeds are real files to that key, so mutations past
// the header reach the payload.
#include "crypto/age.h"
#include "fuzz_support.h"

using namespace gongyou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const age::X25519Identity key = fuzz::analystKey();
  static SecretBytes workspace = age::decryptWorkspace();
  io::MemorySource in(ByteView(data, size));
  io::VectorSink out;
  (void)age::decrypt(in, {&key}, out, age::Armor::Auto, &workspace);
  return 0;
}
