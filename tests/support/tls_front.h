// A real TLS front, as a relay is deployed on the open internet: Debian's nginx
// terminating HTTPS on 127.0.0.1 and passing one path's WebSocket to the relay
// (the configuration docs/relay.md gives), with a certificate from a test CA
// made here with the openssl tool.
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "protocol/connection.h"
#include "storage/file.h"
#include "support/process.h"
#include "support/tls_front_config.h"
#include "support/tempdir.h"

namespace gongyou::test {

// ca.pem (what clients trust with --ca-file), and server.pem / server.key for
// `host`, signed by it; in `dir`.
using TestCa = TestCaFiles;
inline TestCa makeTestCa(const std::string& dir, const std::string& host = "localhost") {
  TestCa c;
  for (auto& argv : testCaCommands(dir, host, c)) REQUIRE(run(argv, "/dev/null").first == 0);
  return c;
}

// nginx in the foreground, one process, on 127.0.0.1:port(): HTTPS, with
// `path` proxied to the relay's WebSocket listener at `upstream` (HOST:PORT).
class TlsFront {
 public:
  TlsFront(const TempDir& tmp, const TestCa& ca, const std::string& upstream, const std::string& path,
           unsigned short port)
      : port_(port) {
    const std::string prefix = tmp / "nginx";
    storage::makeDirs(prefix);
    std::ofstream(prefix + "/nginx.conf") << nginxConfig(prefix, port, ca, upstream, path);
    proc_ = std::make_unique<Process>(nginxCommand(prefix), prefix + "/stderr");
    // Ready when it accepts a connection (nginx prints nothing when it is).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      try {
        ::close(protocol::connectTcp("127.0.0.1:" + std::to_string(port), std::chrono::seconds(1)));
        break;
      } catch (const std::exception&) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  unsigned short port() const { return port_; }

 private:
  unsigned short port_;
  std::unique_ptr<Process> proc_;
};

}  // namespace gongyou::test
