#include <catch2/catch.hpp>

#include <capnp/serialize.h>

#include "protocol/batch.h"

using namespace gongyou;
using protocol::BatchStatus;

namespace {

struct Fixture {
  crypto::SigningKey courier = crypto::SigningKey::generate();
  ByteView pk() const { return ByteView(courier.publicKey().data(), 32); }

  Bytes make(int n, io::Sink* stream = nullptr) {
    auto w = stream ? protocol::BatchWriter(proto::BatchKind::COLLECTED, "centre-a", 20000, *stream)
                    : protocol::BatchWriter(proto::BatchKind::COLLECTED, "centre-a", 20000);
    for (int i = 0; i < n; ++i)
      w.add([&](proto::BatchEntry::Builder e) {
        auto env = e.initEnvelope();
        env.setRelay("127.0.0.1:7455");
        Bytes id(16, static_cast<std::uint8_t>(i));
        env.setId(kj::arrayPtr(id.data(), id.size()));
        env.setDay(20000);
        Bytes data(1000 + i, static_cast<std::uint8_t>('a' + i));
        env.setData(kj::arrayPtr(data.data(), data.size()));
      });
    return w.finish(courier);
  }
  BatchStatus read(const Bytes& f, proto::BatchKind kind = proto::BatchKind::COLLECTED,
                   const std::string& centre = "centre-a") {
    protocol::Batch b;
    std::string detail;
    return protocol::readBatch(f, kind, centre, pk(), b, detail);
  }
};

// Offsets of each framed message in a batch file.
std::vector<std::size_t> messageStarts(const Bytes& f) {
  auto words = kj::heapArray<capnp::word>(f.size() / 8);
  std::memcpy(words.begin(), f.data(), f.size());
  std::vector<std::size_t> starts;
  kj::ArrayPtr<const capnp::word> rest = words;
  while (rest.size()) {
    starts.push_back((rest.begin() - words.begin()) * 8);
    capnp::FlatArrayMessageReader r(rest);
    rest = kj::arrayPtr(r.getEnd(), rest.end());
  }
  return starts;
}

}  // namespace

TEST_CASE("batch: written and read back whole") {
  Fixture fx;
  Bytes f = fx.make(5);
  protocol::Batch b;
  std::string detail;
  REQUIRE(protocol::readBatch(f, proto::BatchKind::COLLECTED, "centre-a", fx.pk(), b, detail) == BatchStatus::Ok);
  REQUIRE(b.entries.size() == 5);
  CHECK(b.entries[3]->root().getEnvelope().getData().size() == 1003);
  CHECK(b.createdDay == 20000);
  CHECK(fx.read(fx.make(0)) == BatchStatus::Ok);  // an empty batch is still a batch
}

TEST_CASE("batch: written as a stream it is the same file as written in memory") {
  Fixture f;
  io::VectorSink sink;
  CHECK(f.make(5, &sink).empty());
  CHECK(sink.out == f.make(5));  // Ed25519 is deterministic: byte for byte
  CHECK(f.read(sink.out) == BatchStatus::Ok);
}

TEST_CASE("batch: truncation and a flipped byte and reordering are refused") {
  Fixture fx;
  Bytes f = fx.make(4);
  auto starts = messageStarts(f);
  REQUIRE(starts.size() == 6);  // header, 4 items, trailer
  // Cut anywhere: before the trailer, inside an item, one word short.
  CHECK(fx.read(Bytes(f.begin(), f.begin() + starts[5])) == BatchStatus::Truncated);
  CHECK(fx.read(Bytes(f.begin(), f.begin() + starts[3] + 40)) == BatchStatus::Truncated);
  CHECK(fx.read(Bytes(f.begin(), f.end() - 8)) != BatchStatus::Ok);
  // Flip one byte at many places: never accepted.
  for (std::size_t i = 0; i < f.size(); i += 97) {
    Bytes t = f;
    t[i] ^= 0x10;
    INFO("byte " << i);
    CHECK(fx.read(t) != BatchStatus::Ok);
  }
  // Swap items 1 and 2 (each a whole, valid message).
  Bytes swapped(f.begin(), f.begin() + starts[1]);
  swapped.insert(swapped.end(), f.begin() + starts[2], f.begin() + starts[3]);
  swapped.insert(swapped.end(), f.begin() + starts[1], f.begin() + starts[2]);
  swapped.insert(swapped.end(), f.begin() + starts[3], f.end());
  CHECK(fx.read(swapped) == BatchStatus::Corrupt);
  // Drop an item (a whole message).
  Bytes dropped(f.begin(), f.begin() + starts[2]);
  dropped.insert(dropped.end(), f.begin() + starts[3], f.end());
  CHECK(fx.read(dropped) == BatchStatus::Corrupt);
  // Garbage after the trailer.
  Bytes extra = f;
  extra.insert(extra.end(), 8, 0);
  CHECK(fx.read(extra) != BatchStatus::Ok);
}

