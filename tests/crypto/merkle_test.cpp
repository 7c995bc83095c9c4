#include "crypto/merkle.h"

#include <catch2/catch.hpp>

#include <string>

using namespace gongyou;
using crypto::Hash;

namespace {

// RFC 9162 §2.1.1 written as the RFC states it (recursive split at the largest
// power of two below n), to check the level-by-level tree against.
Hash referenceRoot(const std::vector<Hash>& leaves, std::size_t from, std::size_t n) {
  if (n == 1) return leaves[from];
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return crypto::merkleNode(referenceRoot(leaves, from, k), referenceRoot(leaves, from + k, n - k));
}

std::vector<Hash> leavesOf(std::size_t n) {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string item = "item " + std::to_string(i);
    out.push_back(crypto::merkleLeaf(ByteView(item)));
  }
  return out;
}

}  // namespace

TEST_CASE("merkle: the tree is RFC 9162's and every path leads to its root") {
  for (std::size_t n = 1; n <= 70; ++n) {
    auto leaves = leavesOf(n);
    crypto::MerkleTree tree(leaves);
    REQUIRE(tree.size() == n);
    REQUIRE(tree.root() == referenceRoot(leaves, 0, n));
    for (std::uint32_t i = 0; i < n; ++i) {
      auto path = tree.path(i);
      CHECK(path.size() <= 7);
      auto root = crypto::merkleRootFromPath(leaves[i], i, static_cast<std::uint32_t>(n), path);
      REQUIRE(root);
      CHECK(*root == tree.root());
    }
  }
}

TEST_CASE("merkle: a path for another leaf, index or size leads elsewhere") {
  auto leaves = leavesOf(13);
  crypto::MerkleTree tree(leaves);
  auto path = tree.path(5);
  // Another leaf, another position: not this root.
  CHECK(crypto::merkleRootFromPath(leaves[6], 5, 13, path) != tree.root());
  CHECK(crypto::merkleRootFromPath(leaves[5], 4, 13, path) != tree.root());
  // A size whose tree has another shape does not fit the path; one of the same
  // shape (14: the same left half of 8, one more on the right) leads to the same
  // root, which is why whoever signs a root signs its size with it.
  CHECK_FALSE(crypto::merkleRootFromPath(leaves[5], 5, 6, path));
  CHECK(crypto::merkleRootFromPath(leaves[5], 5, 14, path) == tree.root());
  // A changed sibling, a path one hash short or one too long, an index past the end.
  auto tampered = path;
  tampered[1][0] ^= 1;
  CHECK(crypto::merkleRootFromPath(leaves[5], 5, 13, tampered) != tree.root());
  auto shorter = path;
  shorter.pop_back();
  CHECK_FALSE(crypto::merkleRootFromPath(leaves[5], 5, 13, shorter));
  auto longer = path;
  longer.push_back(path[0]);
  CHECK_FALSE(crypto::merkleRootFromPath(leaves[5], 5, 13, longer));
  CHECK_FALSE(crypto::merkleRootFromPath(leaves[5], 13, 13, path));
  // A leaf hash is never an inner node's: the prefixes differ.
  const Hash inner = crypto::merkleNode(leaves[0], leaves[1]);
  Bytes both(leaves[0].begin(), leaves[0].end());
  both.insert(both.end(), leaves[1].begin(), leaves[1].end());
  CHECK(crypto::merkleLeaf(both) != inner);
  // One leaf: its own root, with an empty path.
  crypto::MerkleTree one({leaves[0]});
  CHECK(one.root() == leaves[0]);
  CHECK(one.path(0).empty());
  CHECK(crypto::merkleRootFromPath(leaves[0], 0, 1, {}) == leaves[0]);
  CHECK_THROWS_AS(crypto::MerkleTree({}), std::invalid_argument);
}
