#include "protocol/connection.h"

#include <capnp/rpc.h>

#include <boost/asio.hpp>

#include <fcntl.h>

#include <stdexcept>

#include "protocol/limits.h"

namespace gongyou::protocol {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

int connectTcp(const std::string& hostPort, std::chrono::milliseconds timeout) {
  auto colon = hostPort.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("relay address must be HOST:PORT: " + hostPort);
  std::string host = hostPort.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = hostPort.substr(colon + 1);

  asio::io_context io;
  tcp::socket sock(io);
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
  if (result) throw std::runtime_error("cannot connect to " + hostPort + ": " + result.message());
  sock.set_option(tcp::no_delay(true));
  // Asio left the fd non-blocking; hand it over in plain blocking mode as the
  // header promises (KJ sets its own flags when it wraps the fd).
  int fd = sock.release();
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

RelayConnection::RelayConnection(kj::AsyncIoContext& io, const std::string& hostPort,
                                 std::chrono::milliseconds timeout)
    : stream_(io.lowLevelProvider->wrapSocketFd(connectTcp(hostPort, timeout),
                                                kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP)),
      network_(*stream_, capnp::rpc::twoparty::Side::CLIENT, readerOptions()),
      rpc_(capnp::makeRpcClient(network_)),
      relay_(nullptr) {
  capnp::word scratch[4] = {};
  capnp::MallocMessageBuilder msg(scratch);
  auto vat = msg.getRoot<capnp::rpc::twoparty::VatId>();
  vat.setSide(capnp::rpc::twoparty::Side::SERVER);
  relay_ = rpc_.bootstrap(vat).castAs<proto::Relay>();
}

}  // namespace gongyou::protocol
