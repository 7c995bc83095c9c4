// A Merkle tree over a batch of items (RFC 9162 §2.1, with BLAKE2b-256): one
// signature on the root stands for every item, and each item's audit path
// proves it is under that root.
//
//   leaf hash  = BLAKE2b-256(0x00 || item)
//   node hash  = BLAKE2b-256(0x01 || left || right)
//   root of n  = the tree that splits at the largest power of two below n
//
// Why: the relay answers a whole group commit with one Ed25519 signature over
// the batch's root instead of one per envelope (34 µs each on the relay's RPC
// thread); a reporter still checks one signature, plus log2(batch) hashes.
// The 0x00/0x01 prefixes keep a leaf from passing for an inner node (the
// second-preimage attack on plain Merkle trees).
//
// Failure modes: rootFromPath returns nullopt for a path that does not fit
// (index, size); it never throws. MerkleTree throws std::invalid_argument when
// built from no leaves.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/primitives.h"

namespace gongyou::crypto {

Hash merkleLeaf(ByteView item);
Hash merkleNode(const Hash& left, const Hash& right);

class MerkleTree {
 public:
  explicit MerkleTree(std::vector<Hash> leaves);
  std::uint32_t size() const { return static_cast<std::uint32_t>(levels_.front().size()); }
  const Hash& root() const { return levels_.back().front(); }
  // The sibling hashes from leaf `index` up to the root (RFC 9162 inclusion proof).
  std::vector<Hash> path(std::uint32_t index) const;

 private:
  // levels_[0] the leaves; each level pairs neighbours, a last one without a
  // partner rises unchanged (which builds exactly RFC 9162's tree).
  std::vector<std::vector<Hash>> levels_;
};

// The root that `path` leads to from `leaf` at `index` of `size` leaves
// (RFC 9162 §2.1.3.2), or nullopt when the path is too short or too long.
std::optional<Hash> merkleRootFromPath(const Hash& leaf, std::uint32_t index, std::uint32_t size,
                                       const std::vector<Hash>& path);

}  // namespace gongyou::crypto
