// A program a benchmark starts and talks to: its standard output on a pipe,
// killed (and reaped) when the handle goes. Benchmarks only: no Catch2 here.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace gongyou::bench {

struct Child {
  pid_t pid = -1;
  int out = -1;
  ~Child() {
    if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
    if (out >= 0) ::close(out);
  }
  std::string readLine() {
    std::string line;
    char c;
    while (::read(out, &c, 1) == 1 && c != '\n') line += c;
    return line;
  }
};

// `quiet`: the child's standard error goes nowhere.
inline std::unique_ptr<Child> spawn(std::vector<std::string> argv, bool quiet = false) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  auto c = std::make_unique<Child>();
  c->pid = ::fork();
  if (c->pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    if (quiet) {
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  c->out = fds[0];
  return c;
}

}  // namespace gongyou::bench
