// A TCP forwarder that records every byte both ways: stands in for an on-path
// observer (an ISP, a Tor exit) in front of a relay. Listens on 127.0.0.1 on a
// free port and forwards each connection to `target`.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "protocol/connection.h"

namespace gongyou::test {

class TcpTap {
 public:
  explicit TcpTap(std::string target) : target_(std::move(target)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_, 64) != 0)
      throw std::runtime_error("tap: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~TcpTap() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    for (auto& t : pumps_) t.join();
    ::close(listener_);
  }
  unsigned short port() const { return port_; }

  // Everything that crossed, per connection, each direction apart.
  struct Stream {
    std::string up, down;  // client → server, server → client
  };
  std::vector<Stream> streams() {
    std::lock_guard<std::mutex> l(m_);
    return streams_;
  }

 private:
  void acceptLoop() {
    for (;;) {
      int c = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      if (stop_) {
        ::close(c);
        return;
      }
      int s = -1;
      try {
        s = protocol::connectTcp(target_, std::chrono::seconds(5));
      } catch (const std::exception&) {
        ::close(c);
        continue;
      }
      std::size_t index;
      {
        std::lock_guard<std::mutex> l(m_);
        index = streams_.size();
        streams_.emplace_back();
      }
      pumps_.emplace_back([this, c, s, index] { pump(c, s, index); });
    }
  }
  // Both directions on one thread, until either side closes.
  void pump(int c, int s, std::size_t index) {
    pollfd p[2] = {{c, POLLIN, 0}, {s, POLLIN, 0}};
    char buf[65536];
    for (bool open = true; open && !stop_;) {
      if (::poll(p, 2, 200) <= 0) continue;
      for (int i = 0; i < 2 && open; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(p[i].fd, buf, sizeof buf);
        if (n <= 0) {
          open = false;
          break;
        }
        {
          std::lock_guard<std::mutex> l(m_);
          (i == 0 ? streams_[index].up : streams_[index].down).append(buf, static_cast<std::size_t>(n));
        }
        for (ssize_t off = 0; off < n;) {
          ssize_t w = ::write(p[1 - i].fd, buf + off, static_cast<std::size_t>(n - off));
          if (w <= 0) {
            open = false;
            break;
          }
          off += w;
        }
      }
    }
    ::close(c);
    ::close(s);
  }

  std::string target_;
  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // touched by the acceptor thread only until it is joined
  std::mutex m_;
  std::vector<Stream> streams_;
};

}  // namespace gongyou::test
