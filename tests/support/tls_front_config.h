// What a TLS front for a relay is made of, as plain data (no test framework):
// the openssl commands for a test CA and a server certificate, and the nginx
// configuration docs/relay.md gives, in the foreground, one process. Shared by
// the wss:// integration test (support/tls_front.h) and bench_relay.
#pragma once

#include <string>
#include <vector>

namespace gongyou::test {

struct TestCaFiles {
  std::string ca, cert, key;  // ca.pem for clients' --ca-file; server.pem, server.key for nginx
};

// Argument vectors to run in order; they write `files` and scratch in `dir`.
inline std::vector<std::vector<std::string>> testCaCommands(const std::string& dir, const std::string& host,
                                                            TestCaFiles& files) {
  files = {dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
  const std::string openssl = "/usr/bin/openssl";
  return {
      {openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
       dir + "/ca.key", "-out", files.ca, "-days", "2", "-subj", "/CN=Test Root CA"},
      {openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", files.key, "-out",
       dir + "/server.csr", "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host},
      {openssl, "x509", "-req", "-in", dir + "/server.csr", "-CA", files.ca, "-CAkey", dir + "/ca.key",
       "-CAcreateserial", "-out", files.cert, "-days", "2", "-copy_extensions", "copy"},
  };
}

// nginx.conf for HTTPS on 127.0.0.1:`port` with `path` passed to the relay's
// WebSocket listener at `upstream` (HOST:PORT); everything under `prefix`.
inline std::string nginxConfig(const std::string& prefix, unsigned short port, const TestCaFiles& f,
                               const std::string& upstream, const std::string& path) {
  return "daemon off;\nmaster_process off;\npid " + prefix + "/nginx.pid;\nerror_log " + prefix +
         "/error.log warn;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n"
         "  client_body_temp_path " + prefix + "/body;\n  proxy_temp_path " + prefix + "/proxy;\n"
         "  fastcgi_temp_path " + prefix + "/fastcgi;\n  uwsgi_temp_path " + prefix + "/uwsgi;\n"
         "  scgi_temp_path " + prefix + "/scgi;\n"
         "  server {\n    listen 127.0.0.1:" + std::to_string(port) + " ssl;\n    server_name localhost;\n"
         "    ssl_certificate " + f.cert + ";\n    ssl_certificate_key " + f.key + ";\n"
         "    ssl_protocols TLSv1.2 TLSv1.3;\n"
         "    location = " + path + " {\n      proxy_pass http://" + upstream + ";\n"
         "      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n"
         "      proxy_set_header Connection \"upgrade\";\n      proxy_read_timeout 300s;\n"
         "    }\n    location / { return 404; }\n  }\n}\n";
}

inline std::vector<std::string> nginxCommand(const std::string& prefix) {
  return {"/usr/sbin/nginx", "-p", prefix, "-e", prefix + "/error.log", "-c", prefix + "/nginx.conf"};
}

}  // namespace gongyou::test
