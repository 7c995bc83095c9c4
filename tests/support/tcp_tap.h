// A TCP forwarder that records every byte both ways: stands in for an on-path
// observer (an ISP, a Tor exit) in front of a relay. Listens on 127.0.0.1 on a
// free port and forwards each connection to `target` — or, as a SOCKS5 proxy
// that asks for username/password as Tor does when offered it, to where each
// client asks, recording the credentials each connection came with (what Tor
// isolates circuits by).
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "protocol/connection.h"

namespace gongyou::test {

class TcpTap {
 public:
  // An empty target: a SOCKS5 proxy.
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
    std::string up, down;  // client → server, server → client (after SOCKS5)
    std::string socksUser, socksTarget;  // as a SOCKS5 proxy
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
      std::size_t index;
      {
        std::lock_guard<std::mutex> l(m_);
        index = streams_.size();
        streams_.emplace_back();
      }
      pumps_.emplace_back([this, c, index] {
        timeval tv{10, 0};  // a client that stalls mid-handshake cannot hold the tap's destructor
        ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string target = target_;
        if (target.empty() && !socksHandshake(c, index, target)) {
          ::close(c);
          return;
        }
        int s = -1;
        try {
          s = protocol::connectTcp(target, std::chrono::seconds(5));
        } catch (const std::exception&) {
          ::close(c);
          return;
        }
        if (target_.empty()) {
          const std::uint8_t ok[] = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
          if (::write(c, ok, sizeof ok) != sizeof ok) {
            ::close(c), ::close(s);
            return;
          }
        }
        pump(c, s, index);
      });
    }
  }

  static bool readAll(int fd, void* p, std::size_t n) {
    auto* b = static_cast<std::uint8_t*>(p);
    for (std::size_t got = 0; got < n;) {
      ssize_t r = ::read(fd, b + got, n - got);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }
  // RFC 1928 with RFC 1929 username/password when offered; CONNECT by name.
  bool socksHandshake(int c, std::size_t index, std::string& target) {
    std::uint8_t head[2];
    if (!readAll(c, head, 2) || head[0] != 5) return false;
    std::vector<std::uint8_t> methods(head[1]);
    if (!readAll(c, methods.data(), methods.size())) return false;
    const bool userPass = std::find(methods.begin(), methods.end(), 2) != methods.end();
    const std::uint8_t choice[] = {5, static_cast<std::uint8_t>(userPass ? 2 : 0)};
    if (::write(c, choice, 2) != 2) return false;
    std::string user;
    if (userPass) {
      std::uint8_t v[2];
      if (!readAll(c, v, 2)) return false;
      user.resize(v[1]);
      std::uint8_t plen;
      if (!readAll(c, user.data(), user.size()) || !readAll(c, &plen, 1)) return false;
      std::string pass(plen, '\0');
      if (!readAll(c, pass.data(), pass.size())) return false;
      const std::uint8_t ok[] = {1, 0};
      if (::write(c, ok, 2) != 2) return false;
    }
    std::uint8_t req[5];
    if (!readAll(c, req, 5) || req[1] != 1 || req[3] != 3) return false;
    std::string host(req[4], '\0');
    std::uint8_t port[2];
    if (!readAll(c, host.data(), host.size()) || !readAll(c, port, 2)) return false;
    target = host + ":" + std::to_string(port[0] << 8 | port[1]);
    std::lock_guard<std::mutex> l(m_);
    streams_[index].socksUser = user;
    streams_[index].socksTarget = target;
    return true;
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
