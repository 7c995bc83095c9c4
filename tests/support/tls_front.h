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
#include "support/process.h"
#include "support/tempdir.h"

namespace gongyou::test {

// ca.pem (what clients trust with --ca-file), and server.pem / server.key for
// `host`, signed by it; in `dir`.
struct TestCa {
  std::string ca, cert, key;
};
inline TestCa makeTestCa(const std::string& dir, const std::string& host = "localhost") {
  TestCa c{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
  const std::string openssl = "/usr/bin/openssl";
  auto ok = [](std::pair<int, std::string> r) { REQUIRE(r.first == 0); };
  ok(run({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
          dir + "/ca.key", "-out", c.ca, "-days", "2", "-subj", "/CN=Test Root CA"}, "/dev/null"));
  ok(run({openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", c.key, "-out",
          dir + "/server.csr", "-subj", "/CN=" + host}, "/dev/null"));
  std::ofstream(dir + "/san.ext") << "subjectAltName=DNS:" << host << "\n";
  ok(run({openssl, "x509", "-req", "-in", dir + "/server.csr", "-CA", c.ca, "-CAkey", dir + "/ca.key",
          "-CAcreateserial", "-out", c.cert, "-days", "2", "-extfile", dir + "/san.ext"}, "/dev/null"));
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
    const std::string conf = prefix + "/nginx.conf";
    std::ofstream(conf) << "daemon off;\nmaster_process off;\npid " << prefix << "/nginx.pid;\nerror_log " << prefix
                        << "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n"
                        << "  client_body_temp_path " << prefix << "/body;\n  proxy_temp_path " << prefix << "/proxy;\n"
                        << "  fastcgi_temp_path " << prefix << "/fastcgi;\n  uwsgi_temp_path " << prefix << "/uwsgi;\n"
                        << "  scgi_temp_path " << prefix << "/scgi;\n"
                        << "  server {\n    listen 127.0.0.1:" << port << " ssl;\n    server_name localhost;\n"
                        << "    ssl_certificate " << ca.cert << ";\n    ssl_certificate_key " << ca.key << ";\n"
                        << "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                        << "    location = " << path << " {\n      proxy_pass http://" << upstream << ";\n"
                        << "      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n"
                        << "      proxy_set_header Connection \"upgrade\";\n      proxy_read_timeout 300s;\n"
                        << "    }\n    location / { return 404; }\n  }\n}\n";
    proc_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/nginx", "-p", prefix, "-e", prefix + "/error.log", "-c", conf},
        prefix + "/stderr");
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
