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
// Receipts: a job that stores an envelope returns its receipt's leaf
// (protocol/receipt.h); once the batch is durable the writer builds one Merkle
// tree over the batch's leaves and signs its root once with the relay key, so
// a relay pays one Ed25519 signature per fsync, not one per envelope, and the
// signing happens here rather than on the RPC thread.
//
// Threads: submit() is called on the RPC (KJ event loop) thread; the writer has no
// event loop and completes jobs through cross-thread fulfillers.
#pragma once

#include <kj/async.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "crypto/primitives.h"
#include "crypto/sign.h"
#include "server/metrics.h"
#include "storage/relay_store.h"

namespace gongyou::server {

// A request the relay turns down; the text goes back to the client, so it must
// name the problem and never carry anything secret.
class Refusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a receipt's leaf sits in its commit's tree and the relay's signature on
// the root.
struct ReceiptProof {
  std::uint32_t index = 0, batchSize = 0;
  std::vector<crypto::Hash> path;
  crypto::Signature signature{};
};

class Writer {
 public:
  using Job = std::function<void(storage::RelayStore::Batch&)>;
  // A job whose result needs a receipt: returns the receipt's leaf.
  using ReceiptJob = std::function<crypto::Hash(storage::RelayStore::Batch&)>;

  struct Options {
    std::size_t maxBatch = 4096;
    bool groupCommit = true;  // false: one transaction per job (the benchmark's baseline)
    // While idle, at random moments this far apart, the writer touches the
    // store's file times (RelayStore::coverTimes): a file's change time, which
    // no program can set back, then dates the last cover, not the last report.
    std::chrono::milliseconds coverMin{10'000}, coverMax{60'000};
  };

  // `receiptKey` signs the roots of receipted batches; it must outlive the writer.
  Writer(storage::RelayStore& store, Metrics& metrics, Options opts, const crypto::SigningKey* receiptKey = nullptr);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Resolves once the job's transaction is durable; rejects with the Refusal's
  // text, or "relay storage error" when the batch failed, or when stopping.
  kj::Promise<void> submit(Job job);
  // The same; before it resolves, `proof` holds the proof for the leaf the job
  // returned (written on the writer thread, read once the promise resolves).
  kj::Promise<void> submitReceipted(ReceiptJob job, std::shared_ptr<ReceiptProof> proof);

  // Commits everything already queued, then stops the thread. Later submits are
  // rejected. Idempotent.
  void stop();

 private:
  struct Pending {
    using Run = std::function<std::optional<crypto::Hash>(storage::RelayStore::Batch&)>;
    Run job;
    std::shared_ptr<ReceiptProof> proof;  // null: no receipt
    kj::Own<kj::CrossThreadPromiseFulfiller<void>> done;
  };
  kj::Promise<void> enqueue(Pending::Run job, std::shared_ptr<ReceiptProof> proof);
  void loop();
  void runBatch(std::deque<Pending>& batch);

  storage::RelayStore& store_;
  Metrics& metrics_;
  Options opts_;
  const crypto::SigningKey* receiptKey_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::uint32_t expiredThrough_ = 0;
  std::thread thread_;
};

}  // namespace gongyou::server
