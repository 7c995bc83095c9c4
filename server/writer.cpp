#include "server/writer.h"

#include <kj/exception.h>

#include "protocol/day.h"
#include "protocol/limits.h"

namespace gongyou::server {

namespace {
kj::Exception failure(const std::string& text) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::heapString(text.c_str()));
}
}  // namespace

Writer::Writer(storage::RelayStore& store, Metrics& metrics, Options opts)
    : store_(store), metrics_(metrics), opts_(opts), thread_([this] { loop(); }) {}

Writer::~Writer() { stop(); }

kj::Promise<void> Writer::submit(Job job) {
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return failure("relay is shutting down");
    queue_.push_back({std::move(job), kj::mv(paf.fulfiller)});
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
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
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
  try {
    storage::RelayStore::Batch txn(store_);
    // Once a day: replay entries for days no challenge can come from any more,
    // and replies older than the retention period.
    const std::uint32_t day = protocol::today();
    if (expiredThrough_ != day && day > protocol::kReplyRetentionDays) {
      txn.expireReplay(day - 1);
      txn.expireReplies(day - protocol::kReplyRetentionDays);
      expiredThrough_ = day;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      try {
        batch[i].job(txn);
      } catch (const Refusal& r) {
        refused[i] = r.what();
      }
    }
    txn.commit();
  } catch (const lmdb::MapFull&) {
    expiredThrough_ = 0;
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
    for (auto& p : batch) p.done->reject(failure("relay storage is full; try another relay or later"));
    return;
  } catch (const std::exception&) {
    metrics_.storageErrors++;
    for (auto& p : batch) p.done->reject(failure("relay storage error; try again later"));
    expiredThrough_ = 0;
    return;
  }
  metrics_.batchesCommitted++;
  metrics_.batchedJobs += batch.size();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (refused[i].empty()) batch[i].done->fulfill();
    else batch[i].done->reject(failure(refused[i]));
  }
}

}  // namespace gongyou::server
