// One budget for messages the relay has begun to receive and not finished.
//
// Why: Cap'n Proto allocates a whole message as soon as its segment table
// arrives, and kj's WebSocket a whole frame as soon as its header does, both
// before any proof of work can be checked (the stamp travels inside). Sixty
// connections each declaring a maximal message and then sending nothing pinned
// 188 MB. So the relay reads the framing itself as the bytes pass (FrameMeter)
// and charges each message's declared size to one budget shared by all
// connections *before* handing the header on; when the budget is spent, the
// next message waits for room. A message must then keep arriving at a minimum
// rate (after a short grace) or its connection is dropped: an honest slow link
// (Tor's Snowflake, ~9 KB/s) passes, a sender that declares and dawdles does not.
//
// Threads: the RPC (KJ event loop) thread only.
#pragma once

#include <kj/async.h>
#include <kj/time.h>

#include <cstddef>
#include <cstdint>
#include <deque>

namespace gongyou::server {

inline constexpr std::size_t kDefaultReceiveBudgetBytes = 64ull << 20;
// A partly received message must average this many bytes a second after the grace.
inline constexpr std::size_t kReceiveMinBytesPerSecond = 4 * 1024;
inline constexpr unsigned kReceiveGraceSeconds = 10;

class ReceiveBudget {
 public:
  explicit ReceiveBudget(std::size_t capacity) : capacity_(capacity) {}
  // Resolves once `n` bytes are charged: at once if they fit, else when room is
  // made (the oldest waiter that fits first); a message larger than the whole
  // budget is charged the whole budget.
  kj::Promise<void> charge(std::size_t n);
  void release(std::size_t n);
  std::size_t used() const { return used_; }

 private:
  struct Waiter {
    std::size_t n;
    kj::Own<kj::PromiseFulfiller<void>> fulfiller;
  };
  void wake();
  std::size_t capacity_, used_ = 0;
  std::deque<Waiter> waiters_;
};

// The framing of one connection's incoming bytes, fed as they are read: Cap'n
// Proto's stream framing (segment count, sizes, segments), or HTTP headers then
// WebSocket frames. Tells when a message's declared size becomes known and
// when the message is complete.
class FrameMeter {
 public:
  enum class Framing { Capnp, WebSocket };
  explicit FrameMeter(Framing f) : state_(f == Framing::Capnp ? State::CapnpTable : State::HttpHead) {}

  struct Step {
    std::size_t declared = 0;  // a message whose body is still to come declared this many bytes
    bool completed = false;    // the message charged earlier is complete
  };
  // Consumes bytes up to the next event (or all of them); returns how many it
  // consumed and what happened. Call again with the rest.
  std::size_t feed(const std::uint8_t* p, std::size_t n, Step& step);

 private:
  enum class State { CapnpTable, CapnpBody, HttpHead, WsHeader, WsPayload };
  State state_;
  // Cap'n Proto: the table read so far.
  std::uint8_t table_[8] = {};
  std::size_t tableHave_ = 0, tableNeed_ = 8;
  std::uint32_t segments_ = 0;
  std::uint64_t words_ = 0;
  // WebSocket: the frame header read so far.
  std::uint8_t ws_[14] = {};
  std::size_t wsHave_ = 0;
  bool wsFin_ = false;      // the data frame being read (or last read) ends its message
  bool wsControl_ = false;  // the frame being read is a control frame
  std::uint32_t httpMatch_ = 0;  // how much of "\r\n\r\n" was just seen
  std::uint64_t bodyLeft_ = 0;
};

}  // namespace gongyou::server
