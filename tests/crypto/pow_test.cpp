#include <catch2/catch.hpp>

#include "crypto/format.h"
#include "crypto/pow.h"

using namespace gongyou;

TEST_CASE("pow: leading zero bits") {
  crypto::Hash h{};
  CHECK(crypto::leadingZeroBits(h) == 256);
  h[0] = 0x80;
  CHECK(crypto::leadingZeroBits(h) == 0);
  h[0] = 0x01;
  CHECK(crypto::leadingZeroBits(h) == 7);
  h[0] = 0, h[1] = 0x10;
  CHECK(crypto::leadingZeroBits(h) == 11);
}

TEST_CASE("pow: a solved stamp verifies and binds challenge and centre and envelope") {
  Bytes challenge(36, 0x42);
  crypto::PowInput in{challenge, "centre-a", crypto::blake2b("envelope")};
  auto nonce = crypto::powSolve(in, 12);
  REQUIRE(nonce);
  CHECK(crypto::powCheck(in, *nonce, 12));
  CHECK(crypto::leadingZeroBits(crypto::powHash(in, *nonce)) >= 12);

  auto otherCentre = in;
  otherCentre.centre = "centre-b";
  auto otherEnvelope = in;
  otherEnvelope.envelopeHash = crypto::blake2b("envelopf");
  Bytes ch2 = challenge;
  ch2[0] ^= 1;
  auto otherChallenge = in;
  otherChallenge.challenge = ch2;
  // Moving the stamp to another centre, envelope or challenge changes the hash.
  const auto h = crypto::powHash(in, *nonce);
  CHECK(crypto::powHash(otherCentre, *nonce) != h);
  CHECK(crypto::powHash(otherEnvelope, *nonce) != h);
  CHECK(crypto::powHash(otherChallenge, *nonce) != h);
  CHECK(crypto::powHash(in, *nonce + 1) != h);
  // Centre and challenge are length-framed: bytes cannot move between them.
  Bytes shifted(challenge);
  shifted.push_back('c');
  crypto::PowInput moved{shifted, "entre-a", in.envelopeHash};
  CHECK(crypto::powHash(moved, *nonce) != h);
  CHECK_FALSE(crypto::powSolve(in, format::kPowMaxDifficulty + 1));
}

TEST_CASE("pow: a caller adding its own bits raises the cap by exactly those") {
  Bytes challenge(36, 3);
  crypto::PowInput in{challenge, "centre-a", crypto::blake2b("an upload")};
  CHECK_FALSE(crypto::powSolve(in, format::kPowMaxDifficulty + 1));
  CHECK_FALSE(crypto::powSolve(in, format::kPowMaxDifficulty + 5, format::kPowMaxDifficulty + 4));
  auto nonce = crypto::powSolve(in, 6, format::kPowMaxDifficulty + 4);
  REQUIRE(nonce);
  CHECK(crypto::powCheck(in, *nonce, 6));
}
