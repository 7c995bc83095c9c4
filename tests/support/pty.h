// A program on a pseudo-terminal, driven like a person at a keyboard: wait for a
// prompt to appear (a readiness signal, never a sleep), then type a line.
#pragma once

#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace gongyou::test {

class Pty {
 public:
  explicit Pty(std::vector<std::string> argv, std::vector<std::string> env = {}) {
    winsize size{24, 80, 0, 0};  // the smallest common terminal: 80 columns, 24 rows
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      for (auto& e : env) ::putenv(e.data());
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Pty() {
    if (pid_ > 0) ::kill(pid_, SIGKILL), ::waitpid(pid_, nullptr, 0);
    ::close(master_);
  }

  // Reads until `text` has appeared since the last expect(); false on EOF or timeout.
  bool expect(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto at = screen_.find(text, mark_);
      if (at != std::string::npos) {
        mark_ = at + text.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char b[4096];
      ssize_t n = ::read(master_, b, sizeof b);
      if (n <= 0) return false;
      screen_.append(b, static_cast<std::size_t>(n));
    }
  }
  void type(const std::string& line) {
    std::string l = line + "\r";
    REQUIRE(::write(master_, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
  }
  // Keys as they are, without Enter: "\x03" is Ctrl-C, "\x1b[D" the left arrow.
  void keys(const std::string& bytes) {
    REQUIRE(::write(master_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  // Reads the rest of the output (until the program closes the terminal), then
  // reaps it.
  int wait() {
    for (;;) {
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, 20000) <= 0) break;
      char b[4096];
      ssize_t n = ::read(master_, b, sizeof b);
      if (n <= 0) break;  // EIO once the program has exited
      screen_.append(b, static_cast<std::size_t>(n));
    }
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  const std::string& screen() const { return screen_; }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  std::string screen_;
  std::size_t mark_ = 0;
};

}  // namespace gongyou::test
