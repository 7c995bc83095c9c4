// Raises the proof of work the relay demands while it is flooded.
//
// The load signal is the rate of *accepted* submissions (each one carried a valid
// stamp): refused junk costs an attacker nothing, so counting it would let anyone
// raise every honest worker's cost for free. Past `surgeRate` accepted per minute
// (a sliding window: the previous minute weighted by how much of it is still
// inside the window), new challenges ask for `surgeBits` more bits, up to the
// cap clients accept (format::kPowMaxDifficulty): each bit doubles the work of a
// flooder and of a worker alike, so the surge is short and small by default.
//
// Not thread-safe: used on the RPC thread only.
#pragma once

#include <chrono>
#include <cstdint>

namespace gongyou::server {

struct PowSurgeOptions {
  std::uint32_t surgeRate = 120;  // accepted submissions per minute; 0: never surge
  std::uint8_t surgeBits = 2;
};

class PowGovernor {
 public:
  using Clock = std::chrono::steady_clock;
  using Options = PowSurgeOptions;
  explicit PowGovernor(Options o = {}) : opts_(o) {}

  void accepted(Clock::time_point now);
  // The difficulty to write into a new challenge for a centre whose bundle asks `base`.
  std::uint8_t demand(std::uint8_t base, Clock::time_point now);
  // The estimated accepted submissions per minute now.
  double rate(Clock::time_point now);

 private:
  void roll(Clock::time_point now);
  Options opts_;
  Clock::time_point windowStart_{};
  std::uint64_t current_ = 0, previous_ = 0;
};

}  // namespace gongyou::server
