#include "protocol/connection.h"

#include <capnp/compat/websocket-rpc.h>
#include <capnp/rpc.h>
#include <kj/compat/http.h>
#include <kj/compat/tls.h>
#include <sodium.h>

#include <boost/asio.hpp>

#include <fcntl.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <vector>

#include "protocol/limits.h"
#include "protocol/relay_endpoint.h"

namespace gongyou::protocol {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HostPort parseHostPort(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw std::runtime_error("address must be HOST:PORT: " + text);
  HostPort hp{text.substr(0, colon), 0};
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') hp.host = hp.host.substr(1, hp.host.size() - 2);
  unsigned long port = 0;
  std::size_t used = 0;
  try {
    port = std::stoul(text.substr(colon + 1), &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() - colon - 1 || port > 65535) throw std::runtime_error("port must be 0..65535: " + text);
  hp.port = static_cast<unsigned short>(port);
  return hp;
}

namespace {

// TCP connect with a deadline; the socket is left in blocking mode.
void connectWithin(tcp::socket& sock, asio::io_context& io, const std::string& host, const std::string& port,
                   std::chrono::milliseconds timeout) {
  boost::system::error_code result = asio::error::timed_out;
  tcp::resolver resolver(io);
  resolver.async_resolve(host, port, [&](boost::system::error_code ec, tcp::resolver::results_type r) {
    if (ec) {
      result = ec;
      return;
    }
    asio::async_connect(sock, r, [&](boost::system::error_code ec2, const tcp::endpoint&) { result = ec2; });
  });
  io.run_for(timeout);
  if (result) throw std::runtime_error(result.message());
  sock.non_blocking(false);
  sock.set_option(tcp::no_delay(true));
}

const char* socksReply(std::uint8_t rep) {
  static const char* const kReplies[] = {"succeeded", "general failure", "not allowed by the proxy's rules",
                                         "network unreachable", "host unreachable", "connection refused",
                                         "TTL expired", "command not supported", "address type not supported"};
  return rep < 9 ? kReplies[rep] : "unknown SOCKS5 error";
}

// RFC 1928, CONNECT by domain name (ATYP 3). Username/password (RFC 1929) is
// offered with fresh random credentials for every connection: Tor keeps streams
// with different credentials on different circuits (IsolateSOCKSAuth, on by
// default), as Tor Browser does per site, so a reply fetch and a submission, or
// two reports, never share a circuit an exit or a relay could link them by. A
// proxy that wants no authentication gets none.
void socks5Connect(tcp::socket& sock, const HostPort& target, std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const std::string& host = target.host;
  const unsigned p = target.port;
  if (host.size() > 255 || p == 0) throw std::runtime_error("bad relay address for SOCKS5");
  std::uint8_t hello[] = {5, 2, 0, 2};
  asio::write(sock, asio::buffer(hello));
  std::uint8_t choice[2];
  asio::read(sock, asio::buffer(choice));
  if (choice[0] != 5) throw std::runtime_error("the proxy is not SOCKS5");
  if (choice[1] == 2) {
    std::uint8_t id[16];
    randombytes_buf(id, sizeof id);
    const std::string user = toHex(ByteView(id, sizeof id));
    std::vector<std::uint8_t> auth{1, static_cast<std::uint8_t>(user.size())};
    auth.insert(auth.end(), user.begin(), user.end());
    auth.insert(auth.end(), {1, 'x'});
    asio::write(sock, asio::buffer(auth));
    std::uint8_t status[2];
    asio::read(sock, asio::buffer(status));
    if (status[1] != 0) throw std::runtime_error("the proxy refused the connection's credentials");
  } else if (choice[1] != 0) {
    throw std::runtime_error("the proxy wants an authentication gongyou does not speak");
  }
  std::vector<std::uint8_t> req{5, 1, 0, 3, static_cast<std::uint8_t>(host.size())};
  req.insert(req.end(), host.begin(), host.end());
  req.push_back(static_cast<std::uint8_t>(p >> 8));
  req.push_back(static_cast<std::uint8_t>(p));
  asio::write(sock, asio::buffer(req));
  std::uint8_t head[4];
  asio::read(sock, asio::buffer(head));
  if (head[0] != 5) throw std::runtime_error("the proxy is not SOCKS5");
  if (head[1] != 0) throw std::runtime_error(std::string("proxy: ") + socksReply(head[1]));
  std::size_t addrLen = head[3] == 1 ? 4 : head[3] == 4 ? 16 : 0;
  if (head[3] == 3) {
    std::uint8_t n;
    asio::read(sock, asio::buffer(&n, 1));
    addrLen = n;
  } else if (addrLen == 0) {
    throw std::runtime_error("the proxy sent an unknown address type");
  }
  std::vector<std::uint8_t> rest(addrLen + 2);  // bound address and port: unused
  asio::read(sock, asio::buffer(rest));
  timeval none{0, 0};
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
}

}  // namespace

Proxy Proxy::parse(const std::string& url) {
  if (url.empty()) return {};
  std::string rest;
  for (const char* scheme : {"socks5://", "socks5h://"})
    if (url.rfind(scheme, 0) == 0) rest = url.substr(std::strlen(scheme));
  if (rest.empty()) throw std::invalid_argument("proxy must be socks5://HOST:PORT, e.g. socks5://127.0.0.1:9050 for Tor");
  try {
    HostPort hp = parseHostPort(rest);
    return {hp.host, std::to_string(hp.port)};
  } catch (const std::runtime_error&) {
    throw std::invalid_argument("proxy must be socks5://HOST:PORT, e.g. socks5://127.0.0.1:9050 for Tor");
  }
}

int connectTcp(const std::string& hostPort, std::chrono::milliseconds timeout, const Proxy& proxy) {
  asio::io_context io;
  tcp::socket sock(io);
  try {
    const HostPort target = parseHostPort(hostPort);
    if (proxy.direct()) {
      connectWithin(sock, io, target.host, std::to_string(target.port), timeout);
    } else {
      try {
        connectWithin(sock, io, proxy.host, proxy.port, timeout);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("proxy ") + proxy.host + ":" + proxy.port + ": " + e.what());
      }
      socks5Connect(sock, target, timeout);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot connect to " + hostPort + ": " + e.code().message());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("cannot connect to " + hostPort + ": " + e.what());
  }
  return sock.release();
}

namespace {

// WebSocket frames from a client must be masked with unpredictable keys (RFC
// 6455 §10.3): libsodium's generator.
class SodiumEntropy final : public kj::EntropySource {
 public:
  void generate(kj::ArrayPtr<kj::byte> buffer) override { randombytes_buf(buffer.begin(), buffer.size()); }
};

}  // namespace

// Declared in the order they are built: each part uses the ones before it, and
// is destroyed before them.
struct RelayConnection::WebSocket {
  SodiumEntropy entropy;
  kj::Own<kj::TlsContext> tls;
  kj::Own<kj::AsyncIoStream> stream;  // TLS over the TCP stream, or the TCP stream itself
  kj::Own<kj::HttpHeaderTable> table;
  kj::Own<kj::HttpClient> http;
  kj::Own<kj::WebSocket> socket;
  kj::Own<capnp::WebSocketMessageStream> messages;
};

RelayConnection::~RelayConnection() = default;

RelayConnection::RelayConnection(kj::AsyncIoContext& io, const std::string& address, const Net& net) : relay_(nullptr) {
  // A raw TCP address goes to connectTcp as given (it names what is wrong with it).
  std::optional<RelayAddress> url;
  if (address.rfind("ws://", 0) == 0 || address.rfind("wss://", 0) == 0) {
    url = parseRelayAddress(address);
    if (!url) throw std::runtime_error("relay address is not ws(s)://HOST[:PORT]/PATH: " + address);
  }
  const std::string tcpAt = url ? url->hostPort() : address;
  tcp_ = io.lowLevelProvider->wrapSocketFd(connectTcp(tcpAt, net.timeout, net.proxy),
                                           kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
  if (!url) {
    network_ = kj::heap<capnp::TwoPartyVatNetwork>(*tcp_, capnp::rpc::twoparty::Side::CLIENT, readerOptions());
  } else {
    auto& timer = io.provider->getTimer();
    const kj::Duration limit = net.timeout.count() * kj::MILLISECONDS;
    ws_ = std::make_unique<WebSocket>();
    auto& w = *ws_;
    kj::Own<kj::AsyncIoStream> plain(tcp_.get(), kj::NullDisposer::instance);
    KJ_IF_MAYBE(e, kj::runCatchingExceptions([&] {
      if (url->transport == RelayAddress::Transport::WebSocketTls) {
        kj::TlsContext::Options options;
        std::optional<kj::TlsCertificate> ca;
        if (!net.caFile.empty()) {
          std::ifstream in(net.caFile, std::ios::binary);
          if (!in) throw std::runtime_error("cannot read the CA file " + net.caFile);
          std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
            throw std::runtime_error("the CA file " + net.caFile + " holds no PEM certificate");
          ca.emplace(kj::StringPtr(pem.c_str()));
          options.useSystemTrustStore = false;
          options.trustedCertificates = kj::arrayPtr(&*ca, 1);
        }
        w.tls = kj::heap<kj::TlsContext>(kj::mv(options));
        w.stream = timer.timeoutAfter(limit, w.tls->wrapClient(kj::mv(plain), url->host)).wait(io.waitScope);
      } else {
        w.stream = kj::mv(plain);
      }
      w.table = kj::heap<kj::HttpHeaderTable>();
      kj::HttpClientSettings settings;
      settings.entropySource = w.entropy;
      w.http = kj::newHttpClient(*w.table, *w.stream, settings);
      kj::HttpHeaders headers(*w.table);
      headers.set(kj::HttpHeaderId::HOST, url->authority);
      auto answer = timer.timeoutAfter(limit, w.http->openWebSocket(url->path, headers)).wait(io.waitScope);
      if (!answer.webSocketOrBody.is<kj::Own<kj::WebSocket>>())
        throw std::runtime_error("the relay answered HTTP " + std::to_string(answer.statusCode) + " " +
                                 std::string(answer.statusText.cStr()) + " (no gongyou relay at " + url->path + "?)");
      w.socket = kj::mv(answer.webSocketOrBody.get<kj::Own<kj::WebSocket>>());
    })) {
      throw std::runtime_error("cannot connect to " + address + ": " + e->getDescription().cStr());
    }
    w.messages = kj::heap<capnp::WebSocketMessageStream>(*w.socket);
    network_ = kj::heap<capnp::TwoPartyVatNetwork>(*w.messages, capnp::rpc::twoparty::Side::CLIENT, readerOptions());
  }
  rpc_ = kj::heap<capnp::RpcSystem<capnp::rpc::twoparty::VatId>>(capnp::makeRpcClient(*network_));
  capnp::word scratch[4] = {};
  capnp::MallocMessageBuilder msg(scratch);
  auto vat = msg.getRoot<capnp::rpc::twoparty::VatId>();
  vat.setSide(capnp::rpc::twoparty::Side::SERVER);
  relay_ = rpc_->bootstrap(vat).castAs<proto::Relay>();
}

}  // namespace gongyou::protocol
