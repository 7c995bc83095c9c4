#include "protocol/reply.h"

#include <stdexcept>

#include "crypto/age.h"
#include "crypto/padding.h"

namespace gongyou::protocol {

Bytes sealReply(const age::PublicKey& replyKey, std::string_view text) {
  if (text.size() > kMaxReplyTextBytes) throw std::invalid_argument("reply text longer than 8 KiB");
  age::X25519Recipient r(replyKey);
  auto padded = padding::pad(ByteView(text));
  return age::encrypt({&r}, padded.view());
}

std::optional<std::string> openReply(const age::X25519Identity& identity, ByteView envelope) {
  io::MemorySource src(envelope);
  io::VectorSink out;
  if (age::decrypt(src, {&identity}, out) != age::Status::Ok) return std::nullopt;
  auto text = padding::unpad(out.out);
  std::optional<std::string> result;
  if (text && text->size() <= kMaxReplyTextBytes) result = std::string(text->str());
  sodium_memzero(out.out.data(), out.out.size());
  return result;
}

}  // namespace gongyou::protocol
