// Receipts (v2): the vectors in tests/vectors/receipt pin the format for every
// implementation that checks a relay's receipts (this C++ client, the phone
// page's TypeScript): leaf, root, path and signature, byte for byte.
#include "protocol/receipt.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "crypto/merkle.h"

using namespace gongyou;

namespace {

std::string hex(ByteView b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) s += d[c >> 4], s += d[c & 15];
  return s;
}
template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) {
  return hex(ByteView(a.data(), a.size()));
}

template <std::size_t N>
std::array<std::uint8_t, N> fromHex(const std::string& s) {
  REQUIRE(s.size() == 2 * N);
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<std::uint8_t>(std::stoul(s.substr(2 * i, 2), nullptr, 16));
  return out;
}

}  // namespace

TEST_CASE("receipt: the shared vectors verify and are reproduced byte for byte") {
  std::ifstream in(GONGYOU_RECEIPT_VECTORS);
  REQUIRE(in);
  const auto v = nlohmann::json::parse(in);
  const auto seed = fromHex<32>(v.at("relaySeed").get<std::string>());
  const auto key = crypto::SigningKey::fromSeed(ByteView(seed.data(), seed.size()));
  CHECK(hex(key.publicKey()) == v.at("relayPublicKey").get<std::string>());
  const std::string centre = v.at("centre");
  std::vector<protocol::SubmitReceipt> receipts;
  std::vector<crypto::Hash> leaves;
  for (const auto& r : v.at("receipts")) {
    protocol::SubmitReceipt s;
    s.id = fromHex<16>(r.at("id"));
    s.day = r.at("day");
    s.envelopeHash = fromHex<32>(r.at("envelopeHash"));
    CHECK(hex(protocol::receiptLeaf(s, centre)) == r.at("leaf").get<std::string>());
    leaves.push_back(protocol::receiptLeaf(s, centre));
    receipts.push_back(s);
  }
  crypto::MerkleTree tree(leaves);
  CHECK(hex(tree.root()) == v.at("root").get<std::string>());
  const auto signature = protocol::signReceiptRoot(key, tree.root(), tree.size());
  CHECK(hex(signature) == v.at("signature").get<std::string>());
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    auto& r = receipts[i];
    const auto& j = v.at("receipts")[i];
    r.index = j.at("index"), r.batchSize = v.at("batchSize"), r.signature = signature;
    for (const auto& p : j.at("path")) r.path.push_back(fromHex<32>(p));
    CHECK(r.path == tree.path(r.index));
    CHECK(protocol::verifyReceipt(r, centre, key.publicKey()));
  }
  // And what must not verify, as every implementation must refuse it.
  for (const auto& bad : v.at("invalid")) {
    auto r = receipts.at(bad.at("receipt").get<std::size_t>());
    const std::string change = bad.at("change");
    if (change == "index") r.index = bad.at("value");
    else if (change == "batchSize") r.batchSize = bad.at("value");
    else if (change == "day") r.day = bad.at("value");
    else if (change == "centre") continue;  // checked below
    else if (change == "dropLastPathHash") r.path.pop_back();
    else if (change == "flipSignatureBit") r.signature[0] ^= 1;
    else FAIL("unknown change " << change);
    INFO(change);
    CHECK_FALSE(protocol::verifyReceipt(r, centre, key.publicKey()));
  }
  CHECK_FALSE(protocol::verifyReceipt(receipts[0], "centre-b", key.publicKey()));
}
