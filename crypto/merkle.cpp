#include "crypto/merkle.h"

#include <sodium.h>

#include <stdexcept>

namespace gongyou::crypto {

namespace {
Hash prefixed(std::uint8_t prefix, ByteView a, ByteView b = {}) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, format::kHashSize);
  crypto_generichash_update(&st, &prefix, 1);
  crypto_generichash_update(&st, a.data(), a.size());
  if (!b.empty()) crypto_generichash_update(&st, b.data(), b.size());
  Hash h;
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}
}  // namespace

Hash merkleLeaf(ByteView item) { return prefixed(0x00, item); }

Hash merkleNode(const Hash& left, const Hash& right) {
  return prefixed(0x01, ByteView(left.data(), left.size()), ByteView(right.data(), right.size()));
}

MerkleTree::MerkleTree(std::vector<Hash> leaves) {
  if (leaves.empty()) throw std::invalid_argument("a Merkle tree needs at least one leaf");
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() > 1) {
    const auto& below = levels_.back();
    std::vector<Hash> up;
    up.reserve((below.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) up.push_back(merkleNode(below[i], below[i + 1]));
    if (below.size() % 2) up.push_back(below.back());
    levels_.push_back(std::move(up));
  }
}

std::vector<Hash> MerkleTree::path(std::uint32_t index) const {
  std::vector<Hash> out;
  std::size_t at = index;
  for (std::size_t l = 0; l + 1 < levels_.size(); ++l, at /= 2) {
    const std::size_t sibling = at ^ 1;
    if (sibling < levels_[l].size()) out.push_back(levels_[l][sibling]);
  }
  return out;
}

std::optional<Hash> merkleRootFromPath(const Hash& leaf, std::uint32_t index, std::uint32_t size,
                                       const std::vector<Hash>& path) {
  if (index >= size) return std::nullopt;
  std::uint32_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : path) {
    if (sn == 0) return std::nullopt;
    if ((fn & 1) || fn == sn) {
      r = merkleNode(p, r);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) fn >>= 1, sn >>= 1;
    } else {
      r = merkleNode(r, p);
    }
    fn >>= 1, sn >>= 1;
  }
  if (sn != 0) return std::nullopt;
  return r;
}

}  // namespace gongyou::crypto
