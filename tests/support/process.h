// A child process for integration tests and benchmarks: the real program, its
// stdout read line by line (readiness is a line the program prints, never a
// sleep), killed and reaped on scope exit. No Catch2 here, so that bench/ uses
// it too: a failure to start throws std::runtime_error (a test fails on it).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gongyou::test {

class Process {
 public:
  // Starts `argv[0]` with stdout piped to us and stderr to `stderrPath` (or
  // inherited when empty, or into the same pipe as stdout when "-").
  explicit Process(std::vector<std::string> argv, const std::string& stderrPath = {}) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ < 0) {
      ::close(fds[0]), ::close(fds[1]);
      throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
      // If the test process dies (a crash, a failed REQUIRE in a destructor), the
      // child goes with it instead of lingering on a port.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(fds[1], 1);
      if (stderrPath == "-") {
        ::dup2(fds[1], 2);
      } else if (!stderrPath.empty()) {
        int e = ::open(stderrPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (e >= 0) ::dup2(e, 2);
      }
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The next stdout line, or nullopt at EOF or when `timeout` passes.
  std::optional<std::string> readLine(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        all_ += line + "\n";
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char b[4096];
      ssize_t n = ::read(out_, b, sizeof b);
      if (n <= 0) return std::nullopt;
      buf_.append(b, static_cast<std::size_t>(n));
    }
  }

  // Reads lines until one starts with `prefix`; returns it (nullopt on EOF/timeout).
  std::optional<std::string> waitFor(const std::string& prefix) {
    while (auto l = readLine())
      if (l->rfind(prefix, 0) == 0) return l;
    return std::nullopt;
  }

  // Everything read so far, plus whatever is left until EOF (after the process
  // exits). No timeout of its own: giving up while the child still writes would
  // leave it blocked on a full pipe while we wait for it to exit (a slow
  // sanitizer run did just that); a hung child is the test's timeout to catch.
  std::string drain() {
    while (readLine(std::chrono::hours(24))) {
    }
    return all_ + buf_;
  }

  void signal(int sig) { ::kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // Exit status (WEXITSTATUS) or 128+signal.
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buf_, all_;
};

// Runs a program to completion; returns {exit status, stdout}.
inline std::pair<int, std::string> run(std::vector<std::string> argv, const std::string& stderrPath = {}) {
  Process p(std::move(argv), stderrPath);
  std::string out = p.drain();
  return {p.wait(), out};
}

}  // namespace gongyou::test
