#include "server/writer.h"

#include <kj/exception.h>

#include <cerrno>

#include "crypto/merkle.h"
#include "crypto/primitives.h"
#include "protocol/receipt.h"
#include "protocol/day.h"
#include "protocol/limits.h"

namespace gongyou::server {

namespace {
constexpr char kFull[] = "relay storage is full; try another relay or later";

kj::Exception failure(const std::string& text) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::heapString(text.c_str()));
}
}  // namespace

Writer::Writer(storage::RelayStore& store, Metrics& metrics, Options opts, const crypto::SigningKey* receiptKey)
    : store_(store), metrics_(metrics), opts_(opts), receiptKey_(receiptKey), thread_([this] { loop(); }) {}

Writer::~Writer() { stop(); }

kj::Promise<void> Writer::submit(Job job) {
  return enqueue(
      [job = std::move(job)](storage::RelayStore::Batch& b) -> std::optional<crypto::Hash> {
        job(b);
        return std::nullopt;
      },
      nullptr);
}

kj::Promise<void> Writer::submitReceipted(ReceiptJob job, std::shared_ptr<ReceiptProof> proof) {
  return enqueue([job = std::move(job)](storage::RelayStore::Batch& b) -> std::optional<crypto::Hash> { return job(b); },
                 std::move(proof));
}

kj::Promise<void> Writer::enqueue(Pending::Run job, std::shared_ptr<ReceiptProof> proof) {
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return failure("relay is shutting down");
    queue_.push_back({std::move(job), std::move(proof), kj::mv(paf.fulfiller)});
  }
  cv_.notify_one();
  return kj::mv(paf.promise);
}

void Writer::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Writer::loop() {
  auto nextCover = [this] {
    const auto span = static_cast<std::uint32_t>(std::max<std::int64_t>(1, (opts_.coverMax - opts_.coverMin).count()));
    return std::chrono::steady_clock::now() + opts_.coverMin + std::chrono::milliseconds(crypto::randomBelow(span));
  };
  auto cover = nextCover();
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!cv_.wait_until(lock, cover, [this] { return stopping_ || !queue_.empty(); })) {
        lock.unlock();
        store_.coverTimes();
        cover = nextCover();
        continue;
      }
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      const std::size_t n = opts_.groupCommit ? std::min(opts_.maxBatch, queue_.size()) : 1;
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    runBatch(batch);
  }
}

void Writer::runBatch(std::deque<Pending>& batch) {
  std::vector<std::string> refused(batch.size());
  std::vector<std::optional<crypto::Hash>> leaves(batch.size());
  try {
    storage::RelayStore::Batch txn(store_);
    // Once a day: replies older than the retention period.
    const std::uint32_t day = protocol::today();
    if (expiredThrough_ != day && day > protocol::kReplyRetentionDays) {
      txn.expireReplies(day - protocol::kReplyRetentionDays);
      expiredThrough_ = day;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      try {
        leaves[i] = batch[i].job(txn);
      } catch (const Refusal& r) {
        refused[i] = r.what();
      }
    }
    txn.commit();
  } catch (const std::exception& e) {
    expiredThrough_ = 0;
    // Out of room: the envelope budget (--map-size), LMDB's map, or the disk
    // itself. The batch is undone and every earlier one kept, so nothing
    // acknowledged is at risk. A disk that fills mid-commit shows as a short
    // write (EIO): with almost nothing free, that is what it was.
    constexpr std::uint64_t kNearlyFull = 16 << 20;
    const auto* db = dynamic_cast<const lmdb::Error*>(&e);
    const bool full = dynamic_cast<const storage::StoreFull*>(&e) ||
                      (db && (db->code() == MDB_MAP_FULL || db->code() == ENOSPC || db->code() == EDQUOT ||
                              (db->code() == EIO && store_.freeDiskBytes() < kNearlyFull)));
    if (!full) {
      metrics_.storageErrors++;
      for (auto& p : batch) p.done->reject(failure("relay storage error; try again later"));
      return;
    }
    if (batch.size() > 1) {
      // Nearly full: a big batch may fail where most of its jobs would fit.
      // Retry them one transaction each, so only what does not fit is refused.
      for (auto& p : batch) {
        std::deque<Pending> one;
        one.push_back(std::move(p));
        runBatch(one);
      }
      return;
    }
    metrics_.storageErrors++;
    metrics_.storageFull = 1;
    for (auto& p : batch) p.done->reject(failure(kFull));
    return;
  }
  metrics_.storageFull = 0;
  metrics_.batchesCommitted++;
  metrics_.batchedJobs += batch.size();
  // Durable now: one tree over the receipts of what was stored, one signature.
  std::vector<crypto::Hash> tree;
  std::vector<std::uint32_t> at(batch.size(), 0);
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (refused[i].empty() && leaves[i]) at[i] = static_cast<std::uint32_t>(tree.size()), tree.push_back(*leaves[i]);
  std::optional<crypto::MerkleTree> merkle;
  crypto::Signature signature{};
  if (!tree.empty()) {
    merkle.emplace(std::move(tree));
    if (receiptKey_) signature = protocol::signReceiptRoot(*receiptKey_, merkle->root(), merkle->size());
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!refused[i].empty()) {
      batch[i].done->reject(failure(refused[i]));
      continue;
    }
    if (leaves[i] && batch[i].proof) *batch[i].proof = {at[i], merkle->size(), merkle->path(at[i]), signature};
    batch[i].done->fulfill();
  }
}

}  // namespace gongyou::server
