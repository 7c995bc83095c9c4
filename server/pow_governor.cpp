#include "server/pow_governor.h"

#include <algorithm>

#include "crypto/format.h"

namespace gongyou::server {

namespace {
constexpr auto kWindow = std::chrono::minutes(1);
}

void PowGovernor::roll(Clock::time_point now) {
  if (now - windowStart_ < kWindow) return;
  // One window later: the current count becomes the previous; two or more: both empty.
  previous_ = now - windowStart_ < 2 * kWindow ? current_ : 0;
  current_ = 0;
  windowStart_ = now - (now - windowStart_) % kWindow;
}

void PowGovernor::accepted(Clock::time_point now) {
  roll(now);
  ++current_;
}

double PowGovernor::rate(Clock::time_point now) {
  roll(now);
  const double into = std::chrono::duration<double>(now - windowStart_) / kWindow;
  return static_cast<double>(previous_) * (1.0 - into) + static_cast<double>(current_);
}

std::uint8_t PowGovernor::demand(std::uint8_t base, Clock::time_point now) {
  unsigned d = base;
  if (opts_.surgeRate != 0 && rate(now) >= opts_.surgeRate) d += opts_.surgeBits;
  return static_cast<std::uint8_t>(std::min<unsigned>(d, std::max<unsigned>(base, format::kPowMaxDifficulty)));
}

}  // namespace gongyou::server
