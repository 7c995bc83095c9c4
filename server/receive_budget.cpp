#include "server/receive_budget.h"

#include <algorithm>

namespace gongyou::server {

kj::Promise<void> ReceiveBudget::charge(std::size_t n) {
  n = std::min(n, capacity_);
  // Whatever fits is granted at once, ahead of larger messages waiting: a
  // flood of declared-and-silent messages cannot hold up a worker's small one.
  if (capacity_ - used_ >= n) {
    used_ += n;
    return kj::READY_NOW;
  }
  auto paf = kj::newPromiseAndFulfiller<void>();
  waiters_.push_back({n, kj::mv(paf.fulfiller)});
  return kj::mv(paf.promise);
}

void ReceiveBudget::release(std::size_t n) {
  used_ -= std::min(std::min(n, capacity_), used_);
  wake();
}

void ReceiveBudget::wake() {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (!it->fulfiller->isWaiting()) {  // its connection is gone
      it = waiters_.erase(it);
    } else if (capacity_ - used_ >= it->n) {
      used_ += it->n;
      it->fulfiller->fulfill();
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

namespace {
std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
// Cap'n Proto refuses more segments than this; the meter does not wait on them.
constexpr std::uint32_t kMaxSegments = 512;
}  // namespace

std::size_t FrameMeter::feed(const std::uint8_t* p, std::size_t n, Step& step) {
  step = {};
  std::size_t used = 0;
  while (used < n) {
    switch (state_) {
      case State::CapnpTable: {
        // The table, four bytes at a time: count-1, then each segment's words,
        // padded to a whole word.
        const std::size_t take = std::min(n - used, 4 - tableHave_ % 4);
        std::copy(p + used, p + used + take, table_ + tableHave_ % 4);
        tableHave_ += take, used += take;
        if (tableHave_ % 4) break;
        const std::uint32_t v = le32(table_);
        const std::size_t index = tableHave_ / 4 - 1;
        if (index == 0) {
          segments_ = v + 1;
          if (v >= kMaxSegments) segments_ = 0;  // the reader refuses it; pass it on unmetered
          tableNeed_ = segments_ ? (4 * (segments_ + 1) + 7) / 8 * 8 : 8;
        } else if (index <= segments_) {
          words_ += v;
        }
        if (tableHave_ < tableNeed_) break;
        const std::uint64_t bytes = segments_ ? words_ * 8 : 0;
        tableHave_ = 0, words_ = 0;
        if (bytes == 0) break;  // nothing to wait for: the next message's table follows
        state_ = State::CapnpBody;
        bodyLeft_ = bytes;
        step.declared = static_cast<std::size_t>(std::min<std::uint64_t>(bytes, SIZE_MAX));
        return used;
      }
      case State::CapnpBody:
      case State::WsPayload: {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n - used, bodyLeft_));
        bodyLeft_ -= take, used += take;
        if (bodyLeft_ > 0) break;
        const bool ws = state_ == State::WsPayload;
        state_ = ws ? State::WsHeader : State::CapnpTable;
        if (ws && wsControl_) {
          wsControl_ = false;
          break;
        }
        if (!ws || wsFin_) step.completed = true;
        return used;
      }
      case State::HttpHead: {
        // The upgrade request ends with an empty line; kj bounds its size.
        static const char kEnd[] = "\r\n\r\n";
        const char c = static_cast<char>(p[used++]);
        httpMatch_ = c == kEnd[httpMatch_] ? httpMatch_ + 1 : (c == '\r' ? 1 : 0);
        if (httpMatch_ == 4) state_ = State::WsHeader;
        break;
      }
      case State::WsHeader: {
        ws_[wsHave_++] = p[used++];
        if (wsHave_ < 2) break;
        const unsigned len7 = ws_[1] & 0x7f;
        const std::size_t need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((ws_[1] & 0x80) ? 4 : 0);
        if (wsHave_ < need) break;
        std::uint64_t len = len7;
        if (len7 == 126) len = std::uint64_t{ws_[2]} << 8 | ws_[3];
        if (len7 == 127) {
          len = 0;
          for (int i = 2; i < 10; ++i) len = len << 8 | ws_[i];
        }
        const unsigned opcode = ws_[0] & 0x0f;
        const bool control = opcode & 0x8;  // ping, pong, close: may come between fragments
        wsHave_ = 0;
        if (!control) wsFin_ = ws_[0] & 0x80;
        if (len == 0) {
          if (!control && wsFin_) {
            step.completed = true;
            return used;
          }
          break;
        }
        state_ = State::WsPayload;
        bodyLeft_ = len;
        // A control frame has at most 125 bytes and never ends a data message:
        // not charged. One declaring more breaks the protocol (kj refuses it),
        // and is charged like data until then.
        wsControl_ = control && len <= 125;
        if (wsControl_) break;
        if (control) wsFin_ = true;
        step.declared = static_cast<std::size_t>(std::min<std::uint64_t>(len, SIZE_MAX));
        return used;
      }
    }
  }
  return used;
}

}  // namespace gongyou::server
