#include <catch2/catch.hpp>

#include <capnp/message.h>

#include "protocol/ack.h"

using namespace gongyou;

TEST_CASE("ack: signed by the identity for this centre verifies and anything else does not") {
  auto identity = crypto::SigningKey::generate();
  std::vector<protocol::InboxId> ids(3);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i].fill(static_cast<std::uint8_t>(i + 1));
  capnp::MallocMessageBuilder mb;
  auto ack = mb.initRoot<proto::SignedAck>();
  protocol::signAck(identity, "centre-a", ids, ack);
  ByteView pk(identity.publicKey().data(), 32);

  auto got = protocol::verifyAck(ack.asReader(), pk, "centre-a");
  REQUIRE(got);
  CHECK(*got == ids);

  CHECK_FALSE(protocol::verifyAck(ack.asReader(), pk, "centre-b"));  // another centre's ack
  auto courier = crypto::SigningKey::generate();
  CHECK_FALSE(protocol::verifyAck(ack.asReader(), ByteView(courier.publicKey().data(), 32), "centre-a"));

  // The courier key (or anyone else) cannot sign an ack.
  capnp::MallocMessageBuilder mb2;
  auto forged = mb2.initRoot<proto::SignedAck>();
  protocol::signAck(courier, "centre-a", ids, forged);
  CHECK_FALSE(protocol::verifyAck(forged.asReader(), pk, "centre-a"));

  // Tamper: flip one byte of the signed ack.
  auto bytes = ack.getAck();
  for (std::size_t i = 0; i < bytes.size(); i += 5) {
    bytes[i] ^= 0x20;
    CHECK_FALSE(protocol::verifyAck(ack.asReader(), pk, "centre-a"));
    bytes[i] ^= 0x20;
  }
  CHECK(protocol::verifyAck(ack.asReader(), pk, "centre-a"));
}

TEST_CASE("ack: a field of the wrong pointer type is no ack and does not throw") {
  capnp::MallocMessageBuilder mb;
  auto ack = mb.initRoot<proto::SignedAck>();
  capnp::toAny(ack).getPointerSection()[0].initAsAnyStruct(1, 0);  // `ack` as a struct, not Data
  auto identity = crypto::SigningKey::generate();
  std::optional<std::vector<protocol::InboxId>> got;
  REQUIRE_NOTHROW(got = protocol::verifyAck(ack.asReader(), ByteView(identity.publicKey().data(), 32), "c"));
  CHECK_FALSE(got);
}
