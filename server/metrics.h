// Counters the relay exposes: what an operator needs to see that the relay is
// healthy, and nothing about any one request. There is no per-request log line
// anywhere; these totals are the only trace traffic leaves.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace gongyou::server {

struct Metrics {
  using Counter = std::atomic<std::uint64_t>;
  Counter connectionsAccepted{0}, connectionsRefused{0}, connectionsOpen{0}, acceptErrors{0}, connectionsIdleClosed{0};
  Counter connectionsEvicted{0}, messagesTooSlow{0};
  Counter submitsAccepted{0}, submitsRefused{0}, powRefused{0}, replaysRefused{0};
  Counter batchesCommitted{0}, batchedJobs{0}, storageErrors{0};
  Counter bundlesServed{0}, logins{0}, loginsRefused{0};
  Counter powDifficulty{0};  // gauge: the difficulty of the last challenge issued
  Counter storageFull{0};    // gauge: 1 while the last write failed for want of space
  Counter envelopesFetched{0}, envelopesDeleted{0}, repliesStored{0}, repliesServed{0};
  Counter badRequests{0};
  Counter uploadsStarted{0}, uploadsRefusedBusy{0}, uploadsAbandoned{0};
  Counter uploadBytes{0};  // gauge: bytes held by uploads in progress
};

// Prometheus text exposition format 0.0.4.
std::string renderMetrics(const Metrics& m);

// GET /healthz and /metrics over HTTP/1.1 on its own thread (Boost.Beast).
// Meant for loopback: it says nothing secret, but there is no reason to show an
// internet scanner that a relay runs here.
class MetricsServer {
 public:
  // Binds immediately (port 0: any free port); throws std::runtime_error naming
  // the address when it cannot.
  MetricsServer(const Metrics& metrics, const std::string& host, unsigned short port);
  ~MetricsServer();
  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gongyou::server