TEST_CASE("batch: signer and kind and centre are checked") {
  Fixture fx;
  Bytes f = fx.make(2);
  Fixture other;
  protocol::Batch b;
  std::string d;
  CHECK(protocol::readBatch(f, proto::BatchKind::COLLECTED, "centre-a", other.pk(), b, d) == BatchStatus::BadSignature);
  CHECK(fx.read(f, proto::BatchKind::OUTBOUND) == BatchStatus::WrongKind);
  CHECK(fx.read(f, proto::BatchKind::COLLECTED, "centre-b") == BatchStatus::WrongCentre);
  CHECK(fx.read(Bytes{1, 2, 3}) == BatchStatus::Truncated);
  CHECK(fx.read(Bytes(64, 0)) != BatchStatus::Ok);
}

// Found by the batch fuzzer (tests/fuzz/regressions/batch): an entry whose root
// pointer is an empty list, which passes Cap'n Proto's canonical check but is no
// BatchEntry. readBatch said Ok and handed back a null entry.
TEST_CASE("batch: a canonical entry that is not a struct is refused by both readers") {
  Fixture fx;
  for (auto kind : {proto::BatchKind::COLLECTED, proto::BatchKind::OUTBOUND}) {
    protocol::BatchWriter w(kind, "centre-a", 20000);
    const std::uint8_t listRoot[8] = {0x09, 0, 0, 0, 0, 0, 0, 0};
    w.addCanonical(ByteView(listRoot, sizeof listRoot));
    Bytes f = w.finish(fx.courier);
    CHECK(fx.read(f, kind) == BatchStatus::Corrupt);
    protocol::Batch b;
    std::vector<ByteView> entries;
    std::string detail;
    CHECK(protocol::verifyBatch(f, kind, "centre-a", fx.pk(), b, entries, detail) == BatchStatus::Corrupt);
    CHECK(entries.empty());
  }
}

// Canonical, a struct at the root, yet a field of the wrong pointer type (a
// struct where the envelope's Data belongs): readers would throw on access, so
// the file is refused whole instead of failing halfway through an import.
TEST_CASE("batch: an entry with a field of the wrong pointer type is refused by both readers") {
  Fixture fx;
  capnp::MallocMessageBuilder mb;
  auto env = mb.initRoot<proto::BatchEntry>().initEnvelope();
  env.setRelay("127.0.0.1:7455");
  capnp::toAny(env).getPointerSection()[2].initAsAnyStruct(1, 0);  // `data` (pointer 2) as a struct
  protocol::BatchWriter w(proto::BatchKind::COLLECTED, "centre-a", 20000);
  Bytes entry = protocol::canonicalBytes(mb.getRoot<proto::BatchEntry>().asReader());
  w.addCanonical(entry);
  Bytes f = w.finish(fx.courier);
  CHECK(fx.read(f) == BatchStatus::Corrupt);
  protocol::Batch b;
  std::vector<ByteView> entries;
  std::string detail;
  CHECK(protocol::verifyBatch(f, proto::BatchKind::COLLECTED, "centre-a", fx.pk(), b, entries, detail) ==
        BatchStatus::Corrupt);
}
