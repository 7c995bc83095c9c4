// Time at day granularity: the only time gongyou stores or sends. A time of day
// would let whoever seizes a relay match a report to a connection log elsewhere.
#pragma once

#include <cstdint>
#include <ctime>

namespace gongyou::protocol {

// Days since 1970-01-01, UTC.
inline std::uint32_t today() { return static_cast<std::uint32_t>(std::time(nullptr) / 86400); }

}  // namespace gongyou::protocol
