// The relay's reading of message framing (server/receive_budget.h) on bytes an
// attacker chooses: Cap'n Proto stream framing, or an HTTP upgrade then
// WebSocket frames. The first byte picks the framing and how the rest is cut
// into reads. Whatever the bytes, every call consumes something, and the
// events (sizes declared, messages completed) are the same however the bytes
// arrive: the budget cannot be talked out of a charge by splitting a header.
#include <vector>

#include "server/receive_budget.h"

using namespace gongyou;
using server::FrameMeter;

namespace {
struct Event {
  std::size_t declared;
  bool completed;
  bool operator==(const Event& o) const { return declared == o.declared && completed == o.completed; }
};

std::vector<Event> run(FrameMeter::Framing f, const std::uint8_t* p, std::size_t n, std::size_t cut) {
  FrameMeter meter(f);
  std::vector<Event> events;
  for (std::size_t at = 0; at < n;) {
    const std::size_t chunk = std::min(cut, n - at);
    for (std::size_t used = 0; used < chunk;) {
      FrameMeter::Step step;
      const std::size_t k = meter.feed(p + at + used, chunk - used, step);
      if (k == 0 || k > chunk - used) __builtin_trap();  // no progress, or past the bytes
      used += k;
      if (step.declared || step.completed) events.push_back({step.declared, step.completed});
    }
    at += chunk;
  }
  return events;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto framing = (data[0] & 1) ? FrameMeter::Framing::WebSocket : FrameMeter::Framing::Capnp;
  const std::size_t cut = 1 + (data[0] >> 1);
  const auto whole = run(framing, data + 1, size - 1, size);
  if (run(framing, data + 1, size - 1, 1) != whole || run(framing, data + 1, size - 1, cut) != whole)
    __builtin_trap();
  return 0;
}
