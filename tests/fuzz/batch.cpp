// Batch files: collected batches (courier → analyst) and outbound files
// (analyst → courier), read whole (readBatch) and in place (verifyBatch).
// Byte 0 picks the kind (bit 0) and the mode (bit 1). Mode 0: the rest is a
// whole file, checked against the fixed signer. Mode 1: the rest is split at
// "\n--\n" into entries, written into a correctly signed file here, so mutated
// entries get past the signature to the entry checks and the entry readers.
#include <string_view>

#include "fuzz_support.h"
#include "protocol/batch.h"

using namespace gongyou;

namespace {

const crypto::SigningKey& signer() {
  static const crypto::SigningKey k = crypto::SigningKey::fromSeed(fuzz::fixedSeed(0x22));
  return k;
}

void readEntry(proto::BatchEntry::Reader e) {
  switch (e.which()) {
    case proto::BatchEntry::ENVELOPE:
      (void)e.getEnvelope().getData().size();
      break;
    default:
      (void)e.totalSize();
  }
}

void check(ByteView file, proto::BatchKind kind) {
  ByteView pk(signer().publicKey().data(), 32);
  protocol::Batch whole;
  std::string detail;
  auto st = protocol::readBatch(file, kind, fuzz::kFuzzCentreId, pk, whole, detail);
  // In place, as the importer reads a memory-mapped file (8-byte aligned).
  auto aligned = fuzz::words(file.data(), file.size());
  ByteView view(aligned.asBytes().begin(), file.size() % 8 == 0 ? file.size() : aligned.asBytes().size());
  protocol::Batch inPlace;
  std::vector<ByteView> entries;
  auto st2 = protocol::verifyBatch(view, kind, fuzz::kFuzzCentreId, pk, inPlace, entries, detail);
  if (file.size() % 8 == 0 && st != st2) __builtin_trap();  // the two readers must agree
  if (st == protocol::BatchStatus::Ok)
    for (auto& e : whole.entries) readEntry(e->root());
  if (st2 == protocol::BatchStatus::Ok)
    for (auto e : entries) protocol::withEntry(e, readEntry);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto kind = (data[0] & 1) ? proto::BatchKind::OUTBOUND : proto::BatchKind::COLLECTED;
  ByteView rest(data + 1, size - 1);
  if (!(data[0] & 2)) {
    check(rest, kind);
    return 0;
  }
  protocol::BatchWriter w(kind, fuzz::kFuzzCentreId, fuzz::kFuzzDay);
  std::string_view all(reinterpret_cast<const char*>(rest.data()), rest.size());
  constexpr std::string_view kSep = "\n--\n";
  while (true) {
    auto at = all.find(kSep);
    auto piece = all.substr(0, at);
    w.addCanonical(ByteView(reinterpret_cast<const std::uint8_t*>(piece.data()), piece.size()));
    if (at == std::string_view::npos) break;
    all.remove_prefix(at + kSep.size());
  }
  Bytes file = w.finish(signer());
  check(file, kind);
  return 0;
}
