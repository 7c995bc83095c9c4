// Group commit: one writer thread turns all pending writes into one LMDB
// transaction and one fsync, then answers every one of them.
//
// Why: a durable commit costs ~0.65 ms of fsync on a cheap VM whether it holds one
// envelope or a thousand, so one transaction per submission caps a relay at
// ~1,500 submits/s; batching lifts that to the disk's bandwidth. A job's promise
// resolves only after the transaction holding it is durable, so a receipt always
// means "on disk".
//
// Jobs run on the writer thread, inside the batch's transaction. A job refuses by
// throwing Refusal before it writes anything; the other jobs of the batch are not
// affected. When the store is full, the batch's jobs are retried one transaction
// each, so only those that do not fit are refused ("relay storage is full"). Any
// other LMDB error (I/O) fails the whole batch: every job in it is rejected and
// nothing of it is stored.
//
// Threads: submit() is called on the RPC (KJ event loop) thread; the writer has no
// event loop and completes jobs through cross-thread fulfillers.
#pragma once

#include <kj/async.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "server/metrics.h"
#include "storage/relay_store.h"

namespace gongyou::server {

// A request the relay turns down; the text goes back to the client, so it must
// name the problem and never carry anything secret.
class Refusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Writer {
 public:
  using Job = std::function<void(storage::RelayStore::Batch&)>;

  struct Options {
    std::size_t maxBatch = 4096;
    bool groupCommit = true;  // false: one transaction per job (the benchmark's baseline)
    // While idle, at random moments this far apart, the writer touches the
    // store's file times (RelayStore::coverTimes): a file's change time, which
    // no program can set back, then dates the last cover, not the last report.
    std::chrono::milliseconds coverMin{10'000}, coverMax{60'000};
  };

  Writer(storage::RelayStore& store, Metrics& metrics, Options opts);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Resolves once the job's transaction is durable; rejects with the Refusal's
  // text, or "relay storage error" when the batch failed, or when stopping.
  kj::Promise<void> submit(Job job);

  // Commits everything already queued, then stops the thread. Later submits are
  // rejected. Idempotent.
  void stop();

 private:
  struct Pending {
    Job job;
    kj::Own<kj::CrossThreadPromiseFulfiller<void>> done;
  };
  void loop();
  void runBatch(std::deque<Pending>& batch);

  storage::RelayStore& store_;
  Metrics& metrics_;
  Options opts_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::uint32_t expiredThrough_ = 0;
  std::thread thread_;
};

}  // namespace gongyou::server
