#include "server/metrics.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sstream>
#include <stdexcept>
#include <thread>

namespace gongyou::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string renderMetrics(const Metrics& m) {
  std::ostringstream o;
  auto counter = [&](const char* name, const char* help, const Metrics::Counter& c,
                     const char* type = "counter") {
    o << "# HELP gongyou_relay_" << name << ' ' << help << "\n# TYPE gongyou_relay_" << name << ' '
      << type << "\ngongyou_relay_" << name << ' ' << c.load(std::memory_order_relaxed) << '\n';
  };
  counter("connections_accepted_total", "Connections accepted.", m.connectionsAccepted);
  counter("connections_refused_total", "Connections closed at once: too many open.", m.connectionsRefused);
  counter("connections_open", "Connections open now.", m.connectionsOpen, "gauge");
  counter("accept_errors_total", "Failed accepts (e.g. out of file descriptors).", m.acceptErrors);
  counter("connections_idle_closed_total", "Connections closed after the idle timeout.", m.connectionsIdleClosed);
  counter("messages_too_slow_total",
          "Connections closed because a message they began arrived slower than 4 KiB/s after 10 s.",
          m.messagesTooSlow);
  counter("connections_evicted_total", "Silent connections closed at the cap to make room for a new one.",
          m.connectionsEvicted);
  counter("storage_full", "1 while submissions are refused because the store or its disk is full.", m.storageFull,
          "gauge");
  counter("uploads_started_total", "Large envelopes whose chunked upload began (stamp verified).", m.uploadsStarted);
  counter("uploads_refused_busy_total", "Uploads refused because the upload memory budget was spent.",
          m.uploadsRefusedBusy);
  counter("uploads_abandoned_total", "Uploads dropped unfinished (disconnect, deadline, refusal).", m.uploadsAbandoned);
  counter("upload_bytes", "Bytes held in memory by uploads in progress.", m.uploadBytes, "gauge");
  counter("pow_difficulty", "Proof-of-work bits asked by the last challenge (above the bundle's under load).",
          m.powDifficulty, "gauge");
  counter("submits_accepted_total", "Envelopes stored durably.", m.submitsAccepted);
  counter("submits_refused_total", "Submissions refused (any reason).", m.submitsRefused);
  counter("pow_refused_total", "Submissions refused for a bad or stale proof of work.", m.powRefused);
  counter("replays_refused_total", "Stamps or login challenges presented twice.", m.replaysRefused);
  counter("batches_committed_total", "Write transactions committed (fsyncs).", m.batchesCommitted);
  counter("batched_jobs_total", "Writes committed inside those transactions.", m.batchedJobs);
  counter("storage_errors_total", "Write transactions that failed (disk full, I/O).", m.storageErrors);
  counter("bundles_served_total", "Key bundles served.", m.bundlesServed);
  counter("logins_total", "Courier logins accepted.", m.logins);
  counter("logins_refused_total", "Courier logins refused.", m.loginsRefused);
  counter("envelopes_fetched_total", "Envelopes handed to couriers.", m.envelopesFetched);
  counter("envelopes_deleted_total", "Envelopes deleted on a signed acknowledgement.", m.envelopesDeleted);
  counter("replies_stored_total", "Replies filed into mailboxes.", m.repliesStored);
  counter("replies_served_total", "Replies handed out from mailboxes.", m.repliesServed);
  counter("bad_requests_total", "Requests refused as malformed or over a cap.", m.badRequests);
  return o.str();
}

struct MetricsServer::Impl {
  const Metrics& metrics;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;

  Impl(const Metrics& m, const std::string& host, unsigned short port) : metrics(m), acceptor(io) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("metrics address is not an IP address: " + host);
    tcp::endpoint ep(addr, port);
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(16, ec);
    if (ec) throw std::runtime_error("cannot listen for metrics on " + host + ":" + std::to_string(port) +
                                     ": " + ec.message());
    accept();
    thread = std::thread([this] { io.run(); });
  }

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;  // acceptor closed: shutting down
      serve(std::move(s));
      accept();
    });
  }

  // One request per connection, synchronously: it is a loopback scrape endpoint.
  // A receive timeout keeps a silent client from stalling it for long.
  void serve(tcp::socket s) {
    timeval tv{2, 0};
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::beast::flat_buffer buf(8192);
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8192);
    boost::system::error_code ec;
    http::read(s, buf, parser, ec);
    if (ec) return;
    const auto& req = parser.get();
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    if (req.method() != http::verb::get) {
      res.result(http::status::method_not_allowed);
      res.body() = "GET only\n";
    } else if (req.target() == "/healthz") {
      // Unhealthy while full: a monitor (or a load balancer over several
      // relays) should hear of it before the workers do.
      const bool full = metrics.storageFull.load() != 0;
      res.result(full ? http::status::service_unavailable : http::status::ok);
      res.body() = full ? "storage full\n" : "ok\n";
    } else if (req.target() == "/metrics") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/plain; version=0.0.4");
      res.body() = renderMetrics(metrics);
    } else {
      res.result(http::status::not_found);
      res.body() = "not found\n";
    }
    res.prepare_payload();
    http::write(s, res, ec);
  }
};

MetricsServer::MetricsServer(const Metrics& metrics, const std::string& host, unsigned short port)
    : impl_(std::make_unique<Impl>(metrics, host, port)) {}

MetricsServer::~MetricsServer() {
  asio::post(impl_->io, [this] { impl_->acceptor.close(); });
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short MetricsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace gongyou::server
