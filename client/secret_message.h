// A Cap'n Proto message whose memory is guarded secret memory (crypto/secret.h):
// a report being written is plaintext, so it must not sit in ordinary heap pages
// that are swapped out or left behind when freed.
//
// The builder's first segment is a SecretBytes block large enough for any
// text-only report (its fields are capped to fit 16 KiB); serialize() writes the
// framed message into guarded memory too. Both are wiped on destruction.
// Limit: a message larger than the block spills into ordinary heap segments;
// attachments (a later issue) will need their own streaming path.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/io.h>

#include "crypto/secret.h"

namespace gongyou::client {

class SecretMessage {
 public:
  static constexpr std::size_t kBytes = 64 * 1024;
  SecretMessage()
      : segment_(kBytes),
        builder_(kj::arrayPtr(reinterpret_cast<capnp::word*>(segment_.data()), kBytes / sizeof(capnp::word))) {}
  SecretMessage(const SecretMessage&) = delete;
  SecretMessage& operator=(const SecretMessage&) = delete;

  capnp::MessageBuilder& builder() { return builder_; }

  // The framed message (standard serialization), in guarded memory.
  SecretBytes serialize() {
    SecretBytes out(capnp::computeSerializedSizeInWords(builder_) * sizeof(capnp::word));
    kj::ArrayOutputStream stream(kj::arrayPtr(out.data(), out.size()));
    capnp::writeMessage(stream, builder_);
    return out;
  }

 private:
  SecretBytes segment_;  // declared first: outlives the builder that points into it
  capnp::MallocMessageBuilder builder_;
};

}  // namespace gongyou::client
